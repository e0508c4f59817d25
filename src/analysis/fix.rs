//! Fixes as byte-range edits, and the Go way of laying out inserted lines (tabs, gofmt style).

use std::ops::Range;
use std::path::PathBuf;

/// Replace `range` (bytes of the original text) with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Another file of the module (a `Close` method elsewhere); `None` for the analysed file.
    pub file: Option<PathBuf>,
    /// For an edit of another file: the hash of the text on disk its range was computed from
    /// (`None` when that was an editor's buffer). Whoever applies it checks the file still has
    /// that text.
    pub base: Option<u64>,
    pub range: Range<usize>,
    pub new_text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            file: None,
            base: None,
            range: at..at,
            new_text: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            file: None,
            base: None,
            range,
            new_text: text.into(),
        }
    }

    pub fn in_file(mut self, file: PathBuf) -> Edit {
        self.file = Some(file);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Applies edits given against `source` (edits naming another file are left out). Edits that
/// overlap one already applied are skipped and returned, so a caller can report them instead of
/// producing broken code.
pub fn apply(source: &str, edits: &[Edit]) -> (String, Vec<Edit>) {
    let mut sorted: Vec<&Edit> = edits.iter().filter(|e| e.file.is_none()).collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(source.len() + 64);
    let mut skipped = Vec::new();
    let mut cursor = 0;
    let mut last: Option<&Edit> = None;
    for edit in sorted {
        // Two findings on one field offer the same edit: make it once.
        if last == Some(edit) {
            continue;
        }
        last = Some(edit);
        if edit.range.start < cursor || edit.range.end > source.len() {
            skipped.push(edit.clone());
            continue;
        }
        out.push_str(&source[cursor..edit.range.start]);
        out.push_str(&edit.new_text);
        cursor = edit.range.end;
    }
    out.push_str(&source[cursor..]);
    (out, skipped)
}

/// The byte offset where the line holding `offset` starts.
pub fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte offset of the end of the line holding `offset` (before `\r\n` or `\n`).
pub fn line_end(source: &str, offset: usize) -> usize {
    let end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    if end > offset && source.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The leading white space of the line holding `offset`.
pub fn indentation(source: &str, offset: usize) -> &str {
    let start = line_start(source, offset);
    let rest = &source[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// The line break the file uses, so inserted lines match it.
pub fn line_break(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Inserts `lines` as new lines after the line on which `offset` lies, each indented by
/// `indent`. Inserting at the end of the line keeps a trailing comment where it was.
pub fn insert_lines_after(source: &str, offset: usize, indent: &str, lines: &[String]) -> Edit {
    let at = line_end(source, offset);
    let nl = line_break(source);
    let mut text = String::new();
    for line in lines {
        text.push_str(nl);
        text.push_str(indent);
        text.push_str(line);
    }
    Edit::insert(at, text)
}

/// Inserts `lines` as new lines before the line on which `offset` lies, indented like it.
pub fn insert_lines_before(source: &str, offset: usize, lines: &[String]) -> Edit {
    insert_lines_before_indented(source, offset, indentation(source, offset), lines)
}

/// Inserts `lines` as new lines before the line on which `offset` lies, each indented by
/// `indent` (for a line whose own indentation is not the statements', such as a label's).
pub fn insert_lines_before_indented(
    source: &str,
    offset: usize,
    indent: &str,
    lines: &[String],
) -> Edit {
    let at = line_start(source, offset);
    let nl = line_break(source);
    let mut text = String::new();
    for line in lines {
        text.push_str(indent);
        text.push_str(line);
        text.push_str(nl);
    }
    Edit::insert(at, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_edits_in_order_and_skips_overlaps() {
        let src = "abcdef";
        let edits = vec![
            Edit::replace(4..5, "E"),
            Edit::insert(0, ">"),
            Edit::replace(1..3, "BC"),
            Edit::replace(2..4, "x"),
        ];
        let (out, skipped) = apply(src, &edits);
        assert_eq!(out, ">aBCdEf");
        let twice = vec![Edit::insert(1, "x"), Edit::insert(1, "x")];
        assert_eq!(apply(src, &twice), ("axbcdef".to_string(), vec![]));
        assert_eq!(skipped, vec![Edit::replace(2..4, "x")]);
    }

    #[test]
    fn lines_and_indentation() {
        let src = "func f() {\r\n\tt := x // c\r\n}\r\n";
        let at = src.find("t :=").unwrap();
        assert_eq!(indentation(src, at), "\t");
        assert_eq!(
            &src[line_start(src, at)..line_end(src, at)],
            "\tt := x // c"
        );
        let edit = insert_lines_after(src, at, "\t", &["defer t.Stop()".into()]);
        let (out, _) = apply(src, &[edit]);
        assert_eq!(
            out,
            "func f() {\r\n\tt := x // c\r\n\tdefer t.Stop()\r\n}\r\n"
        );
    }
}
