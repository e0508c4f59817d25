//! `--format sarif`: a SARIF 2.1.0 log of one run, as GitHub code scanning reads it.
//!
//! Columns are UTF-16 code units (`columnKind: utf16CodeUnits`, SARIF's default), lines are
//! 1-based. File locations are relative to the current directory when the file is under it (so
//! a log written from the repository root matches the checkout), `file:` URIs otherwise.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::output::LineIndex;
use super::paths;
use super::FileReport;
use crate::analysis::{Code, Edit, Severity};

pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The project's home page.
pub const INFORMATION_URI: &str = "https://github.com/leakls/leakls";

/// One line per check: the rule's short description.
fn short_description(code: Code) -> &'static str {
    match code {
        Code::UnstoppedTicker => "A time.NewTicker (in a local variable or a struct field) is never stopped",
        Code::TimeTick => "time.Tick in a function that can return: nothing can ever stop its ticker",
        Code::AfterInLoop => "time.After in a select in a loop starts a new timer on every iteration",
        Code::GoroutineLeak => "a goroutine blocks for ever: on a channel whose other side gave up, on an operation nothing can complete, or on a mutex it already holds",
        Code::SliceRetains => "A long-lived slice of pointers loses elements from the front or back without clearing them",
        Code::GlobalGrowth => "A package-level map, slice or sync.Map that the module only ever adds to",
        Code::UnusedIgnore => "A //leakls:ignore or //leakls:file-ignore comment without a reason, or that silences nothing",
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

fn rule(code: Code) -> Value {
    let short = short_description(code);
    let page = crate::docs::page(code);
    let full = page
        .and_then(crate::docs::what_it_finds)
        .unwrap_or_else(|| short.to_string());
    let mut rule = json!({
        "id": code.as_str(),
        "shortDescription": { "text": short },
        "fullDescription": { "text": full },
        "helpUri": code.docs_url(),
        // Every check reports a Warning unless the Go version in force makes the leak milder;
        // a stale suppression is a Hint.
        "defaultConfiguration": { "level": if code == Code::UnusedIgnore { "note" } else { "warning" } },
    });
    if let Some(page) = page {
        rule["help"] = json!({ "text": page, "markdown": page });
    }
    rule
}

/// The text of the files the log points into, read once each.
struct Texts<'a> {
    /// The reported files, whose text the batch kept.
    own: HashMap<&'a Path, (&'a str, LineIndex)>,
    /// Other files that related locations and fixes point into; `None` when unreadable.
    others: HashMap<PathBuf, Option<(String, LineIndex)>>,
}

impl<'a> Texts<'a> {
    fn new(reports: &'a [FileReport]) -> Texts<'a> {
        let own = reports
            .iter()
            .filter(|r| !r.findings.is_empty())
            .map(|r| {
                (
                    r.path.as_path(),
                    (r.source.as_str(), LineIndex::new(&r.source)),
                )
            })
            .collect();
        Texts {
            own,
            others: HashMap::new(),
        }
    }

    /// A SARIF region for `range` in `path`; `None` when the file cannot be read.
    fn region(&mut self, path: &Path, range: std::ops::Range<usize>) -> Option<Value> {
        let (source, index) = match self.own.get(path) {
            Some((source, index)) => (*source, index),
            None => {
                let entry = self.others.entry(path.to_path_buf()).or_insert_with(|| {
                    let text = crate::workspace::read::read_text(path).ok()?;
                    let index = LineIndex::new(&text);
                    Some((text, index))
                });
                let (text, index) = entry.as_ref()?;
                (text.as_str(), index)
            }
        };
        let (start_line, start_column) = index.line_col_utf16(source, range.start);
        let (end_line, end_column) = index.line_col_utf16(source, range.end);
        Some(json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        }))
    }

    fn location(&mut self, path: &Path, range: std::ops::Range<usize>) -> Value {
        let mut physical = json!({ "artifactLocation": { "uri": paths::uri(path) } });
        if let Some(region) = self.region(path, range) {
            physical["region"] = region;
        }
        physical
    }
}

pub fn write(
    out: &mut impl Write,
    reports: &[FileReport],
    errors: &[(PathBuf, String)],
) -> io::Result<()> {
    let mut texts = Texts::new(reports);
    let mut results = Vec::new();
    for report in reports.iter().filter(|r| !r.findings.is_empty()) {
        for f in &report.findings {
            let rule_index = Code::ALL.iter().position(|c| *c == f.code);
            let mut result = json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": texts.location(&report.path, f.range.clone()),
                }],
            });
            if !f.related.is_empty() {
                let related: Vec<Value> = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let path = r.path.as_deref().unwrap_or(&report.path);
                        json!({
                            "id": i,
                            "physicalLocation": texts.location(path, r.range.clone()),
                            "message": { "text": r.message },
                        })
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            if !f.fixes.is_empty() {
                let fixes: Vec<Value> = f
                    .fixes
                    .iter()
                    .map(|fix| {
                        json!({
                            "description": { "text": fix.title },
                            "artifactChanges": artifact_changes(&mut texts, &report.path, &fix.edits),
                        })
                    })
                    .collect();
                result["fixes"] = Value::Array(fixes);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = errors
        .iter()
        .map(|(path, e)| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {e}", super::paths::shown(path)) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": paths::uri(path) } } }],
            })
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "leakls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": Code::ALL.iter().map(|c| rule(*c)).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A fix's edits grouped by the file they change, in the order the files first appear.
fn artifact_changes(texts: &mut Texts, own: &Path, edits: &[Edit]) -> Vec<Value> {
    let mut files: Vec<(&Path, Vec<Value>)> = Vec::new();
    for edit in edits {
        let path = edit.file.as_deref().unwrap_or(own);
        let mut deleted = texts
            .region(path, edit.range.clone())
            .unwrap_or_else(|| json!({}));
        deleted["byteOffset"] = json!(edit.range.start);
        deleted["byteLength"] = json!(edit.range.len());
        let replacement = json!({
            "deletedRegion": deleted,
            "insertedContent": { "text": edit.new_text },
        });
        match files.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(replacement),
            None => files.push((path, vec![replacement])),
        }
    }
    files
        .into_iter()
        .map(|(path, replacements)| {
            json!({
                "artifactLocation": { "uri": paths::uri(path) },
                "replacements": replacements,
            })
        })
        .collect()
}
