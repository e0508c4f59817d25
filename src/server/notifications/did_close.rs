//! `textDocument/didClose`: the disk is the truth again for the file.

use crate::server::*;

impl Backend {
    pub(crate) async fn close_document(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some((_, open)) = self.state.docs.remove(&uri) else {
            return;
        };
        self.state.heap_docs.remove(&uri);
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
        // Its findings from disk now (and its package's, which its buffer may have changed).
        if let (Some(path), true) = (&open.path, self.state.scan_done.load(Ordering::SeqCst)) {
            let closed = self.state.with_package_peers(std::slice::from_ref(path));
            self.state.publish_closed(&self.client, closed).await;
        }
        drop(open);
        memory::release_freed();
    }
}
