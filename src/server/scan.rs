//! Filling the workspace index: the first scan of the workspace folders (in the background, with
//! `$/progress`), and files that other tools change on disk (`didChangeWatchedFiles`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{self, summary::FileSummary};
use crate::workspace::{batch, discover, index::Index};

/// Reads, parses and summarises one file into the index. Returns false when it cannot be read.
pub fn index_file(index: &Index, path: &Path, parser: &mut tree_sitter::Parser) -> bool {
    let Ok(source) = batch::read_go_file(path) else {
        return false;
    };
    let Some(tree) = parser.parse(&source, None) else {
        return false;
    };
    index.update_read(
        path,
        Arc::new(FileSummary::new(&source, &tree)),
        batch::text_hash(&source),
    );
    true
}

/// Indexes `files` on every core, skipping those `skip` says are open in the editor (their
/// buffers win over the disk). Calls `progress` with the number done after each chunk.
pub fn index_files(
    index: &Index,
    files: &[PathBuf],
    skip: &(dyn Fn(&Path) -> bool + Sync),
    progress: &(dyn Fn(usize) + Sync),
) {
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
                        index_file(index, path, &mut parser);
                    }
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n % 256 == 0 {
                        progress(n);
                    }
                }
            });
        }
    });
}

/// The Go files under the workspace folders.
pub fn discover(folders: &[PathBuf]) -> Vec<PathBuf> {
    let existing: Vec<PathBuf> = folders.iter().filter(|f| f.is_dir()).cloned().collect();
    discover::go_files(&existing)
        .map(|d| d.files)
        .unwrap_or_default()
}

/// True for a path whose change can alter module resolution or Go semantics.
pub fn is_module_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("go.mod" | "go.work")
    )
}
