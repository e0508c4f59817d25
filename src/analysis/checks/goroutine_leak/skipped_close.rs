//! A receive that waits for a goroutine's `close`, when that goroutine can return before it
//! reaches the `close`: the function then waits for ever.
//!
//! ```go
//! done := make(chan struct{})
//! go func() {
//!     for p := range progress {
//!         if p.Failed {
//!             return // done is never closed
//!         }
//!     }
//!     close(done)
//! }()
//! ...
//! <-done
//! ```
//!
//! Silent unless it is all in sight: the channel is made in the function, one goroutine started
//! there closes it with a plain `close` (nothing sends on it), and the function's receives are
//! plain receives (not `select` cases, which can give up). When the `close` is the goroutine's
//! last statement, the fix is to defer it: it then runs on every path, at the same point as
//! before on the path that reached it.

use tree_sitter::Node;

use super::{block_statements, line_of, started_by, MadeChan};
use crate::analysis::fix::{self, Fix};
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::{Code, Edit, Finding, Severity};

/// Judges one channel made with `:=` (buffered or not).
pub(super) fn judge(made: &MadeChan, source: &str) -> Option<Finding> {
    let name_node = made.name;
    let name = text(name_node, source);
    let func = syntax::enclosing_function(made.decl)?;
    let mut receives = Vec::new();
    let mut close = None;
    for id in syntax::identifiers_named(func, source, name) {
        if id == name_node {
            continue;
        }
        if syntax::declares_variable(id) {
            return None;
        }
        let parent = id.parent()?;
        let owner = syntax::enclosing_function(id)?;
        if owner == func {
            let plain_receive = parent.kind() == "unary_expression"
                && parent.child(0).is_some_and(|op| op.kind() == "<-")
                && super::enclosing_select(parent).is_none();
            if !plain_receive {
                return None;
            }
            receives.push(parent);
            continue;
        }
        // `close(ch)` as a statement of a goroutine started here, the only one.
        let statement = parent
            .parent()
            .filter(|c| {
                parent.kind() == "argument_list"
                    && c.field("function").map(|f| text(f, source)) == Some("close")
            })
            .and_then(|c| c.parent())
            .filter(|s| s.kind() == "expression_statement")?;
        let go_statement = started_by(owner, func)?;
        if close.is_some()
            || syntax::enclosing_loop(go_statement, func).is_some()
            || syntax::enclosing_loop(statement, owner).is_some()
        {
            return None;
        }
        close = Some((statement, owner, go_statement));
    }
    let (statement, literal, go_statement) = close?;
    let receive = *receives.first()?;
    if receive.start_byte() < go_statement.end_byte() {
        return None;
    }
    // A return of the goroutine before the close (not one of a function literal in it).
    let mut early = None;
    syntax::walk(literal.field("body")?, |n| {
        if early.is_some() || syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "return_statement" && n.end_byte() <= statement.start_byte() {
            early = Some(n);
        }
        true
    });
    let early = early?;
    let fixes = defer_close_fix(statement, literal, name, source)
        .into_iter()
        .collect();
    Some(Finding {
        range: receive.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message: format!(
            "this receive waits for the goroutine started at line {} to close `{name}`, but it \
             can return at line {} before it reaches the `close` (line {}): the receive then \
             blocks for ever, with everything this goroutine references",
            line_of(go_statement),
            line_of(early),
            line_of(statement)
        ),
        related: vec![],
        fixes,
    })
}

/// `defer close(ch)` as the goroutine's first statement, when the `close` is its last.
fn defer_close_fix(statement: Node, literal: Node, name: &str, source: &str) -> Option<Fix> {
    let mut statements = block_statements(literal.field("body")?);
    if statements.pop() != Some(statement) || statements.is_empty() {
        return None;
    }
    let first = statements[0];
    let indent = fix::indentation(source, first.start_byte()).to_string();
    let line = format!("defer close({name})");
    let nl = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    // Remove the close's whole line, and put the deferred one before the first statement.
    let line_start = fix::line_start(source, statement.start_byte());
    let line_end = source[statement.end_byte()..]
        .find('\n')
        .map_or(source.len(), |i| statement.end_byte() + i + 1);
    if !source[line_start..statement.start_byte()].trim().is_empty()
        || !source[statement.end_byte()..line_end].trim().is_empty()
    {
        return None; // something else on the close's line
    }
    let first_line = fix::line_start(source, first.start_byte());
    Some(Fix {
        title: format!("Close the channel on every path: {line}"),
        edits: vec![
            Edit::replace(first_line..first_line, format!("{indent}{line}{nl}")),
            Edit::replace(line_start..line_end, String::new()),
        ],
    })
}
