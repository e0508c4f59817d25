//! Re-slices that may read past a slice's length. `x[:n]` may grow `x` up to its capacity, and
//! then reads the slots a truncation left behind; clearing those slots (slice-retains' fix)
//! would change what it reads. A declaration's summary lists the slices it may re-grow so the
//! fix is offered only where nothing in the package can.
//!
//! An end is within the length when it is `0`, `len(x)` or `len(x) - k`, or when the same
//! declaration shows it: `x[n:]` or `x[n]` is evaluated (each panics past the length), a
//! condition around it compares `n` with `len(x)`, `min(n, len(x))`, or `n` only counts up
//! inside a `range` over `x` (the filter-in-place idiom).

use std::collections::HashSet;

use tree_sitter::Node;

use crate::analysis::kind::Kind;
use crate::analysis::syntax::{text, unparen, Fields};

/// Collects, over one walk of a declaration, the re-slices whose end it cannot bound.
#[derive(Default)]
pub struct RegrowFinder<'t> {
    /// (last name, operand, end) of each `x[:end]` not bounded where it stands.
    candidates: Vec<(String, String, String)>,
    /// (operand, expression) pairs a re-slice's start shows to be at most `len(operand)`.
    starts: Vec<(String, String)>,
    /// The nodes that may bound or change an end, read only if some re-slice needs them (most
    /// declarations have none, and spelling out every index and assignment cost a few
    /// percent of `check`).
    facts: Vec<Fact<'t>>,
}

enum Fact<'t> {
    /// An index expression, a call (of `min`), `n := copy(...)`, an assignment or `n--`.
    Node(Node<'t>, Kind),
    /// `counter++`, in the innermost `for` statement around it, if any.
    Increment(Node<'t>, Option<Node<'t>>),
}

/// What the facts of a declaration prove.
#[derive(Default)]
struct Proofs {
    /// (operand, expression) pairs the declaration shows to be at most `len(operand)`.
    within: HashSet<(String, String)>,
    /// (operand, counter) for each `counter++` inside a `range` over operand.
    counted: HashSet<(String, String)>,
    /// Counters written some other way (`n = f()`, `n += 2`, `n++` outside such a range).
    tainted: HashSet<String>,
}

impl<'t> RegrowFinder<'t> {
    /// Looks at `n`, whose ancestors (innermost last) are given.
    pub fn visit(&mut self, n: Node<'t>, kind: Kind, ancestors: &[Node<'t>], source: &str) {
        match kind {
            Kind::SliceExpression => self.slice(n, ancestors, source),
            Kind::IndexExpression
            | Kind::CallExpression
            | Kind::ShortVarDeclaration
            | Kind::AssignmentStatement
            | Kind::DecStatement => self.facts.push(Fact::Node(n, kind)),
            Kind::IncStatement => {
                let Some(counter) = n
                    .named_child(0)
                    .filter(|c| Kind::of(*c) == Kind::Identifier)
                else {
                    return;
                };
                let around = ancestors
                    .iter()
                    .rev()
                    .find(|a| Kind::of(**a) == Kind::ForStatement);
                self.facts.push(Fact::Increment(counter, around.copied()));
            }
            _ => {}
        }
    }

    fn slice(&mut self, n: Node, ancestors: &[Node], source: &str) {
        let Some(operand) = n.field("operand").map(unparen) else {
            return;
        };
        let x = spelled(operand, source);
        if let Some(start) = n.field("start") {
            // `x[i+1:]` shows `i+1`, and so `i`, within the length.
            let start = unparen(start);
            self.starts.push((x.clone(), spelled(start, source)));
            if Kind::of(start) == Kind::BinaryExpression
                && start
                    .field("operator")
                    .is_some_and(|op| text(op, source) == "+")
            {
                if let Some(l) = start.field("left") {
                    self.starts.push((x.clone(), spelled(l, source)));
                }
            }
        }
        let Some(end) = n.field("end").map(unparen) else {
            return;
        };
        let e = spelled(end, source);
        let own_len = format!("len({x})");
        // A capacity (`x[a:b:c]`) limits later appends; only the end can read past the length.
        let bounded = e == "0"
            || e == own_len
            || e.starts_with(&format!("{own_len}-")) && Kind::of(end) == Kind::BinaryExpression
            || guarded(ancestors, &x, &e, source)
            || deletes(ancestors, n, source);
        if bounded {
            return;
        }
        if let Some(name) = last_name(operand, source) {
            self.candidates.push((name, x, e));
        }
    }

    /// The last names of the slices the declaration may re-grow, one per expression.
    pub fn finish(self, source: &str) -> Vec<String> {
        let RegrowFinder {
            candidates,
            starts,
            facts,
        } = self;
        if candidates.is_empty() {
            return Vec::new();
        }
        let mut proofs = Proofs::default();
        proofs.within.extend(starts);
        for fact in facts {
            proofs.learn(fact, source);
        }
        let Proofs {
            within,
            counted,
            tainted,
        } = proofs;
        candidates
            .into_iter()
            .filter(|(_, x, e)| {
                // A proof holds only while the end keeps its value: none of its names is
                // written outside the counting loop (the slice itself is: by the re-slice).
                let word = |c: char| !(c.is_alphanumeric() || c == '_');
                let own: Vec<&str> = x.split(word).collect();
                let untouched = e
                    .split(word)
                    .all(|name| own.contains(&name) || !tainted.contains(name));
                let key = (x.clone(), e.clone());
                !(untouched && (within.contains(&key) || counted.contains(&key)))
            })
            .map(|(name, _, _)| name)
            .collect()
    }
}

impl Proofs {
    fn learn(&mut self, fact: Fact, source: &str) {
        let (n, kind) = match fact {
            Fact::Node(n, kind) => (n, kind),
            Fact::Increment(counter, around) => {
                let counter = text(counter, source).to_string();
                match around.and_then(|f| ranged_over(f, source)) {
                    Some(list) => self.counted.insert((list, counter)),
                    None => self.tainted.insert(counter),
                };
                return;
            }
        };
        match kind {
            Kind::IndexExpression => {
                if let (Some(o), Some(i)) = (n.field("operand"), n.field("index")) {
                    self.within.insert((spelled(o, source), spelled(i, source)));
                }
            }
            Kind::CallExpression => {
                // `min(n, len(x))` is at most `len(x)`.
                let is_min = n
                    .field("function")
                    .is_some_and(|f| text(f, source) == "min");
                if let Some(args) = n.field("arguments").filter(|_| is_min) {
                    let whole = spelled(n, source);
                    for a in args.named_children(&mut args.walk()) {
                        if let Some(x) = length_of(&spelled(a, source)) {
                            self.within.insert((x.to_string(), whole.clone()));
                        }
                    }
                }
            }
            Kind::ShortVarDeclaration => {
                // `n := copy(x, ...)`: at most `len(x)`.
                let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                    return;
                };
                let (Some(id), Some(value)) = (left.named_child(0), right.named_child(0)) else {
                    return;
                };
                let copied_into = (Kind::of(value) == Kind::CallExpression
                    && value
                        .field("function")
                        .is_some_and(|f| text(f, source) == "copy"))
                .then(|| value.field("arguments").and_then(|a| a.named_child(0)))
                .flatten();
                if let Some(dst) = copied_into {
                    let dst = spelled(dst, source);
                    let dst = dst.split('[').next().unwrap_or(&dst).to_string();
                    self.within.insert((dst, text(id, source).to_string()));
                }
            }
            Kind::AssignmentStatement | Kind::DecStatement => {
                if let Some(left) = n.field("left").or_else(|| n.named_child(0)) {
                    for id in left.named_children(&mut left.walk()).chain(Some(left)) {
                        if Kind::of(id) == Kind::Identifier {
                            self.tainted.insert(text(id, source).to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The last name of the slice `x[...]` re-slices: `items` in `q.items`, `x` in `x` or `*x`.
pub fn last_name(operand: Node, source: &str) -> Option<String> {
    let mut holder = unparen(operand);
    while matches!(holder.kind(), "index_expression" | "unary_expression") {
        holder = unparen(holder.field("operand")?);
    }
    match holder.kind() {
        "identifier" => Some(text(holder, source).to_string()),
        "selector_expression" => holder.field("field").map(|f| text(f, source).to_string()),
        _ => None,
    }
}

/// The text without white space, for comparing two spellings.
fn spelled(n: Node, source: &str) -> String {
    text(unparen(n), source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `x` in `len(x)`.
fn length_of(spelled: &str) -> Option<&str> {
    spelled.strip_prefix("len(")?.strip_suffix(')')
}

/// A condition of an enclosing `if` or `for` compares `e` with `len(x)` the way that keeps it
/// within: `e < len(x)`, `e <= len(x)`, `len(x) > e`, `len(x) >= e`, or, for a constant `e`,
/// `len(x) == k` with `e <= k`.
fn guarded(ancestors: &[Node], x: &str, e: &str, source: &str) -> bool {
    let len = format!("len({x})");
    let mut forms = vec![
        format!("{e}<{len}"),
        format!("{e}<={len}"),
        format!("{len}>{e}"),
        format!("{len}>={e}"),
    ];
    if let Ok(e) = e.parse::<u32>() {
        forms.extend((e..e + 8).map(|k| format!("{len}=={k}")));
    }
    ancestors.iter().any(|a| {
        matches!(a.kind(), "if_statement" | "for_clause")
            && a.field("condition").is_some_and(|c| {
                let c = spelled(c, source);
                forms.iter().any(|f| {
                    // `n<len(x)` must not match `nn<len(x)`, nor `len(x)==2` match `len(x)==20`.
                    let word = |ch: char| ch.is_alphanumeric() || ch == '_' || ch == '.';
                    c.match_indices(f.as_str()).any(|(at, _)| {
                        !c[..at].ends_with(word) && !c[at + f.len()..].starts_with(word)
                    })
                })
            })
    })
}

/// `append(x[:i], x[j:]...)`: the deletion idiom, whose `i` is at most `j`.
fn deletes(ancestors: &[Node], n: Node, source: &str) -> bool {
    let [.., call, args] = ancestors else {
        return false;
    };
    Kind::of(*call) == Kind::CallExpression
        && call
            .field("function")
            .is_some_and(|f| text(f, source) == "append")
        && args.named_child(0) == Some(n)
        && args
            .named_child(1)
            .is_some_and(|rest| Kind::of(rest) == Kind::VariadicArgument)
}

/// The slice the `range` of `for_statement` walks over, if it has one.
fn ranged_over(for_statement: Node, source: &str) -> Option<String> {
    let clause = for_statement
        .named_children(&mut for_statement.walk())
        .find(|c| Kind::of(*c) == Kind::RangeClause)?;
    clause.field("right").map(|r| spelled(r, source))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax;

    fn regrown(body: &str) -> Vec<String> {
        let src = format!("package p\nfunc f(n int) {{\n{body}\n}}\n");
        let tree = crate::analysis::parse(&src);
        let mut finder = RegrowFinder::default();
        syntax::walk_named_with_ancestors(tree.root_node(), |n, ancestors| {
            finder.visit(n, Kind::of(n), ancestors, &src);
            true
        });
        finder.finish(&src)
    }

    #[test]
    fn an_end_nothing_bounds_may_regrow() {
        assert_eq!(regrown("q.items = q.items[:n]"), ["items"]);
        assert_eq!(regrown("x = x[:cap(x)]"), ["x"]);
        assert_eq!(regrown("y := x[:len(x)+1]"), ["x"]);
        assert_eq!(regrown("y := x[1:n:n]"), ["x"]);
        assert_eq!(regrown("(*h)[0] = (*h)[:n][0]"), ["h"]);
        // `nn < len(x)` says nothing about `n`; `len(x) == 20` nothing about 2.
        assert_eq!(regrown("if nn < len(x) { x = x[:n] }"), ["x"]);
        assert_eq!(regrown("if len(x) == 2 { x = x[:3] }"), ["x"]);
        // The proof from `x[n:]` is lost once `n` changes.
        assert_eq!(regrown("y := x[n:]; n = n * 2; x = x[:n]"), ["x"]);
    }

    #[test]
    fn an_end_the_declaration_bounds_does_not() {
        for body in [
            "x = x[:0]",
            "x = x[:len(x):len(x)]",
            "x = x[:len(x)]",
            "x = x[:len(x)-1]",
            "x = x[2:]",
            "if n < len(x) { x = x[:n] }",
            "if len(x) >= n { x = x[:n] }",
            "if len(x) == 2 { x = x[:1] }",
            "x = x[:min(n, len(x))]",
            "out := x[:n]; x = x[n:]",
            "x = append(x[:n], x[n+1:]...)",
            "k := copy(x, x[n:]); x = x[:k]",
            "k := 0\nfor _, v := range x { if v != nil { x[k] = v; k++ } }\nx = x[:k]",
        ] {
            assert_eq!(regrown(body), Vec::<String>::new(), "{body}");
        }
    }
}
