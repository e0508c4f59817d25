//! `leakls check`: the same analysis as the server, over files on disk, for CI.

mod output;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::analysis::{self, FileContext, Finding};
use crate::workspace::{discover, modules::ModuleCache};

pub use output::Format;

pub struct CheckOptions {
    pub format: Format,
    pub paths: Vec<PathBuf>,
}

/// The findings of one file, with what the output needs to place them.
pub struct FileReport {
    pub path: PathBuf,
    pub source: String,
    pub findings: Vec<Finding>,
}

/// Exit codes: 0 no findings, 1 findings, 2 an error.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

pub fn usage() -> &'static str {
    "usage: leakls check [--format text|json] [PATH...]\n\
     Reports memory and resource leaks in the Go files under each PATH (default: .).\n\
     Exit status: 0 no findings, 1 findings, 2 an error."
}

pub fn parse_args(args: &[String]) -> Result<CheckOptions, String> {
    let mut format = Format::Text;
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
                    .ok_or("--format needs a value: text or json")?;
                format = Format::parse(&value)
                    .ok_or_else(|| format!("unknown format {value:?}: use text or json"))?;
            }
            "--" => paths.extend(iter.by_ref().map(PathBuf::from)),
            _ if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown flag {arg}"));
            }
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(CheckOptions { format, paths })
}

pub fn run(args: &[String]) -> i32 {
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("leakls check: {e}\n{}", usage());
            return EXIT_ERROR;
        }
    };
    let found = match discover::go_files(&options.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("leakls check: {e}");
            return EXIT_ERROR;
        }
    };
    let (reports, errors) = analyze_files(&found.files);
    for (path, e) in &errors {
        eprintln!("leakls check: {}: {e}", path.display());
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = output::write(&mut out, options.format, &reports) {
        eprintln!("leakls check: writing the report: {e}");
        return EXIT_ERROR;
    }
    if !errors.is_empty() {
        EXIT_ERROR
    } else if reports.iter().any(|r| !r.findings.is_empty()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Analyses files on every core. Returns the reports in path order, and the files that could
/// not be read.
pub fn analyze_files(files: &[PathBuf]) -> (Vec<FileReport>, Vec<(PathBuf, String)>) {
    let modules = ModuleCache::default();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<FileReport, String>)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut parser = analysis::new_parser();
                let mut local = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    local.push((i, analyze_path(path, &modules, &mut parser)));
                }
                results.lock().unwrap().extend(local);
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for (i, result) in results {
        match result {
            Ok(report) => reports.push(report),
            Err(e) => errors.push((files[i].clone(), e)),
        }
    }
    (reports, errors)
}

fn analyze_path(
    path: &std::path::Path,
    modules: &ModuleCache,
    parser: &mut tree_sitter::Parser,
) -> Result<FileReport, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let source = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (byte {}), skipped",
            e.utf8_error().valid_up_to()
        )
    })?;
    let tree = parser
        .parse(&source, None)
        .ok_or_else(|| "the parser gave up".to_string())?;
    let ctx = FileContext::for_path(path, modules.semantics_for(path));
    let findings = analysis::analyze(&source, &tree, &ctx);
    Ok(FileReport {
        path: path.to_path_buf(),
        source: if findings.is_empty() {
            String::new()
        } else {
            source
        },
        findings,
    })
}
