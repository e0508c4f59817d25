//! How the command line names files in SARIF logs and diffs: relative to the current directory
//! when the file is under it, with forward slashes.

use std::path::{Component, Path};

/// `path` relative to the current directory with `/` between parts, or `None` when it is not
/// under the current directory (or cannot be resolved).
pub fn relative_to_cwd(path: &Path) -> Option<String> {
    if path.is_relative() {
        let mut parts = Vec::new();
        let mut plain = true;
        for component in path.components() {
            match component {
                Component::CurDir => {}
                Component::Normal(part) => parts.push(part.to_string_lossy()),
                _ => plain = false,
            }
        }
        if plain {
            return Some(parts.join("/"));
        }
    }
    let cwd = std::env::current_dir().ok()?.canonicalize().ok()?;
    let full = path.canonicalize().ok()?;
    let rest = full.strip_prefix(&cwd).ok()?;
    Some(slashed(rest))
}

/// The path with forward slashes, resolved to an absolute path when possible.
pub fn absolute(path: &Path) -> String {
    let full = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    slashed(&full)
}

fn slashed(path: &Path) -> String {
    let s = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// A URI reference for a file: relative for a file under the current directory, a `file:` URI
/// otherwise; both percent-encoded.
pub fn uri(path: &Path) -> String {
    match relative_to_cwd(path) {
        Some(rel) => percent_encode(&rel),
        None => {
            let abs = absolute(path);
            let abs = if abs.starts_with('/') {
                abs
            } else {
                format!("/{abs}")
            };
            format!("file://{}", percent_encode(&abs))
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_kept_and_encoded() {
        assert_eq!(
            relative_to_cwd(Path::new("./a/b c.go")).as_deref(),
            Some("a/b c.go")
        );
        assert_eq!(uri(Path::new("a/b c.go")), "a/b%20c.go");
        assert_eq!(uri(Path::new("é.go")), "%C3%A9.go");
    }

    #[test]
    fn paths_outside_the_current_directory_are_file_uris() {
        let u = uri(Path::new("/nonexistent-leakls-dir/x.go"));
        assert_eq!(u, "file:///nonexistent-leakls-dir/x.go");
    }
}

/// `path` for a message: as it is when it is UTF-8, with each byte that is not shown as `\xNN`
/// (instead of a replacement character that hides which file it was).
pub fn shown(path: &Path) -> String {
    if let Some(s) = path.to_str() {
        return s.to_string();
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(all(test, unix))]
mod shown_tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn bytes_that_are_not_utf8_are_escaped() {
        let p = Path::new(std::ffi::OsStr::from_bytes(b"dir/caf\xe9.go"));
        assert_eq!(shown(p), "dir/caf\\xe9.go");
        assert_eq!(shown(Path::new("dir/café.go")), "dir/café.go");
    }
}
