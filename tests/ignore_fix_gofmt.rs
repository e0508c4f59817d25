//! The "Ignore" fix on real code: a directive put above, or at the end of, thousands of lines of
//! the standard library (specs of `var` groups, struct fields, statements, keyed elements), and
//! the real `gofmt -l` over the results. A directive line between two lines gofmt aligns
//! changes their layout; the fix must never leave a file gofmt would rewrite.
//!
//! Minutes of work in a debug build: `cargo test --test ignore_fix_gofmt -- --ignored`.

use std::path::PathBuf;
use std::process::Command;

use leakls::analysis::{fix, suppress, Code};

fn goroot() -> PathBuf {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("the go command, for GOROOT and gofmt");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// The start of every `step`-th line that begins with a tab and then a letter.
fn sample(text: &str, step: usize) -> Vec<usize> {
    let mut at = 0;
    let mut picks = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let code = line.trim_start_matches('\t');
        if i % step == 0
            && line.starts_with('\t')
            && code.chars().next().is_some_and(char::is_alphabetic)
        {
            picks.push(at + line.len() - code.len());
        }
        at += line.len();
    }
    picks
}

#[test]
#[ignore = "minutes of work: run with --ignored"]
fn the_ignore_fix_leaves_real_code_gofmt_clean() {
    let root = goroot();
    let out = tempfile::tempdir().unwrap();
    let packages = [
        "net/http",
        "go/types",
        "encoding/json",
        "database/sql",
        "cmd/compile/internal/ir",
        "syscall",
        "crypto/tls",
        "text/template",
        "time",
        "reflect",
    ];
    let (mut tried, mut offered) = (0, 0);
    for package in packages {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("src").join(package))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "go"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for at in sample(&text, 7) {
                tried += 1;
                let Some(fix) = suppress::ignore_fix(&text, Code::GlobalGrowth, at) else {
                    continue;
                };
                offered += 1;
                let (fixed, skipped) = fix::apply(&text, &fix.edits);
                assert!(skipped.is_empty());
                std::fs::write(out.path().join(format!("f{offered}.go")), fixed).unwrap();
            }
        }
    }
    let gofmt = Command::new(root.join("bin/gofmt"))
        .arg("-l")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        gofmt.status.success(),
        "{}",
        String::from_utf8_lossy(&gofmt.stderr)
    );
    let unclean: Vec<String> = String::from_utf8(gofmt.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let d = Command::new(root.join("bin/gofmt"))
                .arg("-d")
                .arg(l)
                .output()
                .unwrap();
            String::from_utf8_lossy(&d.stdout).into_owned()
        })
        .collect();
    eprintln!(
        "{tried} lines tried, the fix offered on {offered}, {} not gofmt-clean",
        unclean.len()
    );
    assert!(
        offered * 10 >= tried * 9,
        "the fix is offered on too few lines: {offered} of {tried}"
    );
    assert!(unclean.is_empty(), "{}", unclean.join("\n"));
}

#[test]
fn sample_picks_indented_code_lines() {
    let text = "package p\n\nvar (\n\ta = 1\n\t// c\n\tb = 2\n)\n";
    let picks = sample(text, 1);
    let lines: Vec<&str> = picks.iter().map(|&p| &text[p..p + 1]).collect();
    assert_eq!(lines, ["a", "b"]);
}
