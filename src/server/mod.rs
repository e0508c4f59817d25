//! The LSP shell: thin handlers over the analysis core and the workspace index.
//!
//! Notifications that change a document apply the change, reparse and analyse before their first
//! `.await`. tower-lsp starts handlers in the order messages arrive, so doing the state change in
//! that first synchronous step keeps edits in order even though handlers run concurrently.
//! Nothing reads the document map while holding one of its entries: what is published is
//! snapshotted first (a rope clone is O(1)), then converted.

pub mod code_action;
pub mod convert;
pub mod document;
pub mod guard;
pub mod hover;
pub mod lifeline;
pub mod memory;
pub mod publish;
pub mod scan;
pub mod stdio;

use std::collections::HashSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use dashmap::DashMap;
use ropey::Rope;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService};

use crate::analysis::summary::FileSummary;
use crate::analysis::{self, checks, FileContext, Finding};
use crate::config::{self, ConfigError};
use crate::log::{self as logging, Level};
use crate::workspace::batch;
use crate::workspace::index::Index;
use convert::Encoding;
use document::Document;

/// Serves LSP on stdin/stdout until `exit`, or until stdin closes. Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the specification asks).
pub async fn run_stdio() -> i32 {
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    stdio::serve(service, socket).await;
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

struct OpenDocument {
    doc: Document,
    ctx: FileContext,
    /// Matched by an `exclude` glob of the configuration: indexed, never checked.
    excluded: bool,
    /// `None` for a buffer that is not a file (it is analysed alone).
    path: Option<PathBuf>,
    summary: Arc<FileSummary>,
    /// From the file's own tree: they change only when the file does.
    local: Vec<Finding>,
    /// From the index: they change when other files of the module do.
    module: Vec<Finding>,
    findings: Vec<Finding>,
    /// Which analysis the findings come from; only the latest one may be published.
    analysis_id: u64,
    /// What the checks could not judge in the last analysis (a check panicked, code too deep).
    skipped: Vec<checks::Skipped>,
    /// What has been logged of that already, so that each keystroke does not log it again.
    reported: HashSet<String>,
}

/// The server's state, shared with background tasks.
struct State {
    docs: DashMap<Uri, OpenDocument>,
    index: Index,
    encoding: RwLock<Encoding>,
    document_changes: AtomicBool,
    work_done_progress: AtomicBool,
    watch_files: AtomicBool,
    folders: RwLock<Vec<PathBuf>>,
    /// The `leakls.toml` files found so far.
    configs: config::Loader,
    /// The editor's settings (`initializationOptions`, `workspace/configuration`).
    editor_settings: RwLock<Option<config::Layer>>,
    /// The client answers `workspace/configuration`.
    pull_configuration: AtomicBool,
    /// Configuration errors already shown to the user (each once until the configuration
    /// changes), and those waiting to be shown.
    config_errors: Mutex<(Vec<String>, Vec<String>)>,
    /// Held while checking that an analysis is still the latest and sending it.
    publish_lock: tokio::sync::Mutex<()>,
    next_analysis_id: AtomicU64,
    shut_down: Arc<AtomicBool>,
    /// Held while the editor's settings are fetched and applied: one change at a time.
    settings_lock: tokio::sync::Mutex<()>,
    /// Counts `didChangeConfiguration`s; only the latest one's settings are applied.
    settings_generation: AtomicU64,
    /// The latest read from disk started for each file (see [`State::read_from_disk`]).
    disk_reads: DashMap<PathBuf, u64>,
    next_disk_read: AtomicU64,
}

#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<State>,
}

/// How long the server waits for the client to answer one of its requests
/// (`workspace/configuration`, `client/registerCapability`, `window/workDoneProgress/create`).
/// A client that never answers must not hold up anything: the work goes on without the answer.
const CLIENT_ANSWER: Duration = Duration::from_secs(5);

/// The client's answer to a request, or an error once [`CLIENT_ANSWER`] has passed.
async fn answer<T>(
    what: &str,
    request: impl Future<Output = Result<T>>,
) -> std::result::Result<T, String> {
    match tokio::time::timeout(CLIENT_ANSWER, request).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(format!("{what} failed: {e}")),
        Err(_) => Err(format!(
            "{what}: no answer from the editor in {} s",
            CLIENT_ANSWER.as_secs()
        )),
    }
}

/// Findings ready to convert and send; `analysis_id: None` clears a closed or dropped document.
struct Pending {
    uri: Uri,
    version: Option<i32>,
    analysis_id: Option<u64>,
    findings: Vec<Finding>,
    rope: Rope,
    /// Lines to log first: checks that could not judge part of the file.
    notes: Vec<(Level, String)>,
}

impl Pending {
    fn clear(uri: Uri) -> Pending {
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
    fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    fn folders(&self) -> Vec<PathBuf> {
        self.folders
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The context of a file under its configuration, and whether the configuration excludes
    /// it. A configuration error is queued for [`Backend::show_config_errors`].
    fn file_context(&self, path: Option<&Path>) -> (FileContext, bool) {
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

    fn queue_config_error(&self, error: &ConfigError) {
        let message = format!("leakls: {error} (using the defaults instead)");
        let mut errors = self.config_errors.lock().unwrap_or_else(|e| e.into_inner());
        let (shown, queued) = &mut *errors;
        if !shown.contains(&message) && !queued.contains(&message) {
            queued.push(message);
        }
    }

    /// Re-reads the configuration of every open document, re-analyses and publishes them all.
    async fn reconfigure_open_documents(&self, client: &Client) {
        let uris: Vec<Uri> = self.docs.iter().map(|d| d.key().clone()).collect();
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
    fn analyze(&self, uri: &Uri, open: &mut OpenDocument) -> Pending {
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
    fn check(&self, open: &mut OpenDocument) {
        if open.excluded {
            open.local = Vec::new();
            open.module = Vec::new();
            return;
        }
        let (text, tree) = (open.doc.text(), open.doc.tree());
        let file = open.path.as_ref().and_then(|p| self.index.get(p));
        let view = match &file {
            Some(f) => checks::ModuleView {
                package_path: &f.package_path,
                index: &self.index,
                complete: true,
            },
            None => checks::ModuleView::alone(),
        };
        let mut skipped = Vec::new();
        open.local = checks::run_all_reporting(text, tree, &open.ctx, view, &mut skipped).findings;
        open.module = match &file {
            Some(f) => analysis::module_findings_reporting(f, &open.ctx, &self.index, &mut skipped),
            None => Vec::new(),
        };
        open.skipped = skipped;
    }

    /// Re-checks an open document after other files changed; `None` when nothing changed.
    /// Its tree-based findings can change too: element types come from other files.
    fn refresh_module(&self, uri: &Uri, open: &mut OpenDocument) -> Option<Pending> {
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

    fn finish(&self, uri: &Uri, open: &mut OpenDocument) -> Pending {
        let all = open.local.iter().chain(&open.module).cloned().collect();
        open.findings = if open.excluded {
            Vec::new()
        } else {
            analysis::finish_with(open.doc.text(), all, &open.ctx.settings)
        };
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
    fn other_file(&self, path: &Path) -> Option<code_action::OtherFile> {
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

    fn locate(&self, path: &Path, range: std::ops::Range<usize>) -> Option<Location> {
        let other = self.other_file(path)?;
        Some(Location::new(
            other.uri,
            convert::range(&other.rope, range, self.encoding()),
        ))
    }

    fn diagnostics(&self, pending: &Pending) -> Vec<Diagnostic> {
        let enc = self.encoding();
        pending
            .findings
            .iter()
            .map(|f| {
                publish::to_diagnostic(f, &pending.uri, &pending.rope, enc, &|p, r| {
                    self.locate(p, r)
                })
            })
            .collect()
    }

    /// Sends diagnostics unless a newer analysis of the document has been made meanwhile.
    async fn publish(&self, client: &Client, mut pending: Pending) {
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
    async fn refresh_open_documents(&self, client: &Client, skip: Option<&Uri>) {
        let uris: Vec<Uri> = self
            .docs
            .iter()
            .map(|d| d.key().clone())
            .filter(|u| Some(u) != skip)
            .collect();
        for uri in uris {
            let pending = self.contained(client, &uri, |open| self.refresh_module(&uri, open));
            if let Some(p) = pending.await {
                self.publish(client, p).await;
            }
        }
    }

    /// Runs `work` on an open document. If it panics, the document's state is unknown: it is
    /// dropped (as when an edit does not fit) and the panic logged.
    async fn contained<T>(
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
    async fn drop_document(&self, client: &Client, uri: &Uri, level: Level, why: &str) {
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
    fn may_read(&self, path: &Path) -> bool {
        crate::workspace::discover::is_inside(path, &self.folders())
    }

    fn is_open(&self, path: &Path) -> bool {
        Uri::from_file_path(path).is_some_and(|u| self.docs.contains_key(&u))
    }

    /// Takes `paths` out of the index now; a read of one that is still running is not applied.
    fn forget_files(&self, paths: &[PathBuf]) {
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
    async fn read_from_disk(&self, client: &Client, paths: Vec<PathBuf>) {
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
    fn reindex_open_documents(&self) {
        for open in self.docs.iter() {
            if let Some(path) = &open.path {
                self.index.update(path, open.summary.clone());
            }
        }
    }
}

impl Backend {
    fn new(client: Client, shut_down: Arc<AtomicBool>) -> Backend {
        Backend {
            client,
            state: Arc::new(State {
                docs: DashMap::new(),
                index: Index::default(),
                encoding: RwLock::new(Encoding::default()),
                document_changes: AtomicBool::new(false),
                work_done_progress: AtomicBool::new(false),
                watch_files: AtomicBool::new(false),
                folders: RwLock::new(Vec::new()),
                configs: config::Loader::default(),
                editor_settings: RwLock::new(None),
                pull_configuration: AtomicBool::new(false),
                config_errors: Mutex::new((Vec::new(), Vec::new())),
                publish_lock: tokio::sync::Mutex::new(()),
                next_analysis_id: AtomicU64::new(1),
                shut_down,
                settings_lock: tokio::sync::Mutex::new(()),
                settings_generation: AtomicU64::new(0),
                disk_reads: DashMap::new(),
                next_disk_read: AtomicU64::new(1),
            }),
        }
    }

    async fn log(&self, level: Level, message: String) {
        log_to(&self.client, level, message).await;
    }

    /// Shows each queued configuration error once with `window/showMessage` (and logs it).
    async fn show_config_errors(&self) {
        let queued = {
            let mut errors = self
                .state
                .config_errors
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let (shown, queued) = &mut *errors;
            let queued = std::mem::take(queued);
            shown.extend(queued.iter().cloned());
            queued
        };
        for message in queued {
            logging::log(Level::Error, format_args!("{message}"));
            self.client.show_message(MessageType::ERROR, message).await;
        }
    }

    /// Takes the editor's settings from `value` (`null`: none); a bad value is shown and the
    /// settings are then none.
    fn set_editor_settings(&self, value: &serde_json::Value, origin: &str) {
        let layer = match config::parse_editor(value, origin) {
            Ok(layer) => layer,
            Err(e) => {
                self.state.queue_config_error(&e);
                None
            }
        };
        *self
            .state
            .editor_settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = layer;
    }

    /// Asks the client for the `leakls` section of its settings, if it can answer. Returns false
    /// when it cannot (the settings stay as they are).
    async fn pull_editor_settings(&self) -> bool {
        if !self.state.pull_configuration.load(Ordering::Relaxed) {
            return false;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("leakls".to_string()),
        };
        match answer(
            "workspace/configuration",
            self.client.configuration(vec![item]),
        )
        .await
        {
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or_default();
                self.set_editor_settings(&value, "the editor's leakls settings");
                true
            }
            Err(e) => {
                self.log(Level::Warn, format!("{e}; keeping the settings"))
                    .await;
                false
            }
        }
    }

    /// After any change of configuration: forget what was read, re-analyse every open
    /// document and show what is wrong.
    async fn configuration_changed(&self) {
        self.state.configs.clear();
        self.state
            .config_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .0
            .clear();
        self.state.reconfigure_open_documents(&self.client).await;
        self.show_config_errors().await;
    }

    /// The first scan of the workspace folders, in the background, with `$/progress`.
    fn start_initial_scan(&self) {
        let folders = self.state.folders();
        if folders.is_empty() {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let token = NumberOrString::String("leakls/index".to_string());
            let progress = if state.work_done_progress.load(Ordering::Relaxed)
                && answer(
                    "window/workDoneProgress/create",
                    client.send_request::<request::WorkDoneProgressCreate>(
                        WorkDoneProgressCreateParams {
                            token: token.clone(),
                        },
                    ),
                )
                .await
                .is_ok()
            {
                Some(
                    client
                        .progress(token, "leakls: indexing")
                        .with_percentage(0)
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let total = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let job = {
                let (state, done, total) = (state.clone(), done.clone(), total.clone());
                tokio::task::spawn_blocking(move || {
                    let found = scan::discover(&folders);
                    let files = found.files;
                    total.store(files.len(), Ordering::Relaxed);
                    let skip = |p: &Path| state.is_open(p);
                    let report = |n: usize| done.store(n, Ordering::Relaxed);
                    let mut passed_over = found.skipped;
                    passed_over.extend(scan::index_files(&state.index, &files, &skip, &report));
                    (files.len(), passed_over)
                })
            };
            tokio::pin!(job);
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            let (files, passed_over) = loop {
                tokio::select! {
                    result = &mut job => break result.unwrap_or_default(),
                    _ = tick.tick() => {
                        if let Some(p) = &progress {
                            let t = total.load(Ordering::Relaxed).max(1);
                            let n = done.load(Ordering::Relaxed);
                            p.report_with_message(format!("{n}/{t} files"), (n * 100 / t) as u32).await;
                        }
                    }
                }
            };
            state.reindex_open_documents();
            memory::release_freed();
            let message = format!(
                "indexed {files} Go files in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            if let Some(p) = progress {
                p.finish_with_message(message.clone()).await;
            }
            log_to(&client, Level::Info, message).await;
            log_passed_over(&client, &passed_over).await;
            state.refresh_open_documents(&client, None).await;
        });
    }

    /// Asks the client to tell us about Go and module files that change on disk.
    async fn watch_files(&self) {
        if !self.state.watch_files.load(Ordering::Relaxed) {
            return;
        }
        let watchers = [
            "**/*.go",
            "**/go.mod",
            "**/go.work",
            "**/leakls.toml",
            "**/.leakls.toml",
        ]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "leakls-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let request = self.client.register_capability(vec![registration]);
        if let Err(e) = answer("client/registerCapability", request).await {
            self.log(Level::Warn, format!("could not watch files: {e}"))
                .await;
        }
    }
}

/// The handlers' work; the `LanguageServer` methods run it under a panic guard.
impl Backend {
    /// Runs a notification handler. A panic in it is logged; the document it was about, whose
    /// state is then unknown, is dropped until it is opened again.
    async fn guarded(&self, uri: Option<&Uri>, handler: &str, work: impl Future<Output = ()>) {
        let Err(panic) = guard::catch_panic(work).await else {
            return;
        };
        let why = format!("{handler} panicked ({panic})");
        match uri {
            Some(uri) => {
                self.state
                    .drop_document(&self.client, uri, Level::Error, &why)
                    .await
            }
            None => self.log(Level::Error, why).await,
        }
    }

    /// Runs a request handler; a panic in it is logged and answered with an internal error.
    async fn guarded_request<T>(
        &self,
        handler: &str,
        work: impl Future<Output = Option<T>>,
    ) -> Result<Option<T>> {
        let panic = match guard::catch_panic(work).await {
            Ok(answer) => return Ok(answer),
            Err(panic) => panic,
        };
        let message = format!("{handler} panicked ({panic})");
        self.log(Level::Error, message.clone()).await;
        let mut error = tower_lsp_server::jsonrpc::Error::internal_error();
        error.message = message.into();
        Err(error)
    }

    async fn open_document(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        if !is_go(&item) {
            return;
        }
        let path = item.uri.to_file_path().map(|p| p.into_owned());
        let (ctx, excluded) = self.state.file_context(path.as_deref());
        let mut open = OpenDocument {
            doc: Document::new(item.text, item.version),
            ctx,
            excluded,
            path,
            summary: Arc::default(),
            local: Vec::new(),
            module: Vec::new(),
            findings: Vec::new(),
            analysis_id: 0,
            skipped: Vec::new(),
            reported: HashSet::new(),
        };
        let pending = self.state.analyze(&item.uri, &mut open);
        self.state.docs.insert(item.uri.clone(), open);
        self.state.publish(&self.client, pending).await;
        self.show_config_errors().await;
        self.state
            .refresh_open_documents(&self.client, Some(&item.uri))
            .await;
    }

    async fn change_document(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let enc = self.state.encoding();
        let outcome = match self.state.docs.get_mut(&uri) {
            None => {
                let message = format!("didChange for {} which is not open: ignored", uri.as_str());
                return self.log(Level::Warn, message).await;
            }
            // Versions only grow: an older one means the client's history is not ours.
            Some(open) if version <= open.doc.version => Err(format!(
                "didChange for version {version}, not after version {}",
                open.doc.version
            )),
            Some(mut open) => match open.doc.apply_changes(params.content_changes, version, enc) {
                Ok(()) => Ok(self.state.analyze(&uri, &mut open)),
                Err(e) => Err(e.to_string()),
            },
        };
        match outcome {
            Ok(pending) => {
                self.state.publish(&self.client, pending).await;
                self.state
                    .refresh_open_documents(&self.client, Some(&uri))
                    .await;
            }
            // Our copy may no longer match the editor's: never analyse wrong text.
            Err(why) => {
                self.state
                    .drop_document(&self.client, &uri, Level::Warn, &why)
                    .await
            }
        }
    }

    async fn close_document(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some((_, open)) = self.state.docs.remove(&uri) else {
            return;
        };
        // Unsaved changes are gone with the buffer: the disk is the truth again (for a file of
        // the workspace; one from elsewhere leaves the index).
        if let Some(path) = &open.path {
            if self.state.may_read(path) {
                self.state
                    .read_from_disk(&self.client, vec![path.clone()])
                    .await;
            } else {
                self.state.forget_files(std::slice::from_ref(path));
            }
        }
        self.state.publish(&self.client, Pending::clear(uri)).await;
        self.state.refresh_open_documents(&self.client, None).await;
        drop(open);
        memory::release_freed();
    }

    async fn watched_files_changed(&self, params: DidChangeWatchedFilesParams) {
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
    }

    fn hover_at(&self, params: HoverParams) -> Option<Hover> {
        let at = params.text_document_position_params;
        let enc = self.state.encoding();
        let open = self.state.docs.get(&at.text_document.uri)?;
        let rope = open.doc.rope().clone();
        let Ok(offset) = convert::offset(&rope, at.position, enc) else {
            return None;
        };
        let (range, markdown) = hover::explain(&open.findings, offset)?;
        drop(open);
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::range(&rope, range, enc)),
        })
    }

    fn code_actions_at(&self, params: CodeActionParams) -> Option<CodeActionResponse> {
        // `only: ["quickfix"]` or a parent kind (`""`); the match is on whole dotted parts.
        let quickfix_kind = CodeActionKind::QUICKFIX;
        let quickfix = quickfix_kind.as_str();
        let wants_quickfix = params.context.only.as_ref().is_none_or(|kinds| {
            kinds.iter().any(|k| {
                k.as_str().is_empty()
                    || quickfix == k.as_str()
                    || quickfix.starts_with(&format!("{}.", k.as_str()))
            })
        });
        if !wants_quickfix {
            return None;
        }
        let uri = &params.text_document.uri;
        let enc = self.state.encoding();
        // Snapshot what is needed, then let go of the document before touching other files.
        let snapshot = self.state.docs.get(uri).map(|open| {
            let rope = open.doc.rope().clone();
            let start = convert::offset_clamped(&rope, params.range.start, enc);
            let end = convert::offset_clamped(&rope, params.range.end, enc);
            let candidates = code_action::candidates(
                &open.findings,
                open.doc.text(),
                start.min(end)..end.max(start),
                |_| Diagnostic::default(),
            );
            (rope, open.doc.version, candidates)
        });
        let (rope, version, mut candidates) = snapshot?;
        for c in &mut candidates {
            c.diagnostic = publish::to_diagnostic(&c.finding, uri, &rope, enc, &|p, r| {
                self.state.locate(p, r)
            });
        }
        let other_file = |p: &Path| self.state.other_file(p);
        let actions = code_action::quick_fixes(
            &code_action::Request {
                uri,
                rope: &rope,
                version,
                enc,
                document_changes: self.state.document_changes.load(Ordering::Relaxed),
                other_file: &other_file,
            },
            &candidates,
        );
        Some(actions)
    }
}

async fn log_to(client: &Client, level: Level, message: String) {
    logging::log(level, format_args!("{message}"));
    let typ = match level {
        Level::Error => MessageType::ERROR,
        Level::Warn => MessageType::WARNING,
        Level::Info => MessageType::INFO,
        _ => MessageType::LOG,
    };
    client.log_message(typ, message).await;
}

/// Says which files were not read and why: the first few by name, then how many more.
async fn log_passed_over(client: &Client, passed_over: &[(PathBuf, String)]) {
    const NAMED: usize = 20;
    for (path, why) in passed_over.iter().take(NAMED) {
        log_to(client, Level::Warn, format!("{}: {why}", path.display())).await;
    }
    if passed_over.len() > NAMED {
        let more = passed_over.len() - NAMED;
        log_to(
            client,
            Level::Warn,
            format!("and {more} more files not read"),
        )
        .await;
    }
}

fn is_go(doc: &TextDocumentItem) -> bool {
    doc.language_id == "go" || doc.uri.path().as_str().ends_with(".go")
}

/// True when a path lies in a folder the go command (and leakls) skips.
fn in_skipped_folder(path: &Path, folders: &[PathBuf]) -> bool {
    let rel = folders
        .iter()
        .find_map(|f| path.strip_prefix(f).ok())
        .unwrap_or(path);
    rel.parent().is_some_and(|dir| {
        dir.components()
            .any(|c| crate::workspace::discover::is_skipped_dir(&c.as_os_str().to_string_lossy()))
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let enc = Encoding::negotiate(offered);
        *self
            .state
            .encoding
            .write()
            .unwrap_or_else(|e| e.into_inner()) = enc;
        let workspace = caps.workspace.as_ref();
        let document_changes = workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        self.state
            .document_changes
            .store(document_changes, Ordering::Relaxed);
        let watch = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.state.watch_files.store(watch, Ordering::Relaxed);
        let pull = workspace.and_then(|w| w.configuration).unwrap_or(false);
        self.state.pull_configuration.store(pull, Ordering::Relaxed);
        if let Some(options) = &params.initialization_options {
            self.set_editor_settings(options, "initializationOptions");
        }
        let progress = caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.state
            .work_done_progress
            .store(progress, Ordering::Relaxed);
        #[allow(deprecated)] // rootUri: older clients send only that
        let folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) => folders
                .iter()
                .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
                .collect(),
            None => params
                .root_uri
                .iter()
                .filter_map(|u| u.to_file_path().map(|p| p.into_owned()))
                .collect(),
        };
        *self
            .state
            .folders
            .write()
            .unwrap_or_else(|e| e.into_inner()) = folders;
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "leakls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(enc.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let message = format!(
            "leakls {} ready ({:?} positions)",
            env!("CARGO_PKG_VERSION"),
            self.state.encoding()
        );
        self.log(Level::Info, message).await;
        self.show_config_errors().await;
        self.start_initial_scan();
        // Requests to the client, off the handler: the next messages need not wait for answers.
        let me = self.clone();
        tokio::spawn(async move {
            me.watch_files().await;
            let generation = me.state.settings_generation.load(Ordering::SeqCst);
            let _one_at_a_time = me.state.settings_lock.lock().await;
            if me.state.settings_generation.load(Ordering::SeqCst) != generation {
                return; // a didChangeConfiguration came meanwhile, and fetches them itself
            }
            if me.pull_editor_settings().await {
                // Documents opened meanwhile were analysed under the settings known then.
                me.state.reconfigure_open_documents(&me.client).await;
                me.show_config_errors().await;
                me.log(Level::Info, "applied the editor's settings".to_string())
                    .await;
            }
        });
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let generation = self
            .state
            .settings_generation
            .fetch_add(1, Ordering::SeqCst)
            + 1;
        let me = self.clone();
        tokio::spawn(async move {
            let _one_at_a_time = me.state.settings_lock.lock().await;
            if me.state.settings_generation.load(Ordering::SeqCst) != generation {
                return; // a later change will fetch the settings as they are then
            }
            // Pull clients send the settings on request; others push them here.
            if !me.pull_editor_settings().await {
                me.set_editor_settings(&params.settings, "the editor's leakls settings");
            }
            me.configuration_changed().await;
            me.log(Level::Info, "applied the editor's settings".to_string())
                .await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        self.guarded(Some(&uri), "didOpen", self.open_document(params))
            .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri.clone();
        self.guarded(Some(&uri), "didChange", self.change_document(params))
            .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.guarded(None, "didClose", self.close_document(params))
            .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let work = self.watched_files_changed(params);
        self.guarded(None, "didChangeWatchedFiles", work).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.guarded_request("hover", async { self.hover_at(params) })
            .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.guarded_request("codeAction", async { self.code_actions_at(params) })
            .await
    }
}
