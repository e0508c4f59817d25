//! The module a file belongs to: the nearest go.mod above it, read once and cached per folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;

use crate::analysis::go_version::{GoMod, GoSemantics};

#[derive(Debug, Default)]
pub struct ModuleCache {
    /// For each folder asked about: the go.mod that governs it, if any.
    by_dir: DashMap<PathBuf, Option<Arc<GoModFile>>>,
}

#[derive(Debug)]
pub struct GoModFile {
    pub path: PathBuf,
    pub gomod: GoMod,
}

impl ModuleCache {
    /// The Go semantics in force for `file` (unknown when no go.mod is above it).
    pub fn semantics_for(&self, file: &Path) -> GoSemantics {
        self.gomod_for(file)
            .map(|m| m.gomod.semantics())
            .unwrap_or_default()
    }

    pub fn gomod_for(&self, file: &Path) -> Option<Arc<GoModFile>> {
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
            if let Ok(text) = fs::read_to_string(&candidate) {
                found = Some(Arc::new(GoModFile {
                    path: candidate,
                    gomod: GoMod::parse(&text),
                }));
                break;
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
