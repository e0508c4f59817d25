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

use std::path::Path;

use super::super::module::{relative_display, ModuleFile, ModuleIndex};
use super::super::summary::{Bound, DeclSummary, Key, Use, UseKind};
use super::super::types::TypeExpr;
use super::repeats::{repeats, Callers, Repeated};
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
