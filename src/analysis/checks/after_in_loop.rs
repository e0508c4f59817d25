//! `after-in-loop`: `time.After` as a `select` case inside a `for` loop.
//!
//! Each iteration starts a new timer. When another case wins, that timer is abandoned, but
//! before Go 1.23 the runtime keeps it (and its channel) until it fires: a loop that spins fast
//! against a long timeout holds thousands of them. One timer made before the loop and reset on
//! each iteration costs nothing per iteration.
//!
//! Silent when the call is evaluated once before the loop, when the receive is the only way out
//! of the select (then the timer fires and is consumed), and for an `After` method on a value
//! such as `t.After(u)`.

use tree_sitter::Node;

use super::{Context, TimeFunc};
use crate::analysis::syntax;
use crate::analysis::{Code, Finding};

pub fn check(ctx: &mut Context, findings: &mut Vec<Finding>) {
    let calls = ctx.calls_of(TimeFunc::After);
    for call in calls {
        let Some(func) = syntax::enclosing_function(call) else {
            continue;
        };
        if syntax::enclosing_loop(call, func).is_none() || !is_contested_select_case(call) {
            continue;
        }
        let why = if ctx.file.go.timers_collected() {
            "since Go 1.23 an abandoned timer is collected, but one timer reset each time costs less"
        } else {
            "before Go 1.23 each abandoned timer stays in memory until it fires"
        };
        findings.push(Finding {
            range: call.byte_range(),
            code: Code::AfterInLoop,
            severity: ctx.timer_severity(),
            message: format!("time.After in a loop starts a new timer on every iteration: {why}"),
            related: vec![],
            fixes: vec![],
        });
    }
}

/// True for `case <-time.After(d):` (or `case v := <-time.After(d):`) in a `select` that has
/// another case or a default, which may win and leave the timer behind.
fn is_contested_select_case(call: Node) -> bool {
    let Some(receive) = call.parent().filter(|u| u.kind() == "unary_expression") else {
        return false;
    };
    let Some(statement) = receive.parent().filter(|s| s.kind() == "receive_statement") else {
        return false;
    };
    let Some(case) = statement
        .parent()
        .filter(|c| c.kind() == "communication_case")
    else {
        return false;
    };
    let Some(select) = case.parent() else {
        return false;
    };
    let mut cursor = select.walk();
    let cases = select
        .named_children(&mut cursor)
        .filter(|c| matches!(c.kind(), "communication_case" | "default_case"))
        .count();
    cases > 1
}
