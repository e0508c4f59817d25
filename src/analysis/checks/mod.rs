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
pub mod goroutine_leak;
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
    /// The declaration is a command's code that no handler or event loop calls: it may run
    /// once per program, so what it makes once is no leak (staticcheck skips `time.Tick` in
    /// main-like packages for the same reason).
    pub once_per_program: bool,
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
    let mut depth = DepthGuard::default();
    let timers = TimerChecks::new(root, source, file, module, &time);
    if let Some(timers) = &timers {
        for decl in candidate_declarations(root, source, &["Tick", "After"]) {
            if !depth.shallow(decl) {
                continue;
            }
            match timers.check(decl, skipped) {
                Some(found) => out.findings.extend(found),
                None => out.needs_index.push(decl.byte_range()),
            }
        }
    }
    // Every form slice-retains looks at slices with `[:` or `:]`, or with ` : ` as gofmt writes
    // `old[0 : n-1]`.
    for decl in candidate_declarations(root, source, &["[:", ":]", " : "]) {
        if !depth.shallow(decl) {
            continue;
        }
        let (found, needs_index) = slice_retains(decl, source, file, module, skipped);
        out.findings.extend(found);
        if needs_index && !out.needs_index.contains(&decl.byte_range()) {
            out.needs_index.push(decl.byte_range());
        }
    }
    // The goroutine-leak rules below read the whole file: what they ask of it is found in one
    // walk, made when the first of them needs it.
    let facts = std::cell::OnceCell::new();
    let facts = || facts.get_or_init(|| goroutine_leak::facts::FileFacts::new(root, source));
    // A goroutine that blocks for ever on a channel, a WaitGroup, a Cond or a local mutex; a
    // buffered channel sent on more times than it holds before anything can receive; a send
    // under a local mutex the receiver takes first.
    for decl in candidate_declarations(root, source, &["go func"]) {
        if !depth.shallow(decl) || !file.settings.enabled(Code::GoroutineLeak) {
            continue;
        }
        let line = Some(decl.start_position().row + 1);
        let found = contain("goroutine-leak", line, skipped, || {
            let mut found = Vec::new();
            goroutine_leak::check(decl, source, &mut found);
            if syntax::text(decl, source).contains("make(chan") {
                goroutine_leak::check_made_channels(decl, source, facts(), &mut found);
            }
            found
        });
        out.findings.extend(found.unwrap_or_default());
    }
    // A struct field's channel, Cond or WaitGroup nothing in the package releases, or its
    // context's cancel function nothing calls: judged with the whole package in the index.
    if file.settings.enabled(Code::GoroutineLeak) {
        // Type declarations are few and short: their own text is searched, not the file's.
        let mut cursor = root.walk();
        let types: Vec<Node> = root
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "type_declaration")
            .filter(|d| {
                let spelled = syntax::text(*d, source);
                ["chan", "sync.", "CancelFunc"]
                    .iter()
                    .any(|n| spelled.contains(n))
            })
            .collect();
        for decl in types {
            if !depth.shallow(decl) {
                continue;
            }
            match dead_fields(decl, source, file, module, facts(), skipped) {
                Some(found) => out.findings.extend(found),
                None => out.needs_index.push(decl.byte_range()),
            }
        }
    }
    // A method that locks its receiver's mutex again while it holds it.
    let locking = candidate_declarations(root, source, &["Lock()"]);
    for decl in locking.iter().copied() {
        if decl.kind() != "method_declaration"
            || !depth.shallow(decl)
            || !file.settings.enabled(Code::GoroutineLeak)
        {
            continue;
        }
        let line = Some(decl.start_position().row + 1);
        let found = contain("goroutine-leak", line, skipped, || {
            let mut found = Vec::new();
            goroutine_leak::check_locks(decl, source, facts(), &mut found);
            found
        });
        out.findings.extend(found.unwrap_or_default());
    }
    // A lock taken after a call that may have returned holding it.
    if !locking.is_empty()
        && depth.too_deep.is_empty()
        && file.settings.enabled(Code::GoroutineLeak)
    {
        let found = contain("goroutine-leak", None, skipped, || {
            let mut found = Vec::new();
            goroutine_leak::check_left_locked(source, facts(), &mut found);
            found
        });
        out.findings.extend(found.unwrap_or_default());
    }
    // A wait whose partners all come after a call the rules above found never returns.
    if file.settings.enabled(Code::GoroutineLeak) {
        let found = contain("goroutine-leak", None, skipped, || {
            goroutine_leak::check_after_stuck(source, root, facts, &out.findings)
        });
        out.findings.extend(found.unwrap_or_default());
    }
    skipped.extend(depth.too_deep.into_iter().map(|line| Skipped {
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
/// left pending ([`TreeFindings::needs_index`]): their findings in `findings` are replaced, and
/// everything else stands. Only those declarations are walked again. What could not be judged
/// is added to `skipped`.
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
    findings.retain(|f| !is_pending(f.range.start) || !JUDGED_WITH_INDEX.contains(&f.code));
    let root = tree.root_node();
    let time = TimeImport::find(root, source);
    let timers = TimerChecks::new(root, source, file, module, &time);
    let facts = std::cell::OnceCell::new();
    let facts = || facts.get_or_init(|| goroutine_leak::facts::FileFacts::new(root, source));
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        if !pending.contains(&decl.byte_range()) {
            continue;
        }
        if let Some(timers) = &timers {
            findings.extend(timers.check(decl, skipped).unwrap_or_default());
        }
        findings.extend(slice_retains(decl, source, file, module, skipped).0);
        if decl.kind() == "type_declaration" && file.settings.enabled(Code::GoroutineLeak) {
            let found = dead_fields(decl, source, file, module, facts(), skipped);
            findings.extend(found.unwrap_or_default());
        }
    }
    // What follows from the fields judged now (the first pass's consequences stand).
    if file.settings.enabled(Code::GoroutineLeak) {
        let found = contain("goroutine-leak", None, skipped, || {
            goroutine_leak::check_after_stuck(source, root, facts, findings)
        });
        findings.extend(found.unwrap_or_default());
    }
}

/// `goroutine-leak`'s fields nothing in the package releases, for one `type` declaration;
/// `None` until the index is complete.
fn dead_fields<'t>(
    decl: Node<'t>,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    facts: &goroutine_leak::facts::FileFacts<'t, '_>,
    skipped: &mut Vec<Skipped>,
) -> Option<Vec<Finding>> {
    let line = Some(decl.start_position().row + 1);
    contain("goroutine-leak", line, skipped, || {
        let mut found = goroutine_leak::dead_field::check(decl, source, file, module, facts)?;
        found.extend(goroutine_leak::ctx_cancel::check(
            decl, source, file, module, facts,
        )?);
        Some(found)
    })
    .unwrap_or(Some(Vec::new()))
}

/// The checks that may leave a declaration pending until the index is complete: a second pass
/// replaces their findings there, and only theirs (a `goroutine-leak` finding of the first pass
/// stands).
const JUDGED_WITH_INDEX: [Code; 4] = [
    Code::UnstoppedTicker,
    Code::TimeTick,
    Code::AfterInLoop,
    Code::SliceRetains,
];

/// `slice-retains` on one declaration: its findings, and whether it needs the complete index.
fn slice_retains(
    decl: Node,
    source: &str,
    file: &FileContext,
    module: ModuleView,
    skipped: &mut Vec<Skipped>,
) -> (Vec<Finding>, bool) {
    let line = Some(decl.start_position().row + 1);
    let found = contain("slice-retains", line, skipped, || {
        let mut found = Vec::new();
        let needs_index = slice::check(decl, source, file, module, &mut found);
        (found, needs_index)
    });
    found.unwrap_or_default()
}

/// The timer checks of a file, ready to run on its declarations.
struct TimerChecks<'a> {
    source: &'a str,
    file: &'a FileContext,
    module: ModuleView<'a>,
    time: &'a TimeImport,
    /// The imports, when the file is a command's: its declarations are checked only where they
    /// repeat, which takes the module's calls to see.
    command_imports: Option<Vec<(String, String)>>,
}

impl<'a> TimerChecks<'a> {
    /// `None` where they cannot find anything: `time` is not imported, or the runtime collects
    /// timers (then there is no leak to report).
    fn new(
        root: Node,
        source: &'a str,
        file: &'a FileContext,
        module: ModuleView<'a>,
        time: &'a TimeImport,
    ) -> Option<TimerChecks<'a>> {
        if !time.is_imported() || file.timer_severity().is_none() {
            return None;
        }
        let command =
            is_main_package(root, source) || module.index.is_part_of_command(module.package_path);
        Some(TimerChecks {
            source,
            file,
            module,
            time,
            command_imports: command.then(|| super::summary::file_imports(root, source)),
        })
    }

    /// The findings of every timer check in `decl`; `None` when it needs the complete index
    /// (a command's declaration, while the index is being filled).
    fn check(&self, decl: Node, skipped: &mut Vec<Skipped>) -> Option<Vec<Finding>> {
        let source = self.source;
        let mut ctx = Context {
            source,
            file: self.file,
            time: self.time,
            calls: collect_time_calls(decl, source, self.time),
            reserved_names: HashMap::new(),
            once_per_program: false,
        };
        if ctx.calls.is_empty() {
            return Some(Vec::new());
        }
        if let Some(imports) = &self.command_imports {
            if !self.module.complete {
                return None;
            }
            ctx.once_per_program = !repeats::declaration_repeats(
                decl,
                source,
                imports,
                self.module.index,
                self.module.package_path,
            );
        }
        let line = Some(decl.start_position().row + 1);
        let timer_checks: [(&'static str, TimerCheck); 3] = [
            ("unstopped-ticker", ticker::check),
            ("time-tick", time_tick::check),
            ("after-in-loop", after_in_loop::check),
        ];
        let mut findings = Vec::new();
        for (name, check) in timer_checks {
            // Into a list of its own: a check that panics half-way adds nothing.
            let found = contain(name, line, skipped, || {
                let mut found = Vec::new();
                check(&mut ctx, &mut found);
                found
            });
            findings.extend(found.unwrap_or_default());
        }
        Some(findings)
    }
}

/// The file's package clause says `package main`.
fn is_main_package(root: Node, source: &str) -> bool {
    let mut cursor = root.walk();
    let main = root
        .named_children(&mut cursor)
        .find(|n| n.kind() == "package_clause")
        .and_then(|p| p.named_child(0))
        .is_some_and(|name| syntax::text(name, source) == "main");
    main
}

/// False for a declaration nested too deep to check, whose line is then noted (once).
/// Which declarations are nested too deep to check, each measured once though several checks
/// ask (the measure walks the whole declaration when it is shallow, as nearly all are).
#[derive(Default)]
struct DepthGuard {
    /// The lines of the declarations found too deep.
    too_deep: Vec<usize>,
    /// Answers so far, by the declaration's first byte.
    known: std::collections::HashMap<usize, bool>,
}

impl DepthGuard {
    fn shallow(&mut self, decl: Node) -> bool {
        let at = decl.start_byte();
        if let Some(shallow) = self.known.get(&at) {
            return *shallow;
        }
        let shallow = syntax::depth_at_most(decl, MAX_DECLARATION_DEPTH);
        self.known.insert(at, shallow);
        if !shallow {
            self.too_deep.push(decl.start_position().row + 1);
        }
        shallow
    }
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

    /// While the index is being filled, slice-retains leaves its candidates pending (whether
    /// the owner outlives the call takes the other files); they are judged once, whole, when it
    /// is complete, and what a first run found in them is replaced, not repeated.
    #[test]
    fn pending_declarations_are_judged_again_once() {
        let src = "package p\n\nimport (\n\t\"sync\"\n\n\t\"example.com/other\"\n)\n\n\
                   type Conn struct{ next *Conn }\n\n\
                   type Hub struct {\n\tmu    sync.Mutex\n\tconns []*Conn\n\tjobs  []*other.Job\n}\n\n\
                   func (h *Hub) Push(c *Conn, j *other.Job) {\n\th.conns = append(h.conns, c)\n\th.jobs = append(h.jobs, j)\n}\n\n\
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
        assert_eq!(lines(&first.findings), [] as [usize; 0]);
        let pending: Vec<&str> = first
            .needs_index
            .iter()
            .map(|r| src[r.clone()].lines().next().unwrap())
            .collect();
        assert_eq!(pending, ["func (h *Hub) Drop() {", "func (h *Hub) Pop() {"]);
        // A finding a first run made in a pending declaration is replaced, not kept beside.
        let complete = run_all(src, &tree, &ctx, view(true));
        let mut findings = complete.findings.clone();
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
        // A pointer keeps what it points to alive, from another module too.
        assert_eq!(lines(&findings), [23, 24, 28]);
        assert_eq!(lines(&complete.findings), [23, 24, 28]);
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
