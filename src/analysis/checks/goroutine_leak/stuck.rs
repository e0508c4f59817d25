//! A goroutine waiting on something no code can ever release: the wait is certain, whatever
//! path runs. Each shape is judged from the declaration alone, so each needs every use of the
//! object it waits on to be in sight:
//! - a send or receive on a nil channel (`var c chan T`, never assigned), or on a channel made
//!   here that nothing else receives from (sends) or sends on or closes (receives);
//! - `select {}`, or a `select` without `default` whose every case is such an operation;
//! - `wg.Wait()` after `wg.Add(n)` of a local `sync.WaitGroup` nothing calls `Done` on;
//! - a second `Lock` (or an `RLock` after a `Lock`) of a local mutex, with nothing in between
//!   and no other function able to unlock it;
//! - `c.Wait()` on a local `sync.Cond` nothing signals.
//!
//! Only operations inside goroutines started in the declaration are judged: a function that
//! blocks for ever on purpose (`select {}` at the end of `main`) is not a leak.

use tree_sitter::Node;

use super::{chan_make, enclosing_select, go_literal, line_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Severity};

/// More uses of one variable than this and it is left alone: resolving each one walks the
/// declaration again.
const MAX_USES: usize = 64;

pub fn check(decl: Node, source: &str, findings: &mut Vec<Finding>) {
    let mut literals = Vec::new();
    syntax::walk(decl, |n| {
        literals.extend(go_literal(n));
        true
    });
    for literal in literals {
        let Some(body) = literal.field("body") else {
            continue;
        };
        syntax::walk(body, |n| {
            if syntax::is_function(n.kind()) {
                return false; // another function: a goroutine of its own or a callback
            }
            if let Some((why, at)) = stuck(n, decl, source) {
                findings.push(finding(at, &why));
            }
            true
        });
    }
}

fn finding(at: Node, why: &str) -> Finding {
    Finding {
        range: at.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message: format!(
            "this goroutine waits for ever: {why}; it and everything it references stay in memory"
        ),
        related: vec![],
        fixes: vec![],
    }
}

/// Why `n` blocks for ever, and the node to report, if it is an operation that does.
fn stuck<'t>(n: Node<'t>, decl: Node<'t>, source: &str) -> Option<(String, Node<'t>)> {
    match n.kind() {
        "select_statement" => select_stuck(n, decl, source).map(|why| (why, n)),
        "send_statement" if n.parent()?.kind() != "communication_case" => {
            let channel = n.field("channel")?;
            dead(channel, Op::Send, decl, source).map(|why| (why, n))
        }
        "unary_expression"
            if n.child(0).is_some_and(|op| op.kind() == "<-") && enclosing_select(n).is_none() =>
        {
            let channel = n.field("operand")?;
            dead(channel, Op::Receive, decl, source).map(|why| (why, n))
        }
        "range_clause" => {
            let channel = n.field("right")?;
            let why = dead(channel, Op::Receive, decl, source)?;
            Some((why, n.parent()?))
        }
        "call_expression" => sync_stuck(n, decl, source).map(|why| (why, n)),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Send,
    Receive,
}

/// What a use of a channel variable does with it.
#[derive(PartialEq)]
pub(super) enum Use {
    Send,
    Receive,
    Close,
    /// `len(c)`, `cap(c)`: reads nothing, changes nothing.
    Neutral,
    /// Anything else: assigned, passed, stored, returned, compared: it may get a partner.
    Escape,
}

/// Why an `op` on the channel `expr` can never proceed, if it provably cannot.
fn dead(expr: Node, op: Op, decl: Node, source: &str) -> Option<String> {
    let expr = unparen(expr);
    if let Some(unbuffered) = chan_make(expr, source) {
        return (op == Op::Receive || unbuffered).then(|| {
            "the channel is made in this very expression, so nothing else can ever use it"
                .to_string()
        });
    }
    if expr.kind() != "identifier" {
        return None;
    }
    let name = text(expr, source);
    let declared = syntax::declaration_in_scope(expr, decl, source)?;
    let origin = channel_origin(declared, source)?;
    let uses = uses_of(declared, decl, source)?;
    // A channel handed to a function of the file that never uses that parameter stays here.
    let mut handed_to = None;
    let uses: Vec<Use> = uses
        .into_iter()
        .map(|u| match channel_use(u, source) {
            Use::Escape => match unused_parameter(u, source) {
                Some(callee) => {
                    handed_to.get_or_insert(callee);
                    Use::Neutral
                }
                None => Use::Escape,
            },
            known => known,
        })
        .collect();
    if uses.contains(&Use::Escape) {
        return None;
    }
    let line = line_of(declared);
    let unused = handed_to
        .map(|f| format!("; `{f}`, which it is handed to, never uses it"))
        .unwrap_or_default();
    match origin {
        Origin::Nil => Some(format!(
            "`{name}` is a nil channel (declared at line {line} and never assigned), and an \
             operation on a nil channel never proceeds"
        )),
        Origin::Made { unbuffered } => match op {
            Op::Receive if !uses.iter().any(|u| matches!(u, Use::Send | Use::Close)) => {
                Some(format!(
                    "nothing sends on or closes `{name}` (made at line {line}, used nowhere \
                     else{unused})"
                ))
            }
            Op::Send
                if unbuffered && !uses.iter().any(|u| matches!(u, Use::Receive | Use::Close)) =>
            {
                Some(format!(
                    "nothing receives from the unbuffered channel `{name}` (made at line {line}, \
                     used nowhere else{unused})"
                ))
            }
            _ => None,
        },
    }
}

/// The name of the function of the file the identifier `id` is an argument of, when that
/// function never mentions the parameter it lands in: a function called by its name, or an
/// unexported method (no standard type has one) the file declares once and no interface of the
/// file names.
fn unused_parameter<'s>(id: Node, source: &'s str) -> Option<&'s str> {
    let args = id.parent().filter(|p| p.kind() == "argument_list")?;
    let index = syntax::index_in(args, id)?;
    let call = args.parent().filter(|c| c.kind() == "call_expression")?;
    let function = unparen(call.field("function")?);
    let root = super::dead_field::root_of(call);
    let (name, wanted) = match function.kind() {
        "identifier" => (text(function, source), "function_declaration"),
        "selector_expression" => {
            let name = text(function.field("field")?, source);
            if !name.starts_with(|c: char| c.is_lowercase()) {
                return None;
            }
            (name, "method_declaration")
        }
        _ => return None,
    };
    let mut callee = None;
    for d in root.named_children(&mut root.walk()) {
        if d.kind() == wanted && d.field("name").map(|n| text(n, source)) == Some(name) {
            if callee.is_some() {
                return None;
            }
            callee = Some(d);
        }
    }
    if wanted == "method_declaration" && interface_names(root, source, name) {
        return None;
    }
    let callee = callee?;
    let mut names = Vec::new();
    let params = callee.field("parameters")?;
    for p in params.named_children(&mut params.walk()) {
        if p.kind() != "parameter_declaration" {
            return None; // variadic: the arguments do not map one to one
        }
        let mut cursor = p.walk();
        let declared: Vec<Node> = p.children_by_field_name("name", &mut cursor).collect();
        if declared.is_empty() {
            names.push("_");
        }
        names.extend(declared.iter().map(|n| text(*n, source)));
    }
    if names.len() != args.named_child_count() {
        return None;
    }
    let parameter = names[index];
    let body = callee.field("body")?;
    (parameter == "_" || syntax::identifiers_named(body, source, parameter).is_empty())
        .then_some(name)
}

/// Whether an interface type of the file declares a method `name`.
fn interface_names(root: Node, source: &str, name: &str) -> bool {
    let mut found = false;
    syntax::walk(root, |n| {
        if found {
            return false;
        }
        if matches!(n.kind(), "method_elem" | "method_spec") {
            found = n.field("name").is_some_and(|m| text(m, source) == name);
            return false;
        }
        matches!(
            n.kind(),
            "source_file" | "type_declaration" | "type_spec" | "interface_type"
        )
    });
    found
}

pub(super) enum Origin {
    /// `var c chan T`.
    Nil,
    Made {
        unbuffered: bool,
    },
}

/// How the channel variable `declared` starts: only the two forms judged here.
pub(super) fn channel_origin(declared: Node, source: &str) -> Option<Origin> {
    let parent = declared.parent()?;
    match parent.kind() {
        "var_spec" => match parent.field("value") {
            None => parent
                .field("type")
                .filter(|t| t.kind() == "channel_type")
                .map(|_| Origin::Nil),
            Some(values) => single_make(values, source),
        },
        "expression_list" => {
            let statement = parent.parent()?;
            if statement.kind() != "short_var_declaration" || parent.named_child_count() != 1 {
                return None;
            }
            single_make(statement.field("right")?, source)
        }
        _ => None,
    }
}

fn single_make(values: Node, source: &str) -> Option<Origin> {
    if values.named_child_count() != 1 {
        return None;
    }
    let unbuffered = chan_make(unparen(values.named_child(0)?), source)?;
    Some(Origin::Made { unbuffered })
}

/// Every use in `decl` of the variable `declared` declares (itself excluded); `None` when there
/// are too many to resolve.
pub(super) fn uses_of<'t>(
    declared: Node<'t>,
    decl: Node<'t>,
    source: &str,
) -> Option<Vec<Node<'t>>> {
    let name = text(declared, source);
    let same_name = syntax::identifiers_named(decl, source, name);
    if same_name.len() > MAX_USES {
        return None;
    }
    Some(
        same_name
            .iter()
            .filter(|id| **id != declared)
            .filter(|id| {
                syntax::innermost_declaration(**id, same_name.iter().copied()) == Some(declared)
            })
            .copied()
            .collect(),
    )
}

pub(super) fn channel_use(id: Node, source: &str) -> Use {
    let Some(parent) = id.parent() else {
        return Use::Escape;
    };
    match parent.kind() {
        "send_statement" if parent.field("channel") == Some(id) => Use::Send,
        "unary_expression" if parent.child(0).is_some_and(|op| op.kind() == "<-") => Use::Receive,
        "range_clause" if parent.field("right") == Some(id) => Use::Receive,
        "parenthesized_expression" => Use::Escape,
        "argument_list" => {
            let call = parent.parent();
            let function = call
                .and_then(|c| c.field("function"))
                .map(|f| text(f, source));
            match function {
                Some("close") => Use::Close,
                Some("len" | "cap") => Use::Neutral,
                _ => Use::Escape,
            }
        }
        _ => Use::Escape,
    }
}

/// `select {}`, or a `select` with no `default` whose every case waits on a dead channel.
fn select_stuck(select: Node, decl: Node, source: &str) -> Option<String> {
    let mut cursor = select.walk();
    let cases: Vec<Node> = select
        .named_children(&mut cursor)
        .filter(|c| matches!(c.kind(), "communication_case" | "default_case"))
        .collect();
    if cases.is_empty() {
        return Some("`select {}` has no case to wait for".to_string());
    }
    let mut reasons = Vec::new();
    for case in cases {
        let comm = case.field("communication")?;
        let why = if comm.kind() == "send_statement" {
            dead(comm.field("channel")?, Op::Send, decl, source)?
        } else {
            dead(received_channel(comm)?, Op::Receive, decl, source)?
        };
        reasons.push(why);
    }
    reasons.dedup();
    Some(format!(
        "no case of this select can ever proceed ({})",
        reasons.join("; ")
    ))
}

/// The channel a receive case (`case <-c:`, `case v := <-c:`) receives from.
fn received_channel(comm: Node) -> Option<Node> {
    let mut found = None;
    syntax::walk(comm, |n| {
        if found.is_some() {
            return false;
        }
        if n.kind() == "unary_expression" && n.child(0).is_some_and(|op| op.kind() == "<-") {
            found = n.field("operand");
            return false;
        }
        true
    });
    found
}

/// The `sync` types judged here.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum SyncKind {
    Mutex,
    RwMutex,
    WaitGroup,
    Cond,
}

/// `x.Lock()`, `x.RLock()` or `x.Wait()` on a local `sync` object that can never be released.
fn sync_stuck(call: Node, decl: Node, source: &str) -> Option<String> {
    let function = call.field("function")?;
    if function.kind() != "selector_expression" {
        return None;
    }
    let method = text(function.field("field")?, source);
    if !matches!(method, "Lock" | "RLock" | "Wait") {
        return None;
    }
    let operand = unparen(function.field("operand")?);
    if operand.kind() != "identifier" {
        return None;
    }
    let declared = syntax::declaration_in_scope(operand, decl, source)?;
    let kind = sync_origin(declared, source)?;
    let uses = uses_of(declared, decl, source)?;
    // Every use must call a method (or, for a Cond, reach its `L`): anything else may hand the
    // object to code out of sight.
    let mut methods = Vec::new();
    for id in &uses {
        let selector = id
            .parent()
            .filter(|p| p.kind() == "selector_expression" && p.field("operand") == Some(*id))?;
        methods.push((text(selector.field("field")?, source), selector));
    }
    let name = text(operand, source);
    match (kind, method) {
        (SyncKind::WaitGroup, "Wait") => wait_group_stuck(call, name, &methods, source),
        (SyncKind::Cond, "Wait") => methods
            .iter()
            .all(|(m, _)| matches!(*m, "Wait" | "L"))
            .then(|| format!("nothing ever calls `Signal` or `Broadcast` on `{name}`")),
        (SyncKind::Mutex | SyncKind::RwMutex, "Lock" | "RLock") => {
            double_lock(call, name, method, kind, &uses, source)
        }
        _ => None,
    }
}

/// The `sync` type a local variable is declared with: `var mu sync.Mutex`, `mu := sync.Mutex{}`,
/// `&sync.Mutex{}`, `new(sync.Mutex)`, `sync.NewCond(...)`.
pub(super) fn sync_origin(declared: Node, source: &str) -> Option<SyncKind> {
    let parent = declared.parent()?;
    let value = match parent.kind() {
        "var_spec" => match parent.field("value") {
            None => return sync_type(text(parent.field("type")?, source)),
            Some(values) => values,
        },
        "expression_list" => {
            let statement = parent.parent()?;
            if statement.kind() != "short_var_declaration" || parent.named_child_count() != 1 {
                return None;
            }
            statement.field("right")?
        }
        _ => return None,
    };
    if value.named_child_count() != 1 {
        return None;
    }
    let value = text(unparen(value.named_child(0)?), source);
    if value.starts_with("sync.NewCond(") {
        return Some(SyncKind::Cond);
    }
    let type_name = value
        .strip_prefix('&')
        .and_then(|v| v.strip_suffix("{}"))
        .or_else(|| value.strip_suffix("{}"))
        .or_else(|| value.strip_prefix("new(").and_then(|v| v.strip_suffix(')')))?;
    sync_type(type_name.trim())
}

fn sync_type(name: &str) -> Option<SyncKind> {
    match name {
        "sync.Mutex" => Some(SyncKind::Mutex),
        "sync.RWMutex" => Some(SyncKind::RwMutex),
        "sync.WaitGroup" => Some(SyncKind::WaitGroup),
        _ => None,
    }
}

/// `wg.Add(n)` with a positive literal, earlier in the same block as `wg.Wait()`, and no other
/// method of `wg` anywhere (no `Done`, no `Go`): the counter never returns to zero.
fn wait_group_stuck(
    wait: Node,
    name: &str,
    methods: &[(&str, Node)],
    source: &str,
) -> Option<String> {
    if methods.iter().any(|(m, _)| !matches!(*m, "Add" | "Wait")) {
        return None;
    }
    let wait_statement = wait
        .parent()
        .filter(|s| s.kind() == "expression_statement")?;
    let positive_add_before = methods.iter().any(|(m, selector)| {
        *m == "Add"
            && selector.parent().is_some_and(|call| {
                let statement = call.parent().filter(|s| s.kind() == "expression_statement");
                statement.is_some_and(|s| {
                    s.parent() == wait_statement.parent() && s.end_byte() <= wait.start_byte()
                }) && call
                    .field("arguments")
                    .and_then(|a| {
                        (a.named_child_count() == 1)
                            .then(|| a.named_child(0))
                            .flatten()
                    })
                    .and_then(|a| text(a, source).parse::<u64>().ok())
                    .is_some_and(|n| n > 0)
            })
    });
    positive_add_before.then(|| {
        format!(
            "`{name}.Add` counts up and nothing ever calls `{name}.Done`, so `Wait` never returns"
        )
    })
}

/// A `Lock` (or `RLock` of an `RWMutex` after `Lock`, or `Lock` after `RLock`) right after an
/// earlier one in the same block, with no use of the mutex in between, and every use of it in
/// this one function: no other goroutine can unlock it.
fn double_lock(
    call: Node,
    name: &str,
    method: &str,
    kind: SyncKind,
    uses: &[Node],
    source: &str,
) -> Option<String> {
    let func = syntax::enclosing_function(call)?;
    if uses
        .iter()
        .any(|u| syntax::enclosing_function(*u) != Some(func))
    {
        return None;
    }
    let statement = call
        .parent()
        .filter(|s| s.kind() == "expression_statement")?;
    let mut previous = statement.prev_named_sibling();
    while let Some(p) = previous {
        if !syntax::identifiers_named(p, source, name).is_empty() {
            let earlier = text(p, source).trim();
            let held = if earlier == format!("{name}.Lock()") {
                "Lock"
            } else if earlier == format!("{name}.RLock()") {
                "RLock"
            } else {
                return None;
            };
            let deadlocks = matches!(
                (kind, held, method),
                (SyncKind::Mutex, "Lock", "Lock")
                    | (SyncKind::RwMutex, "Lock", _)
                    | (SyncKind::RwMutex, "RLock", "Lock")
            );
            return deadlocks.then(|| {
                format!(
                    "`{name}` is already held by this goroutine (`{name}.{held}()` at line {}) \
                     and nothing else can unlock it",
                    line_of(p)
                )
            });
        }
        previous = p.prev_named_sibling();
    }
    None
}
