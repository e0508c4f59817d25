//! `textDocument/didOpen`: a Go buffer is analysed and its findings published.

use crate::server::*;

impl Backend {
    pub(crate) async fn open_document(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        if !is_go(&item) {
            return;
        }
        // Binary content under a Go name is no source: parsing it would cost hundreds of bytes
        // of memory per byte, for nothing.
        if let Some(at) = memchr::memchr(0, item.text.as_bytes()) {
            let message = format!(
                "{}: binary content (a NUL byte at offset {at}), not analysed",
                item.uri.as_str()
            );
            return self.log(Level::Warn, message).await;
        }
        let path = item.uri.to_file_path().map(|p| p.into_owned());
        // A pass over the open documents while this one is read and analysed here (the first
        // scan ending, a profile loaded, settings changed) does not find it among them.
        let epoch = self.state.docs_epoch.load(Ordering::SeqCst);
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
        // The heap profile's figures for it, before its diagnostics are made.
        self.state
            .start_heap_figures(&item.uri, open.path.as_deref());
        let pending = self.state.analyze(&item.uri, &mut open);
        self.state.docs.insert(item.uri.clone(), open);
        self.state.publish(&self.client, pending).await;
        if self.state.docs_epoch.load(Ordering::SeqCst) != epoch {
            self.catch_up(&item.uri).await;
        }
        self.show_config_errors().await;
        self.state
            .refresh_open_documents(&self.client, Some(&item.uri))
            .await;
        // What was shown for the file from disk is now the buffer's to show.
        self.state.closed_published.remove(&item.uri);
        self.refresh_peers_later(item.uri.to_file_path().map(|p| p.into_owned()));
    }
}

impl Backend {
    /// Does for a document what a pass over the open documents did while it was being opened,
    /// and publishes again only if what it shows changed.
    async fn catch_up(&self, uri: &Uri) {
        let figures_before = self.state.heap_docs.get(uri).map(|f| f.clone());
        self.state.start_heap_figures_of_open(uri);
        let figures_changed = self.state.heap_docs.get(uri).map(|f| f.clone()) != figures_before;
        let pending = self
            .state
            .contained(&self.client, uri, |open| {
                self.state.catch_up(uri, open, figures_changed)
            })
            .await;
        if let Some(p) = pending {
            self.state.publish(&self.client, p).await;
        }
    }
}

pub(crate) fn is_go(doc: &TextDocumentItem) -> bool {
    doc.language_id == "go" || doc.uri.path().as_str().ends_with(".go")
}
