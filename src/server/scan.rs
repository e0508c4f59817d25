//! Filling the workspace index: the first scan of the workspace folders (in the background, with
//! `$/progress`), and files that other tools change on disk (`didChangeWatchedFiles`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{self, summary::FileSummary};
use crate::workspace::read::read_text;
use crate::workspace::{batch, discover, index::Index};

/// Reads, parses and summarises one file into the index. Returns why not when it cannot
/// (empty for a file that is gone).
pub fn index_file(
    index: &Index,
    path: &Path,
    parser: &mut tree_sitter::Parser,
) -> Result<(), String> {
    let (summary, hash) = summarise(path, parser)?;
    index.update_read(path, summary, hash);
    Ok(())
}

/// What the index keeps of a file on disk: its summary, and the hash of the text it was made
/// from. The read is [`read_text`]'s: regular files within the size limit, text only.
pub fn summarise(
    path: &Path,
    parser: &mut tree_sitter::Parser,
) -> Result<(Arc<FileSummary>, u64), String> {
    let source = read_text(path).map_err(|e| {
        if e.is_not_found() {
            String::new()
        } else {
            e.to_string()
        }
    })?;
    let tree = parser
        .parse(&source, None)
        .ok_or_else(|| "the parser gave up".to_string())?;
    Ok((
        Arc::new(FileSummary::new(&source, &tree)),
        batch::text_hash(&source),
    ))
}

/// Indexes `files` on every core, skipping those `skip` says are open in the editor (their
/// buffers win over the disk). Calls `progress` with the number done after each chunk.
/// Returns the files that could not be read, with why.
pub fn index_files(
    index: &Index,
    files: &[PathBuf],
    skip: &(dyn Fn(&Path) -> bool + Sync),
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<(PathBuf, String)> {
    let unreadable = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut parser = analysis::new_parser();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    if !skip(path) {
                        if let Err(why) = index_file(index, path, &mut parser) {
                            if !why.is_empty() {
                                let mut list = unreadable.lock().unwrap_or_else(|e| e.into_inner());
                                list.push((path.clone(), why));
                            }
                        }
                    }
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n % 256 == 0 {
                        progress(n);
                    }
                }
            });
        }
    });
    unreadable.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The Go files under the workspace folders, and those passed over (with why).
pub fn discover(folders: &[PathBuf]) -> discover::Discovered {
    let existing: Vec<PathBuf> = folders.iter().filter(|f| f.is_dir()).cloned().collect();
    discover::go_files(&existing).unwrap_or_default()
}

/// True for a path whose change can alter module resolution or Go semantics.
pub fn is_module_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("go.mod" | "go.work")
    )
}
