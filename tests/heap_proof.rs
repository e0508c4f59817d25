//! The leaks leakls reports really hold memory on a Go heap, and its fixes really free it.
//!
//! Each test copies a small Go program from `tests/testdata/heapproof/<name>/` to a temporary
//! folder and runs it with `go run`: the program drives its leaking code many times, collects
//! garbage twice and prints what is still live (heap objects and bytes for the tickers, jobs
//! counted through weak pointers for the slices). Then the real `leakls check --fix` rewrites the
//! copy, and the program runs again. The numbers before the fix must show the leak (so a test
//! cannot pass because the program measures nothing) and the numbers after must not; the margins
//! are wide, since the measured values are either about the whole leak or about nothing.
//!
//! The ticker programs say `go 1.22` in go.mod: with Go 1.23 semantics the runtime collects an
//! unstopped, unreferenced ticker by itself, and there would be no leak to fix.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Whether `go` can be run; the tests are skipped, with a message, when it cannot.
fn have_go() -> bool {
    let found = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        eprintln!(
            "skipped: the heap proofs run Go programs and `go` is not on PATH \
             (install Go from https://go.dev/dl)"
        );
    }
    found
}

/// Copies `tests/testdata/heapproof/<name>` into a new temporary folder.
fn copy_program(name: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/heapproof")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    copy_folder(&from, dir.path());
    dir
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_folder(&path, &target);
        } else {
            fs::copy(&path, target).unwrap();
        }
    }
}

fn go(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go {} failed in {}:\n{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the program and reads its `key=value` words, one map per output line, keyed by the
/// line's first word when it is not a `key=value` itself (`queue n=... survivors=...`).
fn run(dir: &Path) -> BTreeMap<String, BTreeMap<String, i64>> {
    let out = go(dir, &["run", "."]);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut label = String::new();
            let mut values = BTreeMap::new();
            for word in line.split_whitespace() {
                match word.split_once('=') {
                    Some((k, v)) => {
                        values.insert(k.to_string(), v.parse().unwrap());
                    }
                    None => label = word.to_string(),
                }
            }
            (label, values)
        })
        .collect()
}

fn leakls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The codes of the findings in a `leakls check --format json` report, sorted.
fn codes(out: &Output) -> Vec<String> {
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "leakls printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut codes: Vec<String> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// The Go files of `dir` and its folders, with their text.
fn go_files(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    for path in fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        if path.is_dir() {
            files.extend(go_files(&path));
        } else if path.extension().is_some_and(|x| x == "go") {
            let text = fs::read_to_string(&path).unwrap();
            files.insert(path, text);
        }
    }
    files
}

/// Checks that leakls reports exactly `want` in `dir`, applies its fixes, and checks that they
/// changed `changed` to contain `fixed_text`, leave nothing to report, and give code that gofmt
/// and go vet accept.
fn fix(dir: &Path, want: &[&str], changed: &str, fixed_text: &str) {
    let before = leakls(dir, &["check", "--format", "json", "."]);
    assert_eq!(codes(&before), want, "findings before the fix");
    assert_eq!(before.status.code(), Some(1));

    let files = go_files(dir);
    let fixed = leakls(dir, &["check", "--format", "json", "--fix", "."]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "findings left after --fix:\n{}{}",
        String::from_utf8_lossy(&fixed.stdout),
        String::from_utf8_lossy(&fixed.stderr)
    );
    assert!(codes(&fixed).is_empty());
    for (path, text) in go_files(dir) {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name == changed {
            assert_ne!(text, files[&path], "--fix did not change {name}");
            assert!(text.contains(fixed_text), "{name} after --fix:\n{text}");
        } else {
            assert_eq!(text, files[&path], "--fix changed {name}");
        }
    }

    let unformatted = Command::new("gofmt")
        .args(["-l", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        unformatted.status.success() && unformatted.stdout.is_empty(),
        "gofmt -l after --fix: {}",
        String::from_utf8_lossy(&unformatted.stdout)
    );
    go(dir, &["vet", "."]);
}

/// Runs a ticker program before and after the fix. It prints `n=` (the tickers made),
/// `objects=` and `bytes=` (heap still live after garbage collection, minus the baseline).
fn ticker_proof(program: &str, want: &str, changed: &str, fixed_text: &str) {
    if !have_go() {
        return;
    }
    let dir = copy_program(program);
    let before = run(dir.path()).remove("").unwrap();
    let n = before["n"];
    // Measured with Go 1.26: 3 objects and ~267 bytes per leaked ticker.
    assert!(
        before["objects"] >= n && before["bytes"] >= 100 * n,
        "{program}: the unfixed program shows no leak: {before:?}"
    );

    fix(dir.path(), &[want], changed, fixed_text);

    // Measured: ~60 objects and ~20 kB in all, whatever n is.
    let after = run(dir.path()).remove("").unwrap();
    assert!(
        after["objects"] <= n / 10 && after["bytes"] <= 10 * n,
        "{program}: the fixed program still leaks: {after:?} (before: {before:?})"
    );
}

/// `t := time.NewTicker(d)` in a function that returns: `defer t.Stop()`.
#[test]
fn unstopped_ticker_fix_frees_the_tickers() {
    ticker_proof("ticker", "unstopped-ticker", "leak.go", "defer t.Stop()");
}

/// `tick := time.Tick(d)`: a time.NewTicker that is stopped when the function returns.
#[test]
fn time_tick_fix_frees_the_tickers() {
    ticker_proof("timetick", "time-tick", "leak.go", "defer ticker.Stop()");
}

/// A ticker in a struct field: the fix stops it in `Close`, which is in another file.
#[test]
fn field_ticker_fix_frees_the_tickers() {
    ticker_proof(
        "tickerfield",
        "unstopped-ticker",
        "close.go",
        "s.beat.Stop()",
    );
}

/// A shared queue popped from the front and a shared stack popped from the back, each holding
/// `*Job`: every job that passed through stays reachable until the fix clears the slots it
/// leaves.
#[test]
fn slice_retains_fix_frees_the_jobs() {
    if !have_go() {
        return;
    }
    let dir = copy_program("slicequeue");
    let before = run(dir.path());
    let forms = ["queue", "stack"];
    for form in forms {
        let (n, live) = (before[form]["n"], before[form]["survivors"]);
        // Measured: all n of them.
        assert!(
            live >= n * 9 / 10,
            "{form}: only {live} of {n} jobs survive without the fix: the program shows no leak"
        );
    }

    fix(
        dir.path(),
        &["slice-retains"; 2],
        "queues.go",
        "q.jobs[0] = nil",
    );
    let fixed = fs::read_to_string(dir.path().join("queues/queues.go")).unwrap();
    assert!(fixed.contains("s.jobs[len(s.jobs)-1] = nil"), "{fixed}");

    let after = run(dir.path());
    for form in forms {
        let (n, live) = (after[form]["n"], after[form]["survivors"]);
        // Measured: none of them.
        assert!(
            live <= n / 10,
            "{form}: {live} of {n} jobs still survive after the fix"
        );
    }
}
