//! The statements that drop elements from a slice, and how they do it.

use tree_sitter::Node;

use super::Checker;
use crate::analysis::syntax::{self, text, unparen, Fields};

/// How elements were moved down just before a shrink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Move {
    /// `copy(x[i:], x[i+1:])`: one removed from the middle.
    CopyOver,
    /// `copy(x, x[k:])`: the first `k` removed, the rest shifted down.
    CopyDown,
    /// `if x[1] == x[0] { x = x[:1] }`: what is dropped equals what is kept.
    Duplicate,
    /// `x[i] = x[len(x)-1]`: the last one moved into the removed one's place.
    SwapIn,
}

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
    /// How the statement just before a shrink moved elements down, if it did: the dropped
    /// slots then hold stale copies of elements still in the slice.
    pub(super) fn preceding_move(&self, r: &Reslice) -> Option<Move> {
        // The statement before it, or before the `if` or block it is in (`x[i] = x[n-1]`, then
        // `if n == 1 { x = nil } else { x = x[:n-1] }`).
        let mut at = r.statement;
        loop {
            let in_list = at.parent().is_some_and(|p| p.kind() == "statement_list");
            if in_list {
                // Comments, and statements that do not name the slice, between the move and
                // the shrink do not count (`copy(...)`, `max := c.max`, `if ... { x = x[:n-1] }`).
                let names = self.names(r);
                let mut prev = at.prev_named_sibling();
                while let Some(p) = prev.filter(|p| {
                    p.kind() == "comment"
                        || (is_plain_statement(*p) && !names_any(*p, &names, self.source))
                }) {
                    prev = p.prev_named_sibling();
                }
                if let Some(prev) = prev {
                    return self.move_in(prev, r);
                }
            }
            at = at.parent()?;
            if syntax::is_function(at.kind()) || at.kind() == "for_statement" {
                return None;
            }
        }
    }

    /// The `copy(...)` call a statement makes: the statement itself, or its only value.
    fn copy_call<'n>(&self, statement: Node<'n>) -> Option<Node<'n>> {
        let call = match statement.kind() {
            "expression_statement" => statement.named_child(0)?,
            _ => statement.field("right")?.named_child(0)?,
        };
        let call = unparen(call);
        (call.kind() == "call_expression"
            && call
                .field("function")
                .is_some_and(|f| text(f, self.source) == "copy"))
        .then_some(call)
    }

    /// `x = x[:n]` inside an `if` that compares the first dropped slot `x[n]` for equality:
    /// the code drops it because it duplicates what stays (`if s[1] == s[0] { s = s[:1] }`).
    pub(super) fn drops_duplicate(&self, r: &Reslice) -> bool {
        let Form::Back { end } = r.form else {
            return false;
        };
        let source = self.source;
        let slots: Vec<String> = self
            .names(r)
            .iter()
            .map(|n| format!("{n}[{}]", norm(end, source)))
            .collect();
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if syntax::is_function(n.kind()) {
                return false;
            }
            if n.kind() == "if_statement" {
                let mut compares = false;
                if let Some(c) = n.field("condition") {
                    syntax::walk(c, |e| {
                        if e.kind() == "binary_expression"
                            && e.field("operator")
                                .is_some_and(|op| text(op, source) == "==")
                        {
                            let sides = [e.field("left"), e.field("right")];
                            compares |= sides
                                .iter()
                                .flatten()
                                .any(|side| slots.contains(&norm(*side, source)));
                        }
                        !compares
                    });
                }
                if compares {
                    return true;
                }
            }
            cur = n.parent();
        }
        false
    }

    /// How `prev` moved elements of the slice down, if it did.
    fn move_in(&self, prev: Node, r: &Reslice) -> Option<Move> {
        let source = self.source;
        let names = self.names(r);
        match prev.kind() {
            // `if i != n-1 { x[i] = x[n-1] }`: the move, when there is one to make.
            "if_statement" if prev.field("alternative").is_none() => {
                let body = prev.field("consequence")?;
                let mut cursor = body.walk();
                let statements: Vec<Node> = body
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "statement_list")
                    .flat_map(|list| named_children(list))
                    .collect();
                statements.into_iter().find_map(|st| {
                    (st.kind() == "assignment_statement")
                        .then(|| self.move_in(st, r))
                        .flatten()
                })
            }
            // `copy(x[i:], x[i+1:])` or `copy(x, x[k:])`, alone or for its count
            // (`n := copy(x, x[k:])`).
            "expression_statement" | "short_var_declaration" | "assignment_statement"
                if self.copy_call(prev).is_some() =>
            {
                let call = self.copy_call(prev)?;
                if call
                    .field("function")
                    .is_none_or(|f| text(f, source) != "copy")
                {
                    return None;
                }
                let first = call.field("arguments")?.named_child(0)?;
                if names.contains(&norm(first, source)) {
                    Some(Move::CopyDown)
                } else if is_slice_of(first, &names, source) {
                    Some(Move::CopyOver)
                } else {
                    None
                }
            }
            // `x[i] = x[len(x)-1]`: the last element moves into the removed one's place.
            "assignment_statement" => {
                let left = prev.field("left")?.named_child(0)?;
                let right = prev.field("right")?.named_child(0)?;
                let Form::Back { end } = r.form else {
                    return None;
                };
                let into_slot =
                    unparen(left).kind() == "index_expression" && is_slice_of(left, &names, source);
                let right = unparen(right);
                let from_last = right.kind() == "index_expression"
                    && right
                        .field("operand")
                        .is_some_and(|o| names.contains(&norm(o, source)))
                    && right.field("index").is_some_and(|i| {
                        let i = norm(i, source);
                        i == norm(end, source) || names.iter().any(|n| i == format!("len({n})-1"))
                    });
                (into_slot && from_last).then_some(Move::SwapIn)
            }
            _ => None,
        }
    }

    /// `len(x)-1`, `n-1` where `n := len(x)`, or `last` where `last := len(x) - 1`: the end
    /// of a shrink by one.
    pub(super) fn is_last_slot(&self, end: Node, r: &Reslice) -> bool {
        let source = self.source;
        let names = self.names(r);
        let is_len = |t: &str| names.iter().any(|n| t == format!("len({n})"));
        let end_text = norm(end, source);
        if end_text.strip_suffix("-1").is_some_and(is_len) {
            return true;
        }
        // `n := len(x)` with `x[:n-1]`, or `last := len(x)-1` with `x[:last]`, declared once.
        let (name, wanted): (&str, &dyn Fn(&str) -> bool) = match end_text.strip_suffix("-1") {
            Some(n) => (n, &is_len),
            None => (&end_text, &|v: &str| {
                v.strip_suffix("-1").is_some_and(is_len)
            }),
        };
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
                        if text(*id, source) == name {
                            match vs.get(k) {
                                Some(v) if ls.len() == vs.len() && wanted(&norm(*v, source)) => {
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

/// A statement that neither branches nor loops: skipping it cannot skip a move.
fn is_plain_statement(n: Node) -> bool {
    matches!(
        n.kind(),
        "short_var_declaration"
            | "assignment_statement"
            | "var_declaration"
            | "expression_statement"
            | "inc_statement"
            | "dec_statement"
    )
}

/// Whether `n` spells any of `names` (the slice, or a copy of it) anywhere inside.
fn names_any(n: Node, names: &[String], source: &str) -> bool {
    let mut found = false;
    syntax::walk(n, |e| {
        if !found
            && matches!(
                e.kind(),
                "identifier"
                    | "selector_expression"
                    | "unary_expression"
                    | "parenthesized_expression"
            )
            && names.contains(&norm(e, source))
        {
            found = true;
        }
        !found
    });
    found
}
