//! A wait on a channel field while holding the struct's mutex, when every operation that could
//! complete it (a send or a `close` for a receive, a receive for a send) also runs holding that
//! mutex, on the same value: none of them can run while the wait holds it, so the wait never
//! ends, and every goroutine that then needs the mutex waits behind it.
//!
//! "Holding" is read from the statements: `r.mu.Lock()` earlier in the same method (in the
//! block of the operation or one enclosing it), with no `r.mu.Unlock()` in between; a deferred
//! `Unlock` keeps it held. Operations on another value than the method's receiver, or in a
//! function literal, are out of this rule's sight: it says nothing then.

use tree_sitter::Node;

use super::dead_field::{reported, waits_alone, Candidate};
use super::line_of;
use super::relock::lock_op;
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Finding, Related, Severity};

/// The findings for waits among `waits` (field selectors) whose every partner in `partners`
/// runs under the mutex the wait holds: the wait, and each partner's `Lock`.
pub(super) fn judge(
    c: &Candidate,
    waits: &[Node],
    partners: &[Node],
    source: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if partners.is_empty() {
        return findings;
    }
    for wait in waits.iter().filter(|w| waits_alone(**w)) {
        for mutex in &c.mutexes {
            let Some((held, method)) = held_at(*wait, mutex, source) else {
                continue;
            };
            let partner_locks: Option<Vec<(Node, Node)>> = partners
                .iter()
                .map(|p| held_at(*p, mutex, source).map(|(lock, _)| (*p, lock)))
                .collect();
            let Some(partner_locks) = partner_locks else {
                continue;
            };
            let receiver = receiver_name(*wait, source).unwrap_or_default();
            let mutex_name = if mutex.is_empty() {
                format!("`{receiver}`")
            } else {
                format!("`{receiver}.{mutex}`")
            };
            let op = if reported(*wait).kind() == "send_statement" {
                "send on"
            } else {
                "receive from"
            };
            let other = if op == "send on" {
                "receive from it"
            } else {
                "send on it or close it"
            };
            let lines: Vec<String> = partner_locks
                .iter()
                .map(|(p, _)| line_of(*p).to_string())
                .collect();
            findings.push(Finding {
                range: reported(*wait).byte_range(),
                code: Code::GoroutineLeak,
                severity: Severity::Warning,
                message: format!(
                    "this {op} `{}` waits for ever while it holds {mutex_name} (`Lock` at line \
                     {}): every operation that could {other} (line {}) runs holding the same \
                     mutex, so none can run; the goroutine, and every goroutine that needs \
                     {mutex_name} after it, stay blocked with everything they reference",
                    c.name,
                    line_of(held),
                    lines.join(", ")
                ),
                related: partner_locks
                    .iter()
                    .map(|(p, _)| Related {
                        path: None,
                        range: reported(*p).byte_range(),
                        message: format!("runs only holding {mutex_name}"),
                    })
                    .collect(),
                fixes: vec![],
            });
            // The other half: each partner's `Lock` waits behind the wait that holds it.
            let waiter = method
                .field("name")
                .map(|n| text(n, source))
                .unwrap_or("the method");
            for (_, lock) in partner_locks {
                findings.push(Finding {
                    range: lock.byte_range(),
                    code: Code::GoroutineLeak,
                    severity: Severity::Warning,
                    message: format!(
                        "this `Lock` of {mutex_name} waits for ever once `{waiter}` holds it \
                         waiting to {op} `{}` (line {}), which only code holding this mutex \
                         can complete; the goroutine and everything it references stay in \
                         memory",
                        c.name,
                        line_of(*wait)
                    ),
                    related: vec![],
                    fixes: vec![],
                });
            }
            break;
        }
    }
    findings
}

/// `r` in `r.f`, when `r` is the receiver of the method the selector is in.
fn receiver_name<'s>(selector: Node, source: &'s str) -> Option<&'s str> {
    let operand = selector.field("operand")?;
    (operand.kind() == "identifier").then(|| text(operand, source))
}

/// The `r.mutex.Lock()` (and the method) under which the operation on `r.f` at `selector`
/// runs, when `r` is the receiver of the method it is directly in.
pub(super) fn held_at<'t>(
    selector: Node<'t>,
    mutex: &str,
    source: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    if selector.kind() != "selector_expression" {
        return None; // a getter's call: whose value it is, is not in sight
    }
    let receiver = receiver_name(selector, source)?;
    let method = syntax::enclosing_function(selector)?;
    if method.kind() != "method_declaration"
        || super::receiver_of(method, source)
            .map(|(r, _)| r)
            .as_deref()
            != Some(receiver)
    {
        return None;
    }
    let body = method.field("body")?;
    let mut child = selector;
    let mut cur = selector.parent();
    while let Some(p) = cur {
        if p == body {
            return None;
        }
        if p.kind() == "statement_list" {
            let mut earlier: Vec<Node> = Vec::new();
            let mut cursor = p.walk();
            for s in p.named_children(&mut cursor) {
                if s == child {
                    break;
                }
                earlier.push(s);
            }
            for s in earlier.into_iter().rev() {
                if unlocks(s, receiver, mutex, source) {
                    return None;
                }
                let lock = s.named_child(0).filter(|c| {
                    s.kind() == "expression_statement"
                        && c.kind() == "call_expression"
                        && lock_op(*c, receiver, source)
                            .is_some_and(|op| op.path == mutex && op.op == "Lock")
                });
                if let Some(lock) = lock {
                    return Some((lock, method));
                }
            }
        }
        child = p;
        cur = p.parent();
    }
    None
}

/// Whether `s` unlocks `receiver.mutex` when it runs (a deferred unlock runs later).
fn unlocks(s: Node, receiver: &str, mutex: &str, source: &str) -> bool {
    if s.kind() == "defer_statement" {
        return false;
    }
    let mut found = false;
    syntax::walk(s, |n| {
        if n.kind() == "call_expression" {
            found |= lock_op(n, receiver, source)
                .is_some_and(|op| op.path == mutex && op.op.contains("Unlock"));
        }
        !found
    });
    found
}

/// Every `r.mutex.Lock()` (or `RLock`) in the methods of `type_name` in the file, `r` being
/// the method's receiver.
pub(super) fn locks_of<'t>(
    root: Node<'t>,
    type_name: &str,
    mutex: &str,
    source: &str,
) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut cursor = root.walk();
    for d in root.named_children(&mut cursor) {
        if d.kind() != "method_declaration" {
            continue;
        }
        let Some((receiver, ty)) = super::receiver_of(d, source) else {
            continue;
        };
        if ty != type_name {
            continue;
        }
        syntax::walk(d, |n| {
            if syntax::is_function(n.kind()) && n != d {
                return false; // a literal: another goroutine's, maybe
            }
            if n.kind() == "call_expression" {
                if let Some(op) = lock_op(n, &receiver, source) {
                    if op.path == mutex && matches!(op.op, "Lock" | "RLock") {
                        found.push(n);
                    }
                }
            }
            true
        });
    }
    found
}
