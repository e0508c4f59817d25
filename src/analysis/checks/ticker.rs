//! `unstopped-ticker`: a `*time.Ticker` from `time.NewTicker`, held in a local variable, that is
//! never stopped in its function.
//!
//! Until Go 1.23 the runtime keeps every ticker that was not stopped alive for good: the timer
//! heap references it, so neither the ticker nor its channel is ever collected, and it keeps
//! firing. A ticker per connection or per request then grows the heap and the timer heap without
//! bound. From Go 1.23 an unreferenced ticker is collected, but `Stop` still frees it at once.
//!
//! Silent when `Stop` is named anywhere in the function (deferred closures included), and when
//! the ticker escapes: returned, passed to a call, stored elsewhere, or copied to another
//! variable; someone else may stop it. Silent in `func main` and in functions that never
//! return, unless the ticker is made inside a loop (then each iteration leaks one).

use tree_sitter::Node;

use super::Context;
use super::TimeFunc;
use crate::analysis::fix::{self, Fix};
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Finding};

pub fn check(ctx: &mut Context, findings: &mut Vec<Finding>) {
    let calls = ctx.calls_of(TimeFunc::NewTicker);
    for call in calls {
        if let Some(finding) = check_call(ctx, call) {
            findings.push(finding);
        }
    }
}

/// What holds the ticker a `NewTicker` call returns.
enum Holder<'t> {
    /// A local variable: its name, and the statement that declares or assigns it.
    Local { name: String, statement: Node<'t> },
    /// Thrown away: `time.NewTicker(d)` as a statement, or assigned to `_`.
    Discarded,
    /// Only its channel is kept: `time.NewTicker(d).C`.
    ChannelOnly,
    /// Somewhere this function cannot see (a field, a global, a caller).
    Elsewhere,
}

fn check_call(ctx: &mut Context, call: Node) -> Option<Finding> {
    let source = ctx.source;
    let func = syntax::enclosing_function(call)?;
    let in_loop = syntax::enclosing_loop(call, func).is_some();
    if !in_loop
        && (ctx.once_per_program
            || syntax::runs_once(func, source)
            || !syntax::can_return(func, source))
    {
        return None;
    }
    let (subject, fixes, stoppable) = match holder(call, func, source) {
        Holder::Elsewhere => return None,
        Holder::Discarded => (
            "the ticker from NewTicker is discarded, so nothing can stop it".to_string(),
            vec![],
            false,
        ),
        Holder::ChannelOnly => (
            "only the channel of this ticker is kept, so nothing can stop it".to_string(),
            vec![],
            false,
        ),
        Holder::Local { name, statement } => {
            if !is_left_unstopped(func, &name, source) {
                return None;
            }
            let fixes = stop_fix(ctx, func, &name, statement).into_iter().collect();
            (format!("ticker `{name}` is never stopped"), fixes, true)
        }
    };
    let why = match (ctx.file.go.timers_collected(), stoppable) {
        (true, true) => {
            "since Go 1.23 the runtime collects it once unreferenced, but Stop releases it at once"
        }
        (true, false) => "since Go 1.23 the runtime collects it once unreferenced, but it fires until then",
        (false, _) => {
            "before Go 1.23 the runtime never frees an unstopped ticker, so every run of this code leaks one"
        }
    };
    Some(Finding {
        range: call.byte_range(),
        code: Code::UnstoppedTicker,
        severity: ctx.timer_severity(),
        message: format!("{subject}: {why}"),
        related: vec![],
        fixes,
    })
}

fn holder<'t>(call: Node<'t>, func: Node<'t>, source: &str) -> Holder<'t> {
    let Some(parent) = call.parent() else {
        return Holder::Elsewhere;
    };
    match parent.kind() {
        "expression_statement" => Holder::Discarded,
        "selector_expression" => {
            let field = parent.field("field").map(|f| text(f, source));
            if field == Some("C") {
                Holder::ChannelOnly
            } else {
                Holder::Elsewhere
            }
        }
        "expression_list" => {
            let Some(statement) = parent.parent() else {
                return Holder::Elsewhere;
            };
            let Some(index) = syntax::index_in(parent, call) else {
                return Holder::Elsewhere;
            };
            let target = match statement.kind() {
                "short_var_declaration" | "assignment_statement"
                    if statement.field("right") == Some(parent) =>
                {
                    if statement.kind() == "assignment_statement"
                        && statement
                            .field("operator")
                            .is_some_and(|op| text(op, source) != "=")
                    {
                        return Holder::Elsewhere;
                    }
                    statement
                        .field("left")
                        .and_then(|left| left.named_child(index))
                }
                "var_spec" if statement.field("value") == Some(parent) => {
                    let mut cursor = statement.walk();
                    let names: Vec<Node> = statement
                        .children_by_field_name("name", &mut cursor)
                        .collect();
                    names.get(index).copied()
                }
                _ => None,
            };
            let Some(target) = target else {
                return Holder::Elsewhere;
            };
            if target.kind() != "identifier" {
                return Holder::Elsewhere; // a field or an element: another check's business
            }
            let name = text(target, source);
            if name == "_" {
                return Holder::Discarded;
            }
            if statement.kind() == "assignment_statement" && !declared_in(func, name, source) {
                return Holder::Elsewhere; // a package-level or captured variable
            }
            let statement = if statement.kind() == "var_spec" {
                // var_spec → (var_spec_list →) var_declaration
                let mut s = statement;
                while s.kind() != "var_declaration" {
                    match s.parent() {
                        Some(p) => s = p,
                        None => return Holder::Elsewhere,
                    }
                }
                s
            } else {
                statement
            };
            Holder::Local {
                name: name.to_string(),
                statement,
            }
        }
        _ => Holder::Elsewhere,
    }
}

/// True when `name` is declared inside `func` (a parameter, `var`, `:=` or range variable).
pub(super) fn declared_in(func: Node, name: &str, source: &str) -> bool {
    syntax::identifiers_named(func, source, name)
        .into_iter()
        .any(syntax::declares_variable)
}

/// How one mention of the ticker's variable bears on whether it is stopped.
enum Use {
    Stops,
    Escapes,
    Neutral,
}

/// True when the variable is never stopped and never leaves the function's hands.
fn is_left_unstopped(func: Node, name: &str, source: &str) -> bool {
    for id in syntax::identifiers_named(func, source, name) {
        match classify_use(id, source) {
            Use::Stops | Use::Escapes => return false,
            Use::Neutral => {}
        }
    }
    true
}

fn classify_use(id: Node, source: &str) -> Use {
    let Some(parent) = id.parent() else {
        return Use::Neutral;
    };
    match parent.kind() {
        // t.Stop() stops it; so does handing over the method value t.Stop. t.C and t.Reset
        // only use it.
        "selector_expression" if parent.field("operand") == Some(id) => {
            match parent.field("field").map(|f| text(f, source)) {
                Some("Stop") => Use::Stops,
                _ => Use::Neutral,
            }
        }
        "binary_expression" => Use::Neutral, // t != nil
        "parameter_declaration" | "var_spec" => Use::Neutral,
        "expression_list" => {
            let on_left = parent.parent().is_some_and(|gp| {
                matches!(
                    gp.kind(),
                    "short_var_declaration" | "assignment_statement" | "range_clause"
                ) && gp.field("left") == Some(parent)
            });
            if on_left {
                Use::Neutral
            } else {
                Use::Escapes // returned, assigned to something else, passed in a list
            }
        }
        _ => Use::Escapes, // an argument, a composite literal, a send, &t ...
    }
}

/// `defer t.Stop()` after the statement that creates the ticker; in a loop body, `t.Stop()` at
/// the end of the iteration when nothing can skip it; otherwise no fix.
fn stop_fix(ctx: &Context, func: Node, name: &str, statement: Node) -> Option<Fix> {
    let source = ctx.source;
    let in_statement_list = statement
        .parent()
        .is_some_and(|p| p.kind() == "statement_list");
    if !in_statement_list {
        return None; // `if t := ...; cond {`: no line of its own to follow
    }
    // A closure that uses the ticker may outlive this function (a goroutine reading t.C):
    // stopping it here could change what the program does.
    let used_in_closure = syntax::identifiers_named(func, source, name)
        .into_iter()
        .any(|id| syntax::enclosing_function(id) != Some(func));
    if used_in_closure {
        return None;
    }
    let indent = fix::indentation(source, statement.start_byte()).to_string();
    match syntax::enclosing_loop(statement, func) {
        None => Some(Fix {
            title: format!("Stop the ticker: defer {name}.Stop()"),
            edits: vec![fix::insert_lines_after(
                source,
                statement.end_byte(),
                &indent,
                &[format!("defer {name}.Stop()")],
            )],
        }),
        Some(loop_stmt) => {
            let list = statement.parent()?;
            let body = loop_stmt.field("body")?;
            if list.parent() != Some(body) || statement.kind() == "assignment_statement" {
                return None;
            }
            let skips_end = syntax::contains_statement(
                body,
                &[
                    "return_statement",
                    "break_statement",
                    "continue_statement",
                    "goto_statement",
                ],
            );
            let last = {
                let mut cursor = list.walk();
                let stmts: Vec<Node> = list
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                *stmts.last()?
            };
            if skips_end || syntax::is_terminating(last, source, 0) {
                return None;
            }
            Some(Fix {
                title: format!("Stop the ticker at the end of each iteration: {name}.Stop()"),
                edits: vec![fix::insert_lines_after(
                    source,
                    last.end_byte(),
                    &indent,
                    &[format!("{name}.Stop()")],
                )],
            })
        }
    }
}
