//! `textDocument/hover` over a finding: its message, what the check finds and how to fix it
//! (the first paragraphs of its page under docs/checks/, built into the binary), and a link to
//! the page.

use std::ops::Range;

use crate::analysis::Finding;
use crate::cli::explain;

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
    let mut out = format!("**leakls `{code}`**: {}", finding.message);
    let page = explain::page(code);
    if let Some(what) = page.and_then(explain::what_it_finds) {
        out.push_str(&format!("\n\n{what}"));
    }
    if let Some(fix) = page.and_then(explain::the_fix) {
        out.push_str(&format!("\n\n**The fix:** {fix}"));
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
            text.starts_with("**leakls `time-tick`**: time-tick here\n\nA call of `time.Tick(d)`")
        );
        assert!(text.contains("**The fix:** The quick-fix"), "{text}");
        assert!(text.ends_with(&format!(
            "[More about time-tick]({}) · `leakls explain time-tick`",
            Code::TimeTick.docs_url()
        )));
        let (range, text) = explain(&findings, 17).unwrap();
        assert_eq!(range, 10..30);
        assert_eq!(text.matches("**leakls `").count(), 2);
    }
}
