//! The checks, one per file, and the driver that feeds them.
//!
//! Every check here is about a call into the `time` package, so the driver first finds the
//! top-level declarations whose text mentions one of those functions (a fast substring search),
//! then walks each such declaration once to collect the calls every check looks at. On a 3 MB
//! generated file an edit then costs a substring scan, not a walk of the whole tree.

pub mod after_in_loop;
pub mod global;
pub mod slice;
pub mod ticker;
pub mod ticker_field;
pub mod time_tick;

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::module::{EmptyIndex, ModuleIndex};
use super::syntax::{self, TimeImport};
use super::{FileContext, Finding, Severity};

/// The `time` functions the checks care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFunc {
    NewTicker,
    Tick,
    After,
}

impl TimeFunc {
    const ALL: [TimeFunc; 3] = [TimeFunc::NewTicker, TimeFunc::Tick, TimeFunc::After];

    pub fn name(self) -> &'static str {
        match self {
            TimeFunc::NewTicker => "NewTicker",
            TimeFunc::Tick => "Tick",
            TimeFunc::After => "After",
        }
    }
}

/// What one walk of a declaration found, shared by every check.
pub struct Context<'a, 't> {
    pub source: &'a str,
    pub file: &'a FileContext,
    pub time: &'a TimeImport,
    /// Calls of `time` functions in this declaration, in source order.
    pub calls: Vec<(Node<'t>, TimeFunc)>,
    /// Names fixes have introduced per function (by node id), so two fixes in one function
    /// never pick the same fresh name.
    pub reserved_names: HashMap<usize, std::collections::HashSet<String>>,
}

impl<'t> Context<'_, 't> {
    /// Warning while the runtime keeps unstopped timers forever; Information once it collects them.
    pub fn timer_severity(&self) -> Severity {
        if self.file.go.timers_collected() {
            Severity::Information
        } else {
            Severity::Warning
        }
    }

    pub fn calls_of(&self, func: TimeFunc) -> Vec<Node<'t>> {
        self.calls
            .iter()
            .filter(|(_, f)| *f == func)
            .map(|(n, _)| *n)
            .collect()
    }
}

/// What tree checks may ask about the rest of the module.
#[derive(Clone, Copy)]
pub struct ModuleView<'a> {
    /// The import path of the analysed file's package.
    pub package_path: &'a str,
    pub index: &'a dyn ModuleIndex,
    /// False while the index is still being filled (the first pass of `leakls check`): a check
    /// that needs other files then asks for a second pass instead of guessing.
    pub complete: bool,
}

impl ModuleView<'_> {
    /// A file on its own: nothing else of the module is known.
    pub fn alone() -> ModuleView<'static> {
        ModuleView {
            package_path: "",
            index: &EmptyIndex,
            complete: true,
        }
    }
}

/// Findings from a file's tree; `needs_index` when some could not be judged yet.
#[derive(Debug, Default)]
pub struct TreeFindings {
    pub findings: Vec<Finding>,
    pub needs_index: bool,
}

pub fn run_all(source: &str, tree: &Tree, file: &FileContext, module: ModuleView) -> TreeFindings {
    let root = tree.root_node();
    let mut out = TreeFindings::default();
    let time = TimeImport::find(root, source);
    if time.is_imported() {
        for decl in candidate_declarations(root, source, &["Tick", "After"]) {
            let mut ctx = Context {
                source,
                file,
                time: &time,
                calls: collect_time_calls(decl, source, &time),
                reserved_names: HashMap::new(),
            };
            if ctx.calls.is_empty() {
                continue;
            }
            ticker::check(&mut ctx, &mut out.findings);
            time_tick::check(&mut ctx, &mut out.findings);
            after_in_loop::check(&mut ctx, &mut out.findings);
        }
    }
    // Every form slice-retains looks at slices with `[:` or `:]`, or with ` : ` as gofmt writes
    // `old[0 : n-1]`.
    for decl in candidate_declarations(root, source, &["[:", ":]", " : "]) {
        out.needs_index |= slice::check(decl, source, file, module, &mut out.findings);
    }
    out
}

/// Top-level declarations whose text contains one of `needles`, in source order.
fn candidate_declarations<'t>(root: Node<'t>, source: &str, needles: &[&str]) -> Vec<Node<'t>> {
    let mut hits: Vec<usize> = Vec::new();
    for needle in needles {
        let finder = memchr::memmem::Finder::new(needle);
        hits.extend(finder.find_iter(source.as_bytes()));
    }
    hits.sort_unstable();
    let mut decls: Vec<Node<'t>> = Vec::new();
    for at in hits {
        if decls.last().is_some_and(|d| d.byte_range().contains(&at)) {
            continue;
        }
        if let Some(decl) = root
            .first_child_for_byte(at)
            .filter(|d| d.start_byte() <= at)
        {
            if decls.last() != Some(&decl) {
                decls.push(decl);
            }
        }
    }
    decls
}

fn collect_time_calls<'t>(
    decl: Node<'t>,
    source: &str,
    time: &TimeImport,
) -> Vec<(Node<'t>, TimeFunc)> {
    let mut calls = Vec::new();
    syntax::walk(decl, |n| {
        if n.kind() == "call_expression" {
            if let Some(f) = TimeFunc::ALL
                .into_iter()
                .find(|f| time.is_call_of(n, source, f.name()))
            {
                calls.push((n, f));
            }
        }
        true
    });
    calls
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::go_version::GoMod;

    /// The fixtures check messages; severity is checked here: Warning while unstopped timers
    /// live forever, Information once the runtime collects them.
    #[test]
    fn severity_follows_the_timer_semantics() {
        let src = "package p\nimport \"time\"\nfunc f(d time.Duration, in chan int) {\n\
                   \tt := time.NewTicker(d)\n\t<-t.C\n\tc := time.Tick(d)\n\t<-c\n\
                   \tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(d):\n\t\t\treturn\n\t\t}\n\t}\n}\n";
        let tree = crate::analysis::parse(src);
        for (gomod, want) in [
            ("module m\ngo 1.22\n", Severity::Warning),
            ("module m\ngo 1.23\n", Severity::Information),
            (
                "module m\ngo 1.24\ngodebug asynctimerchan=1\n",
                Severity::Warning,
            ),
            (
                "module m\ngo 1.22\ngodebug asynctimerchan=0\n",
                Severity::Information,
            ),
        ] {
            let ctx = FileContext {
                go: GoMod::parse(gomod).semantics(),
                is_test_file: false,
                ..FileContext::default()
            };
            let findings = crate::analysis::analyze(src, &tree, &ctx);
            assert_eq!(findings.len(), 3, "{gomod}: {findings:?}");
            for f in findings {
                assert_eq!(f.severity, want, "{gomod}: {}", f.code);
            }
        }
    }
}
