//! `leakls check`: the same analysis as the server, over files on disk, for CI; and
//! `leakls explain`, which prints a check's page.

pub mod explain;
mod fixes;
pub mod heap;
mod output;
pub mod parse;
mod paths;
mod progress;
mod sarif;

use std::path::PathBuf;
use std::time::Instant;

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::Settings;
use crate::config;
use crate::workspace::{batch, discover};

pub use output::Format;

pub struct CheckOptions {
    pub format: Format,
    /// Write the first fix of every finding to the files.
    pub fix: bool,
    /// Print the fixes as a unified diff instead of the findings.
    pub diff: bool,
    pub paths: Vec<PathBuf>,
}

pub use batch::FileReport;

/// `--fix` applies fixes that overlap one another in up to this many rounds.
const FIX_ROUNDS: usize = 5;

/// Exit codes: 0 no findings, 1 findings, 2 an error.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

pub fn usage() -> &'static str {
    "usage: leakls check [--format text|json|sarif] [--fix | --diff] [PATH...]\n\
     Reports memory and resource leaks in the Go files under each PATH (default: .).\n\
     \x20 --format  text (default), json, or sarif (SARIF 2.1.0, for GitHub code scanning)\n\
     \x20 --fix     apply the first fix of every finding to the files, then report what remains\n\
     \x20 --diff    print those fixes as a unified diff instead of the findings; write nothing\n\
     Exit status: 0 no findings, 1 findings, 2 an error."
}

pub fn parse_args(args: &[String]) -> Result<CheckOptions, String> {
    let mut format = Format::Text;
    let mut fix = false;
    let mut diff = false;
    let mut paths = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if arg.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--format" | "-f" => {
                let value = inline
                    .or_else(|| iter.next().cloned())
                    .ok_or("--format needs a value: text, json or sarif")?;
                format = Format::parse(&value)
                    .ok_or_else(|| format!("unknown format {value:?}: use text, json or sarif"))?;
            }
            "--fix" if inline.is_none() => fix = true,
            "--diff" if inline.is_none() => diff = true,
            "--" => paths.extend(iter.by_ref().map(PathBuf::from)),
            _ if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown flag {arg}"));
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if fix && diff {
        return Err("--fix writes the fixes and --diff only shows them: use one".into());
    }
    if diff && format != Format::Text {
        return Err("--diff prints a diff, not a report: leave out --format".into());
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(CheckOptions {
        format,
        fix,
        diff,
        paths,
    })
}

pub fn run(args: &[String]) -> i32 {
    // `--help` anywhere before `--`: the usage, on stdout, and nothing checked.
    let before_paths = args.iter().take_while(|a| a.as_str() != "--");
    if before_paths.into_iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage());
        return EXIT_CLEAN;
    }
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("leakls check: {e}\n{}", usage());
            return EXIT_ERROR;
        }
    };
    let started = Instant::now();
    let found = match discover::go_files(&options.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("leakls check: {e}");
            return EXIT_ERROR;
        }
    };
    // Left out, not failed: said on stderr so that nothing is skipped without a word.
    for (path, why) in &found.skipped {
        eprintln!("leakls check: {}: {why}", paths::shown(path));
    }
    let settings = match configure(&found.files) {
        Ok(s) => s,
        Err(errors) => {
            for e in errors {
                eprintln!("leakls check: {e}");
            }
            return EXIT_ERROR;
        }
    };
    let settings_for = |path: &std::path::Path| settings.get(path).cloned().flatten();
    let analyse = || {
        // A bar only for people watching a terminal, never in a machine-read report.
        let bar = progress::Progress::new(options.format == Format::Text, started);
        let batch = batch::analyze_files_configured(&found.files, &settings_for, &|done, total| {
            bar.update(done, total)
        });
        bar.finish();
        batch
    };
    let mut batch = analyse();
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();

    if options.diff {
        let plan = fixes::plan(&batch.reports, &batch.read, false);
        failed |= report_fix_problems(&plan.deferred, &plan.errors);
        report_errors(&batch.errors);
        if let Err(e) = fixes::write_diff(&mut out, &plan.changes) {
            eprintln!("leakls check: writing the diff: {e}");
            return EXIT_ERROR;
        }
        eprintln!("{}", summary(&batch.reports, found.files.len(), started));
        return status(failed || !batch.errors.is_empty(), &batch.reports);
    }

    if options.fix {
        // Fixes that overlap one just applied are made in another round, on the new text.
        let mut edits_by_file: Vec<(PathBuf, usize)> = Vec::new();
        for round in 1..=FIX_ROUNDS {
            let applied = fixes::apply(&batch.reports, &batch.read);
            for change in &applied.written {
                match edits_by_file.iter_mut().find(|(p, _)| *p == change.path) {
                    Some((_, n)) => *n += change.edits,
                    None => edits_by_file.push((change.path.clone(), change.edits)),
                }
            }
            if !applied.written.is_empty() {
                // Report what is left, as the files now are.
                batch = analyse();
            }
            if applied.written.is_empty() || applied.deferred.is_empty() || round == FIX_ROUNDS {
                failed |= report_fix_problems(&applied.deferred, &applied.errors);
                break;
            }
        }
        for (path, n) in edits_by_file {
            let edits = if n == 1 { "edit" } else { "edits" };
            eprintln!("fixed {}: {n} {edits}", paths::shown(&path));
        }
    }

    report_errors(&batch.errors);
    if let Err(e) = output::write(&mut out, options.format, &batch.reports, &batch.errors) {
        eprintln!("leakls check: writing the report: {e}");
        return EXIT_ERROR;
    }
    if options.format == Format::Text {
        eprintln!("{}", summary(&batch.reports, found.files.len(), started));
    }
    let code = status(failed || !batch.errors.is_empty(), &batch.reports);
    // The process ends here: freeing the index entry by entry would take longer than exiting
    // (about 1% of a check of GOROOT).
    std::mem::forget(batch);
    code
}

/// Each file's settings from the `leakls.toml` nearest to it (`None`: excluded), or every
/// configuration error met, each once.
#[allow(clippy::type_complexity)]
pub fn configure(
    files: &[PathBuf],
) -> Result<HashMap<PathBuf, Option<Arc<Settings>>>, Vec<config::ConfigError>> {
    let loader = config::Loader::default();
    let mut settings = HashMap::new();
    let mut errors = Vec::new();
    for path in files {
        let (resolved, error) = loader.resolve(path, None, &[]);
        if let Some(e) = error.filter(|e| !errors.contains(e)) {
            errors.push(e);
        }
        settings.insert(
            path.clone(),
            (!resolved.excluded).then_some(resolved.settings),
        );
    }
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err(errors)
    }
}

fn report_errors(errors: &[(PathBuf, String)]) {
    for (path, e) in errors {
        eprintln!("leakls check: {}: {e}", paths::shown(path));
    }
}

/// Prints fixes left for another run and files that could not be fixed; true if any file could
/// not be fixed (an error: exit status 2).
fn report_fix_problems(deferred: &[String], errors: &[(PathBuf, String)]) -> bool {
    for note in deferred {
        eprintln!("leakls check: {note}");
    }
    report_errors(errors);
    !errors.is_empty()
}

fn status(failed: bool, reports: &[FileReport]) -> i32 {
    if failed {
        EXIT_ERROR
    } else if reports.iter().any(|r| !r.findings.is_empty()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `3 findings in 2 files (scanned 412 files in 0.31 s)`, or `no findings (...)`.
pub fn summary(reports: &[FileReport], scanned: usize, started: Instant) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    let files = reports.iter().filter(|r| !r.findings.is_empty()).count();
    let scan = format!(
        "scanned {} in {:.2} s",
        plural(scanned, "file", "files"),
        started.elapsed().as_secs_f64()
    );
    if findings == 0 {
        format!("no findings ({scan})")
    } else {
        format!(
            "{} in {} ({scan})",
            plural(findings, "finding", "findings"),
            plural(files, "file", "files")
        )
    }
}
