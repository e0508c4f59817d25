//! The analysis side of the workspace index: what a check may ask about the other files of the
//! module. The index itself lives in `crate::workspace`; here is only the contract.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::summary::{FileSummary, NameRef};
use super::types::TypeIndex;

/// One indexed file.
#[derive(Debug, Clone)]
pub struct ModuleFile {
    pub path: PathBuf,
    /// The import path of its package (`example.com/m/state`), or a folder-based name for a
    /// package outside any module.
    pub package_path: String,
    pub summary: Arc<FileSummary>,
}

impl ModuleFile {
    /// Test files do not count as evidence: a `delete` in a test's cleanup does not stop a
    /// handler's map from growing, and a test's writes do not make a production leak.
    pub fn is_test(&self) -> bool {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with("_test.go"))
    }

    /// Whether `target`, as written in this file, names `name` of package `package_path`.
    pub fn refers_to(&self, target: &NameRef, package_path: &str, name: &str) -> bool {
        target.name == name
            && match &target.package {
                None => self.package_path == package_path,
                Some(local) => self.summary.import_path(local) == Some(package_path),
            }
    }
}

/// What checks may ask the index.
pub trait ModuleIndex: TypeIndex + Sync {
    /// Every indexed file of the package with this import path.
    fn package_files(&self, package_path: &str) -> Vec<Arc<ModuleFile>>;
    /// Every file that writes to, or hands over, the package-level `name` of `package_path`.
    fn users_of(&self, package_path: &str, name: &str) -> Vec<Arc<ModuleFile>>;
    /// Every indexed file that imports the package `package_path`, in path order.
    fn importers_of(&self, package_path: &str) -> Vec<Arc<ModuleFile>>;
}

/// An index with nothing in it: a file analysed on its own.
pub struct EmptyIndex;

impl TypeIndex for EmptyIndex {
    fn type_decl(&self, _: &str, _: &str) -> Option<super::types::TypeExpr> {
        None
    }
}

impl ModuleIndex for EmptyIndex {
    fn package_files(&self, _: &str) -> Vec<Arc<ModuleFile>> {
        Vec::new()
    }
    fn users_of(&self, _: &str, _: &str) -> Vec<Arc<ModuleFile>> {
        Vec::new()
    }
    fn importers_of(&self, _: &str) -> Vec<Arc<ModuleFile>> {
        Vec::new()
    }
}

/// `path` as a user would like to read it from the folder `from`: `handler.go` beside it,
/// `../server/handler.go` elsewhere in the module.
pub fn relative_display(from: &Path, path: &Path) -> String {
    if let Ok(rel) = path.strip_prefix(from) {
        return rel.display().to_string();
    }
    let mut ups = 0;
    let mut base = from;
    while let Some(parent) = base.parent() {
        ups += 1;
        base = parent;
        if let Ok(rel) = path.strip_prefix(base) {
            if ups <= 2 {
                return format!("{}{}", "../".repeat(ups), rel.display());
            }
            break;
        }
    }
    path.display().to_string()
}
