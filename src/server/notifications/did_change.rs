//! `textDocument/didChange`: the edit is applied, the buffer reparsed and analysed again.

use crate::server::*;

impl Backend {
    pub(crate) async fn change_document(&self, params: DidChangeTextDocumentParams) {
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
            Some(mut open) => {
                // The heap profile's figures follow the edit (those of edited lines go).
                if let Some(mut figures) = self.state.heap_docs.get_mut(&uri) {
                    for change in &params.content_changes {
                        heap_hints::follow_edit(&mut figures, change);
                    }
                }
                match open.doc.apply_changes(params.content_changes, version, enc) {
                    Ok(()) => Ok(self.state.analyze(&uri, &mut open)),
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        match outcome {
            Ok(pending) => {
                self.state.publish(&self.client, pending).await;
                self.state
                    .refresh_open_documents(&self.client, Some(&uri))
                    .await;
                self.refresh_peers_later(uri.to_file_path().map(|p| p.into_owned()));
            }
            // Our copy may no longer match the editor's: never analyse wrong text.
            Err(why) => {
                self.state
                    .drop_document(&self.client, &uri, Level::Warn, &why)
                    .await
            }
        }
    }
}
