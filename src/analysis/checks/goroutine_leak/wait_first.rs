//! Waiting for the workers before reading what they send: the function starts goroutines that
//! each send on an unbuffered channel and then call `wg.Done()`, and it calls `wg.Wait()`
//! before its first receive. Each send waits for a receive that comes only after the `Wait`,
//! and the `Wait` waits for a `Done` that comes only after the send: the workers and the
//! function block for ever.
//!
//! ```go
//! results := make(chan int)
//! for _, x := range xs {
//!     wg.Add(1)
//!     go func() {
//!         defer wg.Done()
//!         results <- work(x) // blocks for ever
//!     }()
//! }
//! wg.Wait() // blocks for ever
//! close(results)
//! for r := range results { ... }
//! ```
//!
//! Silent unless it is all in sight: the channel and the WaitGroup are made in the function and
//! used nowhere else, every receive is the function's own and comes after the `Wait`, and each
//! goroutine calls `Done` after its send on every path (deferred, or later in the same block).

use tree_sitter::Node;

use super::stuck::{sync_origin, SyncKind};
use super::{block_statements, go_literal, line_of, started_by, MadeChan};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Severity};

/// Judges one channel made with `:=` (unbuffered).
pub(super) fn judge(made: &MadeChan, source: &str, findings: &mut Vec<Finding>) -> Option<()> {
    if !made.unbuffered {
        return None;
    }
    let channel = made.name;
    let func = syntax::enclosing_function(made.decl)?;
    let body = func.field("body")?;
    let name = text(channel, source);
    // The WaitGroup: the one the function waits on.
    let waits = wait_calls(body, func, source);
    let [(wait, wg)] = waits[..] else {
        return None;
    };
    let wg_name = text(wg, source);
    let wg_decl = syntax::declaration_in_scope(wg, func, source)?;
    if sync_origin(wg_decl, source) != Some(SyncKind::WaitGroup) {
        return None;
    }
    // Every use of the WaitGroup is a method call.
    for id in syntax::identifiers_named(body, source, wg_name) {
        if id == wg_decl {
            continue;
        }
        if syntax::declares_variable(id) {
            return None;
        }
        let method = id
            .parent()
            .filter(|p| p.kind() == "selector_expression" && p.field("operand") == Some(id))
            .and_then(|p| p.field("field"))
            .map(|f| text(f, source))?;
        if !matches!(method, "Add" | "Done" | "Wait") {
            return None;
        }
    }
    // The sends of the goroutines started in the function, each followed by `Done`.
    let mut sends: Vec<Node> = Vec::new();
    let mut receives = 0;
    for id in syntax::identifiers_named(body, source, name) {
        if id == channel {
            continue;
        }
        if syntax::declares_variable(id) {
            return None;
        }
        let parent = id.parent()?;
        let owner = syntax::enclosing_function(id)?;
        if owner == func {
            let receive = (parent.kind() == "unary_expression"
                && parent.child(0).is_some_and(|op| op.kind() == "<-"))
                || (parent.kind() == "range_clause" && parent.field("right") == Some(id));
            let closes = parent.kind() == "argument_list"
                && parent
                    .parent()
                    .and_then(|c| c.field("function"))
                    .is_some_and(|f| text(f, source) == "close");
            if receive || closes {
                // Everything the function does with the channel comes after the Wait.
                if parent.start_byte() < wait.end_byte() {
                    return None;
                }
                receives += usize::from(receive);
                continue;
            }
            return None;
        }
        // In a goroutine started in the function: a plain send, then Done.
        let go_statement = started_by(owner, func)?;
        if go_statement.start_byte() > wait.start_byte() {
            return None;
        }
        let send = Some(parent).filter(|p| {
            p.kind() == "send_statement" && p.field("channel").map(unparen) == Some(id)
        })?;
        if send.parent()?.kind() == "communication_case"
            || !done_after(send, owner, wg_name, source)
        {
            return None;
        }
        sends.push(send);
    }
    if sends.is_empty() || receives == 0 {
        return None;
    }
    let wait_line = line_of(wait);
    for send in &sends {
        findings.push(finding(
            *send,
            format!(
                "this send on the unbuffered channel `{name}` blocks for ever: its receiver waits \
                 first for `{wg_name}.Wait()` (line {wait_line}), and this goroutine calls \
                 `{wg_name}.Done()` only after the send; the goroutine and everything it \
                 references stay in memory"
            ),
        ));
    }
    findings.push(finding(
        wait,
        format!(
            "this `Wait` on the WaitGroup `{wg_name}` blocks for ever: the goroutines it waits \
             for call `{wg_name}.Done()` only after their send on `{name}` (line {}), which waits \
             for a receive that comes after this `Wait`; receive before waiting (or wait in a \
             goroutine that then closes `{name}`)",
            line_of(sends[0])
        ),
    ));
    Some(())
}

fn finding(at: Node, message: String) -> Finding {
    Finding {
        range: at.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message,
        related: vec![],
        fixes: vec![],
    }
}

/// The function's own `x.Wait()` statements (not in its literals), with `x`.
fn wait_calls<'t>(body: Node<'t>, func: Node<'t>, source: &str) -> Vec<(Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    syntax::walk(body, |n| {
        if syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "call_expression"
            && n.parent()
                .is_some_and(|p| p.kind() == "expression_statement")
            && syntax::enclosing_function(n) == Some(func)
        {
            if let Some(f) = n
                .field("function")
                .filter(|f| f.kind() == "selector_expression")
            {
                let operand = f.field("operand").map(unparen);
                if f.field("field").map(|m| text(m, source)) == Some("Wait") {
                    if let Some(x) = operand.filter(|o| o.kind() == "identifier") {
                        out.push((n, x));
                    }
                }
            }
        }
        true
    });
    out
}

/// The goroutine calls `wg.Done()` after `send` on every path: a `defer wg.Done()` anywhere in
/// its top-level statements, or `wg.Done()` later in the send's own block with no `return`
/// between.
fn done_after(send: Node, literal: Node, wg: &str, source: &str) -> bool {
    let done = format!("{wg}.Done()");
    let Some(body) = literal.field("body") else {
        return false;
    };
    let deferred = block_statements(body).into_iter().any(|s| {
        s.kind() == "defer_statement" && text(s, source).trim() == format!("defer {done}")
    });
    if deferred {
        return true;
    }
    let mut next = send.next_named_sibling();
    while let Some(s) = next {
        match s.kind() {
            "comment" => {}
            "return_statement" => return false,
            _ if text(s, source).trim() == done => return true,
            _ => {}
        }
        next = s.next_named_sibling();
    }
    false
}

/// `wg.Add(len(xs))` before a loop over `xs` that starts one goroutine per element and calls
/// `wg.Wait()` in the same iteration: the first `Wait` counts the goroutines not started yet,
/// and with two elements or more it never returns.
pub fn check_wait_in_loop(decl: Node, source: &str, findings: &mut Vec<Finding>) {
    syntax::walk(decl, |n| {
        if n.kind() == "for_statement" {
            findings.extend(wait_in_loop(n, source));
        }
        true
    });
}

fn wait_in_loop(for_statement: Node, source: &str) -> Option<Finding> {
    let range = for_statement
        .named_children(&mut for_statement.walk())
        .find(|c| c.kind() == "range_clause")?;
    let over = text(range.field("right")?, source);
    let body = for_statement.field("body")?;
    let func = syntax::enclosing_function(for_statement)?;
    let statements = block_statements(body);
    // In the body: a goroutine, then `wg.Wait()`.
    let go_at = statements.iter().position(|s| go_literal(*s).is_some())?;
    let (wait, wg) = statements[go_at + 1..].iter().find_map(|s| {
        let call = s.named_child(0).filter(|c| c.kind() == "call_expression")?;
        let f = call
            .field("function")
            .filter(|f| f.kind() == "selector_expression")?;
        let operand = f
            .field("operand")
            .map(unparen)
            .filter(|o| o.kind() == "identifier")?;
        (s.kind() == "expression_statement"
            && f.field("field").map(|m| text(m, source)) == Some("Wait"))
        .then_some((call, operand))
    })?;
    let wg_name = text(wg, source);
    let declared = syntax::declaration_in_scope(wg, func, source)?;
    if sync_origin(declared, source) != Some(SyncKind::WaitGroup) {
        return None;
    }
    // Before the loop, in the same block: `wg.Add(len(xs))`; and no other Add anywhere.
    let add_text = format!("{wg_name}.Add(len({over}))");
    let mut adds = Vec::new();
    syntax::walk(func, |n| {
        if n.kind() == "call_expression" {
            let f = n
                .field("function")
                .filter(|f| f.kind() == "selector_expression");
            if f.and_then(|f| f.field("field")).map(|m| text(m, source)) == Some("Add")
                && f.and_then(|f| f.field("operand")).map(|o| text(o, source)) == Some(wg_name)
            {
                adds.push(n);
            }
        }
        true
    });
    let [add] = adds[..] else {
        return None;
    };
    if text(add, source) != add_text || add.start_byte() > for_statement.start_byte() {
        return None;
    }
    Some(finding(
        wait,
        format!(
            "this `Wait` on the WaitGroup `{wg_name}` waits for all `len({over})` goroutines the \
             `Add` at line {} counted, but only one is started per iteration before it: with two \
             elements or more it waits for ever, and so does this goroutine",
            line_of(add)
        ),
    ))
}
