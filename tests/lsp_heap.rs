//! A heap profile in the editor, over a real LSP session with the real binary: the settings
//! name a base and a current profile that a Go program of the workspace wrote during the test;
//! the lines that grew get an inlay hint at their end, the finding on such a line says how much
//! it grew, hints follow edits (and go from an edited line), and a profile rewritten on disk is
//! read again.

mod support;

use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{file_uri, go, heap_profile_in, ClientOptions, Server};

const PROGRAM: &str = "package main

import (
\t\"os\"
\t\"runtime\"
\t\"runtime/pprof\"
\t\"time\"
)

var _ = func() int { runtime.MemProfileRate = 1; return 0 }()

var cache [][]byte

func fill(n int) {
\tfor i := 0; i < n; i++ {
\t\tcache = append(cache, make([]byte, 4096))
\t}
}

func fetch(wait time.Duration) []byte {
\tch := make(chan []byte)
\tgo func() {
\t\tch <- make([]byte, 64<<10)
\t}()
\tselect {
\tcase b := <-ch:
\t\treturn b
\tcase <-time.After(wait):
\t\treturn nil
\t}
}

func write(path string) {
\truntime.GC()
\tf, err := os.Create(path)
\tif err != nil {
\t\tpanic(err)
\t}
\tpprof.WriteHeapProfile(f)
\tf.Close()
}

func main() {
\tfill(10)
\twrite(os.Args[1])
\tfill(300)
\tfor i := 0; i < 40; i++ {
\t\tfetch(0)
\t}
\ttime.Sleep(50 * time.Millisecond)
\twrite(os.Args[2])
}
";

/// 0-based lines of PROGRAM.
const CACHE_LINE: u64 = 15;
const SEND_LINE: u64 = 22;

fn hints(server: &mut Server, uri: &str) -> Vec<Value> {
    let answer = server.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 },
                       "end": { "line": 200, "character": 0 } }
        }),
    );
    answer.as_array().cloned().unwrap_or_default()
}

fn hint_lines(hints: &[Value]) -> Vec<u64> {
    let mut lines: Vec<u64> = hints
        .iter()
        .map(|h| h["position"]["line"].as_u64().unwrap())
        .collect();
    lines.sort();
    lines
}

/// Asks for hints until `done` holds of them (the profile loads off the message loop).
fn hints_until(server: &mut Server, uri: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let h = hints(server, uri);
        if done(&h) {
            return h;
        }
        assert!(
            Instant::now() < deadline,
            "hints never became as wanted: {h:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn hints_show_what_grew_follow_edits_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
    fs::write(d.join("main.go"), PROGRAM).unwrap();
    go(d, &["build", "-o", "svc", "."]);
    let ran = Command::new(d.join("svc"))
        .args(["base.pb.gz", "cur.pb.gz"])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(ran.success());

    let options = ClientOptions {
        initialization_options: Some(json!({
            "heap_profile": "cur.pb.gz",
            "heap_base_profile": "base.pb.gz",
        })),
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(d));
    let uri = file_uri(&d.join("main.go"));
    server.open(&uri, PROGRAM, 1);

    // The cache's line and the abandoned send's line grew.
    let h = hints_until(&mut server, &uri, |h| h.len() >= 2);
    assert_eq!(hint_lines(&h), [CACHE_LINE, SEND_LINE], "{h:?}");
    let cache = h
        .iter()
        .find(|x| x["position"]["line"] == CACHE_LINE)
        .unwrap();
    let label = cache["label"].as_str().unwrap();
    assert!(
        label.starts_with('+') && label.ends_with("live since the base profile"),
        "{label}"
    );
    // At the end of the line.
    let line_text = PROGRAM.lines().nth(CACHE_LINE as usize).unwrap();
    assert_eq!(
        cache["position"]["character"].as_u64().unwrap() as usize,
        line_text.len()
    );

    // The goroutine-leak finding on the send's line says how much it grew.
    let published = server.publish_matching(&uri, |p| {
        p["diagnostics"].as_array().is_some_and(|ds| {
            ds.iter().any(|d| {
                d["code"] == "goroutine-leak"
                    && d["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("live between the two profiles"))
            })
        })
    });
    let finding = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "goroutine-leak")
        .unwrap()
        .clone();
    assert_eq!(finding["range"]["start"]["line"], SEND_LINE);

    // Two lines added at the top: the hints move down two lines.
    server.change(
        &uri,
        2,
        vec![json!({
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "text": "// one\n// two\n"
        })],
    );
    server.diagnostics_at_latest(&uri, 2);
    let h = hints(&mut server, &uri);
    assert_eq!(hint_lines(&h), [CACHE_LINE + 2, SEND_LINE + 2], "{h:?}");

    // The cache's line edited: its hint goes, the other stays.
    let at = line_text.find("4096").unwrap() as u64;
    server.change(
        &uri,
        3,
        vec![json!({
            "range": { "start": { "line": CACHE_LINE + 2, "character": at },
                       "end": { "line": CACHE_LINE + 2, "character": at + 4 } },
            "text": "8192"
        })],
    );
    server.diagnostics_at_latest(&uri, 3);
    let h = hints(&mut server, &uri);
    assert_eq!(hint_lines(&h), [SEND_LINE + 2], "{h:?}");

    // The current profile rewritten on disk (now the base's copy: nothing grew): read again.
    std::thread::sleep(Duration::from_millis(20));
    fs::copy(d.join("base.pb.gz"), d.join("cur.pb.gz")).unwrap();
    let h = hints_until(&mut server, &uri, |h| h.is_empty());
    assert!(h.is_empty());
    // The reload republishes the document: its finding no longer says it grew.
    let again = server.publish_matching(&uri, |p| {
        p["diagnostics"].as_array().is_some_and(|ds| {
            ds.iter().all(|d| {
                !d["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("between the two profiles")
            })
        })
    });
    assert_eq!(again["version"], 3);
    server.shutdown();
}

#[test]
fn a_profile_that_cannot_be_read_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
    fs::write(d.join("bad.pb.gz"), b"not a profile").unwrap();
    let options = ClientOptions {
        initialization_options: Some(json!({ "heap_profile": "bad.pb.gz" })),
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(d));
    let shown = server.expect_show_message("bad.pb.gz");
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("not a pprof profile"),
        "{shown}"
    );
    server.shutdown();
}

#[test]
fn a_profile_of_another_program_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("go.mod"), "module example.com/svc\n\ngo 1.22\n").unwrap();
    fs::write(d.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    // A heap profile whose one line is in another program's file.
    let profile = heap_profile_in("/elsewhere/lib/main.go");
    fs::write(d.join("other.pb"), profile).unwrap();
    let options = ClientOptions {
        initialization_options: Some(json!({ "heap_profile": "other.pb" })),
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(d));
    let shown = server.expect_show_message("another program");
    assert!(
        shown["message"].as_str().unwrap().contains("other.pb"),
        "{shown}"
    );
    server.shutdown();
}
