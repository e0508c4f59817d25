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
    /// Test code: a `_test.go` file, or a test helper by its name or its package's (see
    /// [`is_test_code`]).
    pub test: bool,
    /// The hash ([`crate::workspace::batch::text_hash`]) of the text on disk the summary was
    /// made from; `None` for an editor's buffer. Positions from the summary fit only that text.
    pub disk_hash: Option<u64>,
}

impl ModuleFile {
    /// Test code does not count as evidence: a `delete` in a test's cleanup does not stop a
    /// handler's map from growing, and a test's writes do not make a production leak.
    pub fn is_test(&self) -> bool {
        self.test
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

    /// Whether the package belongs to a command: it is a `main` package, or one of its
    /// `internal` packages (`cmd/go/internal/work`). Such code runs for one program, which may
    /// well run once and exit.
    fn is_part_of_command(&self, package_path: &str) -> bool {
        let is_main = |p: &str| {
            self.package_files(p).iter().any(|f| {
                f.summary.package.as_deref() == Some("main")
                    && !f.summary.build_ignore
                    && !f.is_test()
            })
        };
        if is_main(package_path) {
            return true;
        }
        package_path
            .match_indices("/internal")
            .any(|(at, _)| is_main(&package_path[..at]))
    }
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

/// Whether a file is test code, which runs in a process that ends with the test: a `_test.go`
/// file; a test helper by its file name (`testing.go`, `mock_store.go`, `store_fake.go`); or a
/// file of a test helper package, by a folder of its import path below the module
/// (`internal/testutil`, `mocks`, `httptest`, `tests/integration`). `package_dir` is that part
/// of the import path: for the standard library, all of it.
pub fn is_test_code(path: &Path, package_dir: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with("_test.go") {
        return true;
    }
    let stem = name.strip_suffix(".go").unwrap_or(name);
    let helper_file = ["test", "mock", "fake"].iter().any(|w| {
        stem.starts_with(w) || stem.ends_with(&format!("_{w}")) || stem.ends_with(&format!("_{w}s"))
    });
    helper_file || package_dir.split('/').any(is_test_folder)
}

/// `testutil`, `tests`, `httptest`, `mocks`, `fakes`: folders that hold test helpers.
fn is_test_folder(folder: &str) -> bool {
    const NOT_TESTS: [&str; 5] = ["latest", "contest", "attest", "protest", "detest"];
    ["test", "mock", "fake"]
        .iter()
        .any(|w| folder.starts_with(w))
        || (["test", "mock", "mocks", "fake", "fakes"]
            .iter()
            .any(|w| folder.ends_with(w))
            && !NOT_TESTS.contains(&folder))
}
