//! `leakls explain <code>`: the page of a check from docs/checks/, built into the binary so an
//! installed `leakls` can show it without the source tree.

use crate::analysis::Code;

/// Every code's page. Adding a code needs one line here.
pub const PAGES: &[(Code, &str)] = &[
    (
        Code::UnstoppedTicker,
        include_str!("../../docs/checks/unstopped-ticker.md"),
    ),
    (
        Code::TimeTick,
        include_str!("../../docs/checks/time-tick.md"),
    ),
    (
        Code::AfterInLoop,
        include_str!("../../docs/checks/after-in-loop.md"),
    ),
    (
        Code::GlobalGrowth,
        include_str!("../../docs/checks/global-growth.md"),
    ),
    (
        Code::SliceRetains,
        include_str!("../../docs/checks/slice-retains.md"),
    ),
    (
        Code::UnusedIgnore,
        include_str!("../../docs/checks/unused-ignore.md"),
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

/// Runs `leakls explain ARGS`; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let name = match args {
        [name] if !name.starts_with('-') => name,
        [] => {
            eprintln!(
                "leakls explain: name a code: {}\nusage: leakls explain CODE",
                known_codes()
            );
            return super::EXIT_ERROR;
        }
        _ => {
            eprintln!("leakls explain: expected one code\nusage: leakls explain CODE");
            return super::EXIT_ERROR;
        }
    };
    match Code::from_name(name).and_then(page) {
        Some(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            super::EXIT_CLEAN
        }
        None => {
            eprintln!(
                "leakls explain: unknown code {name:?}; the codes are: {}",
                known_codes()
            );
            super::EXIT_ERROR
        }
    }
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
