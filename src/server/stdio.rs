//! The `Content-Length` framing on stdin and stdout, in front of tower-lsp's.
//!
//! tower-lsp-server stops reading at the first message it cannot decode (a body that is not
//! JSON, or not a JSON-RPC message; a missing or unparsable `Content-Length`; a `Content-Type`
//! without `charset=utf-8`; a third header), and the server then exits. Here a thread reads
//! stdin, frames and checks each message itself, and hands tower-lsp only well-formed ones, each
//! re-framed with a bare `Content-Length`. A bad message costs one error response (`id: null`,
//! or the request's id when it can be read), a line on stderr, and nothing else: the next
//! `Content-Length` header starts the next message.
//!
//! A second thread writes tower-lsp's output to stdout, slipping those error responses in
//! between its messages. Both threads are plain OS threads doing blocking I/O, so the tokio
//! runtime never waits on stdin at exit.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

use super::lifeline::Lifeline;
use crate::log::{self, Level};

const HEADER: &[u8] = b"Content-Length";

/// A header line longer than this is not a header.
const MAX_HEADER_LINE: usize = 4096;

/// What stdout carries: tower-lsp's bytes, and our own error responses, each a whole frame.
enum Out {
    Server(Vec<u8>),
    Injected(Vec<u8>),
    /// tower-lsp has stopped: write what is held, then stop.
    End,
}

/// What the framer found next in the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Framed {
    /// The body of a message (not yet checked).
    Body(Vec<u8>),
    /// Bytes that are not a message, and why; the framer has moved on to the next header.
    Skipped(String),
}

/// Splits the client's bytes into message bodies, and recovers from bad framing by skipping to
/// the next `Content-Length: N\r\n` line. That line cannot occur in a JSON body (a JSON string
/// cannot hold a raw line break), so finding it inside a body that is still arriving also shows
/// that the body's `Content-Length` was too large, without waiting for bytes that never come.
#[derive(Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of `buf` already consumed.
    start: usize,
    state: State,
}

#[derive(Default)]
enum State {
    #[default]
    Headers,
    /// Reading a body of `len` bytes from `at`; the first `scanned` bytes hold no header line.
    Body {
        at: usize,
        len: usize,
        scanned: usize,
    },
    /// Skipping bytes already reported, up to the next header line.
    Resync,
}

/// Enough to hold `Content-Length: <digits>\r\n` cut at the end of a chunk.
const HEADER_LINE_OVERLAP: usize = 64;

impl Framer {
    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            let start = self.start;
            self.buf.drain(..start);
            self.start = 0;
            if let State::Body { at, .. } = &mut self.state {
                *at -= start;
            }
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next body or skipped region, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Framed> {
        loop {
            match self.state {
                State::Body { at, len, scanned } => return self.read_body(at, len, scanned),
                State::Resync => {
                    let rest = &self.buf[self.start..];
                    match find_header_line(rest) {
                        Some(i) => {
                            self.start += i;
                            self.state = State::Headers;
                        }
                        None => {
                            self.start += rest.len().saturating_sub(HEADER_LINE_OVERLAP);
                            return None;
                        }
                    }
                }
                State::Headers => {
                    // Stray line breaks between messages are harmless.
                    let rest = &self.buf[self.start..];
                    self.start += rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
                    if self.start == self.buf.len() {
                        return None;
                    }
                    match parse_headers(&self.buf[self.start..]) {
                        Headers::Incomplete => return None,
                        Headers::Complete { len, end } => {
                            let at = self.start + end;
                            self.state = State::Body {
                                at,
                                len,
                                scanned: 0,
                            };
                        }
                        Headers::Bad(why) => {
                            // Past this header's first byte, so that it is not found again.
                            self.start += 1;
                            self.state = State::Resync;
                            return Some(Framed::Skipped(why));
                        }
                    }
                }
            }
        }
    }

    /// What is left when the input ends.
    pub fn finish(&mut self) -> Option<Framed> {
        let state = std::mem::take(&mut self.state);
        let left = &self.buf[self.start..];
        self.start = self.buf.len();
        match state {
            State::Resync => None, // already reported
            State::Headers if left.iter().all(u8::is_ascii_whitespace) => None,
            _ => Some(Framed::Skipped(
                "the input ended inside a message".to_string(),
            )),
        }
    }

    fn read_body(&mut self, at: usize, len: usize, scanned: usize) -> Option<Framed> {
        let available = self.buf.len() - at;
        if available >= len {
            let body = self.buf[at..at + len].to_vec();
            self.start = at + len;
            self.state = State::Headers;
            return Some(Framed::Body(body));
        }
        // Another message's header inside this body: the Content-Length was too large.
        let from = scanned.saturating_sub(HEADER_LINE_OVERLAP);
        let Some(next) = find_header_line(&self.buf[at + from..]).map(|i| from + i) else {
            self.state = State::Body {
                at,
                len,
                scanned: available,
            };
            return None;
        };
        self.start = at + next;
        self.state = State::Headers;
        Some(Framed::Skipped(format!(
            "a body of {next} bytes where the Content-Length said {len}"
        )))
    }
}

enum Headers {
    Incomplete,
    Complete { len: usize, end: usize },
    Bad(String),
}

/// Parses a header block (lines ended by `\r\n`, then an empty line). Only `Content-Length`
/// matters; `Content-Type` and unknown headers are ignored, as the LSP specification allows.
fn parse_headers(bytes: &[u8]) -> Headers {
    let mut len = None;
    let mut pos = 0;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &bytes[pos..]) else {
            return if bytes.len() - pos > MAX_HEADER_LINE {
                Headers::Bad("a header line without an end".to_string())
            } else {
                Headers::Incomplete
            };
        };
        let line = &bytes[pos..pos + nl];
        pos += nl + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return match len {
                Some(len) => Headers::Complete { len, end: pos },
                None => Headers::Bad("a message without a Content-Length header".to_string()),
            };
        }
        let Some((name, value)) = split_header(line) else {
            return Headers::Bad(format!(
                "not a header: {:?}",
                String::from_utf8_lossy(&line[..line.len().min(80)])
            ));
        };
        if name.eq_ignore_ascii_case("content-length") {
            match value.parse::<usize>() {
                Ok(n) => len = Some(n),
                Err(_) => return Headers::Bad(format!("a Content-Length of {value:?}")),
            }
        }
    }
}

/// `Name: value` with a token for a name.
fn split_header(line: &[u8]) -> Option<(&str, &str)> {
    let line = std::str::from_utf8(line).ok()?;
    let (name, value) = line.split_once(':')?;
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
    token.then(|| (name, value.trim()))
}

/// The offset of the next `Content-Length: <digits>\r\n` line.
fn find_header_line(bytes: &[u8]) -> Option<usize> {
    let finder = memchr::memmem::Finder::new(HEADER);
    finder.find_iter(bytes).find(|&at| {
        let rest = &bytes[at + HEADER.len()..];
        let Some(rest) = rest.strip_prefix(b":") else {
            return false;
        };
        let rest = trim_start_blanks(rest);
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        digits > 0 && rest[digits..].starts_with(b"\r\n")
    })
}

fn trim_start_blanks(mut b: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = b {
        b = rest;
    }
    b
}

/// Why a body is not a message tower-lsp can take, as a JSON-RPC error.
#[derive(Debug, PartialEq)]
pub struct Rejection {
    pub id: Value,
    pub code: i64,
    pub message: String,
}

/// Accepts exactly what tower-lsp decodes: a request, a notification or a response.
pub fn check(body: &[u8]) -> Result<(), Rejection> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Message {
        #[allow(dead_code)] // only whether it parses matters
        Response(Response),
        Request(Request),
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| Rejection {
        id: Value::Null,
        code: -32700,
        message: format!("Parse error: the body is not JSON ({e})"),
    })?;
    match serde_json::from_value::<Message>(value.clone()) {
        // tower-lsp leaves `$/` requests unanswered; the specification wants MethodNotFound.
        Ok(Message::Request(r)) if r.id().is_some() && r.method().starts_with("$/") => {
            Err(Rejection {
                id: value["id"].clone(),
                code: -32601,
                message: format!("Method not found: {}", r.method()),
            })
        }
        Ok(_) => Ok(()),
        // The request's id, when it is one, so that the client stops waiting for it.
        Err(_) => Err(Rejection {
            id: match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            },
            code: -32600,
            message: "Invalid request: not a JSON-RPC 2.0 request, notification or response"
                .to_string(),
        }),
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn error_response(rejection: &Rejection) -> Vec<u8> {
    let response = json!({
        "jsonrpc": "2.0",
        "id": rejection.id,
        "error": { "code": rejection.code, "message": rejection.message }
    });
    frame(response.to_string().as_bytes())
}

/// Reads stdin until it ends, sends each good message to tower-lsp and answers bad ones.
fn read_client(to_server: mpsc::Sender<Vec<u8>>, out: mpsc::Sender<Out>, lifeline: Arc<Lifeline>) {
    let mut stdin = std::io::stdin().lock();
    let mut framer = Framer::default();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let n = match stdin.read(&mut chunk) {
            Ok(0) => 0,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                log::log(Level::Error, format_args!("reading stdin: {e}"));
                0
            }
        };
        let events: Vec<Framed> = if n == 0 {
            framer.finish().into_iter().collect()
        } else {
            framer.push(&chunk[..n]);
            std::iter::from_fn(|| framer.next_frame()).collect()
        };
        for event in events {
            let rejection = match event {
                Framed::Body(body) => match check(&body) {
                    Ok(()) => {
                        lifeline.observe(&body);
                        if to_server.blocking_send(frame(&body)).is_err() {
                            return; // the server has exited
                        }
                        continue;
                    }
                    Err(r) => r,
                },
                Framed::Skipped(why) => Rejection {
                    id: Value::Null,
                    code: -32700,
                    message: format!("Parse error: {why}; skipped to the next Content-Length"),
                },
            };
            let level = match rejection.code {
                -32601 => Level::Info, // a method we do not know: the client may ask anything
                _ => Level::Error,
            };
            log::log(
                level,
                format_args!("answered a message with an error: {}", rejection.message),
            );
            let _ = out.blocking_send(Out::Injected(error_response(&rejection)));
        }
        if n == 0 {
            lifeline.input_ended();
            return; // dropping `to_server` ends tower-lsp's input
        }
    }
}

/// Writes everything meant for the client to stdout; our own responses go between tower-lsp's
/// messages, never inside one.
fn write_client(mut from: mpsc::Receiver<Out>) {
    let stdout = std::io::stdout();
    let mut stdout = std::io::BufWriter::new(stdout.lock());
    let mut tracker = FrameEnds::default();
    let mut held: VecDeque<Vec<u8>> = VecDeque::new();
    let mut write = |bytes: &[u8]| stdout.write_all(bytes).and_then(|()| stdout.flush());
    while let Some(item) = from.blocking_recv() {
        let result = match item {
            Out::End => {
                for h in held.drain(..) {
                    let _ = write(&h);
                }
                return;
            }
            Out::Injected(bytes) => {
                held.push_back(bytes);
                Ok(())
            }
            Out::Server(bytes) => {
                let mut done = 0;
                let mut result = Ok(());
                for end in tracker.feed(&bytes) {
                    result = result.and_then(|()| write(&bytes[done..end]));
                    done = end;
                    while let (true, Some(h)) = (result.is_ok(), held.pop_front()) {
                        result = write(&h);
                    }
                }
                result.and_then(|()| write(&bytes[done..]))
            }
        };
        let mut result = result;
        if tracker.at_boundary() {
            while let (true, Some(h)) = (result.is_ok(), held.pop_front()) {
                result = write(&h);
            }
        }
        if result.is_err() {
            return; // the client is gone
        }
    }
}

/// Follows the frames tower-lsp writes, to know where one ends.
#[derive(Default)]
struct FrameEnds {
    header: Vec<u8>,
    /// Body bytes still to come.
    body_left: usize,
}

impl FrameEnds {
    fn at_boundary(&self) -> bool {
        self.header.is_empty() && self.body_left == 0
    }

    /// The offsets in `bytes` just after each frame that ends there.
    fn feed(&mut self, bytes: &[u8]) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if self.body_left > 0 {
                let take = self.body_left.min(bytes.len() - i);
                self.body_left -= take;
                i += take;
                if self.body_left == 0 {
                    ends.push(i);
                }
                continue;
            }
            self.header.push(bytes[i]);
            i += 1;
            if self.header.ends_with(b"\r\n\r\n") {
                self.body_left = match parse_headers(&self.header) {
                    Headers::Complete { len, .. } => len,
                    _ => 0,
                };
                self.header.clear();
                if self.body_left == 0 {
                    ends.push(i);
                }
            }
        }
        ends
    }
}

/// tower-lsp's stdin: the re-framed messages from [`read_client`].
struct ServerInput {
    from: mpsc::Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl AsyncRead for ServerInput {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        while self.at == self.chunk.len() {
            match self.from.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())), // end of input
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(self.chunk.len() - self.at);
        let at = self.at;
        buf.put_slice(&self.chunk[at..at + n]);
        self.at += n;
        Poll::Ready(Ok(()))
    }
}

type Reserve = Pin<Box<dyn Future<Output = Option<mpsc::OwnedPermit<Out>>> + Send>>;

/// tower-lsp's stdout: hands its bytes to [`write_client`], waiting while that queue is full.
struct ServerOutput {
    to: Option<mpsc::Sender<Out>>,
    reserving: Option<Reserve>,
}

impl AsyncWrite for ServerOutput {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if self.reserving.is_none() {
            let Some(to) = self.to.take() else {
                return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
            };
            self.reserving = Some(Box::pin(async move { to.reserve_owned().await.ok() }));
        }
        let reserving = self.reserving.as_mut().expect("set above");
        let permit = std::task::ready!(reserving.as_mut().poll(cx));
        self.reserving = None;
        match permit {
            Some(permit) => {
                self.to = Some(permit.send(Out::Server(buf.to_vec())));
                Poll::Ready(Ok(buf.len()))
            }
            None => Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(())) // the writer thread flushes after every message
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.to = None;
        self.reserving = None;
        Poll::Ready(Ok(()))
    }
}

/// Serves `service` on stdin/stdout until `exit` or the end of stdin; returns once everything
/// the server wrote has reached stdout.
pub async fn serve<S>(
    service: tower_lsp_server::LspService<S>,
    socket: tower_lsp_server::ClientSocket,
) where
    S: tower_lsp_server::LanguageServer,
{
    let (to_server, from_client) = mpsc::channel(16);
    let (to_client, for_client) = mpsc::channel(64);
    let injected = to_client.clone();
    let end = to_client.clone();
    let lifeline = Arc::new(Lifeline::default());
    // Not joined: at `exit` it may still be blocked reading stdin, and the process ends anyway.
    std::thread::spawn(move || read_client(to_server, injected, lifeline));
    let writer = std::thread::spawn(move || write_client(for_client));
    let input = ServerInput {
        from: from_client,
        chunk: Vec::new(),
        at: 0,
    };
    let output = ServerOutput {
        to: Some(to_client),
        reserving: None,
    };
    tower_lsp_server::Server::new(input, output, socket)
        .serve(service)
        .await;
    // The reader may hold a sender for ever (stdin stays open after `exit`): say when to stop.
    let _ = end.send(Out::End).await;
    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(input: &[&[u8]]) -> Vec<Framed> {
        let mut framer = Framer::default();
        let mut out = Vec::new();
        for chunk in input {
            framer.push(chunk);
            out.extend(std::iter::from_fn(|| framer.next_frame()));
        }
        out.extend(framer.finish());
        out
    }

    fn body(s: &str) -> Framed {
        Framed::Body(s.as_bytes().to_vec())
    }

    fn skipped(out: &Framed) -> bool {
        matches!(out, Framed::Skipped(_))
    }

    #[test]
    fn frames_split_anywhere() {
        let input = b"Content-Length: 2\r\n\r\n{}content-length:3\r\nContent-Type: x\r\n\r\n[1]";
        for cut in 0..input.len() {
            let out = framed(&[&input[..cut], &input[cut..]]);
            assert_eq!(out, [body("{}"), body("[1]")], "cut at {cut}");
        }
    }

    #[test]
    fn recovers_at_the_next_header() {
        let good = b"Content-Length: 2\r\n\r\n{}";
        for bad in [
            &b"Content-Type: text\r\n\r\n{}"[..],       // no Content-Length
            b"Content-Length: abc\r\n\r\n{}",           // not a number
            b"garbage that is no header\r\n\r\n",       // not a header at all
            b"Content-Length: 1\r\n\r\n{}",             // too short: `{` then `}` is garbage
            b"Content-Length: 999999\r\n\r\n{\"a\":1}", // too long: the next header shows it
        ] {
            let out = framed(&[bad, good, good]);
            let n = out.len();
            assert!(n >= 3, "{out:?}");
            assert_eq!(
                out[n - 2..],
                [body("{}"), body("{}")],
                "after {bad:?}: {out:?}"
            );
            assert!(out[..n - 2].iter().any(skipped), "{out:?}");
        }
    }

    #[test]
    fn a_json_string_that_mentions_the_header_is_no_header() {
        let text = r#"{"t":"Content-Length: 5"}"#;
        let msg = format!("Content-Length: {}\r\n\r\n{text}", text.len());
        let out = framed(&[&msg.as_bytes()[..30], &msg.as_bytes()[30..]]);
        assert_eq!(out, [body(text)]);
    }

    #[test]
    fn the_end_of_input_inside_a_message_is_reported() {
        assert_eq!(framed(&[b"\r\n"]), []);
        assert!(skipped(&framed(&[b"Content-Length: 9\r\n\r\n{"])[0]));
        assert!(skipped(&framed(&[b"Content-Len"])[0]));
    }

    #[test]
    fn checks_what_tower_lsp_would_reject() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"x"}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check(b"not json").unwrap_err().code, -32700);
        assert_eq!(check(b"\xff").unwrap_err().code, -32700);
        let r = check(br#"{"jsonrpc":"2.0","id":7,"method":5}"#).unwrap_err();
        assert_eq!((r.code, r.id), (-32600, json!(7)));
        assert_eq!(check(b"[1,2]").unwrap_err().id, Value::Null);
        assert_eq!(
            check(br#"{"jsonrpc":"1.0","method":"x"}"#)
                .unwrap_err()
                .code,
            -32600
        );
        let r = check(br#"{"jsonrpc":"2.0","id":"a","method":"$/x"}"#).unwrap_err();
        assert_eq!((r.code, r.id), (-32601, json!("a")));
        assert!(check(br#"{"jsonrpc":"2.0","method":"$/x"}"#).is_ok());
    }

    #[test]
    fn frame_ends_are_found_across_chunks() {
        let a = frame(b"{}");
        let b = frame(br#"{"x":1}"#);
        let all = [a.clone(), b.clone()].concat();
        for cut in 0..all.len() {
            let mut t = FrameEnds::default();
            let mut ends: Vec<usize> = t.feed(&all[..cut]);
            ends.extend(t.feed(&all[cut..]).into_iter().map(|e| e + cut));
            assert_eq!(ends, [a.len(), all.len()], "cut at {cut}");
            assert!(t.at_boundary());
        }
    }
}
