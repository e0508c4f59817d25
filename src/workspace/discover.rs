//! Finds the Go files under the paths a user names, the way the go command would see a tree:
//! `vendor/`, `testdata/` and folders starting with `.` or `_` are skipped, symbolic links to
//! folders are not followed (no loops, nothing outside the tree), and oversized files are left
//! out with a note.

use std::fs;
use std::path::{Path, PathBuf};

pub use super::read::MAX_FILE_BYTES;

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
        if meta.is_dir() {
            walk_dir(root, &mut found);
        } else {
            // A file named explicitly is analysed even where a walk would skip it (and one
            // that is no regular file is refused, with why, when it is read).
            found.files.push(root.clone());
        }
    }
    dedup_files(&mut found.files);
    Ok(found)
}

/// Sorts, and keeps one of each file named twice (`leakls check a.go .` finds `a.go` and
/// `./a.go`): the spelling met first.
fn dedup_files(files: &mut Vec<PathBuf>) {
    files.sort_by_key(|p| without_dot_components(p));
    files.dedup_by(|a, b| without_dot_components(a) == without_dot_components(b));
}

/// The path without its `.` components: `./a/./b.go` and `a/b.go` are one file.
fn without_dot_components(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

fn walk_dir(root: &Path, found: &mut Discovered) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                found.skipped.push((dir, format!("{e}, skipped")));
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
            } else if !kind.is_symlink()
                && !kind.is_file()
                && name.ends_with(".go")
                && !name.starts_with(['.', '_'])
            {
                // A FIFO, socket or device by a Go file's name: never opened.
                found
                    .skipped
                    .push((path, "not a regular file, skipped".to_string()));
            } else if kind.is_file() && name.ends_with(".go") && !name.starts_with(['.', '_']) {
                match entry.metadata() {
                    Ok(m) if m.len() > MAX_FILE_BYTES => found
                        .skipped
                        .push((path, super::read::ReadError::TooLarge(m.len()).to_string())),
                    _ => found.files.push(path),
                }
            }
            // Symbolic links are neither: not followed.
        }
    }
}

/// Whether `path` lies under one of `roots` without going through a symbolic link below the
/// root: the rule of [`go_files`] for a single path, for paths that arrive one at a time (files
/// an editor says changed, a file closed). A `..` part, or a link anywhere from the root down
/// to the file itself, keeps it out; the roots themselves may be links.
pub fn is_inside(path: &Path, roots: &[PathBuf]) -> bool {
    use std::path::Component;
    if path.components().any(|c| {
        !matches!(
            c,
            Component::Normal(_) | Component::RootDir | Component::Prefix(_)
        )
    }) {
        return false;
    }
    roots.iter().any(|root| {
        let Ok(rel) = path.strip_prefix(root) else {
            return false;
        };
        let mut at = root.clone();
        rel.components().all(|part| {
            at.push(part);
            fs::symlink_metadata(&at).is_ok_and(|m| !m.file_type().is_symlink())
        })
    })
}

pub fn is_skipped_dir(name: &str) -> bool {
    name == "vendor" || name == "testdata" || name.starts_with('.') || name.starts_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_named_twice_is_found_once() {
        let mut files: Vec<PathBuf> = ["a.go", "./b.go", "./a.go", "sub/../c.go", "b.go"]
            .iter()
            .map(PathBuf::from)
            .collect();
        dedup_files(&mut files);
        let expected: Vec<PathBuf> = ["a.go", "./b.go", "sub/../c.go"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(files, expected);
    }

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

    #[cfg(unix)]
    #[test]
    fn links_inside_the_workspace_keep_their_targets_out() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.go"), "package p\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::write(root.join("sub/a.go"), "package p\n").unwrap();
        symlink(outside.path().join("secret.go"), root.join("file_link.go")).unwrap();
        symlink(outside.path(), root.join("dir_link")).unwrap();
        symlink(&root, root.join("sub/loop")).unwrap();
        // The root may itself be reached through a link.
        let root_link = dir.path().join("ws_link");
        symlink(&root, &root_link).unwrap();

        let roots = [root.clone()];
        assert!(is_inside(&root.join("sub/a.go"), &roots));
        assert!(!is_inside(&root.join("sub/new.go"), &roots), "no such file");
        assert!(!is_inside(&root.join("file_link.go"), &roots));
        assert!(!is_inside(&root.join("dir_link/secret.go"), &roots));
        assert!(!is_inside(&root.join("sub/loop/sub/a.go"), &roots));
        assert!(!is_inside(&root.join("sub/../../x.go"), &roots));
        assert!(!is_inside(&outside.path().join("secret.go"), &roots));
        assert!(is_inside(
            &root_link.join("sub/a.go"),
            std::slice::from_ref(&root_link)
        ));

        let found = go_files(&[root_link]).unwrap();
        assert_eq!(found.files.len(), 1, "{:?}", found.files);
        assert!(found.files[0].ends_with("sub/a.go"));
    }
}
