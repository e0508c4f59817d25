//! `after-in-loop`: `time.After` made on every pass of a loop whose `select` goes on looping
//! without it.
//!
//! Each pass starts a new timer. When another case wins and the loop goes round again, that
//! timer is abandoned, but before Go 1.23 the runtime keeps it (and its channel) until it fires:
//! a loop that handles a message a millisecond against a one-minute timeout holds 60,000 of
//! them. One timer made before the loop and reset on each pass costs nothing per pass.
//!
//! Two shapes: `case <-time.After(d):` in the `select`, and `timeout = time.After(d)` (or `:=`)
//! made on each pass and received in a `select` below it, the idiomatic optional timeout.
//!
//! Silent where no timer can pile up:
//! - every other case leaves the loop (`case <-ctx.Done(): return`): at most one timer is
//!   ever abandoned;
//! - the loop is bounded by a constant (`for i := 0; i < 3; i++`, `for range 3`);
//! - the channel is made once and reused (`if timeout == nil { timeout = time.After(d) }`);
//! - the call is evaluated once, before the loop, or is an `After` method of some value.

use tree_sitter::Node;

use super::{Context, TimeFunc};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding};

pub fn check(ctx: &mut Context, findings: &mut Vec<Finding>) {
    let source = ctx.source;
    for call in ctx.calls_of(TimeFunc::After) {
        let Some(func) = syntax::enclosing_function(call) else {
            continue;
        };
        let Some(loop_stmt) = syntax::enclosing_loop(call, func) else {
            continue;
        };
        if runs_a_bounded_number_of_times(loop_stmt, func, source) {
            continue;
        }
        let rival = match select_case_of(call) {
            Some(case) => looping_rival(case, loop_stmt, source),
            None => fresh_timeout_variable(call, loop_stmt, source)
                .and_then(|name| rival_beside_receive_of(&name, loop_stmt, source)),
        };
        let Some(rival) = rival else {
            continue;
        };
        let why = if ctx.file.go.timers_collected() {
            "since Go 1.23 an abandoned timer is collected, but one timer reset each time costs less"
        } else {
            "before Go 1.23 each abandoned timer stays in memory until it fires"
        };
        findings.push(Finding {
            range: call.byte_range(),
            code: Code::AfterInLoop,
            severity: ctx.timer_severity(),
            message: format!(
                "time.After in a loop starts a new timer on every iteration and abandons it each \
                 time {} and the loop goes on: {why}",
                rival_wins(rival, source)
            ),
            related: vec![],
            fixes: vec![],
        });
    }
}

/// The `case` whose receive is `call` itself: `case <-time.After(d):`, `case v := <-...:`.
fn select_case_of(call: Node) -> Option<Node> {
    let receive = call.parent().filter(|u| u.kind() == "unary_expression")?;
    let mut up = receive.parent()?;
    if up.kind() == "expression_list" {
        up = up.parent()?;
    }
    let statement = Some(up).filter(|s| s.kind() == "receive_statement")?;
    statement
        .parent()
        .filter(|c| c.kind() == "communication_case")
}

/// Another case of the `select` holding `case`, or its `default`, after which the loop goes on.
fn looping_rival<'t>(case: Node<'t>, loop_stmt: Node<'t>, source: &str) -> Option<Node<'t>> {
    let select = case.parent()?;
    // `select { ... }` then `return`: whichever case wins, the loop ends.
    let mut next = select.next_named_sibling();
    while let Some(statement) = next {
        if statement.kind() != "comment" && syntax::is_terminating(statement, source, 0) {
            return None;
        }
        next = statement.next_named_sibling();
    }
    let mut cursor = select.walk();
    let rival = select
        .named_children(&mut cursor)
        .filter(|c| *c != case && matches!(c.kind(), "communication_case" | "default_case"))
        .find(|c| !leaves_loop(*c, loop_stmt, source));
    rival
}

/// `timeout` in `timeout = time.After(d)` or `timeout := time.After(d)`, when the assignment
/// makes a new timer on every pass of `loop_stmt`: declared inside the loop, or assigned there
/// without a `timeout == nil` test that would keep the first one.
fn fresh_timeout_variable(call: Node, loop_stmt: Node, source: &str) -> Option<String> {
    let values = call.parent().filter(|p| p.kind() == "expression_list")?;
    let statement = values.parent()?;
    if !matches!(
        statement.kind(),
        "assignment_statement" | "short_var_declaration"
    ) || statement.field("right") != Some(values)
    {
        return None;
    }
    let position = syntax::index_in(values, call)?;
    let target = statement.field("left")?.named_child(position)?;
    if target.kind() != "identifier" {
        return None;
    }
    let name = text(target, source);
    if name == "_" {
        return None;
    }
    if statement.kind() == "assignment_statement" {
        let body = loop_stmt.field("body")?;
        let declared_inside = syntax::identifiers_named(body, source, name)
            .into_iter()
            .any(syntax::declares_variable);
        if !declared_inside && guarded_by_nil_test(statement, loop_stmt, name, source) {
            return None;
        }
    }
    Some(name.to_string())
}

/// An `if` between `statement` and the loop tests `name` against nil: the timer is made once.
fn guarded_by_nil_test(statement: Node, loop_stmt: Node, name: &str, source: &str) -> bool {
    let mut cur = statement.parent();
    while let Some(n) = cur {
        if n == loop_stmt {
            return false;
        }
        if n.kind() == "if_statement" {
            let tests_nil = n.field("condition").is_some_and(|c| {
                let c: String = text(c, source).split_whitespace().collect();
                c.contains(&format!("{name}==nil")) || c.contains(&format!("nil=={name}"))
            });
            if tests_nil {
                return true;
            }
        }
        cur = n.parent();
    }
    false
}

/// A looping rival of a `case <-name` in a `select` inside `loop_stmt` (not in nested loops or
/// functions, whose passes are not this loop's).
fn rival_beside_receive_of<'t>(name: &str, loop_stmt: Node<'t>, source: &str) -> Option<Node<'t>> {
    let body = loop_stmt.field("body")?;
    let mut found = None;
    syntax::walk(body, |n| {
        if found.is_some() || syntax::is_function(n.kind()) || n.kind() == "for_statement" {
            return false;
        }
        if n.kind() == "communication_case" && receives_from(n, name, source) {
            found = looping_rival(n, loop_stmt, source);
        }
        true
    });
    found
}

/// `case <-name:` or `case v := <-name:`.
fn receives_from(case: Node, name: &str, source: &str) -> bool {
    let Some(statement) = case.field("communication") else {
        return false;
    };
    if statement.kind() != "receive_statement" {
        return false;
    }
    let Some(value) = statement.field("right") else {
        return false;
    };
    let value = unparen(value);
    value.kind() == "unary_expression"
        && value
            .field("operand")
            .is_some_and(|o| unparen(o).kind() == "identifier" && text(o, source) == name)
}

/// True when the case's statements always leave `loop_stmt`: a terminating statement (return,
/// panic, goto, ...), a labeled `break`, or a `continue` of another loop. An unlabeled `break`
/// ends only the `select`.
fn leaves_loop(case: Node, loop_stmt: Node, source: &str) -> bool {
    let mut cursor = case.walk();
    let statements: Vec<Node> = case
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "statement_list")
        .flat_map(|list| {
            let mut c = list.walk();
            list.named_children(&mut c)
                .filter(|s| s.kind() != "comment")
                .collect::<Vec<_>>()
        })
        .collect();
    let Some(last) = statements.last() else {
        return false;
    };
    let label = |stmt: Node| {
        stmt.named_child(0)
            .filter(|l| l.kind() == "label_name")
            .map(|l| text(l, source).to_string())
    };
    let own_label = loop_stmt
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.field("label"))
        .map(|l| text(l, source).to_string());
    match last.kind() {
        "break_statement" => label(*last).is_some(),
        "continue_statement" => label(*last).is_some_and(|l| Some(l) != own_label),
        _ => syntax::is_terminating(*last, source, 0),
    }
}

/// True when `loop_stmt` and every loop around it in `func` is bounded by a constant: the body
/// runs a constant number of times per call, so it abandons a constant number of timers.
fn runs_a_bounded_number_of_times(loop_stmt: Node, func: Node, source: &str) -> bool {
    let mut current = loop_stmt;
    loop {
        if !is_bounded(current, source) {
            return false;
        }
        match syntax::enclosing_loop(current, func) {
            Some(outer) => current = outer,
            None => return true,
        }
    }
}

/// `for i := 0; i < 3; i++` and `for range 3`: a constant number of passes.
fn is_bounded(loop_stmt: Node, source: &str) -> bool {
    let mut cursor = loop_stmt.walk();
    let header = loop_stmt
        .named_children(&mut cursor)
        .find(|c| matches!(c.kind(), "for_clause" | "range_clause"));
    let Some(header) = header else {
        return false;
    };
    let is_constant = |n: Node| {
        let n = unparen(n);
        n.kind() == "int_literal"
    };
    match header.kind() {
        "range_clause" => header.field("right").is_some_and(is_constant),
        _ => header.field("condition").is_some_and(|c| {
            let c = unparen(c);
            c.kind() == "binary_expression"
                && c.field("operator")
                    .is_some_and(|op| matches!(text(op, source), "<" | "<=" | ">" | ">=" | "!="))
                && (c.field("left").is_some_and(is_constant)
                    || c.field("right").is_some_and(is_constant))
        }),
    }
}

/// How a message says that the rival case ran: "`v := <-in` wins".
fn rival_wins(case: Node, source: &str) -> String {
    match case.field("communication") {
        Some(c) => {
            let spelled = text(c, source).split_whitespace().collect::<Vec<_>>();
            format!("`{}` wins", spelled.join(" "))
        }
        None => "the select falls to its default case".to_string(),
    }
}
