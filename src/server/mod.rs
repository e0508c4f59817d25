//! The LSP shell: thin handlers over the analysis core.
//!
//! Notifications that change a document apply the change, reparse and analyse before their first
//! `.await`. tower-lsp starts handlers in the order messages arrive, so doing the state change in
//! that first synchronous step keeps edits in order even though handlers run concurrently.

pub mod code_action;
pub mod convert;
pub mod document;
pub mod publish;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::{self, FileContext, Finding};
use crate::log::{self as logging, Level};
use crate::workspace::modules::ModuleCache;
use convert::Encoding;
use document::Document;

/// Serves LSP on stdin/stdout until `exit`, or until stdin closes. Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise (as the specification asks).
pub async fn run_stdio() -> i32 {
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

struct OpenDocument {
    doc: Document,
    ctx: FileContext,
    findings: Vec<Finding>,
    /// Which analysis the findings come from; only the latest one may be published.
    analysis_id: u64,
}

pub struct Backend {
    client: Client,
    docs: DashMap<Uri, OpenDocument>,
    encoding: RwLock<Encoding>,
    document_changes: AtomicBool,
    modules: ModuleCache,
    /// Held while checking that an analysis is still the latest and sending it.
    publish_lock: tokio::sync::Mutex<()>,
    next_analysis_id: AtomicU64,
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    fn new(client: Client, shut_down: Arc<AtomicBool>) -> Backend {
        Backend {
            client,
            docs: DashMap::new(),
            encoding: RwLock::new(Encoding::default()),
            document_changes: AtomicBool::new(false),
            modules: ModuleCache::default(),
            publish_lock: tokio::sync::Mutex::new(()),
            next_analysis_id: AtomicU64::new(1),
            shut_down,
        }
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap_or_else(|e| e.into_inner())
    }

    fn file_context(&self, uri: &Uri) -> FileContext {
        match uri.to_file_path() {
            Some(path) => FileContext::for_path(&path, self.modules.semantics_for(&path)),
            None => FileContext::default(),
        }
    }

    /// Analyses the document and returns what to publish. Runs synchronously, inside the
    /// handler's first step.
    fn analyze(&self, uri: &Uri, open: &mut OpenDocument) -> Pending {
        open.findings = analysis::analyze(open.doc.text(), open.doc.tree(), &open.ctx);
        open.analysis_id = self.next_analysis_id.fetch_add(1, Ordering::Relaxed);
        let enc = self.encoding();
        let diagnostics = open
            .findings
            .iter()
            .map(|f| publish::to_diagnostic(f, uri, open.doc.rope(), enc))
            .collect();
        Pending {
            uri: uri.clone(),
            version: Some(open.doc.version),
            analysis_id: Some(open.analysis_id),
            diagnostics,
        }
    }

    /// Sends diagnostics unless a newer analysis of the document has been made meanwhile.
    async fn publish(&self, pending: Pending) {
        let _guard = self.publish_lock.lock().await;
        let current = self.docs.get(&pending.uri).map(|d| d.analysis_id);
        if current != pending.analysis_id {
            return;
        }
        self.client
            .publish_diagnostics(pending.uri, pending.diagnostics, pending.version)
            .await;
    }

    async fn log(&self, level: Level, message: String) {
        logging::log(level, format_args!("{message}"));
        let typ = match level {
            Level::Error => MessageType::ERROR,
            Level::Warn => MessageType::WARNING,
            Level::Info => MessageType::INFO,
            _ => MessageType::LOG,
        };
        self.client.log_message(typ, message).await;
    }
}

/// Diagnostics ready to send; `analysis_id: None` clears a closed or dropped document.
struct Pending {
    uri: Uri,
    version: Option<i32>,
    analysis_id: Option<u64>,
    diagnostics: Vec<Diagnostic>,
}

fn is_go(doc: &TextDocumentItem) -> bool {
    doc.language_id == "go" || doc.uri.path().as_str().ends_with(".go")
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let enc = Encoding::negotiate(offered);
        *self.encoding.write().unwrap_or_else(|e| e.into_inner()) = enc;
        let document_changes = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        self.document_changes
            .store(document_changes, Ordering::Relaxed);
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
            self.encoding()
        );
        self.log(Level::Info, message).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        if !is_go(&item) {
            return;
        }
        let mut open = OpenDocument {
            doc: Document::new(item.text, item.version),
            ctx: self.file_context(&item.uri),
            findings: Vec::new(),
            analysis_id: 0,
        };
        let pending = self.analyze(&item.uri, &mut open);
        self.docs.insert(item.uri, open);
        self.publish(pending).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let enc = self.encoding();
        let outcome = match self.docs.get_mut(&uri) {
            None => Err(format!(
                "didChange for {} which is not open: ignored",
                uri.as_str()
            )),
            Some(mut open) => match open.doc.apply_changes(params.content_changes, version, enc) {
                Ok(()) => Ok(self.analyze(&uri, &mut open)),
                Err(e) => Err(format!(
                    "{}: {e}; the document is dropped until it is opened again",
                    uri.as_str()
                )),
            },
        };
        match outcome {
            Ok(pending) => self.publish(pending).await,
            Err(message) => {
                // Our copy may no longer match the editor's: never analyse wrong text.
                let dropped = self.docs.remove(&uri).is_some();
                if dropped {
                    self.publish(Pending {
                        uri,
                        version: None,
                        analysis_id: None,
                        diagnostics: vec![],
                    })
                    .await;
                }
                self.log(Level::Warn, message).await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self.docs.remove(&uri).is_some() {
            self.publish(Pending {
                uri,
                version: None,
                analysis_id: None,
                diagnostics: vec![],
            })
            .await;
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
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
            return Ok(None);
        }
        let uri = &params.text_document.uri;
        let Some(open) = self.docs.get(uri) else {
            return Ok(None);
        };
        let enc = self.encoding();
        let rope = open.doc.rope();
        let start = convert::offset_clamped(rope, params.range.start, enc);
        let end = convert::offset_clamped(rope, params.range.end, enc);
        let actions = code_action::quick_fixes(&code_action::Request {
            uri,
            doc: &open.doc,
            findings: &open.findings,
            enc,
            range: start.min(end)..end.max(start),
            document_changes: self.document_changes.load(Ordering::Relaxed),
        });
        Ok(Some(actions))
    }
}
