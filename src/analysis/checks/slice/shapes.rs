//! The statements that drop elements from a slice, and how they do it.

use tree_sitter::Node;

use super::Checker;
use crate::analysis::syntax::{self, text, unparen, Fields};

/// How a statement drops elements from a slice.
#[derive(Debug, Clone, Copy)]
pub(super) enum Form<'t> {
    /// `x = x[n:]`
    Front { start: Node<'t> },
    /// `x = x[:n]`
    Back { end: Node<'t> },
    /// `x = append(x[:i], x[j:]...)`
    Middle { i: Node<'t>, j: Node<'t> },
}

/// One re-slicing assignment: `target = operand[...]`.
pub(super) struct Reslice<'t> {
    pub(super) statement: Node<'t>,
    pub(super) target: Node<'t>,
    /// The slice being re-sliced: the target itself, or a local copy of it (`old := *h`).
    pub(super) operand: Node<'t>,
    /// The expression the assignment replaces (the right-hand side).
    pub(super) value: Node<'t>,
    pub(super) form: Form<'t>,
}

/// The expression without white space and outer parentheses, for comparing two spellings.
pub(super) fn norm(node: Node, source: &str) -> String {
    let mut n = node;
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    text(n, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub(super) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The re-slicing pairs of an assignment statement (`=` only).
pub(super) fn reslices<'t>(statement: Node<'t>, source: &str) -> Vec<Reslice<'t>> {
    let op = statement.field("operator");
    if op.is_none_or(|op| text(op, source) != "=") {
        return Vec::new();
    }
    let (Some(left), Some(right)) = (statement.field("left"), statement.field("right")) else {
        return Vec::new();
    };
    let lefts = named_children(left);
    let rights = named_children(right);
    if lefts.len() != rights.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (target, value) in lefts.into_iter().zip(rights) {
        let target_text = norm(target, source);
        if target_text == "_" {
            continue;
        }
        let mut value_inner = value;
        while value_inner.kind() == "parenthesized_expression" {
            match value_inner.named_child(0) {
                Some(inner) => value_inner = inner,
                None => break,
            }
        }
        match value_inner.kind() {
            "slice_expression" => {
                let Some((operand, start, end)) = slice_parts(value_inner, source) else {
                    continue;
                };
                let form = match (start, end) {
                    (Some(start), None) => Form::Front { start },
                    (None, Some(end)) if !may_grow(end, source) => Form::Back { end },
                    _ => continue,
                };
                let same = norm(operand, source) == target_text;
                if same || is_copy_of(operand, &target_text, statement, source) {
                    out.push(Reslice {
                        statement,
                        target,
                        operand,
                        value,
                        form,
                    });
                }
            }
            "call_expression" => {
                if let Some(form) = append_removal(value_inner, &target_text, source) {
                    out.push(Reslice {
                        statement,
                        target,
                        operand: target,
                        value,
                        form,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The operand, start and end of `x[a:b]` (no capacity); a start of `0` counts as none.
pub(super) fn slice_parts<'t>(
    slice: Node<'t>,
    source: &str,
) -> Option<(Node<'t>, Option<Node<'t>>, Option<Node<'t>>)> {
    if slice.field("capacity").is_some() {
        return None;
    }
    let operand = slice.field("operand")?;
    let start = slice.field("start").filter(|s| norm(*s, source) != "0");
    let end = slice.field("end");
    Some((operand, start, end))
}

/// `append(x[:i], x[j:]...)` with `x` the target.
pub(super) fn append_removal<'t>(call: Node<'t>, target: &str, source: &str) -> Option<Form<'t>> {
    let callee = call.field("function")?;
    if text(callee, source) != "append" {
        return None;
    }
    let args = named_children(call.field("arguments")?);
    let [head, tail] = args.as_slice() else {
        return None;
    };
    let (head_operand, None, Some(i)) = slice_parts(unparen(*head), source)? else {
        return None;
    };
    if tail.kind() != "variadic_argument" {
        return None;
    }
    let tail = unparen(tail.named_child(0)?);
    if tail.kind() != "slice_expression" {
        return None;
    }
    let (tail_operand, Some(j), None) = slice_parts(tail, source)? else {
        return None;
    };
    (norm(head_operand, source) == target && norm(tail_operand, source) == target)
        .then_some(Form::Middle { i, j })
}

/// True when `operand` is a local variable declared once, as `operand := target`, in the
/// function of `statement` (the `old := *h` of a heap's Pop).
pub(super) fn is_copy_of(operand: Node, target: &str, statement: Node, source: &str) -> bool {
    if operand.kind() != "identifier" {
        return false;
    }
    let Some(func) = syntax::enclosing_function(statement) else {
        return false;
    };
    let name = text(operand, source);
    let mut copies = 0;
    let mut other_declarations = 0;
    syntax::walk(func, |n| {
        if n.kind() == "short_var_declaration" || n.kind() == "var_spec" {
            let (names, values) = match n.kind() {
                "short_var_declaration" => (
                    n.field("left").map(named_children),
                    n.field("right").map(named_children),
                ),
                _ => {
                    let mut c = n.walk();
                    let names: Vec<Node> = n.children_by_field_name("name", &mut c).collect();
                    (Some(names), n.field("value").map(named_children))
                }
            };
            let names = names.unwrap_or_default();
            let values = values.unwrap_or_default();
            for (k, id) in names.iter().enumerate() {
                if text(*id, source) != name {
                    continue;
                }
                match values.get(k) {
                    Some(v) if names.len() == values.len() && norm(*v, source) == target => {
                        copies += 1
                    }
                    _ => other_declarations += 1,
                }
            }
        }
        n == func || !syntax::is_function(n.kind())
    });
    copies == 1 && other_declarations == 0 && !is_parameter(func, name, source)
}

pub(super) fn is_parameter(func: Node, name: &str, source: &str) -> bool {
    ["receiver", "parameters", "result"].iter().any(|field| {
        func.field(field).is_some_and(|list| {
            syntax::identifiers_named(list, source, name)
                .iter()
                .any(|id| id.parent().is_some_and(|p| p.kind().contains("parameter")))
        })
    })
}

/// `x[:len(x)+1]`, `x[:cap(x)]`: a new length that may be longer, not a shrink.
pub(super) fn may_grow(end: Node, source: &str) -> bool {
    let end = unparen(end);
    let adds = end.kind() == "binary_expression"
        && end
            .field("operator")
            .is_some_and(|op| text(op, source) == "+");
    adds || text(end, source).contains("cap(")
}

/// `x`, `x[...]` or `x[a:b]` where `x` is one of `names`.
pub(super) fn is_slice_of(node: Node, names: &[String], source: &str) -> bool {
    let mut node = unparen(node);
    // A loop, not recursion: `x[a:][b:]...` may be nested 100,000 deep in hostile input.
    loop {
        let operand = match node.kind() {
            "slice_expression" | "index_expression" => match node.field("operand") {
                Some(o) => o,
                None => return false,
            },
            _ => node,
        };
        let operand = unparen(operand);
        // `x[:len(x)+1][len(x)]`: the slot just past the length, through a longer slice.
        if operand.kind() != "slice_expression" {
            return names.contains(&norm(operand, source));
        }
        node = operand;
    }
}

impl<'a, 't> Checker<'a, 't> {
    /// The statement just before a shrink is `copy(x[i:], x[i+1:])`.
    pub(super) fn follows_copy(&self, r: &Reslice) -> bool {
        let names = self.names(r);
        let Some(prev) = r.statement.prev_named_sibling() else {
            return false;
        };
        if prev.kind() != "expression_statement" {
            return false;
        }
        let Some(call) = prev.named_child(0) else {
            return false;
        };
        call.kind() == "call_expression"
            && call
                .field("function")
                .is_some_and(|f| text(f, self.source) == "copy")
            && call
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|a| is_slice_of(a, &names, self.source))
    }

    /// `len(x)-1`, or `n-1` where `n := len(x)`: the end of a shrink by one.
    pub(super) fn is_last_slot(&self, end: Node, r: &Reslice) -> bool {
        let source = self.source;
        let names = self.names(r);
        let end_text = norm(end, source);
        let Some(minus_one) = end_text.strip_suffix("-1") else {
            return false;
        };
        let is_len = |t: &str| names.iter().any(|n| t == format!("len({n})"));
        if is_len(minus_one) {
            return true;
        }
        // `n := len(x)` declared once in the function.
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let mut lengths = 0;
        let mut others = 0;
        syntax::walk(func, |n| {
            if n.kind() == "short_var_declaration" {
                if let (Some(l), Some(v)) = (n.field("left"), n.field("right")) {
                    let ls = named_children(l);
                    let vs = named_children(v);
                    for (k, id) in ls.iter().enumerate() {
                        if text(*id, source) == minus_one {
                            match vs.get(k) {
                                Some(v) if ls.len() == vs.len() && is_len(&norm(*v, source)) => {
                                    lengths += 1
                                }
                                _ => others += 1,
                            }
                        }
                    }
                }
            }
            true
        });
        lengths == 1 && others == 0
    }
}
