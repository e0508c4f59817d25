//! A call to a method that may return still holding its receiver's mutex (one of its exits
//! does not release it), followed on the same value by a lock of that mutex: on that path the
//! lock waits for ever, and with it every goroutine that needs the mutex after.
//!
//! The call's result is dropped, so the caller cannot know which exit was taken. What follows
//! it is judged only up to the first statement that mentions the value in any other way: that
//! one may unlock it.

use std::collections::HashMap;

use tree_sitter::Node;

use super::relock::{lock_op, receiver_call, returns_holding, takes_first};
use super::{block_statements, go_literal, line_of, receiver_of};
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Finding, Severity};

/// The findings of a file: the methods that may return holding a lock are found first (few
/// are), then only the declarations that call one are walked.
pub fn check(root: Node, source: &str, findings: &mut Vec<Finding>) {
    let mut methods = Methods {
        root,
        source,
        holding: HashMap::new(),
    };
    let mut names: Vec<&str> = Vec::new();
    let mut cursor = root.walk();
    for d in root.named_children(&mut cursor) {
        if d.kind() != "method_declaration" || !text(d, source).contains("Unlock()") {
            continue;
        }
        let Some(name) = d.field("name").map(|n| text(n, source)) else {
            continue;
        };
        if methods.named(name) == Some(d) && methods.holding_of(d).is_some() {
            names.push(name);
        }
    }
    if names.is_empty() {
        return;
    }
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        let spelled = text(decl, source);
        if !names.iter().any(|n| spelled.contains(&format!(".{n}("))) {
            continue;
        }
        syntax::walk(decl, |n| {
            if n.kind() == "statement_list" {
                let statements: Vec<Node> = n
                    .named_children(&mut n.walk())
                    .filter(|c| c.kind() != "comment")
                    .collect();
                for (i, s) in statements.iter().enumerate() {
                    if let Some(f) = methods.judge(*s, &statements[i + 1..]) {
                        findings.push(f);
                    }
                }
            }
            true
        });
    }
}

struct Methods<'t, 's> {
    root: Node<'t>,
    source: &'s str,
    /// What each method (by node id) may return holding.
    holding: HashMap<usize, Option<(String, bool, usize)>>,
}

impl<'t> Methods<'t, '_> {
    /// The one method of the file named `name`.
    fn named(&self, name: &str) -> Option<Node<'t>> {
        let mut cursor = self.root.walk();
        let mut found = self.root.named_children(&mut cursor).filter(|d| {
            d.kind() == "method_declaration"
                && d.field("name").map(|n| text(n, self.source)) == Some(name)
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    fn holding_of(&mut self, method: Node<'t>) -> Option<(String, bool, usize)> {
        let source = self.source;
        self.holding
            .entry(method.id())
            .or_insert_with(|| returns_holding(method, source))
            .clone()
    }

    /// A finding when `s` is `x.m()` with `m` a method that may return holding `x`'s mutex,
    /// and a statement of `rest` locks it again before anything else touches `x`.
    fn judge(&mut self, s: Node<'t>, rest: &[Node<'t>]) -> Option<Finding> {
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
        let line = takes_first(method, path, source)?;
        Some((
            true,
            format!("`{value}.{name}()` takes the lock first (`Lock` at line {line}) and"),
        ))
    }
}

/// Whether `s` mentions `value` (as `value.` or on its own).
fn mentions(s: Node, value: &str, source: &str) -> bool {
    let mut found = false;
    syntax::walk(s, |n| {
        found |= n.kind() == "identifier" && text(n, source) == value;
        !found
    });
    found
}
