//! Configuration (`leakls.toml`) and suppression comments as `leakls check` users meet them: the
//! real binary on small modules in temporary folders.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const LEAKY: &str = "\
package app

import \"time\"

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}

func beat(d time.Duration) {
\tc := time.Tick(d)
\t<-c
}
";

/// A module at Go 1.22 with `app.go` (an unstopped ticker and a time.Tick).
fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.22\n",
    )
    .unwrap();
    fs::write(dir.path().join("app.go"), LEAKY).unwrap();
    dir
}

fn leakls(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `leakls check --format json` in `dir`: the findings as (path, code, severity, message).
fn check_json(dir: &Path) -> Vec<(String, String, String, String)> {
    let out = leakls(dir, &["check", "--format", "json"]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("path"), s("code"), s("severity"), s("message"))
        })
        .collect()
}

fn codes(findings: &[(String, String, String, String)]) -> Vec<&str> {
    findings.iter().map(|f| f.1.as_str()).collect()
}

#[test]
fn without_a_configuration_every_check_runs() {
    let dir = module();
    let found = check_json(dir.path());
    assert_eq!(codes(&found), ["unstopped-ticker", "time-tick"]);
    assert!(found.iter().all(|f| f.2 == "warning"), "{found:?}");
}

#[test]
fn disable_and_enable() {
    let dir = module();
    fs::write(
        dir.path().join("leakls.toml"),
        "disable = [\"time-tick\"]\n",
    )
    .unwrap();
    assert_eq!(codes(&check_json(dir.path())), ["unstopped-ticker"]);
    fs::write(dir.path().join("leakls.toml"), "enable = [\"time-tick\"]\n").unwrap();
    assert_eq!(codes(&check_json(dir.path())), ["time-tick"]);
}

#[test]
fn severity_overrides_reach_the_json_report() {
    let dir = module();
    fs::write(
        dir.path().join(".leakls.toml"),
        "[severity]\nunstopped-ticker = \"error\"\ntime-tick = \"hint\"\n",
    )
    .unwrap();
    let found = check_json(dir.path());
    let severities: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(severities, ["error", "hint"], "{found:?}");
}

#[test]
fn excluded_files_are_not_reported() {
    let dir = module();
    fs::create_dir_all(dir.path().join("gen/deep")).unwrap();
    fs::write(
        dir.path().join("gen/deep/gen.go"),
        LEAKY.replace("package app", "package deep"),
    )
    .unwrap();
    fs::write(
        dir.path().join("app_gen.go"),
        LEAKY
            .replace("func poll", "func pollMock")
            .replace("func beat", "func beatMock"),
    )
    .unwrap();
    let before: Vec<String> = check_json(dir.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(before.len(), 6, "{before:?}");
    fs::write(
        dir.path().join("leakls.toml"),
        "exclude = [\"gen\", \"*_gen.go\"]\n",
    )
    .unwrap();
    let after: Vec<String> = check_json(dir.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(after, ["./app.go", "./app.go"]);
}

#[test]
fn go_version_overrides_go_mod() {
    let dir = module();
    fs::write(dir.path().join("leakls.toml"), "go_version = \"1.23\"\n").unwrap();
    assert_eq!(
        check_json(dir.path()),
        [],
        "under Go 1.23 the runtime collects the timers"
    );
    fs::write(
        dir.path().join("leakls.toml"),
        "go_version = \"1.23\"\ncollected_timers = \"hint\"\n",
    )
    .unwrap();
    let found = check_json(dir.path());
    assert_eq!(codes(&found), ["unstopped-ticker", "time-tick"]);
    for (_, code, severity, message) in &found {
        assert_eq!(severity, "hint", "{code}: {message}");
        assert!(message.contains("since Go 1.23"), "{code}: {message}");
    }
}

/// Test files are left out unless `tests = true`.
#[test]
fn tests_are_checked_only_when_asked() {
    let dir = module();
    fs::write(
        dir.path().join("app_test.go"),
        LEAKY
            .replace("func poll", "func pollTest")
            .replace("func beat", "func beatTest"),
    )
    .unwrap();
    let files = |found: &[(String, String, String, String)]| -> Vec<String> {
        found.iter().map(|f| f.0.clone()).collect()
    };
    assert_eq!(files(&check_json(dir.path())), ["./app.go", "./app.go"]);
    fs::write(dir.path().join("leakls.toml"), "tests = true\n").unwrap();
    assert_eq!(
        files(&check_json(dir.path())),
        ["./app.go", "./app.go", "./app_test.go", "./app_test.go"]
    );
}

/// The nearest file wins, and one above the module counts too (a monorepo root).
#[test]
fn the_nearest_configuration_file_applies() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("services/app");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("go.mod"), "module example.com/app\n\ngo 1.22\n").unwrap();
    fs::write(app.join("app.go"), LEAKY).unwrap();
    fs::write(
        root.path().join("leakls.toml"),
        "disable = [\"time-tick\"]\n",
    )
    .unwrap();
    assert_eq!(codes(&check_json(root.path())), ["unstopped-ticker"]);
    fs::write(
        root.path().join("services/leakls.toml"),
        "disable = [\"unstopped-ticker\"]\n",
    )
    .unwrap();
    assert_eq!(codes(&check_json(root.path())), ["time-tick"]);
}

#[test]
fn a_bad_configuration_is_an_error_that_names_file_and_line() {
    let dir = module();
    let cases = [
        (
            "go_version = \"1.22\"\ndisabled = [\"time-tick\"]\n",
            "leakls.toml:2:1: unknown field `disabled`",
        ),
        (
            "[severity]\nglobal-growth = \"loud\"\n",
            "leakls.toml:2:17: unknown severity \"loud\"",
        ),
        (
            "disable = [\"time-tick\", \"ticker\"]\n",
            "leakls.toml:1:11: unknown code \"ticker\"",
        ),
    ];
    for (text, want) in cases {
        fs::write(dir.path().join("leakls.toml"), text).unwrap();
        let out = leakls(dir.path(), &["check"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text:?}: {stderr}");
        assert!(stderr.starts_with("leakls check: "), "{stderr}");
        assert!(stderr.contains(want), "{text:?}: want {want:?} in {stderr}");
        assert!(out.stdout.is_empty(), "no report on a bad configuration");
    }
}

#[test]
fn suppression_with_and_without_a_reason() {
    let dir = module();
    let with_reason = LEAKY.replace(
        "\tt := time.NewTicker(d)",
        "\t//leakls:ignore unstopped-ticker the process exits after one tick\n\tt := time.NewTicker(d)",
    );
    fs::write(dir.path().join("app.go"), &with_reason).unwrap();
    assert_eq!(codes(&check_json(dir.path())), ["time-tick"]);

    let without = LEAKY.replace(
        "\tt := time.NewTicker(d)",
        "\t//leakls:ignore unstopped-ticker\n\tt := time.NewTicker(d)",
    );
    fs::write(dir.path().join("app.go"), &without).unwrap();
    let found = check_json(dir.path());
    assert_eq!(
        codes(&found),
        ["unused-ignore", "unstopped-ticker", "time-tick"]
    );
    assert_eq!(found[0].2, "hint");
    assert!(found[0].3.contains("has no reason"), "{found:?}");

    let whole_file =
        format!("//leakls:file-ignore time-tick,unstopped-ticker a one-shot tool\n\n{LEAKY}");
    fs::write(dir.path().join("app.go"), &whole_file).unwrap();
    assert_eq!(codes(&check_json(dir.path())), Vec::<&str>::new());
}

/// `--fix` removes a stale directive (and never adds an ignore comment); a second run has
/// nothing to do.
#[test]
fn fix_removes_stale_directives() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.22\n",
    )
    .unwrap();
    let stale = "\
package app

import \"time\"

func poll(d time.Duration) {
\t//leakls:ignore unstopped-ticker it used to leak
\tt := time.NewTicker(d)
\tdefer t.Stop()
\t<-t.C
}
";
    fs::write(dir.path().join("app.go"), stale).unwrap();
    let out = leakls(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("./app.go:6:2: unused-ignore: //leakls:ignore silences nothing: no unstopped-ticker finding"),
        "{text}"
    );
    let out = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = fs::read_to_string(dir.path().join("app.go")).unwrap();
    assert_eq!(
        fixed,
        stale.replace("\t//leakls:ignore unstopped-ticker it used to leak\n", "")
    );
    let again = leakls(dir.path(), &["check", "--fix"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.path().join("app.go")).unwrap(),
        fixed
    );
}

#[test]
fn explain_knows_unused_ignore() {
    let out = leakls(Path::new("."), &["explain", "unused-ignore"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# unused-ignore\n"));
}
