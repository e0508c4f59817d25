//! The checks, one per file, and the driver that feeds them.
//!
//! Every check here is about a call into the `time` package, so the driver first finds the
//! top-level declarations whose text mentions one of those functions (a fast substring search),
//! then walks each such declaration once to collect the calls every check looks at. On a 3 MB
//! generated file an edit then costs a substring scan, not a walk of the whole tree.
//!
//! A check that panics on a file loses its findings for that declaration (or file), not the
//! process: each runs under `catch_unwind`, and what was skipped is reported as [`Skipped`] with
//! the check's name, for the caller to log with the file's path. The other checks' findings
//! stand.

pub mod after_in_loop;
pub mod global;
pub mod repeats;
pub mod slice;
pub mod ticker;
pub mod ticker_field;
pub mod time_tick;

use std::collections::HashMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use tree_sitter::{Node, Tree};

use super::module::{EmptyIndex, ModuleIndex};
use super::syntax::{self, TimeImport};
use super::{Code, FileContext, Finding, Severity};

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
    /// The severity of the timer checks' findings here (the driver runs them only when there is
    /// one: see [`FileContext::timer_severity`]).
    pub fn timer_severity(&self) -> Severity {
        self.file.timer_severity().unwrap_or(Severity::Hint)
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

/// Findings from a file's tree, and the top-level declarations (byte ranges, in source order)
/// whose `slice-retains` candidates could not be judged until the index is complete.
#[derive(Debug, Default)]
pub struct TreeFindings {
    pub findings: Vec<Finding>,
    pub needs_index: Vec<Range<usize>>,
}

/// A check of the calls of `time` functions in one declaration.
type TimerCheck = fn(&mut Context, &mut Vec<Finding>);

/// Declarations nested deeper than this are not checked. The checks walk up the tree from the
/// nodes they judge, and tree-sitter finds a node's parent by walking down from the root, so
/// their cost grows with the cube of the depth: 100,000 nested blocks would take days.
/// Hand-written Go stays under 60 levels; generated tables reach about 950.
pub const MAX_DECLARATION_DEPTH: usize = 1000;

/// Part of a file a check could not judge, and why: it panicked, or the code is nested too
/// deep. The other findings stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The check, by its code (`unstopped-ticker (struct fields)` for the field check), or
    /// `every check` for a declaration too deep to check.
    pub check: &'static str,
    /// The 1-based line of the declaration, when the check was judging one.
    pub line: Option<usize>,
    pub why: String,
    /// The check panicked (a bug), rather than declined hostile input.
    pub panicked: bool,
}

impl Skipped {
    /// An error for a bug, a warning for input declined.
    pub fn level(&self) -> crate::log::Level {
        if self.panicked {
            crate::log::Level::Error
        } else {
            crate::log::Level::Warn
        }
    }

    /// `line 12: check: why` (or `check: why`), for a message that names the file apart.
    pub fn describe_here(&self) -> String {
        let at = self.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        format!("{at}{}: {}", self.check, self.why)
    }

    /// `path:line: check: why`, for a log.
    pub fn describe(&self, path: Option<&std::path::Path>) -> String {
        let path = path.map_or("<buffer>".into(), |p| p.display().to_string());
        let at = self.line.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{path}{at}: {}: {}", self.check, self.why)
    }
}

/// Runs `check`, turning a panic into a [`Skipped`].
pub fn contain<T>(
    check: &'static str,
    line: Option<usize>,
    skipped: &mut Vec<Skipped>,
    run: impl FnOnce() -> T,
) -> Option<T> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        test_panic(check);
        run()
    }));
    match result {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            skipped.push(Skipped {
                check,
                line,
                why: format!("the check panicked ({message}); its findings here are missing"),
                panicked: true,
            });
            None
        }
    }
}

/// The message a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// A hook for the tests of panic containment, honoured in debug builds only:
/// `LEAKLS_TEST_PANIC=<name>` makes the check (or server step) of that name panic every time.
pub fn test_panic(name: &str) {
    if cfg!(debug_assertions) {
        static WANTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
        let wanted = WANTED.get_or_init(|| std::env::var("LEAKLS_TEST_PANIC").ok());
        if wanted.as_deref() == Some(name) {
            panic!("LEAKLS_TEST_PANIC={name}");
        }
    }
}

/// Logs what was skipped (to stderr, at `--log-level`): for callers with no client to tell.
pub fn log_skipped(skipped: &[Skipped], path: Option<&std::path::Path>) {
    for s in skipped {
        crate::log::log(s.level(), format_args!("{}", s.describe(path)));
    }
}

pub fn run_all(source: &str, tree: &Tree, file: &FileContext, module: ModuleView) -> TreeFindings {
    let mut skipped = Vec::new();
    let found = run_all_reporting(source, tree, file, module, &mut skipped);
    log_skipped(&skipped, file.path.as_deref());
    found
}

/// [`run_all`], adding what could not be checked to `skipped` instead of logging it.
pub fn run_all_reporting(
    source: &str,
    tree: &Tree,
    file: &FileContext,
    module: ModuleView,
    skipped: &mut Vec<Skipped>,
) -> TreeFindings {
    let root = tree.root_node();
    let mut out = TreeFindings::default();
    if !file.is_checked() {
        return out;
    }
    let time = TimeImport::find(root, source);
    let mut too_deep = Vec::new();
    // Where the runtime collects timers, the timer checks find no leak: they do not run.
    if time.is_imported() && file.timer_severity().is_some() {
        for decl in candidate_declarations(root, source, &["Tick", "After"]) {
            if !shallow_enough(decl, &mut too_deep) {
                continue;
            }
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
            let line = Some(decl.start_position().row + 1);
            let timer_checks: [(&'static str, TimerCheck); 3] = [
                ("unstopped-ticker", ticker::check),
                ("time-tick", time_tick::check),
                ("after-in-loop", after_in_loop::check),
            ];
            for (name, check) in timer_checks {
                // Into a list of its own: a check that panics half-way adds nothing.
                let found = contain(name, line, skipped, || {
                    let mut found = Vec::new();
                    check(&mut ctx, &mut found);
                    found
                });
                out.findings.extend(found.unwrap_or_default());
            }
        }
    }
    // Every form slice-retains looks at slices with `[:` or `:]`, or with ` : ` as gofmt writes
    // `old[0 : n-1]`.
    for decl in candidate_declarations(root, source, &["[:", ":]", " : "]) {
        if !shallow_enough(decl, &mut too_deep) {
            continue;
        }
        let line = Some(decl.start_position().row + 1);
        let found = contain("slice-retains", line, skipped, || {
            let mut found = Vec::new();
            let needs_index = slice::check(decl, source, file, module, &mut found);
            (found, needs_index)
        });
        if let Some((found, needs_index)) = found {
            out.findings.extend(found);
            if needs_index {
                out.needs_index.push(decl.byte_range());
            }
        }
    }
    skipped.extend(too_deep.into_iter().map(|line| Skipped {
        check: "every check",
        line: Some(line),
        why: format!(
            "the declaration is nested more than {MAX_DECLARATION_DEPTH} levels deep: not checked"
        ),
        panicked: false,
    }));
    out
}

/// Judges again, now that `module` is complete, the declarations a first run over the same tree
/// left pending ([`TreeFindings::needs_index`]): their `slice-retains` findings in `findings`
/// are replaced, and everything else stands. Only those declarations are walked again. What
/// could not be judged is added to `skipped`.
pub fn judge_pending(
    source: &str,
    tree: &Tree,
    file: &FileContext,
    module: ModuleView,
    pending: &[Range<usize>],
    findings: &mut Vec<Finding>,
    skipped: &mut Vec<Skipped>,
) {
    let is_pending = |at: usize| pending.iter().any(|r| r.contains(&at));
    findings.retain(|f| f.code != Code::SliceRetains || !is_pending(f.range.start));
    let root = tree.root_node();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if !pending.contains(&decl.byte_range()) {
            continue;
        }
        let line = Some(decl.start_position().row + 1);
        let found = contain("slice-retains", line, skipped, || {
            let mut found = Vec::new();
            slice::check(decl, source, file, module, &mut found);
            found
        });
        findings.extend(found.unwrap_or_default());
    }
}

/// False for a declaration nested too deep to check, whose line is then noted (once).
fn shallow_enough(decl: Node, too_deep: &mut Vec<usize>) -> bool {
    if syntax::depth_at_most(decl, MAX_DECLARATION_DEPTH) {
        return true;
    }
    let line = decl.start_position().row + 1;
    if !too_deep.contains(&line) {
        too_deep.push(line);
    }
    false
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

    /// A declaration left pending by the first run is judged again whole: what the first run
    /// already found there is replaced, not repeated, and other declarations keep theirs.
    #[test]
    fn pending_declarations_are_judged_again_once() {
        let src = "package p\n\nimport \"example.com/other\"\n\ntype Conn struct{ next *Conn }\n\n\
                   type Hub struct {\n\tconns []*Conn\n\tjobs  []*other.Job\n}\n\n\
                   func (h *Hub) Drop() {\n\th.conns = h.conns[1:]\n\th.jobs = h.jobs[1:]\n}\n\n\
                   func (h *Hub) Pop() {\n\th.conns = h.conns[1:]\n}\n";
        let tree = crate::analysis::parse(src);
        let ctx = FileContext::default();
        let index = crate::workspace::index::Index::default();
        let path = std::path::Path::new("/m/p/hub.go");
        index.update(
            path,
            std::sync::Arc::new(crate::analysis::summary::FileSummary::new(src, &tree)),
        );
        let file = index.get(path).expect("indexed");
        let view = |complete| ModuleView {
            package_path: &file.package_path,
            index: &index,
            complete,
        };
        let first = run_all(src, &tree, &ctx, view(false));
        let lines = |findings: &[Finding]| -> Vec<usize> {
            let mut lines: Vec<usize> = findings
                .iter()
                .map(|f| src[..f.range.start].matches('\n').count() + 1)
                .collect();
            lines.sort_unstable();
            lines
        };
        // `*other.Job` is from a package not indexed yet: Drop waits, its `conns` finding stands.
        assert_eq!(lines(&first.findings), [13, 18]);
        assert_eq!(first.needs_index.len(), 1);
        assert!(src[first.needs_index[0].clone()].starts_with("func (h *Hub) Drop"));
        let mut findings = first.findings;
        let mut skipped = Vec::new();
        judge_pending(
            src,
            &tree,
            &ctx,
            view(true),
            &first.needs_index,
            &mut findings,
            &mut skipped,
        );
        assert!(skipped.is_empty(), "{skipped:?}");
        // Complete now, and `other` is outside the module: not judged, and nothing twice.
        assert_eq!(lines(&findings), [13, 18]);
    }

    /// The fixtures check messages; severity is checked here: Warning while unstopped timers
    /// live forever; where the runtime collects them, nothing by default, Hints on request.
    #[test]
    fn severity_follows_the_timer_semantics() {
        let src = "package p\nimport \"time\"\nfunc f(d time.Duration, in chan int) {\n\
                   \tt := time.NewTicker(d)\n\t<-t.C\n\tc := time.Tick(d)\n\t<-c\n\
                   \tfor {\n\t\tselect {\n\t\tcase <-in:\n\t\tcase <-time.After(d):\n\t\t\treturn\n\t\t}\n\t}\n}\n";
        let tree = crate::analysis::parse(src);
        let hints = std::sync::Arc::new(crate::analysis::Settings {
            collected_timers: crate::analysis::CollectedTimers::Hint,
            ..Default::default()
        });
        for (gomod, default, hinted) in [
            (
                "module m\ngo 1.22\n",
                Some(Severity::Warning),
                Severity::Warning,
            ),
            ("module m\ngo 1.23\n", None, Severity::Hint),
            (
                "module m\ngo 1.24\ngodebug asynctimerchan=1\n",
                Some(Severity::Warning),
                Severity::Warning,
            ),
            (
                "module m\ngo 1.22\ngodebug asynctimerchan=0\n",
                None,
                Severity::Hint,
            ),
            (
                "module m\ngo 1.22\ntoolchain go1.27.0\n",
                None,
                Severity::Hint,
            ),
        ] {
            let ctx = FileContext {
                go: GoMod::parse(gomod).semantics(),
                is_test_file: false,
                ..FileContext::default()
            };
            let findings = crate::analysis::analyze(src, &tree, &ctx);
            match default {
                Some(want) => {
                    assert_eq!(findings.len(), 3, "{gomod}: {findings:?}");
                    assert!(findings.iter().all(|f| f.severity == want), "{gomod}");
                }
                None => assert!(findings.is_empty(), "{gomod}: {findings:?}"),
            }
            let ctx = ctx.with_settings(hints.clone());
            let findings = crate::analysis::analyze(src, &tree, &ctx);
            assert_eq!(findings.len(), 3, "{gomod} with hints: {findings:?}");
            assert!(findings.iter().all(|f| f.severity == hinted), "{gomod}");
        }
    }
}
