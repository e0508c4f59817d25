//! A function literal that sends on a local unbuffered channel while it holds a local mutex,
//! and the function that made both, which takes that mutex before it receives (istio's event
//! handler). Once the literal runs first (it is a handler or a goroutine: it may), it holds the
//! mutex and waits for the receive; the receiver waits for the mutex: both wait for ever.
//!
//! Both variables are local and every use of them is in sight: the mutex is only locked and
//! unlocked, the channel only sent on by the literal and received by its maker.

use tree_sitter::Node;

use super::relock::lock_op;
use super::stuck::{channel_origin, channel_use, sync_origin, uses_of, Origin, SyncKind, Use};
use super::{block_statements, line_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Related, Severity};

/// The findings in one declaration that makes a channel and locks something.
pub fn check(decl: Node, source: &str, findings: &mut Vec<Finding>) {
    let mut mutexes = Vec::new();
    syntax::walk(decl, |n| {
        if n.kind() == "identifier"
            && syntax::declares_variable(n)
            && sync_origin(n, source) == Some(SyncKind::Mutex)
        {
            mutexes.push(n);
        }
        true
    });
    for m in mutexes {
        findings.extend(judge(m, decl, source));
    }
}

/// `name.Lock()`, `name.Unlock()` (or another lock operation) as a statement of its own: the
/// operation.
fn call_on<'s>(s: Node, name: &str, source: &'s str) -> Option<&'s str> {
    let call = s
        .named_child(0)
        .filter(|c| s.kind() == "expression_statement" && c.kind() == "call_expression")?;
    lock_op(call, name, source)
        .filter(|op| op.path.is_empty())
        .map(|op| op.op)
}

fn judge(mutex: Node, decl: Node, source: &str) -> Vec<Finding> {
    let name = text(mutex, source);
    let Some(maker) = syntax::enclosing_function(mutex) else {
        return Vec::new();
    };
    let Some(uses) = uses_of(mutex, decl, source) else {
        return Vec::new();
    };
    // Only locked and unlocked: anything else may hand it away.
    let only_locks = uses.iter().all(|u| {
        u.parent()
            .filter(|p| p.kind() == "selector_expression")
            .and_then(|p| p.field("field"))
            .is_some_and(|f| matches!(text(f, source), "Lock" | "Unlock"))
            && u.parent()
                .and_then(|p| p.parent())
                .is_some_and(|c| c.kind() == "call_expression")
    });
    if !only_locks {
        return Vec::new();
    }
    let mut out = Vec::new();
    for u in &uses {
        // A `Lock` at the top of a literal of the maker, and the sends it makes holding it.
        let Some(statement) = u.parent().and_then(|p| p.parent()).and_then(|c| c.parent()) else {
            continue;
        };
        if call_on(statement, name, source) != Some("Lock") {
            continue;
        }
        let Some(literal) = syntax::enclosing_function(statement) else {
            continue;
        };
        if literal.kind() != "func_literal"
            || syntax::enclosing_function(literal) != Some(maker)
            || literal.field("body") != statement.parent().and_then(|l| l.parent())
        {
            continue;
        }
        let statements = block_statements(literal.field("body").unwrap_or(literal));
        let Some(at) = statements.iter().position(|s| *s == statement) else {
            continue;
        };
        for s in &statements[at + 1..] {
            if call_on(*s, name, source) == Some("Unlock") {
                break;
            }
            if s.kind() != "send_statement" {
                continue;
            }
            if let Some(f) = s.field("channel").and_then(|c| {
                starved(
                    *s,
                    unparen(c),
                    literal,
                    statement,
                    maker,
                    name,
                    decl,
                    source,
                )
            }) {
                out.extend(f);
            }
        }
    }
    out
}

/// The two findings when the channel `channel`, sent on by `send` in `literal` holding the
/// mutex, is received only by `maker` after it locks the mutex itself.
#[allow(clippy::too_many_arguments)]
fn starved(
    send: Node,
    channel: Node,
    literal: Node,
    locked: Node,
    maker: Node,
    mutex: &str,
    decl: Node,
    source: &str,
) -> Option<Vec<Finding>> {
    if channel.kind() != "identifier" {
        return None;
    }
    let declared = syntax::declaration_in_scope(channel, decl, source)?;
    if syntax::enclosing_function(declared) != Some(maker) {
        return None;
    }
    let Origin::Made { unbuffered: true } = channel_origin(declared, source)? else {
        return None;
    };
    let uses = uses_of(declared, decl, source)?;
    let mut receives = Vec::new();
    for u in &uses {
        match channel_use(*u, source) {
            Use::Send if literal.byte_range().contains(&u.start_byte()) => {}
            Use::Receive if syntax::enclosing_function(*u) == Some(maker) => receives.push(*u),
            Use::Neutral => {}
            _ => return None,
        }
    }
    // Each receive is a statement of the maker's body that comes after one of its own
    // `Lock`s, itself after the literal.
    let body = maker.field("body")?;
    let statements = block_statements(body);
    let mut lock = None;
    for r in &receives {
        let at = statements
            .iter()
            .position(|s| s.byte_range().contains(&r.start_byte()))?;
        let before = statements[..at].iter().rev().find(|s| {
            call_on(**s, mutex, source) == Some("Lock") && s.start_byte() > literal.end_byte()
        })?;
        lock.get_or_insert(*before);
    }
    let lock = lock?;
    let name = text(channel, source);
    let receive_line = receives.first().map(|r| line_of(*r))?;
    Some(vec![
        Finding {
            range: lock.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "this `Lock` of `{mutex}` waits for ever once the function literal at line {} \
                 runs first: it holds `{mutex}` (`Lock` at line {}) while it sends on the \
                 unbuffered `{name}` (line {}), and `{name}` is received only after this \
                 `Lock` (line {receive_line}); both goroutines stay blocked with everything \
                 they reference",
                line_of(literal),
                line_of(locked),
                line_of(send)
            ),
            related: vec![Related {
                path: None,
                range: send.byte_range(),
                message: format!("sends holding `{mutex}`"),
            }],
            fixes: vec![],
        },
        Finding {
            range: send.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "this send waits for ever when it runs before line {}: it holds `{mutex}` \
                 (`Lock` at line {}), and the only receive of `{name}` (line {receive_line}) \
                 comes after a `Lock` of `{mutex}` (line {}); both goroutines stay blocked \
                 with everything they reference",
                line_of(lock),
                line_of(locked),
                line_of(lock)
            ),
            related: vec![],
            fixes: vec![],
        },
    ])
}
