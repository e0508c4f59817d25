//! The analysis core: a Go syntax tree in, findings out.
//!
//! Nothing here knows about LSP. Ranges are byte offsets into the source text; the server and
//! the command line convert them to whatever their users expect.

pub mod checks;
pub mod fix;
pub mod go_version;
pub mod kind;
pub mod module;
pub mod summary;
pub mod suppress;
pub mod syntax;
pub mod types;

use std::ops::Range;
use std::path::Path;

pub use fix::{Edit, Fix};
pub use go_version::{GoSemantics, GoVersion};

use std::sync::Arc;

/// The stable diagnostic codes: editors, configs and suppressions name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    UnstoppedTicker,
    TimeTick,
    AfterInLoop,
    SliceRetains,
    GlobalGrowth,
    GoroutineLeak,
    /// A `//leakls:ignore` or `//leakls:file-ignore` comment without a reason, or that silences
    /// nothing.
    UnusedIgnore,
}

impl Code {
    pub const ALL: [Code; 7] = [
        Code::UnstoppedTicker,
        Code::TimeTick,
        Code::AfterInLoop,
        Code::SliceRetains,
        Code::GlobalGrowth,
        Code::GoroutineLeak,
        Code::UnusedIgnore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnstoppedTicker => "unstopped-ticker",
            Code::TimeTick => "time-tick",
            Code::AfterInLoop => "after-in-loop",
            Code::SliceRetains => "slice-retains",
            Code::GlobalGrowth => "global-growth",
            Code::GoroutineLeak => "goroutine-leak",
            Code::UnusedIgnore => "unused-ignore",
        }
    }

    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Where the page that explains this check lives.
    pub fn docs_url(self) -> String {
        format!("{DOCS_BASE_URL}{}.md", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The published home of `docs/checks/`.
pub const DOCS_BASE_URL: &str = "https://github.com/leakls/leakls/blob/main/docs/checks/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        [
            Severity::Error,
            Severity::Warning,
            Severity::Information,
            Severity::Hint,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// What a project's configuration asks of the analysis (read by `crate::config`): which checks
/// run, at what severity, and under which Go version. The default is every check, as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Codes whose findings are dropped; suppressions naming them are never "unused".
    pub disabled: Vec<Code>,
    /// Severities that replace the one a check chose.
    pub severity: Vec<(Code, Severity)>,
    /// Replaces the `go` line of the nearest go.mod (its `godebug` lines still count).
    pub go_version: Option<GoVersion>,
    /// Checks `_test.go` files too. Off by default: a test runs in a process that ends with it,
    /// so what it leaks is gone a moment later.
    pub tests: bool,
    /// What the timer checks say where the runtime collects timers (Go 1.23 and later).
    pub collected_timers: CollectedTimers,
}

/// How the timer checks (`unstopped-ticker`, `time-tick`, `after-in-loop`) report where the
/// module's Go version collects unreferenced timers, so that what they find is no leak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CollectedTimers {
    /// Nothing: there is no leak to report.
    #[default]
    Off,
    /// As hints: a stopped timer is still released sooner.
    Hint,
}

impl Settings {
    pub fn enabled(&self, code: Code) -> bool {
        !self.disabled.contains(&code)
    }

    pub fn severity_of(&self, code: Code) -> Option<Severity> {
        self.severity
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
    }
}

/// A place elsewhere that explains a finding (for example each site that grows a global).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Another file; `None` for the file of the finding.
    pub path: Option<std::path::PathBuf>,
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub range: Range<usize>,
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub related: Vec<Related>,
    /// The fixes that change the program, best first. The "ignore" fix is not among them: it is
    /// the same for every finding and is built on demand by [`suppress::ignore_fix`].
    pub fixes: Vec<Fix>,
}

/// What the checks need to know about the file besides its text.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// The Go semantics in force for this file (from the nearest go.mod).
    pub go: GoSemantics,
    /// Test code (a `_test.go` file, or a test helper by its name or its package's) runs under
    /// `go test`, where what leaks dies with the process.
    pub is_test_file: bool,
    /// The project's configuration for this file.
    pub settings: Arc<Settings>,
    /// The file, for logs (`None` for a buffer that is not a file).
    pub path: Option<std::path::PathBuf>,
}

impl FileContext {
    pub fn for_path(path: &Path, go: GoSemantics) -> FileContext {
        let is_test_file = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with("_test.go"));
        FileContext {
            go,
            is_test_file,
            settings: Arc::default(),
            path: Some(path.to_path_buf()),
        }
    }

    /// False for a file the settings leave unchecked: a test file, unless `tests` is on.
    pub fn is_checked(&self) -> bool {
        !self.is_test_file || self.settings.tests
    }

    /// The severity of a timer check's finding: a Warning while the runtime keeps unstopped
    /// timers forever; where it collects them, nothing (or a Hint, if the settings ask).
    pub fn timer_severity(&self) -> Option<Severity> {
        if !self.go.timers_collected() {
            return Some(Severity::Warning);
        }
        match self.settings.collected_timers {
            CollectedTimers::Off => None,
            CollectedTimers::Hint => Some(Severity::Hint),
        }
    }

    /// Applies a configuration: its `go_version` replaces the go.mod's `go` line.
    pub fn with_settings(mut self, settings: Arc<Settings>) -> FileContext {
        if let Some(v) = settings.go_version {
            self.go.version = Some(v);
        }
        self.settings = settings;
        self
    }
}

/// Parses Go source from scratch. A fresh parser per call is cheap next to the parse itself.
pub fn parse(source: &str) -> tree_sitter::Tree {
    let mut parser = new_parser();
    parser
        .parse(source, None)
        .expect("tree-sitter returns a tree when no cancellation or timeout is set")
}

pub fn new_parser() -> tree_sitter::Parser {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("the tree-sitter-go grammar matches the tree-sitter ABI (checked by a test)");
    parser
}

/// Runs the checks that read one file's tree, and drops what `//leakls:ignore` comments silence.
pub fn analyze(source: &str, tree: &tree_sitter::Tree, ctx: &FileContext) -> Vec<Finding> {
    let tree_findings = checks::run_all(source, tree, ctx, checks::ModuleView::alone());
    finish_with(source, tree_findings.findings, &ctx.settings)
}

/// Everything leakls finds in one file of a module: the checks that read its tree, and those that
/// read the rest of the module through the index.
pub fn analyze_in_module(
    source: &str,
    tree: &tree_sitter::Tree,
    ctx: &FileContext,
    file: &module::ModuleFile,
    index: &dyn module::ModuleIndex,
) -> Vec<Finding> {
    let view = checks::ModuleView {
        package_path: &file.package_path,
        index,
        complete: true,
    };
    let mut findings = checks::run_all(source, tree, ctx, view).findings;
    findings.extend(module_findings(file, ctx, index));
    finish_with(source, findings, &ctx.settings)
}

/// The findings that need only the file's summary and the index, not its tree.
pub fn module_findings(
    file: &module::ModuleFile,
    ctx: &FileContext,
    index: &dyn module::ModuleIndex,
) -> Vec<Finding> {
    let mut skipped = Vec::new();
    let findings = module_findings_reporting(file, ctx, index, &mut skipped);
    checks::log_skipped(&skipped, Some(&file.path));
    findings
}

/// [`module_findings`], adding the checks that panicked to `skipped` instead of logging them.
pub fn module_findings_reporting(
    file: &module::ModuleFile,
    ctx: &FileContext,
    index: &dyn module::ModuleIndex,
    skipped: &mut Vec<checks::Skipped>,
) -> Vec<Finding> {
    if !ctx.is_checked() {
        return Vec::new();
    }
    let global = checks::contain("global-growth", None, skipped, || {
        checks::global::check(file, index)
    });
    let fields = checks::contain("unstopped-ticker (struct fields)", None, skipped, || {
        checks::ticker_field::check(file, ctx, index)
    });
    global.into_iter().chain(fields).flatten().collect()
}

/// [`finish_with`] under the default settings.
pub fn finish(source: &str, findings: Vec<Finding>) -> Vec<Finding> {
    finish_with(source, findings, &Settings::default())
}

/// The last step for every file: drops disabled checks and what suppression comments silence,
/// reports the suppressions that need a reason or silence nothing (`unused-ignore`), applies
/// severity overrides, and sorts by position.
pub fn finish_with(source: &str, mut findings: Vec<Finding>, settings: &Settings) -> Vec<Finding> {
    findings.retain(|f| settings.enabled(f.code));
    let directives = suppress::directives(source);
    if !directives.is_empty() {
        findings = suppress::apply(source, &directives, findings, settings);
    }
    for f in &mut findings {
        if let Some(severity) = settings.severity_of(f.code) {
            f.severity = severity;
        }
    }
    findings.sort_by_key(|f| (f.range.start, f.code));
    findings
}
