//! The standard library is the part of the judged corpus that CI can read: `leakls check` over
//! `GOROOT/src` of the release the corpus pins must report exactly the findings that
//! `bench/precision/verdicts.tsv` judges for this build. A new finding fails until someone reads
//! the code and judges it; a judged one that disappears fails until its row says why.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The release of trees.json's `goroot` tree.
fn pinned_release() -> String {
    let trees = std::fs::read_to_string(root().join("bench/precision/trees.json")).unwrap();
    let trees: Value = serde_json::from_str(&trees).unwrap();
    trees["trees"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["go"].as_str().map(str::to_owned))
        .expect("trees.json names a Go release")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `GOROOT` of the pinned release: the installed Go if it is that release, else the one the go
/// command fetches for `GOTOOLCHAIN`.
fn goroot(release: &str) -> Option<PathBuf> {
    let out = Command::new("go")
        .args(["env", "GOROOT", "GOVERSION"])
        .env("GOTOOLCHAIN", release)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    let (goroot, version) = (lines.next()?, lines.next()?);
    (out.status.success() && version == release).then(|| PathBuf::from(goroot))
}

type Key = (String, usize, String);

/// The rows of verdicts.tsv for `tree` that were judged on this build's findings.
fn judged_now(tree: &str) -> BTreeSet<Key> {
    let text = std::fs::read_to_string(root().join("bench/precision/verdicts.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (t, p, l, c, s) = (
        column("tree"),
        column("path"),
        column("line"),
        column("code"),
        column("seen"),
    );
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row[t] == tree && matches!(row[s], "now" | "both"))
        .map(|row| {
            (
                row[p].to_owned(),
                row[l].parse().unwrap(),
                row[c].to_owned(),
            )
        })
        .collect()
}

fn findings(src: &Path) -> BTreeSet<Key> {
    let out = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(["check", "--format", "json", "."])
        .current_dir(src)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "leakls check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    found
        .iter()
        .map(|f| {
            let path = f["path"].as_str().unwrap();
            (
                path.strip_prefix("./").unwrap_or(path).to_owned(),
                f["line"].as_u64().unwrap() as usize,
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn goroot_findings_are_the_judged_ones() {
    let release = pinned_release();
    let Some(goroot) = goroot(&release) else {
        // The go command is needed by other tests too; only a machine that cannot fetch the
        // pinned release lands here.
        eprintln!("skipped: `GOTOOLCHAIN={release} go env GOROOT` gives no {release}");
        return;
    };
    let found = findings(&goroot.join("src"));
    let judged = judged_now(&format!("goroot@{release}"));
    let unjudged: Vec<_> = found.difference(&judged).collect();
    let gone: Vec<_> = judged.difference(&found).collect();
    assert!(
        unjudged.is_empty() && gone.is_empty(),
        "GOROOT/src of {release}: findings not judged in bench/precision/verdicts.tsv \
         (read the code, add a row; bench/precision/run.py --tree goroot lists them): \
         {unjudged:#?}\njudged findings no longer reported (a real one lost, or a row to \
         update): {gone:#?}"
    );
}
