//! The real `leakls` binary over stdio, driven like an editor drives it.

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use support::{file_uri, ClientOptions, Encoding, Rng, Server, Text, TICKER};

/// A module folder with a go.mod at `go_version`.
fn module(go_version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(
        dir.path().join("go.mod"),
        format!("module example.com/app\n\ngo {go_version}\n"),
    )
    .expect("writing go.mod");
    dir
}

/// Writes `text` to `dir/name` and returns its URI.
fn go_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writing a Go file");
    file_uri(&path)
}

fn did_open(server: &mut Server, uri: &str, text: &str, version: i64) {
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": uri, "languageId": "go", "version": version, "text": text
        }}),
    );
}

fn did_change(server: &mut Server, uri: &str, version: i64, changes: Vec<Value>) {
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": changes
        }),
    );
}

fn code_actions(server: &mut Server, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let result = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "only": ["quickfix"] }
        }),
    );
    result
        .as_array()
        .unwrap_or_else(|| panic!("codeAction should return a list: {result}"))
        .clone()
}

fn action_titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains(title)))
        .unwrap_or_else(|| panic!("no code action titled {title:?} among {actions:#?}"))
}

/// The range of the first `needle` in `text`, in the positions of `enc`.
fn range_of(text: &str, needle: &str, enc: Encoding) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    Text::new(text, enc).range(start..start + needle.len())
}

/// What must match between two publications of the same text.
fn essentials(diagnostics: &[Value]) -> Vec<Value> {
    diagnostics
        .iter()
        .map(|d| json!([d["range"], d["code"], d["message"], d["severity"]]))
        .collect()
}

#[test]
fn unstopped_ticker_diagnostic_and_its_quick_fixes() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "poll.go", TICKER);
    let options = ClientOptions {
        document_changes: true,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    did_open(&mut server, &uri, TICKER, 7);
    let diagnostics = server.expect_diagnostics(&uri, 7);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "unstopped-ticker");
    assert_eq!(d["source"], "leakls");
    assert_eq!(d["severity"], 2, "Warning before Go 1.23");
    let href = d["codeDescription"]["href"].as_str().expect("a docs link");
    assert!(href.ends_with("docs/checks/unstopped-ticker.md"), "{href}");
    assert_eq!(
        d["range"],
        range_of(TICKER, "time.NewTicker(d)", Encoding::Utf16)
    );
    assert!(
        d["message"].as_str().unwrap().contains("never stopped"),
        "{d}"
    );

    // The preferred quick-fix stops the ticker; the editor applies it and sends the edit.
    let actions = code_actions(&mut server, &uri, d);
    let stop = action_titled(&actions, "defer t.Stop()");
    assert_eq!(stop["kind"], "quickfix");
    assert_eq!(stop["isPreferred"], true);
    assert_eq!(stop["diagnostics"][0]["code"], "unstopped-ticker");
    let edit = &stop["edit"];
    assert_eq!(
        edit["documentChanges"][0]["textDocument"]["version"], 7,
        "a versioned edit for the version the action was computed on: {edit}"
    );
    let mut text = Text::new(TICKER, Encoding::Utf16);
    let changes = text.apply_workspace_edit(edit, &uri);
    assert_eq!(
        text.text,
        TICKER.replace("(d)\n", "(d)\n\tdefer t.Stop()\n"),
        "the fix inserts one line after the ticker"
    );
    did_change(&mut server, &uri, 8, changes);
    assert_eq!(server.expect_diagnostics(&uri, 8), Vec::<Value>::new());

    // Undo it (a ranged delete of the line), and silence the finding instead.
    let line = text.text.find("\tdefer").unwrap();
    let change = text.replace(line..line + "\tdefer t.Stop()\n".len(), "");
    assert_eq!(text.text, TICKER);
    did_change(&mut server, &uri, 9, vec![change]);
    let diagnostics = server.expect_diagnostics(&uri, 9);
    assert_eq!(
        essentials(&diagnostics),
        essentials(std::slice::from_ref(d))
    );
    let actions = code_actions(&mut server, &uri, &diagnostics[0]);
    let ignore = action_titled(&actions, "Ignore unstopped-ticker here");
    assert_ne!(
        ignore["isPreferred"], true,
        "ignoring is never the preferred fix"
    );
    let changes = text.apply_workspace_edit(&ignore["edit"], &uri);
    assert!(
        text.text
            .contains("\t//leakls:ignore unstopped-ticker TODO: say why this does not leak\n\tt := time.NewTicker(d)"),
        "{}",
        text.text
    );
    did_change(&mut server, &uri, 10, changes);
    assert_eq!(server.expect_diagnostics(&uri, 10), Vec::<Value>::new());
    server.shutdown();
}

#[test]
fn go_1_23_collects_the_ticker_and_hints_on_request() {
    let dir = module("1.23");
    let uri = go_file(dir.path(), "poll.go", TICKER);
    let mut server = Server::start_default(dir.path());
    did_open(&mut server, &uri, TICKER, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1), Vec::<Value>::new());
    server.shutdown();

    std::fs::write(
        dir.path().join("leakls.toml"),
        "collected_timers = \"hint\"\n",
    )
    .unwrap();
    let mut server = Server::start_default(dir.path());
    did_open(&mut server, &uri, TICKER, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "unstopped-ticker");
    assert_eq!(d["severity"], 4, "a Hint from Go 1.23, when asked for");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("Go 1.23"), "{message}");

    // A client without documentChanges gets a plain `changes` map.
    let actions = code_actions(&mut server, &uri, d);
    let stop = action_titled(&actions, "defer t.Stop()");
    assert!(stop["edit"]["changes"][&uri].is_array(), "{stop}");
    let mut text = Text::new(TICKER, Encoding::Utf16);
    let changes = text.apply_workspace_edit(&stop["edit"], &uri);
    did_change(&mut server, &uri, 2, changes);
    assert_eq!(server.expect_diagnostics(&uri, 2), Vec::<Value>::new());
    server.shutdown();
}

const TYPED: &str = "\
package edits

import \"time\"

// notes:
func work(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}

func other(d time.Duration) {
\tu := /* x */ time.NewTicker(d)
\t<-u.C
}
";

/// The character boundaries in `text[range]`, both ends included.
fn boundaries(text: &str, range: std::ops::Range<usize>) -> Vec<usize> {
    let mut at: Vec<usize> = text[range.clone()]
        .char_indices()
        .map(|(i, _)| range.start + i)
        .collect();
    at.push(range.end);
    at
}

/// Where typing may go: the body of the `// notes:` comment, the inside of `/* ... */`, and the
/// name of the first function. The characters typed contain neither `*` nor `/`.
fn regions(text: &str) -> [std::ops::Range<usize>; 3] {
    let notes = text.find("// notes:").unwrap() + "// notes:".len();
    let notes_end = notes + text[notes..].find('\n').unwrap();
    let block = text.find("/* ").unwrap() + "/* ".len();
    let block_end = block + text[block..].find(" */").unwrap();
    let name = text.find("func ").unwrap() + "func ".len();
    let name_end = name + text[name..].find('(').unwrap();
    [notes..notes_end, block..block_end, name..name_end]
}

/// One edit of the typing session; returns the change to send.
fn random_edit(rng: &mut Rng, text: &mut Text) -> Value {
    const COMMENT_CHARS: &[&str] = &["a", "é", "😀", " ", "z", "ß", "🦀é"];
    const IDENT_CHARS: &[&str] = &["a", "é", "x", "_", "ß"];
    const STOP: &str = "\tdefer t.Stop()\n";
    let region = rng.below(3);
    let kind = rng.below(10);
    if kind == 0 {
        // Insert or delete the line that stops `t`.
        return match text.text.find(STOP) {
            Some(at) => text.replace(at..at + STOP.len(), ""),
            None => {
                let at = text.text.find("(d)\n\t<-t.C").unwrap() + "(d)\n".len();
                text.replace(at..at, STOP)
            }
        };
    }
    let range = regions(&text.text)[region].clone();
    let spots = boundaries(&text.text, range.clone());
    let deletable = if region == 2 {
        spots.len() > 2 // keep the function's name
    } else {
        spots.len() > 1
    };
    if kind < 4 && deletable {
        let i = rng.below(spots.len() - 1);
        return text.replace(spots[i]..spots[i + 1], "");
    }
    let at = rng.pick(&spots);
    let typed = if region == 2 {
        rng.pick(IDENT_CHARS)
    } else {
        rng.pick(COMMENT_CHARS)
    };
    text.replace(at..at, typed)
}

#[test]
fn five_hundred_quick_edits_end_where_a_fresh_open_does() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "typed.go", TYPED);
    let mut server = Server::start_default(dir.path());
    did_open(&mut server, &uri, TYPED, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1).len(), 2);

    let mut text = Text::new(TYPED, Encoding::Utf16);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let last = 501;
    for version in 2..=last {
        // Now and then one notification carries two changes, applied in order.
        let mut changes = vec![random_edit(&mut rng, &mut text)];
        if rng.below(8) == 0 {
            changes.push(random_edit(&mut rng, &mut text));
        }
        did_change(&mut server, &uri, version, changes);
    }
    assert!(text.text.contains('😀') && text.text.contains('é'));
    let incremental = server.diagnostics_at_latest(&uri, last);

    // The squiggle under `other`'s ticker sits where our copy of the text says.
    let u_call = text.text.find("time.NewTicker(d)\n\t<-u.C").unwrap();
    let u_range = text.range(u_call..u_call + "time.NewTicker(d)".len());
    assert!(
        incremental.iter().any(|d| d["range"] == u_range),
        "no diagnostic at {u_range} in {incremental:#?}"
    );
    let stopped = text.text.contains("defer t.Stop()");
    assert_eq!(
        incremental.len(),
        if stopped { 1 } else { 2 },
        "{incremental:#?}"
    );

    let fresh_uri = go_file(dir.path(), "fresh.go", &text.text);
    did_open(&mut server, &fresh_uri, &text.text, 1);
    let fresh = server.expect_diagnostics(&fresh_uri, 1);
    assert_eq!(essentials(&incremental), essentials(&fresh));
    server.shutdown();
}

const WIDE: &str = "\
package app

import \"time\"

func wide(d time.Duration) {
\t/* é😀 */ t := time.NewTicker(d)
\t<-t.C
}
";

fn diagnostic_columns(offer: Option<Vec<&'static str>>, expected: &str, enc: Encoding) {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "wide.go", WIDE);
    let options = ClientOptions {
        position_encodings: offer,
        ..ClientOptions::default()
    };
    let mut server = Server::start(&[], options, Some(dir.path()));
    assert_eq!(
        server.initialize_result["capabilities"]["positionEncoding"],
        expected
    );
    did_open(&mut server, &uri, WIDE, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    let call = range_of(WIDE, "time.NewTicker(d)", enc);
    assert_eq!(diagnostics[0]["range"], call);
    let column = match enc {
        Encoding::Utf8 => "\t/* é😀 */ t := ".len(),
        Encoding::Utf16 => "\t/* é😀 */ t := ".encode_utf16().count(),
    };
    assert_eq!(call["start"]["character"], column);

    // Positions the client sends are in the same units: type after the emoji.
    let mut text = Text::new(WIDE, enc);
    let at = text.text.find("😀").unwrap() + "😀".len();
    let change = text.replace(at..at, "é🦀");
    did_change(&mut server, &uri, 2, vec![change]);
    let diagnostics = server.expect_diagnostics(&uri, 2);
    assert_eq!(
        diagnostics[0]["range"],
        range_of(&text.text, "time.NewTicker(d)", enc)
    );
    // Delete the comment: read in the other encoding, the range would end inside `*/`.
    let start = text.text.find("/*").unwrap();
    let end = text.text.find("*/ ").unwrap() + "*/ ".len();
    let change = text.replace(start..end, "");
    assert_eq!(text.text, TICKER.replace("poll", "wide"));
    did_change(&mut server, &uri, 3, vec![change]);
    let diagnostics = server.expect_diagnostics(&uri, 3);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0]["range"],
        range_of(&text.text, "time.NewTicker(d)", enc)
    );
    server.shutdown();
}

#[test]
fn utf8_columns_when_the_client_offers_them() {
    diagnostic_columns(Some(vec!["utf-8", "utf-16"]), "utf-8", Encoding::Utf8);
}

#[test]
fn utf16_columns_by_default() {
    diagnostic_columns(None, "utf-16", Encoding::Utf16);
}

#[test]
fn stdout_carries_only_lsp() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "poll.go", TICKER);
    for args in [&[][..], &["--log-level", "debug"][..]] {
        let mut server = Server::start(args, ClientOptions::default(), Some(dir.path()));
        did_open(&mut server, &uri, TICKER, 1);
        assert_eq!(server.expect_diagnostics(&uri, 1).len(), 1);
        // A warning on the way (an edit for a document that is not open).
        let ghost = file_uri(&dir.path().join("ghost.go"));
        did_change(
            &mut server,
            &ghost,
            2,
            vec![json!({ "text": "package app\n" })],
        );
        server.expect_log("not open");
        let exit = server.shutdown();
        if args.is_empty() {
            assert_eq!(exit.stderr, "", "nothing on stderr without --log-level");
        } else {
            // The harness parsed every byte of stdout as LSP; the log went to stderr.
            assert!(exit.stderr.contains("not open"), "{:?}", exit.stderr);
        }
        assert!(
            exit.server_requests.is_empty(),
            "{:?}",
            exit.server_requests
        );
    }

    let output = Command::new(env!("CARGO_BIN_EXE_leakls"))
        .arg("--version")
        .output()
        .expect("running leakls --version");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let semver =
        regex::Regex::new(r"^leakls \d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?\n$")
            .unwrap();
    assert!(semver.is_match(&stdout), "{stdout:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn edits_the_server_cannot_follow() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "poll.go", TICKER);
    let mut server = Server::start_default(dir.path());

    // An edit for a document that was never opened is ignored; requests still get answers.
    let ghost = file_uri(&dir.path().join("ghost.go"));
    let at_start = json!({ "line": 0, "character": 0 });
    let insert = json!({ "range": { "start": at_start, "end": at_start }, "text": "x" });
    did_change(&mut server, &ghost, 2, vec![insert]);
    server.expect_log(&format!("{ghost} which is not open"));
    did_open(&mut server, &uri, TICKER, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1);
    assert!(!code_actions(&mut server, &uri, &diagnostics[0]).is_empty());
    server.assert_no_publish_yet(&ghost);

    // A range past the end: the server drops the document and clears its diagnostics.
    let past_end = json!({
        "range": { "start": { "line": 40, "character": 0 }, "end": { "line": 40, "character": 0 } },
        "text": "x"
    });
    did_change(&mut server, &uri, 2, vec![past_end]);
    server.expect_cleared(&uri);
    server.expect_log("dropped");
    let none = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": [] }
        }),
    );
    assert_eq!(none, Value::Null, "no actions for a dropped document");

    // Until it is opened again, edits that look fine are not analysed.
    let mut text = Text::new(TICKER, Encoding::Utf16);
    let at = text.text.find("poll").unwrap();
    let change = text.replace(at..at, "x");
    did_change(&mut server, &uri, 3, vec![change]);
    server.expect_log(&format!("{uri} which is not open"));
    server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": [] }
        }),
    );
    server.assert_no_publish_yet(&uri);

    did_open(&mut server, &uri, &text.text, 4);
    assert_eq!(
        essentials(&server.expect_diagnostics(&uri, 4)),
        essentials(&diagnostics)
    );
    server.shutdown();
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "poll.go", TICKER);
    let mut server = Server::start_default(dir.path());
    did_open(&mut server, &uri, TICKER, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1).len(), 1);
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    server.expect_cleared(&uri);
    server.shutdown();
}

const GROUP: &str = "\
package app

import \"net/http\"

var (
\tcount    int
\tsessions = map[string]int{}
)

func handle(w http.ResponseWriter, r *http.Request) {
\tcount++
\tsessions[r.URL.Query().Get(\"id\")]++
}
";

/// The Ignore fix on a variable of an aligned `var ( ... )` group leaves the file as gofmt
/// would write it (a line between the specs would change their alignment), and silences it.
#[test]
fn the_ignore_fix_in_a_var_group_is_gofmt_clean() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "app.go", GROUP);
    let mut server = Server::start_default(dir.path());
    did_open(&mut server, &uri, GROUP, 1);
    let diagnostics = server.expect_diagnostics(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "global-growth");
    let actions = code_actions(&mut server, &uri, &diagnostics[0]);
    let ignore = action_titled(&actions, "Ignore global-growth here");
    let mut text = Text::new(GROUP, Encoding::Utf16);
    let changes = text.apply_workspace_edit(&ignore["edit"], &uri);

    // Outside the workspace: a Go file written into it while the first scan runs would join
    // the package, and its duplicate declarations would change what the server publishes.
    let outside = tempfile::tempdir().unwrap();
    let fixed = outside.path().join("fixed.go");
    std::fs::write(&fixed, &text.text).unwrap();
    let goroot = std::process::Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("the go command, for gofmt");
    let gofmt = Path::new(String::from_utf8(goroot.stdout).unwrap().trim()).join("bin/gofmt");
    let out = std::process::Command::new(gofmt)
        .arg("-l")
        .arg(&fixed)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stdout.is_empty(),
        "gofmt would change the file:\n{}",
        text.text
    );

    did_change(&mut server, &uri, 2, changes);
    assert_eq!(server.expect_diagnostics(&uri, 2), Vec::<Value>::new());
    server.shutdown();
}

/// Two tickers and a re-sliced queue: three findings, each with a fix.
const THREE: &str = "\
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

func drain(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
\t<-t.C
}
";

fn actions_of_kind(server: &mut Server, uri: &str, only: Option<Vec<&str>>) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let result = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": context
        }),
    );
    result.as_array().cloned().unwrap_or_default()
}

#[test]
fn fix_all_applies_every_safe_fix_in_the_file_and_no_ignore() {
    let dir = module("1.22");
    let uri = go_file(dir.path(), "app.go", THREE);
    let mut server = Server::start_default(dir.path());
    let kinds = &server.initialize_result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(kinds, &json!(["quickfix", "source.fixAll.leakls"]));
    did_open(&mut server, &uri, THREE, 1);
    assert_eq!(server.expect_diagnostics(&uri, 1).len(), 3);

    // Asked for by kind, as editors do on save (the parent kinds too); not in the light bulb.
    for only in [
        vec!["source.fixAll.leakls"],
        vec!["source.fixAll"],
        vec!["source"],
    ] {
        let actions = actions_of_kind(&mut server, &uri, Some(only.clone()));
        assert_eq!(actions.len(), 1, "{only:?}: {actions:#?}");
        assert_eq!(actions[0]["kind"], "source.fixAll.leakls");
    }
    assert!(actions_of_kind(&mut server, &uri, Some(vec!["quickfix"]))
        .iter()
        .all(|a| a["kind"] == "quickfix"));
    assert!(
        actions_of_kind(&mut server, &uri, None).is_empty(),
        "nothing at line 0"
    );

    let actions = actions_of_kind(&mut server, &uri, Some(vec!["source.fixAll.leakls"]));
    let all = &actions[0];
    assert_eq!(
        all["title"],
        "Fix all leakls findings in this file (3 fixes)"
    );
    let mut text = Text::new(THREE, Encoding::Utf16);
    let changes = text.apply_workspace_edit(&all["edit"], &uri);
    assert!(!text.text.contains("leakls:ignore"), "{}", text.text);
    assert_eq!(
        text.text.matches("defer t.Stop()").count(),
        2,
        "{}",
        text.text
    );
    assert!(
        text.text
            .contains("\tq.jobs[0] = nil\n\tq.jobs = q.jobs[1:]"),
        "{}",
        text.text
    );
    did_change(&mut server, &uri, 2, changes);
    assert_eq!(server.expect_diagnostics(&uri, 2), Vec::<Value>::new());
    // Nothing left to fix: no action.
    assert!(actions_of_kind(&mut server, &uri, Some(vec!["source.fixAll.leakls"])).is_empty());
    server.shutdown();
}
