//! Argument parsing only: no arguments serves LSP on stdio; `check` runs the command line;
//! `explain` prints a check's page.

use leakls::{cli, log, server};

const HELP: &str = "leakls: finds memory and resource leaks in Go code

usage:
  leakls [--log-level off|error|warn|info|debug]   serve LSP on stdin/stdout
  leakls check [--format text|json|sarif] [--fix | --diff] [PATH...]
                                                   report leaks in Go files (default: .);
                                                   --fix applies the fixes, --diff shows them
  leakls explain CODE                              print the page of a check
  leakls heap [--base PROFILE] PROFILE             what holds (or grew) the most live memory in a
                                                   Go heap profile, per line of the workspace
  leakls --version                                 print the version";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("check") => {
            // Checks skipped on a file (a bug, or code nested too deep) are said on stderr.
            log::set_level(log::Level::Warn);
            cli::run(&args[1..])
        }
        Some("explain") => cli::explain::run(&args[1..]),
        Some("heap") => cli::heap::run(&args[1..]),
        // Undocumented: the parse-only baseline of bench/run.sh.
        Some("parse") => cli::parse::run(&args[1..]),
        Some("--version" | "-V" | "version") => {
            println!("leakls {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("--help" | "-h" | "help") => {
            println!("{HELP}");
            0
        }
        _ => match server_options(&args) {
            Ok(()) => serve(),
            Err(e) => {
                eprintln!("leakls: {e}\n\n{HELP}");
                cli::EXIT_ERROR
            }
        },
    };
    std::process::exit(code);
}

/// Accepts `--stdio` (editors add it) and `--log-level LEVEL`; anything else is an error.
fn server_options(args: &[String]) -> Result<(), String> {
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_string())),
            None => (arg.as_str(), None),
        };
        match flag {
            "--stdio" => {}
            "--log-level" => {
                let value = inline
                    .or_else(|| iter.next().cloned())
                    .ok_or("--log-level needs a value")?;
                let level = log::Level::parse(&value)
                    .ok_or_else(|| format!("unknown log level {value:?}"))?;
                log::set_level(level);
            }
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(())
}

fn serve() -> i32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    runtime.block_on(server::run_stdio())
}
