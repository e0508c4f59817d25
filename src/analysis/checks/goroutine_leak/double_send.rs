//! LeakProf's double send: a goroutine calls a function of the file that, on some path, sends
//! twice on the channel it was given (an error branch sends and does not return), while the
//! function that made the channel receives once per goroutine. On that path the second send
//! waits for ever.
//!
//! ```go
//! func doubleSend(ch chan any, err error) {
//!     if err != nil {
//!         ch <- nil // no return
//!     }
//!     ch <- struct{}{}
//! }
//! ```
//!
//! Judged from the side that makes the channel, where the receives are counted: `ch :=
//! make(chan T)` (unbuffered), goroutines started there that each call such a function with
//! `ch` and do nothing else with it, and as many plain receives (none in a loop) as goroutines.
//! A call whose argument rules the branch out (`nil` for a branch on `err != nil`) is not
//! reported.

use tree_sitter::Node;

use super::{block_statements, line_of, started_by, MadeChan};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Severity};

/// One goroutine's call of the function that may send twice.
struct Call<'t> {
    call: Node<'t>,
    callee: Node<'t>,
    /// The callee's parameter the channel is passed as.
    param: usize,
}

/// Judges one channel made with `:=` and no capacity, in the top-level declaration `decl`.
pub(super) fn judge(
    made: &MadeChan,
    decl: Node,
    source: &str,
    findings: &mut Vec<Finding>,
) -> Option<()> {
    if made.capacity_given {
        return None;
    }
    let name_node = made.name;
    let name = text(name_node, source);
    let func = syntax::enclosing_function(made.decl)?;
    let mut receives = 0;
    let mut calls: Vec<Call> = Vec::new();
    let mut goroutines = 0;
    for id in syntax::identifiers_named(func, source, name) {
        if id == name_node {
            continue;
        }
        if syntax::declares_variable(id) {
            return None; // another variable of that name: too subtle
        }
        let parent = id.parent()?;
        let owner = syntax::enclosing_function(id)?;
        if owner == func {
            let receive = parent.kind() == "unary_expression"
                && parent.child(0).is_some_and(|op| op.kind() == "<-")
                && super::enclosing_select(parent).is_none()
                && syntax::enclosing_loop(parent, func).is_none();
            if !receive {
                return None;
            }
            receives += 1;
            continue;
        }
        // In a goroutine started here, directly: an argument of a call of a function of the
        // file, as a statement of the goroutine.
        let go_statement = started_by(owner, func)?;
        if syntax::enclosing_loop(go_statement, func).is_some() {
            return None;
        }
        let arguments = Some(parent).filter(|p| p.kind() == "argument_list")?;
        let call = arguments.parent()?;
        let statement = call
            .parent()
            .filter(|s| s.kind() == "expression_statement")?;
        if statement.parent().and_then(|l| l.parent()) != owner.field("body") {
            return None;
        }
        let callee = function_named(decl, text(call.field("function")?, source), source)?;
        let param = syntax::index_in(arguments, id)?;
        goroutines += 1;
        calls.push(Call {
            call,
            callee,
            param,
        });
    }
    if calls.is_empty() || receives != goroutines {
        return None;
    }
    for c in &calls {
        let Some((first, second, condition)) = sends_twice(c, source) else {
            continue;
        };
        if ruled_out(c, condition, source) {
            continue;
        }
        let callee_name = text(c.callee.field("name")?, source);
        findings.push(Finding {
            range: c.call.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "`{callee_name}` sends on `{name}` twice when `{}` (line {}, then line {}: the \
                 branch sends and does not return), and {} receives once per goroutine: the \
                 second send blocks for ever; the goroutine and everything it references stay in \
                 memory",
                text(condition, source),
                line_of(first),
                line_of(second),
                super::function_name(func, source),
            ),
            related: vec![],
            fixes: vec![],
        });
    }
    Some(())
}

/// The top-level function of the file named `name`.
fn function_named<'t>(decl: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let root = decl.parent()?;
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find(|d| {
        d.kind() == "function_declaration" && d.field("name").map(|n| text(n, source)) == Some(name)
    });
    found
}

/// In the callee, `if COND { ...; p <- a }` (no `else`, the branch goes on) followed in the same
/// block by a plain `p <- b`: the two sends and the condition.
fn sends_twice<'t>(c: &Call<'t>, source: &str) -> Option<(Node<'t>, Node<'t>, Node<'t>)> {
    let params = c.callee.field("parameters")?;
    let param_name = nth_parameter_name(params, c.param, source)?;
    let body = c.callee.field("body")?;
    let statements = block_statements(body);
    // Only the parameter itself, never reassigned or handed on: each of its uses is a send.
    for id in syntax::identifiers_named(body, source, param_name) {
        let is_send = id.parent().is_some_and(|p| {
            p.kind() == "send_statement" && p.field("channel").map(unparen) == Some(id)
        });
        if !is_send {
            return None;
        }
    }
    for (i, s) in statements.iter().enumerate() {
        if s.kind() != "if_statement" || s.field("alternative").is_some() {
            continue;
        }
        let last = block_statements(s.field("consequence")?).pop()?;
        if !is_send_on(last, param_name, source) {
            continue;
        }
        let second = statements[i + 1..]
            .iter()
            .take_while(|n| !matches!(n.kind(), "return_statement" | "if_statement"))
            .find(|n| is_send_on(**n, param_name, source));
        if let Some(second) = second {
            return Some((last, *second, s.field("condition")?));
        }
    }
    None
}

fn is_send_on(n: Node, channel: &str, source: &str) -> bool {
    n.kind() == "send_statement"
        && n.field("channel").map(|c| text(unparen(c), source)) == Some(channel)
}

/// The name of the `index`-th parameter (`func f(a, b chan int, err error)`: 2 is `err`).
fn nth_parameter_name<'s>(params: Node, index: usize, source: &'s str) -> Option<&'s str> {
    let mut names = Vec::new();
    for decl in params.named_children(&mut params.walk()) {
        if decl.kind() != "parameter_declaration" {
            return None;
        }
        let mut cursor = decl.walk();
        let here: Vec<Node> = decl.children_by_field_name("name", &mut cursor).collect();
        if here.is_empty() {
            return None; // unnamed parameters
        }
        names.extend(here.into_iter().map(|n| text(n, source)));
    }
    names.get(index).copied()
}

/// `err != nil` on a parameter the call passes `nil` for: the branch never runs.
fn ruled_out(c: &Call, condition: Node, source: &str) -> bool {
    let condition = unparen(condition);
    if condition.kind() != "binary_expression" {
        return false;
    }
    let (Some(l), Some(op), Some(r)) = (
        condition.field("left"),
        condition.child(1),
        condition.field("right"),
    ) else {
        return false;
    };
    if text(op, source) != "!=" || text(r, source) != "nil" || l.kind() != "identifier" {
        return false;
    }
    let Some(params) = c.callee.field("parameters") else {
        return false;
    };
    let Some(arguments) = c.call.field("arguments") else {
        return false;
    };
    let count = arguments.named_child_count();
    (0..count).any(|i| {
        nth_parameter_name(params, i, source) == Some(text(l, source))
            && arguments
                .named_child(i)
                .is_some_and(|a| text(a, source) == "nil")
    })
}
