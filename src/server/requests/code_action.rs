//! `textDocument/codeAction`: the fixes of the findings in a range, the Ignore fixes, and
//! `source.fixAll.leakls` (every safe fix in the file).

use crate::server::*;

impl Backend {
    pub(crate) fn code_actions_at(&self, params: CodeActionParams) -> Option<CodeActionResponse> {
        // `only: ["quickfix"]` or a parent kind (`""`); the match is on whole dotted parts. The
        // fix-all action only when asked for by kind (on save), not in the light bulb's list.
        let only = params.context.only.as_ref();
        let wants_quickfix = code_action::wanted(only, CodeActionKind::QUICKFIX.as_str(), true);
        let wants_fix_all = code_action::wanted(only, code_action::FIX_ALL, false);
        if !wants_quickfix && !wants_fix_all {
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
            let all = wants_fix_all.then(|| open.findings.clone());
            (rope, open.doc.version, candidates, all)
        });
        let (rope, version, mut candidates, all) = snapshot?;
        if !wants_quickfix {
            candidates.clear();
        }
        for c in &mut candidates {
            c.diagnostic = publish::to_diagnostic(&c.finding, uri, &rope, enc, &|p, r| {
                self.state.locate(p, r)
            });
        }
        let other_file = |p: &Path| self.state.other_file(p);
        let request = code_action::Request {
            uri,
            rope: &rope,
            version,
            enc,
            document_changes: self.state.document_changes.load(Ordering::Relaxed),
            other_file: &other_file,
        };
        let mut actions = code_action::quick_fixes(&request, &candidates);
        if let Some(findings) = all {
            actions.extend(code_action::fix_all(&request, &findings));
        }
        Some(actions)
    }
}
