//! Small questions about the Go syntax tree that several checks ask.
//!
//! Walks are iterative (an explicit cursor, or a depth bound) so that hostile input such as
//! 100,000 nested parentheses cannot overflow the stack.

use tree_sitter::{Node, TreeCursor};

use super::kind::Kind;

/// Recursion into statements stops here; deeper code is treated conservatively.
const MAX_STATEMENT_DEPTH: usize = 256;

pub fn text<'a>(node: Node, source: &'a str) -> &'a str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The field a keyed element of a composite literal sets (`f` in `T{f: v}`): its key, when that
/// is an identifier (inside a literal element).
pub fn keyed_field(element: Node) -> Option<Node> {
    let key = element.named_child(0)?;
    let name = if Kind::of(key) == Kind::LiteralElement {
        key.named_child(0)?
    } else {
        key
    };
    (Kind::of(name) == Kind::Identifier).then_some(name)
}

/// The expression inside any number of parentheses.
pub fn unparen(mut n: Node) -> Node {
    while Kind::of(n) == Kind::ParenthesizedExpression {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}

pub fn is_function(kind: &str) -> bool {
    matches!(
        kind,
        "function_declaration" | "method_declaration" | "func_literal"
    )
}

/// `Node::child_by_field_name` without its cost: tree-sitter finds a field's number by comparing
/// the name with every field name of the grammar, on each call, and the summary walk asks for
/// fields of most nodes it visits.
pub trait Fields<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(name)?.get())
    }
}

/// The number of a field of the Go grammar, found without comparing `name` with every field
/// name (as `Language::field_id_for_name` does, on each call).
pub fn field_id(name: &str) -> Option<std::num::NonZeroU16> {
    // Looked up on every step of every walk: a slot per (length, last byte) holds the one or
    // two names that share it, so a lookup compares one or two short strings (a binary search
    // over the sorted names compared about six, a few percent of `check`).
    static IDS: std::sync::LazyLock<Vec<Vec<(&'static str, std::num::NonZeroU16)>>> =
        std::sync::LazyLock::new(|| {
            let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
            let mut slots = vec![Vec::new(); FIELD_SLOTS];
            for id in 1..=language.field_count() as u16 {
                if let (Some(name), Some(id)) = (
                    language.field_name_for_id(id),
                    std::num::NonZeroU16::new(id),
                ) {
                    slots[field_slot(name)].push((name, id));
                }
            }
            slots
        });
    Some(IDS[field_slot(name)].iter().find(|(n, _)| *n == name)?.1)
}

const FIELD_SLOTS: usize = 128;

fn field_slot(name: &str) -> usize {
    let last = name.as_bytes().last().copied().unwrap_or(0) as usize;
    (name.len() * 31 + last) % FIELD_SLOTS
}

/// Visits `node` and its descendants in source order. `visit` returns false to skip a node's
/// children.
pub fn walk<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor: TreeCursor<'t> = node.walk();
    let mut descend = visit(cursor.node());
    loop {
        if descend && cursor.goto_first_child() {
            descend = visit(cursor.node());
            continue;
        }
        loop {
            if cursor.node() == node {
                return;
            }
            if cursor.goto_next_sibling() {
                descend = visit(cursor.node());
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// [`walk`], also handing the visitor the ancestors of each node below `node` (its parent last).
/// The plain cursor walk that [`walk_named_with_ancestors`] is tested against.
#[cfg(test)]
pub fn walk_with_ancestors<'t>(
    node: Node<'t>,
    mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool,
) {
    let mut cursor: TreeCursor<'t> = node.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut descend = visit(node, &ancestors);
    loop {
        if descend {
            let parent = cursor.node();
            if cursor.goto_first_child() {
                ancestors.push(parent);
                descend = visit(cursor.node(), &ancestors);
                continue;
            }
        }
        loop {
            // Back at `node`: the cursor never leaves it for a sibling.
            if ancestors.is_empty() {
                return;
            }
            if cursor.goto_next_sibling() {
                descend = visit(cursor.node(), &ancestors);
                break;
            }
            cursor.goto_parent();
            ancestors.pop();
        }
    }
}

/// Visits `node` and its named descendants in source order, each with its ancestors (`node`
/// first, the parent last); `visit` returns false to skip a node's children. Punctuation and
/// keywords are not visited. A quarter faster than a cursor over every node, which is most of
/// the summary's walk: a node of up to [`NARROW`] named children is read child by child
/// (`Node::named_child` counts from the first child each time), a wider one once, by a cursor.
pub fn walk_named_with_ancestors<'t>(
    node: Node<'t>,
    mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool,
) {
    /// The children of an ancestor still to visit.
    struct Siblings<'t> {
        next: usize,
        count: usize,
        /// A wide node's children, read at once; empty for a narrow one.
        wide: Vec<Node<'t>>,
    }
    let mut cursor = node.walk();
    let mut open = |n: Node<'t>| {
        let count = n.named_child_count();
        let wide = if count > NARROW {
            n.named_children(&mut cursor).collect()
        } else {
            Vec::new()
        };
        Siblings {
            next: 0,
            count,
            wide,
        }
    };
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    let mut stack: Vec<Siblings<'t>> = Vec::new();
    if !visit(node, &ancestors) {
        return;
    }
    stack.push(open(node));
    ancestors.push(node);
    while let Some(top) = stack.last_mut() {
        if top.next == top.count {
            stack.pop();
            ancestors.pop();
            continue;
        }
        let i = top.next;
        top.next += 1;
        let child = match top.wide.get(i) {
            Some(c) => *c,
            None => match ancestors.last().and_then(|parent| parent.named_child(i)) {
                Some(c) => c,
                None => continue,
            },
        };
        if visit(child, &ancestors) {
            let siblings = open(child);
            if siblings.count > 0 {
                stack.push(siblings);
                ancestors.push(child);
            }
        }
    }
}

/// [`walk_named_with_ancestors`] for a visitor that needs no ancestors.
pub fn walk_named<'t>(node: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    walk_named_with_ancestors(node, |n, _| visit(n));
}

/// The most named children a node may have for [`walk_named_with_ancestors`] to read them one by
/// one (measured over GOROOT: 4 to 64 cost about the same, 2 more).
const NARROW: usize = 8;

/// Whether no descendant of `node` lies more than `max` levels below it. Descends no further
/// than `max`, so it costs little on hostile input. Punctuation and keywords are leaves: a named
/// node `max` levels down with children of any kind is one too deep.
pub fn depth_at_most(node: Node, max: usize) -> bool {
    let mut shallow = true;
    walk_named_with_ancestors(node, |n, ancestors| {
        let depth = ancestors.len();
        if depth == max && n.child_count() > 0 {
            shallow = false;
        }
        shallow && depth < max
    });
    shallow
}

/// How the file names the standard `time` package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeImport {
    /// The identifier that refers to the package (`time`, or an alias such as `tm`).
    pub name: Option<String>,
    /// `import . "time"`: its functions are called unqualified.
    pub dot: bool,
}

impl TimeImport {
    pub fn find(root: Node, source: &str) -> TimeImport {
        let mut found = TimeImport::default();
        let mut cursor = root.walk();
        for decl in root.named_children(&mut cursor) {
            if Kind::of(decl) != Kind::ImportDeclaration {
                continue;
            }
            walk(decl, |n| {
                if Kind::of(n) != Kind::ImportSpec {
                    return true;
                }
                let path = n.field("path").map(|p| text(p, source));
                if !matches!(path, Some("\"time\"") | Some("`time`")) {
                    return false;
                }
                match n.field("name") {
                    None => found.name = Some("time".to_string()),
                    Some(alias) => match Kind::of(alias) {
                        Kind::Dot => found.dot = true,
                        Kind::PackageIdentifier => {
                            found.name = Some(text(alias, source).to_string())
                        }
                        _ => {} // `_ "time"` gives no name to call through
                    },
                }
                false
            });
        }
        found
    }

    pub fn is_imported(&self) -> bool {
        self.name.is_some() || self.dot
    }

    /// If `call` is a call of the `time` package function `func`, true.
    /// `clock.NewTicker()` and `t.After(u)` are other packages' and values' methods: false.
    pub fn is_call_of(&self, call: Node, source: &str, func: &str) -> bool {
        let Some(callee) = call.field("function") else {
            return false;
        };
        match callee.kind() {
            "selector_expression" => {
                let operand = callee.field("operand");
                let field = callee.field("field");
                match (operand, field, &self.name) {
                    (Some(op), Some(f), Some(name)) => {
                        op.kind() == "identifier"
                            && text(op, source) == name
                            && text(f, source) == func
                    }
                    _ => false,
                }
            }
            "identifier" => self.dot && text(callee, source) == func,
            _ => false,
        }
    }

    /// How fix text should spell a `time` function: `time.NewTicker`, `tm.NewTicker`, or
    /// `NewTicker` under a dot import.
    pub fn qualified(&self, func: &str) -> String {
        match &self.name {
            Some(name) => format!("{name}.{func}"),
            None => func.to_string(),
        }
    }
}

/// The innermost function (declaration, method or literal) that contains `node`.
pub fn enclosing_function(node: Node) -> Option<Node> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n.kind()) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// The nearest `for` statement whose every iteration evaluates `node`, inside `func`.
/// The range expression and the init statement run once, so they are not in the loop.
pub fn enclosing_loop<'t>(node: Node<'t>, func: Node<'t>) -> Option<Node<'t>> {
    let mut child = node;
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n == func {
            return None;
        }
        if n.kind() == "for_statement" {
            let per_iteration = match child.kind() {
                "block" => true,
                "range_clause" => false,
                "for_clause" => child
                    .field("initializer")
                    .is_none_or(|init| !init.byte_range().contains(&node.start_byte())),
                _ => true, // the condition expression of `for cond {`
            };
            if per_iteration {
                return Some(n);
            }
        }
        child = n;
        cur = n.parent();
    }
    None
}

/// True for `func main()` and `func init()` at package level: each runs once per program, so
/// what they make once lives as long as the program anyway.
pub fn runs_once(func: Node, source: &str) -> bool {
    func.kind() == "function_declaration"
        && func
            .field("name")
            .is_some_and(|n| matches!(text(n, source), "main" | "init"))
}

/// Whether control can leave `func` normally: it has a `return`, or the end of its body is
/// reachable. A function whose loop never exits cannot return.
pub fn can_return(func: Node, source: &str) -> bool {
    let Some(body) = func.field("body") else {
        return true; // an external (assembly) function
    };
    let mut has_return = false;
    walk(body, |n| {
        if n.kind() == "return_statement" {
            has_return = true;
        }
        !has_return && !is_function(n.kind())
    });
    has_return || !is_terminating(body, source, 0)
}

/// Go's "terminating statement" (the spec's rules, plus calls that never return:
/// `panic`, `os.Exit`, `log.Fatal*`, `log.Panic*`).
pub fn is_terminating(stmt: Node, source: &str, depth: usize) -> bool {
    if depth > MAX_STATEMENT_DEPTH {
        return false;
    }
    match stmt.kind() {
        "return_statement" | "goto_statement" => true,
        "expression_statement" => stmt
            .named_child(0)
            .is_some_and(|e| is_no_return_call(e, source)),
        "block" => stmt
            .named_children(&mut stmt.walk())
            .find(|c| c.kind() == "statement_list")
            .is_some_and(|list| is_terminating(list, source, depth + 1)),
        "statement_list" => {
            last_statement(stmt).is_some_and(|s| is_terminating(s, source, depth + 1))
        }
        "labeled_statement" => {
            last_statement(stmt).is_some_and(|s| is_terminating(s, source, depth + 1))
        }
        "if_statement" => {
            let cons = stmt.field("consequence");
            let alt = stmt.field("alternative");
            match (cons, alt) {
                (Some(c), Some(a)) => {
                    is_terminating(c, source, depth + 1) && is_terminating(a, source, depth + 1)
                }
                _ => false,
            }
        }
        "for_statement" => is_endless_loop(stmt, source) && !has_break_to(stmt, source),
        "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
            let mut has_default = stmt.kind() == "select_statement";
            let mut all_terminate = true;
            let mut cursor = stmt.walk();
            for clause in stmt.named_children(&mut cursor) {
                match clause.kind() {
                    "default_case" => has_default = true,
                    "expression_case" | "type_case" | "communication_case" => {}
                    _ => continue,
                }
                let ends = last_statement(clause).is_some_and(|s| {
                    s.kind() == "fallthrough_statement" || is_terminating(s, source, depth + 1)
                });
                all_terminate &= ends;
            }
            has_default && all_terminate && !has_break_to(stmt, source)
        }
        _ => false,
    }
}

/// The last statement in a block, statement list, case clause or labeled statement.
fn last_statement(node: Node) -> Option<Node> {
    let mut cursor = node.walk();
    let children: Vec<Node> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    let last = *children.last()?;
    if last.kind() == "statement_list" {
        last_statement(last)
    } else if matches!(last.kind(), "label_name" | "expression_list" | "type_list") {
        None
    } else {
        Some(last)
    }
}

/// `for {}`, `for ;; {}`, and a range over a timer channel (`for range t.C`,
/// `for range time.Tick(d)`): the time package never closes those channels.
fn is_endless_loop(for_stmt: Node, source: &str) -> bool {
    let mut cursor = for_stmt.walk();
    for child in for_stmt.named_children(&mut cursor) {
        match child.kind() {
            "block" | "comment" => {}
            "for_clause" => {
                if child.field("condition").is_some() {
                    return false;
                }
            }
            "range_clause" => {
                if !child
                    .field("right")
                    .is_some_and(|r| is_timer_channel(r, source))
                {
                    return false;
                }
            }
            _ => return false, // a condition expression
        }
    }
    true
}

fn is_timer_channel(expr: Node, source: &str) -> bool {
    match expr.kind() {
        "selector_expression" => expr.field("field").is_some_and(|f| text(f, source) == "C"),
        "call_expression" => expr
            .field("function")
            .is_some_and(|f| text(f, source).ends_with(".Tick") || text(f, source) == "Tick"),
        _ => false,
    }
}

fn is_no_return_call(expr: Node, source: &str) -> bool {
    if expr.kind() != "call_expression" {
        return false;
    }
    let Some(callee) = expr.field("function") else {
        return false;
    };
    matches!(
        text(callee, source),
        "panic"
            | "os.Exit"
            | "log.Fatal"
            | "log.Fatalf"
            | "log.Fatalln"
            | "log.Panic"
            | "log.Panicf"
            | "log.Panicln"
            | "runtime.Goexit"
    )
}

/// True when a `break` inside `stmt` leaves it: an unlabeled break not inside a nested
/// for/switch/select, or a break naming the label on `stmt`.
pub fn has_break_to(stmt: Node, source: &str) -> bool {
    let label = stmt
        .parent()
        .filter(|p| p.kind() == "labeled_statement")
        .and_then(|p| p.field("label"))
        .map(|l| text(l, source));
    let mut found = false;
    let mut cursor = stmt.walk();
    let children: Vec<Node> = stmt.named_children(&mut cursor).collect();
    for child in children {
        walk_breaks(child, source, label, 0, &mut found);
    }
    found
}

fn walk_breaks(node: Node, source: &str, label: Option<&str>, nesting: usize, found: &mut bool) {
    // `nesting` counts breakable statements between `node` and the statement asked about.
    let mut stack = vec![(node, nesting)];
    while let Some((n, nest)) = stack.pop() {
        if *found {
            return;
        }
        match n.kind() {
            "break_statement" => {
                let target = n
                    .named_child(0)
                    .filter(|l| l.kind() == "label_name")
                    .map(|l| text(l, source));
                match target {
                    None if nest == 0 => *found = true,
                    Some(t) if Some(t) == label => *found = true,
                    _ => {}
                }
                continue;
            }
            "func_literal" => continue,
            _ => {}
        }
        let inner = if matches!(
            n.kind(),
            "for_statement"
                | "expression_switch_statement"
                | "type_switch_statement"
                | "select_statement"
        ) {
            nest + 1
        } else {
            nest
        };
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            stack.push((child, inner));
        }
    }
}

/// True when some statement kind in `kinds` occurs inside `node`, outside nested functions.
pub fn contains_statement(node: Node, kinds: &[&str]) -> bool {
    let mut found = false;
    walk(node, |n| {
        if kinds.contains(&n.kind()) {
            found = true;
        }
        !found && (n == node || !is_function(n.kind()))
    });
    found
}

/// Every identifier in `node` with the given name (including inside nested functions).
pub fn identifiers_named<'t>(node: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    walk(node, |n| {
        if n.kind() == "identifier" && text(n, source) == name {
            out.push(n);
        }
        true
    });
    out
}

/// True for an identifier occurrence that declares a variable (a parameter, `var`, `:=` or a
/// `:=` range variable), not a use of it.
pub fn declares_variable(id: Node) -> bool {
    let Some(parent) = id.parent() else {
        return false;
    };
    match parent.kind() {
        // The names in `func(f func(q int))` are part of a type, not variables.
        "parameter_declaration" | "variadic_parameter_declaration" => {
            parent.field("type") != Some(id)
                && parent
                    .parent()
                    .and_then(|list| list.parent())
                    .is_some_and(|f| is_function(f.kind()))
        }
        "var_spec" => parent.field("type") != Some(id),
        "expression_list" => parent.parent().is_some_and(|gp| {
            let declares = match gp.kind() {
                "short_var_declaration" => true,
                "range_clause" | "receive_statement" => {
                    let mut cursor = gp.walk();
                    let walrus = gp.children(&mut cursor).any(|c| c.kind() == ":=");
                    walrus
                }
                _ => false,
            };
            declares && gp.field("left") == Some(parent)
        }),
        _ => false,
    }
}

/// The declaration, inside `func`, of the variable the identifier `id` names: among those
/// whose scope holds `id` and that come before it, the innermost (the latest). `None` when
/// `func` declares no such variable around `id`: a package-level name, or another function's.
pub fn declaration_in_scope<'t>(id: Node<'t>, func: Node<'t>, source: &str) -> Option<Node<'t>> {
    innermost_declaration(id, identifiers_named(func, source, text(id, source)))
}

/// The variables a walk in source order has seen declared: a question about an identifier it
/// reaches finds every declaration before it already recorded. [`declaration_in_scope`] walks
/// the whole function for each question. Kept as spans, not nodes, so that it can live in a
/// walker that outlasts no tree.
#[derive(Default)]
pub struct RecordedDeclarations {
    spans: std::cell::RefCell<Vec<(usize, usize)>>,
}

impl RecordedDeclarations {
    /// Records `id`, which the caller knows declares a variable. Not asked of `id` here:
    /// [`declares_variable`] climbs to its parent, which tree-sitter finds by searching down
    /// from the root.
    pub fn record(&self, id: Node) {
        self.spans
            .borrow_mut()
            .push((id.start_byte(), id.end_byte()));
    }

    /// [`declaration_in_scope`] of `id` in `func`, among the declarations recorded.
    pub fn declaration<'t>(&self, id: Node<'t>, func: Node<'t>, source: &str) -> Option<Node<'t>> {
        let name = text(id, source);
        let spans = self.spans.borrow();
        innermost_declaration(
            id,
            spans
                .iter()
                .filter(|(start, end)| source.get(*start..*end) == Some(name))
                .filter_map(|(start, end)| func.descendant_for_byte_range(*start, *end))
                .filter(|n| Kind::of(*n) == Kind::Identifier),
        )
    }
}

/// Among `candidates` (identifiers spelled like `id`), the declaration whose scope holds `id`
/// and that comes last before it.
pub fn innermost_declaration<'t>(
    id: Node<'t>,
    candidates: impl IntoIterator<Item = Node<'t>>,
) -> Option<Node<'t>> {
    let at = id.start_byte();
    candidates
        .into_iter()
        .filter(|d| declares_variable(*d) && scope_starts(*d) <= at)
        .filter(|d| scope_of(*d).is_some_and(|s| s.byte_range().contains(&at)))
        .max_by_key(|d| d.start_byte())
}

/// Where the scope of the variable `decl` declares begins: at the parameter for a parameter,
/// else after the statement or clause that declares it (in `x := x + 1` the right `x` is
/// another variable).
fn scope_starts(decl: Node) -> usize {
    let Some(parent) = decl.parent() else {
        return decl.end_byte();
    };
    match parent.kind() {
        "parameter_declaration" | "variadic_parameter_declaration" => decl.start_byte(),
        "expression_list" => parent.parent().map_or(parent.end_byte(), |s| s.end_byte()),
        _ => parent.end_byte(),
    }
}

/// Where a variable declared by `decl` can be named: its function for a parameter, the
/// statement for a variable its header declares (`for`, `if`, `switch`), else the block or case
/// it is declared in.
fn scope_of(decl: Node) -> Option<Node> {
    let mut cur = decl.parent();
    let parameter = cur.is_some_and(|p| p.kind().contains("parameter_declaration"));
    while let Some(n) = cur {
        let kind = n.kind();
        if is_function(kind) {
            return Some(n);
        }
        if !parameter
            && matches!(
                kind,
                "block"
                    | "expression_case"
                    | "type_case"
                    | "communication_case"
                    | "default_case"
                    | "for_statement"
                    | "if_statement"
                    | "expression_switch_statement"
                    | "type_switch_statement"
                    | "source_file"
            )
        {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// The position of `child` among the named children of `list`.
pub fn index_in(list: Node, child: Node) -> Option<usize> {
    let mut cursor = list.walk();
    let idx = list.named_children(&mut cursor).position(|c| c == child);
    idx
}

/// Picks a name not used anywhere in `scope` and not already taken by `reserved`.
pub fn fresh_name(
    scope: Node,
    source: &str,
    base: &str,
    reserved: &mut std::collections::HashSet<String>,
) -> String {
    let mut used = std::collections::HashSet::new();
    walk(scope, |n| {
        // Types and packages too: `ticker := ...` would shadow a type named `ticker` used
        // further down.
        if matches!(
            n.kind(),
            "identifier" | "type_identifier" | "package_identifier"
        ) {
            used.insert(text(n, source));
        }
        true
    });
    let mut candidate = base.to_string();
    let mut i = 2;
    while used.contains(candidate.as_str()) || reserved.contains(&candidate) {
        candidate = format!("{base}{i}");
        i += 1;
    }
    reserved.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_name_finds_its_field_and_slots_stay_short() {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        let mut per_slot = vec![0; FIELD_SLOTS];
        for id in 1..=language.field_count() as u16 {
            let name = language.field_name_for_id(id).unwrap();
            per_slot[field_slot(name)] += 1;
        }
        assert!(per_slot.iter().all(|n| *n <= 3), "{per_slot:?}");
        let src = "package p\nfunc f(a int) (r int) { for i := range a { r += i }; return }\n";
        let tree = crate::analysis::parse(src);
        let func = tree.root_node().named_child(1).unwrap();
        assert_eq!(func.field("name").map(|n| text(n, src)), Some("f"));
        assert_eq!(func.field("result").map(|n| text(n, src)), Some("(r int)"));
        assert!(func.field("body").is_some());
        assert!(func.field("no_such_field").is_none());
    }

    /// Same nodes, same order as `walk`, and each node's ancestors are its real ones.
    #[test]
    fn walk_with_ancestors_agrees_with_parent() {
        let src = "package p\nfunc f(a int) { if a > 0 { g(a, x.y) } else { return } }\nvar v = []int{1}\n";
        let tree = crate::analysis::parse(src);
        let body = tree.root_node().child(1).unwrap();
        let mut plain = Vec::new();
        walk(body, |n| {
            plain.push(n);
            true
        });
        let mut seen = Vec::new();
        walk_with_ancestors(body, |n, ancestors| {
            let mut expected = Vec::new();
            let mut up = n;
            while up != body {
                up = up.parent().unwrap();
                expected.push(up);
            }
            expected.reverse();
            assert_eq!(ancestors, expected.as_slice(), "{}", n.kind());
            seen.push(n);
            true
        });
        assert_eq!(seen, plain);
        assert!(seen.len() > 20);
    }

    #[test]
    fn depth_at_most_counts_every_node_punctuation_included() {
        for src in [
            "package p\nfunc f() { g(((x))) }\n",
            "package p\nfunc f() { x := []int{1, 2}; _ = -x[0] }\n",
            "package p\nfunc f( { g(a,, ) }\n",
        ] {
            let tree = crate::analysis::parse(src);
            let mut deepest = 0;
            walk_with_ancestors(tree.root_node(), |_, ancestors| {
                deepest = deepest.max(ancestors.len());
                true
            });
            for max in 0..deepest + 3 {
                assert_eq!(
                    depth_at_most(tree.root_node(), max),
                    deepest <= max,
                    "{src}: max {max}, deepest {deepest}"
                );
            }
        }
    }

    #[test]
    fn walk_named_with_ancestors_agrees_with_the_cursor_walk() {
        // Wide nodes (more than NARROW children), broken code and comments included.
        let wide: String = (0..40).map(|i| format!("a{i}, ")).collect();
        let sources = [
            "package p\nfunc f(a int) { if a > 0 { g(a, x.y) } else { return } }\nvar v = []int{1}\n"
                .to_string(),
            format!("package p\nfunc f() {{ g({wide}) /* c */ ; x := []int{{{wide}}} }}\n"),
            "package p\nfunc f( { g(a,, ) x := ; }\nfunc (\n".to_string(),
        ];
        for src in &sources {
            let tree = crate::analysis::parse(src);
            let mut plain = Vec::new();
            walk_with_ancestors(tree.root_node(), |n, ancestors| {
                if n.is_named() {
                    plain.push((n, ancestors.to_vec()));
                }
                n.is_named()
            });
            let mut seen = Vec::new();
            walk_named_with_ancestors(tree.root_node(), |n, ancestors| {
                seen.push((n, ancestors.to_vec()));
                true
            });
            assert_eq!(seen, plain, "{src}");
            assert!(seen.len() > 8, "{}", seen.len());
        }
    }

    fn func_named<'t>(tree: &'t tree_sitter::Tree, src: &str, name: &str) -> Node<'t> {
        let mut found = None;
        walk(tree.root_node(), |n| {
            if n.kind() == "function_declaration"
                && n.field("name").map(|x| text(x, src)) == Some(name)
            {
                found = Some(n);
            }
            true
        });
        found.unwrap()
    }

    #[test]
    fn knows_which_functions_can_return() {
        let src = r#"package p
func a() { for { } }
func b() { for { break } }
func c() { for { if x { return } } }
func d() { x() }
func e() { L: for { for { break L } } }
func f() { for { for { break } } }
func g() { for { select { case <-c: } } }
func h() { panic("x") }
func i() { for { switch { case x: break } } }
func j() { for { go func() { return }() } }
"#;
        let tree = crate::analysis::parse(src);
        let expect = [
            ("a", false),
            ("b", true),
            ("c", true),
            ("d", true),
            ("e", true),
            ("f", false),
            ("g", false),
            ("h", false),
            ("i", false),
            ("j", false),
        ];
        for (name, want) in expect {
            assert_eq!(
                can_return(func_named(&tree, src, name), src),
                want,
                "func {name}"
            );
        }
    }

    #[test]
    fn resolves_the_time_import() {
        let src = "package p\nimport (\n\ttm \"time\"\n\t\"fmt\"\n)\n";
        let tree = crate::analysis::parse(src);
        let t = TimeImport::find(tree.root_node(), src);
        assert_eq!(t.name.as_deref(), Some("tm"));
        assert!(!t.dot);
        let src = "package p\nimport . \"time\"\n";
        let tree = crate::analysis::parse(src);
        assert!(TimeImport::find(tree.root_node(), src).dot);
    }

    #[test]
    fn walk_survives_deep_nesting() {
        let depth = 100_000;
        let src = format!(
            "package p\nvar x = {}1{}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let tree = crate::analysis::parse(&src);
        let mut count = 0usize;
        walk(tree.root_node(), |_| {
            count += 1;
            true
        });
        assert!(count > depth);
    }
}
