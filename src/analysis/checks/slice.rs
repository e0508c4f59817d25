//! `slice-retains`: a long-lived slice of pointer-holding elements that loses elements without
//! clearing them.
//!
//! Re-slicing never frees anything: `q.items = q.items[1:]` moves the start of the slice, but the
//! dropped element is still in the backing array, and so is everything it points to, until the
//! array is reallocated by a later `append`. Shrinking from the back (`x[:len(x)-1]`, `x[:n]`,
//! `x[:0]`) leaves the dropped elements beyond the length, and removing from the middle
//! (`append(x[:i], x[i+1:]...)`, or `copy` then shrink) leaves a duplicate of the last element
//! there. A queue that lives as long as its owner can keep arbitrarily old jobs, buffers or
//! connections alive this way.
//!
//! Reported only when the slice outlives the function (a field reached through a pointer, or a
//! package-level variable), its element type holds pointers as far as the module's own types
//! show, and no statement before the re-slice in the same block clears the dropped slots. The
//! quick-fix clears exactly the slots that leave the slice, in the form the module's Go version
//! allows: `x[0] = nil`, `clear(x[:n])` from Go 1.21 (a loop before), `slices.Delete` from Go
//! 1.22 for a removal from the middle.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::ModuleView;
use crate::analysis::fix::{self, Edit, Fix};
use crate::analysis::go_version::{GO_1_21, GO_1_22};
use crate::analysis::summary;
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::types::TypeExpr;
use crate::analysis::{Code, FileContext, Finding, Severity};

/// Checks one top-level declaration. Returns true when it found a candidate it could not judge
/// because the module's index is not complete yet.
pub fn check(
    decl: Node,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    findings: &mut Vec<Finding>,
) -> bool {
    let mut statements = Vec::new();
    syntax::walk(decl, |n| {
        if n.kind() == "assignment_statement" {
            statements.push(n);
        }
        true
    });
    if statements.is_empty() {
        return false;
    }
    let mut checker = Checker {
        source,
        file,
        module,
        decl,
        imports: None,
        identifiers: None,
        needs_index: false,
        reserved: HashMap::new(),
    };
    for statement in statements {
        let pairs = reslices(statement, source);
        let multi = pairs.len() > 1
            || statement
                .field("left")
                .is_some_and(|l| l.named_child_count() > 1);
        for reslice in pairs {
            if let Some(finding) = checker.judge(&reslice, multi) {
                findings.push(finding);
            }
        }
    }
    checker.needs_index
}

/// How a statement drops elements from a slice.
#[derive(Debug, Clone, Copy)]
enum Form<'t> {
    /// `x = x[n:]`
    Front { start: Node<'t> },
    /// `x = x[:n]`
    Back { end: Node<'t> },
    /// `x = append(x[:i], x[j:]...)`
    Middle { i: Node<'t>, j: Node<'t> },
}

/// One re-slicing assignment: `target = operand[...]`.
struct Reslice<'t> {
    statement: Node<'t>,
    target: Node<'t>,
    /// The slice being re-sliced: the target itself, or a local copy of it (`old := *h`).
    operand: Node<'t>,
    /// The expression the assignment replaces (the right-hand side).
    value: Node<'t>,
    form: Form<'t>,
}

/// The expression without white space and outer parentheses, for comparing two spellings.
fn norm(node: Node, source: &str) -> String {
    let mut n = node;
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    text(n, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect()
}

/// The re-slicing pairs of an assignment statement (`=` only).
fn reslices<'t>(statement: Node<'t>, source: &str) -> Vec<Reslice<'t>> {
    let op = statement.field("operator");
    if op.is_none_or(|op| text(op, source) != "=") {
        return Vec::new();
    }
    let (Some(left), Some(right)) = (statement.field("left"), statement.field("right")) else {
        return Vec::new();
    };
    let lefts = named_children(left);
    let rights = named_children(right);
    if lefts.len() != rights.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (target, value) in lefts.into_iter().zip(rights) {
        let target_text = norm(target, source);
        if target_text == "_" {
            continue;
        }
        let mut value_inner = value;
        while value_inner.kind() == "parenthesized_expression" {
            match value_inner.named_child(0) {
                Some(inner) => value_inner = inner,
                None => break,
            }
        }
        match value_inner.kind() {
            "slice_expression" => {
                let Some((operand, start, end)) = slice_parts(value_inner, source) else {
                    continue;
                };
                let form = match (start, end) {
                    (Some(start), None) => Form::Front { start },
                    (None, Some(end)) if !may_grow(end, source) => Form::Back { end },
                    _ => continue,
                };
                let same = norm(operand, source) == target_text;
                if same || is_copy_of(operand, &target_text, statement, source) {
                    out.push(Reslice {
                        statement,
                        target,
                        operand,
                        value,
                        form,
                    });
                }
            }
            "call_expression" => {
                if let Some(form) = append_removal(value_inner, &target_text, source) {
                    out.push(Reslice {
                        statement,
                        target,
                        operand: target,
                        value,
                        form,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// The operand, start and end of `x[a:b]` (no capacity); a start of `0` counts as none.
fn slice_parts<'t>(
    slice: Node<'t>,
    source: &str,
) -> Option<(Node<'t>, Option<Node<'t>>, Option<Node<'t>>)> {
    if slice.field("capacity").is_some() {
        return None;
    }
    let operand = slice.field("operand")?;
    let start = slice.field("start").filter(|s| norm(*s, source) != "0");
    let end = slice.field("end");
    Some((operand, start, end))
}

/// `append(x[:i], x[j:]...)` with `x` the target.
fn append_removal<'t>(call: Node<'t>, target: &str, source: &str) -> Option<Form<'t>> {
    let callee = call.field("function")?;
    if text(callee, source) != "append" {
        return None;
    }
    let args = named_children(call.field("arguments")?);
    let [head, tail] = args.as_slice() else {
        return None;
    };
    let (head_operand, None, Some(i)) = slice_parts(unparen(*head), source)? else {
        return None;
    };
    if tail.kind() != "variadic_argument" {
        return None;
    }
    let tail = unparen(tail.named_child(0)?);
    if tail.kind() != "slice_expression" {
        return None;
    }
    let (tail_operand, Some(j), None) = slice_parts(tail, source)? else {
        return None;
    };
    (norm(head_operand, source) == target && norm(tail_operand, source) == target)
        .then_some(Form::Middle { i, j })
}

/// True when `operand` is a local variable declared once, as `operand := target`, in the
/// function of `statement` (the `old := *h` of a heap's Pop).
fn is_copy_of(operand: Node, target: &str, statement: Node, source: &str) -> bool {
    if operand.kind() != "identifier" {
        return false;
    }
    let Some(func) = syntax::enclosing_function(statement) else {
        return false;
    };
    let name = text(operand, source);
    let mut copies = 0;
    let mut other_declarations = 0;
    syntax::walk(func, |n| {
        if n.kind() == "short_var_declaration" || n.kind() == "var_spec" {
            let (names, values) = match n.kind() {
                "short_var_declaration" => (
                    n.field("left").map(named_children),
                    n.field("right").map(named_children),
                ),
                _ => {
                    let mut c = n.walk();
                    let names: Vec<Node> = n.children_by_field_name("name", &mut c).collect();
                    (Some(names), n.field("value").map(named_children))
                }
            };
            let names = names.unwrap_or_default();
            let values = values.unwrap_or_default();
            for (k, id) in names.iter().enumerate() {
                if text(*id, source) != name {
                    continue;
                }
                match values.get(k) {
                    Some(v) if names.len() == values.len() && norm(*v, source) == target => {
                        copies += 1
                    }
                    _ => other_declarations += 1,
                }
            }
        }
        n == func || !syntax::is_function(n.kind())
    });
    copies == 1 && other_declarations == 0 && !is_parameter(func, name, source)
}

fn is_parameter(func: Node, name: &str, source: &str) -> bool {
    ["receiver", "parameters", "result"].iter().any(|field| {
        func.field(field).is_some_and(|list| {
            syntax::identifiers_named(list, source, name)
                .iter()
                .any(|id| id.parent().is_some_and(|p| p.kind().contains("parameter")))
        })
    })
}

/// What is known about the type of an expression.
#[derive(Debug, Clone)]
struct Typed {
    ty: TypeExpr,
    /// The package the type expression is written in.
    package: String,
    /// The value lives outside the current call's frame: behind a pointer, in a slice's or map's
    /// storage, or in a package-level variable.
    shared: bool,
}

/// The answer to a question the index may not be able to answer yet.
enum Lookup<T> {
    Found(T),
    /// Not knowable from what is indexed so far (or ever, when the index is complete).
    Unknown,
    /// Known not to qualify.
    No,
}

use Lookup::{Found, No, Unknown};

macro_rules! found {
    ($e:expr) => {
        match $e {
            Found(v) => v,
            Unknown => return Unknown,
            No => return No,
        }
    };
}

struct Checker<'a, 't> {
    source: &'a str,
    file: &'a FileContext,
    module: ModuleView<'a>,
    decl: Node<'t>,
    imports: Option<Vec<(String, String)>>,
    /// The declaration's identifiers by name, in source order, from one walk on first use: each
    /// re-slice looks up its variables, and a walk per lookup made long functions quadratic.
    identifiers: Option<HashMap<&'a str, Vec<Node<'t>>>>,
    needs_index: bool,
    /// Index names fixes have taken, per function (by node id).
    reserved: HashMap<usize, HashSet<String>>,
}

/// The element type of a re-sliced slice, and the package its spelling belongs to.
struct Element {
    ty: TypeExpr,
    package: String,
}

impl<'a, 't> Checker<'a, 't> {
    fn root(&self) -> Node<'t> {
        let mut n = self.decl;
        while let Some(p) = n.parent() {
            n = p;
        }
        n
    }

    /// The identifiers of the declaration spelled `name`, in source order.
    fn identifiers_named(&mut self, name: &str) -> &[Node<'t>] {
        let source = self.source;
        let decl = self.decl;
        let all = self.identifiers.get_or_insert_with(|| {
            let mut all: HashMap<&'a str, Vec<Node<'t>>> = HashMap::new();
            syntax::walk(decl, |n| {
                if n.kind() == "identifier" {
                    all.entry(text(n, source)).or_default().push(n);
                }
                true
            });
            all
        });
        all.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether the declaration declares a variable `name` anywhere (which then shadows a
    /// package of that name).
    fn declares(&mut self, name: &str) -> bool {
        self.identifiers_named(name)
            .iter()
            .any(|n| syntax::declares_variable(*n))
    }

    fn imports(&mut self) -> &Vec<(String, String)> {
        if self.imports.is_none() {
            self.imports = Some(summary::file_imports(self.root(), self.source));
        }
        self.imports.as_ref().expect("just set")
    }

    fn judge(&mut self, r: &Reslice<'t>, multi: bool) -> Option<Finding> {
        let element = match self.element_of(r.target) {
            Found(e) => e,
            Unknown => {
                self.needs_index |= !self.module.complete;
                return None;
            }
            No => return None,
        };
        if self.already_cleared(r) || self.hands_out_slots(r) || self.may_regrow(r) {
            return None;
        }
        let source = self.source;
        let target = text(r.target, source);
        let shown = display_type(&element.ty, &element.package, self.module.package_path);
        let after_copy = matches!(r.form, Form::Back { .. }) && self.follows_copy(r);
        let message = match r.form {
            Form::Front { start } if norm(start, source) == "1" => format!(
                "re-slicing `{target}` from the front leaves the dropped {shown} in the backing \
                 array, where it stays reachable until the array is reallocated"
            ),
            Form::Front { .. } => format!(
                "re-slicing `{target}` from the front leaves the dropped {shown} elements in the \
                 backing array, where they stay reachable until the array is reallocated"
            ),
            Form::Back { .. } if after_copy => format!(
                "removing from the middle of `{target}` with copy and a shorter length leaves a \
                 duplicate of its last {shown} beyond the length, where it stays reachable until \
                 the slot is overwritten or the array is reallocated"
            ),
            Form::Back { end } if self.is_last_slot(end, r) => format!(
                "shrinking `{target}` by one leaves the dropped {shown} in the backing array \
                 beyond the length, where it stays reachable until the slot is overwritten or \
                 the array is reallocated"
            ),
            Form::Back { .. } => format!(
                "truncating `{target}` leaves the dropped {shown} elements in the backing array \
                 beyond the length, where they stay reachable until the slots are overwritten or \
                 the array is reallocated"
            ),
            Form::Middle { i, j } if norm(j, source) == format!("{}+1", norm(i, source)) => {
                format!(
                    "removing from the middle of `{target}` with append leaves a duplicate of its \
                     last {shown} beyond the length, where it stays reachable until the slot is \
                     overwritten or the array is reallocated"
                )
            }
            Form::Middle { .. } => format!(
                "removing from the middle of `{target}` with append leaves duplicates of its last \
                 {shown} elements beyond the length, where they stay reachable until the slots \
                 are overwritten or the array is reallocated"
            ),
        };
        let fixes = if multi {
            Vec::new()
        } else {
            self.fix(r, &element).into_iter().collect()
        };
        Some(Finding {
            range: r.statement.byte_range(),
            code: Code::SliceRetains,
            severity: Severity::Warning,
            message,
            related: vec![],
            fixes,
        })
    }

    /// The element type of the slice `target`, when `target` outlives the function and its
    /// elements hold pointers.
    fn element_of(&mut self, target: Node) -> Lookup<Element> {
        let typed = found!(self.type_of(target, 0));
        if !typed.shared {
            return No;
        }
        let Some((elem, package)) = typed.ty.element(&typed.package, self.module.index) else {
            return self.unknown_or_no();
        };
        // A pointer counts only when leakls can read what it points to: `*bytes.Buffer` is a
        // type from outside the module, not judged.
        let holds = match &elem {
            TypeExpr::Pointer(inner) => inner
                .underlying(&package, self.module.index, 0)
                .map(|_| true),
            other => other.holds_pointers(&package, self.module.index),
        };
        match holds {
            Some(true) => Found(Element { ty: elem, package }),
            Some(false) => No,
            None => self.unknown_or_no(),
        }
    }

    fn unknown_or_no<T>(&self) -> Lookup<T> {
        if self.module.complete {
            No
        } else {
            Unknown
        }
    }

    /// The type of a (non-call) expression: variables, fields, dereferences and indexing.
    fn type_of(&mut self, expr: Node, depth: usize) -> Lookup<Typed> {
        if depth > 16 {
            return No;
        }
        let source = self.source;
        let expr = unparen(expr);
        match expr.kind() {
            "identifier" => self.variable(expr, depth),
            "selector_expression" => {
                let (Some(operand), Some(field)) = (expr.field("operand"), expr.field("field"))
                else {
                    return No;
                };
                let field = text(field, source);
                if let Some(path) = self.package_of(operand) {
                    return self.global(&path, field);
                }
                let base = found!(self.type_of(operand, depth + 1));
                self.field(&base, field)
            }
            "unary_expression" => {
                if expr
                    .field("operator")
                    .is_none_or(|op| text(op, source) != "*")
                {
                    return No;
                }
                let Some(operand) = expr.field("operand") else {
                    return No;
                };
                let base = found!(self.type_of(operand, depth + 1));
                match base.ty {
                    TypeExpr::Pointer(inner) => Found(Typed {
                        ty: *inner,
                        package: base.package,
                        shared: true,
                    }),
                    _ => No,
                }
            }
            "index_expression" => {
                let Some(operand) = expr.field("operand") else {
                    return No;
                };
                let base = found!(self.type_of(operand, depth + 1));
                let Some((ty, package)) = base.ty.underlying(&base.package, self.module.index, 0)
                else {
                    return self.unknown_or_no();
                };
                match ty {
                    TypeExpr::Slice(elem) | TypeExpr::Map(_, elem) => Found(Typed {
                        ty: *elem,
                        package,
                        shared: true,
                    }),
                    TypeExpr::Array(elem) => Found(Typed {
                        ty: *elem,
                        package,
                        shared: base.shared,
                    }),
                    _ => No,
                }
            }
            _ => No,
        }
    }

    /// The import path `operand` names, when it is an imported package's name.
    fn package_of(&mut self, operand: Node) -> Option<String> {
        if operand.kind() != "identifier" {
            return None;
        }
        let name = text(operand, self.source);
        if self.declares(name) {
            return None;
        }
        self.imports()
            .iter()
            .find(|(local, _)| local == name)
            .map(|(_, path)| path.clone())
    }

    /// A variable: a parameter, receiver or typed `var` of the enclosing functions, or a
    /// package-level variable. Other locals are not followed: their slices die with the call.
    fn variable(&mut self, id: Node, depth: usize) -> Lookup<Typed> {
        let source = self.source;
        let name = text(id, source);
        let declarations: Vec<Node> = self
            .identifiers_named(name)
            .iter()
            .copied()
            .filter(|n| syntax::declares_variable(*n))
            .collect();
        match declarations.as_slice() {
            [] => {
                let package = self.module.package_path.to_string();
                self.global(&package, name)
            }
            [one] => {
                let Some(parent) = one.parent() else {
                    return No;
                };
                if parent.kind() == "expression_list" {
                    return self.inferred(*one, parent, depth);
                }
                if !matches!(parent.kind(), "parameter_declaration" | "var_spec") {
                    return No;
                }
                let Some(ty) = parent.field("type") else {
                    return No;
                };
                let ty = TypeExpr::from_node(ty, source, self.imports());
                Found(Typed {
                    ty,
                    package: self.module.package_path.to_string(),
                    shared: false,
                })
            }
            _ => No, // shadowed or redeclared: not worth guessing which one
        }
    }

    /// The type of a variable declared by `x := expr` or `for _, x := range expr`, where `expr`
    /// is something this check can type (a field, an element). The variable itself is local;
    /// what it points to may not be.
    fn inferred(&mut self, id: Node, list: Node, depth: usize) -> Lookup<Typed> {
        let Some(statement) = list.parent() else {
            return No;
        };
        let position = syntax::index_in(list, id);
        match statement.kind() {
            "short_var_declaration" => {
                let values = statement
                    .field("right")
                    .map(named_children)
                    .unwrap_or_default();
                if values.len() != named_children(list).len() {
                    return No;
                }
                let Some(value) = position.and_then(|k| values.get(k).copied()) else {
                    return No;
                };
                let typed = found!(self.type_of(value, depth + 1));
                Found(Typed {
                    shared: false,
                    ..typed
                })
            }
            "range_clause" if position == Some(1) => {
                let Some(right) = statement.field("right") else {
                    return No;
                };
                let base = found!(self.type_of(right, depth + 1));
                let Some((ty, package)) = base.ty.underlying(&base.package, self.module.index, 0)
                else {
                    return self.unknown_or_no();
                };
                match ty {
                    TypeExpr::Slice(elem) | TypeExpr::Array(elem) | TypeExpr::Map(_, elem) => {
                        Found(Typed {
                            ty: *elem,
                            package,
                            shared: false,
                        })
                    }
                    _ => No,
                }
            }
            _ => No,
        }
    }

    /// A package-level variable of the package `package_path`, from the index.
    fn global(&mut self, package_path: &str, name: &str) -> Lookup<Typed> {
        for file in self.module.index.package_files(package_path) {
            for (_, _, decl) in file.summary.iter() {
                if let Some(g) = decl.globals.iter().find(|g| g.name == name) {
                    return Found(Typed {
                        ty: g.ty.clone(),
                        package: package_path.to_string(),
                        shared: true,
                    });
                }
            }
        }
        self.unknown_or_no()
    }

    /// The field `name` of a struct (or pointer to struct) value, embedded structs included.
    fn field(&self, base: &Typed, name: &str) -> Lookup<Typed> {
        self.field_depth(base, name, 0)
    }

    fn field_depth(&self, base: &Typed, name: &str, depth: usize) -> Lookup<Typed> {
        if depth > 4 {
            return No;
        }
        let (ty, through_pointer) = match &base.ty {
            TypeExpr::Pointer(inner) => ((**inner).clone(), true),
            other => (other.clone(), false),
        };
        let shared = base.shared || through_pointer;
        let Some((underlying, package)) = ty.underlying(&base.package, self.module.index, 0) else {
            return self.unknown_or_no();
        };
        let TypeExpr::Struct(fields) = underlying else {
            return No;
        };
        if let Some(f) = fields.iter().find(|f| f.name == name) {
            return Found(Typed {
                ty: f.ty.clone(),
                package,
                shared,
            });
        }
        let mut unknown = false;
        for f in &fields {
            let embedded = match &f.ty {
                TypeExpr::Named { name: n, .. } => *n == f.name,
                TypeExpr::Pointer(inner) => {
                    matches!(&**inner, TypeExpr::Named { name: n, .. } if *n == f.name)
                }
                _ => false,
            };
            if !embedded {
                continue;
            }
            let inner = Typed {
                ty: f.ty.clone(),
                package: package.clone(),
                shared,
            };
            match self.field_depth(&inner, name, depth + 1) {
                Found(t) => return Found(t),
                Unknown => unknown = true,
                No => {}
            }
        }
        if unknown {
            Unknown
        } else {
            No
        }
    }

    /// The names that stand for the slice in this statement: the target and its local copy.
    fn names(&self, r: &Reslice) -> Vec<String> {
        let mut names = vec![norm(r.target, self.source)];
        let operand = norm(r.operand, self.source);
        if !names.contains(&operand) {
            names.push(operand);
        }
        names
    }

    /// True when a statement before the re-slice in the same block clears elements of the slice
    /// (`x[0] = nil`, `clear(x[...])`, a loop that zeroes them). For a removal with append, the
    /// clearing comes after it.
    fn already_cleared(&self, r: &Reslice) -> bool {
        let names = self.names(r);
        let Some(list) = r.statement.parent() else {
            return false;
        };
        let siblings = named_children(list);
        let Some(at) = siblings.iter().position(|s| *s == r.statement) else {
            return false;
        };
        let candidates: Vec<Node> = match r.form {
            Form::Middle { .. } => siblings[at + 1..].to_vec(),
            _ => siblings[..at].to_vec(),
        };
        candidates
            .into_iter()
            .any(|s| self.clears_any(s, &names, r.statement))
    }

    fn clears_any(&self, node: Node, names: &[String], func_scope: Node) -> bool {
        let source = self.source;
        let mut found = false;
        syntax::walk(node, |n| {
            if found {
                return false;
            }
            match n.kind() {
                "assignment_statement" => {
                    let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                        return true;
                    };
                    let lefts = named_children(left);
                    let rights = named_children(right);
                    for (l, v) in lefts.iter().zip(rights.iter()) {
                        // `x[n].f = nil` clears a field of the dropped element.
                        let mut l = unparen(*l);
                        while l.kind() == "selector_expression" {
                            match l.field("operand") {
                                Some(o) => l = unparen(o),
                                None => break,
                            }
                        }
                        if l.kind() == "index_expression"
                            && l.field("operand")
                                .is_some_and(|o| is_slice_of(o, names, source))
                            && self.is_zero_value(*v, func_scope)
                        {
                            found = true;
                        }
                    }
                }
                "call_expression" => {
                    // `clear(x[n:])`, or a helper named for it: `clearInstrs(x[n:])`.
                    let callee = n.field("function").map(|f| {
                        let name = text(f, source);
                        name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase()
                    });
                    if callee.is_some_and(|c| c.contains("clear") || c.contains("zero")) {
                        let arg = n.field("arguments").and_then(|a| a.named_child(0));
                        if arg.is_some_and(|a| is_slice_of(a, names, source)) {
                            found = true;
                        }
                    }
                }
                _ => {}
            }
            !found && !syntax::is_function(n.kind())
        });
        found
    }

    /// `nil`, `T{}`, `*new(T)`, or a variable declared `var zero T` (with no value).
    fn is_zero_value(&self, value: Node, scope: Node) -> bool {
        let source = self.source;
        let value = unparen(value);
        match value.kind() {
            "nil" => true,
            "composite_literal" => value
                .field("body")
                .is_some_and(|b| b.named_child_count() == 0),
            "unary_expression" => {
                text(value, source).starts_with('*')
                    && value.field("operand").is_some_and(|o| {
                        o.kind() == "call_expression"
                            && o.field("function")
                                .is_some_and(|f| text(f, source) == "new")
                    })
            }
            "identifier" => {
                let name = text(value, source);
                let func = syntax::enclosing_function(scope).unwrap_or(self.decl);
                syntax::identifiers_named(func, source, name)
                    .iter()
                    .any(|id| {
                        id.parent().is_some_and(|p| {
                            p.kind() == "var_spec"
                                && p.field("value").is_none()
                                && p.field("type").is_some()
                        })
                    })
            }
            _ => false,
        }
    }

    /// `e := &x[0]` in the function: the slots are handed out by address (a batch allocator), so
    /// the dropped one is in use, not forgotten.
    fn hands_out_slots(&self, r: &Reslice) -> bool {
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let func_text: String = text(func, self.source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        self.names(r).iter().any(|n| {
            takes_address(&func_text, &format!("{n}["))
                || takes_address(&func_text, &format!("({n})["))
        })
    }

    /// `x = x[:n]` where `n` may exceed the length: the function looks at the capacity
    /// (`if cap(x) >= n { x = x[:n] }`), a condition around it reads `len(x) < n`, or the next
    /// statement clears the new length (a resize for reuse).
    fn may_regrow(&self, r: &Reslice) -> bool {
        let Form::Back { end } = r.form else {
            return false;
        };
        let source = self.source;
        if norm(end, source) == "0" || self.is_last_slot(end, r) {
            return false;
        }
        let names = self.names(r);
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let func_text: String = text(func, source)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if names
            .iter()
            .any(|n| func_text.contains(&format!("cap({n})")))
        {
            return true;
        }
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if n == func {
                break;
            }
            if n.kind() == "if_statement" {
                if let Some(cond) = n.field("condition") {
                    let cond = norm(cond, source);
                    let grows = names.iter().any(|x| {
                        cond.contains(&format!("len({x})<")) || cond.contains(&format!(">len({x})"))
                    });
                    if grows {
                        return true;
                    }
                }
            }
            cur = n.parent();
        }
        r.statement.next_named_sibling().is_some_and(|next| {
            next.kind() == "expression_statement"
                && names
                    .iter()
                    .any(|x| norm(next, source) == format!("clear({x})"))
        })
    }

    /// The statement just before a shrink is `copy(x[i:], x[i+1:])`.
    fn follows_copy(&self, r: &Reslice) -> bool {
        let names = self.names(r);
        let Some(prev) = r.statement.prev_named_sibling() else {
            return false;
        };
        if prev.kind() != "expression_statement" {
            return false;
        }
        let Some(call) = prev.named_child(0) else {
            return false;
        };
        call.kind() == "call_expression"
            && call
                .field("function")
                .is_some_and(|f| text(f, self.source) == "copy")
            && call
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|a| is_slice_of(a, &names, self.source))
    }

    /// `len(x)-1`, or `n-1` where `n := len(x)`: the end of a shrink by one.
    fn is_last_slot(&self, end: Node, r: &Reslice) -> bool {
        let source = self.source;
        let names = self.names(r);
        let end_text = norm(end, source);
        let Some(minus_one) = end_text.strip_suffix("-1") else {
            return false;
        };
        let is_len = |t: &str| names.iter().any(|n| t == format!("len({n})"));
        if is_len(minus_one) {
            return true;
        }
        // `n := len(x)` declared once in the function.
        let Some(func) = syntax::enclosing_function(r.statement) else {
            return false;
        };
        let mut lengths = 0;
        let mut others = 0;
        syntax::walk(func, |n| {
            if n.kind() == "short_var_declaration" {
                if let (Some(l), Some(v)) = (n.field("left"), n.field("right")) {
                    let ls = named_children(l);
                    let vs = named_children(v);
                    for (k, id) in ls.iter().enumerate() {
                        if text(*id, source) == minus_one {
                            match vs.get(k) {
                                Some(v) if ls.len() == vs.len() && is_len(&norm(*v, source)) => {
                                    lengths += 1
                                }
                                _ => others += 1,
                            }
                        }
                    }
                }
            }
            true
        });
        lengths == 1 && others == 0
    }

    /// The quick-fix: clear exactly the slots that leave the slice.
    fn fix(&mut self, r: &Reslice<'t>, element: &Element) -> Option<Fix> {
        let source = self.source;
        let statement = r.statement;
        let list = statement.parent()?;
        if list.kind() != "statement_list" {
            return None; // `for ...; ...; x = x[1:]`: no line of its own
        }
        let func = syntax::enclosing_function(statement)?;
        if !self.fix_keeps_behaviour(r, func) {
            return None;
        }
        let operand = text(r.operand, source);
        let target = text(r.target, source);
        let zero = self.zero_value(element);
        let at_least_21 = self.file.go.at_least(GO_1_21);
        let alone_on_line = source
            [fix::line_start(source, statement.start_byte())..statement.start_byte()]
            .trim()
            .is_empty();
        let before = |lines: Vec<String>| {
            alone_on_line.then(|| {
                vec![fix::insert_lines_before(
                    source,
                    statement.start_byte(),
                    &lines,
                )]
            })
        };
        let (title, edits) = match r.form {
            Form::Front { start } => {
                let n = text(start, source);
                if !is_pure(start, source) {
                    return None;
                }
                if norm(start, source) == "1" {
                    let line = match &zero {
                        Some(z) => format!("{operand}[0] = {z}"),
                        None if at_least_21 => format!("clear({operand}[:1])"),
                        None => return None,
                    };
                    (
                        format!("Clear the dropped element first: {line}"),
                        before(vec![line])?,
                    )
                } else if at_least_21 {
                    let line = format!("clear({operand}[:{n}])");
                    (
                        format!("Clear the dropped elements first: {line}"),
                        before(vec![line])?,
                    )
                } else {
                    let z = zero?;
                    let i = self.fresh_index(func);
                    (
                        "Clear the dropped elements first, in a loop".to_string(),
                        before(vec![
                            format!("for {i} := range {operand}[:{n}] {{"),
                            format!("\t{operand}[{i}] = {z}"),
                            "}".to_string(),
                        ])?,
                    )
                }
            }
            Form::Back { end } => {
                let n = text(end, source);
                if !is_pure(end, source) {
                    return None;
                }
                if self.is_last_slot(end, r) {
                    let line = match &zero {
                        Some(z) => format!("{operand}[{n}] = {z}"),
                        None if at_least_21 => format!("clear({operand}[{n}:])"),
                        None => return None,
                    };
                    (
                        format!("Clear the dropped element first: {line}"),
                        before(vec![line])?,
                    )
                } else if at_least_21 {
                    let line = if norm(end, source) == "0" {
                        format!("clear({operand})")
                    } else {
                        format!("clear({operand}[{n}:])")
                    };
                    (
                        format!("Clear the dropped elements first: {line}"),
                        before(vec![line])?,
                    )
                } else {
                    let z = zero?;
                    let i = self.fresh_index(func);
                    let header = if norm(end, source) == "0" {
                        format!("for {i} := range {operand} {{")
                    } else if is_simple(end) {
                        format!("for {i} := {n}; {i} < len({operand}); {i}++ {{")
                    } else {
                        return None;
                    };
                    (
                        "Clear the dropped elements first, in a loop".to_string(),
                        before(vec![
                            header,
                            format!("\t{operand}[{i}] = {z}"),
                            "}".to_string(),
                        ])?,
                    )
                }
            }
            Form::Middle { i, j } => {
                if !is_pure(i, source) || !is_pure(j, source) {
                    return None;
                }
                let (i_text, j_text) = (text(i, source), text(j, source));
                if self.file.go.at_least(GO_1_22) {
                    if let Some((slices, import)) = self.slices_import(func) {
                        let call = format!("{slices}.Delete({target}, {i_text}, {j_text})");
                        let mut edits = vec![Edit::replace(r.value.byte_range(), call.clone())];
                        edits.extend(import);
                        return Some(Fix {
                            title: format!(
                                "Use {call}, which clears the vacated slot since Go 1.22"
                            ),
                            edits,
                        });
                    }
                }
                if norm(j, source) != format!("{}+1", norm(i, source)) {
                    return None;
                }
                let line = match &zero {
                    Some(z) => format!("{target}[:len({target})+1][len({target})] = {z}"),
                    None if at_least_21 => format!("clear({target}[len({target}):][:1])"),
                    None => return None,
                };
                let rest =
                    &source[statement.end_byte()..fix::line_end(source, statement.end_byte())];
                let rest = rest.trim();
                if !(rest.is_empty() || rest.starts_with("//")) {
                    return None;
                }
                let indent = fix::indentation(source, statement.start_byte()).to_string();
                (
                    format!("Clear the vacated last slot after the shift: {line}"),
                    vec![fix::insert_lines_after(
                        source,
                        statement.end_byte(),
                        &indent,
                        &[line],
                    )],
                )
            }
        };
        Some(Fix { title, edits })
    }

    /// Clearing the dropped slots changes nothing the function still reads: no pointer into the
    /// array is taken, no copy of the slice is read after the statement, and the statement is
    /// not inside a `range` over the same slice.
    fn fix_keeps_behaviour(&self, r: &Reslice, func: Node) -> bool {
        let source = self.source;
        let names = self.names(r);
        // Copies of the slice (`items := q.items`, and the operand itself when it is a copy)
        // must not be read after the statement.
        let mut copies: Vec<String> = Vec::new();
        if norm(r.operand, source) != norm(r.target, source) {
            copies.push(norm(r.operand, source));
        }
        syntax::walk(func, |n| {
            if matches!(n.kind(), "short_var_declaration" | "assignment_statement") {
                if let (Some(l), Some(v)) = (n.field("left"), n.field("right")) {
                    let ls = named_children(l);
                    let vs = named_children(v);
                    if ls.len() == vs.len() {
                        for (id, value) in ls.iter().zip(vs.iter()) {
                            if id.kind() == "identifier" && shares_array(*value, &names, source) {
                                copies.push(text(*id, source).to_string());
                            }
                        }
                    }
                }
            }
            true
        });
        let after = r.statement.end_byte();
        for copy in &copies {
            if names.first() == Some(copy) {
                continue;
            }
            let read_after = syntax::identifiers_named(func, source, copy)
                .iter()
                .any(|id| id.start_byte() >= after);
            if read_after {
                return false;
            }
        }
        // Inside `for ... range x`, the loop reads the array the fix would clear.
        let mut cur = r.statement.parent();
        while let Some(n) = cur {
            if n == func {
                break;
            }
            if n.kind() == "for_statement" {
                let ranges_over = named_children(n)
                    .iter()
                    .filter(|c| c.kind() == "range_clause")
                    .filter_map(|c| c.field("right"))
                    .any(|right| names.contains(&norm(right, source)));
                if ranges_over {
                    return false;
                }
            }
            cur = n.parent();
        }
        true
    }

    /// The zero value of the element type as this file can spell it: `nil`, or `T{}` for a
    /// struct or array type. `None` when the type cannot be named here.
    fn zero_value(&mut self, element: &Element) -> Option<String> {
        let (underlying, _) = element
            .ty
            .underlying(&element.package, self.module.index, 0)?;
        match underlying {
            TypeExpr::Struct(_) | TypeExpr::Array(_) => {
                let spelled = self.spell(&element.ty, &element.package)?;
                Some(format!("{spelled}{{}}"))
            }
            TypeExpr::Named { ref name, .. } if name != "error" && name != "any" => None,
            _ => Some("nil".to_string()),
        }
    }

    /// A named type as this file writes it: `Job`, or `jobs.Job` through the file's import.
    fn spell(&mut self, ty: &TypeExpr, package: &str) -> Option<String> {
        let TypeExpr::Named {
            package: declared_in,
            name,
        } = ty
        else {
            return None;
        };
        let path = declared_in.as_deref().unwrap_or(package).to_string();
        if path == self.module.package_path {
            if self.is_generic_here(name) {
                return None;
            }
            return Some(name.clone());
        }
        let local = self
            .imports()
            .iter()
            .find(|(_, p)| *p == path)
            .map(|(l, _)| l.clone())?;
        Some(format!("{local}.{name}"))
    }

    /// A type of this file declared with type parameters: `T{}` would not compile without them.
    fn is_generic_here(&self, name: &str) -> bool {
        let source = self.source;
        let mut generic = false;
        let root = self.root();
        for decl in named_children(root) {
            if decl.kind() != "type_declaration" {
                continue;
            }
            syntax::walk(decl, |n| {
                if n.kind() == "type_spec"
                    && n.field("name").is_some_and(|x| text(x, source) == name)
                    && n.field("type_parameters").is_some()
                {
                    generic = true;
                }
                n.kind() != "type_spec"
            });
        }
        generic
    }

    fn fresh_index(&mut self, func: Node) -> String {
        let reserved = self.reserved.entry(func.id()).or_default();
        syntax::fresh_name(func, self.source, "i", reserved)
    }

    /// How this file can call the standard `slices` package, and the edit that imports it when
    /// the file does not yet. `None` when the name `slices` means something else here.
    fn slices_import(&mut self, func: Node) -> Option<(String, Option<Edit>)> {
        let source = self.source;
        if let Some((local, _)) = self.imports().iter().find(|(_, p)| p == "slices") {
            let local = local.clone();
            let shadowed = !syntax::identifiers_named(func, source, &local).is_empty();
            return (!shadowed).then_some((local, None));
        }
        if self.imports().iter().any(|(local, _)| local == "slices")
            || !syntax::identifiers_named(self.root(), source, "slices").is_empty()
        {
            return None;
        }
        let root = self.root();
        let nl = fix::line_break(source);
        let imports: Vec<Node> = named_children(root)
            .into_iter()
            .filter(|d| d.kind() == "import_declaration")
            .collect();
        let edit = match imports.iter().find_map(|d| {
            named_children(*d)
                .into_iter()
                .find(|c| c.kind() == "import_spec_list")
        }) {
            Some(list) => {
                // Into the first group of the block, where gofmt's sorting would put it.
                let specs: Vec<Node> = named_children(list)
                    .into_iter()
                    .filter(|c| c.kind() == "import_spec")
                    .collect();
                let first = *specs.first()?;
                let mut group = vec![first];
                for s in &specs[1..] {
                    let prev = group.last().expect("non-empty");
                    if s.start_position().row > prev.end_position().row + 1 {
                        break;
                    }
                    group.push(*s);
                }
                let path_of = |s: &Node| {
                    s.field("path")
                        .map(|p| text(p, source).trim_matches(['"', '`']).to_string())
                        .unwrap_or_default()
                };
                match group.iter().find(|s| path_of(s).as_str() > "slices") {
                    Some(after) => {
                        fix::insert_lines_before(source, after.start_byte(), &["\"slices\"".into()])
                    }
                    None => {
                        let last = group.last().expect("non-empty");
                        let indent = fix::indentation(source, last.start_byte()).to_string();
                        fix::insert_lines_after(
                            source,
                            last.end_byte(),
                            &indent,
                            &["\"slices\"".into()],
                        )
                    }
                }
            }
            None => match imports.last() {
                Some(last) => fix::insert_lines_after(
                    source,
                    last.end_byte(),
                    "",
                    &["import \"slices\"".into()],
                ),
                None => {
                    let package = named_children(root)
                        .into_iter()
                        .find(|d| d.kind() == "package_clause")?;
                    Edit::insert(package.end_byte(), format!("{nl}{nl}import \"slices\""))
                }
            },
        };
        Some(("slices".to_string(), Some(edit)))
    }
}

/// `value` is one of `names` or a slice of it (`subs := x[i:]`): it shares the backing array,
/// so clearing the dropped slots would clear what it still reads.
fn shares_array(value: Node, names: &[String], source: &str) -> bool {
    // A loop: hostile input nests `x[a:][b:]...` deeper than the stack.
    let mut value = unparen(value);
    loop {
        if names.contains(&norm(value, source)) {
            return true;
        }
        match value.kind() {
            "slice_expression" => match value.field("operand") {
                Some(operand) => value = unparen(operand),
                None => return false,
            },
            _ => return false,
        }
    }
}

/// `&` right before `operand` somewhere in `text` (white space removed): an address taken. The
/// `&` of `a&&x[0]` is the operator: in a run of `&`s an odd count ends with an address-of.
fn takes_address(text: &str, operand: &str) -> bool {
    text.match_indices(operand).any(|(at, _)| {
        let ampersands = text[..at].bytes().rev().take_while(|&b| b == b'&').count();
        ampersands % 2 == 1
    })
}

/// `x`, `x[...]` or `x[a:b]` where `x` is one of `names`.
fn is_slice_of(node: Node, names: &[String], source: &str) -> bool {
    let mut node = unparen(node);
    // A loop, not recursion: `x[a:][b:]...` may be nested 100,000 deep in hostile input.
    loop {
        let operand = match node.kind() {
            "slice_expression" | "index_expression" => match node.field("operand") {
                Some(o) => o,
                None => return false,
            },
            _ => node,
        };
        let operand = unparen(operand);
        // `x[:len(x)+1][len(x)]`: the slot just past the length, through a longer slice.
        if operand.kind() != "slice_expression" {
            return names.contains(&norm(operand, source));
        }
        node = operand;
    }
}

/// `x[:len(x)+1]`, `x[:cap(x)]`: a new length that may be longer, not a shrink.
fn may_grow(end: Node, source: &str) -> bool {
    let end = unparen(end);
    let adds = end.kind() == "binary_expression"
        && end
            .field("operator")
            .is_some_and(|op| text(op, source) == "+");
    adds || text(end, source).contains("cap(")
}

/// No calls (other than `len` and `cap`) and no receives: evaluating it again changes nothing.
fn is_pure(expr: Node, source: &str) -> bool {
    let mut pure = true;
    syntax::walk(expr, |n| {
        match n.kind() {
            "call_expression" => {
                let callee = n.field("function").map(|f| text(f, source));
                if !matches!(callee, Some("len" | "cap")) {
                    pure = false;
                }
            }
            "unary_expression" if text(n, source).starts_with("<-") => pure = false,
            _ => {}
        }
        pure
    });
    pure
}

/// An expression gofmt lays out the same wherever it stands (no binary operators).
fn is_simple(expr: Node) -> bool {
    matches!(
        expr.kind(),
        "identifier" | "int_literal" | "selector_expression" | "call_expression"
    ) && {
        let mut binary = false;
        syntax::walk(expr, |n| {
            binary |= n.kind() == "binary_expression";
            !binary
        });
        !binary
    }
}

/// A type as a message shows it: `*Job`, `jobs.Job`, `map[string]*Conn`.
fn display_type(ty: &TypeExpr, package: &str, here: &str) -> String {
    match ty {
        TypeExpr::Named {
            package: declared_in,
            name,
        } => {
            let path = declared_in.as_deref().unwrap_or(package);
            let builtin = declared_in.is_none() && matches!(name.as_str(), "error" | "any");
            if builtin || path == here {
                name.clone()
            } else {
                format!("{}.{name}", path.rsplit('/').next().unwrap_or(path))
            }
        }
        TypeExpr::Pointer(inner) => format!("*{}", display_type(inner, package, here)),
        TypeExpr::Slice(inner) => format!("[]{}", display_type(inner, package, here)),
        TypeExpr::Array(inner) => format!("[...]{}", display_type(inner, package, here)),
        TypeExpr::Map(k, v) => format!(
            "map[{}]{}",
            display_type(k, package, here),
            display_type(v, package, here)
        ),
        TypeExpr::Chan(inner) => format!("chan {}", display_type(inner, package, here)),
        TypeExpr::Func => "func".to_string(),
        TypeExpr::Interface => "interface value".to_string(),
        TypeExpr::Struct(_) => "struct".to_string(),
        TypeExpr::Unknown => "element".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::takes_address;

    #[test]
    fn an_address_is_an_odd_run_of_ampersands() {
        assert!(takes_address("p:=&x[0]", "x["));
        assert!(takes_address("ok&&&x[0]!=nil", "x["));
        assert!(!takes_address("len(x)>0&&x[0].done", "x["));
        assert!(!takes_address("y:=x[0]", "x["));
    }
}
