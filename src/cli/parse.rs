//! `leakls parse PATH...`, for the benchmarks only: finds and parses the Go files the way `check`
//! does, on the same threads, and analyses nothing. `check`'s time over this one is what the
//! analysis costs.

use std::time::Instant;

use crate::workspace::{batch, discover};

pub fn run(args: &[String]) -> i32 {
    let paths: Vec<std::path::PathBuf> = if args.is_empty() {
        vec![".".into()]
    } else {
        args.iter().map(Into::into).collect()
    };
    let started = Instant::now();
    let found = match discover::go_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("leakls parse: {e}");
            return super::EXIT_ERROR;
        }
    };
    let stats = batch::parse_files(&found.files);
    println!(
        "parsed {} files, {} bytes, {} with syntax errors in {:.3} s{}",
        stats.files,
        stats.bytes,
        stats.with_errors,
        started.elapsed().as_secs_f64(),
        match stats.unreadable {
            0 => String::new(),
            n => format!(" ({n} unreadable)"),
        }
    );
    super::EXIT_CLEAN
}
