//! What makes code run again and again while a program serves: a request handler, a loop that
//! waits for events, and the calls made from them. `global-growth` reports a table only when
//! it grows on such a path, with keys that are not bounded: one-shot programs, start-up
//! registries and caches keyed by a type fill up once and stop.
//!
//! Everything here is found in one declaration's syntax; following calls across declarations
//! and files is the check's business, from the [`Call`]s recorded here.

use foldhash::{HashSet, HashSetExt};

use tree_sitter::Node;

use super::NameRef;
use crate::analysis::kind::Kind;
use crate::analysis::syntax::{self, text, unparen, Fields};
use crate::analysis::types::TypeExpr;

/// Why a statement runs once per request or event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Repeat {
    /// In an HTTP handler (an `http.ResponseWriter` or `*http.Request` parameter).
    Request,
    /// In the body of a loop that waits for events: `for { conn := l.Accept(); ... }`, a
    /// `for` around a `select` or a receive, or a range over a channel.
    Event,
}

/// Why a growth stays bounded whatever repeats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bound {
    /// The function compares the table's length with something (`if len(m) < max`).
    Capped,
    /// It runs under `sync.Once` (`once.Do(func() { ... })`, `sync.OnceFunc`).
    Once,
}

/// The key of a map write or `Store`, as far as the declaration shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// An append: no key.
    None,
    /// A literal, or a name of another package (`m["config"]`, `m[http.MethodGet]`).
    Constant,
    /// A name not declared in the function: a package-level constant or variable.
    Name(String),
    /// A local whose declaration spells its type (`var k Kind`).
    Typed(TypeExpr),
    /// The function's parameter at this position (counting from 0, the receiver not counted),
    /// and its type: its callers say what it holds.
    Param(usize, TypeExpr),
    /// A composite literal of these keys (`layoutKey{t, rcvr}`): bounded if each one is.
    Composite(Vec<Key>),
    /// A type as a value: `reflect.TypeOf(v)`, `v.Type()`. There are as many as types.
    TypeValue,
    /// Anything else: a value computed from the input, as far as leakls can tell.
    Other,
}

/// What the check needs to know about one growth site besides where it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Growth {
    pub repeats: Option<Repeat>,
    pub bound: Option<Bound>,
    pub key: Key,
}

/// The function a declaration declares, as its callers name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncName {
    pub name: String,
    /// The receiver's type for a method.
    pub receiver: Option<String>,
}

impl FuncName {
    /// `remember`, `Hub.add`.
    pub fn display(&self) -> String {
        match &self.receiver {
            Some(t) => format!("{t}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A call of a package-level function or of a method, and whether it is made on every request
/// or event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Call {
    pub callee: Callee,
    pub repeats: Option<Repeat>,
    /// Bit `i` set: the argument at position `i` is a constant (a literal, or a name of
    /// another package). Positions past 63 are never set.
    pub constant_args: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Callee {
    /// `f(...)` or `pkg.F(...)`.
    Function(NameRef),
    /// `x.m(...)`: a method of some type, by name.
    Method(String),
}

/// Answers "does this node run on every request or event, or under `sync.Once`?" during one
/// walk of a declaration: [`RepeatFinder::enter`] is told of every node as the walk reaches it
/// and keeps, for each node on the path from the declaration, what holds for the code inside
/// it, already combined with what its ancestors say: a node's answer costs one step whatever
/// its depth (100,000 nested calls are hostile input, not a reason to hang). Whether an
/// endless `for {}` waits for events is known only once its body has been walked: a node's
/// answer ([`Pending`]) names the chain of loops it is in, and [`RepeatFinder::resolve`] gives
/// it at the end of the walk.
pub struct RepeatFinder<'a> {
    source: &'a str,
    imports: &'a [(String, String)],
    /// What holds inside each node on the current path, the declaration first.
    path: Vec<Scope>,
    /// The endless loops around some node, each with the loop around it (inside the same
    /// settled context): chains share their outer links, so a node's chain is one index.
    loops: Vec<LoopLink>,
    /// The endless loops (by node id) seen so far to wait for events.
    event_loops: HashSet<usize>,
    /// Once the walk has ended: whether each link of `loops`, or one outside it, is an event
    /// loop, so that resolving costs one step.
    resolved: std::cell::OnceCell<Vec<bool>>,
}

#[derive(Debug, Clone, Copy)]
struct LoopLink {
    id: usize,
    outer: Option<usize>,
}

/// What one node on the walk's path says about the code inside it.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    /// The context it settles for everything inside it, if it does.
    settled: Option<(Option<Repeat>, bool)>,
    /// It is the body of an endless `for {}`, this loop (by id): an event loop if something in
    /// it waits for events.
    endless_body: Option<usize>,
    /// A function literal or a `for` statement: the loops outside it are not waited for by
    /// what it holds.
    boundary: bool,
}

/// A frame combined with its ancestors' scopes.
#[derive(Debug, Clone, Copy, Default)]
struct Scope {
    /// The nearest settled context around the code.
    base: (Option<Repeat>, bool),
    /// The innermost endless loop around the code inside that context (an index in `loops`).
    chain: Option<usize>,
    /// The endless loop that a wait here makes an event loop: the innermost one, unless a
    /// literal or another loop is nearer.
    waited_loop: Option<usize>,
}

/// A node's answer until the walk ends: the endless loops it is in (its innermost link, inside
/// the nearest settled context) and that context.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Pending {
    chain: Option<usize>,
    base: (Option<Repeat>, bool),
}
impl<'a> RepeatFinder<'a> {
    pub fn new(source: &'a str, imports: &'a [(String, String)]) -> RepeatFinder<'a> {
        RepeatFinder {
            source,
            imports,
            path: Vec::new(),
            loops: Vec::new(),
            event_loops: HashSet::new(),
            resolved: std::cell::OnceCell::new(),
        }
    }

    /// The walk reached `node`, below `ancestors` (the declaration first, its parent last).
    pub fn enter(&mut self, node: Node, kind: Kind, ancestors: &[Node]) {
        // A name settles nothing, waits for nothing and holds nothing: the path needs no
        // entry for it (the next node's truncation drops the parent's siblings' entries).
        if matches!(
            kind,
            Kind::Identifier | Kind::FieldIdentifier | Kind::TypeIdentifier | Kind::Comment
        ) {
            return;
        }
        self.path.truncate(ancestors.len());
        let frame = self.frame(node, kind, ancestors);
        let outer = self.path.last().copied().unwrap_or_default();
        let inherited = if frame.settled.is_some() {
            None
        } else {
            outer.chain
        };
        let chain = match frame.endless_body {
            Some(id) => {
                self.loops.push(LoopLink {
                    id,
                    outer: inherited,
                });
                Some(self.loops.len() - 1)
            }
            None => inherited,
        };
        let waited_loop = match frame.endless_body {
            Some(id) => Some(id),
            None if frame.boundary => None,
            None => outer.waited_loop,
        };
        self.path.push(Scope {
            base: frame.settled.unwrap_or(outer.base),
            chain,
            waited_loop,
        });
        if let Some(id) = waited_loop.filter(|_| self.waits(node, kind, ancestors)) {
            self.event_loops.insert(id);
        }
    }

    /// The answer for the node last entered, to [`RepeatFinder::resolve`] once the walk ends.
    pub fn here(&self) -> Pending {
        let scope = self.path.last().copied().unwrap_or_default();
        Pending {
            chain: scope.chain,
            base: scope.base,
        }
    }

    /// What repeats a node, and whether it runs under `sync.Once`: the innermost reason wins
    /// (a `once.Do` inside a handler runs once; an event loop inside a literal repeats).
    /// Called only once the walk has ended.
    pub fn resolve(&self, pending: &Pending) -> (Option<Repeat>, bool) {
        let in_event_loop = self.resolved.get_or_init(|| {
            // A link's outer link was made before it.
            let mut hit: Vec<bool> = Vec::with_capacity(self.loops.len());
            for link in &self.loops {
                let outer = link.outer.is_some_and(|o| hit[o]);
                hit.push(outer || self.event_loops.contains(&link.id));
            }
            hit
        });
        match pending.chain {
            Some(i) if in_event_loop[i] => (Some(Repeat::Event), false),
            _ => pending.base,
        }
    }

    /// `ancestors` are `n`'s, its parent last: `Node::parent` searches down from the root, and
    /// this runs for every node of every declaration.
    fn frame(&mut self, n: Node, kind: Kind, ancestors: &[Node]) -> Frame {
        let parent = ancestors.last().copied();
        if kind == Kind::Block {
            let Some(for_stmt) = parent.filter(|p| Kind::of(*p) == Kind::ForStatement) else {
                return Frame::default();
            };
            if for_stmt.field("body") != Some(n) {
                return Frame::default();
            }
            let mut cursor = for_stmt.walk();
            let header = for_stmt
                .named_children(&mut cursor)
                .find(|c| !matches!(Kind::of(*c), Kind::Block | Kind::Comment));
            match header {
                None => Frame {
                    endless_body: Some(for_stmt.id()),
                    ..Frame::default()
                },
                Some(h) if Kind::of(h) == Kind::RangeClause => {
                    let channel = h.field("right").is_some_and(|r| {
                        let around = &ancestors[..ancestors.len() - 1];
                        is_declared_channel(r, for_stmt, around, self.source)
                    });
                    Frame {
                        settled: channel.then_some((Some(Repeat::Event), false)),
                        ..Frame::default()
                    }
                }
                Some(_) => Frame::default(),
            }
        } else if kind == Kind::FuncLiteral {
            let settled = if is_handler(n, self.source, self.imports) {
                Some((Some(Repeat::Request), false))
            } else if self.runs_once(ancestors) {
                Some((None, true))
            } else {
                None
            };
            Frame {
                settled,
                boundary: true,
                ..Frame::default()
            }
        } else if kind == Kind::FunctionDeclaration || kind == Kind::MethodDeclaration {
            let request = is_handler(n, self.source, self.imports);
            Frame {
                settled: Some((request.then_some(Repeat::Request), false)),
                boundary: true,
                ..Frame::default()
            }
        } else if kind == Kind::ForStatement {
            Frame {
                boundary: true,
                ..Frame::default()
            }
        } else {
            Frame::default()
        }
    }

    /// A node that waits for something from outside: a receive whose value is kept
    /// (`m := <-in`, `case m := <-in:`; a bare `<-done` waits for a signal, as a worker or a
    /// fixed-point loop does), or a call of an [`EVENT_SOURCES`] method.
    fn waits(&self, n: Node, kind: Kind, ancestors: &[Node]) -> bool {
        if kind == Kind::ReceiveStatement {
            return n.field("left").is_some();
        }
        if kind == Kind::UnaryExpression {
            let receives = n
                .field("operator")
                .is_some_and(|op| text(op, self.source) == "<-");
            let kept = match ancestors {
                [.., statement, list] => {
                    Kind::of(*list) == Kind::ExpressionList
                        && matches!(
                            Kind::of(*statement),
                            Kind::ShortVarDeclaration | Kind::AssignmentStatement
                        )
                        && statement.field("right") == Some(*list)
                }
                _ => false,
            };
            return receives && kept;
        }
        if kind == Kind::CallExpression {
            return n
                .field("function")
                .filter(|f| Kind::of(*f) == Kind::SelectorExpression)
                .and_then(|f| f.field("field"))
                .is_some_and(|m| EVENT_SOURCES.contains(&text(m, self.source)));
        }
        false
    }

    /// A literal handed to `once.Do`, `sync.OnceFunc`, `sync.OnceValue` or `sync.OnceValues`.
    /// `ancestors` are the literal's, its parent last.
    fn runs_once(&self, ancestors: &[Node]) -> bool {
        let [.., call, args] = ancestors else {
            return false;
        };
        if Kind::of(*args) != Kind::ArgumentList {
            return false;
        }
        let callee = call.field("function").map(|f| text(f, self.source));
        callee.is_some_and(|c| {
            c.ends_with(".Do")
                || ["OnceFunc", "OnceValue", "OnceValues"]
                    .iter()
                    .any(|f| c.ends_with(&format!("sync.{f}")))
        })
    }
}

/// Calls whose every return brings a new connection or message from outside.
const EVENT_SOURCES: [&str; 8] = [
    "Accept",
    "AcceptTCP",
    "AcceptUnix",
    "Recv",
    "RecvMsg",
    "ReadMessage",
    "ReadFrom",
    "ReadFromUDP",
];

/// `ch` in `for v := range ch`, where `ch` is declared as a channel: a parameter of channel type
/// of the enclosing function, or `ch := make(chan T)` in a block around the loop, before it.
/// Only those places are read, not the whole function: this runs for every range loop.
/// `around` are the loop's ancestors, its parent last.
fn is_declared_channel(expr: Node, loop_stmt: Node, around: &[Node], source: &str) -> bool {
    let expr = unparen(expr);
    if expr.kind() != "identifier" {
        return false;
    }
    let name = text(expr, source);
    let is_make_chan = |v: Node| {
        v.kind() == "call_expression"
            && v.field("function")
                .is_some_and(|f| text(f, source) == "make")
            && v.field("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|t| t.kind() == "channel_type")
    };
    let mut at = loop_stmt;
    for parent in around.iter().rev().copied() {
        if syntax::is_function(parent.kind()) {
            let Some(params) = parent.field("parameters") else {
                return false;
            };
            let mut cursor = params.walk();
            let found = params.named_children(&mut cursor).any(|p| {
                let mut c = p.walk();
                let named = p
                    .children_by_field_name("name", &mut c)
                    .any(|n| text(n, source) == name);
                named && p.field("type").is_some_and(|t| t.kind() == "channel_type")
            });
            return found;
        }
        // `ch := make(chan T)` among the statements before this one, read from the first (a
        // previous sibling is found by searching down from the root, each time).
        let mut statements = parent.walk();
        for statement in parent.named_children(&mut statements) {
            if statement == at {
                break;
            }
            if Kind::of(statement) == Kind::ShortVarDeclaration {
                let (left, right) = (statement.field("left"), statement.field("right"));
                if let (Some(left), Some(right)) = (left, right) {
                    let mut lc = left.walk();
                    let mut rc = right.walk();
                    let declares = left
                        .named_children(&mut lc)
                        .zip(right.named_children(&mut rc))
                        .any(|(l, v)| text(l, source) == name && is_make_chan(v));
                    if declares {
                        return true;
                    }
                }
            }
        }
        at = parent;
    }
    false
}

/// A function or literal that serves HTTP requests: `ServeHTTP`, or a parameter of type
/// `http.ResponseWriter` or `*http.Request`.
pub fn is_handler(func: Node, source: &str, imports: &[(String, String)]) -> bool {
    if Kind::of(func) == Kind::MethodDeclaration
        && func
            .field("name")
            .is_some_and(|n| text(n, source) == "ServeHTTP")
    {
        return true;
    }
    // Most files do not import net/http: their parameters need no look.
    if !imports.iter().any(|(_, path)| path == "net/http") {
        return false;
    }
    let Some(params) = func.field("parameters") else {
        return false;
    };
    let mut cursor = params.walk();
    let found = params.named_children(&mut cursor).any(|p| {
        let Some(mut ty) = p.field("type") else {
            return false;
        };
        if ty.kind() == "pointer_type" {
            match ty.named_child(0) {
                Some(inner) => ty = inner,
                None => return false,
            }
        }
        if ty.kind() != "qualified_type" {
            return false;
        }
        let package = ty.field("package").map(|p| text(p, source));
        let name = ty.field("name").map(|n| text(n, source));
        let is_http = package.is_some_and(|local| {
            imports
                .iter()
                .any(|(l, path)| l == local && path == "net/http")
        });
        is_http && matches!(name, Some("ResponseWriter" | "Request"))
    });
    found
}

/// What leakls can tell about a key expression in the top-level function `func`.
pub fn classify_key(
    key: Node,
    func: Option<Node>,
    source: &str,
    imports: &[(String, String)],
    declarations: &syntax::RecordedDeclarations,
) -> Key {
    let k = KeyContext {
        source,
        imports,
        declarations,
    };
    classify_key_depth(key, func, &k, 0)
}

/// What every step of [`classify_key`] reads.
struct KeyContext<'a> {
    source: &'a str,
    imports: &'a [(String, String)],
    declarations: &'a syntax::RecordedDeclarations,
}

/// Keys nested deeper than this (`T{T{T{...}}}`, `a := b` chains) are not followed: hostile
/// input could nest them deeper than the stack.
const MAX_KEY_DEPTH: usize = 8;

fn classify_key_depth(key: Node, func: Option<Node>, k: &KeyContext, depth: usize) -> Key {
    let (source, imports) = (k.source, k.imports);
    if depth > MAX_KEY_DEPTH {
        return Key::Other;
    }
    let key = unparen(key);
    match key.kind() {
        _ if Kind::of(key).is_literal() => Key::Constant,
        "selector_expression" => {
            if names_an_import(key, source, imports) {
                Key::Constant
            } else if key
                .field("field")
                .is_some_and(|f| text(f, source) == "Type")
            {
                Key::TypeValue // a reflect.StructField's Type
            } else {
                Key::Other
            }
        }
        "call_expression" if names_a_type(key, source) => Key::TypeValue,
        "composite_literal" => {
            let Some(body) = key.field("body") else {
                return Key::Other;
            };
            let mut cursor = body.walk();
            let parts: Vec<Key> = body
                .named_children(&mut cursor)
                .filter(|e| e.kind() != "comment")
                .map(|e| {
                    // `k: v` and `v`: the value is what varies.
                    let value = if e.kind() == "keyed_element" {
                        e.named_child(1)
                    } else {
                        Some(e)
                    };
                    let value = value.map(|v| {
                        if v.kind() == "literal_element" {
                            v.named_child(0).unwrap_or(v)
                        } else {
                            v
                        }
                    });
                    value.map_or(Key::Other, |v| classify_key_depth(v, func, k, depth + 1))
                })
                .collect();
            Key::Composite(parts)
        }
        "identifier" => {
            let name = text(key, source);
            match func.and_then(|f| Some((f, k.declarations.declaration(key, f, source)?))) {
                Some((f, declaration)) => declared_key(declaration, f, k, depth),
                None => Key::Name(name.to_string()),
            }
        }
        _ => Key::Other,
    }
}

/// `reflect.TypeOf(v)`, `reflect.TypeFor[T]()`, `v.Type()`, and what a type's methods lead to
/// from there (`v.Type().Elem()`): values of which there are as many as types.
fn names_a_type(call: Node, source: &str) -> bool {
    let Some(callee) = call.field("function") else {
        return false;
    };
    let spelled = text(callee, source);
    if spelled.ends_with("TypeOf") || spelled.ends_with(".Type") || spelled.contains("TypeFor") {
        return true;
    }
    let navigates = [".Elem", ".Key", ".In", ".Out", ".Underlying"]
        .iter()
        .any(|m| spelled.ends_with(m));
    // A loop, not recursion: `a.Elem().Elem()...` may be nested deeper than the stack.
    let mut operand = callee.field("operand").map(unparen);
    let mut navigates = navigates;
    while navigates {
        let Some(call) = operand.filter(|o| o.kind() == "call_expression") else {
            return false;
        };
        let Some(inner) = call.field("function") else {
            return false;
        };
        let spelled = text(inner, source);
        if spelled.ends_with("TypeOf") || spelled.ends_with(".Type") || spelled.contains("TypeFor")
        {
            return true;
        }
        navigates = [".Elem", ".Key", ".In", ".Out", ".Underlying"]
            .iter()
            .any(|m| spelled.ends_with(m));
        operand = inner.field("operand").map(unparen);
    }
    false
}

/// What a local's declaration says of it: a parameter (by position), a typed `var k Kind`, or
/// `t := reflect.TypeOf(v)`, `k := key{t, n}`.
fn declared_key(id: Node, func: Node, k: &KeyContext, depth: usize) -> Key {
    let (source, imports) = (k.source, k.imports);
    let Some(decl) = id.parent() else {
        return Key::Other;
    };
    match decl.kind() {
        "parameter_declaration" | "variadic_parameter_declaration" => {
            let ty = decl
                .field("type")
                .map(|t| TypeExpr::from_node(t, source, &imports))
                .unwrap_or(TypeExpr::Unknown);
            let in_parameters = decl
                .parent()
                .filter(|p| Some(*p) == func.field("parameters"));
            match in_parameters.and_then(|list| parameter_position(list, id)) {
                Some(position) => Key::Param(position, ty),
                None => Key::Typed(ty), // a receiver or a result
            }
        }
        "var_spec" => match decl.field("type") {
            Some(t) => Key::Typed(TypeExpr::from_node(t, source, &imports)),
            None => Key::Other,
        },
        "expression_list" => {
            let value = decl
                .parent()
                .filter(|s| s.kind() == "short_var_declaration")
                .and_then(|s| {
                    let position = syntax::index_in(decl, id)?;
                    s.field("right")?.named_child(position)
                });
            match value.map(|v| classify_key_depth(v, Some(func), k, depth + 1)) {
                Some(k @ (Key::TypeValue | Key::Composite(_) | Key::Constant)) => k,
                _ => Key::Other,
            }
        }
        _ => Key::Other,
    }
}

/// The position of the parameter named by `id` in a parameter list (`a, b int` are two).
fn parameter_position(list: Node, id: Node) -> Option<usize> {
    let mut position = 0;
    let mut cursor = list.walk();
    for decl in list.named_children(&mut cursor) {
        if !matches!(
            decl.kind(),
            "parameter_declaration" | "variadic_parameter_declaration"
        ) {
            continue;
        }
        let mut c = decl.walk();
        let names: Vec<Node> = decl.children_by_field_name("name", &mut c).collect();
        if let Some(i) = names.iter().position(|n| *n == id) {
            return Some(position + i);
        }
        position += names.len().max(1);
    }
    None
}

/// `pkg.Name` where `pkg` is an imported package: a name of another package.
fn names_an_import(selector: Node, source: &str, imports: &[(String, String)]) -> bool {
    selector.field("operand").is_some_and(|o| {
        Kind::of(o) == Kind::Identifier && imports.iter().any(|(l, _)| l == text(o, source))
    })
}

/// Bit `i` set for each argument that is a constant: a literal, or a name of another package
/// (`http.MethodGet`). Made for every call a summary records: nothing is allocated.
pub fn constant_arguments(args: &[Node], source: &str, imports: &[(String, String)]) -> u64 {
    let mut mask = 0u64;
    for (i, &arg) in args
        .iter()
        .filter(|a| Kind::of(**a) != Kind::Comment)
        .enumerate()
        .take(64)
    {
        let arg = unparen(arg);
        let kind = Kind::of(arg);
        let constant = kind.is_literal()
            || (kind == Kind::SelectorExpression && names_an_import(arg, source, imports));
        if constant {
            mask |= 1 << i;
        }
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::FileSummary;

    fn growth_of(src: &str, target: &str) -> Vec<Growth> {
        let tree = crate::analysis::parse(src);
        let summary = FileSummary::new(src, &tree);
        summary
            .iter()
            .flat_map(|(_, _, d)| d.uses.iter())
            .filter(|u| u.target.name == target && u.kind.grows())
            .map(|u| (**u.growth.as_ref().expect("a growth has its context")).clone())
            .collect()
    }

    const HEADER: &str =
        "package p\n\nimport (\n\t\"net\"\n\t\"net/http\"\n\t\"reflect\"\n\t\"sync\"\n)\n\n\
        var m = map[string]int{}\nvar s []string\nvar c sync.Map\nvar once sync.Once\n\n";

    #[test]
    fn what_repeats_a_growth() {
        let src = format!(
            "{HEADER}func h(w http.ResponseWriter, r *http.Request) {{ m[r.URL.Path]++ }}\n\
             func serve(l net.Listener) {{\n\tfor {{\n\t\tc, _ := l.Accept()\n\t\ts = append(s, c.RemoteAddr().String())\n\t}}\n}}\n\
             func pump(in <-chan string) {{\n\tfor v := range in {{\n\t\tm[v] = 1\n\t}}\n}}\n\
             func wait(done chan int) {{\n\tfor {{\n\t\t<-done\n\t\tm[\"x\"+string(rune(len(m)))] = 1\n\t}}\n}}\n\
             func list(xs []string) {{\n\tfor _, x := range xs {{\n\t\tm[x] = 1\n\t}}\n}}\n"
        );
        let m: Vec<Option<Repeat>> = growth_of(&src, "m").iter().map(|g| g.repeats).collect();
        // A handler, a range over a channel parameter; a loop that only waits for a signal and
        // a loop over a slice are not events.
        assert_eq!(m, [Some(Repeat::Request), Some(Repeat::Event), None, None]);
        let s: Vec<Option<Repeat>> = growth_of(&src, "s").iter().map(|g| g.repeats).collect();
        assert_eq!(s, [Some(Repeat::Event)]);
    }

    #[test]
    fn what_bounds_a_growth() {
        let src = format!(
            "{HEADER}func f(w http.ResponseWriter, r *http.Request) {{\n\
             \tif len(m) < 100 {{\n\t\tm[r.URL.Path] = 1\n\t}}\n\
             \tonce.Do(func() {{ s = append(s, r.URL.Path) }})\n}}\n"
        );
        assert_eq!(growth_of(&src, "m")[0].bound, Some(Bound::Capped));
        assert_eq!(growth_of(&src, "s")[0].bound, Some(Bound::Once));
    }

    #[test]
    fn what_a_key_is() {
        let src = format!(
            "{HEADER}const mode = \"m\"\n\
             func f(name string, t reflect.Type, v reflect.Value) {{\n\
             \tm[\"lit\"] = 1\n\tm[http.MethodGet] = 1\n\tm[mode] = 1\n\tm[name] = 1\n\
             \tc.Store(t, 1)\n\tc.Store(v.Type().Elem(), 1)\n\tc.Store(reflect.TypeOf(v), 1)\n\
             \tk := struct{{ a reflect.Type; b string }}{{t, \"x\"}}\n\tc.Store(k, 1)\n\
             \tname := name + \"!\"\n\tm[name] = 2\n}}\n"
        );
        let keys: Vec<Key> = growth_of(&src, "m").into_iter().map(|g| g.key).collect();
        let string = TypeExpr::Named {
            package: None,
            name: "string".into(),
        };
        assert_eq!(
            keys,
            [
                Key::Constant,
                Key::Constant,
                Key::Name("mode".into()),
                Key::Param(0, string),
                // The `name` declared from `name + "!"` is another variable, of unknown value.
                Key::Other,
            ]
        );
        let keys: Vec<Key> = growth_of(&src, "c").into_iter().map(|g| g.key).collect();
        let reflect_type = TypeExpr::Named {
            package: Some("reflect".into()),
            name: "Type".into(),
        };
        assert_eq!(
            keys,
            [
                Key::Param(1, reflect_type.clone()),
                Key::TypeValue,
                Key::TypeValue,
                Key::Composite(vec![Key::Param(1, reflect_type), Key::Constant]),
            ]
        );
    }

    #[test]
    fn calls_note_what_repeats_them_and_their_constant_arguments() {
        let src = format!(
            "{HEADER}func h(w http.ResponseWriter, r *http.Request) {{ track(\"req\", r.URL.Path) }}\n\
             func g(x *T) {{ track(\"g\", \"x\"); x.m(); len(s) }}\n"
        );
        let tree = crate::analysis::parse(&src);
        let summary = FileSummary::new(&src, &tree);
        let calls: Vec<(String, Vec<Call>)> = summary
            .iter()
            .filter_map(|(_, _, d)| Some((d.func.as_ref()?.name.clone(), d.calls.clone())))
            .collect();
        let track = |repeats, constant_args| Call {
            callee: Callee::Function(NameRef {
                package: None,
                name: "track".into(),
            }),
            repeats,
            constant_args,
        };
        assert_eq!(calls[0].0, "h");
        assert_eq!(calls[0].1, [track(Some(Repeat::Request), 0b01)]);
        assert_eq!(calls[1].0, "g");
        assert!(calls[1].1.contains(&track(None, 0b11)));
        assert!(calls[1].1.contains(&Call {
            callee: Callee::Method("m".into()),
            repeats: None,
            constant_args: 0
        }));
        assert_eq!(calls[1].1.len(), 2, "len is a builtin: {:?}", calls[1].1);
    }
}
