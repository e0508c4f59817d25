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
            self.state.catch_up(&self.client, &item.uri).await;
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

pub(crate) fn is_go(doc: &TextDocumentItem) -> bool {
    doc.language_id == "go" || doc.uri.path().as_str().ends_with(".go")
}
