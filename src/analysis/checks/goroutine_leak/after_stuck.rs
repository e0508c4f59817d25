//! A wait whose every partner runs only after a call that never returns: a goroutine closes
//! `done` (or calls `wg.Done()`) after `s.Stop()`, and `Stop` waits for ever. The goroutine
//! never gets there, so whoever waits on `done` waits for ever too.
//!
//! Runs last, on the other rules' findings of the file: a function never returns when one of
//! them reports a wait in its own body (a wait in a literal inside it is another goroutine's),
//! or when it calls such a function (up to [`MAX_DEPTH`] calls away). Calls are resolved in the
//! file: a function by its name; a method by the declared type of the value it is called on,
//! or, for an unexported name (no standard type has one), by the one method of the file so
//! named. The partners are judged only on local channels and WaitGroups every use of which is
//! in the declaration: one handed anywhere else may have another partner.

use std::collections::HashMap;

use tree_sitter::Node;

use super::facts::FileFacts;
use super::stuck::{channel_origin, channel_use, sync_origin, uses_of, Origin, SyncKind, Use};
use super::{block_statements, composite_literal_of, dead_field::waits_alone, go_literal, line_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Related, Severity};

/// How many calls away from the wait a function still counts as one that never returns.
const MAX_DEPTH: usize = 3;

/// Whether a finding of another rule says its operation waits for ever (rather than on some
/// path the caller may not take).
fn waits_for_ever(f: &Finding) -> bool {
    f.code == Code::GoroutineLeak && f.message.contains("waits for ever")
}

/// The findings of a file (`root`), given the goroutine-leak findings the other rules made in
/// it. The file's facts are asked for only when one of those waits for ever (in most files
/// none does, and the server runs this on every edit).
pub fn check<'f, 't: 'f, 's: 'f>(
    source: &str,
    root: Node<'t>,
    facts: impl FnOnce() -> &'f FileFacts<'t, 's>,
    found: &[Finding],
) -> Vec<Finding> {
    let mut stuck: HashMap<usize, usize> = HashMap::new(); // function id -> line of the wait
    for f in found.iter().filter(|f| waits_for_ever(f)) {
        let Some(at) = root.descendant_for_byte_range(f.range.start, f.range.start) else {
            continue;
        };
        let Some(func) = syntax::enclosing_function(at) else {
            continue;
        };
        if func.kind() != "func_literal" {
            let line = at.start_position().row + 1;
            let known = stuck.entry(func.id()).or_insert(line);
            *known = (*known).min(line);
        }
    }
    if stuck.is_empty() {
        return Vec::new();
    }
    let calls = Calls::new(source, facts());
    let declarations: Vec<Node> = root
        .named_children(&mut root.walk())
        .filter(|d| matches!(d.kind(), "function_declaration" | "method_declaration"))
        .collect();
    for _ in 0..MAX_DEPTH {
        let mut more = Vec::new();
        for d in &declarations {
            if stuck.contains_key(&d.id()) {
                continue;
            }
            if let Some((_, line)) = d.field("body").and_then(|b| calls.stuck_call(b, &stuck)) {
                more.push((d.id(), line));
            }
        }
        if more.is_empty() {
            break;
        }
        stuck.extend(more);
    }
    let mut out: Vec<Finding> = Vec::new();
    for d in &declarations {
        if !text(*d, source).contains("go func") {
            continue;
        }
        for f in calls.partners_skipped(*d, &stuck) {
            let taken = |g: &Finding| g.range == f.range;
            if !found.iter().any(taken) && !out.iter().any(taken) {
                out.push(f);
            }
        }
    }
    out
}

struct Calls<'a, 't, 's, 'f> {
    source: &'s str,
    facts: &'a FileFacts<'t, 'f>,
    functions: HashMap<&'s str, Node<'t>>,
}

/// A call that never returns: the call, and the line where the wait below it is.
type StuckCall<'t> = (Node<'t>, usize);

/// A partner that runs only after a call that never returns: the operation, and that call.
struct Skipped<'t> {
    op: Node<'t>,
    after: StuckCall<'t>,
    goroutine: Node<'t>,
}

impl<'a, 't, 's, 'f> Calls<'a, 't, 's, 'f> {
    fn new(source: &'s str, facts: &'a FileFacts<'t, 'f>) -> Calls<'a, 't, 's, 'f> {
        let root = facts.root;
        let mut functions = HashMap::new();
        for d in root.named_children(&mut root.walk()) {
            if d.kind() == "function_declaration" {
                if let Some(name) = d.field("name") {
                    functions.insert(text(name, source), d);
                }
            }
        }
        Calls {
            source,
            facts,
            functions,
        }
    }

    /// The first call in `n` (outside its literals and `go` statements) of a function that
    /// never returns.
    fn stuck_call(&self, n: Node<'t>, stuck: &HashMap<usize, usize>) -> Option<StuckCall<'t>> {
        let mut found = None;
        syntax::walk(n, |c| {
            if found.is_some() || syntax::is_function(c.kind()) || c.kind() == "go_statement" {
                return false;
            }
            if c.kind() == "call_expression" {
                if let Some(line) = self.callee(c).and_then(|f| stuck.get(&f.id())) {
                    found = Some((c, *line));
                    return false;
                }
            }
            true
        });
        found
    }

    /// The function or method of the file `call` calls, when it can be told.
    fn callee(&self, call: Node<'t>) -> Option<Node<'t>> {
        let function = unparen(call.field("function")?);
        match function.kind() {
            "identifier" => self.functions.get(text(function, self.source)).copied(),
            "selector_expression" => {
                let name = text(function.field("field")?, self.source);
                let operand = unparen(function.field("operand")?);
                if let Some(ty) = self.type_of(operand) {
                    return self.facts.method_of(&ty, name);
                }
                let unexported = name.starts_with(|c: char| c.is_lowercase() || c == '_');
                if unexported {
                    self.facts.only_method(name)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// The named type of a variable, from its declaration: a parameter or receiver `x *T`, a
    /// `var x T`, `x := &T{...}` or `T{...}`, or the element of a range over `[]T` or `[]*T`.
    fn type_of(&self, value: Node<'t>) -> Option<String> {
        if value.kind() != "identifier" {
            return None;
        }
        let declared = self.declaration_of(value)?;
        let parent = declared.parent()?;
        match parent.kind() {
            "parameter_declaration" => self.named(parent.field("type")?),
            "var_spec" => self.named(parent.field("type")?),
            "expression_list" => {
                let statement = parent.parent()?;
                let index = syntax::index_in(parent, declared)?;
                let right = statement.field("right")?;
                match statement.kind() {
                    "short_var_declaration" => self.type_of_value(right.named_child(index)?),
                    "range_clause" if index == 1 => {
                        let over = unparen(right);
                        let slice = if over.kind() == "identifier" {
                            self.declared_type(over)?
                        } else {
                            return None;
                        };
                        (slice.kind() == "slice_type")
                            .then(|| slice.field("element"))
                            .flatten()
                            .and_then(|e| self.named(e))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Where the variable `value` names is declared, in the top-level declaration around it.
    fn declaration_of(&self, value: Node<'t>) -> Option<Node<'t>> {
        let mut top = value;
        while let Some(p) = top.parent().filter(|p| p.kind() != "source_file") {
            top = p;
        }
        syntax::declaration_in_scope(value, top, self.source)
    }

    /// The type node a `var x T` or parameter `x T` declares `x` with.
    fn declared_type(&self, value: Node<'t>) -> Option<Node<'t>> {
        let declared = self.declaration_of(value)?;
        let parent = declared.parent()?;
        matches!(parent.kind(), "parameter_declaration" | "var_spec")
            .then(|| parent.field("type"))
            .flatten()
    }

    /// `&T{...}` or `T{...}`: `T`.
    fn type_of_value(&self, e: Node<'t>) -> Option<String> {
        self.named(composite_literal_of(e)?.field("type")?)
    }

    /// `T` or `*T`: `T`, a type of this file's.
    fn named(&self, mut ty: Node<'t>) -> Option<String> {
        if ty.kind() == "pointer_type" {
            ty = ty.named_child(0)?;
        }
        (ty.kind() == "type_identifier").then(|| text(ty, self.source).to_string())
    }

    /// The waits in `decl` whose every partner is in a goroutine started in it, after a call
    /// that never returns (or deferred in that goroutine, which never returns either).
    fn partners_skipped(&self, decl: Node<'t>, stuck: &HashMap<usize, usize>) -> Vec<Finding> {
        let mut literals = Vec::new();
        syntax::walk(decl, |n| {
            literals.extend(go_literal(n));
            true
        });
        let mut skipped: Vec<Skipped<'t>> = Vec::new();
        for literal in literals {
            let Some(body) = literal.field("body") else {
                continue;
            };
            let statements = block_statements(body);
            let Some((at, call)) = statements
                .iter()
                .enumerate()
                .find_map(|(i, s)| self.never_returns(*s, stuck).map(|c| (i, c)))
            else {
                continue;
            };
            for (i, s) in statements.iter().enumerate() {
                if i > at || s.kind() == "defer_statement" {
                    partner_ops(*s, self.source, &mut |op| {
                        skipped.push(Skipped {
                            op,
                            after: call,
                            goroutine: literal,
                        })
                    });
                }
            }
        }
        let mut out = Vec::new();
        let mut judged = Vec::new();
        for s in &skipped {
            let Some(declared) = syntax::declaration_in_scope(s.op, decl, self.source) else {
                continue;
            };
            if judged.contains(&declared.id()) || declared.start_byte() > s.goroutine.start_byte() {
                continue;
            }
            judged.push(declared.id());
            out.extend(self.judge(declared, decl, &skipped));
        }
        out
    }

    /// The call that never returns, when the statement `s` makes one whatever path it takes:
    /// a call statement or assignment, or a loop whose body makes one at its top level.
    fn never_returns(&self, s: Node<'t>, stuck: &HashMap<usize, usize>) -> Option<StuckCall<'t>> {
        match s.kind() {
            "expression_statement" | "assignment_statement" | "short_var_declaration" => {
                self.stuck_call(s, stuck)
            }
            "for_statement" => block_statements(s.field("body")?)
                .into_iter()
                .filter(|b| {
                    matches!(
                        b.kind(),
                        "expression_statement" | "assignment_statement" | "short_var_declaration"
                    )
                })
                .find_map(|b| self.stuck_call(b, stuck)),
            _ => None,
        }
    }

    /// The findings for the local channel or WaitGroup `declared`, when every one of its
    /// partners is in `skipped`.
    fn judge(&self, declared: Node<'t>, decl: Node<'t>, skipped: &[Skipped<'t>]) -> Vec<Finding> {
        let source = self.source;
        let Some(uses) = uses_of(declared, decl, source) else {
            return Vec::new();
        };
        let name = text(declared, source);
        let skipped_at = |op: Node| skipped.iter().find(|s| s.op == op);
        let mut partners = Vec::new();
        let mut waits = Vec::new();
        let group = sync_origin(declared, source) == Some(SyncKind::WaitGroup);
        if group {
            let mut added = false;
            for u in &uses {
                let Some(selector) = u.parent().filter(|p| {
                    p.kind() == "selector_expression" && p.field("operand") == Some(*u)
                }) else {
                    return Vec::new();
                };
                let call = selector.parent().filter(|c| c.kind() == "call_expression");
                match (selector.field("field").map(|f| text(f, source)), call) {
                    (Some("Add"), Some(_)) => added = true,
                    (Some("Done"), Some(_)) => partners.push(*u),
                    (Some("Wait"), Some(call)) => waits.push(call),
                    _ => return Vec::new(),
                }
            }
            if !added {
                return Vec::new();
            }
        } else if let Some(Origin::Made { .. }) = channel_origin(declared, source) {
            for u in &uses {
                match channel_use(*u, source) {
                    Use::Send | Use::Close => partners.push(*u),
                    Use::Receive if waits_alone(*u) => waits.push(receive_of(*u)),
                    Use::Receive | Use::Neutral => {}
                    Use::Escape => return Vec::new(),
                }
            }
        } else {
            return Vec::new();
        }
        let Some(first) = partners.first().and_then(|p| skipped_at(*p)) else {
            return Vec::new();
        };
        if !partners.iter().all(|p| skipped_at(*p).is_some()) {
            return Vec::new();
        }
        let (call, wait_line) = first.after;
        let goroutine = first.goroutine;
        let call_text = text(call, source);
        let call_text = if call_text.len() > 60 || call_text.contains('\n') {
            "the call".to_string()
        } else {
            format!("`{call_text}`")
        };
        waits
            .into_iter()
            .filter(|w| !goroutine.byte_range().contains(&w.start_byte()))
            .map(|w| {
                let (what, partner) = if group {
                    (
                        format!("this `Wait` on the WaitGroup `{name}` never returns"),
                        format!("every `{name}.Done()`"),
                    )
                } else {
                    (
                        "this receive waits for ever".to_string(),
                        format!("every send on `{name}` and every `close({name})`"),
                    )
                };
                Finding {
                    range: w.byte_range(),
                    code: Code::GoroutineLeak,
                    severity: Severity::Warning,
                    message: format!(
                        "{what}: {partner} comes after {call_text} (line {}) in the goroutine \
                         started at line {}, and that call never returns (it waits for ever at \
                         line {wait_line}); this goroutine and everything it references stay \
                         in memory",
                        line_of(call),
                        line_of(goroutine)
                    ),
                    related: vec![Related {
                        path: None,
                        range: call.byte_range(),
                        message: format!("never returns: it waits for ever at line {wait_line}"),
                    }],
                    fixes: vec![],
                }
            })
            .collect()
    }
}

/// The identifier each partner operation in `s` acts on (outside nested literals): the channel
/// of a send or a `close`, the WaitGroup of a `Done`.
fn partner_ops<'t>(s: Node<'t>, source: &str, found: &mut impl FnMut(Node<'t>)) {
    syntax::walk(s, |n| {
        if n.kind() == "func_literal" && n.parent().is_some_and(|p| p.kind() != "call_expression") {
            return false; // a value, run who knows when
        }
        let target = match n.kind() {
            "send_statement" => n.field("channel"),
            "call_expression" => {
                let function = n.field("function").map(unparen);
                match function.map(|f| (f.kind(), f)) {
                    Some(("identifier", f)) if text(f, source) == "close" => n
                        .field("arguments")
                        .filter(|a| a.named_child_count() == 1)
                        .and_then(|a| a.named_child(0)),
                    Some(("selector_expression", f))
                        if f.field("field").map(|m| text(m, source)) == Some("Done") =>
                    {
                        f.field("operand")
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(t) = target.map(unparen).filter(|t| t.kind() == "identifier") {
            found(t);
        }
        true
    });
}

/// The receive expression (or range) a channel identifier is received from in.
fn receive_of(id: Node) -> Node {
    match id.parent() {
        Some(p) if p.kind() == "range_clause" => p.parent().unwrap_or(p),
        Some(p) => p,
        None => id,
    }
}
