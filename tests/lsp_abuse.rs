//! Protocol abuse, over the real binary: after each, the server still answers correctly.
//!
//! Bad framing is answered, not fatal: a body that is not a JSON-RPC message gets an error
//! response (`-32700` when it is not JSON, `-32600` when it is JSON but no message, with the
//! request's id when it has one), and a missing, unreadable, too short or too long
//! `Content-Length` gets a `-32700` with `id: null` while the server skips to the next
//! `Content-Length: N` line. (tower-lsp-server alone stops reading at the first such message.)

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{file_uri, ClientOptions, Server, TICKER};

/// A slice-retains finding (in `Pop`, line 9) and an unstopped-ticker (in `poll`).
const BOTH: &str = "\
package app

import (
\t\"sync\"
\t\"time\"
)

type Job struct{ id int }

type Queue struct {
\tmu   sync.Mutex
\tjobs []*Job
}

func (q *Queue) Push(j *Job) { q.jobs = append(q.jobs, j) }

func (q *Queue) Pop() *Job {
\tj := q.jobs[0]
\tq.jobs = q.jobs[1:]
\treturn j
}

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}
";

/// A module folder at Go 1.22.
fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(dir.path(), "go.mod", "module example.com/app\n\ngo 1.22\n");
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).expect("making a folder");
    std::fs::write(&path, text).expect("writing a file");
    file_uri(&path)
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn position(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn range(start: Value, end: Value) -> Value {
    json!({ "start": start, "end": end })
}

fn hover(server: &mut Server, uri: &str, at: Value) -> Value {
    server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at }),
    )
}

fn code_actions(server: &mut Server, uri: &str, range: Value, diagnostics: Value) -> Value {
    server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": range,
            "context": { "diagnostics": diagnostics }
        }),
    )
}

fn titles(actions: &Value) -> Vec<String> {
    actions
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["title"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect()
}

/// Opens a new document with a leaking ticker at `dir/name` and checks its diagnostic and its
/// quick-fix: the server is alive and still right.
fn still_answers(server: &mut Server, dir: &Path, name: &str) {
    let uri = file_uri(&dir.join(name));
    server.open(&uri, TICKER, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(
        codes(&diagnostics),
        ["unstopped-ticker"],
        "{diagnostics:#?}"
    );
    let d = &diagnostics[0];
    let actions = code_actions(server, &uri, d["range"].clone(), json!([d]));
    let titles = titles(&actions);
    assert!(
        titles.iter().any(|t| t.contains("defer t.Stop()")),
        "{titles:?}"
    );
}

fn leakls(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("running leakls")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn bodies_that_are_not_messages_get_an_error_and_the_server_goes_on() {
    let dir = module();
    let mut server = Server::start_default(dir.path());

    server.send_raw(&frame(b"this is not json"));
    assert_eq!(server.expect_error_response(Value::Null)["code"], -32700);
    // Invalid UTF-8 inside a JSON string.
    server.send_raw(&frame(
        b"{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":\"\xff\"}",
    ));
    assert_eq!(server.expect_error_response(Value::Null)["code"], -32700);
    // JSON, but no message: the request's id is answered when it can be read.
    server.send_raw(&frame(br#"{"jsonrpc":"2.0","id":41,"method":7}"#));
    assert_eq!(server.expect_error_response(json!(41))["code"], -32600);
    server.send_raw(&frame(b"[1,2,3]"));
    assert_eq!(server.expect_error_response(Value::Null)["code"], -32600);
    // A message whose params do not fit its method.
    server.send_raw(&frame(
        br#"{"jsonrpc":"2.0","id":42,"method":"textDocument/hover","params":"nonsense"}"#,
    ));
    assert_eq!(server.expect_error_response(json!(42))["code"], -32602);

    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn a_missing_or_wrong_content_length_skips_to_the_next_message() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let body = br#"{"jsonrpc":"2.0","method":"$/noSuchNotification","params":{}}"#;
    let with_length = |n: usize| {
        let mut m = format!("Content-Length: {n}\r\n\r\n").into_bytes();
        m.extend_from_slice(body);
        m
    };
    let bad: [(&str, Vec<u8>); 7] = [
        ("no Content-Length", {
            let mut m = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".to_vec();
            m.extend_from_slice(body);
            m
        }),
        ("a Content-Length that is no number", {
            let mut m = b"Content-Length: twelve\r\n\r\n".to_vec();
            m.extend_from_slice(body);
            m
        }),
        (
            "a negative Content-Length",
            b"Content-Length: -3\r\n\r\n{}".to_vec(),
        ),
        ("a Content-Length too short", with_length(body.len() - 9)),
        // The next message's header shows that the body ended early: no waiting for bytes.
        ("a Content-Length too long", with_length(body.len() + 5000)),
        ("no header at all", body.to_vec()),
        (
            "bytes that are not text",
            b"\x00\xff\xfe\r\n\r\n\x01".to_vec(),
        ),
    ];
    let nowhere = file_uri(&dir.path().join("nowhere.go"));
    for (what, bytes) in bad {
        server.send_raw(&bytes);
        // A request right behind the bad bytes is read and answered.
        let answer = hover(&mut server, &nowhere, position(0, 0));
        assert_eq!(answer, Value::Null, "after {what}");
        let errors = server.take_unreadable_answers();
        assert!(
            !errors.is_empty(),
            "{what} should be answered with an error"
        );
        for e in errors {
            assert_eq!(e["code"], -32700, "after {what}: {e}");
        }
    }

    // Headers tower-lsp alone would refuse: any case, a Content-Type without charset, more than
    // two headers. A message sent a byte at a time.
    let request = br#"{"jsonrpc":"2.0","id":"odd","method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere.go"},"position":{"line":0,"character":0}}}"#;
    let mut odd = format!(
        "content-length: {}\r\nContent-Type: application/json\r\nX-Extra: 1\r\n\r\n",
        request.len()
    )
    .into_bytes();
    odd.extend_from_slice(request);
    for byte in &odd {
        server.send_raw(std::slice::from_ref(byte));
    }
    let answer = server.take_response(&json!("odd"));
    assert_eq!(
        answer,
        json!({ "jsonrpc": "2.0", "id": "odd", "result": null })
    );

    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn unknown_methods() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let error = server
        .try_request("leakls/noSuchMethod", json!({}))
        .expect_err("an unknown request fails");
    assert_eq!(error["code"], -32601, "MethodNotFound: {error}");
    // `$/` requests too (tower-lsp alone would leave them unanswered).
    let error = server
        .try_request("$/noSuchRequest", json!({}))
        .expect_err("an unknown $/ request fails");
    assert_eq!(error["code"], -32601, "MethodNotFound: {error}");
    // Unknown notifications are ignored: nothing comes back (shutdown checks that).
    server.notify("leakls/noSuchNotification", json!({}));
    server.notify("$/noSuchNotification", json!({}));
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn requests_before_initialize() {
    let dir = module();
    let mut server = Server::spawn(&[], &[]);
    let uri = write(dir.path(), "early.go", TICKER);
    let error = server
        .try_request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position(0, 0) }),
        )
        .expect_err("a request before initialize fails");
    assert_eq!(error["code"], -32002, "ServerNotInitialized: {error}");
    // A notification before initialize is dropped.
    server.open(&uri, TICKER, 1);

    server.initialize(ClientOptions::default(), Some(dir.path()));
    server.assert_no_publish_yet(&uri);
    assert_eq!(hover(&mut server, &uri, position(5, 8)), Value::Null);
    let error = server
        .try_request("initialize", json!({ "capabilities": {} }))
        .expect_err("a second initialize fails");
    assert_eq!(error["code"], -32600, "InvalidRequest: {error}");
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn changes_to_a_document_never_opened_are_ignored() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let ghost = write(dir.path(), "ghost.go", TICKER);
    server.change(&ghost, 2, vec![json!({ "text": TICKER })]);
    server.expect_log(&format!("{ghost} which is not open"));
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": ghost } }),
    );
    assert_eq!(hover(&mut server, &ghost, position(5, 8)), Value::Null);
    server.assert_no_publish_yet(&ghost);
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn versions_that_go_backwards_drop_the_document() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let uri = write(dir.path(), "poll.go", TICKER);
    let comment =
        |at: u32| json!({ "range": range(position(at, 0), position(at, 0)), "text": "// x\n" });
    server.open(&uri, TICKER, 5);
    assert_eq!(server.expect_diagnostics(&uri, 5).len(), 1);
    server.change(&uri, 6, vec![comment(1)]);
    let diagnostics = server.expect_diagnostics(&uri, 6);
    assert_eq!(diagnostics.len(), 1);

    // Version 3 after 6: the client's history is not ours.
    server.change(&uri, 3, vec![comment(1)]);
    server.expect_cleared(&uri);
    server.expect_log("didChange for version 3, not after version 6");
    let d = &diagnostics[0];
    let none = code_actions(&mut server, &uri, d["range"].clone(), json!([d]));
    assert_eq!(none, Value::Null, "no actions for a dropped document");
    server.change(&uri, 7, vec![comment(1)]);
    server.expect_log(&format!("{uri} which is not open"));
    server.assert_no_publish_yet(&uri);

    // The same version twice is no newer either.
    server.open(&uri, TICKER, 8);
    assert_eq!(server.expect_diagnostics(&uri, 8).len(), 1);
    server.change(&uri, 8, vec![comment(1)]);
    server.expect_cleared(&uri);
    server.expect_log("didChange for version 8, not after version 8");

    server.open(&uri, TICKER, 9);
    assert_eq!(server.expect_diagnostics(&uri, 9).len(), 1);
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn positions_past_the_end_of_a_line_or_of_the_file() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let uri = write(dir.path(), "poll.go", TICKER);
    server.open(&uri, TICKER, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1).len(), 1);

    // A column past the end of its line is the end of the line (the LSP specification).
    let end_of_ticker_line = position(5, 999);
    let insert = json!({
        "range": range(end_of_ticker_line.clone(), end_of_ticker_line.clone()),
        "text": "\n\tdefer t.Stop()"
    });
    server.change(&uri, 2, vec![insert]);
    assert_eq!(
        server.expect_diagnostics(&uri, 2),
        Vec::<Value>::new(),
        "the Stop went at the end of the ticker's line"
    );

    // Requests past the end get answers.
    assert_eq!(hover(&mut server, &uri, end_of_ticker_line), Value::Null);
    assert_eq!(hover(&mut server, &uri, position(999, 0)), Value::Null);
    let actions = code_actions(
        &mut server,
        &uri,
        range(position(500, 3), position(600, 0)),
        json!([]),
    );
    assert!(titles(&actions).is_empty(), "{actions}");

    // An edit on a line past the end does not fit: the document is dropped.
    let past = json!({ "range": range(position(40, 0), position(40, 1)), "text": "x" });
    server.change(&uri, 3, vec![past]);
    server.expect_cleared(&uri);
    server.expect_log("line 40 is past the end of a document of 10 lines");

    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn a_code_action_for_a_range_that_no_longer_exists() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    let uri = write(dir.path(), "poll.go", TICKER);
    server.open(&uri, TICKER, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    let stale = diagnostics[0].clone();
    // The text shrinks to one line; the client asks about the old range anyway.
    server.change(&uri, 2, vec![json!({ "text": "package app\n" })]);
    assert_eq!(server.expect_diagnostics(&uri, 2), Vec::<Value>::new());
    let actions = code_actions(&mut server, &uri, stale["range"].clone(), json!([stale]));
    assert!(titles(&actions).is_empty(), "{actions}");
    // A range that ends before it starts.
    let reversed = range(position(5, 9), position(1, 0));
    let actions = code_actions(&mut server, &uri, reversed, json!([stale]));
    assert!(titles(&actions).is_empty(), "{actions}");
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

/// A 20 MiB Go file of comment lines with a leaking ticker at its end (cheap to parse, so that
/// the debug build takes seconds, not minutes).
fn twenty_megabytes() -> (String, usize) {
    let line = format!("// {}\n", "x".repeat(76));
    let mut text = String::from("package app\n\nimport \"time\"\n\n");
    while text.len() < 20 << 20 {
        text.push_str(&line);
    }
    let ticker_line = text.matches('\n').count() + 1;
    text.push_str("func poll(d time.Duration) {\n\tt := time.NewTicker(d)\n\t<-t.C\n}\n");
    (text, ticker_line)
}

#[test]
fn a_20_megabyte_file() {
    let dir = module();
    let (big, ticker_line) = twenty_megabytes();
    let uri = write(dir.path(), "big/big.go", &big);
    let mut server = Server::start_default(dir.path());

    let started = Instant::now();
    server.open(&uri, &big, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], ticker_line as u64);
    // An edit at the end of 20 MiB is quick: no full reparse.
    let end = position(ticker_line as u32 + 1, 0);
    let fix = json!({ "range": range(end.clone(), end), "text": "\tdefer t.Stop()\n" });
    server.change(&uri, 2, vec![fix]);
    assert_eq!(server.expect_diagnostics(&uri, 2), Vec::<Value>::new());
    eprintln!("a 20 MiB didOpen and one edit: {:?}", started.elapsed());
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();

    // Read from disk, it is over the limit, even when named on the command line: a clear
    // message and exit status 2, no findings from half a file.
    let path = dir.path().join("big/big.go");
    let out = leakls(&["check", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("big.go: 20.0 MiB, larger than the 16 MiB leakls reads, skipped"),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout).matches("unstopped-ticker").count(), 0);
}

/// 100,000 levels of nesting in several forms, and one leak in a shallow function.
fn deeply_nested() -> String {
    const N: usize = 100_000;
    let mut text = String::from("package app\n\nimport \"time\"\n\ntype T struct{}\n\n");
    text.push_str("var s []*T\n\n");
    text += &format!("var parens = {}1{}\n\n", "(".repeat(N), ")".repeat(N));
    text += &format!("var pointers = {}T{{}}\n\n", "& ".repeat(N));
    text += &format!(
        "func blocks(d time.Duration) {{\n{}t := time.NewTicker(d); <-t.C; s = s[1:]{}\n}}\n\n",
        "{".repeat(N),
        "}".repeat(N)
    );
    text += &format!(
        "func assign() {{\n\t{}s{} = s[1:]\n}}\n\n",
        "(".repeat(N),
        ")".repeat(N)
    );
    text += &format!(
        "func calls() {{\n\t_ = {}1{}\n}}\n\n",
        "f(".repeat(N),
        ")".repeat(N)
    );
    text += "func f(x int) int { return x }\n\n";
    text += "func poll(d time.Duration) {\n\tt := time.NewTicker(d)\n\t<-t.C\n}\n";
    text
}

#[test]
fn deeply_nested_code() {
    let dir = module();
    let nested = deeply_nested();
    let uri = write(dir.path(), "deep/deep.go", &nested);
    let poll_line = nested
        .lines()
        .position(|l| l.starts_with("func poll"))
        .unwrap()
        + 1;
    let blocks_line = nested
        .lines()
        .position(|l| l.starts_with("func blocks"))
        .unwrap()
        + 1;

    let mut server = Server::start_default(dir.path());
    server.open(&uri, &nested, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    // The shallow leak is found; the deep function is skipped, and said so.
    let lines: Vec<_> = diagnostics
        .iter()
        .map(|d| (d["code"].clone(), d["range"]["start"]["line"].clone()))
        .collect();
    assert!(
        lines.contains(&(json!("unstopped-ticker"), json!(poll_line))),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|(_, l)| *l == json!(blocks_line)),
        "{lines:?}"
    );
    server.expect_log(&format!(
        "deep.go:{blocks_line}: every check: the declaration is nested more than 1000 levels deep"
    ));
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();

    let out = leakls(&["check", dir.path().join("deep").to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        text(&out.stdout).contains(&format!("deep.go:{}:7: unstopped-ticker", poll_line + 1)),
        "{out:?}"
    );
    assert!(
        text(&out.stderr).contains("nested more than 1000 levels deep: not checked"),
        "{out:?}"
    );
}

#[test]
fn invalid_utf8_on_disk() {
    let dir = module();
    std::fs::write(
        dir.path().join("bad.go"),
        b"package app\n\nvar s = \"\xff\xfe\"\n",
    )
    .unwrap();
    let good = write(dir.path(), "good.go", TICKER);

    // leakls check reports the file and goes on with the others.
    let out = leakls(&["check", dir.path().to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("bad.go: not valid UTF-8"),
        "{out:?}"
    );
    assert!(
        text(&out.stdout).contains("good.go:6:7: unstopped-ticker"),
        "{out:?}"
    );

    // The server's scan and watched files pass over it.
    let options = ClientOptions {
        watch_files: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    server.expect_log("indexed 2 Go files");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&dir.path().join("bad.go")), "type": 2 }] }),
    );
    server.open(&good, TICKER, 1);
    assert_eq!(server.expect_diagnostics(&good, 1).len(), 1);
    still_answers(&mut server, dir.path(), "after.go");
    server.shutdown();
}

#[test]
fn shutdown_then_exit_ends_with_status_0_even_with_stdin_open() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    still_answers(&mut server, dir.path(), "a.go");
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.exit(0);
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    still_answers(&mut server, dir.path(), "a.go");
    server.exit(1);
}

#[test]
fn the_end_of_stdin_ends_the_process() {
    let dir = module();
    let mut server = Server::start_default(dir.path());
    still_answers(&mut server, dir.path(), "a.go");
    let exit = server.close_stdin(1);
    assert!(exit.unreadable_answers.is_empty());
    // Also in the middle of a message, which is answered as unreadable.
    let mut server = Server::start_default(dir.path());
    server.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
    let exit = server.close_stdin(1);
    assert_eq!(exit.unreadable_answers.len(), 1);
    assert_eq!(exit.unreadable_answers[0]["code"], -32700);
}

#[test]
fn a_check_that_panics_loses_only_its_own_findings() {
    for (check, left) in [
        ("slice-retains", &["unstopped-ticker"][..]),
        ("global-growth", &["slice-retains", "unstopped-ticker"][..]),
    ] {
        let dir = module();
        let uri = write(dir.path(), "both.go", BOTH);
        let mut server = Server::spawn(&[], &[("LEAKLS_TEST_PANIC", check)]);
        server.initialize(ClientOptions::default(), Some(dir.path()));
        server.open(&uri, BOTH, 1);
        let diagnostics = server.expect_diagnostics(&uri, 1);
        assert_eq!(codes(&diagnostics), left, "{check}: {diagnostics:#?}");
        let needle = format!("{check}: the check panicked (LEAKLS_TEST_PANIC={check})");
        let log = server.expect_log(&needle);
        let message = log["params"]["message"].as_str().unwrap();
        assert!(message.contains("both.go"), "names the file: {message}");
        assert_eq!(log["params"]["type"], 1, "an error: {log}");

        // Edits go on being analysed; the same failure is logged once per document.
        for version in 2..4 {
            let end = position(25, 1);
            let comment = json!({ "range": range(end.clone(), end), "text": "\n// more" });
            server.change(&uri, version, vec![comment]);
            assert_eq!(codes(&server.expect_diagnostics(&uri, version)), left);
        }
        let logged = server
            .log_messages
            .iter()
            .filter(|m| m["params"]["message"].as_str().unwrap().contains(&needle))
            .count();
        assert_eq!(logged, 1, "{check}");
        still_answers(&mut server, dir.path(), "after.go");
        server.shutdown();

        let out = leakls(
            &["check", dir.path().to_str().unwrap()],
            &[("LEAKLS_TEST_PANIC", check), ("RUST_BACKTRACE", "0")],
        );
        // The other findings are reported, and the exit status says the result is partial.
        assert_eq!(out.status.code(), Some(2), "{check}: {out:?}");
        assert!(text(&out.stderr).contains(&needle), "{check}: {out:?}");
        assert!(text(&out.stderr).contains("both.go"), "{check}: {out:?}");
        for code in left {
            assert!(text(&out.stdout).contains(code), "{check}: {out:?}");
        }
    }
}

#[test]
fn a_panic_in_the_analysis_of_a_file_drops_only_that_document() {
    let dir = module();
    let uri = write(dir.path(), "poll.go", TICKER);
    let mut server = Server::spawn(&[], &[("LEAKLS_TEST_PANIC", "summary")]);
    server.initialize(ClientOptions::default(), Some(dir.path()));
    server.open(&uri, TICKER, 1);
    server.expect_log(&format!(
        "{uri}: didOpen panicked (LEAKLS_TEST_PANIC=summary); the document is dropped"
    ));
    server.assert_no_publish_yet(&uri);
    // The server answers; the document is not open.
    assert_eq!(hover(&mut server, &uri, position(5, 8)), Value::Null);
    let actions = code_actions(
        &mut server,
        &uri,
        range(position(5, 0), position(5, 9)),
        json!([]),
    );
    assert_eq!(actions, Value::Null);
    server.change(&uri, 2, vec![json!({ "text": TICKER })]);
    server.expect_log(&format!("{uri} which is not open"));
    server.shutdown();
}

/// `a.go` reads a package-level map that only `grow.go` adds to; leakls reports the map as
/// `global-growth` when it has read `grow.go`.
const REGISTRY: &str = "\
package app

var registry = map[string]int{}

func lookup(k string) int { return registry[k] }
";

const GROW: &str = "\
package app

import \"net/http\"

func remember(w http.ResponseWriter, r *http.Request) { registry[r.URL.Path] = 1 }
";

#[cfg(unix)]
#[test]
fn links_and_paths_outside_the_workspace_are_not_read() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "grow.go", GROW);
    let outside_uri = file_uri(&outside.path().join("grow.go"));
    let dir = module();
    let ws = dir.path();
    let a = write(ws, "a.go", REGISTRY);
    symlink(outside.path().join("grow.go"), ws.join("grow.go")).unwrap();
    symlink(outside.path(), ws.join("linked")).unwrap();
    symlink(ws, ws.join("loop")).unwrap();

    // leakls check does not follow them (nor loop).
    let out = leakls(&["check", ws.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let options = ClientOptions {
        watch_files: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(ws));
    server.expect_log("indexed 1 Go files");
    server.open(&a, REGISTRY, 1);
    assert_eq!(server.expect_diagnostics(&a, 1), Vec::<Value>::new());
    // The editor says the links changed, and a file outside the workspace: none is read.
    let changed = |uri: String| json!({ "uri": uri, "type": 2 });
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            changed(file_uri(&ws.join("grow.go"))),
            changed(file_uri(&ws.join("linked/grow.go"))),
            changed(file_uri(&ws.join("loop/a.go"))),
            changed(outside_uri.clone()),
        ]}),
    );
    // A real file of the workspace is read. The next publication for a.go is the first since it
    // opened, and names that file alone: `grow.go`, the link in the same package, was not read
    // (the other paths cannot change a.go's findings; discover's unit test covers them).
    let real = write(ws, "real.go", GROW);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [changed(real.clone())] }),
    );
    let published = diagnostics_of(&server.publish_matching(&a, |_| true));
    assert_eq!(codes(&published), ["global-growth"], "{published:#?}");
    let related: Vec<&str> = published[0]["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert!(
        !related.is_empty() && related.iter().all(|u| *u == real),
        "{related:?}"
    );
    server.shutdown();
}

fn diagnostics_of(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// What the server can do is what its code can call: no process, no socket anywhere in `src/`
/// but `src/heap/fetch.rs` (`leakls heap --url`, a loopback `GET`), which nothing but the
/// command line calls, and tokio without its `net` and `process` features.
#[test]
fn no_code_runs_programs_or_opens_connections() {
    let forbidden = [
        "process::Command",
        "Command::new",
        "std::net",
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "UnixStream",
        "tokio::net",
        "tokio::process",
    ];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                files += 1;
                let source = std::fs::read_to_string(&path).unwrap();
                if path.ends_with("heap/fetch.rs") {
                    continue;
                }
                for f in forbidden {
                    assert!(!source.contains(f), "{} uses {f}", path.display());
                }
                let calls_fetch = source.contains("fetch::") || source.contains("heap::fetch");
                let cli = path.ends_with("cli/heap.rs") || path.ends_with("heap/mod.rs");
                assert!(
                    !calls_fetch || cli,
                    "{} reaches the --url fetch: only the command line may",
                    path.display()
                );
            }
        }
    }
    assert!(files > 20, "found the sources ({files} files)");
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let tokio = manifest
        .lines()
        .find(|l| l.starts_with("tokio "))
        .expect("tokio in Cargo.toml");
    for feature in ["\"net\"", "\"process\"", "\"full\""] {
        assert!(!tokio.contains(feature), "{tokio}");
    }
}

// ---------------------------------------------------------------------------------------------
// A server that never hangs, never runs out of memory, and never outlives its editor.
// ---------------------------------------------------------------------------------------------

/// Within this of stdin's end, `exit` or the editor's death, the process is gone (the lifeline
/// gives the orderly way out half a second; the rest is slack for a loaded machine).
const ENDS_WITHIN: Duration = Duration::from_millis(1500);

/// The address space the server may use in these tests: far more than it needs, far less than a
/// read without limits takes.
const MEMORY_LIMIT_KIB: u64 = 2 << 20;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o644) },
        0,
        "mkfifo {path:?}"
    );
}

/// A sparse file of `len` bytes: no disk is used, and reading it gives NUL bytes.
fn sparse(path: &Path, len: u64) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

/// Runs `leakls check` on `args`, killed after `within`: (exit code, stderr) or a failure
/// saying it hung.
fn check_within(args: &[&str], within: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + within;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("leakls check {args:?} still running after {within:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), text(&out.stderr))
}

#[test]
fn a_client_that_answers_no_request_is_served_and_its_end_is_noticed() {
    let dir = module();
    let options = ClientOptions {
        watch_files: true,
        work_done_progress: true,
        configuration: Some(json!({})),
        ..ClientOptions::default()
    };
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.answer_requests = false;
    server.initialize(options, Some(dir.path()));
    // Each asks the client again for its settings: four requests never answered.
    for _ in 0..3 {
        server.notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": {} }),
        );
    }
    let started = Instant::now();
    still_answers(&mut server, dir.path(), "a.go");
    let uri = file_uri(&dir.path().join("a.go"));
    assert!(hover(&mut server, &uri, position(5, 9)).is_object());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answers took {:?}: unanswered requests held the handlers",
        started.elapsed()
    );
    let (code, took) = server.ends_within(ENDS_WITHIN, false);
    assert_eq!(code, Some(1));
    eprintln!("ended {took:?} after stdin closed, with 6 requests unanswered");

    // Stdin closing right after `initialized`, with the requests still pending.
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.answer_requests = false;
    server.initialize(
        ClientOptions {
            watch_files: true,
            work_done_progress: true,
            configuration: Some(json!({})),
            ..ClientOptions::default()
        },
        Some(dir.path()),
    );
    let (code, _) = server.ends_within(ENDS_WITHIN, false);
    assert_eq!(code, Some(1));
}

#[test]
fn exit_or_the_end_of_stdin_during_the_first_scan_ends_the_process_at_once() {
    // GOROOT's sources: a scan of several seconds, more in a debug build.
    let goroot = Command::new("go").args(["env", "GOROOT"]).output();
    let Some(src) = goroot
        .ok()
        .map(|o| Path::new(text(&o.stdout).trim()).join("src"))
        .filter(|p| p.join("runtime").is_dir())
    else {
        eprintln!("skipped: no GOROOT with sources");
        return;
    };
    for end in ["exit", "eof"] {
        let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
        server.initialize(ClientOptions::default(), Some(&src));
        std::thread::sleep(Duration::from_millis(300)); // the scan is under way
        let keep_stdin = end == "exit";
        if keep_stdin {
            server.notify("exit", Value::Null);
        }
        let (code, took) = server.ends_within(ENDS_WITHIN, keep_stdin);
        assert_eq!(code, Some(1), "{end}");
        eprintln!("{end} during the scan of GOROOT: ended in {took:?}");
    }
}

#[test]
fn the_death_of_the_editor_process_ends_the_server() {
    let dir = module();
    let mut editor = Command::new("sleep").arg("60").spawn().unwrap();
    let options = ClientOptions {
        process_id: Some(editor.id()),
        ..ClientOptions::default()
    };
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.initialize(options, Some(dir.path()));
    still_answers(&mut server, dir.path(), "a.go");
    // Another process keeps the server's stdin open: only the editor's death can end it.
    let _held = server.leak_stdin();
    editor.kill().unwrap();
    editor.wait().unwrap();
    let (code, took) = server.ends_within(ENDS_WITHIN + Duration::from_millis(500), true);
    assert_eq!(code, Some(1));
    eprintln!("ended {took:?} after the editor's process died");
}

#[test]
fn a_fifo_named_go_mod_blocks_nothing() {
    let dir = module();
    write(dir.path(), "sub/a.go", TICKER);
    mkfifo(&dir.path().join("sub/go.mod"));
    mkfifo(&dir.path().join("go.work"));
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.initialize(ClientOptions::default(), Some(dir.path()));
    server.expect_log("indexed 1 Go files");
    let uri = file_uri(&dir.path().join("sub/a.go"));
    server.open(&uri, TICKER, 1);
    // The folder's go.mod is there but unreadable: the module's Go version is unknown, and a
    // ticker may leak.
    assert_eq!(
        codes(&server.expect_diagnostics(&uri, 1)),
        ["unstopped-ticker"]
    );
    still_answers(&mut server, dir.path(), "sub/b.go");
    let peak = server.peak_rss_kib();
    assert!(peak < 200 << 10, "peak RSS {peak} KiB");
    let (code, _) = server.ends_within(ENDS_WITHIN, false);
    assert_eq!(code, Some(1));

    let (code, stderr) = check_within(
        &["check", dir.path().join("sub").to_str().unwrap()],
        Duration::from_secs(10),
    );
    assert_eq!(code, Some(1), "{stderr}");
}

#[test]
fn a_fifo_named_like_a_go_file_is_never_opened_for_reading() {
    let dir = module();
    let fifo = dir.path().join("x.go");
    mkfifo(&fifo);
    mkfifo(&dir.path().join("leakls.toml"));
    let options = ClientOptions {
        watch_files: true,
        ..ClientOptions::default()
    };
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.initialize(options, Some(dir.path()));
    server.expect_log("indexed 0 Go files");
    let uri = file_uri(&fifo);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }] }),
    );
    // Open and closed again: the disk is read for it then.
    server.open(&uri, TICKER, 1);
    server.expect_diagnostics(&uri, 1);
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    server.expect_cleared(&uri);
    still_answers(&mut server, dir.path(), "a.go");
    server.expect_show_message("leakls.toml: cannot read it: not a regular file (a FIFO)");
    let peak = server.peak_rss_kib();
    assert!(peak < 200 << 10, "peak RSS {peak} KiB");
    server.shutdown();

    // A walk passes it over with a word; leakls.toml, a FIFO too, is an error once a file
    // it would configure is checked.
    write(dir.path(), "a.go", TICKER);
    let (code, stderr) = check_within(
        &["check", dir.path().to_str().unwrap()],
        Duration::from_secs(10),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("x.go: not a regular file, skipped"),
        "{stderr}"
    );
    assert!(stderr.contains("not a regular file (a FIFO)"), "{stderr}");
    let (code, stderr) = check_within(&["check", fifo.to_str().unwrap()], Duration::from_secs(10));
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn huge_and_binary_files_are_skipped_before_they_are_read() {
    let dir = module();
    // A file of NUL bytes at the limit: the first scan meets it.
    sparse(&dir.path().join("zeros.go"), 16 << 20);
    let mut server = Server::spawn_limited(MEMORY_LIMIT_KIB);
    server.initialize(
        ClientOptions {
            watch_files: true,
            ..ClientOptions::default()
        },
        Some(dir.path()),
    );
    server.expect_log("indexed 1 Go files");
    // Far past the limit, reported by watch events once the scan is done.
    sparse(&dir.path().join("huge.go"), 300 << 20);
    sparse(&dir.path().join("sub/go.mod"), 2 << 30);
    sparse(&dir.path().join("leakls.toml"), 2 << 30);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [
            { "uri": file_uri(&dir.path().join("huge.go")), "type": 1 },
            { "uri": file_uri(&dir.path().join("sub/go.mod")), "type": 1 },
            { "uri": file_uri(&dir.path().join("leakls.toml")), "type": 1 },
        ] }),
    );
    still_answers(&mut server, dir.path(), "sub/b.go");
    server.expect_show_message("larger than the 16 MiB leakls reads");
    server.settle(Duration::from_millis(300));
    let peak = server.peak_rss_kib();
    let exit = server.shutdown();
    assert!(
        peak < 200 << 10,
        "peak RSS {peak} KiB with 16 MiB of NULs and 300 MiB and 2 GiB files around"
    );
    let logged: Vec<&str> = exit
        .log_messages
        .iter()
        .filter_map(|m| m["params"]["message"].as_str())
        .collect();
    let said = |needle: &str| logged.iter().any(|m| m.contains(needle));
    assert!(
        said("zeros.go: binary content (a NUL byte at offset 0)"),
        "{logged:#?}"
    );
    assert!(
        said("huge.go: 300.0 MiB, larger than the 16 MiB"),
        "{logged:#?}"
    );

    let (code, stderr) = check_within(
        &["check", dir.path().join("huge.go").to_str().unwrap()],
        Duration::from_secs(10),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("larger than the 16 MiB leakls reads"),
        "{stderr}"
    );
}

#[test]
fn a_big_file_changed_on_disk_does_not_hold_up_a_hover() {
    let dir = module();
    // A generated table just under the limit, so it is read and parsed (seconds of work), after
    // the code that grows `registry`: once it is indexed, a.go's map is reported.
    let mut big = format!("{GROW}\nvar table = []uint32{{\n");
    while big.len() < 15 << 20 {
        big.push_str("\t0x9e3779b9, 0x7f4a7c15, 0xbf58476d, 0x94d049bb, 0x2545f491,\n");
    }
    big.push_str("}\n");
    let size_kib = big.len() as u64 >> 10;
    let options = ClientOptions {
        watch_files: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    server.expect_log("indexed 0 Go files");
    let uri = file_uri(&dir.path().join("a.go"));
    server.open(&uri, REGISTRY, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1), Vec::<Value>::new());
    write(dir.path(), "table.go", &big);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&dir.path().join("table.go")), "type": 1 }] }),
    );
    let started = Instant::now();
    assert!(hover(&mut server, &uri, position(2, 5)).is_null());
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(500),
        "the hover waited {took:?}"
    );
    eprintln!("a hover while a 15 MiB file is read: {took:?}");
    let published = server.publish_matching(&uri, |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    assert_eq!(published["diagnostics"][0]["code"], "global-growth");
    eprintln!(
        "the file was read and indexed after {:?}",
        started.elapsed()
    );
    // The whole server stays under 64 times the file's size.
    let limit = 64 * size_kib;
    let peak = server.peak_rss_kib();
    eprintln!("peak RSS {peak} KiB for a {size_kib} KiB file");
    assert!(peak < limit, "peak RSS {peak} KiB");
    // Binary content opened in the editor is not parsed either.
    let zeros = file_uri(&dir.path().join("zeros.go"));
    server.open(&zeros, &"\0".repeat(16 << 20), 1);
    server.expect_log("binary content (a NUL byte at offset 0), not analysed");
    still_answers(&mut server, dir.path(), "c.go");
    let peak = server.peak_rss_kib();
    assert!(peak < limit, "peak RSS {peak} KiB after 16 MiB of NULs");
    server.shutdown();
}
