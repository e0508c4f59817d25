//! `goroutine-leak`: a goroutine that blocks for ever. It pins its stack and everything its
//! closure references, and nothing in the program can ever free them.
//!
//! Two families, each in its own module:
//! - [`abandoned`]: the goroutine's partner gave up (LeakProf's early return, timeout, N-cast
//!   and no-close-range shapes): the operation could proceed, but on some path nobody is left
//!   to do the other half.
//! - [`stuck`]: the operation can never proceed on any path: a nil channel, a channel nothing
//!   else can reach, `select {}`, a second `Lock` of a mutex only this goroutine holds, a
//!   `Wait` that nothing can ever release.
//! - [`double_send`]: a goroutine calls a function that sends twice on one path, and the
//!   channel's maker receives once per goroutine.
//! - [`contract`]: a method starts a goroutine that serves until another method says stop,
//!   and a function of the file starts a value of the type and never says it.
//! - [`skipped_close`]: a receive waits for a goroutine's `close` that an early `return` skips.
//! - [`relock`]: a method locks its receiver's mutex again while it holds it.
//! - [`left_locked`]: a method returns holding its receiver's mutex on one exit, and the caller
//!   locks it again.
//! - [`wait_first`]: a function waits for its workers before it reads what they send.
//! - [`ctx_cancel`]: a goroutine waits for a context whose cancel function, kept in a field,
//!   nothing in the package can call first.
//! - [`dead_field`]: a struct field's channel, `Cond` or `WaitGroup` that nothing in the
//!   package can release, judged with the index; [`under_lock`]: one whose every partner runs
//!   under the mutex the waiting side holds.
//! - [`overfill`]: a buffered channel made here and sent on more times than it holds before
//!   anything could receive from it.
//! - [`local_lock`]: a literal sends on a local channel holding a local mutex, and the
//!   receiver takes that mutex before it receives.
//! - [`after_stuck`]: a wait whose every partner comes after a call that never returns (run
//!   last, on the others' findings).

mod abandoned;
mod after_stuck;
mod contract;
pub mod ctx_cancel;
pub mod dead_field;
mod double_send;
pub mod facts;
mod left_locked;
mod local_lock;
mod overfill;
mod relock;
mod skipped_close;
mod stuck;
mod under_lock;
mod wait_first;

use tree_sitter::Node;

use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::Finding;

/// The findings that follow from the others of a file: a wait whose partners all come after a
/// call that never returns (one of `found` is in it, or below it).
pub use after_stuck::check as check_after_stuck;

/// A mutex held for ever (by a goroutine that locked it twice, or that waits for ever holding
/// it) makes every other `Lock` of it wait too. Those are reported, each a goroutine that hangs
/// there, when there are at most this many: past that the mutex is everywhere, and the finding
/// at the cause says enough.
const MAX_BEHIND: usize = 2;

/// The findings of one top-level declaration that starts a goroutine (`go func`).
pub fn check(decl: Node, source: &str, findings: &mut Vec<Finding>) {
    // The channels made with `:=`, found in one walk and judged by each shape.
    let mut made = Vec::new();
    syntax::walk(decl, |n| {
        if n.kind() == "short_var_declaration" {
            made.extend(MadeChan::of(n, source));
        }
        true
    });
    for m in &made {
        abandoned::judge(m, source, findings);
        double_send::judge(m, decl, source, findings);
        findings.extend(skipped_close::judge(m, source));
        wait_first::judge(m, source, findings);
    }
    contract::check(decl, source, findings);
    stuck::check(decl, source, findings);
    wait_first::check_wait_in_loop(decl, source, findings);
}

/// `ch := make(chan T)` or `ch := make(chan T, n)`: a channel variable made by a declaration.
struct MadeChan<'t> {
    /// The `:=` statement.
    decl: Node<'t>,
    name: Node<'t>,
    make: Node<'t>,
    /// No buffer: no capacity, or a capacity of `0`.
    unbuffered: bool,
    /// A capacity is written, even `0`.
    capacity_given: bool,
    /// `make(<-chan T)`: a channel only received from.
    receive_only: bool,
}

impl<'t> MadeChan<'t> {
    fn of(decl: Node<'t>, source: &str) -> Option<MadeChan<'t>> {
        let left = decl.field("left")?;
        let right = decl.field("right")?;
        if left.named_child_count() != 1 || right.named_child_count() != 1 {
            return None;
        }
        let name = left.named_child(0).filter(|n| n.kind() == "identifier")?;
        let make = unparen(right.named_child(0)?);
        let unbuffered = chan_make(make, source)?;
        let args = make.field("arguments")?;
        Some(MadeChan {
            decl,
            name,
            make,
            unbuffered,
            capacity_given: args.named_child_count() > 1,
            receive_only: args
                .named_child(0)
                .is_some_and(|t| syntax::text(t, source).starts_with("<-")),
        })
    }
}

/// `make(chan T)` or `make(chan T, n)`: whether it is unbuffered.
fn chan_make(call: Node, source: &str) -> Option<bool> {
    if call.kind() != "call_expression"
        || call.field("function").map(|f| syntax::text(f, source)) != Some("make")
    {
        return None;
    }
    let args = call.field("arguments")?;
    if args.named_child(0)?.kind() != "channel_type" {
        return None;
    }
    Some(match args.named_child_count() {
        1 => true,
        2 => args
            .named_child(1)
            .is_some_and(|n| syntax::text(n, source).trim() == "0"),
        _ => false,
    })
}

/// The `go` statement that starts the function literal `literal` directly in `func` (not in
/// another literal of it).
fn started_by<'t>(literal: Node<'t>, func: Node<'t>) -> Option<Node<'t>> {
    let go_statement = literal.parent()?.parent()?;
    (go_literal(go_statement) == Some(literal)
        && syntax::enclosing_function(go_statement) == Some(func))
    .then_some(go_statement)
}

/// The findings of one method declaration that locks something (`Lock()`).
pub fn check_locks<'t>(
    decl: Node<'t>,
    source: &str,
    facts: &facts::FileFacts<'t, '_>,
    findings: &mut Vec<Finding>,
) {
    relock::check(decl, source, facts, findings);
}

/// The findings of a file that unlocks (`Unlock()`): a lock taken after a call that may have
/// returned holding it.
pub fn check_left_locked<'t>(
    source: &str,
    facts: &facts::FileFacts<'t, '_>,
    findings: &mut Vec<Finding>,
) {
    left_locked::check(source, facts, findings);
}

/// The findings of one declaration that makes a channel (`make(chan`): filled past its
/// capacity, or sent on under a local mutex its receiver takes first.
pub fn check_made_channels<'t>(
    decl: Node<'t>,
    source: &str,
    facts: &facts::FileFacts<'t, '_>,
    findings: &mut Vec<Finding>,
) {
    overfill::check(decl, source, facts, findings);
    if syntax::text(decl, source).contains(".Lock()") {
        local_lock::check(decl, source, findings);
    }
}

/// A `go func() { ... }()` statement's literal.
fn go_literal(n: Node) -> Option<Node> {
    if n.kind() != "go_statement" {
        return None;
    }
    let call = n.named_child(0).map(unparen)?;
    let function = call.field("function").map(unparen)?;
    (function.kind() == "func_literal").then_some(function)
}

/// The `select` whose case receives `r`, if it is one.
fn enclosing_select(r: Node) -> Option<Node> {
    let mut cur = r.parent();
    while let Some(p) = cur {
        match p.kind() {
            "receive_statement" | "expression_list" => cur = p.parent(),
            "communication_case" => return p.parent().filter(|s| s.kind() == "select_statement"),
            _ => return None,
        }
    }
    None
}

/// `T{...}` or `&T{...}` (parentheses aside): the composite literal.
pub(super) fn composite_literal_of(value: Node) -> Option<Node> {
    let mut value = unparen(value);
    if value.kind() == "unary_expression" && value.child(0)?.kind() == "&" {
        value = unparen(value.field("operand")?);
    }
    (value.kind() == "composite_literal").then_some(value)
}

/// Whether `n` mentions the variable `name` (as `name.` or on its own).
pub(super) fn mentions(n: Node, name: &str, source: &str) -> bool {
    let mut found = false;
    syntax::walk(n, |c| {
        found |= c.kind() == "identifier" && text(c, source) == name;
        !found
    });
    found
}

/// `(r *T)`, `(r T)`, `(r *T[K])`: the name and `T`.
pub(super) fn receiver_of(decl: Node, source: &str) -> Option<(String, String)> {
    let list = decl.field("receiver")?;
    let param = list.named_child(0)?;
    let name = text(param.field("name")?, source).to_string();
    let mut ty = param.field("type")?;
    if ty.kind() == "pointer_type" {
        ty = ty.named_child(0)?;
    }
    if ty.kind() == "generic_type" {
        ty = ty.field("type")?;
    }
    (ty.kind() == "type_identifier" && name != "_").then(|| (name, text(ty, source).to_string()))
}

/// The statements of a block (or of a function's body), comments aside.
fn block_statements(block: Node) -> Vec<Node> {
    let Some(list) = block
        .named_children(&mut block.walk())
        .find(|c| c.kind() == "statement_list")
    else {
        return Vec::new();
    };
    list.named_children(&mut list.walk())
        .filter(|c| c.kind() != "comment")
        .collect()
}

fn line_of(n: Node) -> usize {
    n.start_position().row + 1
}

/// `` `name` `` of a function declaration or method, or "the function" for a literal.
fn function_name(func: Node, source: &str) -> String {
    func.field("name")
        .map(|n| format!("`{}`", syntax::text(n, source)))
        .unwrap_or_else(|| "the function".to_string())
}
