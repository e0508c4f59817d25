//! Runs every fixture package under tests/testdata/src/<pkg>/, in the style of x/tools'
//! analysistest: a `// want "regexp"` comment on each line that must carry a diagnostic (the
//! regexp matches `code: message`), and `x.go.golden` holding `x.go` after every offered fix.
//! Golden files must pass the real `gofmt -l` and `go vet`. A fixture folder's `leakls.toml`
//! applies to it, as it would to `leakls check`.
//!
//! `LEAKLS_UPDATE_GOLDEN=1 cargo test --test analysis` rewrites the golden files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use std::collections::BTreeMap;

use leakls::analysis::{self, fix, suppress, Code};
use leakls::workspace::{batch, discover};
use regex::Regex;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/src")
}

fn packages() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(testdata())
        .expect("tests/testdata/src exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

/// The `// want "re" "re2"` expectations of a file, by 1-based line.
fn wants(source: &str) -> Vec<(usize, Regex)> {
    let quoted = Regex::new(r#""((?:[^"\\]|\\.)*)"|`([^`]*)`"#).unwrap();
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let Some(at) = line.find("// want ") else {
            continue;
        };
        for cap in quoted.captures_iter(&line[at + 8..]) {
            let pattern = match (cap.get(1), cap.get(2)) {
                (Some(dq), _) => dq.as_str().replace("\\\"", "\"").replace("\\\\", "\\"),
                (_, Some(raw)) => raw.as_str().to_string(),
                _ => unreachable!(),
            };
            let re = Regex::new(&pattern)
                .unwrap_or_else(|e| panic!("bad want regexp {pattern:?} on line {}: {e}", i + 1));
            out.push((i + 1, re));
        }
    }
    out
}

/// Runs one fixture module (a folder under testdata/src) through the same pipeline as
/// `leakls check`, and checks wants, the ignore fix, and golden files.
fn check_module(dir: &Path, problems: &mut Vec<String>) -> usize {
    let files = discover::go_files(&[dir.to_path_buf()]).unwrap().files;
    // A fixture's leakls.toml applies, as it would to `leakls check`.
    let settings = leakls::cli::configure(&files).expect("the fixture's leakls.toml is valid");
    let batch = batch::analyze_files_configured(
        &files,
        &|p: &Path| settings.get(p).cloned().flatten(),
        &|_, _| {},
    );
    for (path, e) in &batch.errors {
        problems.push(format!("{}: {e}", path.display()));
    }
    let mut edits_by_file: BTreeMap<PathBuf, Vec<fix::Edit>> = BTreeMap::new();
    for report in &batch.reports {
        let path = &report.path;
        let name = path.strip_prefix(testdata()).unwrap().display().to_string();
        let source = fs::read_to_string(path).unwrap();
        let mut expected = wants(&source);
        for f in &report.findings {
            let line = line_of(&source, f.range.start);
            let text = format!("{}: {}", f.code, f.message);
            match expected
                .iter()
                .position(|(l, re)| *l == line && re.is_match(&text))
            {
                Some(i) => {
                    expected.remove(i);
                }
                None => problems.push(format!("{name}:{line}: unexpected diagnostic: {text}")),
            }
            // Its own "Ignore" fix silences it (unused-ignore, about a directive, has none).
            // (Where no placement keeps the file gofmt-clean, there is none to try.)
            let ignore = suppress::ignore_fix(&source, f.code, f.range.start);
            let edits = ignore.map(|i| i.edits).unwrap_or_default();
            let (ignored, _) = fix::apply(&source, &edits);
            let shift: usize = edits
                .iter()
                .filter(|e| e.range.start <= f.range.start)
                .map(|e| e.new_text.len())
                .sum();
            let mut moved = f.clone();
            moved.range = f.range.start + shift..f.range.end + shift;
            let still_reported = analysis::finish(&ignored, vec![moved.clone()])
                .iter()
                .any(|g| g.code == moved.code && g.range == moved.range);
            if f.code != Code::UnusedIgnore && !edits.is_empty() && still_reported {
                problems.push(format!(
                    "{name}:{line}: the ignore fix does not silence {}",
                    f.code
                ));
            }
            for e in f.fixes.iter().take(1).flat_map(|fx| fx.edits.iter()) {
                let target = e.file.clone().unwrap_or_else(|| path.clone());
                let mut e = e.clone();
                e.file = None;
                // Identical edits are one edit (as in analysistest): two findings on the same
                // field offer the same Stop in the same Close.
                // Identical edits from two findings stay: fix::apply must make them once.
                edits_by_file.entry(target).or_default().push(e);
            }
        }
        for (line, re) in expected {
            problems.push(format!(
                "{name}:{line}: no diagnostic matched want {:?}",
                re.as_str()
            ));
        }
    }
    for path in &files {
        let golden = PathBuf::from(format!("{}.golden", path.display()));
        let name = path.strip_prefix(testdata()).unwrap().display().to_string();
        let Some(edits) = edits_by_file.get(path) else {
            if golden.exists() {
                problems.push(format!("{name}: has a golden file but no fix changes it"));
            }
            continue;
        };
        let source = fs::read_to_string(path).unwrap();
        let (fixed, skipped) = fix::apply(&source, edits);
        if !skipped.is_empty() {
            problems.push(format!("{name}: fixes overlap: {skipped:?}"));
        }
        if std::env::var_os("LEAKLS_UPDATE_GOLDEN").is_some() {
            fs::write(&golden, &fixed).unwrap();
            continue;
        }
        match fs::read_to_string(&golden) {
            Ok(want) if want == fixed => {}
            Ok(want) => problems.push(format!(
                "{name}: fixed text differs from {}:\n--- want\n{want}\n--- got\n{fixed}",
                golden.display()
            )),
            Err(_) => problems.push(format!(
                "{name}: fixes were offered but {} is missing (LEAKLS_UPDATE_GOLDEN=1 writes it)",
                golden.display()
            )),
        }
    }
    files.len()
}

#[test]
fn fixtures() {
    let mut problems = Vec::new();
    let mut files = 0;
    for dir in packages() {
        files += check_module(&dir, &mut problems);
    }
    assert!(files > 0, "no fixtures found");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn go_tool() -> PathBuf {
    let found = Command::new("go").arg("version").output();
    match found {
        Ok(out) if out.status.success() => PathBuf::from("go"),
        _ => panic!(
            "the `go` command is needed to check golden files with gofmt and go vet; \
             install Go (https://go.dev/dl) and put it on PATH"
        ),
    }
}

fn gofmt() -> PathBuf {
    let out = Command::new(go_tool())
        .args(["env", "GOROOT"])
        .output()
        .unwrap();
    let root = String::from_utf8(out.stdout).unwrap();
    Path::new(root.trim()).join("bin/gofmt")
}

/// Copies a fixture module, with each file that has a golden replaced by its golden.
fn copy_fixed(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if path.is_dir() {
            fs::create_dir_all(to.join(&name)).unwrap();
            copy_fixed(&path, &to.join(&name));
        } else if path.extension().is_some_and(|x| x == "go" || x == "mod") {
            let golden = PathBuf::from(format!("{}.golden", path.display()));
            let source = if golden.exists() {
                golden
            } else {
                path.clone()
            };
            fs::copy(source, to.join(name)).unwrap();
        }
    }
}

fn has_golden(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().any(|e| {
        let p = e.unwrap().path();
        (p.is_dir() && has_golden(&p)) || p.to_string_lossy().ends_with(".go.golden")
    })
}

/// Every fixture module is Go that compiles: a negative fixture that does not type-check (two
/// types of one name in a package, a call of a method nobody declared) says nothing about the
/// real code it stands for, and an analysis that resolves names may be silent for that reason
/// alone.
#[test]
fn fixtures_type_check() {
    let mut checked = 0;
    for dir in packages().into_iter().filter(|d| d.join("go.mod").exists()) {
        let build = Command::new(go_tool())
            .args(["build", "-gcflags=-e", "-o", "/dev/null", "./..."])
            .current_dir(&dir)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .output()
            .unwrap();
        assert!(
            build.status.success(),
            "{}: the fixture does not compile:\n{}",
            dir.display(),
            String::from_utf8_lossy(&build.stderr)
        );
        checked += 1;
    }
    assert!(checked > 10, "only {checked} fixture modules were found");
}

/// Golden files are real Go: gofmt has nothing to change and go vet finds nothing.
#[test]
fn golden_files_pass_gofmt_and_go_vet() {
    let gofmt = gofmt();
    let mut checked = 0;
    for dir in packages().into_iter().filter(|d| has_golden(d)) {
        let module = tempfile::tempdir().unwrap();
        copy_fixed(&dir, module.path());
        if !module.path().join("go.mod").exists() {
            fs::write(
                module.path().join("go.mod"),
                "module leakls.test/fixture\n\ngo 1.22\n",
            )
            .unwrap();
        }
        let fmt = Command::new(&gofmt)
            .arg("-l")
            .arg(module.path())
            .output()
            .unwrap();
        assert!(
            fmt.status.success(),
            "gofmt failed: {}",
            String::from_utf8_lossy(&fmt.stderr)
        );
        assert!(
            fmt.stdout.is_empty(),
            "{}: gofmt would change the fixed files: {}",
            dir.display(),
            String::from_utf8_lossy(&fmt.stdout)
        );
        let vet = Command::new(go_tool())
            .args(["vet", "./..."])
            .current_dir(module.path())
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .output()
            .unwrap();
        assert!(
            vet.status.success(),
            "{}: go vet fails on the fixed files:\n{}",
            dir.display(),
            String::from_utf8_lossy(&vet.stderr)
        );
        checked += 1;
    }
    assert!(checked > 0, "no golden files were checked");
}

/// The grammar crate and the tree-sitter runtime agree (a mismatch compiles, then fails here).
#[test]
fn go_grammar_loads() {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("tree-sitter-go must match the tree-sitter ABI");
    let tree = parser.parse("package p\nfunc f() {}\n", None).unwrap();
    assert!(!tree.root_node().has_error());
}
