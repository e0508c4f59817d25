//! Findings as LSP diagnostics, and publishing them so that a result for an older version of
//! a document never reaches the client after a newer one.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Uri,
};

use super::convert::{self, Encoding};
use crate::analysis::{Finding, Severity};

pub const SOURCE: &str = "leakls";

/// Converts a finding. `locate` places a range of another file (`None` when it cannot be read).
pub fn to_diagnostic(
    finding: &Finding,
    uri: &Uri,
    rope: &Rope,
    enc: Encoding,
    locate: &dyn Fn(&Path, Range<usize>) -> Option<Location>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let location = match &r.path {
                None => Location::new(uri.clone(), convert::range(rope, r.range.clone(), enc)),
                Some(path) => locate(path, r.range.clone())?,
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: convert::range(rope, finding.range.clone(), enc),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.as_str().to_string())),
        code_description: Uri::from_str(&finding.code.docs_url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}
