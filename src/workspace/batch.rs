//! Analysing many files at once (the command line, the fixture tests): each file is read and
//! parsed once, on every core; its tree-based findings and its summary are kept, its tree is not.
//! Once every summary is in the index, the checks that read the whole module run from summaries.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::index::Index;
use super::read;
use crate::analysis::checks::{log_skipped, ModuleView, Skipped, TreeFindings};
use crate::analysis::summary::FileSummary;
use crate::analysis::{self, suppress, FileContext, Finding, Settings};

/// The findings of one file, with the text they point into (empty when there are none).
pub struct FileReport {
    pub path: PathBuf,
    pub source: String,
    pub findings: Vec<Finding>,
}

/// What a batch found: reports in path order, errors (files that could not be read, checks that
/// panicked on a file), and the index.
pub struct Batch {
    pub reports: Vec<FileReport>,
    pub errors: Vec<(PathBuf, String)>,
    pub index: Index,
    /// The text of every file the analysis read (excluded ones too), by a hash: a fix's edits
    /// fit only the text they were computed from, which `--fix` checks before it writes.
    pub read: BTreeMap<PathBuf, u64>,
}

/// The hash [`Batch::read`] keeps of a file's text.
pub fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// The configuration of one file: `None` when it is excluded (read into the index for the other
/// files' sake, but neither checked nor reported).
pub type SettingsFor<'a> = &'a (dyn Fn(&Path) -> Option<std::sync::Arc<Settings>> + Sync);

struct FirstPass {
    /// Excluded by the configuration: indexed only.
    excluded: bool,
    /// [`text_hash`] of the text read.
    hash: u64,
    source: Option<String>,
    findings: Vec<Finding>,
    ctx: FileContext,
    /// Declarations whose findings wait for the whole index, judged once it is complete. The
    /// file is parsed again then: such files are about 5% of GOROOT's bytes, and their trees
    /// (~30 bytes per source byte) would cost ~100 MB kept, a second parse ~0.2 s.
    pending: Vec<std::ops::Range<usize>>,
    /// What the tree checks could not judge (a panic, code nested too deep).
    skipped: Vec<Skipped>,
}

/// Analyses `files` under the default settings (no configuration).
pub fn analyze_files(files: &[PathBuf]) -> Batch {
    analyze_files_configured(files, &|_| Some(std::sync::Arc::default()), &|_, _| {})
}

/// [`analyze_files`] under each file's configuration, calling `progress(done, total)` from the
/// worker threads as each file's first pass ends (the passes that follow are quick next to
/// reading and parsing).
pub fn analyze_files_configured(
    files: &[PathBuf],
    settings_for: SettingsFor,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Batch {
    let index = Index::default();
    let done = AtomicUsize::new(0);
    let first = parallel_map(files, |path, parser| {
        let pass = first_pass(path, &index, parser, settings_for(path));
        progress(done.fetch_add(1, Ordering::Relaxed) + 1, files.len());
        pass
    });
    // The rest of each file's work needs the complete index: on every core as well.
    let passes: Vec<(&PathBuf, Result<FirstPass, String>)> = files.iter().zip(first).collect();
    let finished = parallel_map(&passes, |(path, pass), parser| match pass {
        Ok(pass) => finish_file(path, pass, &index, parser),
        Err(e) => Err(e.clone()),
    });
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let read = passes
        .iter()
        .filter_map(|(path, pass)| Some(((*path).clone(), pass.as_ref().ok()?.hash)))
        .collect();
    for ((path, _), result) in passes.iter().zip(finished) {
        match result {
            Ok((report, skipped)) => {
                // A check that panicked is a bug whose findings are missing: an error, so that
                // CI does not pass on a partial result. Code too deep to check is only noted.
                let (panicked, declined): (Vec<Skipped>, Vec<Skipped>) =
                    skipped.into_iter().partition(|s| s.panicked);
                log_skipped(&declined, Some(path));
                errors.extend(
                    panicked
                        .iter()
                        .map(|s| ((*path).clone(), s.describe_here())),
                );
                reports.extend(report);
            }
            Err(e) => errors.push(((*path).clone(), e)),
        }
    }
    Batch {
        reports,
        errors,
        index,
        read,
    }
}

/// A file's findings once the index is complete: the tree checks again where they asked for
/// it, the checks that read the module, and what its ignore comments silence (no report for an
/// excluded file); and what the checks could not judge.
fn finish_file(
    path: &Path,
    pass: &FirstPass,
    index: &Index,
    parser: &mut tree_sitter::Parser,
) -> Result<(Option<FileReport>, Vec<Skipped>), String> {
    if pass.excluded {
        return Ok((None, Vec::new()));
    }
    let mut skipped = pass.skipped.clone();
    let mut findings = pass.findings.clone();
    if let Some(source) = pass.source.as_ref().filter(|_| !pass.pending.is_empty()) {
        let tree = parser
            .parse(source, None)
            .ok_or_else(|| "the parser gave up".to_string())?;
        judge_pending(
            path,
            source,
            &tree,
            &pass.pending,
            &pass.ctx,
            index,
            &mut findings,
            &mut skipped,
        );
    }
    if let Some(file) = index.get(path) {
        findings.extend(analysis::module_findings_reporting(
            &file,
            &pass.ctx,
            index,
            &mut skipped,
        ));
    }
    if findings.is_empty() && pass.source.is_none() {
        let report = FileReport {
            path: path.to_path_buf(),
            source: String::new(),
            findings,
        };
        return Ok((Some(report), skipped));
    }
    let source = match &pass.source {
        Some(s) => s.clone(),
        None => read_go_file(path)?,
    };
    let findings = analysis::finish_with(&source, findings, &pass.ctx.settings);
    let report = FileReport {
        path: path.to_path_buf(),
        source: if findings.is_empty() {
            String::new()
        } else {
            source
        },
        findings,
    };
    Ok((Some(report), skipped))
}

/// Reads a Go file within the limits of [`read::read_text`]; the error says why not.
pub fn read_go_file(path: &Path) -> Result<String, String> {
    read::read_text(path).map_err(String::from)
}

fn first_pass(
    path: &Path,
    index: &Index,
    parser: &mut tree_sitter::Parser,
    settings: Option<std::sync::Arc<Settings>>,
) -> Result<FirstPass, String> {
    let settings_excluded = settings.is_none();
    let source = read_go_file(path)?;
    let hash = text_hash(&source);
    let tree = parser
        .parse(&source, None)
        .ok_or_else(|| "the parser gave up".to_string())?;
    let file = index.update_read(
        path,
        std::sync::Arc::new(FileSummary::new(&source, &tree)),
        hash,
    );
    let mut ctx = FileContext::for_path(path, index.modules.semantics_for(path));
    ctx.is_test_file = file.is_test();
    // Excluded, or a test file the settings leave unchecked: indexed only.
    let ctx = match settings {
        Some(settings) => ctx.with_settings(settings),
        None => ctx,
    };
    if settings_excluded || !ctx.is_checked() {
        return Ok(FirstPass {
            excluded: true,
            hash,
            source: None,
            findings: Vec::new(),
            ctx,
            pending: Vec::new(),
            skipped: Vec::new(),
        });
    }
    let view = ModuleView {
        package_path: &file.package_path,
        index,
        complete: false,
    };
    let mut skipped = Vec::new();
    let TreeFindings {
        findings,
        needs_index,
    } = analysis::checks::run_all_reporting(&source, &tree, &ctx, view, &mut skipped);
    // Suppression comments are judged even in a file with no findings (they may be stale).
    let keep_source =
        !findings.is_empty() || !needs_index.is_empty() || suppress::may_have_directives(&source);
    Ok(FirstPass {
        excluded: false,
        hash,
        source: keep_source.then_some(source),
        findings,
        ctx,
        pending: needs_index,
        skipped,
    })
}

/// The declarations of a file whose tree checks needed the complete index, judged with it.
#[allow(clippy::too_many_arguments)]
fn judge_pending(
    path: &Path,
    source: &str,
    tree: &tree_sitter::Tree,
    pending: &[std::ops::Range<usize>],
    ctx: &FileContext,
    index: &Index,
    findings: &mut Vec<Finding>,
    skipped: &mut Vec<Skipped>,
) {
    let Some(file) = index.get(path) else {
        return;
    };
    let view = ModuleView {
        package_path: &file.package_path,
        index,
        complete: true,
    };
    analysis::checks::judge_pending(source, tree, ctx, view, pending, findings, skipped);
}

/// Runs `work` over `items` on every core, each thread with its own parser; results in order.
pub fn parallel_map<I: Sync, T: Send>(
    items: &[I],
    work: impl Fn(&I, &mut tree_sitter::Parser) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::with_capacity(items.len()));
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut parser = analysis::new_parser();
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = items.get(i) else { break };
                    local.push((i, work(path, &mut parser)));
                }
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(local);
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// What [`parse_files`] did: the baseline that the analysis is measured against.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ParseStats {
    pub files: usize,
    pub bytes: usize,
    pub with_errors: usize,
    pub unreadable: usize,
}

/// Reads and parses `files` exactly as [`analyze_files`] does (same threads, same parser), and
/// does nothing else: the floor under the analysis, for the benchmarks.
pub fn parse_files(files: &[PathBuf]) -> ParseStats {
    let parsed = parallel_map(files, |path, parser| {
        let source = read_go_file(path).ok()?;
        let tree = parser.parse(&source, None)?;
        Some((source.len(), tree.root_node().has_error()))
    });
    let mut stats = ParseStats::default();
    for result in parsed {
        match result {
            Some((bytes, has_error)) => {
                stats.files += 1;
                stats.bytes += bytes;
                stats.with_errors += usize::from(has_error);
            }
            None => stats.unreadable += 1,
        }
    }
    stats
}
