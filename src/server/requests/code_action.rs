//! `textDocument/codeAction`: the fixes of the findings in a range, and the Ignore fixes.

use crate::server::*;

impl Backend {
    pub(crate) fn code_actions_at(&self, params: CodeActionParams) -> Option<CodeActionResponse> {
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
