//! A test client for the real `leakls` binary over stdio.
//!
//! A reader thread parses `Content-Length` framing and hands every message to the test. The
//! client accounts for every message: responses are matched to requests, `window/logMessage` is
//! recorded, server-to-client requests are answered (with `null`) and recorded, and anything else
//! must be consumed by the test (`expect_diagnostics`, ...). A message nobody consumed fails the
//! test at `shutdown`.

#![allow(dead_code)] // each test crate uses a different part of the harness

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long to wait for any one expected message.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// What the reader thread sends: a message, or why it stopped reading.
enum Incoming {
    Message(Value),
    Closed,
    Error(String),
}

/// How the client initializes the server.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// `capabilities.general.positionEncodings`; `None` leaves the field out.
    pub position_encodings: Option<Vec<&'static str>>,
    /// `capabilities.workspace.workspaceEdit.documentChanges`.
    pub document_changes: bool,
    /// `capabilities.workspace.didChangeWatchedFiles.dynamicRegistration`.
    pub watch_files: bool,
    /// `capabilities.window.workDoneProgress`.
    pub work_done_progress: bool,
    /// Also send the root as the one `workspaceFolders` entry (besides `rootUri`).
    pub workspace_folders: bool,
    /// `initializationOptions`; `None` leaves the field out.
    pub initialization_options: Option<Value>,
    /// Advertise `workspace.configuration` and answer each `workspace/configuration` item with
    /// this value (see [`Server::set_configuration`]).
    pub configuration: Option<Value>,
    /// The `processId` sent; `None`: this test process's.
    pub process_id: Option<u32>,
    /// Findings of files that are not open (the server's default). Off unless a test asks: a
    /// test about an open document then sees only that document's publications.
    pub workspace_diagnostics: bool,
}

pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Incoming>,
    stderr: Option<JoinHandle<String>>,
    /// Messages read but not yet consumed by the test.
    unconsumed: VecDeque<Value>,
    next_id: i64,
    /// Every `window/logMessage`, in order.
    pub log_messages: Vec<Value>,
    /// Every request the server sent us (each was answered with `null`).
    pub server_requests: Vec<Value>,
    /// Protocol notifications (`$/progress`, ...), which need no answer.
    pub protocol_notifications: Vec<Value>,
    /// The `InitializeResult`.
    pub initialize_result: Value,
    /// What `workspace/configuration` is answered with, per item; `None`: `null`.
    configuration: Option<Value>,
    closed: bool,
    /// Whether requests from the server get an answer (a client that never answers: false).
    pub answer_requests: bool,
    /// The test turned workspace diagnostics off (see [`ClientOptions::workspace_diagnostics`]).
    workspace_off: bool,
}

/// What `shutdown` observed.
pub struct Exit {
    pub stderr: String,
    pub log_messages: Vec<Value>,
    pub server_requests: Vec<Value>,
    /// After [`Server::close_stdin`]: the errors answering a message cut short by the end of
    /// input (an `id: null` error response each).
    pub unreadable_answers: Vec<Value>,
}

impl Server {
    /// Spawns `leakls` with `args`, initializes it with `options` and sends `initialized`.
    pub fn start(args: &[&str], options: ClientOptions, root: Option<&Path>) -> Server {
        let mut server = Server::spawn(args, &[]);
        server.initialize(options, root);
        server
    }

    /// Spawns `leakls` with `args` and environment variables `env`, and says nothing to it yet.
    pub fn spawn(args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::spawn_command(
            Command::new(server_binary())
                .args(args)
                .envs(env.iter().copied())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        )
    }

    fn spawn_command(command: &mut Command) -> Server {
        let mut child = command.spawn().expect("spawning the leakls binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let message = match read_message(&mut reader) {
                    Ok(Some(m)) => Incoming::Message(m),
                    Ok(None) => Incoming::Closed,
                    Err(e) => Incoming::Error(e),
                };
                let last = !matches!(message, Incoming::Message(_));
                if tx.send(message).is_err() || last {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr_pipe.read_to_string(&mut s);
            s
        });
        Server {
            stdin: child.stdin.take(),
            child,
            incoming: rx,
            stderr: Some(stderr),
            unconsumed: VecDeque::new(),
            next_id: 1,
            log_messages: Vec::new(),
            server_requests: Vec::new(),
            protocol_notifications: Vec::new(),
            initialize_result: Value::Null,
            configuration: None,
            closed: false,
            answer_requests: true,
            workspace_off: false,
        }
    }

    /// Spawns `leakls` (no arguments) with at most `limit_kib` of address space (`ulimit -v`):
    /// memory it cannot get makes it fail instead of taking the machine's.
    pub fn spawn_limited(limit_kib: u64) -> Server {
        let binary = server_binary();
        let script = format!("ulimit -v {limit_kib} && exec \"$0\"");
        let mut server = Server::spawn_command(
            Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg(binary)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
        server.next_id = 1;
        server
    }

    /// Sends `initialize` with `options` (and `root` as the workspace), then `initialized`.
    pub fn initialize(&mut self, mut options: ClientOptions, root: Option<&Path>) {
        self.workspace_off = !options.workspace_diagnostics;
        if !options.workspace_diagnostics {
            let off = |value: &mut Option<Value>| match value {
                Some(Value::Object(map)) => {
                    let section = match map.get_mut("leakls") {
                        Some(Value::Object(inner)) => inner,
                        _ => map,
                    };
                    section.insert("workspace_diagnostics".into(), json!(false));
                }
                Some(_) => {}
                None => *value = Some(json!({ "workspace_diagnostics": false })),
            };
            off(&mut options.initialization_options);
            if options.configuration.is_some() {
                off(&mut options.configuration);
            }
        }
        self.configuration = options.configuration.clone();
        let mut capabilities = json!({
            "textDocument": {
                "publishDiagnostics": { "versionSupport": true },
                "codeAction": {
                    "codeActionLiteralSupport": {
                        "codeActionKind": { "valueSet": ["quickfix"] }
                    },
                    "isPreferredSupport": true
                }
            },
            "workspace": { "workspaceEdit": { "documentChanges": options.document_changes } }
        });
        if let Some(encodings) = &options.position_encodings {
            capabilities["general"] = json!({ "positionEncodings": encodings });
        }
        if options.watch_files {
            capabilities["workspace"]["didChangeWatchedFiles"] =
                json!({ "dynamicRegistration": true });
        }
        if options.configuration.is_some() {
            capabilities["workspace"]["configuration"] = json!(true);
        }
        if options.work_done_progress {
            capabilities["window"] = json!({ "workDoneProgress": true });
        }
        let root_uri = root.map(file_uri);
        let mut params = json!({
            "processId": options.process_id.unwrap_or_else(std::process::id),
            "rootUri": root_uri,
            "capabilities": capabilities,
            "clientInfo": { "name": "leakls-tests" }
        });
        if let Some(init) = &options.initialization_options {
            params["initializationOptions"] = init.clone();
        }
        if let (true, Some(root)) = (options.workspace_folders, root) {
            workspace_folders_param(&mut params, root);
        }
        self.initialize_result = self.request("initialize", params);
        self.notify("initialized", json!({}));
    }

    /// Starts the server with no arguments and the default client.
    pub fn start_default(root: &Path) -> Server {
        Server::start(&[], ClientOptions::default(), Some(root))
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("a JSON value serializes");
        let stdin = self.stdin.as_mut().expect("stdin is open until shutdown");
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        stdin
            .write_all(header.as_bytes())
            .and_then(|()| stdin.write_all(&body))
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("writing to the server's stdin: {e}"));
    }

    /// Writes bytes as they are, framing and all (for tests of bad framing).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin
            .write_all(bytes)
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("writing to the server's stdin: {e}"));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response; returns `result` or fails on an error.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.try_request(method, params)
            .unwrap_or_else(|error| panic!("{method} failed: {error}"))
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error)`.
    pub fn try_request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.take(&format!("the response to {method} (id {id})"), |m| {
            m.get("method").is_none() && m.get("id") == Some(&json!(id))
        });
        if let Some(error) = response.get("error") {
            return Err(error.clone());
        }
        Ok(response
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("the response to {method} has no result: {response}")))
    }

    /// Waits for the response with `id` to a request sent by hand, and returns it whole.
    pub fn take_response(&mut self, id: &Value) -> Value {
        self.take(&format!("the response with id {id}"), |m| {
            m.get("method").is_none() && m.get("id") == Some(id)
        })
    }

    /// Waits for an error response with `id` (`null` for a message the server could not read)
    /// and returns its `error`.
    pub fn expect_error_response(&mut self, id: Value) -> Value {
        let message = self.take(&format!("an error response with id {id}"), |m| {
            m.get("method").is_none() && m.get("id") == Some(&id) && m.get("error").is_some()
        });
        message["error"].clone()
    }

    /// `textDocument/didOpen` of a Go document.
    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "go", "version": version, "text": text
            }}),
        );
    }

    /// `textDocument/didChange` with `changes`.
    pub fn change(&mut self, uri: &str, version: i64, changes: Vec<Value>) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes
            }),
        );
    }

    /// Removes and returns the error responses with `id: null` read so far (answers to messages
    /// the server could not read), without waiting for more.
    pub fn take_unreadable_answers(&mut self) -> Vec<Value> {
        while let Ok(incoming) = self.incoming.try_recv() {
            self.classify(incoming);
        }
        let (taken, kept) = std::mem::take(&mut self.unconsumed)
            .into_iter()
            .partition(|m| {
                m.get("method").is_none() && m["id"].is_null() && m["error"].is_object()
            });
        self.unconsumed = kept;
        taken
            .into_iter()
            .map(|m: Value| m["error"].clone())
            .collect()
    }

    /// Waits for the next `publishDiagnostics` for `uri` and checks it is for `version`.
    /// Publications for other documents stay for later.
    pub fn expect_diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.next_publish(uri);
        assert_eq!(
            params.get("version"),
            Some(&json!(version)),
            "the next diagnostics for {uri} should be for version {version}: {params}"
        );
        diagnostics_of(&params)
    }

    /// Waits for the `publishDiagnostics` for `uri` at `version`, skipping earlier versions; every
    /// publication for `uri` met on the way must have a version no lower than the one before.
    pub fn diagnostics_at_latest(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut last_seen = i64::MIN;
        loop {
            let params = self.next_publish(uri);
            let seen = params
                .get("version")
                .and_then(Value::as_i64)
                .unwrap_or_else(|| panic!("a publication without a version for {uri}: {params}"));
            assert!(
                seen >= last_seen,
                "diagnostics for {uri} went back from version {last_seen} to {seen}"
            );
            assert!(
                seen <= version,
                "diagnostics for {uri} at version {seen}, past the last one sent ({version})"
            );
            last_seen = seen;
            if seen == version {
                return diagnostics_of(&params);
            }
        }
    }

    /// Waits for the next `publishDiagnostics` for `uri` and checks that it clears the list
    /// (no version: the document is closed or dropped).
    pub fn expect_cleared(&mut self, uri: &str) {
        let params = self.next_publish(uri);
        assert!(
            diagnostics_of(&params).is_empty(),
            "expected an empty diagnostics list for {uri}: {params}"
        );
        assert!(
            params.get("version").is_none_or(Value::is_null),
            "a cleared list is for no version: {params}"
        );
    }

    /// Changes what later `workspace/configuration` requests are answered with.
    pub fn set_configuration(&mut self, mut value: Value) {
        if self.workspace_off {
            if let Some(map) = value.as_object_mut() {
                map.entry("workspace_diagnostics").or_insert(json!(false));
            }
        }
        self.configuration = Some(value);
    }

    /// Waits for the next `window/showMessage`, checks its text contains `needle`, and returns
    /// its `params`.
    pub fn expect_show_message(&mut self, needle: &str) -> Value {
        let message = self.take("a window/showMessage", |m| {
            m["method"] == "window/showMessage"
        });
        let text = message["params"]["message"].as_str().unwrap_or_default();
        assert!(
            text.contains(needle),
            "the message should contain {needle:?}: {message}"
        );
        message["params"].clone()
    }

    /// Waits for a `window/logMessage` whose text contains `needle`, and returns it.
    pub fn expect_log(&mut self, needle: &str) -> Value {
        let what = format!("a log message containing {needle:?}");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.log_messages.iter().find(|m| {
                m["params"]["message"]
                    .as_str()
                    .is_some_and(|s| s.contains(needle))
            });
            if let Some(m) = found {
                return m.clone();
            }
            self.pump(deadline, &what);
        }
    }

    /// Waits for the next `publishDiagnostics` for `uri` whose `params` satisfy `want`, consuming
    /// the publications for `uri` that come before it; returns its `params`.
    pub fn publish_matching(&mut self, uri: &str, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let params = self.next_publish(uri);
            if want(&params) {
                return params;
            }
        }
    }

    /// Reads messages until `done` holds of what has been recorded so far (server requests,
    /// protocol notifications, logs).
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&Server) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while !done(self) {
            self.pump(deadline, what);
        }
    }

    /// Asserts that nothing for `uri` has arrived and not been consumed yet.
    pub fn assert_no_publish_yet(&mut self, uri: &str) {
        while let Ok(incoming) = self.incoming.try_recv() {
            self.classify(incoming);
        }
        if let Some(m) = self.unconsumed.iter().find(|m| is_publish_for(m, uri)) {
            panic!("unexpected diagnostics for {uri}: {m}");
        }
    }

    /// Sends `shutdown` and `exit`, checks the exit code is 0 and that the test consumed every
    /// message the server sent.
    pub fn shutdown(mut self) -> Exit {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null, "shutdown returns null");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.finish(Some(0), "after shutdown+exit", false)
    }

    /// Sends `exit` with stdin left open, and checks that the server ends by itself with
    /// `code` (1 without a `shutdown` first).
    pub fn exit(mut self, code: i32) -> Exit {
        self.notify("exit", Value::Null);
        self.finish(Some(code), "after exit", false)
    }

    /// Closes stdin without a word, and checks that the server ends with `code`.
    pub fn close_stdin(mut self, code: i32) -> Exit {
        drop(self.stdin.take());
        self.finish(Some(code), "after its stdin closed", true)
    }

    /// The server's process id (for /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident set size, in KiB (`VmRSS` in /proc/PID/status; Linux only).
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// The most the server's resident set has been, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("reading /proc/PID/status (Linux only)");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/PID/status:\n{status}"))
    }

    /// Closes stdin (unless `keep_stdin`) and waits at most `within` for the process to end;
    /// returns its exit code and how long it took. Messages left unread are not checked.
    pub fn ends_within(mut self, within: Duration, keep_stdin: bool) -> (Option<i32>, Duration) {
        let started = Instant::now();
        if !keep_stdin {
            drop(self.stdin.take());
        }
        let status = wait_with_timeout(&mut self.child, within);
        (status.code(), started.elapsed())
    }

    /// Reads until the server has been quiet for `quiet`, and forgets what the test did not
    /// consume: for tests about what the server survives, not about what it says.
    pub fn settle(&mut self, quiet: Duration) {
        while !self.closed {
            match self.incoming.recv_timeout(quiet) {
                Ok(incoming) => self.classify(incoming),
                Err(_) => break,
            }
        }
        self.unconsumed.clear();
    }

    /// Takes the server's stdin away from it without closing it, as a child process of the
    /// editor would hold it open.
    pub fn leak_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// Waits for the process to end by itself with `code`, then checks every message was
    /// consumed.
    fn finish(mut self, code: Option<i32>, when: &str, unreadable: bool) -> Exit {
        let status = wait_with_timeout(&mut self.child, TIMEOUT);
        assert_eq!(status.code(), code, "leakls exit status {when}");
        // Everything the server wrote is now readable: drain it up to end of file.
        let deadline = Instant::now() + TIMEOUT;
        while !self.closed {
            self.pump(deadline, "the end of the server's output");
        }
        let stderr = self
            .stderr
            .take()
            .expect("stderr is collected once")
            .join()
            .expect("the stderr thread does not panic");
        let unreadable_answers = if unreadable {
            self.take_unreadable_answers()
        } else {
            Vec::new()
        };
        assert!(
            self.unconsumed.is_empty(),
            "the server sent messages the test never consumed:\n{}",
            self.unconsumed
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
        Exit {
            stderr,
            log_messages: std::mem::take(&mut self.log_messages),
            server_requests: std::mem::take(&mut self.server_requests),
            unreadable_answers,
        }
    }

    /// The `params` of the next `publishDiagnostics` for `uri`.
    fn next_publish(&mut self, uri: &str) -> Value {
        let message = self.take(&format!("publishDiagnostics for {uri}"), |m| {
            is_publish_for(m, uri)
        });
        message["params"].clone()
    }

    /// Removes and returns the first message (already read or still to come) matching `want`.
    fn take(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        let mut checked = 0;
        loop {
            if let Some(i) = self.unconsumed.iter().skip(checked).position(&want) {
                return self
                    .unconsumed
                    .remove(checked + i)
                    .expect("the index is in bounds");
            }
            checked = self.unconsumed.len();
            self.pump(deadline, what);
        }
    }

    /// Reads one more message (or the end of the output) and sorts it.
    fn pump(&mut self, deadline: Instant, what: &str) {
        assert!(
            !self.closed,
            "waiting for {what}, but the server closed its output"
        );
        let left = deadline.saturating_duration_since(Instant::now());
        let incoming = match self.incoming.recv_timeout(left) {
            Ok(incoming) => incoming,
            Err(RecvTimeoutError::Timeout) => panic!(
                "timed out after {TIMEOUT:?} waiting for {what}; unconsumed so far:\n{}",
                self.unconsumed
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            Err(RecvTimeoutError::Disconnected) => Incoming::Closed,
        };
        self.classify(incoming);
    }

    /// Records logs and answers server requests; keeps what the test itself must consume.
    fn classify(&mut self, incoming: Incoming) {
        let message = match incoming {
            Incoming::Message(m) => m,
            Incoming::Closed => {
                self.closed = true;
                return;
            }
            Incoming::Error(e) => panic!("the server broke the LSP framing: {e}"),
        };
        assert_eq!(
            message["jsonrpc"], "2.0",
            "not a JSON-RPC 2.0 message: {message}"
        );
        match (
            message.get("method").and_then(Value::as_str),
            message.get("id"),
        ) {
            (Some("window/logMessage"), None) => self.log_messages.push(message),
            // Progress and other protocol-level notifications need no answer.
            (Some(m), None) if m.starts_with("$/") => self.protocol_notifications.push(message),
            (Some(method), Some(id)) => {
                let id = id.clone();
                let result = match (method, &self.configuration) {
                    ("workspace/configuration", Some(value)) => {
                        let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![value.clone(); items])
                    }
                    _ => Value::Null,
                };
                self.server_requests.push(message);
                if self.answer_requests {
                    self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
                }
            }
            _ => self.unconsumed.push_back(message),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // After a failed assertion: do not leave the process behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `workspaceFolders: [root]` in the `initialize` params.
fn workspace_folders_param(params: &mut Value, root: &Path) {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    params["workspaceFolders"] = json!([{ "uri": file_uri(root), "name": name }]);
}

fn is_publish_for(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

fn diagnostics_of(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("publishDiagnostics without a diagnostics array: {params}"))
        .clone()
}

/// The binary under test: `LEAKLS_TEST_SERVER` when set (the soak test runs the release build
/// from a debug test), else the one cargo built with the tests.
fn server_binary() -> std::path::PathBuf {
    match std::env::var_os("LEAKLS_TEST_SERVER") {
        Some(path) => path.into(),
        None => env!("CARGO_BIN_EXE_leakls").into(),
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for leakls") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "leakls did not exit within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads one framed message; `Ok(None)` at a clean end of file between messages.
fn read_message(reader: &mut impl BufRead) -> Result<Option<Value>, String> {
    let mut content_length = None;
    let mut first = true;
    loop {
        let mut line = String::new();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| format!("reading a header: {e}"))?;
        if n == 0 {
            return if first {
                Ok(None)
            } else {
                Err("end of file inside the headers".to_string())
            };
        }
        first = false;
        let line = line
            .strip_suffix("\r\n")
            .ok_or_else(|| format!("a header line not ended by \\r\\n: {line:?}"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("not a header: {line:?}"))?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            let n: usize = value
                .trim()
                .parse()
                .map_err(|e| format!("bad Content-Length {value:?}: {e}"))?;
            content_length = Some(n);
        }
    }
    let n = content_length.ok_or("a message without Content-Length")?;
    let mut body = vec![0; n];
    reader
        .read_exact(&mut body)
        .map_err(|e| format!("reading a body of {n} bytes: {e}"))?;
    serde_json::from_slice(&body).map(Some).map_err(|e| {
        format!(
            "a body that is not JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        )
    })
}

/// The `file://` URI of a path, as an editor would send it (percent-encoding what needs it).
pub fn file_uri(path: &Path) -> String {
    let path = path.to_str().expect("test paths are UTF-8");
    let mut uri = String::from("file://");
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri
}

/// How positions count columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A client-side copy of a document's text; lines end with `\n` only.
#[derive(Debug, Clone)]
pub struct Text {
    pub text: String,
    pub enc: Encoding,
}

impl Text {
    pub fn new(text: &str, enc: Encoding) -> Text {
        assert!(
            !text.contains('\r'),
            "the test model knows only \\n line breaks"
        );
        Text {
            text: text.to_string(),
            enc,
        }
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, byte: usize) -> Value {
        let before = &self.text[..byte];
        let line = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = &before[line_start..];
        let character = match self.enc {
            Encoding::Utf8 => column.len(),
            Encoding::Utf16 => column.encode_utf16().count(),
        };
        json!({ "line": line, "character": character })
    }

    pub fn range(&self, bytes: std::ops::Range<usize>) -> Value {
        json!({ "start": self.position(bytes.start), "end": self.position(bytes.end) })
    }

    /// The byte offset of an LSP position, which must be exactly on a character in the document.
    pub fn offset(&self, position: &Value) -> usize {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let line_start = if line == 0 {
            0
        } else {
            self.text
                .match_indices('\n')
                .nth(line - 1)
                .unwrap_or_else(|| panic!("line {line} is past the end"))
                .0
                + 1
        };
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let mut units = 0;
        for (i, c) in self.text[line_start..line_end].char_indices() {
            if units == character {
                return line_start + i;
            }
            units += match self.enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
        }
        assert_eq!(
            units, character,
            "position {position} is not on a character"
        );
        line_end
    }

    /// Replaces `bytes` and returns the `contentChanges` entry that says so (in positions of the
    /// text before the change).
    pub fn replace(&mut self, bytes: std::ops::Range<usize>, new_text: &str) -> Value {
        let change = json!({ "range": self.range(bytes.clone()), "text": new_text });
        self.text.replace_range(bytes, new_text);
        change
    }

    /// Applies LSP `TextEdit`s (all in positions of the current text, not overlapping) and returns
    /// the same edits as `contentChanges` to send in one ranged `didChange`, in an order in which
    /// applying them one after the other gives the same text.
    pub fn apply_text_edits(&mut self, edits: &[Value]) -> Vec<Value> {
        let mut resolved: Vec<(usize, usize, String)> = edits
            .iter()
            .map(|e| {
                let start = self.offset(&e["range"]["start"]);
                let end = self.offset(&e["range"]["end"]);
                assert!(start <= end, "a reversed edit range: {e}");
                let new_text = e["newText"].as_str().expect("newText").to_string();
                (start, end, new_text)
            })
            .collect();
        // Last first: each edit leaves the positions before it valid for the next.
        resolved.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
        for pair in resolved.windows(2) {
            assert!(pair[1].1 <= pair[0].0, "overlapping edits: {edits:?}");
        }
        resolved
            .into_iter()
            .map(|(start, end, new_text)| self.replace(start..end, &new_text))
            .collect()
    }

    /// Applies the edits a `WorkspaceEdit` makes to `uri` (`changes` or `documentChanges`).
    pub fn apply_workspace_edit(&mut self, edit: &Value, uri: &str) -> Vec<Value> {
        let mut edits = Vec::new();
        if let Some(changes) = edit.get("changes").and_then(Value::as_object) {
            for (target, list) in changes {
                assert_eq!(target, uri, "an edit for another document: {edit}");
                edits.extend(list.as_array().expect("an array of edits").iter().cloned());
            }
        }
        if let Some(document_changes) = edit.get("documentChanges").and_then(Value::as_array) {
            for change in document_changes {
                assert_eq!(
                    change["textDocument"]["uri"], uri,
                    "edit for another document"
                );
                edits.extend(change["edits"].as_array().expect("edits").iter().cloned());
            }
        }
        assert!(!edits.is_empty(), "a workspace edit with no edits: {edit}");
        self.apply_text_edits(&edits)
    }
}

/// A small deterministic generator (xorshift64*), for randomised edits that replay the same.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Runs the installed `go` command (no toolchain download) in `dir`, and fails the test if it
/// fails.
pub fn go(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new("go")
        .args(args)
        .current_dir(dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap_or_else(|e| panic!("the `go` command is needed ({e})"));
    assert!(
        out.status.success(),
        "go {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A heap profile (profile.proto, by hand) with one sample: 64 bytes live in `main.main` of
/// `file`, line 7.
pub fn heap_profile_in(file: &str) -> Vec<u8> {
    let mut out = Vec::new();
    // sample_type: inuse_space/bytes (strings 1, 2)
    out.extend([0x0a, 4, 0x08, 1, 0x10, 2]);
    // sample: location_id [1] (packed), value [64] (packed)
    out.extend([0x12, 6, 0x0a, 1, 1, 0x12, 1, 64]);
    // location: id 1, line { function_id 1, line 7 }
    out.extend([0x22, 8, 0x08, 1, 0x22, 4, 0x08, 1, 0x10, 7]);
    // function: id 1, name 3, filename 4
    out.extend([0x2a, 6, 0x08, 1, 0x10, 3, 0x20, 4]);
    for s in ["", "inuse_space", "bytes", "main.main", file] {
        out.push(0x32);
        out.push(s.len() as u8);
        out.extend(s.as_bytes());
    }
    out
}

/// A Go file whose ticker is never stopped (reported in a module before Go 1.23).
pub const TICKER: &str = "\
package app

import \"time\"

func poll(d time.Duration) {
\tt := time.NewTicker(d)
\t<-t.C
}
";
