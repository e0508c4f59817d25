//! The slice's type and its owner: whether the elements hold pointers, and whether what holds
//! the slice outlives the function that drops them.

use tree_sitter::Node;

use super::super::repeats::{declaration_repeats, repeats, Callers};
use super::shapes::named_children;
use super::{Checker, Element, Found, Lookup, No, Typed, Unknown};
use crate::analysis::module::ModuleIndex;
use crate::analysis::summary::{self, UseKind};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::types::TypeExpr;

impl<'a, 't> Checker<'a, 't> {
    /// The element type of the slice `target`, when `target` outlives the function and its
    /// elements hold pointers.
    pub(super) fn element_of(&mut self, target: Node<'t>) -> Lookup<Element> {
        let typed = found!(self.type_of(target, 0));
        if !typed.shared {
            return No;
        }
        let Some((elem, package)) = typed.ty.element(&typed.package, self.module.index) else {
            return self.unknown_or_no();
        };
        // A pointer keeps what it points to alive, whatever that is: `*bytes.Buffer` too. So do
        // maps, channels, funcs, slices and interfaces; a named type leakls cannot read (from
        // outside the module) may or may not.
        let holds = elem.holds_pointers(&package, self.module.index);
        match holds {
            Some(true) => Found(Element { ty: elem, package }),
            Some(false) => No,
            None => self.unknown_or_no(),
        }
    }

    pub(super) fn unknown_or_no<T>(&self) -> Lookup<T> {
        if self.module.complete {
            No
        } else {
            Unknown
        }
    }

    /// The type of a (non-call) expression: variables, fields, dereferences and indexing.
    pub(super) fn type_of(&mut self, expr: Node<'t>, depth: usize) -> Lookup<Typed> {
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

    /// [`Self::package_of`] for callers that cannot take `&mut self`: the declaration's
    /// identifiers are looked up afresh.
    pub(super) fn package_of_unshadowed(&self, operand: Node<'t>) -> Option<String> {
        if operand.kind() != "identifier" {
            return None;
        }
        let source = self.source;
        let name = text(operand, source);
        if syntax::innermost_declaration(
            operand,
            syntax::identifiers_named(self.decl, source, name),
        )
        .is_some()
        {
            return None;
        }
        summary::file_imports(self.root(), source)
            .into_iter()
            .find(|(local, _)| local == name)
            .map(|(_, path)| path)
    }

    /// The import path `operand` names, when it is an imported package's name.
    pub(super) fn package_of(&mut self, operand: Node) -> Option<String> {
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
    pub(super) fn variable(&mut self, id: Node<'t>, depth: usize) -> Lookup<Typed> {
        let source = self.source;
        let name = text(id, source);
        let candidates = self.identifiers_named(name).to_vec();
        // The declaration in scope: another closure's parameter of the same name is another
        // variable.
        match syntax::innermost_declaration(id, candidates) {
            None => {
                let package = self.module.package_path.to_string();
                self.global(&package, name)
            }
            Some(one) => {
                let Some(parent) = one.parent() else {
                    return No;
                };
                if parent.kind() == "expression_list" {
                    return self.inferred(one, parent, depth);
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
        }
    }

    /// The type of a variable declared by `x := expr` or `for _, x := range expr`, where `expr`
    /// is something this check can type (a field, an element). The variable itself is local;
    /// what it points to may not be.
    pub(super) fn inferred(&mut self, id: Node<'t>, list: Node<'t>, depth: usize) -> Lookup<Typed> {
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
    pub(super) fn global(&mut self, package_path: &str, name: &str) -> Lookup<Typed> {
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
    pub(super) fn field(&self, base: &Typed, name: &str) -> Lookup<Typed> {
        self.field_depth(base, name, 0)
    }

    pub(super) fn field_depth(&self, base: &Typed, name: &str, depth: usize) -> Lookup<Typed> {
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
}

impl<'a, 't> Checker<'a, 't> {
    /// Whether what holds the slice `target` outlives the function that re-slices it: a
    /// package-level slice appended to on every request or event, or a field of a value that
    /// is shared (its type, or a type that holds it, has a mutex). A local, a parser or a
    /// walker made for one call, a compiler pass's state: none of these is known to outlive
    /// the call, and the check stays silent about them.
    pub(super) fn outlives(&mut self, target: Node<'t>) -> Lookup<()> {
        // A command's own code runs for one program, which may run once and exit: only a path
        // that serves requests or events shows that it repeats.
        if self
            .module
            .index
            .is_part_of_command(self.module.package_path)
        {
            let imports = self.imports().clone();
            let module = self.module;
            if !declaration_repeats(
                self.decl,
                self.source,
                &imports,
                module.index,
                module.package_path,
            ) {
                return self.unknown_or_no();
            }
        }
        let source = self.source;
        let target = unparen(target);
        match target.kind() {
            "identifier" => {
                let candidates = self.identifiers_named(text(target, source)).to_vec();
                if syntax::innermost_declaration(target, candidates).is_some() {
                    return No; // the function's own slice header
                }
                let package = self.module.package_path.to_string();
                self.global_outlives(&package, text(target, source))
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) = (target.field("operand"), target.field("field"))
                else {
                    return No;
                };
                if let Some(path) = self.package_of(operand) {
                    return self.global_outlives(&path, text(field, source));
                }
                let base = found!(self.type_of(operand, 0));
                // In `s.plan.items` the value that holds `plan` is known: it decides, not any
                // type that might hold a plan somewhere else. A mutex of the plan's own says
                // that goroutines share it, whoever holds it.
                if unparen(operand).kind() == "selector_expression"
                    && self
                        .package_of(unparen(operand).field("operand").unwrap_or(operand))
                        .is_none()
                    && !self.value_has_mutex(&base.ty, &base.package)
                {
                    return self.outlives(operand);
                }
                self.holder_outlives(operand, &base.ty, &base.package)
            }
            "unary_expression" => {
                // `*h` in a method of `h *Heap`: the named slice type is what something holds.
                let Some(operand) = target.field("operand") else {
                    return No;
                };
                let base = found!(self.type_of(operand, 0));
                match base.ty {
                    TypeExpr::Pointer(inner) => {
                        self.holder_outlives(operand, &inner, &base.package)
                    }
                    _ => No,
                }
            }
            // `o.free[key]`: a slice kept in a map or slice lives as long as that does.
            "index_expression" => match target.field("operand") {
                Some(operand) => self.outlives(operand),
                None => No,
            },
            _ => No,
        }
    }

    /// The value `operand` (of type `ty`) that holds the slice outlives the call. The types
    /// that hold values of its type vouch for it only in the type's own methods, where the
    /// receiver is whichever value those holders keep (a heap's `Pop`), and in a function
    /// literal's parameter, the state a holder lends to a callback
    /// (`c.update(func(s *state) { ... })`). A named function handed some value of the type
    /// (`reset(e *Entry)`) may be given a temporary one.
    fn holder_outlives(&mut self, operand: Node<'t>, ty: &TypeExpr, package: &str) -> Lookup<()> {
        if self.is_receiver(operand) || self.literal_with_parameter(operand).is_some() {
            self.value_outlives(ty, package)
        } else if self.value_has_mutex(ty, package) {
            Found(())
        } else {
            No
        }
    }

    /// `operand` names the receiver of the method being checked (not a local that shadows it).
    fn is_receiver(&self, operand: Node<'t>) -> bool {
        let Some(receiver) = self.decl.field("receiver") else {
            return false;
        };
        self.declaration_of(operand)
            .is_some_and(|d| receiver.byte_range().contains(&d.start_byte()))
    }

    /// A value of type `ty` (or what `ty` points to) outlives a call when its named type does.
    fn value_outlives(&mut self, ty: &TypeExpr, package: &str) -> Lookup<()> {
        let inner = match ty {
            TypeExpr::Pointer(inner) => inner.as_ref(),
            other => other,
        };
        match inner {
            TypeExpr::Named {
                package: declared_in,
                name,
            } => {
                let package = declared_in.as_deref().unwrap_or(package).to_string();
                self.type_outlives(&package, name, 0)
            }
            _ => No,
        }
    }

    /// The named type of `ty` (or what it points to) has a mutex of its own.
    fn value_has_mutex(&self, ty: &TypeExpr, package: &str) -> bool {
        let inner = match ty {
            TypeExpr::Pointer(inner) => inner.as_ref(),
            other => other,
        };
        let TypeExpr::Named {
            package: declared_in,
            name,
        } = inner
        else {
            return false;
        };
        let package = declared_in.as_deref().unwrap_or(package);
        self.module
            .index
            .type_decl(package, name)
            .is_some_and(|decl| has_mutex(&decl))
    }

    /// Values of the named type `name` of `package` are shared, and so live longer than one
    /// call: it has a mutex (goroutines share it), or a type that is so holds one in a field. A
    /// package-level variable holding one value (a sentinel, a default) says nothing of the
    /// others.
    fn type_outlives(&mut self, package: &str, name: &str, depth: usize) -> Lookup<()> {
        let key = (package.to_string(), name.to_string());
        if let Some(known) = self.long_lived.get(&key) {
            return if *known { Found(()) } else { No };
        }
        let index = self.module.index;
        let Some(decl) = index.type_decl(package, name) else {
            return self.unknown_or_no();
        };
        let mut outlives = has_mutex(&decl);
        if !outlives && depth < 2 {
            for (holder_package, holder) in holders_of(index, package, name) {
                let itself = holder_package == package && holder == name;
                if !itself
                    && matches!(
                        self.type_outlives(&holder_package, &holder, depth + 1),
                        Found(())
                    )
                {
                    outlives = true;
                    break;
                }
            }
        }
        self.long_lived.insert(key, outlives);
        if outlives {
            Found(())
        } else {
            No
        }
    }

    /// A package-level slice outlives every function; it grows for good when it is appended to
    /// on every request or event (see [`repeats`](super::super::repeats)).
    fn global_outlives(&mut self, package: &str, name: &str) -> Lookup<()> {
        let index = self.module.index;
        let mut callers = Callers::new(index);
        for user in index.users_of(package, name) {
            if user.is_test() || user.summary.build_ignore {
                continue;
            }
            for (_, _, decl) in user.summary.iter() {
                for u in decl.uses.iter().filter(|u| {
                    u.kind == UseKind::Append
                        && !u.setup
                        && user.refers_to(&u.target, package, name)
                }) {
                    if repeats(u, decl, &user, &mut callers).is_some() {
                        return Found(());
                    }
                }
            }
        }
        self.unknown_or_no()
    }
}

/// A struct with a `sync.Mutex` or `sync.RWMutex` field (or a pointer to one), embedded or not.
fn has_mutex(ty: &TypeExpr) -> bool {
    let TypeExpr::Struct(fields) = ty else {
        return false;
    };
    fields.iter().any(|f| {
        let ty = match &f.ty {
            TypeExpr::Pointer(inner) => inner.as_ref(),
            other => other,
        };
        matches!(ty, TypeExpr::Named { package: Some(p), name } if p == "sync" && (name == "Mutex" || name == "RWMutex"))
    })
}

/// Whether `ty` mentions the named type `name` of its own package anywhere (`*T`, `[]T`,
/// `map[K]*T`).
fn mentions(ty: &TypeExpr, name: &str) -> bool {
    match ty {
        TypeExpr::Named {
            package: None,
            name: n,
        } => n == name,
        TypeExpr::Named { .. } | TypeExpr::Func | TypeExpr::Interface | TypeExpr::Unknown => false,
        TypeExpr::Pointer(inner)
        | TypeExpr::Slice(inner)
        | TypeExpr::Array(inner)
        | TypeExpr::Chan(inner) => mentions(inner, name),
        TypeExpr::Map(k, v) => mentions(k, name) || mentions(v, name),
        TypeExpr::Struct(fields) => fields.iter().any(|f| mentions(&f.ty, name)),
    }
}

/// The struct types with a field that holds values of the type `name` of `package`: in its
/// package, and in the packages that import it (`deferred pqueue.PriorityQueue` in a channel).
/// As (package, type name).
fn holders_of(index: &dyn ModuleIndex, package: &str, name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut files = index.package_files(package);
    files.extend(index.importers_of(package));
    for f in files {
        if f.is_test() {
            continue;
        }
        let here = f.package_path == package;
        for (_, _, d) in f.summary.iter() {
            for (holder, ty) in &d.types {
                let holds = if here {
                    mentions(ty, name)
                } else {
                    mentions_from(ty, package, name)
                };
                if matches!(ty, TypeExpr::Struct(_)) && holds {
                    out.push((f.package_path.clone(), holder.clone()));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `ty`, written in another package, mentions the type `name` of `package`.
fn mentions_from(ty: &TypeExpr, package: &str, name: &str) -> bool {
    match ty {
        TypeExpr::Named {
            package: Some(p),
            name: n,
        } => p == package && n == name,
        TypeExpr::Named { .. } | TypeExpr::Func | TypeExpr::Interface | TypeExpr::Unknown => false,
        TypeExpr::Pointer(inner)
        | TypeExpr::Slice(inner)
        | TypeExpr::Array(inner)
        | TypeExpr::Chan(inner) => mentions_from(inner, package, name),
        TypeExpr::Map(k, v) => mentions_from(k, package, name) || mentions_from(v, package, name),
        TypeExpr::Struct(fields) => fields.iter().any(|f| mentions_from(&f.ty, package, name)),
    }
}
