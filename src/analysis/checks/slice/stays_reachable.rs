//! What makes a dropped slot harmless: it was cleared, it is still in use, or it is about to be
//! overwritten.

use tree_sitter::Node;

use super::shapes::{is_slice_of, named_children, norm, Form, Reslice};
use super::Checker;
use crate::analysis::syntax::{self, text, unparen, Fields};

impl<'a, 't> Checker<'a, 't> {
    /// True when a statement before the re-slice in the same block clears elements of the slice
    /// (`x[0] = nil`, `clear(x[...])`, a loop that zeroes them). For a removal with append, the
    /// clearing comes after it.
    pub(super) fn already_cleared(&self, r: &Reslice) -> bool {
        let names = self.names(r);
        let Some(list) = r.statement.parent() else {
            return false;
        };
        let siblings = named_children(list);
        let Some(at) = siblings.iter().position(|s| *s == r.statement) else {
            return false;
        };
        let candidates: Vec<Node> = match r.form {
            Form::Middle { .. } => siblings[at + 1..].to_vec(),
            _ => siblings[..at].to_vec(),
        };
        candidates
            .into_iter()
            .any(|s| self.clears_any(s, &names, r.statement))
    }

    pub(super) fn clears_any(&self, node: Node, names: &[String], func_scope: Node) -> bool {
        let source = self.source;
        let mut found = false;
        syntax::walk(node, |n| {
            if found {
                return false;
            }
            match n.kind() {
                "assignment_statement" => {
                    let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                        return true;
                    };
                    let lefts = named_children(left);
                    let rights = named_children(right);
                    for (l, v) in lefts.iter().zip(rights.iter()) {
                        // `x[n].f = nil` clears a field of the dropped element.
                        let mut l = unparen(*l);
                        while l.kind() == "selector_expression" {
                            match l.field("operand") {
                                Some(o) => l = unparen(o),
                                None => break,
                            }
                        }
                        if l.kind() == "index_expression"
                            && l.field("operand")
                                .is_some_and(|o| is_slice_of(o, names, source))
                            && self.is_zero_value(*v, func_scope)
                        {
                            found = true;
                        }
                    }
                }
                "call_expression" => {
                    // `clear(x[n:])`, or a helper named for it: `clearInstrs(x[n:])`.
                    let callee = n.field("function").map(|f| {
                        let name = text(f, source);
                        name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase()
                    });
                    if callee.is_some_and(|c| c.contains("clear") || c.contains("zero")) {
                        let arg = n.field("arguments").and_then(|a| a.named_child(0));
                        if arg.is_some_and(|a| is_slice_of(a, names, source)) {
                            found = true;
                        }
                    }
                }
                _ => {}
            }
            !found && !syntax::is_function(n.kind())
        });
        found
    }

    /// `nil`, `T{}`, `*new(T)`, or a variable declared `var zero T` (with no value).
    pub(super) fn is_zero_value(&self, value: Node, scope: Node) -> bool {
        let source = self.source;
        let value = unparen(value);
        match value.kind() {
            "nil" => true,
            "composite_literal" => value
                .field("body")
                .is_some_and(|b| b.named_child_count() == 0),
            "unary_expression" => {
                text(value, source).starts_with('*')
                    && value.field("operand").is_some_and(|o| {
                        o.kind() == "call_expression"
                            && o.field("function")
                                .is_some_and(|f| text(f, source) == "new")
                    })
            }
            "identifier" => {
                let name = text(value, source);
                let func = syntax::enclosing_function(scope).unwrap_or(self.decl);
                syntax::identifiers_named(func, source, name)
                    .iter()
                    .any(|id| {
                        id.parent().is_some_and(|p| {
                            p.kind() == "var_spec"
                                && p.field("value").is_none()
                                && p.field("type").is_some()
                        })
                    })
            }
            _ => false,
        }
    }

    /// `e := &x[0]` in the function: the slots are handed out by address (a batch allocator), so
    /// the dropped one is in use, not forgotten.
    pub(super) fn hands_out_slots(&self, r: &Reslice) -> bool {
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let func_text: String = text(func, self.source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        self.names(r).iter().any(|n| {
            takes_address(&func_text, &format!("{n}["))
                || takes_address(&func_text, &format!("({n})["))
        })
    }

    /// `x = x[:n]` where `n` may exceed the length: the function looks at the capacity
    /// (`if cap(x) >= n { x = x[:n] }`), a condition around it reads `len(x) < n`, or the next
    /// statement clears the new length (a resize for reuse).
    pub(super) fn may_regrow(&self, r: &Reslice) -> bool {
        let Form::Back { end } = r.form else {
            return false;
        };
        let source = self.source;
        if norm(end, source) == "0" || self.is_last_slot(end, r) {
            return false;
        }
        let names = self.names(r);
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let func_text: String = text(func, source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if names
            .iter()
            .any(|n| func_text.contains(&format!("cap({n})")))
        {
            return true;
        }
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if n == func {
                break;
            }
            if n.kind() == "if_statement" {
                if let Some(cond) = n.field("condition") {
                    let cond = norm(cond, source);
                    let grows = names.iter().any(|x| {
                        cond.contains(&format!("len({x})<")) || cond.contains(&format!(">len({x})"))
                    });
                    if grows {
                        return true;
                    }
                }
            }
            cur = n.parent();
        }
        r.statement.next_named_sibling().is_some_and(|next| {
            next.kind() == "expression_statement"
                && names
                    .iter()
                    .any(|x| norm(next, source) == format!("clear({x})"))
        })
    }
}

/// `&` right before `operand` somewhere in `text` (white space removed): an address taken. The
/// `&` of `a&&x[0]` is the operator: in a run of `&`s an odd count ends with an address-of.
pub(super) fn takes_address(text: &str, operand: &str) -> bool {
    text.match_indices(operand).any(|(at, _)| {
        let ampersands = text[..at].bytes().rev().take_while(|&b| b == b'&').count();
        ampersands % 2 == 1
    })
}

#[cfg(test)]
mod tests {
    use super::takes_address;
    #[test]
    pub(super) fn an_address_is_an_odd_run_of_ampersands() {
        assert!(takes_address("p:=&x[0]", "x["));
        assert!(takes_address("ok&&&x[0]!=nil", "x["));
        assert!(!takes_address("len(x)>0&&x[0].done", "x["));
        assert!(!takes_address("y:=x[0]", "x["));
    }
}
