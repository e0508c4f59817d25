//! `workspace/didChangeWatchedFiles`: files other tools changed on disk are read again.

use crate::server::*;

impl Backend {
    pub(crate) async fn watched_files_changed(&self, params: DidChangeWatchedFilesParams) {
        let folders = self.state.folders();
        let mut modules_changed = false;
        let mut configs_changed = false;
        let (mut read, mut gone) = (Vec::new(), Vec::new());
        for event in params.changes {
            let Some(path) = event.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            if scan::is_module_file(&path) {
                modules_changed = true;
                continue;
            }
            if path
                .file_name()
                .is_some_and(|n| config::FILE_NAMES.iter().any(|c| n == *c))
            {
                configs_changed = true;
                continue;
            }
            let is_go_file = path.extension().is_some_and(|x| x == "go");
            if !is_go_file || self.state.is_open(&path) || in_skipped_folder(&path, &folders) {
                continue; // an open buffer wins over the disk
            }
            // Only files of the workspace are read, never through a link (see `may_read`).
            if event.typ == FileChangeType::DELETED || !self.state.may_read(&path) {
                gone.push(path);
            } else {
                read.push(path);
            }
        }
        self.state.forget_files(&gone);
        let mut touched = gone.clone();
        touched.extend(read.iter().cloned());
        self.state.read_from_disk(&self.client, read).await;
        if modules_changed {
            self.state.index.reresolve();
            self.state.reindex_open_documents();
        }
        if configs_changed {
            self.configuration_changed().await;
        } else if modules_changed {
            // The Go version may have changed too: analyse every open document again.
            self.state.reconfigure_open_documents(&self.client).await;
        }
        self.state.refresh_open_documents(&self.client, None).await;
        // (A configuration change has checked every closed file already.)
        if self.state.scan_done.load(Ordering::SeqCst) && !configs_changed {
            let closed = if modules_changed {
                self.state.index.paths() // Go versions may have changed anywhere
            } else {
                self.state.with_package_peers(&touched)
            };
            let mut closed = closed;
            closed.extend(gone);
            self.state.publish_closed(&self.client, closed).await;
        }
    }
}

/// True when a path lies in a folder the go command (and leakls) skips.
pub(crate) fn in_skipped_folder(path: &Path, folders: &[PathBuf]) -> bool {
    let rel = folders
        .iter()
        .find_map(|f| path.strip_prefix(f).ok())
        .unwrap_or(path);
    rel.parent().is_some_and(|dir| {
        dir.components()
            .any(|c| crate::workspace::discover::is_skipped_dir(&c.as_os_str().to_string_lossy()))
    })
}
