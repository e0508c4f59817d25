//! `time-tick`: `time.Tick` in a function that can return.
//!
//! `time.Tick` hands out only the channel of a ticker, so nothing can ever stop that ticker.
//! Before Go 1.23 the runtime never frees it: each call from a function that returns leaks one
//! ticker that keeps firing forever. It is fine where it runs once for the life of the program:
//! in `func main`, in a function whose loop never exits, at package level. (Test files are
//! left out by the driver unless the settings ask for them.)

use tree_sitter::Node;

use super::{ticker, Context, TimeFunc};
use crate::analysis::fix::{self, Edit, Fix};
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Finding};

pub fn check(ctx: &mut Context, findings: &mut Vec<Finding>) {
    let calls = ctx.calls_of(TimeFunc::Tick);
    for call in calls {
        let Some(func) = syntax::enclosing_function(call) else {
            continue; // package level: one ticker for the life of the program
        };
        let in_loop = syntax::enclosing_loop(call, func).is_some();
        if !in_loop
            && (ctx.once_per_program
                || syntax::runs_once(func, ctx.source)
                || !syntax::can_return(func, ctx.source))
        {
            continue;
        }
        let why = if ctx.file.go.timers_collected() {
            "since Go 1.23 the runtime collects it once unreferenced, but it keeps firing until then"
        } else if in_loop {
            "before Go 1.23 it is never freed, so every iteration leaks one"
        } else {
            "before Go 1.23 it is never freed, so every call of this function leaks one"
        };
        let fixes = if in_loop {
            vec![] // a deferred Stop per iteration would pile up: no fix rather than a wrong one
        } else {
            new_ticker_fix(ctx, func, call).into_iter().collect()
        };
        findings.push(Finding {
            range: call.byte_range(),
            code: Code::TimeTick,
            severity: ctx.timer_severity(),
            message: format!("the ticker behind time.Tick can never be stopped: {why}"),
            related: vec![],
            fixes,
        });
    }
}

/// `for range time.Tick(d)` and `c := time.Tick(d)` become a ticker made just before the
/// statement, stopped when the function returns, whose channel takes the place of the call.
fn new_ticker_fix(ctx: &mut Context, func: Node, call: Node) -> Option<Fix> {
    let source = ctx.source;
    let parent = call.parent()?;
    let statement = match parent.kind() {
        "range_clause" if parent.field("right") == Some(call) => parent.parent()?,
        "expression_list" => {
            let stmt = parent.parent()?;
            let is_value = match stmt.kind() {
                "short_var_declaration" | "assignment_statement" => {
                    stmt.field("right") == Some(parent)
                }
                _ => false,
            };
            if !is_value || !channel_stays_local(func, stmt, parent, call, source) {
                return None;
            }
            stmt
        }
        _ => return None,
    };
    // A labeled `for` keeps its label first: insert before the label.
    let anchor = match statement.parent() {
        Some(p) if p.kind() == "labeled_statement" => p,
        _ => statement,
    };
    if anchor.parent().is_none_or(|p| p.kind() != "statement_list") {
        return None;
    }
    let args = call.field("arguments")?;
    let interval = text(args, source);
    let reserved = ctx.reserved_names.entry(func.id()).or_default();
    let name = syntax::fresh_name(func, source, "ticker", reserved);
    let new_ticker = ctx.time.qualified("NewTicker");
    let lines = [
        format!("{name} := {new_ticker}{interval}"),
        format!("defer {name}.Stop()"),
    ];
    Some(Fix {
        title: format!("Use {new_ticker} and stop it when the function returns"),
        edits: vec![
            // gofmt sets a label one tab left of its statement: indent like the `for`, not
            // like the label line the new lines go before.
            fix::insert_lines_before_indented(
                source,
                anchor.start_byte(),
                fix::indentation(source, statement.start_byte()),
                &lines,
            ),
            Edit::replace(call.byte_range(), format!("{name}.C")),
        ],
    })
}

/// True when the channel `c := time.Tick(d)` keeps is only received from in this function.
/// Returned, stored, passed on or read by a closure, it may be read after the function
/// returns, and a deferred Stop would silence it: then no fix rather than a wrong one.
fn channel_stays_local(func: Node, stmt: Node, values: Node, call: Node, source: &str) -> bool {
    let target = syntax::index_in(values, call)
        .and_then(|i| stmt.field("left").and_then(|left| left.named_child(i)));
    let Some(target) = target.filter(|t| t.kind() == "identifier") else {
        return false; // a field, an element, a dereference
    };
    let name = text(target, source);
    if name == "_" {
        return true;
    }
    if stmt.kind() == "assignment_statement" && !ticker::declared_in(func, name, source) {
        return false; // a package-level or captured variable
    }
    syntax::identifiers_named(func, source, name)
        .into_iter()
        .all(|id| {
            let Some(parent) = id.parent() else {
                return false;
            };
            let received = match parent.kind() {
                "unary_expression" => parent
                    .field("operator")
                    .is_some_and(|op| text(op, source) == "<-"),
                "range_clause" => parent.field("right") == Some(id),
                "var_spec" => true, // `var c <-chan time.Time`, assigned later
                "expression_list" => parent.parent().is_some_and(|gp| {
                    matches!(gp.kind(), "short_var_declaration" | "assignment_statement")
                        && gp.field("left") == Some(parent)
                }),
                _ => false,
            };
            received && syntax::enclosing_function(id) == Some(func)
        })
}
