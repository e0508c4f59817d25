//! Suppression comments, and the `unused-ignore` findings about them.
//!
//! - `//leakls:ignore <code>[,<code>] <reason>` on the line of a finding or the line above
//!   silences the named codes there.
//! - `//leakls:file-ignore <code>[,<code>] <reason>` anywhere in a file silences them in the
//!   whole file.
//!
//! Only real `//` comments count: the same text inside a string or a rune literal, or inside a
//! `/* */` comment, is not a directive. As with staticcheck's `//lint:ignore`, the reason is
//! required: a directive without one silences nothing and is reported, and so is a directive that
//! names an unknown code or whose codes have nothing to silence (a stale one).

use std::ops::Range;

use super::fix::{insert_lines_before, Edit, Fix};
use super::{Code, Finding, Settings, Severity};

const IGNORE: &str = "//leakls:ignore";
const FILE_IGNORE: &str = "//leakls:file-ignore";
/// What every directive starts with: a file without it has none (the common, fast case).
const PREFIX: &[u8] = b"//leakls:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The whole comment, from `//` to the end of its line (without a `\r`).
    pub range: Range<usize>,
    /// 0-based line of the comment.
    pub line: usize,
    /// `//leakls:file-ignore`: the whole file.
    pub whole_file: bool,
    /// The comma-separated list of codes, as written.
    pub codes_range: Range<usize>,
    /// Each name in the list (unknown names included).
    pub codes: Vec<String>,
    /// Some text follows the codes.
    pub has_reason: bool,
}

impl Directive {
    fn name(&self) -> &'static str {
        if self.whole_file {
            FILE_IGNORE
        } else {
            IGNORE
        }
    }

    /// True when this directive names `code` and applies where `finding_line` is.
    fn covers(&self, code: Code, finding_line: usize) -> bool {
        self.has_reason
            && (self.whole_file || self.line == finding_line || self.line + 1 == finding_line)
            && self.codes.iter().any(|c| c == code.as_str())
    }
}

/// True when `source` may hold a directive (a quick byte search).
pub fn may_have_directives(source: &str) -> bool {
    memchr::memmem::find(source.as_bytes(), PREFIX).is_some()
}

/// Every directive in `source`, in order.
pub fn directives(source: &str) -> Vec<Directive> {
    if !may_have_directives(source) {
        return Vec::new();
    }
    line_comments(source)
        .into_iter()
        .filter_map(|range| parse(source, range))
        .collect()
}

/// The byte ranges of the `//` comments of Go source, skipping string, rune and raw string
/// literals and `/* */` comments.
fn line_comments(source: &str) -> Vec<Range<usize>> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let line_end = |from: usize| memchr::memchr(b'\n', &b[from..]).map_or(b.len(), |n| from + n);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let mut end = line_end(i);
                if end > i && b[end - 1] == b'\r' {
                    end -= 1;
                }
                out.push(i..end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            quote @ (b'"' | b'\'') => {
                // Interpreted strings and runes end at their closing quote or, if broken, the line.
                i += 1;
                while i < b.len() && b[i] != quote && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'`' => {
                i = memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |n| i + 1 + n + 1);
            }
            _ => i += 1,
        }
    }
    out
}

fn parse(source: &str, range: Range<usize>) -> Option<Directive> {
    let text = &source[range.clone()];
    let (whole_file, name) = if text.starts_with(FILE_IGNORE) {
        (true, FILE_IGNORE)
    } else if text.starts_with(IGNORE) {
        (false, IGNORE)
    } else {
        return None;
    };
    // `//leakls:ignored` is another word, not the directive.
    if !(text.len() == name.len() || text[name.len()..].starts_with([' ', '\t'])) {
        return None;
    }
    // A ` //` ends the directive: what follows is another comment (a `// want` in a fixture).
    let text = &text[..text[name.len()..]
        .find(" //")
        .map_or(text.len(), |i| name.len() + i)];
    let rest = &text[name.len()..];
    let codes_start = name.len() + (rest.len() - rest.trim_start().len());
    let after = &text[codes_start..];
    let codes_len = after.find([' ', '\t']).unwrap_or(after.len());
    let codes_text = &after[..codes_len];
    let codes_range = range.start + codes_start..range.start + codes_start + codes_len;
    Some(Directive {
        line: line_of(source, range.start),
        range,
        whole_file,
        codes: codes_text
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        codes_range,
        has_reason: !after[codes_len..].trim().is_empty(),
    })
}

fn line_of(source: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &source.as_bytes()[..offset]).count()
}

/// Drops the findings the directives silence and adds an `unused-ignore` finding for each
/// directive that lacks a reason or silences nothing among `findings`.
pub fn apply(
    source: &str,
    directives: &[Directive],
    findings: Vec<Finding>,
    settings: &Settings,
) -> Vec<Finding> {
    // used[d][c]: code c of directive d silenced something.
    let mut used: Vec<Vec<bool>> = directives
        .iter()
        .map(|d| vec![false; d.codes.len()])
        .collect();
    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            !silence(
                directives,
                &mut used,
                f.code,
                line_of(source, f.range.start),
            )
        })
        .collect();
    if settings.enabled(Code::UnusedIgnore) {
        let reports: Vec<Finding> = directives
            .iter()
            .zip(&used)
            .filter_map(|(directive, used)| unused(source, directive, used, settings))
            .collect();
        for f in reports {
            let line = line_of(source, f.range.start);
            if !silence(directives, &mut used, f.code, line) {
                kept.push(f);
            }
        }
    }
    kept
}

/// True when a directive silences `code` on `line`; marks every directive code that does.
fn silence(directives: &[Directive], used: &mut [Vec<bool>], code: Code, line: usize) -> bool {
    let mut silenced = false;
    for (directive, used) in directives.iter().zip(used) {
        if directive.covers(code, line) {
            for (name, used) in directive.codes.iter().zip(used.iter_mut()) {
                *used |= name == code.as_str();
            }
            silenced = true;
        }
    }
    silenced
}

/// The `unused-ignore` finding for one directive, if it deserves one.
fn unused(source: &str, d: &Directive, used: &[bool], settings: &Settings) -> Option<Finding> {
    let name = d.name();
    let finding = |message: String, fixes: Vec<Fix>| Finding {
        range: d.range.clone(),
        code: Code::UnusedIgnore,
        severity: Severity::Hint,
        message,
        related: Vec::new(),
        fixes,
    };
    if d.codes.is_empty() {
        return Some(finding(
            format!("{name} names no code, so it silences nothing: write {name} <code> <reason>"),
            Vec::new(),
        ));
    }
    if !d.has_reason {
        return Some(finding(
            format!(
                "{name} {} has no reason, so it silences nothing: say why this does not leak after the codes",
                d.codes.join(",")
            ),
            Vec::new(),
        ));
    }
    let mut problems = Vec::new();
    let mut keep = Vec::new();
    for (code, used) in d.codes.iter().zip(used) {
        match Code::from_name(code) {
            None => problems.push(format!("{code:?} is not a leakls code")),
            // A disabled check found nothing because it did not run; unused-ignore itself is
            // not judged (it would be about the directive that names it).
            Some(c) if *used || !settings.enabled(c) || c == Code::UnusedIgnore => {
                keep.push(code.as_str())
            }
            Some(_) => problems.push(format!(
                "no {code} finding {}",
                if d.whole_file {
                    "in this file"
                } else {
                    "on this line or the next"
                }
            )),
        }
    }
    if problems.is_empty() {
        return None;
    }
    let message = format!(
        "{name} silences nothing{}: {}",
        if keep.is_empty() {
            ""
        } else {
            " for some codes"
        },
        problems.join("; ")
    );
    let fix = if keep.is_empty() {
        Fix {
            title: "Remove the unused directive".to_string(),
            edits: vec![remove_comment(source, d.range.clone())],
        }
    } else {
        Fix {
            title: format!("Keep only {} in the directive", keep.join(",")),
            edits: vec![Edit::replace(d.codes_range.clone(), keep.join(","))],
        }
    };
    Some(finding(message, vec![fix]))
}

/// Deletes a `//` comment: its whole line when nothing else is on it (and a blank line after
/// it when one comes before too, as gofmt would), else the comment and the blanks before it.
fn remove_comment(source: &str, comment: Range<usize>) -> Edit {
    let line_start = source[..comment.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..comment.start];
    if before.trim().is_empty() {
        let next_line = |from: usize| source[from..].find('\n').map(|i| from + i + 1);
        let mut line_end = next_line(comment.end).unwrap_or(source.len());
        let blank_before = source[..line_start].ends_with("\n\n") || line_start == 0;
        if blank_before {
            if let Some(end) = next_line(line_end) {
                if source[line_end..end].trim().is_empty() {
                    line_end = end;
                }
            }
        }
        Edit::replace(line_start..line_end, "")
    } else {
        let start = line_start + before.trim_end().len();
        Edit::replace(start..comment.end, "")
    }
}

/// The fix "Ignore <code> here": a directive on its own line above the finding. gofmt aligns
/// runs of lines (specs of a `var ( ... )` group, struct fields, trailing comments), and a line
/// put between two lines of a run splits it, which changes how gofmt lays out both halves. So
/// the line goes above only where no run is split: the line above opens a block or is blank or
/// a comment, or neither it nor the finding's line is padded. Otherwise the directive goes at
/// the end of the finding's line where that keeps the layout (below), and where neither keeps
/// the file as gofmt writes it, no fix is offered (the directive can be written by hand).
pub fn ignore_fix(source: &str, code: Code, at: usize) -> Option<Fix> {
    let comment = format!("{IGNORE} {code} TODO: say why this does not leak");
    let title = format!("Ignore {code} here");
    let comments = line_comments(source);
    let line = line_around(source, at);
    let before = line
        .start
        .checked_sub(1)
        .map(|end| line_around(source, end));
    let after = (line.end < source.len()).then(|| line_around(source, line.end + 1));
    let breaks_run = |l: &Option<Range<usize>>| {
        l.as_ref()
            .is_none_or(|l| starts_no_run(source, l, &comments))
    };
    let quiet = |l: &Range<usize>| !aligned(source, l, &comments);
    if breaks_run(&before) || (before.as_ref().is_some_and(quiet) && quiet(&line)) {
        return Some(Fix {
            title,
            edits: vec![insert_lines_before(source, at, &[comment])],
        });
    }
    // At the end of the line the directive is the line's last cell. That keeps the run's
    // layout when it is a spec with a value (`name = value`), a statement or a keyed element
    // (`key: value`), whose value is already their last cell, and no trailing comment beside it
    // needs aligning with it; a struct field's type or tag is not (`Name string` above
    // `m map[string]any `json:"-"``), and text after a raw string's or a block comment's
    // first line would land inside it.
    let text = &source[line.clone()];
    let open_literal = text.contains('`') || text.contains("/*");
    let valued = text.contains('=') || text.contains(':');
    let commented = [before.as_ref(), Some(&line), after.as_ref()]
        .into_iter()
        .flatten()
        .any(|l| trailing_comment(source, l, &comments).is_some());
    let alone = breaks_run(&before) && breaks_run(&after);
    if open_literal || commented || !(alone || valued) {
        return None;
    }
    Some(Fix {
        title,
        edits: vec![Edit::insert(line.end, format!(" {comment}"))],
    })
}

/// Whether `line` separates gofmt's alignment runs: it is blank, a comment alone, opens a
/// block (`{`, `(`) or closes one.
fn starts_no_run(source: &str, line: &Range<usize>, comments: &[Range<usize>]) -> bool {
    let code_end = comments
        .iter()
        .find(|c| line.contains(&c.start))
        .map_or(line.end, |c| c.start);
    let code = source[line.start..code_end].trim();
    code.is_empty()
        || code.ends_with('{')
        || code.ends_with('(')
        || code.starts_with('}')
        || code.starts_with(')')
}

/// The line holding `at`, without its line break.
fn line_around(source: &str, at: usize) -> Range<usize> {
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    if end > start && source.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// The start of the `//` comment that ends `line` after some code, if there is one.
fn trailing_comment(source: &str, line: &Range<usize>, comments: &[Range<usize>]) -> Option<usize> {
    comments
        .iter()
        .find(|c| line.contains(&c.start) && !source[line.start..c.start].trim().is_empty())
        .map(|c| c.start)
}

/// Whether gofmt may have aligned `line` with its neighbours: it has a trailing comment, or
/// padding (two spaces or a tab) inside its code. Blank and comment-only lines are never
/// aligned.
fn aligned(source: &str, line: &Range<usize>, comments: &[Range<usize>]) -> bool {
    let trailing = trailing_comment(source, line, comments);
    if trailing.is_some() {
        return true;
    }
    let code_end = comments
        .iter()
        .find(|c| line.contains(&c.start))
        .map_or(line.end, |c| c.start);
    let code = source[line.start..code_end].trim_start_matches([' ', '\t']);
    code.contains("  ") || code.trim_end().contains('\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(source: &str, needle: &str, code: Code) -> Finding {
        let start = source.find(needle).unwrap();
        Finding {
            range: start..start + needle.len(),
            code,
            severity: Severity::Warning,
            message: String::new(),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    fn ignored(src: &str, needle: &str) -> Option<String> {
        let at = src.find(needle).unwrap();
        let fix = ignore_fix(src, Code::GlobalGrowth, at)?;
        Some(crate::analysis::fix::apply(src, &fix.edits).0)
    }

    #[test]
    fn the_ignore_directive_keeps_gofmt_alignment() {
        let tail = "//leakls:ignore global-growth TODO: say why this does not leak";
        // Nothing aligned around it: a line of its own above.
        let plain = "package p\n\nvar sessions = map[string]int{}\n";
        assert_eq!(
            ignored(plain, "sessions").unwrap(),
            format!("package p\n\n{tail}\nvar sessions = map[string]int{{}}\n")
        );
        // In an aligned group a line between would split the alignment: at the end of its line.
        let group = "package p\n\nvar (\n\tcount    int\n\tsessions = map[string]int{}\n)\n";
        assert_eq!(
            ignored(group, "sessions").unwrap(),
            format!(
                "package p\n\nvar (\n\tcount    int\n\tsessions = map[string]int{{}} {tail}\n)\n"
            )
        );
        // Trailing comments beside it would have to be aligned with it: no fix.
        let commented =
            "package p\n\nvar (\n\tcount    int // how many\n\tsessions = map[string]int{}\n)\n";
        assert_eq!(ignored(commented, "sessions"), None);
        // A struct field whose neighbour has a tag: its type is not its last cell there.
        let fields = "package p\n\ntype T struct {\n\tID   int\n\tName string\n\tm    map[string]int `json:\"-\"`\n}\n";
        assert_eq!(ignored(fields, "Name"), None);
        // A raw string that goes on below the line: no fix either.
        let raw = "package p\n\nvar (\n\tcount    int\n\tsessions = f(`a\nb`)\n)\n";
        assert_eq!(ignored(raw, "sessions"), None);
    }

    #[test]
    fn only_real_comments_are_directives() {
        let src = "package p\n\nvar s = \"//leakls:ignore time-tick in a string\"\nvar r = `\n//leakls:ignore time-tick raw`\n/*\n//leakls:ignore time-tick block\n*/\nvar q = '\"' //leakls:ignore time-tick real one\n";
        let found = directives(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 8);
        assert_eq!(
            &src[found[0].range.clone()],
            "//leakls:ignore time-tick real one"
        );
        assert_eq!(&src[found[0].codes_range.clone()], "time-tick");
    }

    #[test]
    fn a_directive_without_reason_silences_nothing() {
        let src = "package p\n//leakls:ignore time-tick\nvar x = time.Tick(d)\n";
        let f = finding(src, "time.Tick(d)", Code::TimeTick);
        let out = crate::analysis::finish(src, vec![f]);
        let codes: Vec<Code> = out.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::UnusedIgnore, Code::TimeTick]);
        assert!(
            out[0].message.contains("has no reason"),
            "{}",
            out[0].message
        );
        assert!(out[0].fixes.is_empty());
    }

    #[test]
    fn file_ignore_silences_the_whole_file() {
        let src = "package p\n\n//leakls:file-ignore time-tick,after-in-loop generated code\n\n\n\nvar x = time.Tick(d)\n";
        let f = finding(src, "time.Tick(d)", Code::TimeTick);
        let out = crate::analysis::finish(src, vec![f]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, Code::UnusedIgnore);
        assert!(out[0]
            .message
            .contains("no after-in-loop finding in this file"));
        assert_eq!(
            out[0].fixes[0].title,
            "Keep only time-tick in the directive"
        );
        let (fixed, _) = crate::analysis::fix::apply(src, &out[0].fixes[0].edits);
        assert!(fixed.contains("//leakls:file-ignore time-tick generated code\n"));
    }

    #[test]
    fn removing_an_unused_directive() {
        let own_line = "package p\n\n\t//leakls:ignore nosuch why\nvar x = 1\n";
        let out = crate::analysis::finish(own_line, Vec::new());
        assert!(out[0].message.contains("\"nosuch\" is not a leakls code"));
        let (fixed, _) = crate::analysis::fix::apply(own_line, &out[0].fixes[0].edits);
        assert_eq!(fixed, "package p\n\nvar x = 1\n");

        let trailing = "package p\n\nvar x = 1 //leakls:ignore time-tick why\n";
        let out = crate::analysis::finish(trailing, Vec::new());
        let (fixed, _) = crate::analysis::fix::apply(trailing, &out[0].fixes[0].edits);
        assert_eq!(fixed, "package p\n\nvar x = 1\n");
    }

    #[test]
    fn disabled_codes_are_not_unused() {
        let src = "package p\n//leakls:ignore time-tick why\nvar x = 1\n";
        let settings = Settings {
            disabled: vec![Code::TimeTick],
            ..Settings::default()
        };
        assert!(crate::analysis::finish_with(src, Vec::new(), &settings).is_empty());
        let quiet = Settings {
            disabled: vec![Code::UnusedIgnore],
            ..Settings::default()
        };
        assert!(crate::analysis::finish_with(src, Vec::new(), &quiet).is_empty());
    }
}
