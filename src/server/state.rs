//! The server's state and what it does with it: analysing open documents, publishing their
//! findings, and reading files from disk into the index.

use super::*;

/// Findings ready to convert and send; `analysis_id: None` clears a closed or dropped document.
pub(crate) struct Pending {
    uri: Uri,
    version: Option<i32>,
    analysis_id: Option<u64>,
    findings: Vec<Finding>,
    rope: Rope,
    /// Lines to log first: checks that could not judge part of the file.
    notes: Vec<(Level, String)>,
}

impl Pending {
    pub(crate) fn clear(uri: Uri) -> Pending {
        Pending {
            uri,
            version: None,
            analysis_id: None,
            findings: Vec::new(),
            rope: Rope::new(),
            notes: Vec::new(),
        }
    }
}

impl State {
    pub(crate) fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn folders(&self) -> Vec<PathBuf> {
        self.folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The context of a file under its configuration, and whether the configuration excludes
    /// it. A configuration error is queued for [`Backend::show_config_errors`].
    pub(crate) fn file_context(&self, path: Option<&Path>) -> (FileContext, bool) {
        let Some(path) = path else {
            return (FileContext::default(), false);
        };
        let folders = self
            .folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let editor = self
            .editor_settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (resolved, error) = self.configs.resolve(path, editor.as_ref(), &folders);
        if let Some(e) = error {
            self.queue_config_error(&e);
        }
        let mut ctx = FileContext::for_path(path, self.index.modules.semantics_for(path))
            .with_settings(resolved.settings);
        ctx.is_test_file = self.index.is_test_file(path);
        // A test file the settings leave unchecked is treated as excluded: indexed only.
        let excluded = resolved.excluded || !ctx.is_checked();
        (ctx, excluded)
    }

    pub(crate) fn queue_config_error(&self, error: &ConfigError) {
        let message = format!("leakls: {error} (using the defaults instead)");
        let mut errors = self.config_errors.lock().unwrap_or_else(|e| e.into_inner());
        let (shown, queued) = &mut *errors;
        if !shown.contains(&message) && !queued.contains(&message) {
            queued.push(message);
        }
    }

    /// Re-reads the configuration of every open document, re-analyses and publishes them all.
    pub(crate) async fn reconfigure_open_documents(&self, client: &Client) {
        let uris = self.open_documents_for_a_pass();
        for uri in uris {
            let pending = self.contained(client, &uri, |open| {
                (open.ctx, open.excluded) = self.file_context(open.path.as_deref());
                Some(self.analyze(&uri, open))
            });
            if let Some(p) = pending.await {
                self.publish(client, p).await;
            }
        }
    }

    /// Re-summarises and re-analyses an open document (after an edit or open).
    pub(crate) fn analyze(&self, uri: &Uri, open: &mut OpenDocument) -> Pending {
        checks::test_panic("summary");
        if let Some(path) = &open.path {
            let (text, tree) = (open.doc.text(), open.doc.tree());
            // Only the declarations the edits touched are walked again.
            open.summary = Arc::new(match open.doc.last_edits() {
                Some(edits) => FileSummary::update(Some(&open.summary), text, tree, edits),
                None => FileSummary::new(text, tree),
            });
            self.index.update(path, open.summary.clone());
        }
        self.check(open);
        self.finish(uri, open)
    }

    /// Runs the checks on an open document against the index as it is now.
    pub(crate) fn check(&self, open: &mut OpenDocument) {
        if open.excluded {
            open.local = Vec::new();
            open.module = Vec::new();
            return;
        }
        let (text, tree) = (open.doc.text(), open.doc.tree());
        let mut skipped = Vec::new();
        (open.local, open.module) =
            self.findings_of(text, tree, open.path.as_deref(), &open.ctx, &mut skipped);
        open.skipped = skipped;
    }

    /// The findings of a file's text against the index as it is now: those from its own tree,
    /// and those from the module (what other files do to it).
    pub(crate) fn findings_of(
        &self,
        text: &str,
        tree: &tree_sitter::Tree,
        path: Option<&Path>,
        ctx: &FileContext,
        skipped: &mut Vec<checks::Skipped>,
    ) -> (Vec<Finding>, Vec<Finding>) {
        let file = path.and_then(|p| self.index.get(p));
        let view = match &file {
            Some(f) => checks::ModuleView {
                package_path: &f.package_path,
                index: &self.index,
                complete: true,
            },
            None => checks::ModuleView::alone(),
        };
        let local = checks::run_all_reporting(text, tree, ctx, view, skipped).findings;
        let module = match &file {
            Some(f) => analysis::module_findings_reporting(f, ctx, &self.index, skipped),
            None => Vec::new(),
        };
        (local, module)
    }

    /// Re-checks an open document after other files changed; `None` when nothing changed.
    /// Its tree-based findings can change too: element types come from other files.
    pub(crate) fn refresh_module(&self, uri: &Uri, open: &mut OpenDocument) -> Option<Pending> {
        open.path.as_ref()?;
        let before = (
            std::mem::take(&mut open.local),
            std::mem::take(&mut open.module),
        );
        self.check(open);
        if (&open.local, &open.module) == (&before.0, &before.1) {
            return None;
        }
        Some(self.finish(uri, open))
    }

    /// Brings a document just opened up to date with a pass over the open documents that did
    /// not find it: the heap profile's figures taken, its settings read again, its buffer back
    /// in the index (the first scan may have put the file's disk version there), its findings
    /// made again. Publishes again only if they, or the figures, changed.
    pub(crate) async fn catch_up(&self, client: &Client, uri: &Uri) {
        let figures_changed = self.start_heap_figures_of_open(uri);
        let pending = self.contained(client, uri, |open| {
            (open.ctx, open.excluded) = self.file_context(open.path.as_deref());
            if let Some(path) = &open.path {
                self.index.update(path, open.summary.clone());
            }
            self.check(open);
            let findings = Self::shown_findings(open);
            if findings == open.findings && !figures_changed {
                return None;
            }
            Some(self.finish_with(uri, open, findings))
        });
        if let Some(p) = pending.await {
            self.publish(client, p).await;
        }
    }

    /// What a document's checks found, as shown: settings and suppressions applied.
    fn shown_findings(open: &OpenDocument) -> Vec<Finding> {
        if open.excluded {
            return Vec::new();
        }
        let all = open.local.iter().chain(&open.module).cloned().collect();
        analysis::finish_with(open.doc.text(), all, &open.ctx.settings)
    }

    pub(crate) fn finish(&self, uri: &Uri, open: &mut OpenDocument) -> Pending {
        let findings = Self::shown_findings(open);
        self.finish_with(uri, open, findings)
    }

    fn finish_with(&self, uri: &Uri, open: &mut OpenDocument, findings: Vec<Finding>) -> Pending {
        open.findings = findings;
        open.analysis_id = self.next_analysis_id.fetch_add(1, Ordering::Relaxed);
        let mut notes = Vec::new();
        for skipped in &open.skipped {
            let line = skipped.describe(open.path.as_deref());
            if open.reported.insert(line.clone()) {
                notes.push((skipped.level(), line));
            }
        }
        Pending {
            uri: uri.clone(),
            version: Some(open.doc.version),
            analysis_id: Some(open.analysis_id),
            findings: open.findings.clone(),
            rope: open.doc.rope().clone(),
            notes,
        }
    }

    /// The text of a file as the editor has it, else as it is on disk.
    pub(crate) fn other_file(&self, path: &Path) -> Option<code_action::OtherFile> {
        let uri = Uri::from_file_path(path)?;
        if let Some(open) = self.docs.get(&uri) {
            let (rope, version) = (open.doc.rope().clone(), open.doc.version);
            return Some(code_action::OtherFile {
                uri,
                rope,
                version: Some(version),
                disk_hash: None,
            });
        }
        if !self.may_read(path) {
            return None;
        }
        let text = crate::workspace::read::read_text(path).ok()?;
        // Positions in it come from its summary: they fit only the text it was made from. A
        // file changed on disk with no word from the editor is read into the index again, and
        // what would have pointed into it (a fix's edit, a related location) is left out.
        let hash = batch::text_hash(&text);
        let indexed = self.index.get(path).and_then(|f| f.disk_hash);
        if indexed.is_some_and(|indexed| indexed != hash) {
            logging::log(
                Level::Info,
                format_args!(
                    "{}: changed on disk since it was read; read again, its fixes and locations are left out until the next analysis",
                    path.display()
                ),
            );
            let _ = scan::index_file(&self.index, path, &mut analysis::new_parser());
            return None;
        }
        Some(code_action::OtherFile {
            uri,
            rope: Rope::from_str(&text),
            version: None,
            disk_hash: Some(hash),
        })
    }

    pub(crate) fn locate(&self, path: &Path, range: std::ops::Range<usize>) -> Option<Location> {
        let other = self.other_file(path)?;
        Some(Location::new(
            other.uri,
            convert::range(&other.rope, range, self.encoding()),
        ))
    }

    pub(crate) fn diagnostics(&self, pending: &Pending) -> Vec<Diagnostic> {
        let enc = self.encoding();
        pending
            .findings
            .iter()
            .map(|f| {
                let mut d = publish::to_diagnostic(f, &pending.uri, &pending.rope, enc, &|p, r| {
                    self.locate(p, r)
                });
                if let Some(note) = self.heap_note(&pending.uri, d.range.start.line) {
                    d.message.push_str(&note);
                }
                d
            })
            .collect()
    }

    /// Sends diagnostics unless a newer analysis of the document has been made meanwhile.
    pub(crate) async fn publish(&self, client: &Client, mut pending: Pending) {
        for (level, note) in std::mem::take(&mut pending.notes) {
            log_to(client, level, note).await;
        }
        let diagnostics = self.diagnostics(&pending);
        let _guard = self.publish_lock.lock().await;
        let current = self.docs.get(&pending.uri).map(|d| d.analysis_id);
        if current != pending.analysis_id {
            return;
        }
        client
            .publish_diagnostics(pending.uri, diagnostics, pending.version)
            .await;
    }

    /// Re-checks what the index says about every open document except `skip`, and publishes
    /// those whose findings changed (an edit in b.go can clear a warning shown in a.go).
    pub(crate) async fn refresh_open_documents(&self, client: &Client, skip: Option<&Uri>) {
        let mut uris = self.open_documents_for_a_pass();
        uris.retain(|u| Some(u) != skip);
        for uri in uris {
            let pending = self.contained(client, &uri, |open| self.refresh_module(&uri, open));
            if let Some(p) = pending.await {
                self.publish(client, p).await;
            }
        }
    }

    /// Runs `work` on an open document. If it panics, the document's state is unknown: it is
    /// dropped (as when an edit does not fit) and the panic logged.
    pub(crate) async fn contained<T>(
        &self,
        client: &Client,
        uri: &Uri,
        work: impl FnOnce(&mut OpenDocument) -> Option<T>,
    ) -> Option<T> {
        let result =
            guard::catch_panic_now(|| self.docs.get_mut(uri).and_then(|mut open| work(&mut open)));
        match result {
            Ok(value) => value,
            Err(panic) => {
                let why = format!("the analysis panicked ({panic})");
                self.drop_document(client, uri, Level::Error, &why).await;
                None
            }
        }
    }

    /// Forgets an open document and clears its diagnostics until it is opened again.
    pub(crate) async fn drop_document(&self, client: &Client, uri: &Uri, level: Level, why: &str) {
        if self.docs.remove(uri).is_some() {
            self.publish(client, Pending::clear(uri.clone())).await;
        }
        let message = format!(
            "{}: {why}; the document is dropped until it is opened again",
            uri.as_str()
        );
        log_to(client, level, message).await;
    }

    /// Whether the server may read `path` from disk: a file under a workspace folder, reached
    /// without a symbolic link (as the first scan finds files). Paths from the client (a watched
    /// file, a closed document) are checked with this before they are read.
    pub(crate) fn may_read(&self, path: &Path) -> bool {
        crate::workspace::discover::is_inside(path, &self.folders())
    }

    pub(crate) fn is_open(&self, path: &Path) -> bool {
        Uri::from_file_path(path).is_some_and(|u| self.docs.contains_key(&u))
    }

    /// Takes `paths` out of the index now; a read of one that is still running is not applied.
    pub(crate) fn forget_files(&self, paths: &[PathBuf]) {
        for path in paths {
            let ticket = self.next_disk_read.fetch_add(1, Ordering::SeqCst);
            self.disk_reads.insert(path.clone(), ticket);
            self.index.remove(path);
            self.disk_reads.remove_if(path, |_, t| *t == ticket);
        }
    }

    /// Reads, parses and summarises `paths` into the index, off the message loop: a file may
    /// be large, or slow to read. Each result is applied only if it is still current: the file
    /// has not been opened meanwhile (its buffer wins) and no later read or removal of it has
    /// started. A file that cannot be read leaves the index, with a line in the log saying why.
    pub(crate) async fn read_from_disk(&self, client: &Client, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        let tickets: Vec<(PathBuf, u64)> = paths
            .into_iter()
            .map(|path| {
                let ticket = self.next_disk_read.fetch_add(1, Ordering::SeqCst);
                self.disk_reads.insert(path.clone(), ticket);
                (path, ticket)
            })
            .collect();
        let for_reading: Vec<PathBuf> = tickets.iter().map(|(p, _)| p.clone()).collect();
        let results = tokio::task::spawn_blocking(move || {
            let mut parser = analysis::new_parser();
            for_reading
                .iter()
                .map(|path| scan::summarise(path, &mut parser))
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut passed_over = Vec::new();
        for ((path, ticket), result) in tickets.iter().zip(results) {
            let current = self.disk_reads.get(path).is_some_and(|t| *t == *ticket);
            if !current {
                continue;
            }
            if !self.is_open(path) {
                match result {
                    Ok((summary, hash)) => {
                        self.index.update_read(path, summary, hash);
                    }
                    Err(why) => {
                        if !why.is_empty() {
                            passed_over.push((path.clone(), why));
                        }
                        self.index.remove(path);
                    }
                }
            }
            self.disk_reads.remove_if(path, |_, t| *t == *ticket);
        }
        log_passed_over(client, &passed_over).await;
    }

    /// After a scan, open buffers win again over whatever the scan read from disk.
    pub(crate) fn reindex_open_documents(&self) {
        for uri in self.open_documents_for_a_pass() {
            let Some(open) = self.docs.get(&uri) else {
                continue;
            };
            if let Some(path) = &open.path {
                self.index.update(path, open.summary.clone());
            }
        }
    }

    /// The open documents, for a pass that brings each up to date with something that just
    /// changed (the index, the settings, a heap profile). Counted first: a document being
    /// opened meanwhile is not among them, and catches up itself (see `open_document`).
    pub(crate) fn open_documents_for_a_pass(&self) -> Vec<Uri> {
        self.docs_epoch.fetch_add(1, Ordering::SeqCst);
        self.docs.iter().map(|d| d.key().clone()).collect()
    }
}
