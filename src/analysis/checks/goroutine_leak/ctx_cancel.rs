//! A goroutine waiting for a context that nothing can ever cancel: the context is made by
//! `context.WithCancel` from `context.Background()` (or `TODO()`), its cancel function is kept
//! in a struct field, and no code of the package can call that field before the wait ends —
//! every method that would is never called, or is called only by the waiter after its wait.
//! (The shape of database/sql's `Rows.awaitDone` before Go 1.10, and of a handle whose
//! `Rollback` nobody can call.)
//!
//! Every use of the field must be in sight: stored from `WithCancel`, called in methods of
//! its type, compared to nil. Another file of the package naming the field or one of those
//! methods, an exported method outside a `main` package, or a call of one from anywhere else,
//! and the rule says nothing.

use tree_sitter::Node;

use super::dead_field::{called_elsewhere, mentioned_elsewhere};
use super::facts::FileFacts;
use super::{line_of, receiver_of};
use crate::analysis::checks::ModuleView;
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, FileContext, Finding, Related, Severity};

/// The findings for the `context.CancelFunc` fields of the structs `type_decl` declares;
/// `None` when one is found and the index is not complete yet.
pub fn check<'t>(
    type_decl: Node<'t>,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    facts: &FileFacts<'t, '_>,
) -> Option<Vec<Finding>> {
    let main = facts.main;
    let mut findings = Vec::new();
    for (type_name, field) in cancel_fields(type_decl, source, main) {
        let Some(found) = judge(&type_name, field, source, facts) else {
            continue;
        };
        if module.package_path.is_empty() {
            return Some(Vec::new());
        }
        if !module.complete {
            return None;
        }
        let (finding, mut names, functions) = found;
        names.push(text(field, source).to_string());
        if !mentioned_elsewhere(&names, file, module) && !called_elsewhere(&functions, file, module)
        {
            findings.push(finding);
        }
    }
    Some(findings)
}

/// `(type, field)` for each field of type `context.CancelFunc`: unexported, or in `main`.
fn cancel_fields<'t>(type_decl: Node<'t>, source: &str, main: bool) -> Vec<(String, Node<'t>)> {
    let mut found = Vec::new();
    let mut cursor = type_decl.walk();
    for spec in type_decl.named_children(&mut cursor) {
        let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
            continue;
        };
        if spec.kind() != "type_spec" || ty.kind() != "struct_type" {
            continue;
        }
        syntax::walk(ty, |n| {
            if n.kind() != "field_declaration" {
                return n.kind() == "struct_type" || n.kind() == "field_declaration_list";
            }
            if n.field("type").map(|t| text(t, source)) != Some("context.CancelFunc") {
                return false;
            }
            let mut c = n.walk();
            for f in n.children_by_field_name("name", &mut c) {
                if main || text(f, source).starts_with(|c: char| c.is_lowercase()) {
                    found.push((text(name, source).to_string(), f));
                }
            }
            false
        });
    }
    found
}

/// The finding for one field, the method names whose uses elsewhere would silence it, and the
/// functions whose calls elsewhere would.
fn judge<'t>(
    type_name: &str,
    field: Node<'t>,
    source: &str,
    facts: &FileFacts<'t, '_>,
) -> Option<(Finding, Vec<String>, Vec<String>)> {
    let root = facts.root;
    let main = facts.main;
    let name = text(field, source);
    if facts.fields_named(name) > 1 || facts.methods_named(name) > 0 {
        return None;
    }
    // Every use of the field: stored, called in a method of the type, or compared to nil.
    let mut stores = Vec::new();
    let mut callers: Vec<String> = Vec::new();
    let mut bad = false;
    let mentions = facts.selections(name).iter().chain(facts.keys(name));
    for n in mentions {
        match cancel_use(*n, type_name, source) {
            Some(Use::Store(at)) => stores.push(at),
            Some(Use::Call(method)) => callers.push(method),
            Some(Use::Neutral) => {}
            None => bad = true,
        }
    }
    if bad || stores.is_empty() {
        return None;
    }
    // Each `WithCancel` whose cancel is stored there, and the goroutine that waits on its ctx.
    for store in &stores {
        let Some(derived) = derived_context(*store, source) else {
            continue;
        };
        let Some(maker) = syntax::enclosing_function(*store) else {
            continue;
        };
        let Some((wait, waiter)) = waiting_goroutine(maker, &derived, type_name, root, source)
        else {
            continue;
        };
        let Some(functions) = parent_never_cancelled(&derived, maker, root, source, main) else {
            continue;
        };
        // The methods that cancel, directly or through another method of the type; the
        // waiter's own call comes after its wait, which is its first statement.
        let waiter_name = text(waiter.field("name")?, source);
        let releasers = releasers(root, type_name, callers.clone(), waiter_name, source);
        if !main
            && releasers
                .iter()
                .any(|m| m.starts_with(|c: char| c.is_uppercase()))
        {
            continue;
        }
        if called_before(&releasers, waiter, wait, root, source) {
            continue;
        }
        let finding = Finding {
            range: wait.byte_range(),
            code: Code::GoroutineLeak,
            severity: Severity::Warning,
            message: format!(
                "this receive waits for ever: the context is cancelled only by `{name}` \
                 (`context.WithCancel` at line {}, from a context nothing cancels), and nothing \
                 in the package calls it before this wait ends ({}); the goroutine and \
                 everything it references stay in memory",
                line_of(derived.call),
                if releasers.is_empty() {
                    "no method calls it".to_string()
                } else {
                    format!(
                        "{} {} never called first",
                        releasers
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if releasers.len() == 1 { "is" } else { "are" }
                    )
                }
            ),
            related: vec![Related {
                path: None,
                range: derived.call.byte_range(),
                message: "the context and its cancel function are made here".to_string(),
            }],
            fixes: vec![],
        };
        let mut names = releasers.clone();
        names.push(text(waiter.field("name")?, source).to_string());
        return Some((finding, names, functions));
    }
    None
}

enum Use<'t> {
    /// The `WithCancel` call (or the variable) the field is set from: the node set.
    Store(Node<'t>),
    /// Called in this method of the type.
    Call(String),
    Neutral,
}

/// What the mention `n` of the field does; `None` for anything that lets it escape.
fn cancel_use<'t>(n: Node<'t>, type_name: &str, source: &str) -> Option<Use<'t>> {
    // `F: cancel` in a composite literal.
    if n.kind() == "identifier" {
        let element = n.parent()?.parent()?;
        if element.kind() != "keyed_element" {
            return None;
        }
        let value = element.named_child(1)?;
        let value = value.named_child(0).unwrap_or(value);
        return (value.kind() == "identifier").then_some(Use::Store(value));
    }
    let selector = n.parent().filter(|p| p.kind() == "selector_expression")?;
    let parent = selector.parent()?;
    match parent.kind() {
        "call_expression" if parent.field("function") == Some(selector) => {
            let method = syntax::enclosing_function(parent)?;
            let (receiver, ty) = receiver_of(method, source)?;
            let base = selector.field("operand").map(|o| text(o, source));
            (method.kind() == "method_declaration" && ty == type_name && base == Some(&receiver))
                .then(|| {
                    Use::Call(text(method.field("name").unwrap_or(method), source).to_string())
                })
        }
        "binary_expression" => {
            let spelled = text(parent, source);
            (spelled.ends_with("!= nil") || spelled.ends_with("== nil")).then_some(Use::Neutral)
        }
        "expression_list" => {
            let statement = parent.parent()?;
            if statement.field("left") != Some(parent) {
                return None;
            }
            let right = statement.field("right")?;
            match statement.kind() {
                "assignment_statement" => {
                    let value = right.named_child(0).map(unparen)?;
                    (right.named_child_count() == 1).then_some(Use::Store(value))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The methods of the type that call the field, and those that call them on the receiver.
fn releasers(
    root: Node,
    type_name: &str,
    mut found: Vec<String>,
    waiter: &str,
    source: &str,
) -> Vec<String> {
    found.retain(|m| m != waiter);
    found.sort();
    found.dedup();
    loop {
        let mut more = Vec::new();
        let mut cursor = root.walk();
        for d in root.named_children(&mut cursor) {
            let Some((receiver, ty)) =
                receiver_of(d, source).filter(|_| d.kind() == "method_declaration")
            else {
                continue;
            };
            let Some(name) = d.field("name").map(|n| text(n, source).to_string()) else {
                continue;
            };
            if ty != type_name || found.contains(&name) || name == waiter {
                continue;
            }
            let mut calls = false;
            syntax::walk(d, |n| {
                if n.kind() == "call_expression" {
                    calls |= super::relock::receiver_call(n, &receiver, source)
                        .is_some_and(|m| found.iter().any(|f| f == m));
                }
                !calls
            });
            if calls {
                more.push(name);
            }
        }
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// The context `WithCancel` makes where the field is set: `ctx, x.F = context.WithCancel(p)`,
/// or `ctx, cancel := context.WithCancel(p)` with `cancel` stored in the field.
struct Derived<'t> {
    call: Node<'t>,
    /// The variable holding the new context.
    context: String,
    /// The parent argument.
    parent: Node<'t>,
}

fn derived_context<'t>(store: Node<'t>, source: &str) -> Option<Derived<'t>> {
    let with_cancel = |call: Node<'t>| -> Option<Node<'t>> {
        (call.kind() == "call_expression"
            && call.field("function").map(|f| text(f, source)) == Some("context.WithCancel"))
        .then(|| call.field("arguments")?.named_child(0))
        .flatten()
    };
    // Stored straight from the call: `ctx, x.F = context.WithCancel(p)`.
    if let Some(parent) = with_cancel(store) {
        let statement = store.parent()?.parent()?;
        let context = statement.field("left")?.named_child(0)?;
        return Some(Derived {
            call: store,
            context: text(context, source).to_string(),
            parent,
        });
    }
    // Stored from a variable: find `ctx, v := context.WithCancel(p)` in the same function.
    let variable = text(store, source);
    let func = syntax::enclosing_function(store)?;
    let mut found = None;
    syntax::walk(func, |n| {
        if found.is_none() && n.kind() == "short_var_declaration" {
            let left = n.field("left");
            let right = n.field("right").and_then(|r| r.named_child(0)).map(unparen);
            if let (Some(left), Some(call)) = (left, right) {
                let names: Vec<&str> = left
                    .named_children(&mut left.walk())
                    .map(|x| text(x, source))
                    .collect();
                if names.len() == 2 && names[1] == variable {
                    if let Some(parent) = with_cancel(call) {
                        found = Some(Derived {
                            call,
                            context: names[0].to_string(),
                            parent,
                        });
                    }
                }
            }
        }
        found.is_none()
    });
    found
}

/// The `<-E.Done()` a goroutine started in `maker` (`go x.w(...)`, `w` a method of the type)
/// begins with, when `E` is the derived context: a parameter given it, or a field set to it.
fn waiting_goroutine<'t>(
    maker: Node<'t>,
    derived: &Derived,
    type_name: &str,
    root: Node<'t>,
    source: &str,
) -> Option<(Node<'t>, Node<'t>)> {
    let mut found = None;
    syntax::walk(maker, |n| {
        if found.is_some() || n.kind() != "go_statement" {
            return found.is_none();
        }
        let call = n.named_child(0).map(unparen);
        let function = call.and_then(|c| c.field("function"));
        let Some(name) = function
            .filter(|f| f.kind() == "selector_expression")
            .and_then(|f| f.field("field"))
            .map(|f| text(f, source))
        else {
            return true;
        };
        let mut cursor = root.walk();
        let waiter = root.named_children(&mut cursor).find(|d| {
            d.kind() == "method_declaration"
                && d.field("name").map(|x| text(x, source)) == Some(name)
                && receiver_of(*d, source).is_some_and(|(_, t)| t == type_name)
        });
        let (Some(waiter), Some(call)) = (waiter, call) else {
            return true;
        };
        found = first_wait(waiter, call, maker, derived, source).map(|w| (w, waiter));
        true
    });
    found
}

/// The waiter's first statement, when it is `<-E.Done()` on the derived context.
fn first_wait<'t>(
    waiter: Node<'t>,
    call: Node,
    maker: Node,
    derived: &Derived,
    source: &str,
) -> Option<Node<'t>> {
    let first = super::block_statements(waiter.field("body")?)
        .into_iter()
        .next()?;
    let receive = first.named_child(0)?;
    if first.kind() != "expression_statement"
        || receive.kind() != "unary_expression"
        || receive.child(0).map(|o| o.kind()) != Some("<-")
    {
        return None;
    }
    let done = unparen(receive.named_child(0)?);
    let spelled = text(done, source);
    let context = spelled.strip_suffix(".Done()")?;
    // A parameter of the waiter, given the derived context at the `go` call.
    let params = waiter.field("parameters")?;
    let mut index = 0;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let mut c = p.walk();
        for n in p.children_by_field_name("name", &mut c) {
            if text(n, source) == context {
                let argument = call.field("arguments")?.named_child(index)?;
                return (text(argument, source) == derived.context).then_some(receive);
            }
            index += 1;
        }
    }
    // A field of the receiver, set to the derived context where it is made.
    let (receiver, _) = receiver_of(waiter, source)?;
    let field = context.strip_prefix(&format!("{receiver}."))?;
    let mut set = false;
    syntax::walk(maker, |n| {
        if n.kind() == "keyed_element" {
            let key = n.named_child(0).map(|k| text(k, source));
            let value = n.named_child(1).map(|v| text(v, source));
            set |= key == Some(field) && value == Some(derived.context.as_str());
        }
        !set
    });
    set.then_some(receive)
}

/// Whether the parent context is one nothing cancels: `context.Background()` or `TODO()`,
/// written there or passed by every caller of the maker in the file. The functions whose
/// callers in other files would matter.
fn parent_never_cancelled(
    derived: &Derived,
    maker: Node,
    root: Node,
    source: &str,
    main: bool,
) -> Option<Vec<String>> {
    let never = |n: Node| matches!(text(n, source), "context.Background()" | "context.TODO()");
    if never(derived.parent) {
        return Some(Vec::new());
    }
    let parent = text(derived.parent, source);
    let params = maker.field("parameters")?;
    let mut position = None;
    let mut index = 0;
    let mut cursor = params.walk();
    for p in params.named_children(&mut cursor) {
        let mut c = p.walk();
        for n in p.children_by_field_name("name", &mut c) {
            if text(n, source) == parent {
                position = Some(index);
            }
            index += 1;
        }
    }
    let position = position?;
    let name = text(maker.field("name")?, source);
    if !main && name.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    let method = maker.kind() == "method_declaration";
    let mut calls = 0;
    let mut all = true;
    syntax::walk(root, |n| {
        if n.kind() == "call_expression" {
            let function = n.field("function");
            let named = function.is_some_and(|f| {
                if method {
                    f.kind() == "selector_expression"
                        && f.field("field").map(|x| text(x, source)) == Some(name)
                } else {
                    f.kind() == "identifier" && text(f, source) == name
                }
            });
            if named {
                calls += 1;
                all &= n
                    .field("arguments")
                    .and_then(|a| a.named_child(position))
                    .is_some_and(never);
            }
        }
        all
    });
    if calls == 0 || !all {
        return None;
    }
    // A method's name is among the mentions asked of the index; a function's, among calls.
    Some(if method {
        Vec::new()
    } else {
        vec![name.to_string()]
    })
}

/// Whether a releaser may be called before the wait ends: a call of one from anywhere but
/// the releasers themselves and the waiter after its wait.
fn called_before(releasers: &[String], waiter: Node, wait: Node, root: Node, source: &str) -> bool {
    let mut called = false;
    syntax::walk(root, |n| {
        if called || n.kind() != "call_expression" {
            return !called;
        }
        let Some(name) = n
            .field("function")
            .filter(|f| f.kind() == "selector_expression")
            .and_then(|f| f.field("field"))
            .map(|f| text(f, source))
        else {
            return true;
        };
        if !releasers.iter().any(|r| r == name) {
            return true;
        }
        let Some(func) = syntax::enclosing_function(n) else {
            called = true;
            return false;
        };
        let in_releaser = func.kind() == "method_declaration"
            && func
                .field("name")
                .is_some_and(|f| releasers.iter().any(|r| r == text(f, source)));
        let after_wait = func == waiter && n.start_byte() > wait.end_byte();
        called = !(in_releaser || after_wait);
        !called
    });
    called
}
