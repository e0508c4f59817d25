//! LeakProf's method contract violation: a method starts a goroutine that serves until a
//! field channel says stop, only another method of the type ever says it, and a function of
//! the file makes a value of the type, starts it, and lets it go without calling that method.
//!
//! ```go
//! func (w worker) Start() {
//!     go func() {
//!         for {
//!             select {
//!             case <-w.ch:
//!             case <-w.done:
//!                 return
//!             }
//!         }
//!     }()
//! }
//! func (w worker) Stop() { close(w.done) }
//!
//! func lifecycle(items []any) {
//!     w := worker{ch: make(chan any), done: make(chan any)}
//!     w.Start() // and no w.Stop()
//!     ...
//! }
//! ```
//!
//! Reported on the goroutine's `select`, only where the evidence is local and strong: the
//! goroutine is `for { select { ... } }` whose one way out is the case that receives from the
//! field; the methods that can release it are those that name the field (or call one that
//! does); the value is made in the function (`T{...}` or `&T{...}`), used only to call methods
//! of the type, and never handed on, so nothing else can release it. `main` and `init` are left
//! alone: what they start lasts as long as the program anyway.

use tree_sitter::Node;

use super::{block_statements, function_name, go_literal, line_of, receiver_of};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::{Code, Finding, Severity};

pub fn check(decl: Node, source: &str, findings: &mut Vec<Finding>) {
    if decl.kind() != "method_declaration" {
        return;
    }
    let Some((receiver, type_name)) = receiver_of(decl, source) else {
        return;
    };
    let Some(body) = decl.field("body") else {
        return;
    };
    let Some(start) = decl.field("name").map(|n| text(n, source)) else {
        return;
    };
    let Some(root) = decl.parent() else {
        return;
    };
    for statement in block_statements(body) {
        let Some(literal) = go_literal(statement) else {
            continue;
        };
        let Some((select, field)) = serves_until(literal, &receiver, source) else {
            continue;
        };
        let methods = methods_of(root, &type_name, source);
        let releasers = releasers(&methods, start, &field, source);
        if releasers.is_empty() {
            continue; // nothing can release it: another shape (or a finished design)
        }
        if let Some(finding) = violation(
            root, decl, &type_name, start, &methods, &releasers, select, &field, source,
        ) {
            findings.push(finding);
        }
    }
}

/// `for { select { ... } }` as the goroutine's body (defers before it allowed), whose only
/// exit is a case receiving from `receiver.field`: the `select` and the field.
fn serves_until<'t>(literal: Node<'t>, receiver: &str, source: &str) -> Option<(Node<'t>, String)> {
    let body = literal.field("body")?;
    let mut stmts = block_statements(body);
    while stmts.first().is_some_and(|s| s.kind() == "defer_statement") {
        stmts.remove(0);
    }
    let [for_statement] = stmts[..] else {
        return None;
    };
    if for_statement.kind() != "for_statement" || for_statement.named_child_count() != 1 {
        return None; // a condition or a clause: the loop can end by itself
    }
    let [select] = block_statements(for_statement.field("body")?)[..] else {
        return None;
    };
    if select.kind() != "select_statement" {
        return None;
    }
    // Nothing in the loop may leave it but the one case: no labels, no goto, no other return.
    let mut exits = Vec::new();
    let mut unknown = false;
    syntax::walk(select, |n| {
        if syntax::is_function(n.kind()) {
            return false;
        }
        match n.kind() {
            "return_statement" => exits.push(n),
            "goto_statement" | "labeled_statement" => unknown = true,
            "break_statement" | "continue_statement" if n.named_child_count() > 0 => unknown = true,
            _ => {}
        }
        true
    });
    if unknown || exits.is_empty() {
        return None;
    }
    let cases: Vec<Node> = select
        .named_children(&mut select.walk())
        .filter(|c| c.kind() == "communication_case")
        .collect();
    let exit_case = cases
        .iter()
        .find(|c| c.byte_range().contains(&exits[0].start_byte()))?;
    if exits
        .iter()
        .any(|e| !exit_case.byte_range().contains(&e.start_byte()))
    {
        return None;
    }
    let field = received_field(*exit_case, receiver, source)?;
    Some((select, field))
}

/// `case <-r.field:` (or `case _, ok := <-r.field:`): the field.
fn received_field(case: Node, receiver: &str, source: &str) -> Option<String> {
    let comm = case.field("communication")?;
    let receive = match comm.kind() {
        "expression_statement" => comm.named_child(0)?,
        "receive_statement" => comm.field("right")?,
        _ => return None,
    };
    if receive.kind() != "unary_expression" || receive.child(0)?.kind() != "<-" {
        return None;
    }
    let operand = unparen(receive.field("operand")?);
    if operand.kind() != "selector_expression" {
        return None;
    }
    let base = unparen(operand.field("operand")?);
    (base.kind() == "identifier" && text(base, source) == receiver).then(|| {
        text(
            operand.field("field").expect("a selector has a field"),
            source,
        )
        .to_string()
    })
}

/// The methods of `type_name` declared in the file, by name.
fn methods_of<'t>(root: Node<'t>, type_name: &str, source: &str) -> Vec<(String, Node<'t>)> {
    let mut cursor = root.walk();
    let methods = root
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "method_declaration")
        .filter(|d| receiver_of(*d, source).is_some_and(|(_, t)| t == type_name))
        .filter_map(|d| Some((text(d.field("name")?, source).to_string(), d)))
        .collect();
    methods
}

/// The methods that may release the goroutine: those that name the field, and those that call
/// one of them on their receiver (to a fixed point), the starter aside.
fn releasers(methods: &[(String, Node)], start: &str, field: &str, source: &str) -> Vec<String> {
    let mut out: Vec<String> = methods
        .iter()
        .filter(|(name, m)| name != start && names_field(*m, field, source))
        .map(|(name, _)| name.clone())
        .collect();
    loop {
        let more: Vec<String> = methods
            .iter()
            .filter(|(name, _)| name != start && !out.contains(name))
            .filter(|(_, m)| calls_any(*m, &out, source))
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

fn names_field(method: Node, field: &str, source: &str) -> bool {
    let mut found = false;
    syntax::walk(method, |n| {
        found |= n.kind() == "field_identifier"
            && text(n, source) == field
            && n.parent()
                .is_some_and(|p| p.kind() == "selector_expression");
        !found
    });
    found
}

fn calls_any(method: Node, names: &[String], source: &str) -> bool {
    let mut found = false;
    syntax::walk(method, |n| {
        if n.kind() == "call_expression" {
            if let Some(f) = n
                .field("function")
                .filter(|f| f.kind() == "selector_expression")
            {
                found |= f
                    .field("field")
                    .is_some_and(|m| names.iter().any(|r| r == text(m, source)));
            }
        }
        !found
    });
    found
}

/// The first function of the file that makes a value of the type, starts it and lets it go
/// without a releasing call: the finding on the goroutine's `select`.
#[allow(clippy::too_many_arguments)]
fn violation(
    root: Node,
    starter: Node,
    type_name: &str,
    start: &str,
    methods: &[(String, Node)],
    releasers: &[String],
    select: Node,
    field: &str,
    source: &str,
) -> Option<Finding> {
    let mut cursor = root.walk();
    for func in root.named_children(&mut cursor) {
        if func == starter
            || !matches!(func.kind(), "function_declaration" | "method_declaration")
            || matches!(
                func.field("name").map(|n| text(n, source)),
                Some("main" | "init")
            )
        {
            continue;
        }
        let Some(body) = func.field("body") else {
            continue;
        };
        let mut made = Vec::new();
        syntax::walk(body, |n| {
            if n.kind() == "short_var_declaration" {
                made.extend(value_made(n, type_name, source));
            }
            true
        });
        for name in made {
            if let Some(start_call) =
                started_and_dropped(body, name, start, methods, releasers, source)
            {
                let caller = function_name(func, source);
                let var = text(name, source);
                let release = releasers
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(" or ");
                return Some(Finding {
                    range: select.start_byte()..select.start_byte() + "select".len(),
                    code: Code::GoroutineLeak,
                    severity: Severity::Warning,
                    message: format!(
                        "this goroutine ends only when `{field}` says stop, which only {release} \
                         does; {caller} starts it (`{var}.{start}()` at line {}) and never calls \
                         {release} on `{var}`, which nothing else can reach: it waits for ever, \
                         with everything it references",
                        line_of(start_call)
                    ),
                    related: vec![],
                    fixes: vec![],
                });
            }
        }
    }
    None
}

/// `v := T{...}` or `v := &T{...}`: `v`.
fn value_made<'t>(decl: Node<'t>, type_name: &str, source: &str) -> Option<Node<'t>> {
    let left = decl.field("left")?;
    let right = decl.field("right")?;
    if left.named_child_count() != 1 || right.named_child_count() != 1 {
        return None;
    }
    let value = super::composite_literal_of(right.named_child(0)?)?;
    if text(value.field("type")?, source) != type_name {
        return None;
    }
    left.named_child(0).filter(|n| n.kind() == "identifier")
}

/// Every use of `name` in `body` calls a method of the type on it, one of them the starter and
/// none a releaser: the starter's call.
fn started_and_dropped<'t>(
    body: Node<'t>,
    name: Node<'t>,
    start: &str,
    methods: &[(String, Node)],
    releasers: &[String],
    source: &str,
) -> Option<Node<'t>> {
    let spelled = text(name, source);
    let same_name = syntax::identifiers_named(body, source, spelled);
    let mut started = None;
    for id in &same_name {
        if *id == name {
            continue;
        }
        if syntax::innermost_declaration(*id, same_name.iter().copied()) != Some(name) {
            if syntax::declares_variable(*id) {
                return None; // declared again: too subtle
            }
            continue;
        }
        let selector = id
            .parent()
            .filter(|p| p.kind() == "selector_expression" && p.field("operand") == Some(*id))?;
        let call = selector
            .parent()
            .filter(|c| c.kind() == "call_expression" && c.field("function") == Some(selector))?;
        let method = text(selector.field("field")?, source);
        if !methods.iter().any(|(m, _)| m == method) || releasers.iter().any(|r| r == method) {
            return None;
        }
        if method == start && started.is_none() {
            started = Some(call);
        }
    }
    started
}
