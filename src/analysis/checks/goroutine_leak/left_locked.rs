//! A call to a method that may return still holding its receiver's mutex (one of its exits
//! does not release it), followed on the same value by a lock of that mutex: on that path the
//! lock waits for ever, and with it every goroutine that needs the mutex after.
//!
//! The call's result is dropped, so the caller cannot know which exit was taken. What follows
//! it is judged only up to the first statement that mentions the value in any other way: that
//! one may unlock it.

use tree_sitter::Node;

use super::facts::FileFacts;
use super::relock::{lock_op, receiver_call, returns_holding, takes_first};
use super::{block_statements, go_literal, line_of, mentions, receiver_of};
use crate::analysis::syntax::{text, Fields};
use crate::analysis::{Code, Finding, Severity};

/// The findings of a file: the methods that may return holding a lock are found first (few
/// are), then only the statements that call one are judged.
pub fn check<'t>(source: &str, facts: &FileFacts<'t, '_>, findings: &mut Vec<Finding>) {
    let methods = Methods { source, facts };
    let mut cursor = facts.root.walk();
    let declarations: Vec<Node> = facts.root.named_children(&mut cursor).collect();
    for d in declarations {
        if d.kind() != "method_declaration" || !text(d, source).contains("Unlock()") {
            continue;
        }
        let Some(name) = d.field("name").map(|n| text(n, source)) else {
            continue;
        };
        if facts.only_method(name) != Some(d) || methods.holding_of(d).is_none() {
            continue;
        }
        for call in facts.method_calls(name) {
            let Some(statement) = call.parent().filter(|p| p.kind() == "expression_statement")
            else {
                continue;
            };
            let Some(list) = statement.parent().filter(|p| p.kind() == "statement_list") else {
                continue;
            };
            let rest: Vec<Node> = list
                .named_children(&mut list.walk())
                .filter(|c| c.kind() != "comment")
                .skip_while(|c| *c != statement)
                .skip(1)
                .collect();
            if let Some(f) = methods.judge(statement, &rest) {
                findings.push(f);
            }
        }
    }
}

struct Methods<'a, 't, 's, 'f> {
    source: &'s str,
    facts: &'a FileFacts<'t, 'f>,
}

impl<'t> Methods<'_, 't, '_, '_> {
    /// The one method of the file named `name`.
    fn named(&self, name: &str) -> Option<Node<'t>> {
        self.facts.only_method(name)
    }

    fn holding_of(&self, method: Node<'t>) -> Option<(String, bool, usize)> {
        let source = self.source;
        self.facts
            .holding(method, || returns_holding(method, source, self.facts))
    }

    /// A finding when `s` is `x.m()` with `m` a method that may return holding `x`'s mutex,
    /// and a statement of `rest` locks it again before anything else touches `x`.
    fn judge(&self, s: Node<'t>, rest: &[Node<'t>]) -> Option<Finding> {
        let source = self.source;
        let call = s
            .named_child(0)
            .filter(|c| s.kind() == "expression_statement" && c.kind() == "call_expression")?;
        let function = call.field("function")?;
        let value = function
            .field("operand")
            .filter(|o| o.kind() == "identifier")?;
        let value = text(value, source);
        let name = receiver_call(call, value, source)?;
        let method = self.named(name)?;
        let (path, write, exit) = self.holding_of(method)?;
        for next in rest {
            let (at, relock) = match go_literal(*next) {
                Some(literal) => {
                    let first = block_statements(literal.field("body")?)
                        .into_iter()
                        .find(|s| mentions(*s, value, source))?;
                    (first, self.locks(first, value, &path)?)
                }
                None => match self.locks(*next, value, &path) {
                    Some(relock) => (*next, relock),
                    None if mentions(*next, value, source) => return None,
                    None => continue,
                },
            };
            let (lock_write, how) = relock;
            if !write && !lock_write {
                return None; // two readers
            }
            let (_, type_name) = receiver_of(method, source)?;
            let mutex = if path.is_empty() {
                format!("`{value}`")
            } else {
                format!("`{value}.{path}`")
            };
            let held = if write { "Lock" } else { "RLock" };
            return Some(Finding {
                range: at.byte_range(),
                code: Code::GoroutineLeak,
                severity: Severity::Warning,
                message: format!(
                    "{how} waits for ever when `{value}.{name}()` (line {}) leaves at line \
                     {exit} still holding {mutex} (`{type_name}.{name}` takes it with `{held}` \
                     and does not release it on that path); a Go mutex is not reentrant, so \
                     the goroutine, and every goroutine that needs {mutex} after it, stay \
                     blocked with everything they reference",
                    line_of(call)
                ),
                related: vec![],
                fixes: vec![],
            });
        }
        None
    }

    /// Whether the statement `s` locks `value`'s mutex at `path` first thing: `value.path.Lock()`
    /// or a call of a method of `value` that does. Whether it write-locks, and how to say it.
    fn locks(&self, s: Node<'t>, value: &str, path: &str) -> Option<(bool, String)> {
        let source = self.source;
        let call = s
            .named_child(0)
            .filter(|c| s.kind() == "expression_statement" && c.kind() == "call_expression")?;
        if let Some(op) = lock_op(call, value, source) {
            let write = op.op == "Lock";
            return (op.path == path && matches!(op.op, "Lock" | "RLock"))
                .then(|| (write, format!("this `{}`", op.op)));
        }
        let name = receiver_call(call, value, source)?;
        let method = self.named(name)?;
        let line = takes_first(method, path, source, self.facts)?;
        Some((
            true,
            format!("`{value}.{name}()` takes the lock first (`Lock` at line {line}) and"),
        ))
    }
}
