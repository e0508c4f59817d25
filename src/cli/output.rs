//! The report formats of `leakls check`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::analysis::Edit;
use crate::workspace::read::read_text;

use serde_json::json;

use super::FileReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `path:line:col: code: message`, like go vet.
    Text,
    /// A JSON array, one object per finding.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers).
    Sarif,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            _ => None,
        }
    }
}

/// 1-based line and column (in bytes) of a byte offset, as go vet prints them.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        (line + 1, offset - self.starts[line] + 1)
    }

    /// 1-based line and column in UTF-16 code units (SARIF's default column kind). An offset
    /// inside a character counts from that character's start.
    pub fn line_col_utf16(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let mut end = offset;
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        let units = source[start..end].encode_utf16().count();
        (line + 1, units + 1)
    }
}

pub fn write(
    out: &mut impl Write,
    format: Format,
    reports: &[FileReport],
    errors: &[(PathBuf, String)],
) -> io::Result<()> {
    match format {
        Format::Sarif => super::sarif::write(out, reports, errors),
        Format::Text => {
            for report in reports.iter().filter(|r| !r.findings.is_empty()) {
                let index = LineIndex::new(&report.source);
                for f in &report.findings {
                    let (line, col) = index.line_col(f.range.start);
                    writeln!(
                        out,
                        "{}:{line}:{col}: {}: {}",
                        super::paths::shown(&report.path),
                        f.code,
                        f.message
                    )?;
                }
            }
            Ok(())
        }
        Format::Json => {
            let mut items = Vec::new();
            for report in reports.iter().filter(|r| !r.findings.is_empty()) {
                let index = LineIndex::new(&report.source);
                let place = |offset: usize| index.line_col(offset);
                for f in &report.findings {
                    let (line, column) = place(f.range.start);
                    let (end_line, end_column) = place(f.range.end);
                    let fixes: Vec<_> = f
                        .fixes
                        .iter()
                        .map(|fix| {
                            let edits: Vec<_> = fix
                                .edits
                                .iter()
                                .map(|e| edit_json(e, &report.path, &index))
                                .collect();
                            json!({ "title": fix.title, "edits": edits })
                        })
                        .collect();
                    let related: Vec<_> = f
                        .related
                        .iter()
                        .map(|r| {
                            let path = r.path.as_deref().unwrap_or(&report.path);
                            let (line, column) = match &r.path {
                                None => place(r.range.start),
                                Some(other) => other_file_place(other, r.range.start),
                            };
                            json!({
                                "path": super::paths::shown(path),
                                "line": line,
                                "column": column,
                                "message": r.message,
                            })
                        })
                        .collect();
                    items.push(json!({
                        "path": super::paths::shown(&report.path),
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "code": f.code.as_str(),
                        "severity": f.severity.as_str(),
                        "message": f.message,
                        "docs": f.code.docs_url(),
                        "related": related,
                        "fixes": fixes,
                    }));
                }
            }
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
    }
}

/// An edit of the report's file, or of another file (a `Close` method elsewhere), placed in the
/// file it edits.
fn edit_json(e: &Edit, own_path: &Path, own: &LineIndex) -> serde_json::Value {
    let other_index;
    let (path, index) = match &e.file {
        None => (own_path, own),
        Some(other) => {
            other_index = LineIndex::new(&read_text(other).unwrap_or_default());
            (other.as_path(), &other_index)
        }
    };
    let (l, c) = index.line_col(e.range.start);
    let (el, ec) = index.line_col(e.range.end);
    json!({
        "path": super::paths::shown(path),
        "line": l, "column": c, "end_line": el, "end_column": ec,
        "offset": e.range.start, "end_offset": e.range.end,
        "new_text": e.new_text,
    })
}

fn other_file_place(path: &Path, offset: usize) -> (usize, usize) {
    let text = read_text(path).unwrap_or_default();
    LineIndex::new(&text).line_col(offset.min(text.len()))
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn lines_and_byte_columns_are_one_based() {
        let index = LineIndex::new("ab\né\nx");
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(3), (2, 1));
        assert_eq!(index.line_col(5), (2, 3));
        assert_eq!(index.line_col(6), (3, 1));
    }

    #[test]
    fn utf16_columns_count_code_units() {
        let src = "a\u{1F600}é x\n\u{1F600}";
        let index = LineIndex::new(src);
        let x = src.find('x').unwrap();
        // 'a' (1) + emoji (2) + 'é' (1) + ' ' (1), then x at column 6.
        assert_eq!(index.line_col_utf16(src, x), (1, 6));
        assert_eq!(index.line_col_utf16(src, src.len()), (2, 3));
        assert_eq!(index.line_col_utf16(src, 2), (1, 2));
    }
}
