//! From a profile's file names to the workspace's files. A profile holds the paths the binary
//! was built from (`/home/ci/src/app/hub.go`), or module paths with `-trimpath`
//! (`example.com/app/hub.go`): a workspace file matches when it ends with the same last folders
//! and name, at least one folder besides the name, and no other file matches as well.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The workspace file for each profile file name that has one.
pub fn map_files<'p>(
    profile_files: impl IntoIterator<Item = &'p str>,
    workspace: &[PathBuf],
) -> HashMap<String, PathBuf> {
    // Compared by their absolute paths (a relative `./hub.go` still has its folders), and
    // given back as they were found.
    let absolute: Vec<PathBuf> = workspace
        .iter()
        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let mut by_name: HashMap<&str, Vec<Candidate>> = HashMap::new();
    for (file, abs) in workspace.iter().zip(&absolute) {
        let parts = components(abs);
        if let Some(name) = parts.last() {
            by_name
                .entry(name)
                .or_default()
                .push((file, parts.clone(), abs));
        }
    }
    let mut out = HashMap::new();
    for profile_file in profile_files {
        if out.contains_key(profile_file) {
            continue;
        }
        let wanted: Vec<&str> = profile_file.split('/').filter(|c| !c.is_empty()).collect();
        let Some(name) = wanted.last() else {
            continue;
        };
        let Some(candidates) = by_name.get(name) else {
            continue;
        };
        let mut best: Option<(&PathBuf, usize, &PathBuf)> = None;
        let mut tie = false;
        for (file, parts, abs) in candidates {
            let matched = wanted
                .iter()
                .rev()
                .zip(parts.iter().rev())
                .take_while(|(a, b)| a == b)
                .count();
            match best {
                Some((_, n, _)) if matched < n => {}
                Some((_, n, _)) if matched == n => tie = true,
                _ => {
                    best = Some((file, matched, abs));
                    tie = false;
                }
            }
        }
        if let Some((file, matched, abs)) = best {
            let exact = Path::new(profile_file) == abs.as_path();
            if exact || (matched >= 2 && !tie) {
                out.insert(profile_file.to_string(), file.to_path_buf());
            }
        }
    }
    out
}

/// A workspace file as found, its absolute path's components, and that path.
type Candidate<'a> = (&'a PathBuf, Vec<&'a str>, &'a PathBuf);

fn components(path: &Path) -> Vec<&str> {
    path.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_build_paths_and_module_paths_by_their_last_folders() {
        let ws = vec![
            PathBuf::from("/w/app/hub.go"),
            PathBuf::from("/w/app/internal/store/hub.go"),
            PathBuf::from("/w/app/main.go"),
        ];
        let map = map_files(
            [
                "/ci/build/app/hub.go",
                "example.com/app/internal/store/hub.go",
                "/w/app/main.go",
                "runtime/malloc.go",
                "other/pkg/main.go",
            ],
            &ws,
        );
        assert_eq!(map["/ci/build/app/hub.go"], PathBuf::from("/w/app/hub.go"));
        assert_eq!(
            map["example.com/app/internal/store/hub.go"],
            PathBuf::from("/w/app/internal/store/hub.go")
        );
        assert_eq!(map["/w/app/main.go"], PathBuf::from("/w/app/main.go"));
        assert!(!map.contains_key("runtime/malloc.go"));
        // Only the name in common: not enough.
        assert!(!map.contains_key("other/pkg/main.go"));
    }
}
