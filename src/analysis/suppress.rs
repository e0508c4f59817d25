//! `//leakls:ignore <code>[,<code>] <reason>` comments: on the line of a finding or the line
//! above, they silence the named codes there.

use super::fix::{insert_lines_before, Fix};
use super::{Code, Finding};

const DIRECTIVE: &str = "//leakls:ignore";

/// Every ignore directive in a file, by the line it applies to.
#[derive(Debug, Default)]
pub struct Ignores {
    /// (line index of the comment, codes named)
    entries: Vec<(usize, Vec<String>)>,
}

impl Ignores {
    pub fn scan(source: &str) -> Ignores {
        let mut entries = Vec::new();
        // memchr-fast search; most files have none.
        let mut from = 0;
        while let Some(i) = source[from..].find(DIRECTIVE) {
            let at = from + i;
            from = at + DIRECTIVE.len();
            let rest = &source[from..];
            let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
            // The directive must be followed by white space and codes: `//leakls:ignored` is not it.
            if !line_text.starts_with([' ', '\t']) {
                continue;
            }
            let codes = line_text
                .split_whitespace()
                .next()
                .unwrap_or("")
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            let line = source[..at].bytes().filter(|&b| b == b'\n').count();
            entries.push((line, codes));
        }
        Ignores { entries }
    }

    /// True when a directive on the finding's first line, or on the line above, names its code.
    pub fn silences(&self, source: &str, finding: &Finding) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let line = source[..finding.range.start]
            .bytes()
            .filter(|&b| b == b'\n')
            .count();
        self.entries.iter().any(|(l, codes)| {
            (*l == line || *l + 1 == line) && codes.iter().any(|c| c == finding.code.as_str())
        })
    }
}

/// The fix "Ignore <code> here": a directive on its own line above the finding.
pub fn ignore_fix(source: &str, code: Code, at: usize) -> Fix {
    let comment = format!("{DIRECTIVE} {code} TODO: say why this does not leak");
    Fix {
        title: format!("Ignore {code} here"),
        edits: vec![insert_lines_before(source, at, &[comment])],
    }
}
