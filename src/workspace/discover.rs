//! Finds the Go files under the paths a user names, the way the go command would see a tree:
//! `vendor/`, `testdata/` and folders starting with `.` or `_` are skipped, symbolic links to
//! folders are not followed (no loops, nothing outside the tree), and oversized files are left
//! out with a note.

use std::fs;
use std::path::{Path, PathBuf};

/// Larger Go files are generated tables, not code anyone edits by hand.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    /// Paths passed over, with why (too large, unreadable folder).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Errors for paths that do not exist, so a typo on the command line is not a silent pass.
pub fn go_files(roots: &[PathBuf]) -> Result<Discovered, String> {
    let mut found = Discovered::default();
    for root in roots {
        let meta = fs::metadata(root).map_err(|e| format!("{}: {e}", root.display()))?;
        if meta.is_file() {
            // A file named explicitly is analysed even where a walk would skip it.
            found.files.push(root.clone());
        } else {
            walk_dir(root, &mut found);
        }
    }
    found.files.sort();
    found.files.dedup();
    Ok(found)
}

fn walk_dir(root: &Path, found: &mut Discovered) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                found.skipped.push((dir, e.to_string()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() {
                if !is_skipped_dir(&name) {
                    stack.push(path);
                }
            } else if kind.is_file() && name.ends_with(".go") && !name.starts_with(['.', '_']) {
                match entry.metadata() {
                    Ok(m) if m.len() > MAX_FILE_BYTES => found
                        .skipped
                        .push((path, format!("larger than {} MiB", MAX_FILE_BYTES >> 20))),
                    _ => found.files.push(path),
                }
            }
            // Symbolic links are neither: not followed.
        }
    }
}

pub fn is_skipped_dir(name: &str) -> bool {
    name == "vendor" || name == "testdata" || name.starts_with('.') || name.starts_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_what_the_go_command_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for p in [
            "a.go",
            "sub/b.go",
            "vendor/v.go",
            "testdata/t.go",
            ".git/g.go",
            "_x/x.go",
            "c.txt",
        ] {
            let path = root.join(p);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "package p\n").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        let found = go_files(&[root.to_path_buf()]).unwrap();
        let names: Vec<_> = found
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.go", "sub/b.go"]);
        assert!(go_files(&[root.join("missing")]).is_err());
    }
}
