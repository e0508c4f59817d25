//! `leakls explain <code>`: the page of a check, from the pages built into the binary (so an
//! installed `leakls` can show it without the source tree).

use crate::analysis::Code;
use crate::docs::{known_codes, page};

/// Runs `leakls explain ARGS`; returns the exit status.
pub fn run(args: &[String]) -> i32 {
    let name = match args {
        [name] if !name.starts_with('-') => name,
        [] => {
            eprintln!(
                "leakls explain: name a code: {}\nusage: leakls explain CODE",
                known_codes()
            );
            return super::EXIT_ERROR;
        }
        _ => {
            eprintln!("leakls explain: expected one code\nusage: leakls explain CODE");
            return super::EXIT_ERROR;
        }
    };
    match Code::from_name(name).and_then(page) {
        Some(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            super::EXIT_CLEAN
        }
        None => {
            eprintln!(
                "leakls explain: unknown code {name:?}; the codes are: {}",
                known_codes()
            );
            super::EXIT_ERROR
        }
    }
}
