//! `textDocument/hover` over a finding: what the check finds and how to fix it (the leads of
//! its page under docs/checks/, built into the binary: a paragraph, and the code block or list
//! it introduces), and a link to the page. The diagnostic's message is not repeated: the editor
//! shows it right above.

use std::ops::Range;

use crate::analysis::Finding;
use crate::docs;

/// The findings whose range holds `offset`: the range they cover together and the markdown that
/// explains them. `None` outside every finding.
pub fn explain(findings: &[Finding], offset: usize) -> Option<(Range<usize>, String)> {
    let hits: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.range.start <= offset && offset <= f.range.end)
        .collect();
    let start = hits.iter().map(|f| f.range.start).min()?;
    let end = hits.iter().map(|f| f.range.end).max()?;
    let text = hits
        .iter()
        .map(|f| markdown(f))
        .collect::<Vec<_>>()
        .join("\n\n---\n\n");
    Some((start..end, text))
}

/// One finding, explained.
pub fn markdown(finding: &Finding) -> String {
    let code = finding.code;
    let mut out = format!("**leakls `{code}`**");
    let page = docs::page(code);
    if let Some(what) = page.and_then(|p| docs::section_lead(p, "What it finds")) {
        out.push_str(&format!("\n\n{what}"));
    }
    // This finding's own fix first, with the code it adds; then what the page says.
    if let Some(fix) = finding.fixes.first() {
        let title = match fix.title.split_once(": ") {
            Some((what, code)) => format!("{what}: `{code}`"),
            None => fix.title.clone(),
        };
        out.push_str(&format!("\n\n**Quick-fix here:** {title}."));
    }
    if let Some(fix) = page.and_then(|p| docs::section_lead(p, "The fix")) {
        out.push_str(&format!("\n\n**The fix.** {fix}"));
    }
    out.push_str(&format!(
        "\n\n[More about {code}]({}) · `leakls explain {code}`",
        code.docs_url()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Code, Severity};

    fn finding(range: Range<usize>, code: Code) -> Finding {
        Finding {
            range,
            code,
            severity: Severity::Warning,
            message: format!("{code} here"),
            related: Vec::new(),
            fixes: Vec::new(),
        }
    }

    #[test]
    fn only_over_a_finding() {
        let findings = [
            finding(10..20, Code::TimeTick),
            finding(15..30, Code::AfterInLoop),
        ];
        assert!(explain(&findings, 5).is_none());
        assert!(explain(&findings, 31).is_none());
        let (range, text) = explain(&findings, 10).unwrap();
        assert_eq!(range, 10..20);
        assert!(
            text.starts_with("**leakls `time-tick`**\n\nA call of `time.Tick(d)`"),
            "{text}"
        );
        assert!(
            !text.contains("time-tick here"),
            "the message is not repeated: {text}"
        );
        assert!(text.contains("**The fix.** The quick-fix"), "{text}");
        assert!(text.ends_with(&format!(
            "[More about time-tick]({}) · `leakls explain time-tick`",
            Code::TimeTick.docs_url()
        )));
        let (range, text) = explain(&findings, 17).unwrap();
        assert_eq!(range, 10..30);
        assert_eq!(text.matches("**leakls `").count(), 2);
    }

    /// Every check's hover is whole: no paragraph cut before the block it announces.
    #[test]
    fn every_hover_ends_in_a_complete_sentence_or_block() {
        for code in Code::ALL {
            let text = markdown(&finding(0..1, code));
            let body = text
                .rsplit_once("\n\n[More about")
                .map(|(body, _)| body)
                .unwrap();
            // A part that ends in a colon is followed by what it announces, before the fix.
            let parts: Vec<&str> = body.split("\n\n").map(str::trim_end).collect();
            for pair in parts.windows(2) {
                assert!(
                    !pair[0].ends_with(':') || !pair[1].starts_with("**The fix.**"),
                    "{code}: a paragraph ends in a colon:\n{text}"
                );
            }
            assert!(
                body.ends_with(['.', ')', '`']) || body.ends_with("```"),
                "{code}: the hover ends mid-sentence:\n{text}"
            );
            assert!(
                body.contains("**The fix.**"),
                "{code}: no fix or cure:\n{text}"
            );
        }
        let growth = markdown(&finding(0..1, Code::GlobalGrowth));
        assert!(
            growth.contains("- **Remove entries when they end.**"),
            "{growth}"
        );
        let ticker = markdown(&finding(0..1, Code::UnstoppedTicker));
        assert!(ticker.contains("defer t.Stop()\n```"), "{ticker}");
    }
}
