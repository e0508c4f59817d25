//! The slice's type and its owner: whether the elements hold pointers, and whether what holds
//! the slice outlives the function that drops them.

use tree_sitter::Node;

use super::shapes::named_children;
use super::{Checker, Element, Found, Lookup, No, Typed, Unknown};
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::types::TypeExpr;

impl<'a, 't> Checker<'a, 't> {
    /// The element type of the slice `target`, when `target` outlives the function and its
    /// elements hold pointers.
    pub(super) fn element_of(&mut self, target: Node) -> Lookup<Element> {
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

    pub(super) fn unknown_or_no<T>(&self) -> Lookup<T> {
        if self.module.complete {
            No
        } else {
            Unknown
        }
    }

    /// The type of a (non-call) expression: variables, fields, dereferences and indexing.
    pub(super) fn type_of(&mut self, expr: Node, depth: usize) -> Lookup<Typed> {
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
    pub(super) fn variable(&mut self, id: Node, depth: usize) -> Lookup<Typed> {
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
    pub(super) fn inferred(&mut self, id: Node, list: Node, depth: usize) -> Lookup<Typed> {
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
