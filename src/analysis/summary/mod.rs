//! What a file tells the rest of its module, without its syntax tree: package-level types and
//! variables, methods, every place a package-level name is written, and the struct fields that
//! hold tickers. A tree costs ~30 bytes per source byte; a summary a few hundred bytes per
//! declaration, so closed files keep only this.
//!
//! A summary is kept per top-level declaration, with offsets relative to the declaration's start,
//! so an edit re-summarises only the declarations it touches.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::kind::Kind;
use super::syntax::{self, text, Fields};
use super::types::TypeExpr;

mod code;
pub mod regrow;
pub mod repeat;

pub use repeat::{Bound, Call, Callee, FuncName, Growth, Key, Repeat};

/// Pointer levels an initializer such as `& &T{}` may spell before its type counts as unknown.
const MAX_ADDRESS_OF: usize = 64;

/// A name as written in a file: `Sessions` (this package) or `state.Sessions` (an import).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameRef {
    /// The import's local name, or `None` for this package.
    pub package: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UseKind {
    /// `m[k] = v`, `m[k]++`: grows a map (overwrites a slice element).
    IndexSet,
    /// `s = append(s, ...)`.
    Append,
    /// `m.Store(k, v)`, `m.LoadOrStore(k, v)`.
    Store,
    /// `delete`, `clear`, `Delete`, `LoadAndDelete`, `Swap`, `CompareAndDelete`, `Clear`.
    Remove,
    /// Any other assignment: `s = s[:0]`, `m = nil`, `m = make(...)`, `s = slices.Delete(...)`.
    Reassign,
    /// Handed to code that could change it: a call argument, `&x`, returned, aliased.
    Escape,
}

impl UseKind {
    pub fn grows(self) -> bool {
        matches!(self, UseKind::IndexSet | UseKind::Append | UseKind::Store)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Use {
    pub target: NameRef,
    pub kind: UseKind,
    /// The statement or call that uses it.
    pub range: Range<usize>,
    /// Its line, counted from the declaration's first line.
    pub row: usize,
    /// Inside `init`, a `Register*`/`register*` function, or a package-level initializer:
    /// code that fills a table once.
    pub setup: bool,
    /// For a growth ([`UseKind::grows`]): what repeats it, what bounds it, and its key.
    pub growth: Option<Box<Growth>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Global {
    pub name: String,
    pub name_range: Range<usize>,
    /// Declared, or inferred from a composite literal, `make`, `new` or `&T{}`.
    pub ty: TypeExpr,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Method {
    pub receiver_type: String,
    pub name: String,
    /// `None` for `func (*T) M()` and `func (_ *T) M()`.
    pub receiver_name: Option<String>,
    /// From the `{` of the body to its `}` (inclusive).
    pub body: Range<usize>,
    /// How the body is laid out, which decides how a statement can be added at its start.
    pub body_layout: BodyLayout,
    /// The end of the leading guard that tests the receiver for nil (`if c == nil || c.closed
    /// { return }`), when the body starts with one: code added at the start of the method that
    /// uses the receiver belongs after it.
    pub after_guards: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyLayout {
    /// `{}`
    Empty,
    /// `{` ends its line (gofmt's layout for a body with statements).
    Lines,
    /// `{ return nil }`
    OneLine,
}

/// `x.f = time.NewTicker(d)` or `T{f: time.NewTicker(d)}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TickerField {
    /// The struct type, when leakls can tell.
    pub owner: Option<String>,
    pub field: String,
    /// The `NewTicker` call.
    pub call: Range<usize>,
    /// True for a composite literal (the field is set when the value is made).
    pub in_literal: bool,
}

/// What one top-level declaration contributes. Offsets are relative to the declaration start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DeclSummary {
    pub types: Vec<(String, TypeExpr)>,
    pub globals: Vec<Global>,
    pub methods: Vec<Method>,
    pub uses: Vec<Use>,
    /// Field names `f` in `x.f.Stop` (called or taken as a method value).
    pub stopped_fields: Vec<String>,
    /// Field names `f` whose ticker value leaves through `x.f` (argument, return, alias).
    pub escaped_fields: Vec<String>,
    /// Field names `f` appended to: `x.f = append(...)`, `x.f[k] = append(...)`.
    pub appended_fields: Vec<String>,
    /// The last name of each slice (`items` in `q.items[:n]`) re-sliced to an end that may lie
    /// beyond its length (anything but `0` and `len(x)` less something): code that can read
    /// slots a truncation left behind. One entry per expression.
    pub regrown_slices: Vec<String>,
    pub ticker_fields: Vec<TickerField>,
    /// The function or method declared, if this is one.
    pub func: Option<FuncName>,
    /// It serves HTTP requests: every call it makes repeats per request.
    pub handler: bool,
    /// Calls of package-level functions and of methods, each once per way it repeats.
    pub calls: Vec<Call>,
    /// Package-level constants: (name, the type their declaration spells).
    pub consts: Vec<(String, Option<TypeExpr>)>,
    /// [`name_hash`] of every field or method name selected in the code (`f` in `x.f`, `x.f()`)
    /// and of every key of a composite literal (`T{f: v}`), sorted: whether another file of the
    /// package can touch a field, answered without its tree. A collision only makes a check
    /// that asks more cautious.
    pub field_mentions: Box<[u32]>,
}

/// The types named in a composite literal that sets fields by position (`T{a, b}`, or
/// `[]T{{a, b}}` and `map[K]T{k: {a, b}}`, whose elements' type is implied): every field of
/// such a type may be set there without its name being written.
pub fn positional_literal_types<'s>(literal: Node, source: &'s str) -> Vec<&'s str> {
    let Some(body) = literal.field("body") else {
        return Vec::new();
    };
    let mut cursor = body.walk();
    let positional = body.named_children(&mut cursor).any(|e| match e.kind() {
        "literal_element" => true,
        "keyed_element" => e.named_child(1).is_some_and(|v| {
            v.named_child(0)
                .is_some_and(|x| x.kind() == "literal_value")
        }),
        _ => false,
    });
    if !positional {
        return Vec::new();
    }
    let mut types = Vec::new();
    if let Some(ty) = literal.field("type") {
        syntax::walk(ty, |n| {
            if n.kind() == "type_identifier" {
                types.extend(n.utf8_text(source.as_bytes()).ok());
            }
            true
        });
    }
    types
}

/// The hash [`DeclSummary::field_mentions`] keeps of a name (FNV-1a).
pub fn name_hash(name: &str) -> u32 {
    name.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSummary {
    pub package: Option<String>,
    /// (local name, import path); dot and blank imports are left out.
    pub imports: Vec<(String, String)>,
    /// The local name of `time`, if imported.
    pub time: syntax::TimeImport,
    pub decls: Vec<DeclEntry>,
    /// Summarised from a tree with syntax errors: error recovery may have read even untouched
    /// declarations differently, so the update that makes the tree clean re-summarises them all.
    /// (Re-summarising on every keystroke while the file is broken, as it is mid-typing, would
    /// put the whole file on the per-edit path.)
    pub had_errors: bool,
    /// A `//go:build ignore` file: a program of its own (a generator), not part of the package.
    pub build_ignore: bool,
}

/// One top-level declaration: where it is now, and what it contributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclEntry {
    pub range: Range<usize>,
    /// The 0-based line it starts on.
    pub row: usize,
    pub summary: Arc<DeclSummary>,
    /// It parsed without an error inside: its summary may be kept through an edit elsewhere. A
    /// broken declaration's parse depends on the text around it (error recovery), so it is
    /// summarised again whenever the file changes.
    pub clean: bool,
}

impl FileSummary {
    pub fn new(source: &str, tree: &Tree) -> FileSummary {
        Self::update(None, source, tree, &[])
    }

    /// Re-summarises after `edits` (in the order applied). Declarations outside every edit keep
    /// their old summary; the rest are walked again. A change to the imports or the package
    /// clause re-walks everything, since names resolve through them.
    pub fn update(
        old: Option<&FileSummary>,
        source: &str,
        tree: &Tree,
        edits: &[tree_sitter::InputEdit],
    ) -> FileSummary {
        let root = tree.root_node();
        let had_errors = root.has_error();
        let (package, imports) = header(root, source);
        let time = syntax::TimeImport::find(root, source);
        let reusable: Vec<DeclEntry> = match old {
            Some(old)
                if (!old.had_errors || had_errors)
                    && old.package == package
                    && old.imports == imports =>
            {
                shift_untouched(&old.decls, edits)
            }
            _ => Vec::new(),
        };
        let ctx = SummaryContext {
            source,
            imports: &imports,
            time: &time,
        };
        let mut decls = Vec::new();
        let mut reuse = reusable.into_iter().peekable();
        let mut cursor = root.walk();
        for decl in root.named_children(&mut cursor) {
            if !matches!(
                Kind::of(decl),
                Kind::TypeDeclaration
                    | Kind::VarDeclaration
                    | Kind::ConstDeclaration
                    | Kind::FunctionDeclaration
                    | Kind::MethodDeclaration
            ) {
                continue;
            }
            let range = decl.byte_range();
            let row = decl.start_position().row;
            let clean = !decl.has_error();
            while reuse.peek().is_some_and(|e| e.range.start < range.start) {
                reuse.next();
            }
            let summary = match reuse.peek() {
                Some(e) if e.range == range && e.row == row && e.clean && clean => {
                    e.summary.clone()
                }
                _ => Arc::new(ctx.summarize(decl)),
            };
            decls.push(DeclEntry {
                range,
                row,
                summary,
                clean,
            });
        }
        FileSummary {
            package,
            imports,
            time,
            decls,
            had_errors,
            build_ignore: is_build_ignored(root, source),
        }
    }

    /// The declaration summaries with the offset and line they start at: relative offsets and
    /// rows inside a summary are added to these.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, &DeclSummary)> {
        self.decls
            .iter()
            .map(|e| (e.range.start, e.row, e.summary.as_ref()))
    }

    pub fn import_path(&self, local: &str) -> Option<&str> {
        self.imports
            .iter()
            .find(|(l, _)| l == local)
            .map(|(_, p)| p.as_str())
    }

    /// Local names under which this file imports `path`.
    pub fn local_names_of<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.imports
            .iter()
            .filter(move |(_, p)| p == path)
            .map(|(l, _)| l.as_str())
    }
}

/// A `//go:build ignore` line before the package clause (the go command's convention for a
/// file that is a program of its own, such as a generator run by `go run gen.go`).
fn is_build_ignored(root: Node, source: &str) -> bool {
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        if child.kind() != "comment" {
            return false;
        }
        let line = text(child, source);
        if let Some(expr) = line.strip_prefix("//go:build") {
            return expr.split_whitespace().collect::<Vec<_>>() == ["ignore"];
        }
    }
    false
}

/// Old declaration ranges moved through the edits; a declaration any edit touched is dropped.
fn shift_untouched(decls: &[DeclEntry], edits: &[tree_sitter::InputEdit]) -> Vec<DeclEntry> {
    let mut out = Vec::with_capacity(decls.len());
    'decls: for entry in decls {
        let mut r = entry.range.clone();
        let mut row = entry.row;
        for e in edits {
            if r.end < e.start_byte {
                continue; // entirely before (a touching edit may extend the declaration)
            }
            if r.start > e.old_end_byte {
                let delta = e.new_end_byte as isize - e.old_end_byte as isize;
                r = (r.start as isize + delta) as usize..(r.end as isize + delta) as usize;
                row = (row as isize + e.new_end_position.row as isize
                    - e.old_end_position.row as isize) as usize;
                continue;
            }
            continue 'decls;
        }
        out.push(DeclEntry {
            range: r,
            row,
            summary: entry.summary.clone(),
            clean: entry.clean,
        });
    }
    out
}

/// The file's imports as (local name, import path); dot and blank imports are left out.
pub fn file_imports(root: Node, source: &str) -> Vec<(String, String)> {
    header(root, source).1
}

fn header(root: Node, source: &str) -> (Option<String>, Vec<(String, String)>) {
    let mut package = None;
    let mut imports = Vec::new();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        match Kind::of(decl) {
            Kind::PackageClause => {
                package = decl.named_child(0).map(|n| text(n, source).to_string());
            }
            Kind::ImportDeclaration => syntax::walk(decl, |n| {
                if Kind::of(n) != Kind::ImportSpec {
                    return true;
                }
                let Some(path) = n.field("path") else {
                    return false;
                };
                let path = text(path, source).trim_matches(|c| c == '"' || c == '`');
                let local = match n.field("name") {
                    Some(alias) if Kind::of(alias) == Kind::PackageIdentifier => {
                        text(alias, source).to_string()
                    }
                    Some(_) => return false, // `.` and `_` give no name
                    None => path.rsplit('/').next().unwrap_or(path).to_string(),
                };
                imports.push((local, path.to_string()));
                false
            }),
            _ => {}
        }
    }
    (package, imports)
}

struct SummaryContext<'a> {
    source: &'a str,
    imports: &'a Vec<(String, String)>,
    time: &'a syntax::TimeImport,
}

/// Names of functions whose writes fill a table once (like `database/sql.Register`).
fn is_setup_function(name: &str) -> bool {
    name == "init" || name.starts_with("Register") || name.starts_with("register")
}

impl SummaryContext<'_> {
    fn summarize(&self, decl: Node) -> DeclSummary {
        let base = decl.start_byte();
        let mut out = DeclSummary::default();
        match decl.kind() {
            "type_declaration" => {
                let mut cursor = decl.walk();
                for spec in decl.named_children(&mut cursor) {
                    let (Some(name), Some(ty)) = (spec.field("name"), spec.field("type")) else {
                        continue;
                    };
                    out.types.push((
                        text(name, self.source).to_string(),
                        TypeExpr::from_node(ty, self.source, self.imports),
                    ));
                }
            }
            "var_declaration" => {
                syntax::walk(decl, |n| {
                    if n.kind() == "var_spec" {
                        self.global_specs(n, base, &mut out);
                        return false;
                    }
                    true
                });
                // Function literals in initializers run at package initialisation: setup code.
                if text(decl, self.source).contains("func") {
                    self.walk_code(decl, base, true, &mut out);
                }
            }
            "const_declaration" => {
                syntax::walk(decl, |n| {
                    if n.kind() != "const_spec" {
                        return true;
                    }
                    let ty = n
                        .field("type")
                        .map(|t| TypeExpr::from_node(t, self.source, self.imports));
                    let mut c = n.walk();
                    for name in n.children_by_field_name("name", &mut c) {
                        out.consts
                            .push((text(name, self.source).to_string(), ty.clone()));
                    }
                    false
                });
            }
            "function_declaration" | "method_declaration" => {
                let name = decl
                    .field("name")
                    .map(|n| text(n, self.source))
                    .unwrap_or("");
                if decl.kind() == "method_declaration" {
                    if let Some(m) = self.method(decl, name, base) {
                        out.methods.push(m);
                    }
                }
                out.func = Some(FuncName {
                    name: name.to_string(),
                    receiver: out.methods.first().map(|m| m.receiver_type.clone()),
                });
                out.handler = repeat::is_handler(decl, self.source, self.imports);
                self.walk_code(decl, base, is_setup_function(name), &mut out);
            }
            _ => {}
        }
        out
    }

    fn global_specs(&self, spec: Node, base: usize, out: &mut DeclSummary) {
        let declared = spec
            .field("type")
            .map(|t| TypeExpr::from_node(t, self.source, self.imports));
        let values: Vec<Node> = spec
            .field("value")
            .map(|v| v.named_children(&mut v.walk()).collect())
            .unwrap_or_default();
        let mut cursor = spec.walk();
        let names: Vec<Node> = spec.children_by_field_name("name", &mut cursor).collect();
        for (i, name) in names.into_iter().enumerate() {
            let ty = declared
                .clone()
                .or_else(|| values.get(i).map(|v| self.infer(*v)))
                .unwrap_or(TypeExpr::Unknown);
            let r = name.byte_range();
            out.globals.push(Global {
                name: text(name, self.source).to_string(),
                name_range: r.start - base..r.end - base,
                ty,
            });
        }
    }

    /// The type of an initializer, where it is written out: `T{}`, `&T{}`, `make(T)`, `new(T)`.
    fn infer(&self, value: Node) -> TypeExpr {
        let from = |n: Node| TypeExpr::from_node(n, self.source, self.imports);
        match value.kind() {
            "composite_literal" => value.field("type").map(from).unwrap_or(TypeExpr::Unknown),
            "unary_expression" if value.child(0).is_some_and(|op| op.kind() == "&") => {
                self.infer_address_of(value)
            }
            "call_expression" => {
                let callee = value.field("function").map(|f| text(f, self.source));
                let first = value.field("arguments").and_then(|a| a.named_child(0));
                match (callee, first) {
                    (Some("make"), Some(t)) => from(t),
                    (Some("new"), Some(t)) => TypeExpr::Pointer(Box::new(from(t))),
                    _ => TypeExpr::Unknown,
                }
            }
            _ => TypeExpr::Unknown,
        }
    }

    /// `&&...T{}` (written `& &T{}`): a loop, not recursion, so that hostile input with 100,000
    /// `&` cannot overflow the stack; past [`MAX_ADDRESS_OF`] levels the type is unknown.
    fn infer_address_of(&self, mut value: Node) -> TypeExpr {
        let mut levels = 0;
        while value.kind() == "unary_expression"
            && value.child(0).is_some_and(|op| op.kind() == "&")
        {
            let Some(operand) = value.field("operand") else {
                return TypeExpr::Unknown;
            };
            levels += 1;
            if levels > MAX_ADDRESS_OF {
                return TypeExpr::Unknown;
            }
            value = operand;
        }
        (0..levels).fold(self.infer(value), |t, _| TypeExpr::Pointer(Box::new(t)))
    }

    fn method(&self, decl: Node, name: &str, base: usize) -> Option<Method> {
        let receiver = decl.field("receiver")?;
        let param = receiver.named_child(0)?;
        let ty = param.field("type")?;
        let receiver_type = TypeExpr::from_node(ty, self.source, self.imports).base_name()?;
        let receiver_name = param
            .field("name")
            .map(|n| text(n, self.source).to_string())
            .filter(|n| n != "_");
        let body = decl.field("body")?.byte_range();
        let inside = self.source[body.clone()]
            .trim_start_matches('{')
            .trim_end_matches('}');
        let body_layout = if inside.trim().is_empty() && !inside.contains('\n') {
            BodyLayout::Empty
        } else if inside
            .trim_start_matches([' ', '\t', '\r'])
            .starts_with('\n')
        {
            BodyLayout::Lines
        } else {
            BodyLayout::OneLine
        };
        // The last of the leading guards that tests the receiver for nil.
        let after_guards = decl
            .field("body")
            .and_then(|b| {
                let list = b
                    .named_children(&mut b.walk())
                    .find(|c| c.kind() == "statement_list")?;
                let guards: Vec<Node> = list
                    .named_children(&mut list.walk())
                    .filter(|st| st.kind() != "comment")
                    .take_while(|st| is_guard(*st))
                    .collect();
                let recv = receiver_name.as_deref()?;
                guards.into_iter().rev().find(|g| {
                    g.field("condition").is_some_and(|c| {
                        let c: String = text(c, self.source)
                            .chars()
                            .filter(|ch| !ch.is_whitespace())
                            .collect();
                        c.split(['|', '&', '(', ')']).any(|part| {
                            part == format!("{recv}==nil") || part == format!("nil=={recv}")
                        })
                    })
                })
            })
            // The end of its line, past any comment that follows the `}`.
            .map(|guard| {
                let end = guard.end_byte();
                self.source[end..].find('\n').map_or(end, |i| end + i) - base
            });
        Some(Method {
            receiver_type,
            name: name.to_string(),
            receiver_name,
            body: body.start - base..body.end - base,
            body_layout,
            after_guards,
        })
    }
}

/// `if cond { ...; return }` with no `else`: a statement that may end the function early.
fn is_guard(statement: Node) -> bool {
    statement.kind() == "if_statement"
        && statement.field("alternative").is_none()
        && statement
            .field("consequence")
            .and_then(|block| {
                block
                    .named_children(&mut block.walk())
                    .find(|c| c.kind() == "statement_list")
            })
            .and_then(|list| list.named_children(&mut list.walk()).last())
            .is_some_and(|last| last.kind() == "return_statement")
}

impl SummaryContext<'_> {
    /// The type of the names a declaration declares where the declaration spells it: a
    /// parameter `x *T`, `var x T`, `x := &T{}`, `x := new(T)`. Only types of this package
    /// count (a receiver's type always is one). A name declared more than once with different
    /// types, or once without a type to read, maps to `None`.
    fn local_types(&self, decl: Node) -> HashMap<String, Option<String>> {
        fn this_package(t: &TypeExpr) -> Option<String> {
            match t {
                TypeExpr::Named {
                    package: None,
                    name,
                } => Some(name.clone()),
                TypeExpr::Pointer(inner) => this_package(inner),
                _ => None,
            }
        }
        let mut out: HashMap<String, Option<String>> = HashMap::new();
        let mut add = |name: Node, ty: Option<String>| {
            out.entry(text(name, self.source).to_string())
                .and_modify(|old| {
                    if *old != ty {
                        *old = None;
                    }
                })
                .or_insert(ty);
        };
        syntax::walk(decl, |n| {
            match n.kind() {
                "parameter_declaration" | "var_spec" => {
                    let declared = n
                        .field("type")
                        .map(|t| TypeExpr::from_node(t, self.source, self.imports));
                    let values: Vec<Node> = n
                        .field("value")
                        .map(|v| v.named_children(&mut v.walk()).collect())
                        .unwrap_or_default();
                    let mut c = n.walk();
                    for (i, name) in n.children_by_field_name("name", &mut c).enumerate() {
                        let ty = declared
                            .clone()
                            .or_else(|| values.get(i).map(|v| self.infer(*v)));
                        add(name, ty.as_ref().and_then(this_package));
                    }
                }
                "short_var_declaration" => {
                    let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                        return true;
                    };
                    let names: Vec<Node> = left.named_children(&mut left.walk()).collect();
                    let values: Vec<Node> = right.named_children(&mut right.walk()).collect();
                    for (i, name) in names.iter().enumerate() {
                        let ty = (names.len() == values.len())
                            .then(|| this_package(&self.infer(values[i])))
                            .flatten();
                        add(*name, ty);
                    }
                }
                "range_clause" | "receive_statement"
                    if n.children(&mut n.walk()).any(|c| c.kind() == ":=") =>
                {
                    if let Some(left) = n.field("left") {
                        for name in left.named_children(&mut left.walk()) {
                            add(name, None);
                        }
                    }
                }
                _ => {}
            }
            true
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(src: &str) -> FileSummary {
        let tree = crate::analysis::parse(src);
        FileSummary::new(src, &tree)
    }

    fn uses(s: &FileSummary, name: &str) -> Vec<(UseKind, bool)> {
        s.iter()
            .flat_map(|(_, _, d)| d.uses.iter())
            .filter(|u| u.target.name == name)
            .map(|u| (u.kind, u.setup))
            .collect()
    }

    #[test]
    fn records_writes_to_package_level_names() {
        let src = r#"package p

import "example.com/m/state"

var sessions = map[string]*int{}
var queue []*int

func add(id string, v *int) {
	sessions[id] = v
	queue = append(queue, v)
	state.Cache.Store(id, v)
	local := map[string]int{}
	local["x"] = 1
}

func init() { sessions["boot"] = nil }

func drop(id string) { delete(sessions, id); queue = queue[1:] }
"#;
        let s = summary(src);
        assert_eq!(
            s.imports,
            vec![("state".to_string(), "example.com/m/state".to_string())]
        );
        let globals: Vec<_> = s
            .iter()
            .flat_map(|(_, _, d)| d.globals.iter())
            .map(|g| g.name.clone())
            .collect();
        assert_eq!(globals, ["sessions", "queue"]);
        assert_eq!(
            uses(&s, "sessions"),
            [
                (UseKind::IndexSet, false),
                (UseKind::IndexSet, true),
                (UseKind::Remove, false)
            ]
        );
        assert_eq!(
            uses(&s, "queue"),
            [(UseKind::Append, false), (UseKind::Reassign, false)]
        );
        assert_eq!(uses(&s, "Cache"), [(UseKind::Store, false)]);
        assert!(uses(&s, "local").is_empty());
    }

    #[test]
    fn records_ticker_fields_and_stops() {
        let src = r#"package p

import "time"

type S struct{ t *time.Ticker; u *time.Ticker }

func NewS() *S { return &S{u: time.NewTicker(time.Second)} }

func (s *S) Start() { s.t = time.NewTicker(time.Second) }

func (s *S) Close() { s.u.Stop() }
"#;
        let s = summary(src);
        let fields: Vec<_> = s
            .iter()
            .flat_map(|(_, _, d)| d.ticker_fields.clone())
            .collect();
        assert_eq!(fields.len(), 2);
        assert_eq!(
            (
                fields[0].owner.as_deref(),
                fields[0].field.as_str(),
                fields[0].in_literal
            ),
            (Some("S"), "u", true)
        );
        assert_eq!(
            (fields[1].owner.as_deref(), fields[1].field.as_str()),
            (Some("S"), "t")
        );
        let stopped: Vec<_> = s
            .iter()
            .flat_map(|(_, _, d)| d.stopped_fields.clone())
            .collect();
        assert_eq!(stopped, ["u"]);
        let methods: Vec<_> = s
            .iter()
            .flat_map(|(_, _, d)| d.methods.iter().map(|m| m.name.clone()))
            .collect();
        assert_eq!(methods, ["Start", "Close"]);
    }

    /// Replaces `bytes` of `src` with `inserted` as an editor would: the old tree is edited and
    /// reparsed, and the summary updated from `old`. Returns the new text, tree and summary.
    fn edit_and_update(
        src: &str,
        mut tree: Tree,
        old: &FileSummary,
        bytes: Range<usize>,
        inserted: &str,
    ) -> (String, Tree, FileSummary) {
        let point = |text: &str, at: usize| {
            let row = text[..at].matches('\n').count();
            let column = at - text[..at].rfind('\n').map_or(0, |nl| nl + 1);
            tree_sitter::Point::new(row, column)
        };
        let new_src = format!("{}{inserted}{}", &src[..bytes.start], &src[bytes.end..]);
        let new_end = bytes.start + inserted.len();
        let edit = tree_sitter::InputEdit {
            start_byte: bytes.start,
            old_end_byte: bytes.end,
            new_end_byte: new_end,
            start_position: point(src, bytes.start),
            old_end_position: point(src, bytes.end),
            new_end_position: point(&new_src, new_end),
        };
        tree.edit(&edit);
        let new_tree = crate::analysis::new_parser()
            .parse(&new_src, Some(&tree))
            .unwrap();
        let updated = FileSummary::update(Some(old), &new_src, &new_tree, &[edit]);
        (new_src, new_tree, updated)
    }

    /// While the file stays broken (mid-typing), untouched declarations are still shared: the
    /// whole file is re-walked once, when it is clean again.
    #[test]
    fn update_while_broken_keeps_untouched_declarations() {
        let src = "package p\n\nvar a = map[int]int{}\n\nfunc f() { a[1] = 2 }\n\nfunc g() { ( }\n";
        let tree = crate::analysis::parse(src);
        let old = FileSummary::new(src, &tree);
        let at = src.find("a[1]").unwrap();
        let (_, _, updated) = edit_and_update(src, tree, &old, at..at, "x := 0; _ = x; ");
        assert!(updated.had_errors);
        assert!(Arc::ptr_eq(
            &updated.decls[0].summary,
            &old.decls[0].summary
        ));
    }

    /// A declaration that is broken itself is parsed by error recovery, which reads the text
    /// after it: an edit further down can change its tree without touching its bytes. Its old
    /// summary is not kept (the incremental summary was stale here, found by the document
    /// property test).
    #[test]
    fn update_while_broken_summarises_a_broken_declaration_again() {
        let src = "type T struct{ t *}//xr }\n//\r\ts.t = timselect {\ncase <\n\n";
        let tree = crate::analysis::parse(src);
        let old = FileSummary::new(src, &tree);
        let at = src.find("timselect").unwrap();
        let (new_src, new_tree, updated) =
            edit_and_update(src, tree, &old, at..src.len(), "time.NewTicker(d)\n");
        assert!(updated.had_errors);
        assert_eq!(updated, FileSummary::new(&new_src, &new_tree));
    }

    #[test]
    fn ticker_field_owner_from_a_local_declaration() {
        let src = r#"package p

import (
	"time"

	"example.com/m/other"
)

type S struct{ t *time.Ticker }

func New() *S {
	s := &S{}
	s.t = time.NewTicker(time.Second)
	var v S
	v.t = time.NewTicker(time.Second)
	o := &other.S{}
	o.t = time.NewTicker(time.Second)
	return s
}

func Param(s *S, x int) {
	s.t = time.NewTicker(time.Second)
	if x > 0 {
		s := struct{ t *time.Ticker }{}
		s.t = time.NewTicker(time.Second)
	}
}
"#;
        let s = summary(src);
        let owners: Vec<_> = s
            .iter()
            .flat_map(|(_, _, d)| d.ticker_fields.iter().map(|t| t.owner.clone()))
            .collect();
        // `o` has another package's type; `s` in Param is declared twice with different types.
        assert_eq!(
            owners,
            [
                Some("S".to_string()),
                Some("S".to_string()),
                None,
                None,
                None
            ]
        );
    }

    /// Error recovery can read an untouched declaration differently (`f(x)`: call or
    /// conversion), so nothing summarised from a broken tree is kept once the tree is clean.
    #[test]
    fn update_after_syntax_errors_walks_everything_again() {
        let src = "package p\n\nvar a = map[int]int{}\n\nfunc f() { a[1] = 2 }\n\nfunc g() { ( }\n";
        let tree = crate::analysis::parse(src);
        let old = FileSummary::new(src, &tree);
        assert!(old.had_errors);
        // Remove the stray "(" in g.
        let at = src.find("( }").unwrap();
        let (new_src, new_tree, updated) = edit_and_update(src, tree, &old, at..at + 2, "");
        assert!(!updated.had_errors);
        assert_eq!(updated, FileSummary::new(&new_src, &new_tree));
        for (new, old) in updated.decls.iter().zip(&old.decls) {
            assert!(!Arc::ptr_eq(&new.summary, &old.summary));
        }
    }

    #[test]
    fn update_reuses_untouched_declarations() {
        let src = "package p\n\nvar a = map[int]int{}\n\nfunc f() { a[1] = 2 }\n\nfunc g() {}\n";
        let tree = crate::analysis::parse(src);
        let old = FileSummary::new(src, &tree);
        // Insert "x" inside f's body.
        let at = src.find("a[1]").unwrap();
        let (new_src, new_tree, updated) =
            edit_and_update(src, tree, &old, at..at, "x := 0; _ = x; ");
        assert_eq!(updated, FileSummary::new(&new_src, &new_tree));
        // The untouched declarations are shared, not re-walked.
        assert!(Arc::ptr_eq(
            &updated.decls[0].summary,
            &old.decls[0].summary
        ));
        assert!(Arc::ptr_eq(
            &updated.decls[2].summary,
            &old.decls[2].summary
        ));
        assert!(!Arc::ptr_eq(
            &updated.decls[1].summary,
            &old.decls[1].summary
        ));
    }
}
