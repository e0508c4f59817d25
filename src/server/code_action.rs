//! `textDocument/codeAction`: the fixes of the findings under the cursor, and "Ignore" for each.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{self, Encoding};
use crate::analysis::{suppress, Code, Finding, Fix};

/// Another file's text, as the editor has it if it is open: its URI, rope and version.
pub struct OtherFile {
    pub uri: Uri,
    pub rope: Rope,
    pub version: Option<i32>,
    /// For a file read from disk: the hash of its text ([`crate::workspace::batch::text_hash`]).
    pub disk_hash: Option<u64>,
}

pub struct Request<'a> {
    pub uri: &'a Uri,
    pub rope: &'a Rope,
    pub version: i32,
    pub enc: Encoding,
    /// Whether the client can take versioned edits (`documentChanges`).
    pub document_changes: bool,
    /// Finds the text of another file a fix edits.
    pub other_file: &'a dyn Fn(&Path) -> Option<OtherFile>,
}

/// A finding under the cursor with its diagnostic, and its "Ignore" fix made from the text.
pub struct Candidate {
    pub finding: Finding,
    pub diagnostic: Diagnostic,
    /// `None` for `unused-ignore`: a directive is not silenced by another one.
    pub ignore: Option<Fix>,
}

/// The findings that overlap or touch `range`, ready to become actions.
pub fn candidates(
    findings: &[Finding],
    text: &str,
    range: Range<usize>,
    diagnostic: impl Fn(&Finding) -> Diagnostic,
) -> Vec<Candidate> {
    findings
        .iter()
        .filter(|f| f.range.start <= range.end && range.start <= f.range.end)
        .map(|f| Candidate {
            finding: f.clone(),
            diagnostic: diagnostic(f),
            ignore: (f.code != Code::UnusedIgnore)
                .then(|| suppress::ignore_fix(text, f.code, f.range.start))
                .flatten(),
        })
        .collect()
}

pub fn quick_fixes(req: &Request, candidates: &[Candidate]) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for c in candidates {
        let fixes = c
            .finding
            .fixes
            .iter()
            .map(|f| (f, true))
            .chain(c.ignore.iter().map(|f| (f, false)));
        for (index, (fix, is_real)) in fixes.enumerate() {
            let Some(edit) = workspace_edit(req, fix) else {
                continue; // another file it edits is gone
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![c.diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(is_real && index == 0),
                ..CodeAction::default()
            }));
        }
    }
    actions
}

/// The kind of the action that applies every safe fix in a file (editors run it on save).
pub const FIX_ALL: &str = "source.fixAll.leakls";

/// Whether the client's `only` asks for `kind`: no `only`, or `kind` or one of its parent kinds
/// (`source` covers `source.fixAll.leakls`), matched on whole dotted parts.
pub fn wanted(only: Option<&Vec<CodeActionKind>>, kind: &str, by_default: bool) -> bool {
    match only {
        None => by_default,
        Some(kinds) => kinds.iter().any(|k| {
            let k = k.as_str();
            k.is_empty() || k == kind || kind.starts_with(&format!("{k}."))
        }),
    }
}

/// One action with the first fix of every finding in the file: the fixes `leakls check --fix`
/// applies (never an Ignore). A fix whose edits overlap one already taken is left for the next
/// run, as on the command line. `None` when there is nothing to fix.
pub fn fix_all(req: &Request, findings: &[Finding]) -> Option<CodeActionOrCommand> {
    let mut taken: Vec<crate::analysis::Edit> = Vec::new();
    let mut fixed = 0;
    for finding in findings {
        let Some(fix) = finding.fixes.first() else {
            continue;
        };
        let clash = fix.edits.iter().any(|e| {
            taken.iter().any(|t| {
                t != e
                    && t.file == e.file
                    && t.range.start < e.range.end
                    && e.range.start < t.range.end
            })
        });
        if clash {
            continue;
        }
        for e in &fix.edits {
            if !taken.contains(e) {
                taken.push(e.clone());
            }
        }
        fixed += 1;
    }
    if fixed == 0 {
        return None;
    }
    let all = Fix {
        title: String::new(),
        edits: taken,
    };
    let edit = workspace_edit(req, &all)?;
    let noun = if fixed == 1 { "fix" } else { "fixes" };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Fix all leakls findings in this file ({fixed} {noun})"),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(edit),
        ..CodeAction::default()
    }))
}

fn workspace_edit(req: &Request, fix: &Fix) -> Option<WorkspaceEdit> {
    // Edits grouped by document, this one first.
    let mut docs: Vec<(Uri, Option<i32>, Vec<TextEdit>)> =
        vec![(req.uri.clone(), Some(req.version), vec![])];
    for e in &fix.edits {
        let (slot, rope) = match &e.file {
            None => (0, req.rope.clone()),
            Some(path) => {
                let other = (req.other_file)(path)?;
                // Computed from the file's text on disk: it must still have that text.
                if other.disk_hash.is_some() && e.base.is_some() && other.disk_hash != e.base {
                    return None;
                }
                let slot = match docs.iter().position(|(u, _, _)| *u == other.uri) {
                    Some(i) => i,
                    None => {
                        docs.push((other.uri.clone(), other.version, vec![]));
                        docs.len() - 1
                    }
                };
                (slot, other.rope)
            }
        };
        docs[slot].2.push(TextEdit {
            range: convert::range(&rope, e.range.clone(), req.enc),
            new_text: e.new_text.clone(),
        });
    }
    docs.retain(|(_, _, edits)| !edits.is_empty());
    Some(if req.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(
                docs.into_iter()
                    .map(|(uri, version, edits)| TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                        edits: edits.into_iter().map(OneOf::Left).collect(),
                    })
                    .collect(),
            )),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(
                docs.into_iter()
                    .map(|(u, _, e)| (u, e))
                    .collect::<HashMap<_, _>>(),
            ),
            ..WorkspaceEdit::default()
        }
    })
}
