//! What the file-wide goroutine-leak rules ask of a file, found in one walk of it: the methods
//! by name, the fields each name selects, the calls of each method name, the types set by
//! position. Each rule used to walk the whole file for each question, which made a keystroke in
//! a file with many locks and channel fields cost tens of milliseconds.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use tree_sitter::Node;

use super::receiver_of;
use crate::analysis::kind::Kind;
use crate::analysis::summary::positional_literal_types;
use crate::analysis::syntax::{self, text, Fields};

/// Method declarations by (receiver type, name).
pub type MethodIndex<'t> = HashMap<(String, String), Node<'t>>;

/// A mutex a method may return holding: its path below the receiver, whether it is
/// write-locked, and the line of the exit that holds it.
pub type Holding = (String, bool, usize);

pub struct FileFacts<'t, 's> {
    pub root: Node<'t>,
    source: &'s str,
    /// A `main` package: nothing imports it, so its exported names stay in it.
    pub main: bool,
    /// Method declarations by name, each with its receiver type.
    methods: HashMap<&'s str, Vec<(String, Node<'t>)>>,
    /// Method declarations by (receiver type, name), the first of each.
    method_index: Rc<MethodIndex<'t>>,
    /// The uses of names across the file: one walk of all of it, made when a rule first asks.
    uses: OnceCell<Uses<'t, 's>>,
    /// What each method (by node id) may return holding: filled by whichever rule asks first.
    holding: RefCell<HashMap<usize, Option<Holding>>>,
}

#[derive(Default)]
struct Uses<'t, 's> {
    /// How many struct fields of the file carry each name.
    field_decls: HashMap<&'s str, usize>,
    /// `f` in every `x.f` (a selector's field), by name.
    selected: HashMap<&'s str, Vec<Node<'t>>>,
    /// `f` in every `T{f: v}` (a keyed element's key), by name.
    keys: HashMap<&'s str, Vec<Node<'t>>>,
    /// Every call `x.m(...)`, by `m`.
    method_calls: HashMap<&'s str, Vec<Node<'t>>>,
    /// The types some composite literal sets by position.
    positional: HashSet<&'s str>,
}

impl<'t, 's> FileFacts<'t, 's> {
    /// The file's declarations are read now (top level only); the uses of names, on demand.
    pub fn new(root: Node<'t>, source: &'s str) -> FileFacts<'t, 's> {
        let mut methods: HashMap<&'s str, Vec<(String, Node<'t>)>> = HashMap::new();
        let mut cursor = root.walk();
        for n in root.named_children(&mut cursor) {
            if n.kind() != "method_declaration" {
                continue;
            }
            if let (Some(name), Some((_, ty))) = (n.field("name"), receiver_of(n, source)) {
                methods.entry(text(name, source)).or_default().push((ty, n));
            }
        }
        let mut index = HashMap::new();
        for (name, found) in &methods {
            for (ty, m) in found {
                index.entry((ty.clone(), name.to_string())).or_insert(*m);
            }
        }
        FileFacts {
            root,
            source,
            main: package_is_main(root, source),
            methods,
            method_index: Rc::new(index),
            uses: OnceCell::new(),
            holding: RefCell::new(HashMap::new()),
        }
    }

    fn uses(&self) -> &Uses<'t, 's> {
        self.uses.get_or_init(|| Uses::of(self.root, self.source))
    }

    /// The methods by (receiver type, name), to share.
    pub fn method_index(&self) -> Rc<MethodIndex<'t>> {
        self.method_index.clone()
    }

    /// The one method of the file named `name`, whatever its type.
    pub fn only_method(&self, name: &str) -> Option<Node<'t>> {
        match self.methods.get(name).map(Vec::as_slice) {
            Some([(_, m)]) => Some(*m),
            _ => None,
        }
    }

    /// How many methods of the file are named `name`.
    pub fn methods_named(&self, name: &str) -> usize {
        self.methods.get(name).map_or(0, Vec::len)
    }

    /// The method `name` of `type_name`.
    pub fn method_of(&self, type_name: &str, name: &str) -> Option<Node<'t>> {
        self.methods
            .get(name)?
            .iter()
            .find(|(ty, _)| ty == type_name)
            .map(|(_, m)| *m)
    }

    /// Every method of `type_name`.
    pub fn methods_of(&self, type_name: &str) -> Vec<Node<'t>> {
        let mut found: Vec<Node<'t>> = self
            .methods
            .values()
            .flatten()
            .filter(|(ty, _)| ty == type_name)
            .map(|(_, m)| *m)
            .collect();
        found.sort_by_key(|m| m.start_byte());
        found
    }

    /// How many struct fields of the file are named `name`.
    pub fn fields_named(&self, name: &str) -> usize {
        self.uses().field_decls.get(name).copied().unwrap_or(0)
    }

    /// `f` in each `x.f` of the file.
    pub fn selections(&self, name: &str) -> &[Node<'t>] {
        self.uses().selected.get(name).map_or(&[], Vec::as_slice)
    }

    /// `f` in each `T{f: v}` of the file.
    pub fn keys(&self, name: &str) -> &[Node<'t>] {
        self.uses().keys.get(name).map_or(&[], Vec::as_slice)
    }

    /// Each call `x.name(...)` of the file.
    pub fn method_calls(&self, name: &str) -> &[Node<'t>] {
        self.uses()
            .method_calls
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a literal of the file sets `type_name`'s fields by position.
    pub fn set_by_position(&self, type_name: &str) -> bool {
        self.uses().positional.contains(type_name)
    }

    /// What `method` may return holding, computed once.
    pub fn holding(
        &self,
        method: Node<'t>,
        compute: impl FnOnce() -> Option<Holding>,
    ) -> Option<Holding> {
        if let Some(known) = self.holding.borrow().get(&method.id()) {
            return known.clone();
        }
        let found = compute();
        self.holding.borrow_mut().insert(method.id(), found.clone());
        found
    }

    /// Records what `method` may return holding, from a walk made for another reason.
    pub fn remember_holding(&self, method: Node<'t>, found: Option<Holding>) {
        self.holding.borrow_mut().insert(method.id(), found);
    }
}

impl<'t, 's> Uses<'t, 's> {
    fn of(root: Node<'t>, source: &'s str) -> Uses<'t, 's> {
        let mut uses = Uses::default();
        syntax::walk_named(root, |n| {
            match Kind::of(n) {
                Kind::FieldDeclaration => {
                    let mut c = n.walk();
                    for name in n.children_by_field_name("name", &mut c) {
                        *uses.field_decls.entry(text(name, source)).or_default() += 1;
                    }
                }
                Kind::SelectorExpression => {
                    if let Some(field) = n.field("field") {
                        uses.selected
                            .entry(text(field, source))
                            .or_default()
                            .push(field);
                    }
                }
                Kind::KeyedElement => {
                    if let Some(name) = syntax::keyed_field(n) {
                        uses.keys.entry(text(name, source)).or_default().push(name);
                    }
                }
                Kind::CallExpression => {
                    let method = n
                        .field("function")
                        .filter(|f| f.kind() == "selector_expression")
                        .and_then(|f| f.field("field"));
                    if let Some(method) = method {
                        uses.method_calls
                            .entry(text(method, source))
                            .or_default()
                            .push(n);
                    }
                }
                Kind::CompositeLiteral => {
                    uses.positional.extend(positional_literal_types(n, source));
                }
                _ => {}
            }
            true
        });
        uses
    }
}

pub(super) fn package_is_main(root: Node, source: &str) -> bool {
    let mut cursor = root.walk();
    let found = root
        .named_children(&mut cursor)
        .find(|c| c.kind() == "package_clause")
        .and_then(|c| c.named_child(0))
        .is_some_and(|name| text(name, source) == "main");
    found
}
