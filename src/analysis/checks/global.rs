//! `global-growth`: a package-level map, slice or `sync.Map` that grows on every request or
//! event and that nothing in the module ever shrinks.
//!
//! A table that a request handler adds to and nothing ever removes from grows with every
//! session, connection or key the process has seen, until it is restarted. The check reads the
//! whole module: the variable may be declared in one package and grown from another, and the
//! function that grows it may be called from a handler two packages away.
//!
//! Growth is `m[k] = v` (and `m[k]++`) on a map, `s = append(s, ...)`, and `Store` or
//! `LoadOrStore` on a `sync.Map`. Anything that can shrink or replace it silences the check:
//! `delete`, `clear`, any other assignment (`s = s[:0]`, `m = nil`, `m = make(...)`), `Delete`,
//! `LoadAndDelete`, `Swap`, `CompareAndDelete`, or handing it to other code that might (a call
//! argument, `&m`, returning it, another variable). Test files are neither growth nor cure.
//!
//! A growth counts only where it repeats while the program serves, with keys that do not run
//! out. It repeats when it is in an HTTP handler or in a loop that waits for events (accepts
//! connections, receives, selects, ranges over a channel), or in a function that such code
//! calls, directly or through other functions of the module. It is bounded, and not reported,
//! when its key is a constant, a type (`reflect.Type`, `reflect.TypeOf(v)`) or a value of an
//! enumerated type (a named type the package declares constants of, `bool`, a byte); when the
//! function compares the table's length (`if len(m) < max`); when it runs under `sync.Once`;
//! and in `init`, `Register*` functions and package-level initializers, which fill a table once.
//! So one-shot programs (a `main` that runs and exits, a `//go:build ignore` generator),
//! registries filled at start-up, and caches keyed by type are not reported.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use super::super::module::{relative_display, ModuleFile, ModuleIndex};
use super::super::summary::{
    Bound, Call, Callee, DeclSummary, FuncName, Key, Repeat, Use, UseKind,
};
use super::super::types::TypeExpr;
use crate::analysis::{Code, Finding, Related, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Map,
    Slice,
    SyncMap,
}

impl Container {
    fn noun(self) -> &'static str {
        match self {
            Container::Map => "map",
            Container::Slice => "slice",
            Container::SyncMap => "sync.Map",
        }
    }
}

/// What kind of table a global is, and for a map its key type (with the package it is written in).
fn container(
    ty: &TypeExpr,
    package_path: &str,
    index: &dyn ModuleIndex,
) -> Option<(Container, Option<(TypeExpr, String)>)> {
    let is_sync_map = |t: &TypeExpr| matches!(t, TypeExpr::Named { package: Some(p), name } if p == "sync" && name == "Map");
    match ty {
        t if is_sync_map(t) => return Some((Container::SyncMap, None)),
        TypeExpr::Pointer(inner) if is_sync_map(inner) => return Some((Container::SyncMap, None)),
        _ => {}
    }
    match ty.underlying(package_path, index, 0)? {
        (TypeExpr::Map(key, _), package) => Some((Container::Map, Some((*key, package)))),
        (TypeExpr::Slice(_), _) => Some((Container::Slice, None)),
        _ => None,
    }
}

pub fn check(file: &ModuleFile, index: &dyn ModuleIndex) -> Vec<Finding> {
    if file.is_test() || file.summary.build_ignore {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (start, _, decl) in file.summary.iter() {
        for global in &decl.globals {
            let Some((kind, key_type)) = container(&global.ty, &file.package_path, index) else {
                continue;
            };
            if declared_first_elsewhere(file, index, &global.name) {
                continue;
            }
            let table = Table {
                name: &global.name,
                kind,
                key_type,
            };
            let name_range = start + global.name_range.start..start + global.name_range.end;
            findings.extend(judge(file, index, &table, name_range));
        }
    }
    findings
}

/// The same variable is declared in another file of the package that sorts first: files for
/// different platforms (`listen_unix.go`, `listen_windows.go`) declare it once each, and the
/// first one carries the finding.
fn declared_first_elsewhere(file: &ModuleFile, index: &dyn ModuleIndex, name: &str) -> bool {
    index
        .package_files(&file.package_path)
        .iter()
        .filter(|f| f.path < file.path && !f.is_test() && !f.summary.build_ignore)
        .any(|f| {
            f.summary
                .iter()
                .any(|(_, _, d)| d.globals.iter().any(|g| g.name == name))
        })
}

struct Table<'a> {
    name: &'a str,
    kind: Container,
    /// A map's key type, and the package it is written in.
    key_type: Option<(TypeExpr, String)>,
}

/// A growth site that repeats: where, on which line (0-based), and the path that repeats it.
struct Site {
    path: std::path::PathBuf,
    range: std::ops::Range<usize>,
    row: usize,
    repeated: Repeated,
}

/// How a growth comes to run on every request or event: the functions from the handler or loop
/// (first) to the one that grows the table (last).
#[derive(Clone)]
struct Repeated {
    how: Repeat,
    chain: Vec<String>,
}

impl Repeated {
    fn describe(&self) -> String {
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

fn judge(
    file: &ModuleFile,
    index: &dyn ModuleIndex,
    table: &Table,
    name_range: std::ops::Range<usize>,
) -> Option<Finding> {
    let name = table.name;
    let mut growth: Vec<Site> = Vec::new();
    let mut callers = Callers::new(index);
    for user in index.users_of(&file.package_path, name) {
        if user.is_test() || user.summary.build_ignore {
            continue;
        }
        for (start, row, decl) in user.summary.iter() {
            for u in decl
                .uses
                .iter()
                .filter(|u| user.refers_to(&u.target, &file.package_path, name))
            {
                match u.kind {
                    UseKind::IndexSet if table.kind != Container::Map => {} // overwrites an element
                    k if k.grows() => {
                        if u.setup || is_bounded(u, decl, &user, table, &mut callers) {
                            continue;
                        }
                        if let Some(repeated) = repeats(u, decl, &user, &mut callers) {
                            growth.push(Site {
                                path: user.path.clone(),
                                range: start + u.range.start..start + u.range.end,
                                row: row + u.row,
                                repeated,
                            });
                        }
                    }
                    UseKind::Reassign if u.setup => {} // the table is made in init
                    _ => return None,                  // shrunk, replaced or handed over
                }
            }
        }
    }
    if growth.is_empty() {
        return None;
    }
    growth.sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    let here = file.path.parent().unwrap_or(Path::new(""));
    let first = &growth[0];
    let first_at = format!("{}:{}", relative_display(here, &first.path), first.row + 1);
    let places = if growth.len() == 1 {
        format!("{first_at} adds to it")
    } else {
        format!("{} places add to it, the first at {first_at}", growth.len())
    };
    let related = growth
        .iter()
        .map(|site| Related {
            path: (site.path != file.path).then(|| site.path.clone()),
            range: site.range.clone(),
            message: format!("`{name}` grows here {}", site.repeated.describe()),
        })
        .collect();
    Some(Finding {
        range: name_range,
        code: Code::GlobalGrowth,
        severity: Severity::Warning,
        message: format!(
            "package-level {} `{name}` only grows: {places} {}, and nothing in the module \
             removes from it",
            table.kind.noun(),
            first.repeated.describe(),
        ),
        related,
        fixes: Vec::new(),
    })
}

/// The growth can only add a bounded number of entries: capped, under `sync.Once`, or keyed by
/// a constant, a type or an enumerated value.
fn is_bounded(
    u: &Use,
    decl: &DeclSummary,
    user: &ModuleFile,
    table: &Table,
    callers: &mut Callers,
) -> bool {
    let Some(growth) = &u.growth else {
        return true; // not summarised as a growth site: nothing to judge it by
    };
    if matches!(growth.bound, Some(Bound::Capped | Bound::Once)) {
        return true;
    }
    let index = callers.index;
    let map_key_bounded = table
        .key_type
        .as_ref()
        .is_some_and(|(ty, package)| is_bounded_type(ty, package, index));
    map_key_bounded || is_bounded_key(&growth.key, decl, user, callers)
}

fn is_bounded_key(key: &Key, decl: &DeclSummary, user: &ModuleFile, callers: &mut Callers) -> bool {
    let index = callers.index;
    match key {
        Key::None | Key::Other => false,
        Key::Constant | Key::TypeValue => true,
        Key::Name(name) => is_constant(&user.package_path, name, index),
        Key::Typed(ty) => is_bounded_type(ty, &user.package_path, index),
        Key::Param(position, ty) => {
            is_bounded_type(ty, &user.package_path, index)
                || decl
                    .func
                    .as_ref()
                    .is_some_and(|f| callers.always_constant(&user.package_path, f, *position))
        }
        Key::Composite(parts) => parts.iter().all(|p| is_bounded_key(p, decl, user, callers)),
    }
}

/// A package-level constant of the package.
fn is_constant(package_path: &str, name: &str, index: &dyn ModuleIndex) -> bool {
    index.package_files(package_path).iter().any(|f| {
        f.summary
            .iter()
            .any(|(_, _, d)| d.consts.iter().any(|(c, _)| c == name))
    })
}

/// A type with few values: `reflect.Type` (one per type in the program), `bool`, a byte, or a
/// named type of the module that its package declares constants of (an enumeration).
fn is_bounded_type(ty: &TypeExpr, package_path: &str, index: &dyn ModuleIndex) -> bool {
    let TypeExpr::Named { package, name } = ty else {
        // A type descriptor behind a pointer (`*abi.Type`, `*rtype`) is one per type too.
        return matches!(ty, TypeExpr::Pointer(inner) if is_type_descriptor(inner));
    };
    if is_type_descriptor(ty) {
        return true;
    }
    match package.as_deref() {
        Some("reflect") => name == "Type",
        Some(other) => has_constants_of(other, name, index),
        None if matches!(name.as_str(), "bool" | "byte" | "uint8" | "int8") => true,
        None => has_constants_of(package_path, name, index),
    }
}

/// A type that describes Go types (`reflect.Type`, `types.Type`, `*abi.Type`, and unexported
/// descriptors such as `rtype` or `funcType`): a program has as many values of it as it has
/// types.
fn is_type_descriptor(ty: &TypeExpr) -> bool {
    let TypeExpr::Named { name, .. } = ty else {
        return false;
    };
    name == "Type"
        || name == "rtype"
        || (name.ends_with("Type") && name.starts_with(|c: char| c.is_ascii_lowercase()))
}

fn has_constants_of(package_path: &str, type_name: &str, index: &dyn ModuleIndex) -> bool {
    index.package_files(package_path).iter().any(|f| {
        f.summary.iter().any(|(_, _, d)| {
            d.consts.iter().any(|(_, ty)| {
                matches!(ty, Some(TypeExpr::Named { package: None, name }) if name == type_name)
            })
        })
    })
}

/// What makes the growth `u` in declaration `decl` of `user` run on every request or event:
/// where it stands, or a chain of calls back to a handler or an event loop.
fn repeats(
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
struct Callers<'a> {
    index: &'a dyn ModuleIndex,
    /// What was found for each function already followed, for the other growth sites.
    known: HashMap<(String, FuncName), Option<Repeated>>,
    /// The functions on the chain being followed: a call cycle ends there.
    following: HashSet<(String, FuncName)>,
}

/// How many calls back a chain may go. Each step matches calls by name only, so a long chain
/// is more likely wrong than a real path; and each step reads packages.
const MAX_CALL_DEPTH: usize = 4;

impl<'a> Callers<'a> {
    fn new(index: &'a dyn ModuleIndex) -> Callers<'a> {
        Callers {
            index,
            known: HashMap::new(),
            following: HashSet::new(),
        }
    }

    /// The first chain found from a handler or event loop to `func` of `package_path`.
    fn repeated(&mut self, package_path: &str, func: &FuncName, depth: usize) -> Option<Repeated> {
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
    fn always_constant(&self, package_path: &str, func: &FuncName, position: usize) -> bool {
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
