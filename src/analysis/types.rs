//! Go types as far as leakls needs them: enough to tell whether a value of a type holds
//! pointers (so that a slot left in a backing array keeps something alive).
//!
//! Qualified names are resolved to import paths when a summary is made, so a type expression
//! means the same thing wherever it is later looked at.

use tree_sitter::Node;

use super::syntax::{text, Fields};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    /// A named type: `int`, `error`, `Job`, `sync.Map`. `package` is the import path, or `None`
    /// for the package the expression was written in (and for predeclared types).
    Named {
        package: Option<String>,
        name: String,
    },
    Pointer(Box<TypeExpr>),
    Slice(Box<TypeExpr>),
    Array(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    Chan(Box<TypeExpr>),
    Func,
    Interface,
    Struct(Vec<Field>),
    /// Something leakls does not model (a type parameter's constraint, an expression it could
    /// not type). Never reported on.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The field name; for an embedded field, the type's name.
    pub name: String,
    pub ty: TypeExpr,
}

/// Maps the package names a file uses to import paths.
pub trait ImportResolver {
    fn import_path(&self, local_name: &str) -> Option<String>;
}

impl ImportResolver for &[(String, String)] {
    fn import_path(&self, local_name: &str) -> Option<String> {
        self.iter()
            .find(|(local, _)| local == local_name)
            .map(|(_, path)| path.clone())
    }
}

impl ImportResolver for Vec<(String, String)> {
    fn import_path(&self, local_name: &str) -> Option<String> {
        self.as_slice().import_path(local_name)
    }
}

impl TypeExpr {
    /// The type a tree-sitter type node spells, with package names resolved by `imports`.
    pub fn from_node(node: Node, source: &str, imports: &dyn ImportResolver) -> TypeExpr {
        Self::from_node_depth(node, source, imports, 0)
    }

    fn from_node_depth(
        node: Node,
        source: &str,
        imports: &dyn ImportResolver,
        depth: usize,
    ) -> TypeExpr {
        if depth > 64 {
            return TypeExpr::Unknown;
        }
        let sub = |field: &str| {
            node.field(field)
                .map(|n| Box::new(Self::from_node_depth(n, source, imports, depth + 1)))
                .unwrap_or_else(|| Box::new(TypeExpr::Unknown))
        };
        match node.kind() {
            "type_identifier" => TypeExpr::Named {
                package: None,
                name: text(node, source).to_string(),
            },
            "qualified_type" => {
                let pkg = node.field("package").map(|p| text(p, source));
                let name = node.field("name").map(|n| text(n, source));
                match (pkg.and_then(|p| imports.import_path(p)), name) {
                    (Some(path), Some(name)) => TypeExpr::Named {
                        package: Some(path),
                        name: name.to_string(),
                    },
                    _ => TypeExpr::Unknown,
                }
            }
            "generic_type" => node
                .field("type")
                .map(|t| Self::from_node_depth(t, source, imports, depth + 1))
                .unwrap_or(TypeExpr::Unknown),
            "pointer_type" => TypeExpr::Pointer(Box::new(
                node.named_child(0)
                    .map(|n| Self::from_node_depth(n, source, imports, depth + 1))
                    .unwrap_or(TypeExpr::Unknown),
            )),
            "slice_type" => TypeExpr::Slice(sub("element")),
            "array_type" | "implicit_length_array_type" => TypeExpr::Array(sub("element")),
            "map_type" => TypeExpr::Map(sub("key"), sub("value")),
            "channel_type" => TypeExpr::Chan(sub("value")),
            "function_type" => TypeExpr::Func,
            "interface_type" => TypeExpr::Interface,
            "parenthesized_type" => node
                .named_child(0)
                .map(|n| Self::from_node_depth(n, source, imports, depth + 1))
                .unwrap_or(TypeExpr::Unknown),
            "struct_type" => {
                let mut fields = Vec::new();
                let Some(list) = node.named_child(0) else {
                    return TypeExpr::Struct(fields);
                };
                let mut cursor = list.walk();
                for decl in list.named_children(&mut cursor) {
                    if decl.kind() != "field_declaration" {
                        continue;
                    }
                    let Some(ty_node) = decl.field("type") else {
                        continue;
                    };
                    let ty = Self::from_node_depth(ty_node, source, imports, depth + 1);
                    let mut names_cursor = decl.walk();
                    let names: Vec<String> = decl
                        .children_by_field_name("name", &mut names_cursor)
                        .map(|n| text(n, source).to_string())
                        .collect();
                    if names.is_empty() {
                        // Embedded: the field is named after its type.
                        fields.push(Field {
                            name: ty.base_name().unwrap_or_default(),
                            ty,
                        });
                    } else {
                        for name in names {
                            fields.push(Field {
                                name,
                                ty: ty.clone(),
                            });
                        }
                    }
                }
                TypeExpr::Struct(fields)
            }
            _ => TypeExpr::Unknown,
        }
    }

    /// `Job` for `Job`, `*Job`, `pkg.Job`.
    pub fn base_name(&self) -> Option<String> {
        match self {
            TypeExpr::Named { name, .. } => Some(name.clone()),
            TypeExpr::Pointer(inner) => inner.base_name(),
            _ => None,
        }
    }

    /// The element type of a slice or array type, or of a named slice type.
    pub fn element(&self, from_package: &str, index: &dyn TypeIndex) -> Option<(TypeExpr, String)> {
        match self.underlying(from_package, index, 0)? {
            (TypeExpr::Slice(elem) | TypeExpr::Array(elem), pkg) => Some((*elem, pkg)),
            _ => None,
        }
    }

    /// Follows named types of the module to their definition. Returns the type and the
    /// package it is written in. `None` when a name cannot be followed (outside the module).
    pub fn underlying(
        &self,
        from_package: &str,
        index: &dyn TypeIndex,
        depth: usize,
    ) -> Option<(TypeExpr, String)> {
        if depth > 32 {
            return None;
        }
        match self {
            TypeExpr::Named { package, name } => {
                if package.is_none() && predeclared(name).is_some() {
                    return Some((self.clone(), from_package.to_string()));
                }
                let pkg = package.as_deref().unwrap_or(from_package);
                let decl = index.type_decl(pkg, name)?;
                decl.underlying(pkg, index, depth + 1)
            }
            other => Some((other.clone(), from_package.to_string())),
        }
    }

    /// Whether values of this type hold pointers that keep other objects alive: pointers,
    /// interfaces, maps, channels, funcs, slices, and structs or arrays of those. Strings do not
    /// count (they are immutable and usually small). `None`: unknown (a type outside the module).
    pub fn holds_pointers(&self, from_package: &str, index: &dyn TypeIndex) -> Option<bool> {
        self.holds_pointers_depth(from_package, index, 0)
    }

    fn holds_pointers_depth(
        &self,
        from_package: &str,
        index: &dyn TypeIndex,
        depth: usize,
    ) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        match self {
            TypeExpr::Pointer(_)
            | TypeExpr::Slice(_)
            | TypeExpr::Map(..)
            | TypeExpr::Chan(_)
            | TypeExpr::Func
            | TypeExpr::Interface => Some(true),
            TypeExpr::Array(elem) => elem.holds_pointers_depth(from_package, index, depth + 1),
            TypeExpr::Struct(fields) => {
                let mut all_known = true;
                for f in fields {
                    match f.ty.holds_pointers_depth(from_package, index, depth + 1) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => all_known = false,
                    }
                }
                all_known.then_some(false)
            }
            TypeExpr::Named { package, name } => {
                if package.is_none() {
                    if let Some(pointers) = predeclared(name) {
                        return Some(pointers);
                    }
                }
                let pkg = package.as_deref().unwrap_or(from_package);
                let decl = index.type_decl(pkg, name)?;
                decl.holds_pointers_depth(pkg, index, depth + 1)
            }
            TypeExpr::Unknown => None,
        }
    }
}

/// Predeclared types: whether they hold pointers. `None` for a name that is not predeclared.
fn predeclared(name: &str) -> Option<bool> {
    match name {
        "error" | "any" => Some(true),
        "string" | "bool" | "byte" | "rune" | "int" | "int8" | "int16" | "int32" | "int64"
        | "uint" | "uint8" | "uint16" | "uint32" | "uint64" | "uintptr" | "float32" | "float64"
        | "complex64" | "complex128" => Some(false),
        _ => None,
    }
}

/// Type declarations of the packages of the module, by import path. Packages outside the module
/// answer `None`: leakls does not guess at types it has not read.
pub trait TypeIndex {
    fn type_decl(&self, package_path: &str, name: &str) -> Option<TypeExpr>;
}

/// An index that knows no types (a file analysed on its own, outside any module).
pub struct NoTypes;

impl TypeIndex for NoTypes {
    fn type_decl(&self, _: &str, _: &str) -> Option<TypeExpr> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Types(HashMap<(String, String), TypeExpr>);

    impl TypeIndex for Types {
        fn type_decl(&self, package_path: &str, name: &str) -> Option<TypeExpr> {
            self.0
                .get(&(package_path.to_string(), name.to_string()))
                .cloned()
        }
    }

    fn type_of(src: &str) -> TypeExpr {
        let full = format!("package p\nimport \"example.com/m/job\"\nvar _ {src}\n");
        let tree = crate::analysis::parse(&full);
        let mut found = None;
        crate::analysis::syntax::walk(tree.root_node(), |n| {
            if n.kind() == "var_spec" && found.is_none() {
                found = n.field("type");
            }
            true
        });
        let imports = vec![("job".to_string(), "example.com/m/job".to_string())];
        TypeExpr::from_node(found.unwrap(), &full, &imports)
    }

    #[test]
    fn knows_which_types_hold_pointers() {
        let mut decls = HashMap::new();
        decls.insert(
            ("m".into(), "Plain".into()),
            type_of("struct{ a, b int; s string }"),
        );
        decls.insert(
            ("m".into(), "Holder".into()),
            type_of("struct{ n int; inner Plain; p *int }"),
        );
        decls.insert(("m".into(), "connList".into()), type_of("[]*Conn"));
        decls.insert(
            ("example.com/m/job".into(), "Job".into()),
            type_of("struct{ id int; data []byte }"),
        );
        let index = Types(decls);
        let holds = |src: &str| type_of(src).holds_pointers("m", &index);
        assert_eq!(holds("[]int"), Some(true)); // a slice value itself holds a pointer
        assert_eq!(holds("int"), Some(false));
        assert_eq!(holds("string"), Some(false));
        assert_eq!(holds("Plain"), Some(false));
        assert_eq!(holds("Holder"), Some(true));
        assert_eq!(holds("[4]Plain"), Some(false));
        assert_eq!(holds("error"), Some(true));
        assert_eq!(holds("job.Job"), Some(true));
        assert_eq!(holds("Unknown"), None);
        assert_eq!(holds("time.Duration"), None); // not imported here, outside the module
        let (elem, pkg) = type_of("connList").element("m", &index).unwrap();
        assert_eq!(pkg, "m");
        assert_eq!(elem.holds_pointers(&pkg, &index), Some(true));
    }
}
