//! The walk of a declaration's code: writes to package-level names, stopped and escaping
//! ticker fields, tickers stored in fields, and calls, each with what makes it repeat.

use foldhash::{HashSet, HashSetExt};
use std::ops::Range;

use tree_sitter::Node;

use super::regrow::RegrowFinder;
use super::repeat::{self, Pending, RepeatFinder};
use super::*;
use crate::analysis::kind::Kind;
use crate::analysis::syntax::{self, text, Fields};

impl SummaryContext<'_> {
    /// Records writes to package-level names, stopped and escaping fields, tickers stored in
    /// fields, and calls, in the code of one declaration, in one walk of it (walking costs as
    /// much as everything else the summary does). A name declared anywhere in the declaration
    /// shadows the package-level one, so uses and calls are recorded as they come and those of
    /// local names dropped at the end.
    pub(super) fn walk_code(&self, decl: Node, base: usize, setup: bool, out: &mut DeclSummary) {
        let receiver = (Kind::of(decl) == Kind::MethodDeclaration)
            .then(|| {
                out.methods
                    .first()
                    .map(|m| (m.receiver_name.clone(), m.receiver_type.clone()))
            })
            .flatten();
        let mut walker = CodeWalker {
            ctx: self,
            cursor: decl.walk(),
            args: Vec::new(),
            values: Vec::new(),
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
            declarations: syntax::RecordedDeclarations::default(),
        };
        let mut mentions: Vec<u32> = Vec::new();
        let mut regrow = RegrowFinder::default();
        let first_use = out.uses.len();
        let source = self.source;
        // Punctuation and keywords are not visited: every kind the walk asks about is a named
        // one.
        syntax::walk_named_with_ancestors(decl, |n, ancestors| {
            let kind = Kind::of(n);
            walker.repeat.enter(n, kind, ancestors);
            match kind {
                Kind::FieldIdentifier => mentions.push(super::name_hash(text(n, source))),
                Kind::KeyedElement => mentions
                    .extend(syntax::keyed_field(n).map(|k| super::name_hash(text(k, source)))),
                Kind::CompositeLiteral => {
                    let types = super::positional_literal_types(n, source);
                    mentions.extend(types.into_iter().map(super::name_hash));
                }
                _ => {}
            }
            if CodeWalker::looks_at(kind) {
                walker.declare(n, kind);
                walker.visit(n, kind, ancestors, out);
                regrow.visit(n, kind, ancestors, source);
            }
            !CodeWalker::is_opaque(kind)
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
            ..
        } = walker;
        out.regrown_slices.extend(regrow.finish(source));
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
                let spelled = (u.target.package.as_deref(), u.target.name.as_str());
                if growth.bound.is_none() && compared_lengths.contains(&spelled) {
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

struct CodeWalker<'a, 't> {
    ctx: &'a SummaryContext<'a>,
    /// A cursor and a buffer for the children a node's record reads (a call's arguments).
    cursor: tree_sitter::TreeCursor<'t>,
    args: Vec<Node<'t>>,
    values: Vec<Node<'t>>,
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
    compared_lengths: HashSet<Spelled<'a>>,
    calls: HashSet<SeenCall<'a>>,
    /// Growth uses (by index in `uses`) and what repeats them, known when the walk ends.
    pending_growth: Vec<(usize, Pending)>,
    /// The variables declared so far in the walk, for the keys of its growth uses.
    declarations: syntax::RecordedDeclarations,
}

/// A package-level name as the walk sees it, borrowed from the source: (import, name).
type Spelled<'a> = (Option<&'a str>, &'a str);

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

impl<'a, 't> CodeWalker<'a, 't> {
    fn source(&self) -> &str {
        self.ctx.source
    }

    fn rel(&self, n: Node) -> Range<usize> {
        n.start_byte() - self.base..n.end_byte() - self.base
    }

    /// Records a use of `target`. A name declared in the walk so far is a local, whose uses
    /// `walk_code` would drop at the end: it is neither recorded nor spelled out (most names
    /// handed on or indexed are locals).
    fn record(&self, out: &mut DeclSummary, target: Spelled<'a>, kind: UseKind, at: Node) {
        if let Some(target) = self.unless_local(target) {
            out.uses.push(self.use_of(target, kind, at, None));
        }
    }

    /// A growth: recorded with what repeats it, what bounds it and its key (`None` for an
    /// append). A local's is not (nor is its key classified, which looks for the key's
    /// declaration).
    fn record_growth(
        &mut self,
        out: &mut DeclSummary,
        target: Spelled<'a>,
        kind: UseKind,
        at: Node,
        key: Option<Node>,
        ancestors: &[Node],
    ) {
        let Some(target) = self.unless_local(target) else {
            return;
        };
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
        // What repeats it is filled in when the walk ends: see `RepeatFinder::resolve`.
        let growth = Growth {
            repeats: None,
            bound: None,
            key,
        };
        out.uses
            .push(self.use_of(target, kind, at, Some(Box::new(growth))));
        self.pending_growth.push((out.uses.len() - 1, pending));
    }

    /// `target` as a [`NameRef`], unless it names a variable declared in the walk so far.
    fn unless_local(&self, (package, name): Spelled<'a>) -> Option<NameRef> {
        (!self.locals.contains(package.unwrap_or(name))).then(|| NameRef {
            package: package.map(str::to_string),
            name: name.to_string(),
        })
    }

    fn use_of(&self, target: NameRef, kind: UseKind, at: Node, growth: Option<Box<Growth>>) -> Use {
        Use {
            target,
            kind,
            range: self.rel(at),
            row: at.start_position().row - self.base_row,
            setup: self.setup,
            growth,
        }
    }

    /// A package-level name, as spelled: an identifier, or `pkg.Name` through an import. Until
    /// the walk ends, a local of the same name may still turn up: `walk_code` drops those uses
    /// then.
    fn global_ref(&self, n: Node) -> Option<Spelled<'a>> {
        let source = self.ctx.source;
        let n = syntax::unparen(n);
        match Kind::of(n) {
            Kind::Identifier => {
                let name = text(n, source);
                (name != "_").then_some((None, name))
            }
            Kind::SelectorExpression => {
                let operand = n.field("operand")?;
                let field = n.field("field")?;
                let local = text(operand, source);
                (Kind::of(operand) == Kind::Identifier
                    && self.ctx.imports.iter().any(|(l, _)| l == local))
                .then(|| (Some(local), text(field, source)))
            }
            _ => None,
        }
    }

    /// `value` escapes at `at` when it names a package-level variable.
    fn escape(&self, out: &mut DeclSummary, value: Node, at: Node) {
        if let Some(target) = self.global_ref(value) {
            self.record(out, target, UseKind::Escape, at);
        }
    }

    /// Every kind [`Self::declare`], [`Self::visit`] or [`RegrowFinder::visit`] looks at: the
    /// walk skips the others.
    fn looks_at(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::ParameterDeclaration
                | Kind::VariadicParameterDeclaration
                | Kind::VarSpec
                | Kind::ConstSpec
                | Kind::ShortVarDeclaration
                | Kind::RangeClause
                | Kind::ReceiveStatement
                | Kind::AssignmentStatement
                | Kind::IncStatement
                | Kind::DecStatement
                | Kind::CallExpression
                | Kind::UnaryExpression
                | Kind::ReturnStatement
                | Kind::SendStatement
                | Kind::KeyedElement
                | Kind::LiteralElement
                | Kind::SelectorExpression
                | Kind::CompositeLiteral
                | Kind::SliceExpression
                | Kind::IndexExpression
        )
    }

    /// Kinds whose insides hold nothing the walk records: types (a name in a type is not a use
    /// of a variable) and string literals. The walk does not descend into them.
    fn is_opaque(kind: Kind) -> bool {
        matches!(
            kind,
            Kind::StructType
                | Kind::InterfaceType
                | Kind::FunctionType
                | Kind::PointerType
                | Kind::SliceType
                | Kind::ArrayType
                | Kind::MapType
                | Kind::ChannelType
                | Kind::QualifiedType
                | Kind::GenericType
                | Kind::TypeParameterList
                | Kind::InterpretedStringLiteral
                | Kind::RawStringLiteral
        )
    }

    /// Notes the names `n` declares.
    fn declare(&mut self, n: Node, kind: Kind) {
        let source = self.ctx.source;
        match kind {
            Kind::ParameterDeclaration
            | Kind::VariadicParameterDeclaration
            | Kind::VarSpec
            | Kind::ConstSpec => {
                static NAME: std::sync::LazyLock<Option<std::num::NonZeroU16>> =
                    std::sync::LazyLock::new(|| syntax::field_id("name"));
                let Some(field) = *NAME else {
                    return;
                };
                let mut c = n.walk();
                for name in n.children_by_field_id(field, &mut c) {
                    self.locals.insert(text(name, source));
                    // A parameter here is a function's (the walk skips function types); a
                    // constant is not a variable.
                    if kind != Kind::ConstSpec {
                        self.declarations.record(name);
                    }
                }
            }
            Kind::ShortVarDeclaration | Kind::RangeClause | Kind::ReceiveStatement => {
                let declares = kind == Kind::ShortVarDeclaration
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
    fn visit(&mut self, n: Node<'t>, kind: Kind, ancestors: &[Node<'t>], out: &mut DeclSummary) {
        match kind {
            Kind::AssignmentStatement => self.assignment(n, ancestors, out),
            Kind::IncStatement | Kind::DecStatement => {
                let index = n.named_child(0);
                if let Some(index) = index.filter(|c| Kind::of(*c) == Kind::IndexExpression) {
                    if let Some(t) = index.field("operand").and_then(|o| self.global_ref(o)) {
                        let key = index.field("index");
                        self.record_growth(out, t, UseKind::IndexSet, n, key, ancestors);
                    }
                }
            }
            Kind::CallExpression => self.call(n, ancestors, out),
            Kind::UnaryExpression if n.child(0).is_some_and(|op| op.kind() == "&") => {
                if let Some(operand) = n.field("operand") {
                    self.escape(out, operand, n);
                }
            }
            Kind::ReturnStatement
            | Kind::ShortVarDeclaration
            | Kind::SendStatement
            | Kind::KeyedElement
            | Kind::LiteralElement => self.escapes_in(n, kind, out),
            Kind::SelectorExpression => self.field_use(n, ancestors, out),
            Kind::CompositeLiteral => self.literal_tickers(n, out),
            _ => {}
        }
    }

    /// Values handed over whole (returned, aliased, sent, put in a literal) escape.
    fn escapes_in(&mut self, n: Node<'t>, kind: Kind, out: &mut DeclSummary) {
        let list = match kind {
            Kind::ShortVarDeclaration => n.field("right"),
            Kind::ReturnStatement => n.named_child(0),
            Kind::SendStatement => {
                if let Some(v) = n.field("value") {
                    self.escape(out, v, v);
                }
                return;
            }
            _ => Some(n),
        };
        let Some(list) = list else {
            return;
        };
        // A literal's element holds one or two (a key and a value): read in place.
        let count = list.named_child_count();
        if count <= 2 {
            for v in (0..count).filter_map(|i| list.named_child(i)) {
                self.escape(out, v, v);
            }
            return;
        }
        let mut values = std::mem::take(&mut self.args);
        values.clear();
        values.extend(list.named_children(&mut self.cursor));
        for &v in &values {
            self.escape(out, v, v);
        }
        self.args = values;
    }

    fn assignment(&mut self, n: Node<'t>, ancestors: &[Node<'t>], out: &mut DeclSummary) {
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return;
        };
        let mut lhs = std::mem::take(&mut self.args);
        let mut rhs = std::mem::take(&mut self.values);
        lhs.clear();
        lhs.extend(left.named_children(&mut self.cursor));
        rhs.clear();
        rhs.extend(right.named_children(&mut self.cursor));
        self.assignment_of(n, &lhs, &rhs, ancestors, out);
        self.args = lhs;
        self.values = rhs;
    }

    fn assignment_of(
        &mut self,
        n: Node<'t>,
        lhs: &[Node<'t>],
        rhs: &[Node<'t>],
        ancestors: &[Node<'t>],
        out: &mut DeclSummary,
    ) {
        let plain = n
            .field("operator")
            .is_some_and(|op| text(op, self.source()) == "=");
        for (i, target) in lhs.iter().enumerate() {
            let value = (lhs.len() == rhs.len()).then(|| rhs[i]);
            // `x.f = append(x.f, ...)` (or `x.f[k] = append(list, ...)`) adds to the list in
            // field f; `append(x.f[:i], ...)` removes from it. A receiver named like an import
            // (`fs`) is still a variable here.
            if plain && value.is_some_and(|v| self.adds_by_append(v)) {
                let list = if Kind::of(*target) == Kind::IndexExpression {
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
            } else if Kind::of(*target) == Kind::IndexExpression {
                if let Some(t) = target.field("operand").and_then(|o| self.global_ref(o)) {
                    let key = target.field("index");
                    self.record_growth(out, t, UseKind::IndexSet, n, key, ancestors);
                }
            } else if Kind::of(*target) == Kind::SelectorExpression {
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
                self.escape(out, v, v);
            }
        }
    }

    /// `append(list, ...)` where `list` is not a re-slice (`append(x[:i], x[i+1:]...)`
    /// removes).
    fn adds_by_append(&self, value: Node) -> bool {
        let value = syntax::unparen(value);
        Kind::of(value) == Kind::CallExpression
            && value
                .field("function")
                .is_some_and(|f| text(f, self.source()) == "append")
            && value
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|first| Kind::of(syntax::unparen(first)) != Kind::SliceExpression)
    }

    /// `f` of `x.f`.
    fn field_name(&self, n: Node) -> Option<String> {
        let n = syntax::unparen(n);
        (Kind::of(n) == Kind::SelectorExpression)
            .then(|| n.field("field"))
            .flatten()
            .map(|f| text(f, self.source()).to_string())
    }

    /// `append(x, ...)` where x is spelled exactly as the assignment's target.
    fn is_append_to(&self, value: Node, target: Node) -> bool {
        Kind::of(value) == Kind::CallExpression
            && value
                .field("function")
                .is_some_and(|f| text(f, self.source()) == "append")
            && value
                .field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|first| text(first, self.source()) == text(target, self.source()))
    }

    fn is_new_ticker(&self, n: Node) -> bool {
        Kind::of(n) == Kind::CallExpression
            && self.ctx.time.is_call_of(n, self.source(), "NewTicker")
    }

    /// The struct type of `x` in `x.f`: the method's receiver type when `x` is the receiver.
    /// Otherwise a local whose declaration spells its type (`x := &T{}`, `var x T`, `x *T`),
    /// which `walk_code` fills in as ticker field `index` once the walk is over.
    fn owner_type(&mut self, operand: Node, index: usize) -> Option<String> {
        if Kind::of(operand) != Kind::Identifier {
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

    fn call(&mut self, n: Node<'t>, ancestors: &[Node<'t>], out: &mut DeclSummary) {
        let Some(callee) = n.field("function") else {
            return;
        };
        // Every call comes here: its arguments are read with the walk's one cursor, into a
        // buffer that is reused.
        let mut args = std::mem::take(&mut self.args);
        args.clear();
        if let Some(list) = n.field("arguments").filter(|a| a.named_child_count() > 0) {
            args.extend(list.named_children(&mut self.cursor));
        }
        self.call_with(n, callee, &args, ancestors, out);
        self.args = args;
    }

    fn call_with(
        &mut self,
        n: Node<'t>,
        callee: Node<'t>,
        args: &[Node<'t>],
        ancestors: &[Node<'t>],
        out: &mut DeclSummary,
    ) {
        let source = self.ctx.source;
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
                    Kind::of(*p) == Kind::BinaryExpression
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
        if Kind::of(callee) == Kind::SelectorExpression {
            let method = callee.field("field").map(|f| text(f, source)).unwrap_or("");
            let kind = match method {
                "Store" | "LoadOrStore" => Some(UseKind::Store),
                "Delete" | "LoadAndDelete" | "Swap" | "CompareAndDelete" | "CompareAndSwap"
                | "Clear" => Some(UseKind::Remove),
                _ => None,
            };
            let target = kind
                .and_then(|_| callee.field("operand"))
                .and_then(|o| self.global_ref(o));
            match (kind, target) {
                (Some(UseKind::Store), Some(t)) => {
                    let key = args.first().copied();
                    self.record_growth(out, t, UseKind::Store, n, key, ancestors);
                }
                (Some(kind), Some(t)) => self.record(out, t, kind, n),
                _ => {}
            }
        }
        self.record_call(callee, args);
        if !is_read_only_call(callee_text) {
            for &arg in args {
                self.escape(out, arg, arg);
            }
        }
    }

    /// Notes a call of a package-level function (`f(x)`, `pkg.F(x)`) or of a method (`x.m()`),
    /// with what repeats it, for the checks that follow calls back to a handler or event loop.
    /// Every call of a declaration comes here: the names stay borrowed until the walk ends.
    fn record_call(&mut self, callee: Node, args: &[Node]) {
        let source: &'a str = self.ctx.source;
        let (package, name, method) = match Kind::of(callee) {
            Kind::Identifier => {
                let name = text(callee, source);
                if PREDECLARED_CALLS.contains(&name) {
                    return;
                }
                (None, name, false)
            }
            Kind::SelectorExpression => {
                let (Some(operand), Some(field)) = (callee.field("operand"), callee.field("field"))
                else {
                    return;
                };
                let local = text(operand, source);
                let is_import = Kind::of(operand) == Kind::Identifier
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
        if Kind::of(operand) == Kind::SelectorExpression
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
        let handed_over = match Kind::of(parent) {
            Kind::ArgumentList
            | Kind::ExpressionList
            | Kind::KeyedElement
            | Kind::LiteralElement => {
                // On the left of an assignment it is written, not handed over.
                !(Kind::of(parent) == Kind::ExpressionList
                    && above
                        .last()
                        .is_some_and(|gp| gp.field("left") == Some(parent)))
            }
            Kind::SendStatement | Kind::ReturnStatement => true,
            Kind::UnaryExpression => parent.child(0).is_some_and(|op| op.kind() == "&"),
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
        // No ticker without the time package (most files): no type to spell, no element to read.
        if !self.ctx.time.is_imported() {
            return;
        }
        let owner = n
            .field("type")
            .and_then(|t| TypeExpr::from_node(t, self.source(), self.ctx.imports).base_name());
        let Some(body) = n.field("body") else {
            return;
        };
        let mut cursor = body.walk();
        for element in body.named_children(&mut cursor) {
            if Kind::of(element) != Kind::KeyedElement {
                continue;
            }
            let (Some(key), Some(value)) = (element.named_child(0), element.named_child(1)) else {
                continue;
            };
            let value = if Kind::of(value) == Kind::LiteralElement {
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
