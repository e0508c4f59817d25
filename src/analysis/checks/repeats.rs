//! Following calls back through the module, from a function to an HTTP handler or an event
//! loop that calls it on every request or event. `global-growth` asks whether a table grows on
//! such a path, `slice-retains` whether a package-level slice does.
//!
//! Calls are matched by name, as the summaries record them: a function by its package and name,
//! a method by its name within its own package (leakls does not know the type of the value a
//! method is called on, so a method of another package is not followed).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tree_sitter::Node;

use super::super::module::{ModuleFile, ModuleIndex};
use super::super::summary::{repeat, Call, Callee, DeclSummary, FuncName, Repeat, Use};
use super::super::syntax::{text, Fields};
use super::super::types::TypeExpr;

/// How a growth comes to run on every request or event: the functions from the handler or loop
/// (first) to the one that grows the table (last).
#[derive(Debug, Clone)]
pub struct Repeated {
    pub how: Repeat,
    pub chain: Vec<String>,
}

impl Repeated {
    pub fn describe(&self) -> String {
        let chain = self
            .chain
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(" → ");
        match self.how {
            Repeat::Request => format!("on every request (handler {chain})"),
            Repeat::Event => format!("on every event (a loop in {chain})"),
        }
    }
}

/// What makes the growth `u` in declaration `decl` of `user` run on every request or event:
/// where it stands, or a chain of calls back to a handler or an event loop.
pub fn repeats(
    u: &Use,
    decl: &DeclSummary,
    user: &ModuleFile,
    callers: &mut Callers,
) -> Option<Repeated> {
    let func = decl.func.as_ref()?;
    if let Some(how) = u.growth.as_ref().and_then(|g| g.repeats) {
        return Some(Repeated {
            how,
            chain: vec![func.display()],
        });
    }
    callers.repeated(&user.package_path, func, 0)
}

/// Calls followed back from a function to a handler or event loop, across the module.
pub struct Callers<'a> {
    pub index: &'a dyn ModuleIndex,
    /// What was found for each function already followed, for the other growth sites.
    known: HashMap<(String, FuncName), Option<Repeated>>,
    /// The functions on the chain being followed: a call cycle ends there.
    following: HashSet<(String, FuncName)>,
}

/// How many calls back a chain may go. Each step matches calls by name only, so a long chain
/// is more likely wrong than a real path; and each step reads packages.
const MAX_CALL_DEPTH: usize = 4;

impl<'a> Callers<'a> {
    pub fn new(index: &'a dyn ModuleIndex) -> Callers<'a> {
        Callers {
            index,
            known: HashMap::new(),
            following: HashSet::new(),
        }
    }

    /// The first chain found from a handler or event loop to `func` of `package_path`.
    pub fn repeated(
        &mut self,
        package_path: &str,
        func: &FuncName,
        depth: usize,
    ) -> Option<Repeated> {
        let key = (package_path.to_string(), func.clone());
        if let Some(known) = self.known.get(&key) {
            return known.clone();
        }
        if depth >= MAX_CALL_DEPTH || !self.following.insert(key.clone()) {
            return None;
        }
        let found = self.search(package_path, func, depth);
        self.following.remove(&key);
        self.known.insert(key, found.clone());
        found
    }

    /// The files that may call `func` of `package_path`: its package, and for an exported
    /// function the files that import it (test and `//go:build ignore` files left out).
    fn candidate_files(&self, package_path: &str, func: &FuncName) -> Vec<Arc<ModuleFile>> {
        let exported = func.name.starts_with(|c: char| c.is_uppercase());
        let mut files = self.index.package_files(package_path);
        if exported && func.receiver.is_none() {
            files.extend(self.index.importers_of(package_path));
        }
        files.retain(|f| !f.is_test() && !f.summary.build_ignore);
        files
    }

    /// Every call of `func` in the module passes a constant at `position`: the parameter takes
    /// a fixed set of values (`newLoggingConn("server", c)`).
    pub fn always_constant(&self, package_path: &str, func: &FuncName, position: usize) -> bool {
        let mut calls = 0;
        for caller in self.candidate_files(package_path, func) {
            for (_, _, decl) in caller.summary.iter() {
                for call in decl
                    .calls
                    .iter()
                    .filter(|c| calls_func(c, &caller, package_path, func))
                {
                    if position >= 64 || call.constant_args & (1 << position) == 0 {
                        return false;
                    }
                    calls += 1;
                }
            }
        }
        calls > 0
    }

    fn search(&mut self, package_path: &str, func: &FuncName, depth: usize) -> Option<Repeated> {
        let mut next: Vec<(String, FuncName)> = Vec::new();
        for caller in self.candidate_files(package_path, func) {
            for (_, _, decl) in caller.summary.iter() {
                let Some(caller_func) = &decl.func else {
                    continue;
                };
                for call in decl
                    .calls
                    .iter()
                    .filter(|c| calls_func(c, &caller, package_path, func))
                {
                    if let Some(how) = call.repeats {
                        return Some(Repeated {
                            how,
                            chain: vec![caller_func.display(), func.display()],
                        });
                    }
                    next.push((caller.package_path.clone(), caller_func.clone()));
                }
            }
        }
        for (package, caller_func) in next {
            if let Some(mut found) = self.repeated(&package, &caller_func, depth + 1) {
                found.chain.push(func.display());
                return Some(found);
            }
        }
        None
    }
}

/// Whether `call`, made in `caller`, can be a call of `func` of package `package_path`. Methods
/// are matched by name: leakls does not know the type of the value they are called on.
fn calls_func(call: &Call, caller: &ModuleFile, package_path: &str, func: &FuncName) -> bool {
    let same_package = caller.package_path == package_path;
    match (&call.callee, &func.receiver) {
        (Callee::Function(name), None) => {
            name.name == func.name
                && match &name.package {
                    None => same_package,
                    Some(local) => caller.summary.import_path(local) == Some(package_path),
                }
        }
        // A method called from another package is not followed: by name alone, `Value` or
        // `Read` could be any type's.
        (Callee::Method(name), Some(_)) => *name == func.name && same_package,
        _ => false,
    }
}

/// Whether the top-level function `decl` runs on every request or event: it is a handler, or a
/// handler or event loop calls it (through the module's calls). Code of a command that does not
/// may run once per program.
pub fn declaration_repeats(
    decl: Node,
    source: &str,
    imports: &[(String, String)],
    index: &dyn ModuleIndex,
    package_path: &str,
) -> bool {
    if repeat::is_handler(decl, source, imports) {
        return true;
    }
    let Some(name) = decl.field("name").map(|n| text(n, source).to_string()) else {
        return false;
    };
    let receiver = decl
        .field("receiver")
        .and_then(|r| r.named_child(0))
        .and_then(|p| p.field("type"))
        .and_then(|t| TypeExpr::from_node(t, source, &imports).base_name());
    let func = FuncName { name, receiver };
    Callers::new(index)
        .repeated(package_path, &func, 0)
        .is_some()
}
