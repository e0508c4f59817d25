//! The module a file belongs to: the nearest go.mod above it, read once and cached per folder;
//! and the go.work that may put that module in a workspace.
//!
//! In workspace mode the go command takes the GODEBUG defaults from go.work (its `go` line and
//! `godebug` lines) and ignores the `godebug` lines of the modules' go.mod files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;

use crate::analysis::go_version::{GoMod, GoSemantics};
use crate::workspace::read::read_text;

#[derive(Debug, Default)]
pub struct ModuleCache {
    /// For each folder asked about: the go.mod that governs it, if any.
    by_dir: DashMap<PathBuf, Option<Arc<GoModFile>>>,
    /// For each module folder asked about: the go.work that uses it, if any.
    workspace_of: DashMap<PathBuf, Option<Arc<GoModFile>>>,
}

#[derive(Debug)]
pub struct GoModFile {
    pub path: PathBuf,
    pub gomod: GoMod,
}

impl ModuleCache {
    /// The Go semantics in force for `file` (unknown when no go.mod is above it).
    pub fn semantics_for(&self, file: &Path) -> GoSemantics {
        let Some(module) = self.gomod_for(file) else {
            return GoSemantics::default();
        };
        match module.path.parent().and_then(|dir| self.workspace_for(dir)) {
            Some(work) => work.gomod.semantics(),
            None => module.gomod.semantics(),
        }
    }

    /// The nearest go.work above a module folder, if it `use`s that folder.
    pub fn workspace_for(&self, module_dir: &Path) -> Option<Arc<GoModFile>> {
        if let Some(cached) = self.workspace_of.get(module_dir) {
            return cached.clone();
        }
        let mut found = None;
        for dir in module_dir.ancestors() {
            let candidate = dir.join("go.work");
            let text = match read_text(&candidate) {
                Ok(text) => text,
                Err(e) if e.is_not_found() => continue,
                // There, but not readable as a go.work: the nearest one still decides.
                Err(_) => break,
            };
            let work = GoMod::parse(&text);
            let uses_it = work.uses.iter().any(|u| {
                let used = dir.join(u);
                used == module_dir
                    || used.canonicalize().ok().as_deref()
                        == module_dir.canonicalize().ok().as_deref()
            });
            if uses_it {
                found = Some(Arc::new(GoModFile {
                    path: candidate,
                    gomod: work,
                }));
            }
            break; // the go command uses the nearest go.work only
        }
        self.workspace_of
            .insert(module_dir.to_path_buf(), found.clone());
        found
    }

    pub fn gomod_for(&self, file: &Path) -> Option<Arc<GoModFile>> {
        // A relative path (`leakls check .` in a package folder) must still reach the go.mod
        // above the working directory.
        let absolute = std::path::absolute(file);
        let file = absolute.as_deref().unwrap_or(file);
        let mut visited = Vec::new();
        let mut found = None;
        let mut dir = file.parent();
        while let Some(d) = dir {
            if let Some(cached) = self.by_dir.get(d) {
                found = cached.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let candidate = d.join("go.mod");
            match read_text(&candidate) {
                Ok(text) => {
                    found = Some(Arc::new(GoModFile {
                        path: candidate,
                        gomod: GoMod::parse(&text),
                    }));
                    break;
                }
                Err(e) if e.is_not_found() => {}
                // A go.mod that cannot be read (a FIFO, huge, binary) still marks the module's
                // root; its Go version is unknown.
                Err(_) => {
                    found = Some(Arc::new(GoModFile {
                        path: candidate,
                        gomod: GoMod::parse(""),
                    }));
                    break;
                }
            }
            dir = d.parent();
        }
        for d in visited {
            self.by_dir.insert(d, found.clone());
        }
        found
    }

    /// Forgets everything: a go.mod was created, changed or deleted.
    pub fn invalidate(&self) {
        self.by_dir.clear();
        self.workspace_of.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn finds_the_nearest_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("inner/pkg")).unwrap();
        fs::write(root.join("go.mod"), "module a\ngo 1.21\n").unwrap();
        fs::write(root.join("inner/go.mod"), "module b\ngo 1.23\n").unwrap();
        let cache = ModuleCache::default();
        assert!(cache
            .semantics_for(&root.join("inner/pkg/x.go"))
            .timers_collected());
        assert!(!cache.semantics_for(&root.join("y.go")).timers_collected());
        assert_eq!(
            cache
                .gomod_for(&root.join("inner/pkg/z.go"))
                .unwrap()
                .gomod
                .module
                .as_deref(),
            Some("b")
        );
    }

    #[test]
    fn a_go_work_sets_the_semantics_of_the_modules_it_uses() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("svc")).unwrap();
        fs::create_dir_all(root.join("other")).unwrap();
        fs::write(
            root.join("go.work"),
            "go 1.24\n\nuse ./svc\n\ngodebug asynctimerchan=1\n",
        )
        .unwrap();
        fs::write(root.join("svc/go.mod"), "module svc\ngo 1.24\n").unwrap();
        fs::write(root.join("other/go.mod"), "module other\ngo 1.24\n").unwrap();
        let cache = ModuleCache::default();
        // svc is in the workspace: go.work's godebug brings the old timers back.
        assert!(!cache
            .semantics_for(&root.join("svc/x.go"))
            .timers_collected());
        // other is not used by the go.work: its own go.mod decides.
        assert!(cache
            .semantics_for(&root.join("other/x.go"))
            .timers_collected());
    }
}
