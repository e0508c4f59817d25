//! The LSP shell: thin handlers over the analysis core and the workspace index.
//!
//! Notifications that change a document apply the change, reparse and analyse before their first
//! `.await`. tower-lsp starts handlers in the order messages arrive, so doing the state change in
//! that first synchronous step keeps edits in order even though handlers run concurrently.
//! Nothing reads the document map while holding one of its entries: what is published is
//! snapshotted first (a rope clone is O(1)), then converted. Reads from disk (a closed document,
//! a watched file) are the exception: they run off the message loop, and what they read is
//! applied only if nothing newer came meanwhile.
//!
//! This file is the wiring. Each notification has a file in `notifications/`, each request one
//! in `requests/`; the state and what is done with it (analysing, publishing, reading from disk)
//! is in `state.rs`, the editor's settings in `settings.rs`, and talking to the client in
//! `client.rs`. `stdio.rs` frames messages and `lifeline.rs` ends the process with its editor.

pub mod client;
pub mod code_action;
pub mod convert;
pub mod document;
pub mod guard;
pub mod heap_hints;
pub mod hover;
pub mod lifeline;
pub mod memory;
pub mod notifications;
pub mod publish;
pub mod requests;
pub mod scan;
pub mod settings;
pub mod state;
pub mod stdio;
pub mod workspace_findings;

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
use client::{answer, log_passed_over, log_to};
use convert::Encoding;
use document::Document;
use state::Pending;

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
    /// Publish the findings of files that are not open (the `workspace_diagnostics` setting).
    workspace_diagnostics: AtomicBool,
    /// Closed files whose findings are on show, to clear when they go.
    closed_published: dashmap::DashSet<Uri>,
    /// Counts edits to open documents; a refresh of their packages' closed files runs once
    /// they pause.
    peer_refresh: AtomicU64,
    /// The first scan is done: the index knows the workspace.
    scan_done: AtomicBool,
    /// Counts passes over the open documents (see [`State::open_documents_for_a_pass`]).
    docs_epoch: AtomicU64,
    /// The latest read from disk started for each file (see [`State::read_from_disk`]).
    disk_reads: DashMap<PathBuf, u64>,
    next_disk_read: AtomicU64,
    /// The heap profile the editor's settings name, and what it holds per open document's line
    /// (moved with edits).
    heap_settings: RwLock<heap_hints::HeapSettings>,
    heap: RwLock<Option<Arc<heap_hints::Overlay>>>,
    heap_docs: DashMap<Uri, Vec<heap_hints::LineFigure>>,
    /// Counts profile loads; only the latest one's result is kept.
    heap_generation: AtomicU64,
    /// The client takes `workspace/inlayHint/refresh`.
    inlay_hint_refresh: AtomicBool,
    /// A profile is being read: a stale one is not asked for again meanwhile.
    heap_reloading: AtomicBool,
}

/// How long edits must pause before the closed files of their package are checked again.
const PEER_REFRESH_PAUSE: Duration = Duration::from_millis(800);

#[derive(Clone)]
pub struct Backend {
    client: Client,
    state: Arc<State>,
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
                workspace_diagnostics: AtomicBool::new(true),
                closed_published: dashmap::DashSet::new(),
                peer_refresh: AtomicU64::new(0),
                scan_done: AtomicBool::new(false),
                docs_epoch: AtomicU64::new(0),
                next_disk_read: AtomicU64::new(1),
                heap_settings: RwLock::new(heap_hints::HeapSettings::default()),
                heap: RwLock::new(None),
                heap_docs: DashMap::new(),
                heap_generation: AtomicU64::new(0),
                inlay_hint_refresh: AtomicBool::new(false),
                heap_reloading: AtomicBool::new(false),
            }),
        }
    }

    /// After an edit of `path` in the editor: once edits pause, checks the closed files of its
    /// package again (their findings may depend on what the buffer does).
    pub(crate) fn refresh_peers_later(&self, path: Option<PathBuf>) {
        let Some(path) = path else { return };
        if !self.state.workspace_diagnostics.load(Ordering::Relaxed)
            || !self.state.scan_done.load(Ordering::SeqCst)
        {
            return;
        }
        let ticket = self.state.peer_refresh.fetch_add(1, Ordering::SeqCst) + 1;
        let me = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(PEER_REFRESH_PAUSE).await;
            if me.state.peer_refresh.load(Ordering::SeqCst) != ticket {
                return; // another edit came: its own refresh will run
            }
            let peers = me.state.with_package_peers(&[path]);
            me.state.publish_closed(&me.client, peers).await;
        });
    }

    pub(crate) async fn log(&self, level: Level, message: String) {
        log_to(&self.client, level, message).await;
    }

    /// Runs a notification handler. A panic in it is logged; the document it was about, whose
    /// state is then unknown, is dropped until it is opened again.
    pub(crate) async fn guarded(
        &self,
        uri: Option<&Uri>,
        handler: &str,
        work: impl Future<Output = ()>,
    ) {
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
    pub(crate) async fn guarded_request<T>(
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
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.on_initialize(params).await
    }

    async fn initialized(&self, params: InitializedParams) {
        self.on_initialized(params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.on_did_change_configuration(params).await;
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

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.guarded_request("inlayHint", async { self.inlay_hints(params) })
            .await
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
