//! A method that locks its receiver's mutex while it already holds it, itself or through
//! another method of the same type it calls: `sync.Mutex` and `sync.RWMutex` are not
//! reentrant, so the goroutine waits for ever for itself, and with it every goroutine that
//! needs that lock afterwards.
//!
//! What counts as held is what every path to the second lock holds: `r.mu.Lock()` (or
//! `r.Lock()` on an embedded mutex) earlier in the method, with no `Unlock` on the way, kept
//! across branches only when each branch that goes on keeps it. A second `Lock`, or an `RLock`
//! after a `Lock`, is reported; two `RLock`s only when a method of the type write-locks the
//! same mutex (a writer that queues in between blocks the second reader, and the reader the
//! writer: `sync.RWMutex` forbids recursive read locking for that reason). A method called on the receiver counts when its top-level statements lock first,
//! before any return: a lock taken under a condition may be one the caller rules out.
//!
//! A mutex may be unlocked by another goroutine than the one that locked it. So a held lock is
//! forgotten once the method starts a goroutine, operates on a channel, calls a function
//! literal or hands the receiver to a call: any of those may be the hand-off that unlocks it.

use tree_sitter::Node;

use std::rc::Rc;

use super::facts::{FileFacts, MethodIndex};
use super::{line_of, receiver_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Severity};

/// How deep calls to other methods of the type are followed.
const MAX_CALL_DEPTH: usize = 3;

/// Loops nested deeper than this are walked once (each level walks its body again).
const MAX_LOOP_DEPTH: usize = 3;

pub fn check<'t>(
    decl: Node<'t>,
    source: &str,
    facts: &FileFacts<'t, '_>,
    findings: &mut Vec<Finding>,
) {
    let Some(method) = Method::of(decl, source, facts.method_index()) else {
        return;
    };
    let Some(body) = decl.field("body") else {
        return;
    };
    let mut run = Run::new(&method, source);
    run.body(body);
    if run.gave_up {
        facts.remember_holding(decl, None);
        return;
    }
    // What the method may return holding, for the callers' rule, from this same walk.
    facts.remember_holding(decl, run.holding_at_exit());
    // A loop's body is walked twice: the same lock may be found in both walks.
    let mut seen = Vec::new();
    for f in run.findings {
        if !seen.contains(&f.range) {
            seen.push(f.range.clone());
            findings.push(f);
        }
    }
    // The mutex stays held by the goroutine waiting for itself: every other method of the
    // type that locks it waits for ever behind it.
    let name = decl.field("name").map_or("", |n| text(n, source));
    let mut behind: Vec<Finding> = Vec::new();
    for (path, line, through) in run.relocks {
        let locks = super::under_lock::locks_of(method.root, &method.type_name, &path, source);
        if locks.len() > super::MAX_BEHIND + 1 {
            continue; // a mutex locked all over: the first finding says enough
        }
        for lock in locks {
            // The callee's own `Lock` is the second lock itself, not another goroutine's.
            let elsewhere =
                syntax::enclosing_function(lock) != Some(decl) && through != Some(line_of(lock));
            if elsewhere && !behind.iter().any(|f| f.range == lock.byte_range()) {
                let op = super::dead_field::lock_name(lock, source);
                behind.push(Finding {
                    range: lock.byte_range(),
                    code: Code::GoroutineLeak,
                    severity: Severity::Warning,
                    message: format!(
                        "this `{op}` waits for ever once `{name}` has locked the same mutex \
                         again (line {line}): that goroutine waits for itself and never \
                         releases it; this one, and everything it references, stay in memory"
                    ),
                    related: vec![],
                    fixes: vec![],
                });
            }
        }
    }
    findings.extend(behind);
}

/// A method declaration: its receiver's name and type, and the file it is in.
struct Method<'t> {
    receiver: String,
    type_name: String,
    root: Node<'t>,
    /// The file's methods by (type, name).
    methods: Rc<MethodIndex<'t>>,
}

impl<'t> Method<'t> {
    fn of(decl: Node<'t>, source: &str, methods: Rc<MethodIndex<'t>>) -> Option<Method<'t>> {
        if decl.kind() != "method_declaration" {
            return None;
        }
        let (receiver, type_name) = receiver_of(decl, source)?;
        let mut root = decl;
        while let Some(p) = root.parent() {
            root = p;
        }
        Some(Method {
            receiver,
            type_name,
            root,
            methods,
        })
    }

    /// The line of a `Lock` (a writer) of the receiver's mutex at `path` in a method of the
    /// same type in this file.
    fn writer(&self, path: &str, source: &str) -> Option<usize> {
        let mut found = None;
        let mut cursor = self.root.walk();
        for d in self.root.named_children(&mut cursor) {
            if d.kind() != "method_declaration" {
                continue;
            }
            let Some((receiver, ty)) = receiver_of(d, source) else {
                continue;
            };
            if ty != self.type_name {
                continue;
            }
            syntax::walk(d, |n| {
                if found.is_none() && n.kind() == "call_expression" {
                    if let Some(op) = lock_op(n, &receiver, source) {
                        if op.op == "Lock" && op.path == path {
                            found = Some(line_of(n));
                        }
                    }
                }
                found.is_none()
            });
            if found.is_some() {
                break;
            }
        }
        found
    }

    /// The method of the same type named `name`, declared in this file.
    fn sibling(&self, name: &str, _source: &str) -> Option<Node<'t>> {
        self.methods
            .get(&(self.type_name.clone(), name.to_string()))
            .copied()
    }
}

/// A lock the method holds on every path to here.
#[derive(Clone, PartialEq)]
struct Held {
    /// The mutex, below the receiver: `mu` for `r.mu`, empty for an embedded mutex (`r.Lock()`).
    path: String,
    write: bool,
    line: usize,
    /// Held from the previous iteration of a loop, which ended at this line.
    carried: Option<usize>,
}

/// A lock operation on the receiver's mutex: `r.mu.Lock()`.
pub(super) struct LockOp<'t> {
    pub(super) path: String,
    pub(super) op: &'t str,
}

/// `recv.path.Op()` with `recv` the receiver: the path and the operation.
pub(super) fn lock_op<'s>(call: Node, receiver: &str, source: &'s str) -> Option<LockOp<'s>> {
    let function = call.field("function")?;
    if function.kind() != "selector_expression" {
        return None;
    }
    let op = text(function.field("field")?, source);
    if !matches!(
        op,
        "Lock" | "RLock" | "Unlock" | "RUnlock" | "TryLock" | "TryRLock"
    ) {
        return None;
    }
    let operand = unparen(function.field("operand")?);
    let path = path_below(operand, receiver, source)?;
    Some(LockOp { path, op })
}

/// `r.a.b` → `a.b`, `r` → `` when `r` is the receiver; `None` for anything else.
fn path_below(expr: Node, receiver: &str, source: &str) -> Option<String> {
    match expr.kind() {
        "identifier" => (text(expr, source) == receiver).then(String::new),
        "selector_expression" => {
            let base = path_below(unparen(expr.field("operand")?), receiver, source)?;
            let field = text(expr.field("field")?, source);
            Some(if base.is_empty() {
                field.to_string()
            } else {
                format!("{base}.{field}")
            })
        }
        _ => None,
    }
}

/// `r.name(...)` with `r` the receiver: `name`.
pub(super) fn receiver_call<'s>(call: Node, receiver: &str, source: &'s str) -> Option<&'s str> {
    let function = call.field("function")?;
    if function.kind() != "selector_expression" {
        return None;
    }
    let operand = unparen(function.field("operand")?);
    (operand.kind() == "identifier" && text(operand, source) == receiver).then(|| {
        text(
            function.field("field").expect("a selector has a field"),
            source,
        )
    })
}

enum Flow {
    Continues,
    Ends,
}

struct Run<'a, 't> {
    method: &'a Method<'t>,
    source: &'a str,
    findings: Vec<Finding>,
    gave_up: bool,
    /// For each loop being walked, what is held where its iterations end.
    loops: Vec<Vec<Vec<Held>>>,
    /// For each loop being walked, what is held at each `break` out of it.
    breaks: Vec<Vec<Vec<Held>>>,
    /// What is held where the method returns (its line), and at its end.
    exits: Vec<(usize, Vec<Held>)>,
    /// The mutexes a write lock found held is taken again on: (path, line of the second lock,
    /// and of the `Lock` in the method called there that takes it).
    relocks: Vec<(String, usize, Option<usize>)>,
    /// The mutexes a deferred call unlocks.
    deferred_unlocks: Vec<String>,
}

impl<'a, 't> Run<'a, 't> {
    fn new(method: &'a Method<'t>, source: &'a str) -> Run<'a, 't> {
        Run {
            method,
            source,
            findings: Vec::new(),
            gave_up: false,
            loops: Vec::new(),
            breaks: Vec::new(),
            exits: Vec::new(),
            relocks: Vec::new(),
            deferred_unlocks: Vec::new(),
        }
    }

    /// A mutex held at one of the exits, with no deferred unlock: its path, whether it is
    /// write-locked, and the exit's line.
    fn holding_at_exit(&self) -> Option<(String, bool, usize)> {
        self.exits.iter().find_map(|(line, held)| {
            held.iter()
                .find(|h| !self.deferred_unlocks.contains(&h.path))
                .map(|h| (h.path.clone(), h.write, *line))
        })
    }

    /// Walks the method's body; what is held at each exit is in `exits` afterwards.
    fn body(&mut self, body: Node<'t>) {
        let mut held = Vec::new();
        if let Flow::Continues = self.block(body, &mut held) {
            self.exits.push((body.end_position().row + 1, held));
        }
    }
}

impl<'t> Run<'_, 't> {
    fn block(&mut self, block: Node<'t>, held: &mut Vec<Held>) -> Flow {
        let list = if block.kind() == "statement_list" {
            Some(block)
        } else {
            block
                .named_children(&mut block.walk())
                .find(|c| c.kind() == "statement_list")
        };
        let Some(list) = list else {
            return Flow::Continues;
        };
        let statements: Vec<Node> = list.named_children(&mut list.walk()).collect();
        for s in statements {
            if let Flow::Ends = self.statement(s, held) {
                return Flow::Ends;
            }
        }
        Flow::Continues
    }

    fn statement(&mut self, s: Node<'t>, held: &mut Vec<Held>) -> Flow {
        match s.kind() {
            "comment" | "empty_statement" => Flow::Continues,
            "block" => self.block(s, held),
            "return_statement" => {
                self.expressions(s, held);
                self.exits.push((line_of(s), held.clone()));
                Flow::Ends
            }
            "continue_statement" if s.named_child_count() == 0 => {
                // The next iteration starts with what is held here.
                if let Some(frame) = self.loops.last_mut() {
                    frame.push(carried(held, line_of(s)));
                }
                Flow::Ends
            }
            // Out of a switch or select, what is held goes on after it; out of a loop, the
            // loop's own rule applies.
            "break_statement" if s.named_child_count() == 0 && breaks_a_switch(s) => {
                Flow::Continues
            }
            "break_statement" if s.named_child_count() == 0 => {
                if let Some(frame) = self.breaks.last_mut() {
                    frame.push(held.clone());
                }
                Flow::Ends
            }
            "break_statement" | "continue_statement" => Flow::Ends,
            "goto_statement" | "labeled_statement" | "fallthrough_statement" => {
                self.gave_up = true;
                Flow::Ends
            }
            "go_statement" => {
                held.clear(); // the goroutine may be the one that unlocks
                Flow::Continues
            }
            "defer_statement" => {
                // A deferred unlock runs at the return: the lock stays held until then. Other
                // deferred calls run after everything here.
                let receiver = self.method.receiver.as_str();
                syntax::walk(s, |c| {
                    if let Some(op) = lock_op(c, receiver, self.source) {
                        if op.op.contains("Unlock") {
                            self.deferred_unlocks.push(op.path);
                        }
                    }
                    true
                });
                Flow::Continues
            }
            "if_statement" => self.if_statement(s, held),
            "for_statement" => {
                for part in ["initializer", "condition"] {
                    if let Some(p) = s.field(part) {
                        self.expressions(p, held);
                    }
                }
                if let Some(clause) = s
                    .named_children(&mut s.walk())
                    .find(|c| matches!(c.kind(), "for_clause" | "range_clause"))
                {
                    self.expressions(clause, held);
                }
                if let Some(body) = s.field("body") {
                    self.breaks.push(Vec::new());
                    self.loop_body(body, held.clone());
                    let breaks = self.breaks.pop().expect("pushed above");
                    // `for { ... }` is left only by a `break`: what each one holds.
                    if is_endless(s) {
                        return merge(held, breaks);
                    }
                    // After the loop: what was held before and that the body leaves alone.
                    match self.paths_touched(body) {
                        Some(touched) => held.retain(|h| !touched.contains(&h.path)),
                        None => held.clear(),
                    }
                }
                Flow::Continues
            }
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.cases(s, held)
            }
            _ => {
                self.expressions(s, held);
                if is_panic(s, self.source) {
                    Flow::Ends
                } else {
                    Flow::Continues
                }
            }
        }
    }

    /// A loop's body, run once from what is held before the loop, then again from what is held
    /// where an iteration ends (at its end, or at a `continue`): a lock taken in the body and
    /// still held there is taken again by the next iteration.
    fn loop_body(&mut self, body: Node<'t>, held: Vec<Held>) {
        self.loops.push(Vec::new());
        let mut inside = held;
        if let Flow::Continues = self.block(body, &mut inside) {
            let end = body.end_position().row + 1;
            self.loops
                .last_mut()
                .expect("pushed above")
                .push(carried(&inside, end));
        }
        let mut next = self.loops.pop().expect("pushed above");
        next.retain(|state| !state.is_empty());
        next.dedup();
        if self.loops.len() >= MAX_LOOP_DEPTH {
            return;
        }
        for state in next {
            self.loops.push(Vec::new());
            let mut again = state;
            self.block(body, &mut again);
            self.loops.pop();
        }
    }

    fn if_statement(&mut self, s: Node<'t>, held: &mut Vec<Held>) -> Flow {
        for part in ["initializer", "condition"] {
            if let Some(p) = s.field(part) {
                self.expressions(p, held);
            }
        }
        let mut outcomes = Vec::new();
        if let Some(then) = s.field("consequence") {
            let mut state = held.clone();
            if let Flow::Continues = self.block(then, &mut state) {
                outcomes.push(state);
            }
        }
        match s.field("alternative") {
            Some(alt) => {
                let mut state = held.clone();
                let flow = if alt.kind() == "if_statement" {
                    self.if_statement(alt, &mut state)
                } else {
                    self.block(alt, &mut state)
                };
                if let Flow::Continues = flow {
                    outcomes.push(state);
                }
            }
            None => outcomes.push(held.clone()),
        }
        merge(held, outcomes)
    }

    fn cases(&mut self, s: Node<'t>, held: &mut Vec<Held>) -> Flow {
        for part in ["initializer", "value"] {
            if let Some(p) = s.field(part) {
                self.expressions(p, held);
            }
        }
        if s.kind() == "select_statement" {
            held.clear(); // a channel operation: maybe the hand-off
        }
        let mut outcomes = Vec::new();
        let mut has_default = s.kind() == "select_statement";
        let cases: Vec<Node> = s.named_children(&mut s.walk()).collect();
        for case in cases {
            if !case.kind().ends_with("_case") {
                continue;
            }
            has_default |= case.kind() == "default_case";
            let mut state = held.clone();
            if let Some(list) = case
                .named_children(&mut case.walk())
                .find(|c| c.kind() == "statement_list")
            {
                if let Flow::Ends = self.block(list, &mut state) {
                    continue;
                }
            }
            outcomes.push(state);
        }
        if !has_default {
            outcomes.push(held.clone()); // no case matched
        }
        merge(held, outcomes)
    }

    /// The lock operations and calls in an expression or simple statement, in source order.
    fn expressions(&mut self, n: Node<'t>, held: &mut Vec<Held>) {
        let mut calls = Vec::new();
        let mut hand_off = false;
        syntax::walk(n, |c| {
            if syntax::is_function(c.kind()) {
                hand_off = true; // a literal: it may run now and unlock
                return false;
            }
            match c.kind() {
                "call_expression" => calls.push(c),
                "send_statement" => hand_off = true,
                "unary_expression" if c.child(0).is_some_and(|op| op.kind() == "<-") => {
                    hand_off = true
                }
                // The receiver or one of its mutexes handed to a call: that code may unlock.
                "identifier" | "selector_expression"
                    if c.parent().is_some_and(|p| p.kind() == "argument_list")
                        && path_below(c, &self.method.receiver, self.source).is_some() =>
                {
                    hand_off = true
                }
                "unary_expression"
                    if c.child(0).is_some_and(|op| op.kind() == "&")
                        && c.field("operand").is_some_and(|o| {
                            path_below(unparen(o), &self.method.receiver, self.source).is_some()
                        }) =>
                {
                    hand_off = true
                }
                _ => {}
            }
            true
        });
        if hand_off {
            held.clear();
            return;
        }
        // Inner calls are evaluated first; sorting by end keeps that order.
        calls.sort_by_key(|c| c.end_byte());
        for call in calls {
            self.call(call, held);
        }
    }

    fn call(&mut self, call: Node<'t>, held: &mut Vec<Held>) {
        let source = self.source;
        let receiver = self.method.receiver.as_str();
        if let Some(op) = lock_op(call, receiver, source) {
            match op.op {
                "Lock" | "RLock" => {
                    let write = op.op == "Lock";
                    if let Some(h) = held.iter().find(|h| h.path == op.path) {
                        if write || h.write {
                            let finding = self.relocked(call, &op.path, op.op, h, None);
                            self.relocks.push((op.path.clone(), line_of(call), None));
                            self.findings.push(finding);
                        } else if let Some(writer) = self.method.writer(&op.path, source) {
                            let finding = self.reread(call, &op.path, h, None, writer);
                            self.findings.push(finding);
                        }
                        return;
                    }
                    held.push(Held {
                        path: op.path,
                        write,
                        line: line_of(call),
                        carried: None,
                    });
                }
                "Unlock" | "RUnlock" | "TryLock" | "TryRLock" => held.retain(|h| h.path != op.path),
                _ => {}
            }
            return;
        }
        let Some(name) = receiver_call(call, receiver, source) else {
            return;
        };
        let Some(callee) = self.method.sibling(name, source) else {
            return;
        };
        let mut visited = vec![callee.id()];
        let effects = first_effects(callee, source, 0, &mut visited, &self.method.methods);
        for effect in effects {
            match effect {
                Effect::Takes { path, write, line } => {
                    if let Some(h) = held.iter().find(|h| h.path == path) {
                        if write || h.write {
                            let op = if write { "Lock" } else { "RLock" };
                            let finding = self.relocked(call, &path, op, h, Some((name, line)));
                            self.relocks.push((path.clone(), line_of(call), Some(line)));
                            self.findings.push(finding);
                            return;
                        }
                        if let Some(writer) = self.method.writer(&path, source) {
                            let finding = self.reread(call, &path, h, Some((name, line)), writer);
                            self.findings.push(finding);
                            return;
                        }
                    }
                }
                Effect::Releases(path) => held.retain(|h| h.path != path),
                Effect::Unknown => {
                    held.clear();
                    return;
                }
            }
        }
    }

    /// A read lock taken again while this method holds one: it waits for ever once a writer
    /// queues in between, which the `Lock` at `writer` may do.
    fn reread(
        &self,
        at: Node,
        path: &str,
        held: &Held,
        through: Option<(&str, usize)>,
        writer: usize,
    ) -> Finding {
        let receiver = &self.method.receiver;
        let mutex = if path.is_empty() {
            format!("`{receiver}`")
        } else {
            format!("`{receiver}.{path}`")
        };
        let what = match through {
            None => format!("this `RLock` of {mutex}"),
            Some((name, line)) => {
                format!("`{receiver}.{name}` read-locks {mutex} again (RLock at line {line}), and")
            }
        };
        Finding {
            range: at.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "{what} waits for ever once a writer queues in between (the `Lock` at line \
                 {writer}): this method already holds a read lock (`RLock` at line {}), and \
                 sync.RWMutex forbids recursive read locking; the goroutine, the writer and \
                 every goroutine that needs {mutex} after it stay blocked with everything they \
                 reference",
                held.line
            ),
            related: vec![],
            fixes: vec![],
        }
    }

    fn relocked(
        &self,
        at: Node,
        path: &str,
        op: &str,
        held: &Held,
        through: Option<(&str, usize)>,
    ) -> Finding {
        let receiver = &self.method.receiver;
        let mutex = if path.is_empty() {
            format!("`{receiver}`")
        } else {
            format!("`{receiver}.{path}`")
        };
        let how = if held.write { "Lock" } else { "RLock" };
        let holds = match held.carried {
            None => format!(
                "this method already holds it (`{how}` at line {})",
                held.line
            ),
            Some(end) => format!(
                "the previous iteration took it (`{how}` at line {}) and still holds it where it \
                 ends (line {end})",
                held.line
            ),
        };
        let what = match through {
            None => format!("this `{op}` of {mutex}"),
            Some((name, line)) => {
                format!("`{receiver}.{name}` takes {mutex} ({op} at line {line}) and")
            }
        };
        Finding {
            range: at.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "{what} waits for ever: {holds}, and a Go mutex is not reentrant; the \
                 goroutine, and every goroutine that needs {mutex} after it, stay blocked with \
                 everything they reference"
            ),
            related: vec![],
            fixes: vec![],
        }
    }

    /// The mutexes whose lock operations `n` holds; `None` when it calls another method on the
    /// receiver, which may take or release any of them.
    fn paths_touched(&self, n: Node) -> Option<Vec<String>> {
        let receiver = self.method.receiver.as_str();
        let mut out = Vec::new();
        let mut any = false;
        syntax::walk(n, |c| {
            if c.kind() == "call_expression" {
                if let Some(op) = lock_op(c, receiver, self.source) {
                    out.push(op.path);
                } else if receiver_call(c, receiver, self.source).is_some() {
                    any = true;
                }
            }
            !any
        });
        (!any).then_some(out)
    }
}

/// The state after branches that go on: what each of them holds.
fn merge(held: &mut Vec<Held>, outcomes: Vec<Vec<Held>>) -> Flow {
    let mut outcomes = outcomes.into_iter();
    let Some(first) = outcomes.next() else {
        return Flow::Ends;
    };
    let rest: Vec<Vec<Held>> = outcomes.collect();
    held.clear();
    held.extend(first.into_iter().filter(|h| {
        rest.iter()
            .all(|o| o.iter().any(|g| g.path == h.path && g.write == h.write))
    }));
    Flow::Continues
}

/// What is held, as the next iteration of a loop finds it (the iteration ended at `line`).
fn carried(held: &[Held], line: usize) -> Vec<Held> {
    held.iter()
        .map(|h| Held {
            carried: h.carried.or(Some(line)),
            ..h.clone()
        })
        .collect()
}

/// `for { ... }`: no condition and no clause.
fn is_endless(s: Node) -> bool {
    s.field("condition").is_none()
        && !s
            .named_children(&mut s.walk())
            .any(|c| matches!(c.kind(), "for_clause" | "range_clause"))
}

/// Whether an unlabelled `break` leaves a `switch` or `select` rather than a loop.
fn breaks_a_switch(s: Node) -> bool {
    let mut cur = s.parent();
    while let Some(p) = cur {
        match p.kind() {
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                return true
            }
            "for_statement" => return false,
            k if syntax::is_function(k) => return false,
            _ => cur = p.parent(),
        }
    }
    false
}

/// `panic(...)` as a statement.
fn is_panic(s: Node, source: &str) -> bool {
    s.kind() == "expression_statement"
        && s.named_child(0).is_some_and(|c| {
            c.kind() == "call_expression"
                && c.field("function").map(|f| text(f, source)) == Some("panic")
        })
}

/// What calling a method does first to its receiver's mutexes.
enum Effect {
    Takes {
        path: String,
        write: bool,
        line: usize,
    },
    Releases(String),
    /// It hands off, or its first steps cannot be followed: nothing is known after it.
    Unknown,
}

/// The lock operations a method performs on its receiver in its top-level statements, in
/// order, up to its first statement that is not a plain call or assignment (a branch, a loop,
/// a return): those happen on every call. Methods of the same type it calls there are followed.
/// Any unlock further on, or deferred, may happen too: it is a release at the end.
fn first_effects<'t>(
    method: Node<'t>,
    source: &str,
    depth: usize,
    visited: &mut Vec<usize>,
    methods: &Rc<MethodIndex<'t>>,
) -> Vec<Effect> {
    let Some(m) = Method::of(method, source, methods.clone()) else {
        return vec![Effect::Unknown];
    };
    let Some(body) = method.field("body") else {
        return vec![Effect::Unknown];
    };
    let Some(list) = body
        .named_children(&mut body.walk())
        .find(|c| c.kind() == "statement_list")
    else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    let mut later = Vec::new();
    let mut straight = true;
    let statements: Vec<Node> = list.named_children(&mut list.walk()).collect();
    for s in statements {
        let simple = matches!(
            s.kind(),
            "expression_statement" | "short_var_declaration" | "assignment_statement"
        );
        if s.kind() == "defer_statement" || !simple || !straight {
            straight &= simple || matches!(s.kind(), "comment" | "defer_statement");
            if !releases_later(s, &m.receiver, source, &mut later) {
                effects.push(Effect::Unknown);
                return effects;
            }
            continue;
        }
        let mut calls = Vec::new();
        let mut opaque = false;
        syntax::walk(s, |c| {
            if syntax::is_function(c.kind())
                || c.kind() == "send_statement"
                || (c.kind() == "unary_expression"
                    && c.child(0).is_some_and(|op| op.kind() == "<-"))
            {
                opaque = true;
                return false;
            }
            if c.kind() == "call_expression" {
                calls.push(c);
            }
            true
        });
        if opaque {
            effects.push(Effect::Unknown);
            return effects;
        }
        calls.sort_by_key(|c| c.end_byte());
        for call in calls {
            if let Some(op) = lock_op(call, &m.receiver, source) {
                effects.push(match op.op {
                    "Lock" | "RLock" => Effect::Takes {
                        path: op.path,
                        write: op.op == "Lock",
                        line: line_of(call),
                    },
                    _ => Effect::Releases(op.path),
                });
            } else if let Some(name) = receiver_call(call, &m.receiver, source) {
                let Some(callee) = m.sibling(name, source) else {
                    continue;
                };
                if depth + 1 >= MAX_CALL_DEPTH || visited.contains(&callee.id()) {
                    effects.push(Effect::Unknown);
                    return effects;
                }
                visited.push(callee.id());
                effects.extend(first_effects(callee, source, depth + 1, visited, methods));
            }
        }
    }
    effects.extend(later.into_iter().map(Effect::Releases));
    effects
}

/// The unlocks of the receiver's mutexes in `s` (deferred, or on some later path), added to
/// `out`; false when `s` calls another method on the receiver, which may do anything.
fn releases_later(s: Node, receiver: &str, source: &str, out: &mut Vec<String>) -> bool {
    let mut known = true;
    syntax::walk(s, |c| {
        if c.kind() == "call_expression" {
            if let Some(op) = lock_op(c, receiver, source) {
                if op.op.contains("Unlock") {
                    out.push(op.path);
                }
            } else if receiver_call(c, receiver, source).is_some() {
                known = false;
            }
        }
        known
    });
    known
}

/// A mutex of its receiver that `method` may return still holding: one of its exits holds it
/// on every path there, and no deferred call unlocks it. The mutex's path below the receiver,
/// whether it is write-locked, and the line of that exit.
pub(super) fn returns_holding<'t>(
    method: Node<'t>,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<(String, bool, usize)> {
    let m = Method::of(method, source, facts.method_index())?;
    let body = method.field("body")?;
    let mut run = Run::new(&m, source);
    run.body(body);
    if run.gave_up {
        return None;
    }
    run.holding_at_exit()
}

/// What calling `method` first does to its receiver's mutex at `path`: the line of a `Lock`
/// (or `RLock`) it takes before anything else could release it, if it does. A method whose
/// body is `for { r.mu.Lock(); ... }` takes it first as well.
pub(super) fn takes_first<'t>(
    method: Node<'t>,
    path: &str,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<usize> {
    if let Some(line) = loop_takes_first(method, path, source, facts) {
        return Some(line);
    }
    let mut visited = vec![method.id()];
    let methods = facts.method_index();
    for effect in first_effects(method, source, 0, &mut visited, &methods) {
        match effect {
            Effect::Takes { path: p, line, .. } if p == path => return Some(line),
            Effect::Takes { .. } => {}
            _ => return None,
        }
    }
    None
}

/// `for { r.mu.Lock(); ... }` as a method's first statement: the line of that `Lock`.
fn loop_takes_first<'t>(
    method: Node<'t>,
    path: &str,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<usize> {
    let m = Method::of(method, source, facts.method_index())?;
    let first = super::block_statements(method.field("body")?)
        .into_iter()
        .next()?;
    if first.kind() != "for_statement" || !is_endless(first) {
        return None;
    }
    let inner = super::block_statements(first.field("body")?)
        .into_iter()
        .next()?;
    let call = inner
        .named_child(0)
        .filter(|c| inner.kind() == "expression_statement" && c.kind() == "call_expression")?;
    let op = lock_op(call, &m.receiver, source)?;
    (op.path == path && matches!(op.op, "Lock" | "RLock")).then(|| line_of(call))
}
