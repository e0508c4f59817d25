//! The real `leakls` binary over stdio, with more than one file: diagnostics that depend on other
//! files, the background scan of the workspace with `$/progress`, files changed on disk, and
//! fixes that edit a file the editor has not opened.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{file_uri, ClientOptions, Encoding, Server, Text};

/// Declares a package-level map and reads it; b.go grows it.
const A_GO: &str = "\
package p

// T is a session.
type T struct{ ID string }

var sessions = map[string]*T{}

// Count reads the table.
func Count() int { return len(sessions) }
";

const B_GO: &str = "\
package p

import \"net/http\"

// Add grows the table, on every request.
func Add(w http.ResponseWriter, r *http.Request) {
\tid := r.URL.Query().Get(\"id\")
\tsessions[id] = &T{ID: id}
}
";

const B_GO_WITH_DELETE: &str = "\
package p

import \"net/http\"

// Add grows the table, on every request.
func Add(w http.ResponseWriter, r *http.Request) {
\tid := r.URL.Query().Get(\"id\")
\tsessions[id] = &T{ID: id}
}

// Drop shrinks it.
func Drop(id string) {
\tdelete(sessions, id)
}
";

/// A module folder at Go 1.22 with the given files written to disk.
fn module_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/p\n\ngo 1.22\n",
    )
    .expect("writing go.mod");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("writing a Go file");
    }
    dir
}

fn uri_of(dir: &Path, name: &str) -> String {
    file_uri(&dir.join(name))
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
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

fn has_global_growth(params: &Value) -> bool {
    params["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == "global-growth"))
}

/// The byte range of `needle` in `text` as an LSP range.
fn range_of(text: &str, needle: &str) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    Text::new(text, Encoding::Utf16).range(start..start + needle.len())
}

/// Checks the global-growth diagnostic on `sessions` in a.go and its one related location.
fn check_growth_diagnostic(diagnostic: &Value, b_uri: &str) {
    assert_eq!(diagnostic["code"], "global-growth", "{diagnostic}");
    assert_eq!(diagnostic["source"], "leakls");
    assert_eq!(diagnostic["severity"], 2, "a warning: {diagnostic}");
    assert_eq!(diagnostic["range"], range_of(A_GO, "sessions"));
    let message = diagnostic["message"].as_str().unwrap();
    assert!(
        message.contains("`sessions`")
            && message.contains("b.go:8 adds to it on every request (handler `Add`)"),
        "{message}"
    );
    let related = diagnostic["relatedInformation"]
        .as_array()
        .unwrap_or_else(|| panic!("no relatedInformation: {diagnostic}"));
    assert_eq!(related.len(), 1, "{related:?}");
    assert_eq!(related[0]["location"]["uri"], b_uri);
    assert_eq!(
        related[0]["location"]["range"],
        range_of(B_GO, "sessions[id] = &T{ID: id}")
    );
    assert!(
        related[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sessions")),
        "{related:?}"
    );
}

/// An edit in b.go (adding a `delete`) clears the warning shown in a.go.
#[test]
fn editing_one_file_republishes_another() {
    let dir = module_with(&[]);
    let (a, b) = (uri_of(dir.path(), "a.go"), uri_of(dir.path(), "b.go"));
    // No root: no scan, so what the server knows is exactly what the editor opened.
    let mut server = Server::start(&[], ClientOptions::default(), None);

    did_open(&mut server, &a, A_GO, 1);
    assert!(
        server.expect_diagnostics(&a, 1).is_empty(),
        "nothing grows sessions yet"
    );

    did_open(&mut server, &b, B_GO, 1);
    assert!(server.expect_diagnostics(&b, 1).is_empty());
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert_eq!(codes(&diagnostics), ["global-growth"], "{diagnostics:#?}");
    check_growth_diagnostic(&diagnostics[0], &b);

    // Add `delete(sessions, id)` to b.go with a ranged change at its end.
    let mut b_text = Text::new(B_GO, Encoding::Utf16);
    let end = B_GO.len();
    let change = b_text.replace(end..end, &B_GO_WITH_DELETE[end..]);
    assert_eq!(b_text.text, B_GO_WITH_DELETE);
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": b, "version": 2 },
            "contentChanges": [change]
        }),
    );
    assert!(server.expect_diagnostics(&b, 2).is_empty());
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert!(
        diagnostics.is_empty(),
        "the delete in b.go clears a.go: {diagnostics:#?}"
    );

    // And taking it out again brings the warning back.
    let at = B_GO.len();
    let change = b_text.replace(at..B_GO_WITH_DELETE.len(), "");
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": b, "version": 3 },
            "contentChanges": [change]
        }),
    );
    assert!(server.expect_diagnostics(&b, 3).is_empty());
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert_eq!(codes(&diagnostics), ["global-growth"], "{diagnostics:#?}");
    server.shutdown();
}

fn requests_named<'a>(server: &'a Server, method: &str) -> Vec<&'a Value> {
    server
        .server_requests
        .iter()
        .filter(|r| r["method"] == method)
        .collect()
}

fn progress_kinds(server: &Server) -> Vec<String> {
    server
        .protocol_notifications
        .iter()
        .filter(|n| n["method"] == "$/progress")
        .map(|n| {
            n["params"]["value"]["kind"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The first scan indexes closed files in the background with `$/progress`; files changed on disk
/// come in through `workspace/didChangeWatchedFiles`.
#[test]
fn background_scan_and_watched_files() {
    let dir = module_with(&[("a.go", A_GO), ("b.go", B_GO)]);
    let (a, b) = (uri_of(dir.path(), "a.go"), uri_of(dir.path(), "b.go"));
    let options = ClientOptions {
        watch_files: true,
        work_done_progress: true,
        workspace_folders: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));

    // Only a.go is opened: b.go's growth is known from the scan of the disk.
    did_open(&mut server, &a, A_GO, 1);
    let params = server.publish_matching(&a, has_global_growth);
    assert_eq!(params["version"], 1);
    let diagnostics = params["diagnostics"].as_array().unwrap();
    assert_eq!(codes(diagnostics), ["global-growth"], "{diagnostics:#?}");
    check_growth_diagnostic(&diagnostics[0], &b);

    // The server asked to watch Go and module files.
    server.wait_until("client/registerCapability", |s| {
        !requests_named(s, "client/registerCapability").is_empty()
    });
    let registrations = requests_named(&server, "client/registerCapability")[0]["params"]
        ["registrations"]
        .as_array()
        .expect("registrations")
        .clone();
    assert_eq!(registrations.len(), 1, "{registrations:?}");
    assert_eq!(
        registrations[0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let mut globs: Vec<&str> = registrations[0]["registerOptions"]["watchers"]
        .as_array()
        .expect("watchers")
        .iter()
        .map(|w| w["globPattern"].as_str().expect("a glob string"))
        .collect();
    globs.sort();
    assert_eq!(
        globs,
        [
            "**/*.go",
            "**/.leakls.toml",
            "**/go.mod",
            "**/go.work",
            "**/leakls.toml"
        ]
    );

    // The scan reported its progress: created the token, began, (maybe reported,) ended.
    server.wait_until("the end of the scan's progress", |s| {
        progress_kinds(s).iter().any(|k| k == "end")
    });
    let created = requests_named(&server, "window/workDoneProgress/create");
    assert_eq!(created.len(), 1, "{:?}", server.server_requests);
    let token = created[0]["params"]["token"].clone();
    let kinds = progress_kinds(&server);
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("begin"),
        "{kinds:?}"
    );
    assert_eq!(kinds.last().map(String::as_str), Some("end"), "{kinds:?}");
    assert!(
        kinds[1..kinds.len() - 1].iter().all(|k| k == "report"),
        "{kinds:?}"
    );
    for n in &server.protocol_notifications {
        assert_eq!(n["params"]["token"], token, "{n}");
    }
    let begin = &server.protocol_notifications[0]["params"]["value"];
    assert!(
        begin["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{begin}"
    );
    server.expect_log("indexed 2 Go files");

    // b.go changes on disk (another tool, a git checkout): a.go's warning goes.
    std::fs::write(dir.path().join("b.go"), B_GO_WITH_DELETE).expect("rewriting b.go");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": b, "type": 2 }] }),
    );
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert!(
        diagnostics.is_empty(),
        "the delete on disk clears a.go: {diagnostics:#?}"
    );

    // Back without the delete: the warning returns; then b.go is deleted and it goes again.
    std::fs::write(dir.path().join("b.go"), B_GO).expect("rewriting b.go");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": b, "type": 2 }] }),
    );
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert_eq!(codes(&diagnostics), ["global-growth"], "{diagnostics:#?}");
    std::fs::remove_file(dir.path().join("b.go")).expect("deleting b.go");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": b, "type": 3 }] }),
    );
    assert!(server.expect_diagnostics(&a, 1).is_empty());
    server.shutdown();
}

const STATS_GO: &str = "\
package stats

import \"time\"

// Stats flushes on a ticker.
type Stats struct {
\tflush *time.Ticker
\tn     int
}

// New starts a Stats.
func New(d time.Duration) *Stats {
\treturn &Stats{flush: time.NewTicker(d)}
}
";

const CLOSE_GO: &str = "\
package stats

// Close releases the Stats.
func (s *Stats) Close() error {
\ts.n = 0
\treturn nil
}
";

const CLOSE_GO_FIXED: &str = "\
package stats

// Close releases the Stats.
func (s *Stats) Close() error {
\ts.flush.Stop()
\ts.n = 0
\treturn nil
}
";

/// The fix for a struct-field ticker edits the type's Close method in a file that is not open.
#[test]
fn quick_fix_edits_a_closed_file() {
    let dir = module_with(&[("stats.go", STATS_GO), ("close.go", CLOSE_GO)]);
    let (stats, close) = (
        uri_of(dir.path(), "stats.go"),
        uri_of(dir.path(), "close.go"),
    );
    let options = ClientOptions {
        document_changes: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    server.expect_log("indexed 2 Go files");

    did_open(&mut server, &stats, STATS_GO, 4);
    let diagnostics = server.expect_diagnostics(&stats, 4);
    assert_eq!(
        codes(&diagnostics),
        ["unstopped-ticker"],
        "{diagnostics:#?}"
    );
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["range"], range_of(STATS_GO, "time.NewTicker(d)"));

    let result = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": stats },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "only": ["quickfix"] }
        }),
    );
    let actions = result.as_array().expect("a list of actions");
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("Stats.Close"))
        })
        .unwrap_or_else(|| panic!("no fix in Stats.Close among {actions:#?}"));
    assert_eq!(fix["isPreferred"], true);
    let changes = fix["edit"]["documentChanges"]
        .as_array()
        .unwrap_or_else(|| panic!("documentChanges: {fix}"));
    assert_eq!(changes.len(), 1, "only close.go changes: {changes:#?}");
    assert_eq!(changes[0]["textDocument"]["uri"], close);
    assert_eq!(
        changes[0]["textDocument"]["version"],
        Value::Null,
        "a file that is not open has no version"
    );
    let edits = changes[0]["edits"].as_array().expect("edits");
    assert_eq!(edits.len(), 1, "{edits:#?}");
    // Right after the `{` of Close.
    let brace = CLOSE_GO.find("error {").unwrap() + "error {".len();
    let position = Text::new(CLOSE_GO, Encoding::Utf16).position(brace);
    assert_eq!(edits[0]["range"]["start"], position);
    assert_eq!(edits[0]["range"]["end"], position);
    let mut close_text = Text::new(CLOSE_GO, Encoding::Utf16);
    close_text.apply_text_edits(edits);
    assert_eq!(close_text.text, CLOSE_GO_FIXED);

    // The ignore fix stays in stats.go.
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Ignore")))
        .unwrap_or_else(|| panic!("no ignore fix among {actions:#?}"));
    assert_eq!(
        ignore["edit"]["documentChanges"][0]["textDocument"]["uri"],
        stats
    );
    server.shutdown();
}

/// close.go changes on disk and the client says nothing (many send no didChangeWatchedFiles):
/// the fix computed from its old text is not offered (its edit would land mid-comment), the file
/// is read again, and the next analysis offers the fix at the right place.
#[test]
fn a_fix_for_a_file_changed_on_disk_is_not_offered_from_stale_positions() {
    let dir = module_with(&[("stats.go", STATS_GO), ("close.go", CLOSE_GO)]);
    let stats = uri_of(dir.path(), "stats.go");
    let options = ClientOptions {
        document_changes: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    server.expect_log("indexed 2 Go files");
    did_open(&mut server, &stats, STATS_GO, 1);
    let diagnostics = server.expect_diagnostics(&stats, 1);
    assert_eq!(codes(&diagnostics), ["unstopped-ticker"]);

    let saved = format!("// A comment added by another tool, before everything.\n{CLOSE_GO}");
    std::fs::write(dir.path().join("close.go"), &saved).unwrap();
    let ask = |server: &mut Server, diagnostic: &Value| -> Vec<Value> {
        let result = server.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": stats },
                "range": diagnostic["range"],
                "context": { "diagnostics": [diagnostic], "only": ["quickfix"] }
            }),
        );
        result.as_array().expect("a list of actions").clone()
    };
    let in_close = |actions: &[Value]| {
        actions
            .iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("Stats.Close"))
            })
            .cloned()
    };
    let actions = ask(&mut server, &diagnostics[0]);
    assert_eq!(in_close(&actions), None, "{actions:#?}");

    // An edit of stats.go analyses it again, from the index that now has close.go's new text.
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": stats, "version": 2 },
            "contentChanges": [{ "text": STATS_GO }]
        }),
    );
    let diagnostics = server.expect_diagnostics(&stats, 2);
    let actions = ask(&mut server, &diagnostics[0]);
    let fix = in_close(&actions).unwrap_or_else(|| panic!("no fix in Stats.Close: {actions:#?}"));
    let edits = fix["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .expect("edits")
        .clone();
    let mut close_text = Text::new(&saved, Encoding::Utf16);
    close_text.apply_text_edits(&edits);
    assert_eq!(
        close_text.text,
        format!("// A comment added by another tool, before everything.\n{CLOSE_GO_FIXED}")
    );
    server.shutdown();
}

/// What the editor has open wins over the disk, whether the disk is read by the scan or reported
/// changed by the client.
#[test]
fn open_buffers_win_over_the_disk() {
    let dir = module_with(&[("a.go", A_GO), ("b.go", B_GO)]);
    let (a, b) = (uri_of(dir.path(), "a.go"), uri_of(dir.path(), "b.go"));
    let options = ClientOptions {
        watch_files: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    server.expect_log("indexed 2 Go files");

    did_open(&mut server, &a, A_GO, 1);
    let diagnostics = server.expect_diagnostics(&a, 1);
    assert_eq!(codes(&diagnostics), ["global-growth"], "{diagnostics:#?}");
    // The buffer of b.go has the delete; the disk does not.
    did_open(&mut server, &b, B_GO_WITH_DELETE, 1);
    assert!(server.expect_diagnostics(&b, 1).is_empty());
    assert!(server.expect_diagnostics(&a, 1).is_empty());

    // The disk changes under the open buffer: ignored.
    std::fs::write(dir.path().join("b.go"), format!("{B_GO}\n")).expect("rewriting b.go");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": b, "type": 2 }] }),
    );
    // An edit of a.go shows what the index holds for b.go now.
    let mut a_text = Text::new(A_GO, Encoding::Utf16);
    let at = A_GO.len();
    let change = a_text.replace(at..at, "\n// Touched.\n");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": a, "version": 2 }, "contentChanges": [change] }),
    );
    let diagnostics = server.expect_diagnostics(&a, 2);
    assert!(
        diagnostics.is_empty(),
        "b.go's buffer, with its delete, still counts: {diagnostics:#?}"
    );

    // Closed, b.go is read from the disk again: the growth is back.
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": b } }),
    );
    server.expect_cleared(&b);
    let diagnostics = server.expect_diagnostics(&a, 2);
    assert_eq!(codes(&diagnostics), ["global-growth"], "{diagnostics:#?}");
    server.shutdown();
}

const TICKER_GO: &str = "\
package p

import \"time\"

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}
";

const TICKER_GO_STOPPED: &str = "\
package p

import \"time\"

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\tdefer t.Stop()
\t<-t.C
}
";

fn watched(server: &mut Server, uri: &str, typ: u8) {
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": typ }] }),
    );
}

fn workspace_client(on: bool) -> ClientOptions {
    ClientOptions {
        watch_files: true,
        workspace_diagnostics: on,
        ..ClientOptions::default()
    }
}

#[test]
fn closed_files_get_their_findings_kept_current_and_cleared() {
    let dir = module_with(&[("a.go", A_GO), ("b.go", B_GO), ("ticker.go", TICKER_GO)]);
    let (a, b, ticker) = (
        uri_of(dir.path(), "a.go"),
        uri_of(dir.path(), "b.go"),
        uri_of(dir.path(), "ticker.go"),
    );
    let mut server = Server::start(&[], workspace_client(true), Some(dir.path()));
    server.expect_log("indexed 3 Go files");
    // Nothing is open: the map in a.go and the ticker are shown all the same, without version.
    let published = server.publish_matching(&a, has_global_growth);
    assert_eq!(published["version"], Value::Null);
    let published = server.publish_matching(&ticker, |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    assert_eq!(
        codes(published["diagnostics"].as_array().unwrap()),
        ["unstopped-ticker"]
    );
    server.expect_log("checked the files that are not open");

    // Fixed on disk: cleared.
    std::fs::write(dir.path().join("ticker.go"), TICKER_GO_STOPPED).unwrap();
    watched(&mut server, &ticker, 2);
    server.publish_matching(&ticker, |p| p["diagnostics"] == json!([]));

    // A change in the editor reaches a closed file of the package: b.go, opened with a delete,
    // clears the finding in a.go (which is closed) once the edits pause.
    did_open(&mut server, &b, B_GO_WITH_DELETE, 1);
    server.publish_matching(&a, |p| p["diagnostics"] == json!([]));
    server.settle(std::time::Duration::from_millis(300));

    // Back to growing only, and closed: a.go's finding comes back, from disk.
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": b } }),
    );
    server.publish_matching(&a, has_global_growth);

    // b.go deleted: nothing grows the map any more.
    std::fs::remove_file(dir.path().join("b.go")).unwrap();
    watched(&mut server, &b, 3);
    server.publish_matching(&a, |p| p["diagnostics"] == json!([]));
    server.settle(std::time::Duration::from_millis(300));
    server.shutdown();
}

#[test]
fn the_setting_keeps_diagnostics_to_open_files() {
    let dir = module_with(&[("a.go", A_GO), ("b.go", B_GO), ("ticker.go", TICKER_GO)]);
    let ticker = uri_of(dir.path(), "ticker.go");
    let mut server = Server::start(&[], workspace_client(false), Some(dir.path()));
    server.expect_log("indexed 3 Go files");
    // With the setting on, these come right after the scan (the test above waits for them).
    std::thread::sleep(std::time::Duration::from_millis(500));
    server.assert_no_publish_yet(&ticker);
    server.assert_no_publish_yet(&uri_of(dir.path(), "a.go"));
    // Opening still shows the file's own findings.
    did_open(&mut server, &ticker, TICKER_GO, 1);
    assert_eq!(
        codes(&server.expect_diagnostics(&ticker, 1)),
        ["unstopped-ticker"]
    );
    server.shutdown();
}
