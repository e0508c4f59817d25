//! `textDocument/hover`: what the finding under the cursor means.

use crate::server::*;

impl Backend {
    pub(crate) fn hover_at(&self, params: HoverParams) -> Option<Hover> {
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
}
