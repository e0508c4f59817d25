//! `leakls check`: the same analysis as the server, over files on disk, for CI.

mod output;

use std::path::PathBuf;

use crate::workspace::{batch, discover};

pub use output::Format;

pub struct CheckOptions {
    pub format: Format,
    pub paths: Vec<PathBuf>,
}

pub use batch::FileReport;

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
    let batch::Batch {
        reports, errors, ..
    } = batch::analyze_files(&found.files);
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
