//! `global-growth`: a package-level map, slice or `sync.Map` that the module only ever adds to.
//!
//! A table that a request handler adds to and nothing ever removes from grows with every
//! session, connection or key the process has seen, until it is restarted. The check reads the
//! whole module: the variable may be declared in one package and grown from another.
//!
//! Growth is `m[k] = v` (and `m[k]++`) on a map, `s = append(s, ...)`, and `Store` or
//! `LoadOrStore` on a `sync.Map`. Anything that can shrink or replace it silences the check:
//! `delete`, `clear`, any other assignment (`s = s[:0]`, `m = nil`, `m = make(...)`), `Delete`,
//! `LoadAndDelete`, `Swap`, `CompareAndDelete`, or handing it to other code that might
//! (a call argument, `&m`, returning it, another variable). Writes in `init` and in
//! `Register*`/`register*` functions fill a table once and are not growth. Test files are
//! neither growth nor cure.

use std::path::Path;

use super::super::module::{relative_display, ModuleFile, ModuleIndex};
use super::super::summary::UseKind;
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

fn container(ty: &TypeExpr, package_path: &str, index: &dyn ModuleIndex) -> Option<Container> {
    let is_sync_map = |t: &TypeExpr| matches!(t, TypeExpr::Named { package: Some(p), name } if p == "sync" && name == "Map");
    match ty {
        t if is_sync_map(t) => return Some(Container::SyncMap),
        TypeExpr::Pointer(inner) if is_sync_map(inner) => return Some(Container::SyncMap),
        _ => {}
    }
    match ty.underlying(package_path, index, 0)?.0 {
        TypeExpr::Map(..) => Some(Container::Map),
        TypeExpr::Slice(_) => Some(Container::Slice),
        _ => None,
    }
}

pub fn check(file: &ModuleFile, index: &dyn ModuleIndex) -> Vec<Finding> {
    if file.is_test() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (start, _, decl) in file.summary.iter() {
        for global in &decl.globals {
            let Some(kind) = container(&global.ty, &file.package_path, index) else {
                continue;
            };
            if let Some(f) = judge(
                file,
                index,
                &global.name,
                kind,
                start + global.name_range.start..start + global.name_range.end,
            ) {
                findings.push(f);
            }
        }
    }
    findings
}

/// A growth site: where, and on which line (0-based) for the message.
struct Site {
    path: std::path::PathBuf,
    range: std::ops::Range<usize>,
    row: usize,
}

fn judge(
    file: &ModuleFile,
    index: &dyn ModuleIndex,
    name: &str,
    kind: Container,
    name_range: std::ops::Range<usize>,
) -> Option<Finding> {
    let mut growth: Vec<Site> = Vec::new();
    for user in index.users_of(&file.package_path, name) {
        if user.is_test() {
            continue;
        }
        for (start, row, decl) in user.summary.iter() {
            for u in decl
                .uses
                .iter()
                .filter(|u| user.refers_to(&u.target, &file.package_path, name))
            {
                match u.kind {
                    UseKind::IndexSet if kind != Container::Map => {} // overwrites an element
                    k if k.grows() => {
                        if !u.setup {
                            growth.push(Site {
                                path: user.path.clone(),
                                range: start + u.range.start..start + u.range.end,
                                row: row + u.row,
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
        "1 place adds to it".to_string()
    } else {
        format!("{} places add to it", growth.len())
    };
    let related = growth
        .iter()
        .map(|site| Related {
            path: (site.path != file.path).then(|| site.path.clone()),
            range: site.range.clone(),
            message: format!("`{name}` grows here"),
        })
        .collect();
    Some(Finding {
        range: name_range,
        code: Code::GlobalGrowth,
        severity: Severity::Warning,
        message: format!(
            "package-level {} `{name}` only grows: {places} (first at {first_at}) and nothing in the module removes from it",
            kind.noun()
        ),
        related,
        fixes: Vec::new(),
    })
}
