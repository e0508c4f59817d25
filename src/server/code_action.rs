//! `textDocument/codeAction`: the fixes of the findings under the cursor, and "Ignore" for each.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{self, Encoding};
use super::document::Document;
use super::publish::to_diagnostic;
use crate::analysis::{suppress, Finding, Fix};

pub struct Request<'a> {
    pub uri: &'a Uri,
    pub doc: &'a Document,
    pub findings: &'a [Finding],
    pub enc: Encoding,
    /// The byte range the client asked about.
    pub range: std::ops::Range<usize>,
    /// Whether the client can take versioned edits (`documentChanges`).
    pub document_changes: bool,
}

pub fn quick_fixes(req: &Request) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for finding in req
        .findings
        .iter()
        .filter(|f| touches(&f.range, &req.range))
    {
        let diagnostic = to_diagnostic(finding, req.uri, req.doc.rope(), req.enc);
        let ignore = suppress::ignore_fix(req.doc.text(), finding.code, finding.range.start);
        let fixes = finding
            .fixes
            .iter()
            .map(|f| (f, true))
            .chain([(&ignore, false)]);
        for (index, (fix, is_real)) in fixes.enumerate() {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(workspace_edit(req, fix)),
                is_preferred: Some(is_real && index == 0),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

/// Ranges touch when they overlap or meet: a cursor at either end of a squiggle counts.
fn touches(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn workspace_edit(req: &Request, fix: &Fix) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = fix
        .edits
        .iter()
        .map(|e| TextEdit {
            range: convert::range(req.doc.rope(), e.range.clone(), req.enc),
            new_text: e.new_text.clone(),
        })
        .collect();
    if req.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: req.uri.clone(),
                    version: Some(req.doc.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(req.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}
