//! The command line and the server find the same things: `leakls check --format json` on a
//! fixture module, against an editor session on the same module (first scan, then every file
//! opened), compared finding by finding.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use support::{file_uri, ClientOptions, Encoding, Server, Text};

/// (path, line, column, code, message), 1-based, columns in bytes.
type Row = (String, u64, u64, String, String);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testdata/src")
        .join(name)
}

fn go_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(go_files(&path));
        } else if path.extension().is_some_and(|x| x == "go") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn from_cli(dir: &Path) -> BTreeSet<Row> {
    let out = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    items
        .iter()
        .map(|f| {
            (
                Path::new(f["path"].as_str().unwrap())
                    .canonicalize()
                    .unwrap()
                    .display()
                    .to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn from_server(dir: &Path) -> BTreeSet<Row> {
    let options = ClientOptions {
        work_done_progress: true,
        workspace_folders: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir));
    server.wait_until("the end of the first scan", |s| {
        s.protocol_notifications
            .iter()
            .any(|n| n["params"]["value"]["kind"] == "end")
    });
    let mut rows = BTreeSet::new();
    for path in go_files(dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let uri = file_uri(&path);
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "go", "version": 1, "text": text }}),
        );
        let model = Text::new(&text, Encoding::Utf16);
        for d in server.expect_diagnostics(&uri, 1) {
            let offset = model.offset(&d["range"]["start"]);
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let line = text[..offset].matches('\n').count() as u64 + 1;
            rows.insert((
                path.canonicalize().unwrap().display().to_string(),
                line,
                (offset - line_start) as u64 + 1,
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            ));
        }
    }
    server.shutdown();
    rows
}

#[test]
fn check_and_server_agree_on_multi_package_modules() {
    for name in ["hub", "globalpos", "tickerfield", "tickerpos"] {
        let dir = fixture(name);
        let cli = from_cli(&dir);
        let server = from_server(&dir);
        assert!(!cli.is_empty(), "{name}: the fixture has findings");
        assert_eq!(
            cli,
            server,
            "{name}: only in check: {:#?}\nonly in the server: {:#?}",
            cli.difference(&server).collect::<Vec<_>>(),
            server.difference(&cli).collect::<Vec<_>>()
        );
    }
}
