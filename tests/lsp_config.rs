//! The real binary over stdio: configuration (leakls.toml, initializationOptions,
//! workspace/configuration, didChangeConfiguration), suppression comments and hover.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{file_uri, ClientOptions, Encoding, Server, Text};

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

/// A Go 1.22 module holding `app.go` with [`LEAKY`]; returns the folder and the file's URI.
fn module() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.22\n",
    )
    .unwrap();
    let path = dir.path().join("app.go");
    std::fs::write(&path, LEAKY).unwrap();
    (dir, file_uri(&path))
}

fn did_open(server: &mut Server, uri: &str, text: &str, version: i64) {
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": uri, "languageId": "go", "version": version, "text": text
        }}),
    );
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn start(dir: &Path, options: ClientOptions) -> Server {
    Server::start(&[], options, Some(dir))
}

#[test]
fn a_leakls_toml_applies_to_open_documents() {
    let (dir, uri) = module();
    std::fs::write(
        dir.path().join("leakls.toml"),
        "disable = [\"time-tick\"]\n[severity]\nunstopped-ticker = \"error\"\n",
    )
    .unwrap();
    let mut server = start(dir.path(), ClientOptions::default());
    did_open(&mut server, &uri, LEAKY, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker"]);
    assert_eq!(diagnostics[0]["severity"], 1, "Error, from the file");
    server.shutdown();
}

#[test]
fn a_bad_leakls_toml_is_shown_and_the_defaults_apply() {
    let (dir, uri) = module();
    let config = dir.path().join("leakls.toml");
    std::fs::write(&config, "disable = [\"time-tick\"]\nnope = 1\n").unwrap();
    let mut server = start(dir.path(), ClientOptions::default());
    did_open(&mut server, &uri, LEAKY, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker", "time-tick"]);
    let shown = server.expect_show_message("leakls.toml:2:1: unknown field `nope`");
    assert_eq!(shown["type"], 1, "an Error: {shown}");
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains(&config.display().to_string()),
        "{shown}"
    );

    // Shown once: opening another file under the same broken file says nothing more.
    let other = dir.path().join("other.go");
    std::fs::write(&other, "package app\n").unwrap();
    let other_uri = file_uri(&other);
    did_open(&mut server, &other_uri, "package app\n", 1);
    assert!(server.expect_diagnostics(&other_uri, 1).is_empty());

    // The server still answers requests.
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": diagnostics[0]["range"]["start"] }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("unstopped-ticker"));
    server.shutdown();
}

#[test]
fn initialization_options_configure_the_server() {
    let (dir, uri) = module();
    let options = ClientOptions {
        initialization_options: Some(json!({ "leakls": { "disable": ["unstopped-ticker"] } })),
        ..ClientOptions::default()
    };
    let mut server = start(dir.path(), options);
    did_open(&mut server, &uri, LEAKY, 1);
    assert_eq!(codes(&server.expect_diagnostics(&uri, 1)), ["time-tick"]);
    server.shutdown();

    // Bad options are shown, and the defaults apply.
    let options = ClientOptions {
        initialization_options: Some(json!({ "severity": { "time-tick": "loud" } })),
        ..ClientOptions::default()
    };
    let mut server = start(dir.path(), options);
    server.expect_show_message("initializationOptions: unknown severity \"loud\"");
    did_open(&mut server, &uri, LEAKY, 1);
    assert_eq!(
        codes(&server.expect_diagnostics(&uri, 1)),
        ["unstopped-ticker", "time-tick"]
    );
    server.shutdown();
}

#[test]
fn workspace_configuration_is_pulled_and_did_change_configuration_republishes() {
    let (dir, uri) = module();
    let options = ClientOptions {
        configuration: Some(json!({ "severity": { "time-tick": "hint" } })),
        ..ClientOptions::default()
    };
    let mut server = start(dir.path(), options);
    server.expect_log("applied the editor's settings");
    let asked: Vec<&Value> = server
        .server_requests
        .iter()
        .filter(|r| r["method"] == "workspace/configuration")
        .collect();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["params"]["items"][0]["section"], "leakls");
    did_open(&mut server, &uri, LEAKY, 3);
    let diagnostics = server.expect_diagnostics(&uri, 3);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker", "time-tick"]);
    assert_eq!(diagnostics[1]["severity"], 4, "Hint, from the editor");

    // The settings change: the server asks again and re-publishes the open document.
    server.set_configuration(json!({ "disable": ["time-tick"] }));
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let diagnostics = server.expect_diagnostics(&uri, 3);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker"]);
    server.shutdown();
}

#[test]
fn pushed_settings_and_a_fixed_leakls_toml() {
    let (dir, uri) = module();
    let config = dir.path().join(".leakls.toml");
    std::fs::write(&config, "go_version = 1.23\n").unwrap();
    let mut server = start(dir.path(), ClientOptions::default());
    did_open(&mut server, &uri, LEAKY, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1).len(), 2);
    server.expect_show_message(".leakls.toml:1:14: invalid type");

    // Fixed on disk, then the editor pushes new settings: both are read again.
    std::fs::write(
        &config,
        "go_version = \"1.23\"\ncollected_timers = \"hint\"\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "leakls": { "exclude": ["other/**"], "disable": ["time-tick"] } } }),
    );
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker"]);
    assert_eq!(
        diagnostics[0]["severity"], 4,
        "a Hint under go_version 1.23 with collected_timers = \"hint\""
    );
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("since Go 1.23"));

    // Now exclude the file itself: it is cleared.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "leakls": { "exclude": ["app.go"] } } }),
    );
    assert!(server.expect_diagnostics(&uri, 1).is_empty());
    server.shutdown();
}

#[test]
fn unused_ignore_is_a_hint_with_a_removal_fix_and_no_ignore_fix() {
    let (dir, uri) = module();
    let text = LEAKY.replace(
        "\tc := time.Tick(d)",
        "\t//leakls:ignore after-in-loop no loop here\n\tc := time.Tick(d) //leakls:ignore time-tick the process exits after one beat",
    );
    let mut server = start(dir.path(), ClientOptions::default());
    did_open(&mut server, &uri, &text, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker", "unused-ignore"]);
    let unused = &diagnostics[1];
    assert_eq!(unused["severity"], 4);
    let start = text.find("//leakls:ignore after-in-loop").unwrap();
    let end = start + "//leakls:ignore after-in-loop no loop here".len();
    assert_eq!(
        unused["range"],
        Text::new(&text, Encoding::Utf16).range(start..end)
    );
    let href = unused["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("docs/checks/unused-ignore.md"), "{href}");

    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": unused["range"],
            "context": { "diagnostics": [unused], "only": ["quickfix"] }
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Remove the unused directive"]);
    server.shutdown();
}

#[test]
fn hover_explains_the_finding_under_the_cursor() {
    let (dir, uri) = module();
    let mut server = start(dir.path(), ClientOptions::default());
    assert_eq!(
        server.initialize_result["capabilities"]["hoverProvider"],
        true
    );
    did_open(&mut server, &uri, LEAKY, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    let ticker = &diagnostics[0];
    let mut inside = ticker["range"]["start"].clone();
    inside["character"] = json!(inside["character"].as_u64().unwrap() + 3);
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": inside }),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(hover["range"], ticker["range"]);
    let value = hover["contents"]["value"].as_str().unwrap();
    let message = ticker["message"].as_str().unwrap();
    assert!(
        value.starts_with("**leakls `unstopped-ticker`**\n\nA `time.NewTicker` call"),
        "{value}"
    );
    assert!(
        !value.contains(message),
        "the message is not repeated: {value}"
    );
    assert!(
        value.contains("\n\n**Quick-fix here:** Stop the ticker: `defer t.Stop()`."),
        "{value}"
    );
    assert!(value.contains("\n\n**The fix.** "), "{value}");
    assert!(
        value.contains("defer t.Stop()\n```"),
        "the block the fix announces: {value}"
    );
    assert!(
        value.contains(ticker["codeDescription"]["href"].as_str().unwrap()),
        "a link to the page: {value}"
    );

    // Outside every finding: null.
    let nothing = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 2 } }),
    );
    assert_eq!(nothing, Value::Null);
    server.shutdown();
}

/// The Go-version and test-code defaults are editor settings too, as VS Code sends its `leakls`
/// section (with the extension's own keys beside them).
#[test]
fn tests_and_collected_timers_from_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/app\n\ngo 1.23\n",
    )
    .unwrap();
    let app = dir.path().join("app_test.go");
    std::fs::write(&app, LEAKY).unwrap();
    let uri = file_uri(&app);
    let options = ClientOptions {
        configuration: Some(json!({
            "server": { "path": "", "extraArgs": [] },
            "trace": { "server": "off" },
            "tests": false,
            "collected_timers": "off",
        })),
        ..ClientOptions::default()
    };
    let mut server = start(dir.path(), options);
    server.expect_log("applied the editor's settings");
    did_open(&mut server, &uri, LEAKY, 1);
    assert!(
        server.expect_diagnostics(&uri, 1).is_empty(),
        "a test file, and timers the runtime collects: nothing to report by default"
    );

    server.set_configuration(json!({ "tests": true, "collected_timers": "hint" }));
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker", "time-tick"]);
    assert!(
        diagnostics.iter().all(|d| d["severity"] == 4),
        "{diagnostics:?}"
    );
    server.shutdown();
}
