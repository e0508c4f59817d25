//! The pages of the checks (docs/checks/*.md), built into the binary: `leakls explain` prints
//! them, hovers and SARIF rules quote them.

use crate::analysis::Code;

/// Every code's page. Adding a code needs one line here.
pub const PAGES: &[(Code, &str)] = &[
    (
        Code::UnstoppedTicker,
        include_str!("../docs/checks/unstopped-ticker.md"),
    ),
    (Code::TimeTick, include_str!("../docs/checks/time-tick.md")),
    (
        Code::AfterInLoop,
        include_str!("../docs/checks/after-in-loop.md"),
    ),
    (
        Code::GlobalGrowth,
        include_str!("../docs/checks/global-growth.md"),
    ),
    (
        Code::SliceRetains,
        include_str!("../docs/checks/slice-retains.md"),
    ),
    (
        Code::GoroutineLeak,
        include_str!("../docs/checks/goroutine-leak.md"),
    ),
    (
        Code::UnusedIgnore,
        include_str!("../docs/checks/unused-ignore.md"),
    ),
];

/// The page of `code`, if this binary carries one.
pub fn page(code: Code) -> Option<&'static str> {
    PAGES.iter().find(|(c, _)| *c == code).map(|(_, p)| *p)
}

/// The codes `leakls explain` knows, comma-separated, for error messages and usage.
pub fn known_codes() -> String {
    PAGES
        .iter()
        .map(|(c, _)| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first paragraph under "## What it finds", joined into one line: the rule's description
/// in a SARIF log.
pub fn what_it_finds(page: &str) -> Option<String> {
    first_paragraph(page, "What it finds")
}

/// The first paragraph under "## The fix", joined into one line.
pub fn the_fix(page: &str) -> Option<String> {
    first_paragraph(page, "The fix")
}

/// The first paragraph of text (not a code block) under the `## <heading>` of a page.
pub fn first_paragraph(page: &str, heading: &str) -> Option<String> {
    let mut lines = page
        .lines()
        .skip_while(|l| l.trim().strip_prefix("## ") != Some(heading));
    lines.next()?;
    let paragraph: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("```"))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// The lead of the `## <heading>` section, for a hover: its first paragraph, and while what is
/// taken ends with a colon, the block it introduces (a code block, a list, a paragraph). Never
/// text that stops at "the usual ones:". Markdown is kept as the page has it.
pub fn section_lead(page: &str, heading: &str) -> Option<String> {
    let mut lines = page
        .lines()
        .skip_while(|l| l.trim().strip_prefix("## ") != Some(heading));
    lines.next()?;
    let rest: Vec<&str> = lines.take_while(|l| !l.starts_with("## ")).collect();
    let blocks = blocks(&rest);
    let mut taken: Vec<String> = Vec::new();
    for block in blocks {
        let introduces = taken
            .last()
            .is_some_and(|last: &String| last.trim_end().ends_with(':'));
        if !taken.is_empty() && !introduces {
            break;
        }
        taken.push(block);
    }
    (!taken.is_empty()).then(|| taken.join("\n\n"))
}

/// The blocks of a section: paragraphs (joined into one line), lists and code blocks (kept line
/// by line), separated by blank lines.
fn blocks(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if line.trim_start().starts_with("```") {
            let start = i;
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                i += 1;
            }
            let end = (i + 1).min(lines.len());
            out.push(lines[start..end].join("\n"));
            i = end;
            continue;
        }
        let start = i;
        while i < lines.len()
            && !lines[i].trim().is_empty()
            && !lines[i].trim_start().starts_with("```")
        {
            i += 1;
        }
        let block = &lines[start..i];
        let is_list = block[0].trim_start().starts_with(['-', '*', '|']);
        out.push(if is_list {
            block.join("\n")
        } else {
            block.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page added under docs/checks/ must also be listed in `PAGES`.
    #[test]
    fn every_page_in_docs_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let Some(code) = name.strip_suffix(".md") else {
                continue;
            };
            let code = Code::from_name(code).unwrap_or_else(|| panic!("{name}: not a code"));
            assert!(page(code).is_some(), "add docs/checks/{name} to PAGES");
        }
    }

    #[test]
    fn the_first_paragraph_describes_the_rule() {
        let text = what_it_finds(page(Code::GlobalGrowth).unwrap()).unwrap();
        assert!(
            text.starts_with("A package-level map, slice or `sync.Map`"),
            "{text}"
        );
        assert!(text.ends_with("replaces it."), "{text}");
    }

    /// Hover shows the first paragraphs of "What it finds" and "The fix": every page has both.
    #[test]
    fn every_page_has_a_summary_and_a_fix() {
        for code in Code::ALL {
            let page = page(code).unwrap_or_else(|| panic!("{code} has no page"));
            assert!(
                what_it_finds(page).is_some(),
                "{code}: no \"What it finds\""
            );
            assert!(the_fix(page).is_some(), "{code}: no \"The fix\"");
        }
    }
}
