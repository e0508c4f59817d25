//! A goroutine blocked for ever sending on an unbuffered channel whose only receiver gave up.
//!
//! The shapes of LeakProf (Saioc et al., CGO 2024) that one function shows whole: a local
//! `ch := make(chan T)`, goroutines started in the same function that only send on it, and a
//! function that may stop receiving first:
//! - **early return**: a `return` between the `go` statement and the first receive;
//! - **timeout**: the receive is a case of a `select` whose other case (or `default`) may win,
//!   and nothing receives after that `select`;
//! - **N-cast**: the goroutines are started in a loop, and the function receives once.
//!
//! Silent unless all of it is plain: the channel is used nowhere else (not passed, stored,
//! returned, closed or captured by another function literal), each goroutine sends once with a
//! plain send statement (a send inside a `select` can give up), and no receive is in a loop.

use tree_sitter::Node;

use super::{block_statements, enclosing_select, function_name, line_of, started_by, MadeChan};
use crate::analysis::fix::Fix;
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Edit, Finding, Severity};

/// The innermost function literal or declaration holding `n`, below `func`.
fn innermost_function<'t>(n: Node<'t>, func: Node<'t>) -> Node<'t> {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p == func || syntax::is_function(p.kind()) {
            return p;
        }
        cur = p.parent();
    }
    func
}

/// Whether `n` lies in a loop of `within` (not counting loops outside it).
fn in_loop(n: Node, within: Node) -> bool {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p == within {
            return false;
        }
        if p.kind() == "for_statement" {
            return true;
        }
        cur = p.parent();
    }
    false
}

struct Sender<'t> {
    /// Its sends on the channel, in order: one on each path (each but the last is followed by a
    /// `return`).
    sends: Vec<Node<'t>>,
    literal: Node<'t>,
    go_statement: Node<'t>,
    /// Started in a loop of the function: one goroutine per iteration.
    many: bool,
}

enum Abandon<'t> {
    Return(Node<'t>),
    Rival(Node<'t>),
    OneReceive(Node<'t>),
}

/// Judges one channel made with `:=` (unbuffered, not receive-only).
pub(super) fn judge(made: &MadeChan, source: &str, findings: &mut Vec<Finding>) -> Option<()> {
    if !made.unbuffered || made.receive_only {
        return None;
    }
    let (decl, name_node, make) = (made.decl, made.name, made.make);
    let name = text(name_node, source);
    let func = syntax::enclosing_function(decl)?;
    let body = func.field("body")?;
    // Made in a loop's body: each iteration has a channel of its own, and the body is what
    // uses it (a `return` there leaves the function, a `select` there is met once per channel).
    let scope = syntax::enclosing_loop(decl, func)
        .and_then(|l| l.field("body"))
        .unwrap_or(func);
    let mut senders: Vec<Sender> = Vec::new();
    let mut receives: Vec<Node> = Vec::new();
    // `for x := range ch` in a goroutine started here, and plain sends of the function itself.
    let mut rangers: Vec<(Node, Node)> = Vec::new();
    let mut parent_sends: Vec<Node> = Vec::new();
    let mut plain = true;
    for id in syntax::identifiers_named(body, source, name) {
        if id == name_node || !plain {
            continue;
        }
        // Declared again somewhere below: another variable; too subtle to follow.
        if syntax::declares_variable(id) {
            plain = false;
            continue;
        }
        let owner = innermost_function(id, func);
        let parent = id.parent();
        let is_send = parent.is_some_and(|p| {
            p.kind() == "send_statement" && p.field("channel").map(unparen) == Some(id)
        });
        let is_receive = parent.is_some_and(|p| {
            p.kind() == "unary_expression"
                && p.child(0).is_some_and(|op| op.kind() == "<-")
                && p.field("operand").map(unparen) == Some(id)
        });
        if owner == func {
            if is_receive {
                receives.push(parent.expect("checked above"));
            } else if is_send
                && parent
                    .and_then(|p| p.parent())
                    .is_some_and(|p| p.kind() != "communication_case")
            {
                parent_sends.extend(parent);
            } else {
                plain = false;
            }
            continue;
        }
        let ranges_over = parent.is_some_and(|p| {
            p.kind() == "range_clause" && p.field("right").map(unparen) == Some(id)
        });
        // In a goroutine started right here, a plain send (not a select case: that may give up).
        let go_statement = started_by(owner, func);
        let started_here = go_statement.is_some();
        if started_here && ranges_over {
            let range = parent
                .and_then(|p| p.parent())
                .expect("a range clause is in a for");
            if rangers.iter().any(|(l, _)| *l == owner) || in_loop(range, owner) {
                plain = false;
            } else {
                rangers.push((owner, range));
            }
            continue;
        }
        let send = parent.filter(|_| is_send);
        match (started_here, send) {
            (true, Some(send))
                if send
                    .parent()
                    .is_some_and(|p| p.kind() != "communication_case")
                    && !in_loop(send, owner) =>
            {
                if let Some(sender) = senders.iter_mut().find(|s| s.literal == owner) {
                    sender.sends.push(send);
                    continue;
                }
                let go_statement = go_statement.expect("checked above");
                senders.push(Sender {
                    sends: vec![send],
                    literal: owner,
                    go_statement,
                    many: in_loop(go_statement, scope),
                });
            }
            // `close(ch)` by the goroutine after its send: it still waits at the send first.
            (true, None) if closes_after_sends(id, owner, source) => {}
            _ => plain = false,
        }
    }
    if !plain || senders.iter().any(|s| !one_send_per_path(&s.sends)) {
        return None;
    }
    if senders.is_empty() && receives.is_empty() && !parent_sends.is_empty() && !rangers.is_empty()
    {
        findings.extend(never_closed(decl, name, &rangers, func, source));
        findings.extend(no_worker_started(
            name,
            &rangers,
            &parent_sends,
            func,
            source,
        ));
        return Some(());
    }
    if senders.len() != 1 || receives.is_empty() || !parent_sends.is_empty() || !rangers.is_empty()
    {
        return None;
    }
    if receives.iter().any(|r| in_loop(*r, scope)) {
        return None;
    }
    let sender = &senders[0];
    if receives
        .iter()
        .any(|r| r.start_byte() < sender.go_statement.start_byte())
    {
        return None;
    }
    let abandon = if sender.many {
        if receives.len() != 1 {
            return None;
        }
        findings.extend(no_sender_started(name, sender, receives[0], func, source));
        Abandon::OneReceive(receives[0])
    } else {
        abandoned_by_select(
            &receives,
            scope,
            &sent_channels(sender.literal, source),
            source,
        )
        .map(Abandon::Rival)
        .or_else(|| early_return(sender.go_statement, &receives, scope).map(Abandon::Return))?
    };
    findings.push(finding(make, name, sender, abandon, func, source));
    Some(())
}

/// The loop that starts `go_statement`, when it may run no iteration: what must be empty or
/// zero for that. A range over a literal or a count that is a constant always runs; so does one
/// the function tests first (`if len(items) == 0`).
fn may_start_none<'t>(
    go_statement: Node<'t>,
    func: Node<'t>,
    source: &str,
) -> Option<(Node<'t>, String)> {
    let mut cur = go_statement.parent();
    let for_statement = loop {
        let p = cur?;
        if p == func {
            return None;
        }
        if p.kind() == "for_statement" {
            break p;
        }
        cur = p.parent();
    };
    let header = for_statement
        .named_children(&mut for_statement.walk())
        .find(|c| matches!(c.kind(), "range_clause" | "for_clause"))?;
    let (right, condition) = if header.kind() == "range_clause" {
        let right = unparen(header.field("right")?);
        if right.kind() != "identifier" {
            return None; // a literal, a call, a field: out of sight
        }
        (right, format!("`{}` is empty", text(right, source)))
    } else {
        let condition = header.field("condition")?;
        if condition.kind() != "binary_expression"
            || condition.child(1).map(|op| text(op, source)) != Some("<")
        {
            return None;
        }
        let right = unparen(condition.field("right")?);
        if right.kind() != "identifier" {
            return None;
        }
        (right, format!("`{}` is 0", text(right, source)))
    };
    let bound = text(right, source);
    // Only a parameter can be anything a caller chooses; and any use of it before the loop (a
    // test, a default) may rule the empty case out.
    let declared = syntax::declaration_in_scope(right, func, source)?;
    if declared
        .parent()
        .is_none_or(|p| p.kind() != "parameter_declaration")
    {
        return None;
    }
    let body = func.field("body")?;
    let tested = syntax::identifiers_named(body, source, bound)
        .iter()
        .any(|id| id.start_byte() < for_statement.start_byte());
    (!tested).then_some((for_statement, condition))
}

/// N-cast with no sender at all: the loop that starts the senders runs no iteration, and the
/// one receive waits for ever.
fn no_sender_started(
    name: &str,
    sender: &Sender,
    receive: Node,
    func: Node,
    source: &str,
) -> Option<Finding> {
    if enclosing_select(receive).is_some() {
        return None;
    }
    let (loop_node, condition) = may_start_none(sender.go_statement, func, source)?;
    Some(zero_finding(
        receive,
        format!(
            "this receive from `{name}` blocks for ever when {condition}: the loop at line {} \
             then starts no goroutine to send; the goroutine running {} stays in memory",
            line_of(loop_node),
            function_name(func, source)
        ),
    ))
}

/// No close range with no worker at all: the function's first send waits for ever.
fn no_worker_started(
    name: &str,
    rangers: &[(Node, Node)],
    parent_sends: &[Node],
    func: Node,
    source: &str,
) -> Option<Finding> {
    let go_statement = rangers[0].0.parent()?.parent()?;
    if rangers
        .iter()
        .any(|(literal, _)| literal.parent().and_then(|c| c.parent()) != Some(go_statement))
    {
        return None;
    }
    let (loop_node, condition) = may_start_none(go_statement, func, source)?;
    let first = parent_sends.iter().min_by_key(|s| s.start_byte())?;
    if first.start_byte() < loop_node.end_byte() {
        return None;
    }
    Some(zero_finding(
        *first,
        format!(
            "this send on the unbuffered channel `{name}` blocks for ever when {condition}: \
             the loop at line {} then starts no worker to receive; the goroutine running {} \
             stays in memory",
            line_of(loop_node),
            function_name(func, source)
        ),
    ))
}

fn zero_finding(at: Node, message: String) -> Finding {
    Finding {
        range: at.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message,
        related: vec![],
        fixes: vec![],
    }
}

/// The channels the goroutine sends on, as spelled: a `select` that receives from any of them
/// waits for the goroutine whichever it sends on (`errCh` or `resultCh`).
fn sent_channels(literal: Node, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    syntax::walk(literal, |n| {
        if n.kind() == "send_statement" {
            if let Some(ch) = n.field("channel") {
                out.push(text(unparen(ch), source).to_string());
            }
        }
        true
    });
    out
}

/// A `select` holding a receive, with another case or a `default` that may win, not in a loop,
/// and no receive after it: that other case. A case that receives from another channel the
/// same goroutine sends on is no rival.
fn abandoned_by_select<'t>(
    receives: &[Node<'t>],
    func: Node<'t>,
    sent: &[String],
    source: &str,
) -> Option<Node<'t>> {
    let last = receives.iter().map(|r| r.start_byte()).max()?;
    for r in receives {
        let mut cur = r.parent();
        let case = loop {
            let p = cur?;
            if p.kind() == "communication_case" {
                break p;
            }
            if !matches!(p.kind(), "receive_statement" | "expression_list") {
                return None;
            }
            cur = p.parent();
        };
        let select = case.parent().filter(|s| s.kind() == "select_statement")?;
        if in_loop(select, func) || last > select.end_byte() {
            continue;
        }
        let mut c = select.walk();
        let rival = select.named_children(&mut c).find(|other| {
            *other != case
                && matches!(other.kind(), "communication_case" | "default_case")
                && !receives_from(*other, sent, source)
                // A case that receives in its body waits for the goroutine too.
                && !receives
                    .iter()
                    .any(|r| other.byte_range().contains(&r.start_byte()))
        });
        if rival.is_some() {
            return rival;
        }
    }
    None
}

/// A `return` of the function after the `go` statement and before the first receive (the
/// `select` it is a case of counts as the receive: its other cases' returns come after).
fn early_return<'t>(
    go_statement: Node<'t>,
    receives: &[Node<'t>],
    func: Node<'t>,
) -> Option<Node<'t>> {
    let first = receives
        .iter()
        .map(|r| enclosing_select(*r).unwrap_or(*r).start_byte())
        .min()?;
    let mut found = None;
    syntax::walk(func, |n| {
        if found.is_some() {
            return false;
        }
        if n != func && syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "return_statement"
            && n.start_byte() > go_statement.end_byte()
            && n.end_byte() < first
        {
            found = Some(n);
        }
        true
    });
    found
}

fn finding(
    make: Node,
    name: &str,
    sender: &Sender,
    abandon: Abandon,
    func: Node,
    source: &str,
) -> Finding {
    let function = function_name(func, source);
    let rival = match abandon {
        Abandon::Rival(case) => Some(case),
        _ => None,
    };
    let why = match abandon {
        Abandon::Return(r) => format!(
            "{function} can return at line {} before it receives from `{name}`",
            line_of(r)
        ),
        Abandon::Rival(case) => format!(
            "the other case of the select at line {} can win, and nothing receives from `{name}` after it",
            line_of(case)
        ),
        Abandon::OneReceive(r) => format!(
            "a goroutine is started on every iteration of the loop and {function} receives once \
             (line {}): all the others block",
            line_of(r)
        ),
    };
    let fixes = buffer_fix(make, sender, source)
        .into_iter()
        .chain(rival.and_then(|case| select_fix(case, sender, source)))
        .collect();
    let first = sender.sends[0];
    let others = if sender.sends.len() > 1 {
        let lines: Vec<String> = sender.sends[1..]
            .iter()
            .map(|s| line_of(*s).to_string())
            .collect();
        format!(
            " (as does its send at line {} on another path)",
            lines.join(", ")
        )
    } else {
        String::new()
    };
    Finding {
        range: first.byte_range(),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message: format!(
            "this send on the unbuffered channel `{name}` blocks for ever when {why}{others}; \
             the goroutine and everything it references stay in memory"
        ),
        related: vec![],
        fixes,
    }
}

/// `make(chan T, 1)` for one goroutine that sends once on each path and does nothing after
/// (each send is its last statement or followed by `return`, and it defers nothing): the send
/// then never waits, and nothing it did before changes.
fn buffer_fix(make: Node, sender: &Sender, source: &str) -> Option<Fix> {
    if sender.many {
        return None;
    }
    let last = last_statement(sender.literal)?;
    let ends_there =
        |send: &Node| *send == last || next_statement(*send).is_some_and(is_bare_return);
    if !sender.sends.iter().all(ends_there) {
        return None;
    }
    let mut defers = false;
    syntax::walk(sender.literal.field("body")?, |n| {
        defers |= n.kind() == "defer_statement";
        !defers && !syntax::is_function(n.kind())
    });
    if defers {
        return None;
    }
    let args = make.field("arguments")?;
    let chan_type = args.named_child(0)?;
    let new_text = format!("make({}, 1)", text(chan_type, source));
    Some(Fix {
        title: format!("Buffer the channel for its one send: {new_text}"),
        edits: vec![Edit::replace(make.byte_range(), new_text)],
    })
}

/// Each send in a `select` with the rival case's own wait (`<-ctx.Done()`, `<-done`), when the
/// goroutine can name it and each send ends its path: the goroutine then gives up when its
/// starter does. When the starter receives, the send happens as before; when the starter gave
/// up, the goroutine now ends instead of waiting, and runs its deferred calls.
fn select_fix(rival: Node, sender: &Sender, source: &str) -> Option<Fix> {
    if sender.many || rival.kind() != "communication_case" {
        return None;
    }
    let waits_on = rival.field("communication")?;
    let receive = match waits_on.kind() {
        "expression_statement" => waits_on.named_child(0)?,
        "receive_statement" if waits_on.field("left").is_none() => waits_on.field("right")?,
        _ => return None,
    };
    if receive.kind() != "unary_expression" || receive.child(0)?.kind() != "<-" {
        return None;
    }
    let operand = unparen(receive.field("operand")?);
    // `ctx.Done()`, `done`, `s.done`: the same channel whichever goroutine evaluates it.
    let base = match operand.kind() {
        "call_expression" => {
            let f = operand.field("function")?;
            if f.kind() != "selector_expression"
                || text(f.field("field")?, source) != "Done"
                || operand.field("arguments")?.named_child_count() != 0
            {
                return None;
            }
            unparen(f.field("operand")?)
        }
        "identifier" => operand,
        "selector_expression" => unparen(operand.field("operand")?),
        _ => return None,
    };
    if base.kind() != "identifier" {
        return None;
    }
    // The goroutine must see the same variable: no declaration of that name inside it.
    let shadowed = syntax::identifiers_named(sender.literal, source, text(base, source))
        .into_iter()
        .any(syntax::declares_variable);
    // ... and the starter must not point that variable elsewhere later.
    let func = syntax::enclosing_function(sender.go_statement)?;
    let reassigned = syntax::identifiers_named(func, source, text(base, source))
        .into_iter()
        .any(|id| {
            id.parent().and_then(|l| l.parent()).is_some_and(|a| {
                a.kind() == "assignment_statement"
                    && a.field("left")
                        .is_some_and(|l| l.byte_range().contains(&id.start_byte()))
            })
        });
    if shadowed || reassigned {
        return None;
    }
    let last = last_statement(sender.literal)?;
    let ends_there =
        |send: &Node| *send == last || next_statement(*send).is_some_and(is_bare_return);
    if !sender.sends.iter().all(ends_there) {
        return None;
    }
    let wait = text(receive, source);
    let edits = sender
        .sends
        .iter()
        .map(|send| {
            let indent = crate::analysis::fix::indentation(source, send.start_byte());
            let nl = if source.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            };
            // Continuation lines of the send move one level in, as gofmt has them.
            let inner = text(*send, source).replace(nl, &format!("{nl}\t"));
            let new_text =
                format!("select {{{nl}{indent}case {inner}:{nl}{indent}case {wait}:{nl}{indent}}}");
            Edit::replace(send.byte_range(), new_text)
        })
        .collect();
    Some(Fix {
        title: format!("Give up the send when the caller does: select with `{wait}`"),
        edits,
    })
}

/// Sends on exclusive paths: each but the last is followed by a `return` in its block.
fn one_send_per_path(sends: &[Node]) -> bool {
    sends.len() <= 1
        || sends[..sends.len() - 1]
            .iter()
            .all(|s| next_statement(*s).is_some_and(|n| n.kind() == "return_statement"))
}

/// The statement after `s` in its list, comments aside.
fn next_statement(s: Node) -> Option<Node> {
    let mut next = s.next_named_sibling();
    while let Some(n) = next {
        if n.kind() != "comment" {
            return Some(n);
        }
        next = n.next_named_sibling();
    }
    None
}

/// `return` with no values.
fn is_bare_return(n: Node) -> bool {
    n.kind() == "return_statement" && n.named_child_count() == 0
}

/// `close(ch)` (the identifier `id`) as a statement of the goroutine `literal`'s body, after
/// a send of it on `ch` and before none.
fn closes_after_sends(id: Node, literal: Node, source: &str) -> bool {
    let Some(call) = id
        .parent()
        .filter(|p| p.kind() == "argument_list")
        .and_then(|a| a.parent())
    else {
        return false;
    };
    let is_close = call.field("function").map(|f| text(f, source)) == Some("close");
    let statement = call.parent().filter(|s| s.kind() == "expression_statement");
    let Some(statement) = statement.filter(|_| is_close) else {
        return false;
    };
    if in_loop(statement, literal) {
        return false;
    }
    let name = text(id, source);
    let (mut before, mut after) = (false, false);
    syntax::walk(literal, |n| {
        if n.kind() == "send_statement"
            && n.field("channel").map(|c| text(unparen(c), source)) == Some(name)
        {
            if n.start_byte() > statement.start_byte() {
                after = true;
            } else {
                before = true;
            }
        }
        !after
    });
    before && !after
}

/// `case v := <-ch:` or `case <-ch:` with `ch` one of `channels`.
fn receives_from(case: Node, channels: &[String], source: &str) -> bool {
    let Some(comm) = case.field("communication") else {
        return false;
    };
    let mut hit = false;
    syntax::walk(comm, |n| {
        if n.kind() == "unary_expression" && n.child(0).is_some_and(|op| op.kind() == "<-") {
            if let Some(operand) = n.field("operand") {
                hit |= channels.iter().any(|c| c == text(unparen(operand), source));
            }
        }
        !hit
    });
    hit
}

/// Workers started here range over the channel, the function sends to them and returns, and
/// nothing closes it: each worker waits for ever for the next value.
fn never_closed(
    decl: Node,
    name: &str,
    rangers: &[(Node, Node)],
    func: Node,
    source: &str,
) -> Option<Finding> {
    if !syntax::can_return(func, source) {
        return None; // the function works for ever: its workers are needed as long
    }
    let range = rangers[0].1;
    let function = function_name(func, source);
    let fixes = close_fix(decl, name, rangers, source).into_iter().collect();
    Some(Finding {
        range: range
            .field("body")
            .map_or(range.byte_range(), |b| range.start_byte()..b.start_byte()),
        code: Code::GoroutineLeak,
        severity: Severity::Warning,
        message: format!(
            "nothing closes the channel `{name}`: once {function} has sent its last value and \
             returned, this range waits for ever for the next; the goroutine and everything it \
             references stay in memory"
        ),
        related: vec![],
        fixes,
    })
}

/// `defer close(ch)` after the `make`, when every worker's range is its last statement: the
/// workers then end when the function returns, and do nothing else they did not do before.
fn close_fix(decl: Node, name: &str, rangers: &[(Node, Node)], source: &str) -> Option<Fix> {
    for (literal, range) in rangers {
        if last_statement(*literal)? != *range {
            return None;
        }
    }
    if decl.parent().is_none_or(|p| p.kind() != "statement_list") {
        return None;
    }
    let indent = crate::analysis::fix::indentation(source, decl.start_byte()).to_string();
    let line = format!("defer close({name})");
    Some(Fix {
        title: format!("Close the channel when the function returns: {line}"),
        edits: vec![crate::analysis::fix::insert_lines_after(
            source,
            decl.end_byte(),
            &indent,
            &[line],
        )],
    })
}

/// The last statement of a function literal's body (comments aside).
fn last_statement(literal: Node) -> Option<Node> {
    block_statements(literal.field("body")?).pop()
}
