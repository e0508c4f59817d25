//! The quick-fix: clear exactly the slots that leave the slice, in the form the module's Go
//! version allows, and only where that provably keeps behaviour.

use tree_sitter::Node;

use super::shapes::{named_children, norm, Form, Reslice};
use super::{Checker, Element};
use crate::analysis::fix::{self, Edit, Fix};
use crate::analysis::go_version::{GO_1_21, GO_1_22};
use crate::analysis::summary;
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::types::TypeExpr;

impl<'a, 't> Checker<'a, 't> {
    /// The quick-fix: clear exactly the slots that leave the slice.
    pub(super) fn fix(&mut self, r: &Reslice<'t>, element: &Element) -> Option<Fix> {
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
        if !matches!(r.form, Form::Front { .. }) && self.may_be_regrown(r) {
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
                    // `x[:n]` may also grow the slice (up to its capacity), and `x[n:]` would
                    // panic then: only the slots below the length are cleared.
                    let line = if norm(end, source) == "0" {
                        format!("clear({operand})")
                    } else {
                        format!("clear({operand}[min({n}, len({operand})):])")
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
    pub(super) fn fix_keeps_behaviour(&self, r: &Reslice, func: Node) -> bool {
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

    /// Whether code in the package, this statement included, may re-slice the slice past its
    /// length (`x[:n]` with an `n` nothing bounds, `x[:cap(x)]`) and so read the slots the fix
    /// would clear. Matched by the slice's last name in every file of the package, tests
    /// included, and in the packages that import it when the name is exported.
    fn may_be_regrown(&self, r: &Reslice) -> bool {
        let Some(name) = summary::regrow::last_name(r.target, self.source) else {
            return true;
        };
        let index = self.module.index;
        let mut files = index.package_files(self.module.package_path);
        if name.starts_with(|c: char| c.is_uppercase()) {
            files.extend(index.importers_of(self.module.package_path));
        }
        let regrown = files.iter().any(|f| {
            f.summary
                .iter()
                .any(|(_, _, d)| d.regrown_slices.contains(&name))
        });
        regrown
    }

    /// The zero value of the element type as this file can spell it: `nil`, or `T{}` for a
    /// struct or array type. `None` when the type cannot be named here.
    pub(super) fn zero_value(&mut self, element: &Element) -> Option<String> {
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
    pub(super) fn spell(&mut self, ty: &TypeExpr, package: &str) -> Option<String> {
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
    pub(super) fn is_generic_here(&self, name: &str) -> bool {
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

    pub(super) fn fresh_index(&mut self, func: Node) -> String {
        let reserved = self.reserved.entry(func.id()).or_default();
        syntax::fresh_name(func, self.source, "i", reserved)
    }

    /// How this file can call the standard `slices` package, and the edit that imports it when
    /// the file does not yet. `None` when the name `slices` means something else here.
    pub(super) fn slices_import(&mut self, func: Node) -> Option<(String, Option<Edit>)> {
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
pub(super) fn shares_array(value: Node, names: &[String], source: &str) -> bool {
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

/// No calls (other than `len` and `cap`) and no receives: evaluating it again changes nothing.
pub(super) fn is_pure(expr: Node, source: &str) -> bool {
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
pub(super) fn is_simple(expr: Node) -> bool {
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
