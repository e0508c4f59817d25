//! A struct field nothing in its package can ever release: a channel field some code receives
//! from while no code of the package sends on it or closes it (or sends on, unbuffered, while
//! none receives), a `sync.Cond` field waited on and never signalled, a `sync.WaitGroup` field
//! added to and waited on with no `Done`.
//!
//! An unexported field can only be reached by its own package, so once every use of it is in
//! sight the wait is certain. "Every use" is strict: the field, and any getter returning it,
//! is mentioned by no other file of the package (asked of the index, by name), and every use in
//! this file is an operation on it: handed to a call, stored elsewhere, aliased or returned by
//! anything but a plain getter, and the rule says nothing.

use tree_sitter::Node;

use super::facts::FileFacts;
use super::{enclosing_select, line_of, under_lock};
use crate::analysis::checks::ModuleView;
use crate::analysis::summary::repeat::Callee;
use crate::analysis::summary::{name_hash, DeclSummary};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, FileContext, Finding, Related, Severity};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Chan,
    Cond,
    WaitGroup,
}

/// One use of the field, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    Send,
    Receive,
    Close,
    /// `make(chan T)` or `make(chan T, 0)`, or nothing (a nil channel blocks as well).
    MakeUnbuffered,
    /// `make(chan T, size)` with `size` a parameter every caller in the file gives `0`.
    MakeSizedZero,
    MakeBuffered,
    Signal,
    CondWait,
    Add,
    Done,
    GroupWait,
    Neutral,
    /// Anything that may let the value reach code out of sight.
    Escape,
}

/// A field worth judging: the struct's `type` declaration names it.
pub(super) struct Candidate<'t> {
    pub(super) type_name: String,
    pub(super) field: Node<'t>,
    pub(super) name: String,
    kind: Kind,
    /// The struct's mutexes, by field name (empty for an embedded `sync.Mutex`).
    pub(super) mutexes: Vec<String>,
}

/// How many uses of one field are worth classifying: past this, the rule stays silent.
const MAX_USES: usize = 256;

/// The findings for the fields declared in `type_decl`. `None` when this file alone says a
/// field is never released and the index is not complete yet: the declaration is judged again
/// once it is (another file may release it).
pub fn check<'t>(
    type_decl: Node<'t>,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    facts: &FileFacts<'t, '_>,
) -> Option<Vec<Finding>> {
    let root = facts.root;
    let main = facts.main;
    let candidates = candidates(type_decl, source, main);
    if candidates.is_empty() {
        return Some(Vec::new());
    }
    if module.package_path.is_empty() {
        return Some(Vec::new()); // no package in sight: the partner may be anywhere
    }
    let mut judged: Vec<(Candidate, Uses)> = Vec::new();
    for c in candidates {
        // A field name two structs of the file share, or a method's: uses cannot be told apart.
        if facts.fields_named(&c.name) > 1 || facts.methods_named(&c.name) > 0 {
            continue;
        }
        if let Some(uses) = uses_of(&c, source, facts) {
            if !uses.ops.iter().any(|(u, _)| *u == Use::Escape) {
                judged.push((c, uses));
            }
        }
    }
    // What this file alone says never completes, field by field; then what only runs after
    // one of those waits (bounded: each round must find a new field).
    let mut found: Vec<Vec<Finding>> = judged
        .iter()
        .map(|(c, u)| judge_field(c, &u.ops, source, facts))
        .collect();
    for _ in 0..MAX_ROUNDS {
        let waits = dead_waits(&judged, &found);
        let mut more = false;
        for (i, (c, uses)) in judged.iter().enumerate() {
            if !found[i].is_empty() {
                continue;
            }
            let (live, skipped) = after_dead_waits(&uses.ops, &waits);
            if skipped.is_empty() {
                continue;
            }
            let again = judge(c, &live, &skipped);
            if !again.is_empty() {
                found[i] = again;
                more = true;
            }
        }
        if !more {
            break;
        }
    }
    if found.iter().all(Vec::is_empty) {
        return Some(Vec::new()); // other files can only add partners
    }
    if !module.complete {
        return None; // ask again once every file of the package is in the index
    }
    // The field by name, its getters, and the type (set by position in a literal).
    let elsewhere: Vec<bool> = judged
        .iter()
        .map(|(c, uses)| {
            let mut mentioned = vec![c.name.clone(), c.type_name.clone()];
            mentioned.extend(uses.getters.iter().cloned());
            mentioned_elsewhere(&mentioned, file, module)
                || called_elsewhere(&uses.sized_by, file, module)
        })
        .collect();
    // A finding that rests on another field's wait stands only if that one does: a field
    // another file may release silences every finding of the type.
    if elsewhere.iter().any(|e| *e) {
        let mut findings = Vec::new();
        for (i, f) in found.into_iter().enumerate() {
            if !elsewhere[i] && !f.iter().any(|f| f.message.contains(AFTER_A_WAIT)) {
                findings.extend(f);
            }
        }
        return Some(findings);
    }
    let waits = dead_waits(&judged, &found);
    let mut findings: Vec<Finding> = found.into_iter().flatten().collect();
    for f in held_while_waiting(&judged, &waits, root, source) {
        if !findings.iter().any(|g| g.range == f.range) {
            findings.push(f);
        }
    }
    Some(findings)
}

/// How many times the fields are judged again with what only runs after a dead wait removed.
const MAX_ROUNDS: usize = 3;

/// Said of a finding that rests on another field's wait never returning.
const AFTER_A_WAIT: &str = "which never returns";

/// A field's findings from its uses: never released, or released only under the lock its
/// waiter holds.
fn judge_field<'t>(
    c: &Candidate<'t>,
    ops: &[(Use, Node<'t>)],
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Vec<Finding> {
    let found = judge(c, ops, &[]);
    if !found.is_empty() || c.kind != Kind::Chan {
        return found;
    }
    // A buffered channel lets a partner under the lock run before the wait and leave its
    // value behind (net/http's wantConn.result): the wait then completes.
    if ops.iter().any(|(u, _)| *u == Use::MakeBuffered) {
        return Vec::new();
    }
    let sends = of_use(ops, &[Use::Send]);
    let receives = of_use(ops, &[Use::Receive]);
    let releases = of_use(ops, &[Use::Send, Use::Close]);
    let found = under_lock::judge(c, &receives, &releases, source, facts);
    if !found.is_empty() {
        return found;
    }
    under_lock::judge(c, &sends, &receives, source, facts)
}

/// The operations that wait for ever: those the findings are reported at.
fn dead_waits<'t>(judged: &[(Candidate<'t>, Uses<'t>)], found: &[Vec<Finding>]) -> Vec<Node<'t>> {
    let mut waits = Vec::new();
    for ((_, uses), findings) in judged.iter().zip(found) {
        for (_, op) in &uses.ops {
            let at = reported(*op).byte_range();
            if findings.iter().any(|f| f.range == at) {
                waits.push(*op);
            }
        }
    }
    waits
}

/// A partner that runs only after a wait that never returns: (the partner, the wait).
type Skipped<'t> = (Node<'t>, Node<'t>);

/// The uses that can still run, and those that come only after a wait that never returns:
/// a later statement of the same method body, the wait being a statement of its own there.
fn after_dead_waits<'t>(
    ops: &[(Use, Node<'t>)],
    waits: &[Node<'t>],
) -> (Vec<(Use, Node<'t>)>, Vec<Skipped<'t>>) {
    let mut live = Vec::new();
    let mut skipped = Vec::new();
    for (u, op) in ops {
        let blocked_by = waits.iter().find(|w| runs_after(*op, **w));
        match blocked_by {
            Some(w)
                if matches!(
                    u,
                    Use::Send | Use::Close | Use::Receive | Use::Signal | Use::Done
                ) =>
            {
                skipped.push((*op, *w));
            }
            _ => live.push((*u, *op)),
        }
    }
    (live, skipped)
}

/// Whether `op` runs only after `wait` returns: `wait`'s statement is a top-level statement of
/// the body of the function `op` is directly in, before the one that holds `op`.
fn runs_after(op: Node, wait: Node) -> bool {
    let (Some(f), Some(g)) = (
        syntax::enclosing_function(op),
        syntax::enclosing_function(wait),
    ) else {
        return false;
    };
    if f != g {
        return false;
    }
    let Some(body) = f.field("body") else {
        return false;
    };
    let statements = super::block_statements(body);
    let top = |n: Node| {
        statements
            .iter()
            .position(|s| s.byte_range().contains(&n.start_byte()))
    };
    let (Some(a), Some(b)) = (top(wait), top(op)) else {
        return false;
    };
    // The wait must be that statement, not inside a branch of it.
    let whole = statements[a];
    let waits_there = whole == reported(wait)
        || (whole.kind() == "expression_statement" && whole.named_child(0) == Some(reported(wait)));
    a < b && waits_there
}

/// `Lock` or `RLock`: the method a lock call calls.
pub(super) fn lock_name<'s>(call: Node, source: &'s str) -> &'s str {
    call.field("function")
        .and_then(|f| f.field("field"))
        .map_or("Lock", |f| text(f, source))
}

/// P2: a dead wait that holds one of the struct's mutexes holds it for ever, so every other
/// `Lock` of that mutex in the type's methods waits for ever once the wait has begun.
fn held_while_waiting(
    judged: &[(Candidate, Uses)],
    waits: &[Node],
    root: Node,
    source: &str,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((c, _)) = judged.first() else {
        return findings;
    };
    for wait in waits {
        for mutex in &c.mutexes {
            let Some((held, method)) = under_lock::held_at(*wait, mutex, source) else {
                continue;
            };
            let waiter = method.field("name").map(|n| text(n, source)).unwrap_or("");
            let locks = under_lock::locks_of(root, &c.type_name, mutex, source);
            if locks.len() > super::MAX_BEHIND + 1 {
                continue; // a mutex locked all over: the wait's finding says enough
            }
            for lock in locks {
                if lock == held
                    || findings
                        .iter()
                        .any(|f: &Finding| f.range == lock.byte_range())
                {
                    continue;
                }
                findings.push(Finding {
                    range: lock.byte_range(),
                    code: Code::GoroutineLeak,
                    severity: Severity::Warning,
                    message: format!(
                        "this `{}` waits for ever once `{waiter}` has taken the lock (line \
                         {}): `{waiter}` then waits for ever at line {} and never releases it; \
                         the goroutine and everything it references stay in memory",
                        lock_name(lock, source),
                        line_of(held),
                        line_of(*wait)
                    ),
                    related: vec![Related {
                        path: None,
                        range: reported(*wait).byte_range(),
                        message: "the wait that never returns".to_string(),
                    }],
                    fixes: vec![],
                });
            }
        }
    }
    findings
}

/// The fields of the structs `type_decl` declares that hold a channel, a `sync.Cond` or a
/// `sync.WaitGroup`: unexported, or in a `main` package (which nothing imports).
fn candidates<'t>(type_decl: Node<'t>, source: &str, main: bool) -> Vec<Candidate<'t>> {
    let mut found = Vec::new();
    let mut cursor = type_decl.walk();
    for spec in type_decl.named_children(&mut cursor) {
        if spec.kind() != "type_spec" {
            continue;
        }
        let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
            continue;
        };
        if ty.kind() != "struct_type" {
            continue;
        }
        let mutexes = mutexes_of(ty, source);
        syntax::walk(ty, |n| {
            if n.kind() != "field_declaration" {
                return n.kind() == "struct_type" || n.kind() == "field_declaration_list";
            }
            let Some(kind) = n.field("type").and_then(|t| kind_of(t, source)) else {
                return false;
            };
            let mut c = n.walk();
            for field in n.children_by_field_name("name", &mut c) {
                let field_name = text(field, source);
                let unexported = field_name.starts_with(|c: char| c.is_lowercase() || c == '_');
                if field_name != "_" && (unexported || main) {
                    found.push(Candidate {
                        type_name: text(name, source).to_string(),
                        field,
                        name: field_name.to_string(),
                        kind,
                        mutexes: mutexes.clone(),
                    });
                }
            }
            false
        });
    }
    found
}

/// The `sync.Mutex` and `sync.RWMutex` fields of a struct type: their names, or `` for one
/// embedded.
fn mutexes_of(ty: Node, source: &str) -> Vec<String> {
    let mut found = Vec::new();
    syntax::walk(ty, |n| {
        if n.kind() != "field_declaration" {
            return n.kind() == "struct_type" || n.kind() == "field_declaration_list";
        }
        let Some(t) = n.field("type") else {
            return false;
        };
        if !matches!(text(t, source), "sync.Mutex" | "sync.RWMutex") {
            return false;
        }
        let mut c = n.walk();
        let names: Vec<String> = n
            .children_by_field_name("name", &mut c)
            .map(|x| text(x, source).to_string())
            .collect();
        if names.is_empty() {
            found.push(String::new());
        }
        found.extend(names);
        false
    });
    found
}

fn kind_of(ty: Node, source: &str) -> Option<Kind> {
    if ty.kind() == "channel_type" {
        return Some(Kind::Chan);
    }
    let spelled = text(ty, source).trim_start_matches('*');
    match spelled {
        "sync.Cond" => Some(Kind::Cond),
        "sync.WaitGroup" => Some(Kind::WaitGroup),
        _ => None,
    }
}

/// What this file does with a field, and the getters that hand it out.
struct Uses<'t> {
    ops: Vec<(Use, Node<'t>)>,
    getters: Vec<String>,
    /// Functions whose callers in the file size the channel: callers elsewhere may not.
    sized_by: Vec<String>,
}

/// Every use of the field in the file, or `None` when one lets it escape.
fn uses_of<'t>(c: &Candidate<'t>, source: &str, facts: &FileFacts<'t, '_>) -> Option<Uses<'t>> {
    // `T{a, b}` sets every field of `T`, this one too, without naming it.
    if facts.set_by_position(&c.type_name) {
        return None;
    }
    let mut selectors: Vec<Node> = facts.selections(&c.name).to_vec();
    // A composite literal's key (`T{f: v}`): made there, or given another's value.
    selectors.extend(
        facts
            .keys(&c.name)
            .iter()
            .filter_map(|k| keyed_element_of_key(*k)),
    );
    if selectors.len() > MAX_USES {
        return None;
    }
    let mut uses = Uses {
        ops: Vec::new(),
        getters: Vec::new(),
        sized_by: Vec::new(),
    };
    for n in selectors {
        if n.kind() == "keyed_element" {
            let value = n.named_child(1).map(literal_value)?;
            uses.ops.push((creation(value, c.kind, source)?, n));
            continue;
        }
        let selector = n.parent().filter(|p| p.kind() == "selector_expression")?;
        if selector.field("field") != Some(n) {
            return None;
        }
        if let Some(alias_uses) = alias_uses(selector, c.kind, source) {
            if alias_uses.iter().any(|(u, _)| *u == Use::Escape) {
                return None;
            }
            uses.ops.extend(alias_uses);
            continue;
        }
        match use_of(selector, c.kind, source) {
            Use::Escape => {
                let getter = getter_returning(selector, c, source, facts)?;
                let calls = facts.method_calls(&getter);
                if calls.len() > MAX_USES {
                    return None;
                }
                for call in calls {
                    match use_of(*call, c.kind, source) {
                        Use::Escape => return None,
                        u => uses.ops.push((u, *call)),
                    }
                }
                uses.getters.push(getter);
            }
            u => uses.ops.push((u, selector)),
        }
    }
    for (u, op) in &uses.ops {
        if *u != Use::MakeSizedZero {
            continue;
        }
        let mut make = None;
        syntax::walk(op.parent().unwrap_or(*op), |n| {
            if make.is_none() && super::chan_make(n, source).is_some() {
                make = Some(n);
            }
            make.is_none()
        });
        if let Some(name) = make.and_then(|m| sized_by_callers(m, source)) {
            uses.sized_by.push(name.to_string());
        }
    }
    Some(uses)
}

/// `v := x.f` or `var v = x.f`: what the function does with `v`, when that is where `e`
/// stands. An alias assigned again, or declared twice in the function, escapes.
fn alias_uses<'t>(e: Node<'t>, kind: Kind, source: &str) -> Option<Vec<(Use, Node<'t>)>> {
    let list = e.parent().filter(|p| p.kind() == "expression_list")?;
    let declaration = list.parent()?;
    let names = match declaration.kind() {
        "short_var_declaration" if declaration.field("right") == Some(list) => {
            declaration.field("left")?
        }
        "var_spec" if declaration.field("value") == Some(list) => declaration,
        _ => return None,
    };
    let mut cursor = names.walk();
    let declared: Vec<Node> = if declaration.kind() == "var_spec" {
        declaration
            .children_by_field_name("name", &mut cursor)
            .collect()
    } else {
        names.named_children(&mut cursor).collect()
    };
    if declared.len() != 1 || list.named_child_count() != 1 {
        return Some(vec![(Use::Escape, e)]);
    }
    let alias = declared[0];
    let name = text(alias, source);
    let func = syntax::enclosing_function(declaration)?;
    let mut uses = Vec::new();
    syntax::walk(func, |n| {
        if n.kind() == "identifier" && n != alias && text(n, source) == name {
            let reassigned = n.parent().is_some_and(|p| {
                p.kind() == "expression_list"
                    && p.parent().is_some_and(|s| {
                        (s.kind() == "assignment_statement" && s.field("left") == Some(p))
                            || s.kind() == "short_var_declaration"
                    })
            }) || n.parent().is_some_and(|p| p.kind() == "var_spec");
            let u = if reassigned {
                Use::Escape
            } else {
                use_of(n, kind, source)
            };
            uses.push((u, n));
        }
        true
    });
    Some(uses)
}

/// The keyed element `n` is the key of.
fn keyed_element_of_key(n: Node) -> Option<Node> {
    let mut key = n.parent()?;
    if key.kind() == "literal_element" {
        key = key.parent()?;
        if key.kind() != "keyed_element" {
            return None;
        }
        return (key.named_child(0)?.named_child(0)? == n).then_some(key);
    }
    None
}

fn literal_value(n: Node) -> Node {
    if n.kind() == "literal_element" {
        n.named_child(0).unwrap_or(n)
    } else {
        n
    }
}

/// What storing `value` in the field does: makes it (and how), or lets another value in.
fn creation(value: Node, kind: Kind, source: &str) -> Option<Use> {
    let value = unparen(value);
    if text(value, source) == "nil" {
        return Some(Use::Neutral);
    }
    match kind {
        Kind::Chan => super::chan_make(value, source).map(|unbuffered| {
            if unbuffered {
                Use::MakeUnbuffered
            } else if sized_by_callers(value, source).is_some() {
                Use::MakeSizedZero
            } else {
                Use::MakeBuffered
            }
        }),
        Kind::Cond => text(value, source)
            .starts_with("sync.NewCond(")
            .then_some(Use::Neutral),
        Kind::WaitGroup => None,
    }
}

/// `make(chan T, size)` in `func F(size int, ...)` where every call of `F` in the file passes
/// `0` for `size`: `F`'s name (its calls in other files are asked of the index).
fn sized_by_callers<'s>(make: Node, source: &'s str) -> Option<&'s str> {
    let size = make.field("arguments")?.named_child(1)?;
    if size.kind() != "identifier" {
        return None;
    }
    let func = syntax::enclosing_function(make)?;
    if func.kind() != "function_declaration" {
        return None;
    }
    let name = text(func.field("name")?, source);
    // Exported, it may be called from other packages with any size.
    if name.starts_with(|c: char| c.is_uppercase())
        && !super::facts::package_is_main(root_of(make), source)
    {
        return None;
    }
    let params = func.field("parameters")?;
    let mut position = None;
    let mut index = 0;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let mut c = p.walk();
        let names: Vec<Node> = p.children_by_field_name("name", &mut c).collect();
        for n in &names {
            if text(*n, source) == text(size, source) {
                position = Some(index);
            }
            index += 1;
        }
        if names.is_empty() {
            index += 1;
        }
    }
    let position = position?;
    // Assigned in the function, the parameter is no longer what callers pass.
    let mut reassigned = false;
    syntax::walk(func.field("body")?, |n| {
        if n.kind() == "assignment_statement" || n.kind() == "inc_statement" {
            reassigned |= n
                .field("left")
                .or_else(|| n.named_child(0))
                .is_some_and(|l| {
                    text(l, source)
                        .split(',')
                        .any(|x| x.trim() == text(size, source))
                });
        }
        !reassigned
    });
    if reassigned {
        return None;
    }
    let root = root_of(make);
    let mut calls = 0;
    let mut all_zero = true;
    syntax::walk(root, |n| {
        if n.kind() == "call_expression"
            && n.field("function")
                .is_some_and(|f| f.kind() == "identifier" && text(f, source) == name)
        {
            calls += 1;
            all_zero &= n
                .field("arguments")
                .and_then(|a| a.named_child(position))
                .is_some_and(|a| text(a, source) == "0");
        } else if n.kind() == "identifier" && text(n, source) == name {
            // `F` used as a value: who calls it, with what, is out of sight.
            let called = n
                .parent()
                .is_some_and(|p| p.kind() == "call_expression" && p.field("function") == Some(n));
            let declared = n
                .parent()
                .is_some_and(|p| p.kind() == "function_declaration");
            all_zero &= called || declared;
        }
        all_zero
    });
    (calls > 0 && all_zero).then_some(name)
}

/// What the expression `e` (the field, or a getter's call) does where it stands.
fn use_of(e: Node, kind: Kind, source: &str) -> Use {
    let mut e = e;
    while let Some(p) = e
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        e = p;
    }
    let Some(parent) = e.parent() else {
        return Use::Escape;
    };
    match parent.kind() {
        "send_statement" if parent.field("channel") == Some(e) => Use::Send,
        "unary_expression" => match parent.child(0).map(|op| op.kind()) {
            Some("<-") => Use::Receive,
            _ => Use::Escape,
        },
        "range_clause" if parent.field("right") == Some(e) => Use::Receive,
        "argument_list" => {
            let function = parent
                .parent()
                .and_then(|c| c.field("function"))
                .map(|f| text(f, source));
            match function {
                Some("close") if kind == Kind::Chan => Use::Close,
                Some("len" | "cap") if kind == Kind::Chan => Use::Neutral,
                _ => Use::Escape,
            }
        }
        "binary_expression" => {
            let op = parent.child(1).map(|o| o.kind());
            let other = if parent.child(0) == Some(e) {
                parent.child(2)
            } else {
                parent.child(0)
            };
            let against_nil = other.is_some_and(|o| text(o, source) == "nil");
            if matches!(op, Some("==" | "!=")) && against_nil {
                Use::Neutral
            } else {
                Use::Escape
            }
        }
        "selector_expression" if parent.field("operand") == Some(e) => {
            let method = parent.field("field").map(|f| text(f, source));
            let called = parent
                .parent()
                .filter(|c| c.kind() == "call_expression")
                .is_some_and(|c| c.field("function") == Some(parent));
            match (kind, method, called) {
                (Kind::Cond, Some("Wait"), true) => Use::CondWait,
                (Kind::Cond, Some("Signal" | "Broadcast"), true) => Use::Signal,
                // `c.L.Lock()`: the Cond's own lock, which decides nothing here.
                (Kind::Cond, Some("L"), false) => Use::Neutral,
                (Kind::WaitGroup, Some("Add"), true) => Use::Add,
                (Kind::WaitGroup, Some("Done" | "Go"), true) => Use::Done,
                (Kind::WaitGroup, Some("Wait"), true) => Use::GroupWait,
                _ => Use::Escape,
            }
        }
        "expression_list" => assigned(e, parent, kind, source),
        _ => Use::Escape,
    }
}

/// `x.f = make(chan T)`: the field is the target of an assignment, made by its value.
fn assigned(e: Node, list: Node, kind: Kind, source: &str) -> Use {
    let Some(statement) = list.parent().filter(|s| s.kind() == "assignment_statement") else {
        return Use::Escape;
    };
    let (Some(left), Some(right)) = (statement.field("left"), statement.field("right")) else {
        return Use::Escape;
    };
    if left != list || statement.child(1).map(|o| o.kind()) != Some("=") {
        return Use::Escape;
    }
    let mut cursor = list.walk();
    let Some(at) = list.named_children(&mut cursor).position(|n| n == e) else {
        return Use::Escape;
    };
    if left.named_child_count() != right.named_child_count() {
        return Use::Escape;
    }
    right
        .named_child(at)
        .and_then(|value| creation(value, kind, source))
        .unwrap_or(Use::Escape)
}

/// The method that returns the field and does nothing else with it, when `selector` is in one:
/// a method of the field's struct with no parameters whose every `return` gives the receiver's
/// field or `nil`. Exported, it must be in a `main` package.
fn getter_returning(
    selector: Node,
    c: &Candidate,
    source: &str,
    facts: &FileFacts,
) -> Option<String> {
    let main = facts.main;
    let statement = selector.parent()?.parent()?;
    if statement.kind() != "return_statement" || selector.parent()?.named_child_count() != 1 {
        return None;
    }
    let method = syntax::enclosing_function(statement)?;
    if method.kind() != "method_declaration" {
        return None;
    }
    let (receiver, ty) = super::receiver_of(method, source)?;
    let name = text(method.field("name")?, source).to_string();
    let params = method.field("parameters")?;
    if ty != c.type_name || params.named_child_count() != 0 {
        return None;
    }
    if !main && name.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    // One method of that name in the file: its calls are this getter's.
    if facts.methods_named(&name) != 1 || facts.fields_named(&name) > 0 {
        return None;
    }
    let mut every_return_gives_it = true;
    syntax::walk(method.field("body")?, |n| {
        if syntax::is_function(n.kind()) {
            return false;
        }
        if n.kind() == "return_statement" {
            let value = n.named_child(0).filter(|_| n.named_child_count() == 1);
            every_return_gives_it &= value.is_some_and(|v| {
                let v = text(v, source);
                v == "nil" || v == format!("{receiver}.{}", c.name)
            });
        }
        true
    });
    every_return_gives_it.then_some(name)
}

/// Whether another file of the package selects any of `names` (or keys a literal with it).
pub(super) fn mentioned_elsewhere(
    names: &[String],
    file: &FileContext,
    module: ModuleView,
) -> bool {
    let hashes: Vec<u32> = names.iter().map(|n| name_hash(n)).collect();
    any_other_declaration(file, module, |d| {
        hashes
            .iter()
            .any(|h| d.field_mentions.binary_search(h).is_ok())
    })
}

/// Whether another file of the package calls one of the functions `names`.
pub(super) fn called_elsewhere(names: &[String], file: &FileContext, module: ModuleView) -> bool {
    !names.is_empty()
        && any_other_declaration(file, module, |d| {
            d.calls.iter().any(|c| {
                matches!(&c.callee, Callee::Function(n) if n.package.is_none() && names.contains(&n.name))
            })
        })
}

/// Whether a declaration of another file of the package, by its summary, passes `test`.
fn any_other_declaration(
    file: &FileContext,
    module: ModuleView,
    test: impl Fn(&DeclSummary) -> bool,
) -> bool {
    module
        .index
        .package_files(module.package_path)
        .iter()
        .filter(|f| Some(f.path.as_path()) != file.path.as_deref())
        .any(|f| f.summary.decls.iter().any(|d| test(&d.summary)))
}

/// The findings for one field, from every use of it in the package.
/// `skipped`: partners that only run after a wait that never returns (the partner, the wait).
fn judge(c: &Candidate, ops: &[(Use, Node)], skipped: &[(Node, Node)]) -> Vec<Finding> {
    let has = |u: Use| ops.iter().any(|(x, _)| *x == u);
    if has(Use::Escape) {
        return Vec::new();
    }
    let of = |u: Use| ops.iter().filter(move |(x, _)| *x == u).map(|(_, n)| *n);
    let field = format!("`{}` (of `{}`)", c.name, c.type_name);
    // Partners found only after a wait that never returns do not count; say which.
    let (still, note) = match skipped.first() {
        None => ("", String::new()),
        Some((op, wait)) => (
            " that can still run",
            format!(
                " (the one at line {} comes only after the wait at line {}, {AFTER_A_WAIT})",
                line_of(*op),
                line_of(*wait)
            ),
        ),
    };
    let (waits, why): (Vec<Node>, String) = match c.kind {
        Kind::Chan if !has(Use::Send) && !has(Use::Close) => (
            of(Use::Receive).filter(|r| waits_alone(*r)).collect(),
            format!(
                "nothing in the package{still} sends on {field} or closes it{note}, so this \
                 receive never completes"
            ),
        ),
        Kind::Chan if !has(Use::Receive) && !has(Use::MakeBuffered) => (
            of(Use::Send).filter(|s| waits_alone(*s)).collect(),
            format!(
                "nothing in the package{still} receives from {field}{note}, which is \
                 unbuffered, so this send never completes"
            ),
        ),
        Kind::Cond if !has(Use::Signal) => (
            of(Use::CondWait).collect(),
            format!(
                "nothing in the package{still} calls `Signal` or `Broadcast` on {field}{note}, \
                 so this `Wait` never returns"
            ),
        ),
        Kind::WaitGroup if has(Use::Add) && !has(Use::Done) => (
            of(Use::GroupWait).collect(),
            format!(
                "the WaitGroup {field} is added to, and nothing in the package{still} calls \
                 its `Done`{note}, so this `Wait` never returns once an `Add` ran"
            ),
        ),
        _ => return Vec::new(),
    };
    waits
        .into_iter()
        .map(|at| Finding {
            range: reported(at).byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "this waits for ever: {why}; the goroutine that runs it and everything it \
                 references stay in memory"
            ),
            related: vec![Related {
                path: None,
                range: c.field.byte_range(),
                message: format!(
                    "`{}` is declared here (line {}); no other file of the package uses it",
                    c.name,
                    line_of(c.field)
                ),
            }],
            fixes: vec![],
        })
        .collect()
}

/// The operations of these kinds, by their field selector (or getter call).
fn of_use<'t>(ops: &[(Use, Node<'t>)], kinds: &[Use]) -> Vec<Node<'t>> {
    ops.iter()
        .filter(|(u, _)| kinds.contains(u))
        .map(|(_, n)| *n)
        .collect()
}

/// Whether the operation at `op` (the field's selector or a getter's call) waits on nothing
/// else: not a case of a `select` with another case or a `default`.
pub(super) fn waits_alone(op: Node) -> bool {
    let mut e = op;
    while let Some(p) = e
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        e = p;
    }
    let statement = match e.parent() {
        Some(p) if matches!(p.kind(), "send_statement" | "unary_expression") => p,
        Some(p) if p.kind() == "range_clause" => return true,
        _ => return false,
    };
    let in_case = if statement.kind() == "send_statement" {
        statement
            .parent()
            .filter(|c| c.kind() == "communication_case")
            .and_then(|c| c.parent())
    } else {
        enclosing_select(statement)
    };
    match in_case {
        None => true,
        Some(select) => {
            let mut cursor = select.walk();
            select
                .named_children(&mut cursor)
                .filter(|c| matches!(c.kind(), "communication_case" | "default_case"))
                .count()
                == 1
        }
    }
}

/// The statement to underline for an operation: the send, the receive, or the call.
pub(super) fn reported(op: Node) -> Node {
    let mut e = op;
    while let Some(p) = e
        .parent()
        .filter(|p| p.kind() == "parenthesized_expression")
    {
        e = p;
    }
    match e.parent() {
        Some(p) if p.kind() == "send_statement" || p.kind() == "unary_expression" => p,
        Some(p) if p.kind() == "range_clause" => p,
        Some(p) if p.kind() == "selector_expression" => p.parent().unwrap_or(p),
        _ => e,
    }
}

pub(super) fn root_of(n: Node) -> Node {
    let mut root = n;
    while let Some(p) = root.parent() {
        root = p;
    }
    root
}
