//! The walk of a declaration's code: writes to package-level names, stopped and escaping
//! ticker fields, tickers stored in fields, and calls, each with what makes it repeat.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::Node;

use super::regrow::RegrowFinder;
use super::repeat::{self, Pending, RepeatFinder};
use super::*;
use crate::analysis::syntax::{self, text, Fields};

impl SummaryContext<'_> {
    /// Records writes to package-level names, stopped and escaping fields, tickers stored in
    /// fields, and calls, in the code of one declaration, in one walk of it (walking costs as
    /// much as everything else the summary does). A name declared anywhere in the declaration
    /// shadows the package-level one, so uses and calls are recorded as they come and those of
    /// local names dropped at the end.
    pub(super) fn walk_code(&self, decl: Node, base: usize, setup: bool, out: &mut DeclSummary) {
        let receiver = (decl.kind() == "method_declaration")
            .then(|| {
                out.methods
                    .first()
                    .map(|m| (m.receiver_name.clone(), m.receiver_type.clone()))
            })
            .flatten();
        let mut walker = CodeWalker {
            ctx: self,
            locals: HashSet::new(),
            base,
            base_row: decl.start_position().row,
            setup,
            receiver,
            unresolved_owners: Vec::new(),
            repeat: RepeatFinder::new(self.source, self.imports),
            compared_lengths: HashSet::new(),
            calls: HashSet::new(),
            pending_growth: Vec::new(),
            regrow: RegrowFinder::default(),
            declarations: syntax::RecordedDeclarations::default(),
        };
        let mut mentions: Vec<u32> = Vec::new();
        let first_use = out.uses.len();
        static VISITED: std::sync::LazyLock<syntax::KindSet> =
            std::sync::LazyLock::new(|| syntax::KindSet::new(CodeWalker::KINDS));
        static OPAQUE: std::sync::LazyLock<syntax::KindSet> =
            std::sync::LazyLock::new(|| syntax::KindSet::new(CodeWalker::OPAQUE));
        static COMPOSITE: std::sync::LazyLock<u16> = std::sync::LazyLock::new(|| {
            let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
            language.id_for_node_kind("composite_literal", true)
        });
        syntax::walk_with_ancestors(decl, |n, ancestors| {
            // Punctuation and keywords: every kind the walk asks about is a named one.
            if !n.is_named() {
                return false;
            }
            walker.repeat.enter(n, ancestors);
            if let Some(name) = mentioned_field(n, walker.ctx.source) {
                mentions.push(super::name_hash(name));
            } else if n.kind_id() == *COMPOSITE {
                let types = super::positional_literal_types(n, walker.ctx.source);
                mentions.extend(types.into_iter().map(super::name_hash));
            }
            if VISITED.contains(n) {
                let kind = n.kind();
                walker.declare(n, kind);
                walker.visit(n, kind, ancestors, out);
                walker.regrow.visit(n, ancestors, walker.ctx.source);
            }
            !OPAQUE.contains(n)
        });
        // Whether each endless loop waits for events is known now that it has been walked.
        for (i, pending) in &walker.pending_growth {
            let (repeats, once) = walker.repeat.resolve(pending);
            if let Some(growth) = out.uses[*i].growth.as_mut() {
                growth.repeats = repeats;
                growth.bound = once.then_some(Bound::Once);
            }
        }
        let repeat = &walker.repeat;
        let resolved_calls: Vec<Call> = walker
            .calls
            .iter()
            .filter(|c| c.method || !walker.locals.contains(c.package.unwrap_or(c.name)))
            .map(|c| c.to_call(repeat))
            .collect();
        let CodeWalker {
            locals,
            unresolved_owners,
            compared_lengths,
            regrow,
            ..
        } = walker;
        out.regrown_slices.extend(regrow.finish());
        mentions.extend(out.field_mentions.iter());
        mentions.sort_unstable();
        mentions.dedup();
        out.field_mentions = mentions.into_boxed_slice();
        let is_local = |name: &NameRef| {
            let spelled = name.package.as_deref().unwrap_or(&name.name);
            locals.contains(spelled)
        };
        let tentative = out.uses.split_off(first_use);
        out.uses
            .extend(tentative.into_iter().filter(|u| !is_local(&u.target)));
        // A table whose length the function compares is capped there (`if len(m) < max`).
        for u in &mut out.uses[first_use..] {
            if let Some(growth) = &mut u.growth {
                if growth.bound.is_none() && compared_lengths.contains(&u.target) {
                    growth.bound = Some(Bound::Capped);
                }
            }
        }
        let mut calls = resolved_calls;
        // A stable order keeps summaries comparable.
        calls.sort_unstable();
        calls.dedup();
        out.calls.extend(calls);
        // Only a ticker stored through a local needs the locals' types: rare, so walk again.
        if !unresolved_owners.is_empty() {
            let types = self.local_types(decl);
            for (i, name) in unresolved_owners {
                out.ticker_fields[i].owner = types.get(name).cloned().flatten();
            }
        }
    }
}

/// The name `n` selects (`f` in `x.f`) or keys a composite literal with (`f` in `T{f: v}`).
fn mentioned_field<'s>(n: Node, source: &'s str) -> Option<&'s str> {
    static FIELD: std::sync::LazyLock<u16> = std::sync::LazyLock::new(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        language.id_for_node_kind("field_identifier", true)
    });
    static KEY: std::sync::LazyLock<u16> = std::sync::LazyLock::new(|| {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        language.id_for_node_kind("keyed_element", true)
    });
    let id = n.kind_id();
    if id == *FIELD {
        return n.utf8_text(source.as_bytes()).ok();
    }
    // `f` in `T{f: v}`: a keyed element's first child, an identifier inside a literal element.
    if id == *KEY {
        let key = n.named_child(0)?;
        let name = if key.kind() == "literal_element" {
            key.named_child(0)?
        } else {
            key
        };
        return (name.kind() == "identifier")
            .then(|| name.utf8_text(source.as_bytes()).ok())
            .flatten();
    }
    None
}

struct CodeWalker<'a> {
    ctx: &'a SummaryContext<'a>,
    /// Every name declared inside the declaration (parameters, `:=`, `var`, `const`, range
    /// variables). Telling scopes apart is not worth it for this purpose.
    locals: HashSet<&'a str>,
    base: usize,
    base_row: usize,
    setup: bool,
    /// (receiver variable, receiver type) of the method being walked.
    receiver: Option<(Option<String>, String)>,
    /// Tickers stored in a field of a local (index into `ticker_fields`, the local's name):
    /// its type is known once every local is.
    unresolved_owners: Vec<(usize, &'a str)>,
    repeat: RepeatFinder<'a>,
    /// Package-level names whose length is compared (`len(m) < max`).
    compared_lengths: HashSet<NameRef>,
    calls: HashSet<SeenCall<'a>>,
    /// Re-slices that may read past a slice's length.
    regrow: RegrowFinder,
    /// Growth uses (by index in `uses`) and what repeats them, known when the walk ends.
    pending_growth: Vec<(usize, Pending)>,
    /// The variables declared so far in the walk, for the keys of its growth uses.
    declarations: syntax::RecordedDeclarations,
}

/// A call as the walk sees it, its names borrowed from the source.
#[derive(PartialEq, Eq, Hash)]
struct SeenCall<'a> {
    package: Option<&'a str>,
    name: &'a str,
    method: bool,
    repeats: Pending,
    constant_args: u64,
}

impl SeenCall<'_> {
    fn to_call(&self, repeat: &RepeatFinder) -> Call {
        let callee = if self.method {
            Callee::Method(self.name.to_string())
        } else {
            Callee::Function(NameRef {
                package: self.package.map(str::to_string),
                name: self.name.to_string(),
            })
        };
        Call {
            callee,
            repeats: repeat.resolve(&self.repeats).0,
            constant_args: self.constant_args,
        }
    }
}

/// Builtin functions and conversions to predeclared types: calls of nothing in the module.
const PREDECLARED_CALLS: &[&str] = &[
    "append",
    "cap",
    "clear",
    "close",
    "complex",
    "copy",
    "delete",
    "imag",
    "len",
    "make",
    "max",
    "min",
    "new",
    "panic",
    "print",
    "println",
    "real",
    "recover",
    "bool",
    "byte",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
    "any",
];

/// Calls that only read their arguments.
fn is_read_only_call(callee: &str) -> bool {
    matches!(
        callee,
        "len" | "cap" | "copy" | "print" | "println" | "append"
    ) || [
        "fmt.", "log.", "json.", "slog.", "errors.", "strings.", "strconv.",
    ]
    .iter()
    .any(|p| callee.starts_with(p))
}

impl<'a> CodeWalker<'a> {
    fn source(&self) -> &str {
        self.ctx.source
    }

    fn rel(&self, n: Node) -> Range<usize> {
        n.start_byte() - self.base..n.end_byte() - self.base
    }

    fn record(&self, out: &mut DeclSummary, target: NameRef, kind: UseKind, at: Node) {
        out.uses.push(Use {
            target,
            kind,
            range: self.rel(at),
            row: at.start_position().row - self.base_row,
            setup: self.setup,
            growth: None,
        });
    }

    /// A growth: recorded with what repeats it, what bounds it and its key (`None` for an
    /// append).
    fn record_growth(
        &mut self,
        out: &mut DeclSummary,
        target: NameRef,
        kind: UseKind,
        at: Node,
        key: Option<Node>,
        ancestors: &[Node],
    ) {
        let pending = self.repeat.here();
        let key = match key {
            Some(k) => {
                // The declaration walked: parameters of literals inside it are found too.
                let func = ancestors
                    .first()
                    .copied()
                    .filter(|d| syntax::is_function(d.kind()));
                repeat::classify_key(
                    k,
                    func,
                    self.ctx.source,
                    self.ctx.imports,
                    &self.declarations,
                )
            }
            None => Key::None,
        };
        out.uses.push(Use {
            target,
            kind,
            range: self.rel(at),
            row: at.start_position().row - self.base_row,
            setup: self.setup,
            // What repeats it is filled in when the walk ends: see `RepeatFinder::resolve`.
            growth: Some(Box::new(Growth {
                repeats: None,
                bound: None,
                key,
            })),
        });
        self.pending_growth.push((out.uses.len() - 1, pending));
    }

    /// A package-level name: an identifier, or `pkg.Name` through an import. Until the walk
    /// ends, a local of the same name may still turn up: `walk_code` drops those uses then.
    fn global_ref(&self, n: Node) -> Option<NameRef> {
        let n = syntax::unparen(n);
        match n.kind() {
            "identifier" => {
                let name = text(n, self.source());
                (name != "_").then(|| NameRef {
                    package: None,
                    name: name.to_string(),
                })
            }
            "selector_expression" => {
                let operand = n.field("operand")?;
                let field = n.field("field")?;
                let local = text(operand, self.source());
                (operand.kind() == "identifier" && self.ctx.imports.iter().any(|(l, _)| l == local))
                    .then(|| NameRef {
                        package: Some(local.to_string()),
                        name: text(field, self.source()).to_string(),
                    })
            }
            _ => None,
        }
    }

    /// Notes the names `n` declares.
    /// Every kind [`Self::declare`] or [`Self::visit`] looks at: the walk skips the others.
    const KINDS: &'static [&'static str] = &[
        "parameter_declaration",
        "variadic_parameter_declaration",
        "var_spec",
        "const_spec",
        "short_var_declaration",
        "range_clause",
        "receive_statement",
        "assignment_statement",
        "inc_statement",
        "dec_statement",
        "call_expression",
        "unary_expression",
        "return_statement",
        "send_statement",
        "keyed_element",
        "literal_element",
        "selector_expression",
        "composite_literal",
        "slice_expression",
        "index_expression",
    ];

    /// Kinds whose insides hold nothing the walk records: types (a name in a type is not a use
    /// of a variable) and string literals. The walk does not descend into them.
    const OPAQUE: &'static [&'static str] = &[
        "struct_type",
        "interface_type",
        "function_type",
        "pointer_type",
        "slice_type",
        "array_type",
        "map_type",
        "channel_type",
        "qualified_type",
        "generic_type",
        "type_parameter_list",
        "interpreted_string_literal",
        "raw_string_literal",
    ];

    fn declare(&mut self, n: Node, kind: &str) {
        let source = self.ctx.source;
        match kind {
            "parameter_declaration"
            | "variadic_parameter_declaration"
            | "var_spec"
            | "const_spec" => {
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    self.locals.insert(text(name, source));
                    // A parameter here is a function's (the walk skips function types); a
                    // constant is not a variable.
                    if kind != "const_spec" {
                        self.declarations.record(name);
                    }
                }
            }
            "short_var_declaration" | "range_clause" | "receive_statement" => {
                let declares = kind == "short_var_declaration"
                    || n.children(&mut n.walk()).any(|c| c.kind() == ":=");
                if declares {
                    if let Some(left) = n.field("left") {
                        let mut c = left.walk();
                        for id in left.named_children(&mut c) {
                            self.locals.insert(text(id, source));
                            self.declarations.record(id);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Records what `n` does to package-level names and fields; `ancestors` ends with its parent.
    fn visit(&mut self, n: Node, kind: &str, ancestors: &[Node], out: &mut DeclSummary) {
        match kind {
            "assignment_statement" => self.assignment(n, ancestors, out),
            "inc_statement" | "dec_statement" => {
                if let Some(index) = n.named_child(0).filter(|c| c.kind() == "index_expression") {
                    if let Some(t) = index.field("operand").and_then(|o| self.global_ref(o)) {
                        let key = index.field("index");
                        self.record_growth(out, t, UseKind::IndexSet, n, key, ancestors);
                    }
                }
            }
            "call_expression" => self.call(n, ancestors, out),
            "unary_expression" if n.child(0).is_some_and(|op| op.kind() == "&") => {
                if let Some(t) = n.field("operand").and_then(|o| self.global_ref(o)) {
                    self.record(out, t, UseKind::Escape, n);
                }
            }
            "return_statement"
            | "short_var_declaration"
            | "send_statement"
            | "keyed_element"
            | "literal_element" => self.escapes_in(n, out),
            "selector_expression" => self.field_use(n, ancestors, out),
            "composite_literal" => self.literal_tickers(n, out),
            _ => {}
        }
    }

    /// Values handed over whole (returned, aliased, sent, put in a literal) escape.
    fn escapes_in(&self, n: Node, out: &mut DeclSummary) {
        let values: Vec<Node> = match n.kind() {
            "short_var_declaration" => n
                .field("right")
                .map(|r| r.named_children(&mut r.walk()).collect())
                .unwrap_or_default(),
            "return_statement" => n
                .named_child(0)
                .map(|l| l.named_children(&mut l.walk()).collect())
                .unwrap_or_default(),
            "send_statement" => n.field("value").into_iter().collect(),
            _ => n.named_children(&mut n.walk()).collect(),
        };
        for v in values {
            if let Some(t) = self.global_ref(v) {
                self.record(out, t, UseKind::Escape, v);
            }
        }
    }

    fn assignment(&mut self, n: Node, ancestors: &[Node], out: &mut DeclSummary) {
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return;
        };
        let plain = n
            .field("operator")
            .is_some_and(|op| text(op, self.source()) == "=");
        let lhs: Vec<Node> = left.named_children(&mut left.walk()).collect();
        let rhs: Vec<Node> = right.named_children(&mut right.walk()).collect();
        for (i, target) in lhs.iter().enumerate() {
            let value = (lhs.len() == rhs.len()).then(|| rhs[i]);
            // `x.f = append(x.f, ...)` (or `x.f[k] = append(list, ...)`) adds to the list in
            // field f; `append(x.f[:i], ...)` removes from it. A receiver named like an import
            // (`fs`) is still a variable here.
            if plain && value.is_some_and(|v| self.adds_by_append(v)) {
                let list = if target.kind() == "index_expression" {
                    target.field("operand")
                } else {
                    Some(*target)
                };
                if let Some(field) = list.and_then(|l| self.field_name(l)) {
                    out.appended_fields.push(field);
                }
            }
            if let Some(t) = self.global_ref(*target) {
                if !plain {
                    continue; // `n += 1` on a number
                }
                match value {
                    Some(v) if self.is_append_to(v, *target) => {
                        self.record_growth(out, t, UseKind::Append, n, None, ancestors)
                    }
                    _ => self.record(out, t, UseKind::Reassign, n),
                }
            } else if target.kind() == "index_expression" {
                if let Some(t) = target.field("operand").and_then(|o| self.global_ref(o)) {
                    let key = target.field("index");
                    self.record_growth(out, t, UseKind::IndexSet, n, key, ancestors);
                }
            } else if target.kind() == "selector_expression" {
                if let Some(v) = value.filter(|v| self.is_new_ticker(*v)) {
                    let field = target
                        .field("field")
                        .map(|f| text(f, self.source()).to_string())
                        .unwrap_or_default();
                    let owner = target
                        .field("operand")
                        .and_then(|o| self.owner_type(o, out.ticker_fields.len()));
                    out.ticker_fields.push(TickerField {
                        owner,
                        field,
                        call: self.rel(v),
                        in_literal: false,
                    });
                }
            }
            // The right-hand side aliases a global: `other = sessions`.
            if let Some(v) = value {
                if let Some(t) = self.global_ref(v) {
                    self.record(out, t, UseKind::Escape, v);
                }
            }
        }
    }

    /// `append(list, ...)` where `list` is not a re-slice (`append(x[:i], x[i+1:]...)`
    /// removes).
    fn adds_by_append(&self, value: Node) -> bool {
        let value = syntax::unparen(value);
        value.kind() == "call_expression"
            && value
                .field("function")
                .is_some_and(|f| text(f, self.source()) == "append")
            && value
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|first| syntax::unparen(first).kind() != "slice_expression")
    }

    /// `f` of `x.f`.
    fn field_name(&self, n: Node) -> Option<String> {
        let n = syntax::unparen(n);
        (n.kind() == "selector_expression")
            .then(|| n.field("field"))
            .flatten()
            .map(|f| text(f, self.source()).to_string())
    }

    /// `append(x, ...)` where x is spelled exactly as the assignment's target.
    fn is_append_to(&self, value: Node, target: Node) -> bool {
        value.kind() == "call_expression"
            && value
                .field("function")
                .is_some_and(|f| text(f, self.source()) == "append")
            && value
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|first| text(first, self.source()) == text(target, self.source()))
    }

    fn is_new_ticker(&self, n: Node) -> bool {
        n.kind() == "call_expression" && self.ctx.time.is_call_of(n, self.source(), "NewTicker")
    }

    /// The struct type of `x` in `x.f`: the method's receiver type when `x` is the receiver.
    /// Otherwise a local whose declaration spells its type (`x := &T{}`, `var x T`, `x *T`),
    /// which `walk_code` fills in as ticker field `index` once the walk is over.
    fn owner_type(&mut self, operand: Node, index: usize) -> Option<String> {
        if operand.kind() != "identifier" {
            return None;
        }
        let name = text(operand, self.ctx.source);
        if let Some((receiver, ty)) = &self.receiver {
            if receiver.as_deref() == Some(name) {
                return Some(ty.clone());
            }
        }
        self.unresolved_owners.push((index, name));
        None
    }

    fn call(&mut self, n: Node, ancestors: &[Node], out: &mut DeclSummary) {
        let source = self.ctx.source;
        let Some(callee) = n.field("function") else {
            return;
        };
        let args: Vec<Node> = n
            .field("arguments")
            .map(|a| a.named_children(&mut a.walk()).collect())
            .unwrap_or_default();
        let callee_text = text(callee, source);
        match callee_text {
            "delete" | "clear" => {
                if let Some(t) = args.first().and_then(|a| self.global_ref(*a)) {
                    self.record(out, t, UseKind::Remove, n);
                }
                return;
            }
            "len" => {
                let compared = ancestors.last().is_some_and(|p| {
                    p.kind() == "binary_expression"
                        && p.field("operator").is_some_and(|op| {
                            matches!(text(op, source), "<" | "<=" | ">" | ">=" | "==")
                        })
                });
                if let Some(t) = args
                    .first()
                    .filter(|_| compared)
                    .and_then(|a| self.global_ref(*a))
                {
                    self.compared_lengths.insert(t);
                }
                return;
            }
            _ => {}
        }
        if callee.kind() == "selector_expression" {
            let method = callee.field("field").map(|f| text(f, source)).unwrap_or("");
            if let Some(t) = callee.field("operand").and_then(|o| self.global_ref(o)) {
                match method {
                    "Store" | "LoadOrStore" => {
                        let key = args.first().copied();
                        self.record_growth(out, t, UseKind::Store, n, key, ancestors);
                    }
                    "Delete" | "LoadAndDelete" | "Swap" | "CompareAndDelete" | "CompareAndSwap"
                    | "Clear" => self.record(out, t, UseKind::Remove, n),
                    _ => {}
                }
            }
        }
        self.record_call(callee, &args);
        if !is_read_only_call(callee_text) {
            for arg in args {
                if let Some(t) = self.global_ref(arg) {
                    self.record(out, t, UseKind::Escape, arg);
                }
            }
        }
    }

    /// Notes a call of a package-level function (`f(x)`, `pkg.F(x)`) or of a method (`x.m()`),
    /// with what repeats it, for the checks that follow calls back to a handler or event loop.
    /// Every call of a declaration comes here: the names stay borrowed until the walk ends.
    fn record_call(&mut self, callee: Node, args: &[Node]) {
        let source: &'a str = self.ctx.source;
        let (package, name, method) = match callee.kind() {
            "identifier" => {
                let name = text(callee, source);
                if PREDECLARED_CALLS.contains(&name) {
                    return;
                }
                (None, name, false)
            }
            "selector_expression" => {
                let (Some(operand), Some(field)) = (callee.field("operand"), callee.field("field"))
                else {
                    return;
                };
                let local = text(operand, source);
                let is_import = operand.kind() == "identifier"
                    && self.ctx.imports.iter().any(|(l, _)| l == local);
                let field = text(field, source);
                if is_import {
                    (Some(local), field, false)
                } else {
                    (None, field, true)
                }
            }
            _ => return,
        };
        let repeats = self.repeat.here();
        let constant_args = repeat::constant_arguments(args, source, self.ctx.imports);
        self.calls.insert(SeenCall {
            package,
            name,
            method,
            repeats,
            constant_args,
        });
    }

    /// `x.f.Stop` stops field f; `x.f` handed over whole lets someone else stop it.
    fn field_use(&self, n: Node, ancestors: &[Node], out: &mut DeclSummary) {
        let Some(operand) = n.field("operand") else {
            return;
        };
        if operand.kind() == "selector_expression"
            && n.field("field")
                .is_some_and(|f| text(f, self.source()) == "Stop")
        {
            if let Some(field) = operand.field("field") {
                out.stopped_fields
                    .push(text(field, self.source()).to_string());
            }
            return;
        }
        // `Node::parent` searches down from the root: the walk's ancestors are free.
        let Some((&parent, above)) = ancestors.split_last() else {
            return;
        };
        let handed_over = match parent.kind() {
            "argument_list" | "expression_list" | "keyed_element" | "literal_element" => {
                // On the left of an assignment it is written, not handed over.
                !(parent.kind() == "expression_list"
                    && above
                        .last()
                        .is_some_and(|gp| gp.field("left") == Some(parent)))
            }
            "send_statement" | "return_statement" => true,
            "unary_expression" => parent.child(0).is_some_and(|op| op.kind() == "&"),
            _ => false,
        };
        if handed_over {
            if let Some(field) = n.field("field") {
                out.escaped_fields
                    .push(text(field, self.source()).to_string());
            }
        }
    }

    /// `T{f: time.NewTicker(d)}` and `&T{...}`.
    fn literal_tickers(&self, n: Node, out: &mut DeclSummary) {
        let owner = n
            .field("type")
            .and_then(|t| TypeExpr::from_node(t, self.source(), self.ctx.imports).base_name());
        let Some(body) = n.field("body") else {
            return;
        };
        let mut cursor = body.walk();
        for element in body.named_children(&mut cursor) {
            if element.kind() != "keyed_element" {
                continue;
            }
            let (Some(key), Some(value)) = (element.named_child(0), element.named_child(1)) else {
                continue;
            };
            let value = if value.kind() == "literal_element" {
                value.named_child(0).unwrap_or(value)
            } else {
                value
            };
            if self.is_new_ticker(value) {
                out.ticker_fields.push(TickerField {
                    owner: owner.clone(),
                    field: text(key, self.source()).to_string(),
                    call: self.rel(value),
                    in_literal: true,
                });
            }
        }
    }
}
