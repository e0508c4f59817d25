//! `slice-retains`: a long-lived slice of pointer-holding elements that loses elements without
//! clearing them.
//!
//! Re-slicing never frees anything: `q.items = q.items[1:]` moves the start of the slice, but the
//! dropped element is still in the backing array, and so is everything it points to, until the
//! array is reallocated by a later `append`. Shrinking from the back (`x[:len(x)-1]`, `x[:n]`,
//! `x[:0]`) leaves the dropped elements beyond the length, and removing from the middle
//! (`append(x[:i], x[i+1:]...)`, or `copy` then shrink) leaves a duplicate of the last element
//! there. A queue that lives as long as its owner can keep arbitrarily old jobs, buffers or
//! connections alive this way.
//!
//! Reported only when the slice outlives the function (a field reached through a pointer, or a
//! package-level variable), its element type holds pointers as far as the module's own types
//! show, and no statement before the re-slice in the same block clears the dropped slots. The
//! quick-fix clears exactly the slots that leave the slice, in the form the module's Go version
//! allows: `x[0] = nil`, `clear(x[:n])` from Go 1.21 (a loop before), `slices.Delete` from Go
//! 1.22 for a removal from the middle.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::ModuleView;
use crate::analysis::kind::Kind;
use crate::analysis::summary;
use crate::analysis::syntax::{self, text, Fields};
use crate::analysis::types::TypeExpr;
use crate::analysis::{Code, FileContext, Finding, Severity};
use shapes::{norm, reslices, Form, Move, Reslice};

/// Checks one top-level declaration. Returns true when it found a candidate it could not judge
/// because the module's index is not complete yet.
pub fn check(
    decl: Node,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    findings: &mut Vec<Finding>,
) -> bool {
    // One walk collects what every rule reads: the assignments (the re-slices among them, and
    // clears, appends), addresses taken, and calls that may clear.
    let mut statements = Vec::new();
    let mut addresses = Vec::new();
    let mut clear_calls = Vec::new();
    syntax::walk_named(decl, |n| {
        match Kind::of(n) {
            Kind::AssignmentStatement => statements.push(n),
            Kind::UnaryExpression if n.child(0).is_some_and(|op| op.kind() == "&") => {
                addresses.push(n)
            }
            Kind::CallExpression
                if n.field("function")
                    .is_some_and(|f| names_a_clear(f, source)) =>
            {
                clear_calls.push(n)
            }
            _ => {}
        }
        true
    });
    if statements.is_empty() {
        return false;
    }
    let mut checker = Checker {
        source,
        file,
        module,
        decl,
        imports: None,
        identifiers: None,
        needs_index: false,
        reserved: HashMap::new(),
        long_lived: HashMap::new(),
        assignments: statements.clone(),
        addresses,
        clear_calls,
    };
    for statement in statements {
        let pairs = reslices(statement, source);
        let multi = pairs.len() > 1
            || statement
                .field("left")
                .is_some_and(|l| l.named_child_count() > 1);
        for reslice in pairs {
            if let Some(finding) = checker.judge(&reslice, multi) {
                findings.push(finding);
            }
        }
    }
    checker.needs_index
}

/// What is known about the type of an expression.
#[derive(Debug, Clone)]
struct Typed {
    ty: TypeExpr,
    /// The package the type expression is written in.
    package: String,
    /// The value lives outside the current call's frame: behind a pointer, in a slice's or map's
    /// storage, or in a package-level variable.
    shared: bool,
}

/// The answer to a question the index may not be able to answer yet.
enum Lookup<T> {
    Found(T),
    /// Not knowable from what is indexed so far (or ever, when the index is complete).
    Unknown,
    /// Known not to qualify.
    No,
}

use Lookup::{Found, No, Unknown};

macro_rules! found {
    ($e:expr) => {
        match $e {
            Found(v) => v,
            Unknown => return Unknown,
            No => return No,
        }
    };
}

// After `found!`, which they use.
mod fix;
mod owner;
mod shapes;
mod stays_reachable;

struct Checker<'a, 't> {
    source: &'a str,
    file: &'a FileContext,
    module: ModuleView<'a>,
    decl: Node<'t>,
    imports: Option<Vec<(String, String)>>,
    /// The declaration's identifiers by name, in source order, from one walk on first use: each
    /// re-slice looks up its variables, and a walk per lookup made long functions quadratic.
    identifiers: Option<HashMap<&'a str, Vec<Node<'t>>>>,
    needs_index: bool,
    /// Index names fixes have taken, per function (by node id).
    reserved: HashMap<usize, HashSet<String>>,
    /// Named types (package, name) known to outlive a call, or not.
    long_lived: HashMap<(String, String), bool>,
    /// The declaration's assignments, `&` expressions and calls named for clearing, in source
    /// order: from the one walk, for every rule.
    assignments: Vec<Node<'t>>,
    addresses: Vec<Node<'t>>,
    clear_calls: Vec<Node<'t>>,
}

/// A callee named for clearing: `clear`, `clearInstrs`, `zeroTail` (the last part of `x.y`).
fn names_a_clear(callee: Node, source: &str) -> bool {
    let name = text(callee, source);
    let name = name.rsplit('.').next().unwrap_or(name).as_bytes();
    [&b"clear"[..], &b"zero"[..]].iter().any(|word| {
        name.windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word))
    })
}

/// The element type of a re-sliced slice, and the package its spelling belongs to.
struct Element {
    ty: TypeExpr,
    package: String,
}

impl<'a, 't> Checker<'a, 't> {
    fn root(&self) -> Node<'t> {
        let mut n = self.decl;
        while let Some(p) = n.parent() {
            n = p;
        }
        n
    }

    /// The identifiers of the declaration spelled `name`, in source order.
    fn identifiers_named(&mut self, name: &str) -> &[Node<'t>] {
        let source = self.source;
        let decl = self.decl;
        let all = self.identifiers.get_or_insert_with(|| {
            let mut all: HashMap<&'a str, Vec<Node<'t>>> = HashMap::new();
            syntax::walk_named(decl, |n| {
                if Kind::of(n) == Kind::Identifier {
                    all.entry(text(n, source)).or_default().push(n);
                }
                true
            });
            all
        });
        all.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether the declaration declares a variable `name` anywhere (which then shadows a
    /// package of that name).
    fn declares(&mut self, name: &str) -> bool {
        self.identifiers_named(name)
            .iter()
            .any(|n| syntax::declares_variable(*n))
    }

    fn imports(&mut self) -> &Vec<(String, String)> {
        if self.imports.is_none() {
            self.imports = Some(summary::file_imports(self.root(), self.source));
        }
        self.imports.as_ref().expect("just set")
    }

    /// The names that stand for the slice in this statement: the target and its local copy.
    fn names(&self, r: &Reslice) -> Vec<String> {
        let mut names = vec![norm(r.target, self.source)];
        let operand = norm(r.operand, self.source);
        if !names.contains(&operand) {
            names.push(operand);
        }
        names
    }

    fn judge(&mut self, r: &Reslice<'t>, multi: bool) -> Option<Finding> {
        let element = match self.element_of(r.target) {
            Found(e) => e,
            Unknown => {
                self.needs_index |= !self.module.complete;
                return None;
            }
            No => return None,
        };
        // What this function does to the slot: its own text is enough.
        if self.already_cleared(r)
            || self.hands_out_slots(r)
            || self.may_regrow(r)
            || self.refilled(r)
            || self.drained(r)
            || self.pops_free_list(r)
            || self.moves_element(r)
            || self.pops_an_append(r)
        {
            return None;
        }
        // Whether the owner outlives the call, and what other functions do to the list, takes
        // the other files: judged once they are all indexed.
        if !self.module.complete {
            self.needs_index = true;
            return None;
        }
        match self.outlives(r.target) {
            Found(()) => {}
            Unknown | No => return None,
        }
        if self.pops_a_bracket(r)
            || self.reused_buffer(r)
            || self.lends_from_pool(r)
            || self.heap_never_popped_for_good()
            || self.consumes_fixed_input(r)
        {
            return None;
        }
        let source = self.source;
        let target = text(r.target, source);
        let shown = display_type(&element.ty, &element.package, self.module.package_path);
        let moved = match r.form {
            Form::Back { .. } => self
                .preceding_move(r)
                .or_else(|| self.drops_duplicate(r).then_some(Move::Duplicate)),
            // `append(x[:0], x[k:]...)` shifts the rest down.
            Form::Middle { i, .. } if norm(i, source) == "0" => Some(Move::CopyDown),
            _ => None,
        };
        if self.stale_copy_overwritten(r, moved.is_some()) {
            return None;
        }
        let message = match (r.form, moved) {
            (_, Some(Move::CopyDown)) => format!(
                "removing the first elements of `{target}` by copying the rest down leaves stale \
                 copies of its last {shown} elements beyond the length: they keep those \
                 elements reachable after they are removed, until the slots are overwritten or \
                 the array is reallocated"
            ),
            (_, Some(Move::CopyOver)) => format!(
                "removing from the middle of `{target}` with copy and a shorter length leaves a \
                 stale copy of its last {shown} beyond the length: it keeps that element \
                 reachable after it is removed in turn, until the slot is overwritten or the \
                 array is reallocated"
            ),
            (_, Some(Move::Duplicate)) => format!(
                "truncating `{target}` after finding that its dropped {shown} equals one it keeps \
                 leaves a stale copy of it beyond the length: it keeps that element reachable \
                 after it is removed in turn, until the slot is overwritten or the array is \
                 reallocated"
            ),
            (_, Some(Move::SwapIn)) => format!(
                "removing from `{target}` by moving its last {shown} into the gap leaves a stale \
                 copy of it beyond the length: it keeps that element reachable after it is \
                 removed in turn, until the slot is overwritten or the array is reallocated"
            ),
            _ => self.plain_message(r, target, &shown),
        };
        let fixes = if multi {
            Vec::new()
        } else {
            self.fix(r, &element).into_iter().collect()
        };
        Some(Finding {
            range: r.statement.byte_range(),
            code: Code::SliceRetains,
            severity: Severity::Warning,
            message,
            related: vec![],
            fixes,
        })
    }

    /// The message for a drop that moved nothing: what was dropped, and from where.
    fn plain_message(&self, r: &Reslice, target: &str, shown: &str) -> String {
        let source = self.source;
        match r.form {
            Form::Front { start } if norm(start, source) == "1" => format!(
                "re-slicing `{target}` from the front leaves the dropped {shown} in the backing \
                 array, where it stays reachable until the array is reallocated"
            ),
            Form::Front { .. } => format!(
                "re-slicing `{target}` from the front leaves the dropped {shown} elements in the \
                 backing array, where they stay reachable until the array is reallocated"
            ),
            Form::Back { end } if self.is_last_slot(end, r) => format!(
                "shrinking `{target}` by one leaves the dropped {shown} in the backing array \
                 beyond the length, where it stays reachable until the slot is overwritten or \
                 the array is reallocated"
            ),
            Form::Back { .. } => format!(
                "truncating `{target}` leaves the dropped {shown} elements in the backing array \
                 beyond the length, where they stay reachable until the slots are overwritten or \
                 the array is reallocated"
            ),
            Form::Middle { i, j } if norm(j, source) == format!("{}+1", norm(i, source)) => {
                format!(
                    "removing from the middle of `{target}` with append leaves a stale copy of its \
                     last {shown} beyond the length: it keeps that element reachable after it is \
                     removed in turn, until the slot is overwritten or the array is reallocated"
                )
            }
            Form::Middle { .. } => format!(
                "removing from the middle of `{target}` with append leaves stale copies of its \
                 last {shown} elements beyond the length: they keep those elements reachable \
                 after they are removed in turn, until the slots are overwritten or the array is \
                 reallocated"
            ),
        }
    }
}

/// A type as a message shows it: `*Job`, `jobs.Job`, `map[string]*Conn`.
fn display_type(ty: &TypeExpr, package: &str, here: &str) -> String {
    match ty {
        TypeExpr::Named {
            package: declared_in,
            name,
        } => {
            let path = declared_in.as_deref().unwrap_or(package);
            let builtin = declared_in.is_none() && matches!(name.as_str(), "error" | "any");
            if builtin || path == here {
                name.clone()
            } else {
                format!("{}.{name}", path.rsplit('/').next().unwrap_or(path))
            }
        }
        TypeExpr::Pointer(inner) => format!("*{}", display_type(inner, package, here)),
        TypeExpr::Slice(inner) => format!("[]{}", display_type(inner, package, here)),
        TypeExpr::Array(inner) => format!("[...]{}", display_type(inner, package, here)),
        TypeExpr::Map(k, v) => format!(
            "map[{}]{}",
            display_type(k, package, here),
            display_type(v, package, here)
        ),
        TypeExpr::Chan(inner) => format!("chan {}", display_type(inner, package, here)),
        TypeExpr::Func => "func".to_string(),
        TypeExpr::Interface => "interface value".to_string(),
        TypeExpr::Struct(_) => "struct".to_string(),
        TypeExpr::Unknown => "element".to_string(),
    }
}
