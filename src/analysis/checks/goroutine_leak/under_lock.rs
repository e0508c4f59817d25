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
use super::facts::FileFacts;
use super::line_of;
use super::relock::lock_op;
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Finding, Related, Severity};

/// How a partner of the wait is kept from running while the wait holds the mutex.
enum Starved<'t> {
    /// It runs holding the mutex itself (this `Lock`): never while the wait holds it.
    Held(Node<'t>),
    /// Its goroutine takes the mutex (this call) before it gets to the partner again: it can
    /// run once, not while the wait holds the mutex after that.
    Later(Node<'t>),
}

/// The findings for waits among `waits` (field selectors) whose every partner in `partners`
/// cannot run while the wait holds the struct's mutex: the wait, and each partner's `Lock`.
pub(super) fn judge<'t>(
    c: &Candidate<'t>,
    waits: &[Node<'t>],
    partners: &[Node<'t>],
    source: &str,
    facts: &FileFacts<'t, '_>,
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
            let starved: Option<Vec<(Node, Starved)>> = partners
                .iter()
                .map(|p| starved(*p, c, mutex, source, facts).map(|s| (*p, s)))
                .collect();
            let Some(starved) = starved else {
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
            let reasons: Vec<String> = starved
                .iter()
                .map(|(p, how)| match how {
                    Starved::Held(_) => format!("line {} runs holding it", line_of(*p)),
                    Starved::Later(taker) if is_close(*p, source) => format!(
                        "the close at line {} comes only after a loop that takes it at line {}",
                        line_of(*p),
                        line_of(*taker)
                    ),
                    Starved::Later(taker) => format!(
                        "line {} is reached again only after line {} takes it",
                        line_of(*p),
                        line_of(*taker)
                    ),
                })
                .collect();
            findings.push(Finding {
                range: reported(*wait).byte_range(),
                code: Code::GoroutineLeak,
                severity: Severity::Warning,
                message: format!(
                    "this {op} `{}` waits for ever while it holds {mutex_name} (`Lock` at line \
                     {}): every operation that could {other} needs the same mutex ({}), so none \
                     can run; the goroutine, and every goroutine that needs {mutex_name} after \
                     it, stay blocked with everything they reference",
                    c.name,
                    line_of(held),
                    reasons.join("; ")
                ),
                related: starved
                    .iter()
                    .map(|(p, _)| Related {
                        path: None,
                        range: reported(*p).byte_range(),
                        message: format!("cannot run while {mutex_name} is held"),
                    })
                    .collect(),
                fixes: vec![],
            });
            // The other half: each partner's `Lock` waits behind the wait that holds it.
            let waiter = method
                .field("name")
                .map(|n| text(n, source))
                .unwrap_or("the method");
            for (_, how) in starved {
                let Starved::Held(lock) = how else {
                    continue;
                };
                // Two partners under one `Lock` (a send, then more) are one wait behind it.
                if findings.iter().any(|f| f.range == lock.byte_range()) {
                    continue;
                }
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

/// How the partner operation `p` (a field selector) is kept from running while the mutex is
/// held elsewhere, if it is.
fn starved<'t>(
    p: Node<'t>,
    c: &Candidate,
    mutex: &str,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<Starved<'t>> {
    if let Some((lock, _)) = held_at(p, mutex, source) {
        // A `close` under the lock may have run before the wait took it, and a closed channel
        // never blocks a receive: only a send, which needs the waiter there, is starved.
        return (!is_close(p, source)).then_some(Starved::Held(lock));
    }
    takes_before_again(p, c, mutex, source, facts).map(Starved::Later)
}

/// Where the goroutine running the partner `p` takes the mutex before it can perform `p`
/// again: a `close` after (or deferred around) a loop whose body takes the mutex; a send or
/// receive inside a loop, or in a method called in a loop, followed in its function by a call
/// that takes it. The mutex and the channel hang off the same variable there.
fn takes_before_again<'t>(
    p: Node<'t>,
    c: &Candidate,
    mutex: &str,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<Node<'t>> {
    let base = receiver_name(p, source)?;
    let func = syntax::enclosing_function(p)?;
    let body = func.field("body")?;
    // Calls in the function (not in its literals) that take the mutex on `base`.
    let mut takers = Vec::new();
    syntax::walk(body, |n| {
        if syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "call_expression" && takes(n, base, c, mutex, source, facts) {
            takers.push(n);
        }
        true
    });
    if is_close(p, source) {
        let deferred = {
            let mut cur = p.parent();
            let mut found = false;
            while let Some(a) = cur.filter(|a| *a != func) {
                found |= a.kind() == "defer_statement";
                cur = a.parent();
            }
            found
        };
        return takers.into_iter().find(|t| {
            let looped = syntax::enclosing_loop(*t, func).is_some();
            looped && (deferred || t.end_byte() <= p.start_byte())
        });
    }
    let repeats = syntax::enclosing_loop(p, func).is_some()
        || called_in_a_loop(func, &c.type_name, source, facts);
    if !repeats {
        return None;
    }
    takers.into_iter().find(|t| t.start_byte() >= p.end_byte())
}

/// Whether the selector `p` is what `close(p)` closes.
fn is_close(p: Node, source: &str) -> bool {
    p.parent().and_then(|a| a.parent()).is_some_and(|call| {
        call.kind() == "call_expression"
            && call.field("function").map(|f| text(f, source)) == Some("close")
    })
}

/// Whether `call` takes `mutex` on `base`: `base.mutex.Lock()`, or `base.m()` with `m` a method
/// of the type whose first steps lock it.
fn takes(
    call: Node,
    base: &str,
    c: &Candidate,
    mutex: &str,
    source: &str,
    facts: &FileFacts,
) -> bool {
    if let Some(op) = lock_op(call, base, source) {
        return op.path == mutex && matches!(op.op, "Lock" | "RLock");
    }
    let Some(name) = super::relock::receiver_call(call, base, source) else {
        return false;
    };
    facts
        .method_of(&c.type_name, name)
        .is_some_and(|m| super::relock::takes_first(m, mutex, source, facts).is_some())
}

/// Whether `func`, a method of `type_name`, is called inside a loop somewhere in the file.
fn called_in_a_loop(func: Node, type_name: &str, source: &str, facts: &FileFacts) -> bool {
    if func.kind() != "method_declaration"
        || super::receiver_of(func, source).is_none_or(|(_, t)| t != type_name)
    {
        return false;
    }
    let Some(name) = func.field("name").map(|n| text(n, source)) else {
        return false;
    };
    facts.method_calls(name).iter().any(|call| {
        syntax::enclosing_function(*call)
            .is_some_and(|f| syntax::enclosing_loop(*call, f).is_some())
    })
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
