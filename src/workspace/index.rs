//! The workspace index: a summary of every Go file of the workspace (never its tree), grouped by
//! package, with the module each package belongs to and a reverse map from package-level names
//! to the files that write them.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use dashmap::DashMap;

use super::modules::ModuleCache;
use crate::analysis::module::{is_test_code, ModuleFile, ModuleIndex};
use crate::analysis::summary::FileSummary;
use crate::analysis::types::{TypeExpr, TypeIndex};

/// (package import path, name) of a package-level name.
type Target = (String, String);

#[derive(Debug, Default)]
pub struct Index {
    files: DashMap<PathBuf, Arc<ModuleFile>>,
    /// Import path → the files of that package.
    packages: DashMap<String, BTreeSet<PathBuf>>,
    /// Package-level name → the files that write or hand it over.
    users: DashMap<Target, HashSet<PathBuf>>,
    /// Import path → the files that import it.
    importers: DashMap<String, BTreeSet<PathBuf>>,
    pub modules: ModuleCache,
    /// Held by each change of a file's entry: the maps above change one after another, and a
    /// change that ran beside another could work from an entry the other was replacing (or,
    /// beside `reresolve`, be lost). A writer that reads the index after its own change (the
    /// editor's buffer checked at once) sees the other writers' changes whole.
    writing: Mutex<()>,
}

/// `dir` relative to the module root `root`. A relative `dir` under a root found above the
/// working directory (absolute) is made absolute first.
fn below(dir: &Path, root: &Path) -> Option<PathBuf> {
    if let Ok(rel) = dir.strip_prefix(root) {
        return Some(rel.to_path_buf());
    }
    if dir.is_relative() && root.is_absolute() {
        let absolute = std::path::absolute(dir).ok()?;
        return absolute.strip_prefix(root).ok().map(Path::to_path_buf);
    }
    None
}

impl Index {
    /// The import path of the package in `dir`: the module path plus the folder's place in the
    /// module, or a name made from the folder outside any module.
    pub fn package_path_of(&self, file: &Path) -> String {
        let dir = file.parent().unwrap_or(Path::new(""));
        if let Some(gomod) = self.modules.gomod_for(file) {
            let root = gomod.path.parent().unwrap_or(Path::new(""));
            if let (Some(module), Some(rel)) = (&gomod.gomod.module, below(dir, root)) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                // The standard library's module is "std", but its packages are imported as "net/http".
                return match (module.as_str(), rel.is_empty()) {
                    (m, true) => m.to_string(),
                    ("std", false) => rel,
                    (m, false) => format!("{m}/{rel}"),
                };
            }
        }
        format!("dir:{}", dir.display())
    }

    /// The folders of a file's package below its module root (for the standard library, its
    /// whole import path): what says whether the package is a test helper.
    fn package_dir(&self, file: &Path) -> String {
        let dir = file.parent().unwrap_or(Path::new(""));
        let Some(gomod) = self.modules.gomod_for(file) else {
            return String::new(); // outside any module: the folders above mean nothing
        };
        let root = gomod.path.parent().unwrap_or(Path::new(""));
        below(dir, root)
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    }

    /// Whether `file` is test code: a `_test.go` file or a test helper (see [`is_test_code`]).
    pub fn is_test_file(&self, file: &Path) -> bool {
        is_test_code(file, &self.package_dir(file))
    }

    /// Adds or replaces a file's summary, made from an editor's buffer. Returns the indexed
    /// file.
    pub fn update(&self, path: &Path, summary: Arc<FileSummary>) -> Arc<ModuleFile> {
        self.update_with(path, summary, None)
    }

    /// Adds or replaces a file's summary, made from the text on disk whose hash is `disk_hash`.
    pub fn update_read(
        &self,
        path: &Path,
        summary: Arc<FileSummary>,
        disk_hash: u64,
    ) -> Arc<ModuleFile> {
        self.update_with(path, summary, Some(disk_hash))
    }

    fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.writing.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update_with(
        &self,
        path: &Path,
        summary: Arc<FileSummary>,
        disk_hash: Option<u64>,
    ) -> Arc<ModuleFile> {
        let _writing = self.write_lock();
        self.update_locked(path, summary, disk_hash)
    }

    fn update_locked(
        &self,
        path: &Path,
        summary: Arc<FileSummary>,
        disk_hash: Option<u64>,
    ) -> Arc<ModuleFile> {
        let file = Arc::new(ModuleFile {
            path: path.to_path_buf(),
            package_path: self.package_path_of(path),
            test: self.is_test_file(path),
            summary,
            disk_hash,
        });
        let old = self.files.insert(path.to_path_buf(), file.clone());
        self.file_imports(path, old.as_deref(), Some(&file));
        let old_targets = old.as_ref().map(|f| targets(f)).unwrap_or_default();
        let new_targets = targets(&file);
        for t in old_targets.difference(&new_targets) {
            if let Some(mut users) = self.users.get_mut(t) {
                users.remove(path);
            }
        }
        for t in new_targets.difference(&old_targets) {
            self.users
                .entry(t.clone())
                .or_default()
                .insert(path.to_path_buf());
        }
        if let Some(old) = &old {
            if old.package_path != file.package_path {
                self.forget_in_package(&old.package_path, path);
            }
        }
        self.packages
            .entry(file.package_path.clone())
            .or_default()
            .insert(path.to_path_buf());
        file
    }

    /// Moves `path` from the importers of what `old` imports to those of what `new` does.
    fn file_imports(&self, path: &Path, old: Option<&ModuleFile>, new: Option<&ModuleFile>) {
        fn paths(f: Option<&ModuleFile>) -> HashSet<&str> {
            f.map(|f| f.summary.imports.iter().map(|(_, p)| p.as_str()).collect())
                .unwrap_or_default()
        }
        let (before, after) = (paths(old), paths(new));
        for &gone in before.difference(&after) {
            if let Some(mut files) = self.importers.get_mut(gone) {
                files.remove(path);
            }
            self.importers.remove_if(gone, |_, files| files.is_empty());
        }
        for &added in after.difference(&before) {
            // Most imports (`fmt`, `strings`) have their entry already: no key to make.
            if let Some(mut files) = self.importers.get_mut(added) {
                files.insert(path.to_path_buf());
                continue;
            }
            self.importers
                .entry(added.to_string())
                .or_default()
                .insert(path.to_path_buf());
        }
    }

    pub fn remove(&self, path: &Path) {
        let _writing = self.write_lock();
        let Some((_, old)) = self.files.remove(path) else {
            return;
        };
        self.file_imports(path, Some(&old), None);
        for t in targets(&old) {
            if let Some(mut users) = self.users.get_mut(&t) {
                users.remove(path);
            }
        }
        self.forget_in_package(&old.package_path, path);
    }

    fn forget_in_package(&self, package_path: &str, path: &Path) {
        if let Some(mut files) = self.packages.get_mut(package_path) {
            files.remove(path);
        }
        self.packages
            .remove_if(package_path, |_, files| files.is_empty());
    }

    pub fn get(&self, path: &Path) -> Option<Arc<ModuleFile>> {
        self.files.get(path).map(|f| f.clone())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Every indexed file, in path order.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.files.iter().map(|f| f.key().clone()).collect();
        paths.sort();
        paths
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// A go.mod or go.work changed: module paths, and so every import path, may be different.
    /// Keeps the summaries and files them again under what the module files now say.
    pub fn reresolve(&self) {
        let _writing = self.write_lock();
        self.modules.invalidate();
        let all: Vec<(PathBuf, Arc<ModuleFile>)> = self
            .files
            .iter()
            .map(|f| (f.key().clone(), f.value().clone()))
            .collect();
        self.files.clear();
        self.packages.clear();
        self.users.clear();
        self.importers.clear();
        for (path, file) in all {
            self.update_locked(&path, file.summary.clone(), file.disk_hash);
        }
    }
}

/// The package-level names of other files (or its own package) a file writes or hands over.
fn targets(file: &ModuleFile) -> HashSet<Target> {
    let mut out = HashSet::new();
    for (_, _, decl) in file.summary.iter() {
        for u in &decl.uses {
            let package = match &u.target.package {
                None => Some(file.package_path.clone()),
                Some(local) => file.summary.import_path(local).map(str::to_string),
            };
            if let Some(package) = package {
                out.insert((package, u.target.name.clone()));
            }
        }
    }
    out
}

impl TypeIndex for Index {
    fn type_decl(&self, package_path: &str, name: &str) -> Option<TypeExpr> {
        let files = self.packages.get(package_path)?;
        for path in files.iter() {
            let Some(file) = self.files.get(path) else {
                continue;
            };
            for (_, _, decl) in file.summary.iter() {
                if let Some((_, ty)) = decl.types.iter().find(|(n, _)| n == name) {
                    return Some(ty.clone());
                }
            }
        }
        None
    }
}

impl ModuleIndex for Index {
    fn package_files(&self, package_path: &str) -> Vec<Arc<ModuleFile>> {
        let Some(paths) = self.packages.get(package_path) else {
            return Vec::new();
        };
        paths
            .iter()
            .filter_map(|p| self.files.get(p).map(|f| f.clone()))
            .collect()
    }

    fn importers_of(&self, package_path: &str) -> Vec<Arc<ModuleFile>> {
        let Some(paths) = self.importers.get(package_path) else {
            return Vec::new();
        };
        paths
            .iter()
            .filter_map(|p| self.files.get(p).map(|f| f.clone()))
            .collect()
    }

    fn users_of(&self, package_path: &str, name: &str) -> Vec<Arc<ModuleFile>> {
        let key = (package_path.to_string(), name.to_string());
        let Some(paths) = self.users.get(&key) else {
            return Vec::new();
        };
        let mut files: Vec<Arc<ModuleFile>> = paths
            .iter()
            .filter_map(|p| self.files.get(p).map(|f| f.clone()))
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A folder with `gomod` as its go.mod.
    fn module(gomod: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("go.mod"), gomod).unwrap();
        dir
    }

    fn summarize(src: &str) -> Arc<FileSummary> {
        let tree = crate::analysis::parse(src);
        Arc::new(FileSummary::new(src, &tree))
    }

    #[test]
    fn resolves_packages_and_users_across_the_module() {
        let dir = module("module example.com/m\n\ngo 1.22\n");
        let root = dir.path();
        let index = Index::default();
        let state = root.join("state/state.go");
        let server = root.join("server/server.go");
        index.update(
            &state,
            summarize("package state\n\nvar Sessions = map[string]int{}\n"),
        );
        let file = index.update(
            &server,
            summarize("package server\n\nimport \"example.com/m/state\"\n\nfunc add(k string) { state.Sessions[k] = 1 }\n"),
        );
        assert_eq!(file.package_path, "example.com/m/server");
        let users = index.users_of("example.com/m/state", "Sessions");
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].path, server);
        assert_eq!(index.package_files("example.com/m/state").len(), 1);

        // The writer changes: the reverse map follows.
        index.update(
            &server,
            summarize("package server\n\nfunc add(k string) {}\n"),
        );
        assert!(index.users_of("example.com/m/state", "Sessions").is_empty());
        index.remove(&state);
        assert!(index.package_files("example.com/m/state").is_empty());
    }

    /// Files indexed while a go.mod change files everything again (the first scan still
    /// running when the editor saves go.mod) are all there after both, each in its package.
    #[test]
    fn files_indexed_during_a_reresolve_are_kept() {
        let dir = module("module example.com/m\n\ngo 1.22\n");
        let root = dir.path();
        let index = Index::default();
        let summary = summarize("package p\n\nvar Sessions = map[string]int{}\n");
        for i in 0..200 {
            index.update(&root.join(format!("old/f{i}.go")), summary.clone());
        }
        let added: Vec<PathBuf> = (0..400).map(|i| root.join(format!("p/f{i}.go"))).collect();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                for _ in 0..40 {
                    index.reresolve();
                }
            });
            scope.spawn(|| {
                for path in &added {
                    index.update(path, summary.clone());
                }
            });
        });
        assert_eq!(index.len(), 600);
        assert_eq!(index.package_files("example.com/m/p").len(), 400);
        assert_eq!(index.package_files("example.com/m/old").len(), 200);
    }

    #[test]
    fn standard_library_packages_have_their_import_paths() {
        let dir = module("module std\n");
        let root = dir.path();
        let index = Index::default();
        assert_eq!(
            index.package_path_of(&root.join("net/http/server.go")),
            "net/http"
        );
    }
}
