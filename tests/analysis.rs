//! Runs every fixture package under tests/testdata/src/<pkg>/, in the style of x/tools'
//! analysistest: a `// want "regexp"` comment on each line that must carry a diagnostic (the
//! regexp matches `code: message`), and `x.go.golden` holding `x.go` after every offered fix.
//! Golden files must pass the real `gofmt -l` and `go vet`.
//!
//! `LEAKLS_UPDATE_GOLDEN=1 cargo test --test analysis` rewrites the golden files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use leakls::analysis::{self, fix, go_version::GoMod, suppress, FileContext, Finding, GoSemantics};
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

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "go"))
        .collect();
    files.sort();
    files
}

fn semantics(dir: &Path) -> GoSemantics {
    fs::read_to_string(dir.join("go.mod"))
        .map(|t| GoMod::parse(&t).semantics())
        .unwrap_or_default()
}

fn analyze_file(path: &Path, source: &str, go: &GoSemantics) -> Vec<Finding> {
    let tree = analysis::parse(source);
    analysis::analyze(source, &tree, &FileContext::for_path(path, go.clone()))
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

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset].bytes().filter(|&b| b == b'\n').count() + 1
}

fn all_fix_edits(findings: &[Finding]) -> Vec<fix::Edit> {
    findings
        .iter()
        .flat_map(|f| f.fixes.iter().take(1))
        .flat_map(|fx| fx.edits.iter().cloned())
        .collect()
}

/// Checks one file's diagnostics against its wants and its fixes against its golden file.
fn check_file(path: &Path, go: &GoSemantics, problems: &mut Vec<String>) {
    let name = path.strip_prefix(testdata()).unwrap().display().to_string();
    let source = fs::read_to_string(path).unwrap();
    let findings = analyze_file(path, &source, go);

    let mut expected = wants(&source);
    for f in &findings {
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
    }
    for (line, re) in expected {
        problems.push(format!(
            "{name}:{line}: no diagnostic matched want {:?}",
            re.as_str()
        ));
    }

    // Every finding can be silenced by its own "Ignore" fix.
    for f in &findings {
        let ignore = suppress::ignore_fix(&source, f.code, f.range.start);
        let (ignored, _) = fix::apply(&source, &ignore.edits);
        let shift: usize = ignore.edits.iter().map(|e| e.new_text.len()).sum();
        let after = analyze_file(path, &ignored, go);
        if after
            .iter()
            .any(|g| g.code == f.code && g.range.start == f.range.start + shift)
        {
            problems.push(format!(
                "{name}:{}: the ignore fix does not silence {}",
                line_of(&source, f.range.start),
                f.code
            ));
        }
    }

    let golden = PathBuf::from(format!("{}.golden", path.display()));
    let edits = all_fix_edits(&findings);
    if edits.is_empty() {
        if golden.exists() {
            problems.push(format!("{name}: has a golden file but no fix was offered"));
        }
        return;
    }
    let (fixed, skipped) = fix::apply(&source, &edits);
    if !skipped.is_empty() {
        problems.push(format!("{name}: fixes overlap: {skipped:?}"));
    }
    if std::env::var_os("LEAKLS_UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &fixed).unwrap();
        return;
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

#[test]
fn fixtures() {
    let mut problems = Vec::new();
    let mut files = 0;
    for dir in packages() {
        let go = semantics(&dir);
        for path in go_files(&dir) {
            files += 1;
            check_file(&path, &go, &mut problems);
        }
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

/// Golden files are real Go: gofmt has nothing to change and go vet finds nothing.
#[test]
fn golden_files_pass_gofmt_and_go_vet() {
    let gofmt = gofmt();
    let mut checked = 0;
    for dir in packages() {
        let goldens: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".go.golden"))
            .collect();
        if goldens.is_empty() {
            continue;
        }
        // A module made of the fixed files, and the package's other files as they are.
        let module = tempfile::tempdir().unwrap();
        let gomod = fs::read_to_string(dir.join("go.mod"))
            .unwrap_or_else(|_| "module leakls.test/fixture\n\ngo 1.22\n".to_string());
        fs::write(module.path().join("go.mod"), gomod).unwrap();
        for file in go_files(&dir) {
            let golden = PathBuf::from(format!("{}.golden", file.display()));
            let from = if golden.exists() {
                golden
            } else {
                file.clone()
            };
            fs::copy(&from, module.path().join(file.file_name().unwrap())).unwrap();
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
