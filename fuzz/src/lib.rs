//! What the fuzz targets check, shared with `tests/fuzz_regressions.rs`, which includes this file
//! as a module so that saved crashes replay in a plain `cargo test` on stable Rust.
//!
//! Inputs are decoded from raw bytes here rather than with `arbitrary`: the main crate's tests
//! cannot depend on it, and a crash file must replay exactly as the fuzzer ran it.
//!
//! - [`analyze_bytes`]: any bytes (lossily UTF-8) as one or more Go files of a module; parsing,
//!   both analyses, every fix and the ignore fix must not panic, and every range they report
//!   must lie on character boundaries of the text it points into.
//! - [`document_edits`]: a starting text and didChange notifications with arbitrary positions;
//!   the document store must agree with a plain `String` model (its text, or the error it
//!   rejects an edit with), its tree with a fresh parse, and its findings and its incrementally
//!   updated summary with those made from scratch.

use std::cell::Cell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once, OnceLock};

use leakls::analysis::go_version::GoMod;
use leakls::analysis::summary::FileSummary;
use leakls::analysis::{
    self, fix, suppress, Code, CollectedTimers, FileContext, Finding, GoSemantics, GoVersion,
    Settings, Severity,
};
use leakls::server::convert::{self, Encoding, LinePastEnd};
use leakls::server::document::{Document, EditError};
use leakls::workspace::index::Index;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};
use tree_sitter::{Point, Tree};

/// A line of this form starts another file of the module (`//file store/store.go`).
pub const FILE_MARKER: &str = "\n//file ";

const MAX_FILES: usize = 6;

/// Analyses `data` as Go: the files it holds (split at [`FILE_MARKER`] lines) are indexed as one
/// module, and each is analysed alone and in the module, under settings and a Go version picked
/// by a hash of the input. Panics on any broken invariant; returns how many findings the module
/// analysis reported (so a test can tell that the input reached the checks).
pub fn analyze_bytes(data: &[u8]) -> usize {
    let panics = panics_so_far();
    let text = String::from_utf8_lossy(data);
    let hash = fnv1a(data);
    // The go.mod reader sees arbitrary text too.
    let _ = GoMod::parse(&text);
    let _ = GoVersion::parse(text.get(..text.len().min(32)).unwrap_or(""));

    let root = module_root();
    let files: Vec<(PathBuf, &str)> = split_files(&text, hash)
        .into_iter()
        .map(|(rel, source)| (root.join(rel), source))
        .collect();
    let index = Index::default();
    let mut parsed = Vec::new();
    for (path, source) in &files {
        let tree = analysis::parse(source);
        let file = index.update(path, Arc::new(FileSummary::new(source, &tree)));
        parsed.push((tree, file));
    }
    let settings = Arc::new(settings_for(hash));
    let go = semantics_for(hash);
    let mut reanalysed = false;
    let mut found = 0;
    for ((path, source), (tree, file)) in files.iter().zip(&parsed) {
        let ctx = FileContext::for_path(path, go.clone()).with_settings(settings.clone());
        let alone = analysis::analyze(source, tree, &ctx);
        check_findings(source, &files, &alone);
        let in_module = analysis::analyze_in_module(source, tree, &ctx, file, &index);
        check_findings(source, &files, &in_module);
        found += in_module.len();
        // The code a fix makes is analysed in turn (once per input: it costs a parse).
        if !reanalysed {
            if let Some(fix) = in_module.iter().flat_map(|f| &f.fixes).next() {
                reanalysed = true;
                let (fixed, _) = fix::apply(source, &fix.edits);
                let tree = analysis::parse(&fixed);
                let findings = analysis::analyze(&fixed, &tree, &ctx);
                check_findings(&fixed, &files, &findings);
            }
        }
    }
    assert_eq!(
        panics_so_far(),
        panics,
        "a check panicked (and was contained)"
    );
    found
}

thread_local! {
    static PANICS: Cell<usize> = const { Cell::new(0) };
}

/// How many panics this thread has seen. The analysis contains a panicking check (its findings
/// go missing, the process lives on), which would hide the bug from a test; under the fuzzer
/// the panic hook of libfuzzer-sys aborts anyway. The counting hook calls the one it replaces.
fn panics_so_far() -> usize {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|n| n.set(n.get() + 1));
            previous(info);
        }));
    });
    PANICS.with(Cell::get)
}

/// The files of an input: the text before the first marker is `a.go` (or `a_test.go`), each
/// marker line names the next file, made into a harmless relative path.
fn split_files(text: &str, hash: u64) -> Vec<(String, &str)> {
    let first = if hash % 7 == 0 { "a_test.go" } else { "a.go" };
    let mut parts = text.split(FILE_MARKER);
    let mut files = vec![(first.to_string(), parts.next().unwrap_or(""))];
    for part in parts.take(MAX_FILES - 1) {
        let (name, source) = part.split_once('\n').unwrap_or((part, ""));
        let mut rel = sanitize_path(name);
        if files.iter().any(|(p, _)| *p == rel) {
            rel = format!("{}{}.go", rel.trim_end_matches(".go"), files.len());
        }
        files.push((rel, source));
    }
    files
}

fn sanitize_path(name: &str) -> String {
    let parts: Vec<String> = name
        .split('/')
        .map(|c| {
            c.chars()
                .filter(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | '.'))
                .take(24)
                .collect::<String>()
        })
        .filter(|c| !c.is_empty() && c != "." && c != "..")
        .take(3)
        .collect();
    let mut rel = parts.join("/");
    if rel.is_empty() {
        rel = "f".into();
    }
    if !rel.ends_with(".go") {
        rel.push_str(".go");
    }
    rel
}

/// A folder holding `go.mod` for `leakls.test/m`, the same for every process: the file is
/// written under another name and renamed, so a process never reads it half written.
fn module_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join("leakls-fuzz-module");
        std::fs::create_dir_all(&dir).expect("create the fuzz module folder");
        let partial = dir.join(format!("go.mod.{}", std::process::id()));
        std::fs::write(&partial, "module leakls.test/m\n").expect("write go.mod");
        std::fs::rename(&partial, dir.join("go.mod")).expect("rename go.mod");
        dir
    })
}

fn semantics_for(hash: u64) -> GoSemantics {
    let minor = [None, Some(20), Some(21), Some(22), Some(23), Some(24)][(hash >> 8) as usize % 6];
    GoSemantics {
        version: minor.map(|m| GoVersion::new(1, m, 0)),
        async_timer_chan: [None, None, Some(true), Some(false)][(hash >> 16) as usize % 4],
        toolchain: [None, None, Some(GoVersion::new(1, 27, 0))][(hash >> 20) as usize % 3],
    }
}

fn settings_for(hash: u64) -> Settings {
    if (hash >> 24) % 3 != 0 {
        return Settings::default();
    }
    let code = |shift: u32| Code::ALL[(hash >> shift) as usize % Code::ALL.len()];
    Settings {
        disabled: vec![code(32)],
        severity: vec![(code(40), Severity::Hint)],
        go_version: None,
        // Test files and collected timers as hints: the code paths the defaults skip.
        tests: (hash >> 48) % 2 == 0,
        collected_timers: if (hash >> 52) % 2 == 0 {
            CollectedTimers::Hint
        } else {
            CollectedTimers::Off
        },
    }
}

fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every range lies on character boundaries of its text, findings come sorted, and every fix
/// (and the ignore fix) applies without overlapping edits.
fn check_findings(source: &str, files: &[(PathBuf, &str)], findings: &[Finding]) {
    let text_of = |path: &Option<PathBuf>| match path {
        None => Some(source),
        Some(p) => files.iter().find(|(q, _)| q == p).map(|(_, s)| *s),
    };
    let mut previous = None;
    for f in findings {
        check_range(source, &f.range, f.code, "finding");
        let key = (f.range.start, f.code);
        assert!(previous <= Some(key), "findings out of order at {key:?}");
        previous = Some(key);
        for r in &f.related {
            if let Some(text) = text_of(&r.path) {
                check_range(text, &r.range, f.code, "related");
            }
        }
        for fix in &f.fixes {
            for e in &fix.edits {
                if let Some(text) = text_of(&e.file) {
                    check_range(text, &e.range, f.code, "fix edit");
                }
            }
            let (_, skipped) = fix::apply(source, &fix.edits);
            assert!(
                skipped.is_empty(),
                "{}: fix {:?} has overlapping edits {skipped:?}",
                f.code,
                fix.title
            );
        }
        if let Some(ignore) = suppress::ignore_fix(source, f.code, f.range.start) {
            let _ = fix::apply(source, &ignore.edits);
        }
    }
}

fn check_range(text: &str, range: &Range<usize>, code: Code, what: &str) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{code}: {what} range {range:?} is not a range of characters of a {}-byte text",
        text.len()
    );
}

/// A document's life: its first text and the didChange notifications that follow.
#[derive(Debug, Clone)]
pub struct EditScript {
    pub text: String,
    pub encoding: Encoding,
    pub notifications: Vec<Vec<Change>>,
}

/// One content change: a range (`None` for the whole text) and what replaces it.
#[derive(Debug, Clone)]
pub struct Change {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

impl Change {
    pub fn replace(start: (u32, u32), end: (u32, u32), text: &str) -> Change {
        Change {
            range: Some((Position::new(start.0, start.1), Position::new(end.0, end.1))),
            text: text.to_string(),
        }
    }

    fn event(&self) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: self
                .range
                .map(|(a, b)| tower_lsp_server::ls_types::Range::new(a, b)),
            range_length: None,
            text: self.text.clone(),
        }
    }
}

/// Decodes `data` into an edit script and runs it: see [`run_script`].
pub fn document_edits(data: &[u8]) {
    run_script(&decode_script(data));
}

const MAX_NOTIFICATIONS: usize = 24;

/// Texts a script may start from (each also with CRLF, lone CR and multi-byte variants).
const START_TEXTS: &[&str] = &[
    include_str!("../../tests/testdata/src/tickerpos/tickerpos.go"),
    include_str!("../../tests/testdata/src/globalneg/store/store.go"),
    include_str!("../../tests/testdata/src/suppress/suppress.go"),
    include_str!("../../tests/testdata/src/slicepos/queue.go"),
    include_str!("../../tests/testdata/src/afterpos/afterpos.go"),
    "package p\n\nimport \"time\"\n\nfunc f(d time.Duration) {\n\tt := time.NewTicker(d)\n\t_ = t\n}\n",
    "",
    "\r",
    "\r\n\r\n",
    "a\r\rb\n\r\n😀\u{2028}é\r",
];

/// What an edit may insert, besides raw bytes.
const INSERTS: &[&str] = &[
    "x",
    "é",
    "😀",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "\u{2028}",
    "\u{feff}",
    "\0",
    "{",
    "}",
    "(",
    ")",
    "\"",
    "`",
    "//",
    "/*",
    "*/",
    "func ",
    "for {\n",
    "return\n",
    "package p\n",
    "import \"time\"\n",
    "t := time.NewTicker(d)\n",
    "defer t.Stop()\r\n",
    "for range time.Tick(d) {}\n",
    "<-time.After(d)",
    "//leakls:ignore time-tick\n",
    "sessions[k] = v\n",
    "q = q[1:]\n",
];

/// Reads bytes as a little stream; past the end it yields zeros.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

/// Turns bytes into a script. Positions are drawn against the model text at that point, so most
/// fall inside the document (column past the end of a line, or close to its end, included), and
/// some name a line past the end or a huge column.
pub fn decode_script(data: &[u8]) -> EditScript {
    let mut input = Bytes(data);
    let head = input.byte();
    let encoding = if head & 1 == 0 {
        Encoding::Utf16
    } else {
        Encoding::Utf8
    };
    let text = if head & 6 == 0 {
        let len = usize::from(input.byte()) * 8;
        String::from_utf8_lossy(input.take(len)).into_owned()
    } else {
        let pick = input.byte();
        let mut text = START_TEXTS[usize::from(pick) % START_TEXTS.len()].to_string();
        if head & 0x10 != 0 {
            text = text.replace('\n', "\r\n");
        }
        if head & 0x20 != 0 {
            text = text.replace("\n\n", "\r\r");
        }
        if head & 0x40 != 0 {
            text = text.replace('e', "é").replace("// ", "// 😀");
        }
        text
    };
    let mut model = text.clone();
    let mut notifications = Vec::new();
    while !input.0.is_empty() && notifications.len() < MAX_NOTIFICATIONS {
        let kind = input.byte();
        let count = if kind & 0xe0 == 0 { 2 + kind % 3 } else { 1 };
        let mut changes = Vec::new();
        for _ in 0..count {
            let change = decode_change(&mut input, &model, encoding);
            // Later changes of a notification are drawn against the text the earlier ones make.
            let mut after = model.clone();
            let ok = model_apply(&mut after, std::slice::from_ref(&change), encoding).is_ok();
            changes.push(change);
            if !ok {
                break;
            }
            model = after;
        }
        notifications.push(changes);
    }
    EditScript {
        text,
        encoding,
        notifications,
    }
}

fn decode_change(input: &mut Bytes, model: &str, enc: Encoding) -> Change {
    let kind = input.byte();
    if kind % 32 == 0 {
        let insert = decode_insert(input);
        let text = if kind & 32 == 0 {
            format!("{model}{insert}")
        } else {
            insert
        };
        return Change { range: None, text };
    }
    let lines = model_lines(model);
    let start = decode_position(input, model, &lines, enc);
    let end = if kind & 0x80 != 0 {
        start // an insertion
    } else {
        decode_position(input, model, &lines, enc)
    };
    Change {
        range: Some((start, end)),
        text: decode_insert(input),
    }
}

fn decode_position(
    input: &mut Bytes,
    model: &str,
    lines: &[Range<usize>],
    enc: Encoding,
) -> Position {
    let l = input.byte();
    let line = match l {
        0..0xf0 => u32::from(l) % lines.len() as u32,
        0xf0..0xf8 => lines.len() as u32 + u32::from(l - 0xf0),
        _ => input.u32(),
    };
    let c = input.byte();
    let character = match c {
        0..0xc0 => u32::from(c),
        0xc0..0xf0 => {
            // Around the end of the line, where surrogate pairs and line breaks are.
            let len = lines
                .get(line as usize)
                .map_or(0, |r| units(&model[r.clone()], enc));
            (len as i64 + i64::from(c) - 0xd8).max(0) as u32
        }
        _ => input.u32(),
    };
    Position::new(line, character)
}

fn decode_insert(input: &mut Bytes) -> String {
    let mut text = String::new();
    for _ in 0..input.byte() % 5 {
        let piece = input.byte();
        match INSERTS.get(usize::from(piece)) {
            Some(s) => text.push_str(s),
            None => {
                let raw = input.take(usize::from(piece % 8) + 1);
                text.push_str(&String::from_utf8_lossy(raw));
            }
        }
    }
    text
}

fn units(text: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => text.len(),
        Encoding::Utf16 => text.encode_utf16().count(),
    }
}

/// The byte range of each line's content: lines break at `\r\n`, `\n` and a lone `\r`, as LSP
/// says; the last line may be empty.
fn model_lines(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'\n' => {
                lines.push(start..i);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(start..i);
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push(start..b.len());
    lines
}

/// The model's byte offset of a position: a column past the line's end is its end, one inside a
/// character is that character's start; a line past the end is an error.
fn model_offset(text: &str, pos: Position, enc: Encoding) -> Result<usize, LinePastEnd> {
    let lines = model_lines(text);
    let Some(line) = lines.get(pos.line as usize) else {
        return Err(LinePastEnd {
            line: pos.line,
            lines: lines.len(),
        });
    };
    let mut seen = 0;
    for (i, c) in text[line.clone()].char_indices() {
        let width = match enc {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if seen + width > pos.character as usize {
            return Ok(line.start + i);
        }
        seen += width;
    }
    Ok(line.end)
}

/// The byte edits of one notification (start, old end, new end), `None` once a change replaced
/// the whole text. On an error `text` keeps the changes before the failing one.
type ByteEdits = Option<Vec<(usize, usize, usize)>>;

fn model_apply(
    text: &mut String,
    changes: &[Change],
    enc: Encoding,
) -> Result<ByteEdits, EditError> {
    let mut edits = Some(Vec::new());
    for change in changes {
        let Some((a, b)) = change.range else {
            *text = change.text.clone();
            edits = None;
            continue;
        };
        let start = model_offset(text, a, enc).map_err(EditError::LinePastEnd)?;
        let end = model_offset(text, b, enc).map_err(EditError::LinePastEnd)?;
        if end < start {
            return Err(EditError::Reversed { start, end });
        }
        text.replace_range(start..end, &change.text);
        if let Some(edits) = &mut edits {
            edits.push((start, end, start + change.text.len()));
        }
    }
    Ok(edits)
}

/// Runs a script through the document store and a plain `String` model side by side. A
/// notification the store rejects must be one the model rejects with the same error; the server
/// then drops the document, and here it is opened again with the model's text.
pub fn run_script(script: &EditScript) {
    let panics = panics_so_far();
    let enc = script.encoding;
    let mut model = script.text.clone();
    let mut doc = Document::new(model.clone(), 0);
    let mut summary = FileSummary::new(doc.text(), doc.tree());
    check_document(&doc, &model, enc, "the opened document");
    for (step, changes) in script.notifications.iter().enumerate() {
        let version = step as i32 + 1;
        let events: Vec<_> = changes.iter().map(Change::event).collect();
        let expected = model_apply(&mut model, changes, enc);
        let got = doc.apply_changes(events, version, enc);
        let context = format!("notification {version} ({changes:?})");
        match (got, expected) {
            (Ok(()), Ok(edits)) => {
                let got_edits = doc.last_edits().map(|edits| {
                    edits
                        .iter()
                        .map(|e| (e.start_byte, e.old_end_byte, e.new_end_byte))
                        .collect::<Vec<_>>()
                });
                assert_eq!(got_edits, edits, "tree-sitter edits after {context}");
                assert_eq!(doc.version, version);
                check_document(&doc, &model, enc, &context);
                // The summary kept up through the edits, as the server keeps it, is the summary
                // made from scratch, unless the text holds syntax errors: a declaration whose
                // text is unchanged keeps its summary, though error recovery elsewhere may now
                // resolve an ambiguity in it (`f(x)`: call or conversion) the other way.
                summary = match doc.last_edits() {
                    Some(edits) => {
                        FileSummary::update(Some(&summary), doc.text(), doc.tree(), edits)
                    }
                    None => FileSummary::new(doc.text(), doc.tree()),
                };
                assert!(
                    summary == FileSummary::new(doc.text(), doc.tree())
                        || doc.tree().root_node().has_error(),
                    "summary after {context} of {model:?}"
                );
            }
            (Err(got), Err(want)) => {
                assert_eq!(got, want, "error of {context}");
                doc = Document::new(model.clone(), version);
                summary = FileSummary::new(doc.text(), doc.tree());
                check_document(&doc, &model, enc, &context);
            }
            (got, want) => panic!("{context}: the store gave {got:?}, the model {want:?}"),
        }
    }
    assert_eq!(
        panics_so_far(),
        panics,
        "a check panicked (and was contained)"
    );
}

/// The document's text and rope are the model's; its tree is a fresh parse of the model (except
/// where both hold syntax errors: tree-sitter may recover differently when it reuses nodes), and
/// then its findings are those of the fresh tree. Every finding's range converts to an LSP range
/// and back.
fn check_document(doc: &Document, model: &str, enc: Encoding, context: &str) {
    assert_eq!(doc.text(), model, "text after {context}");
    assert!(
        doc.rope() == model,
        "rope after {context}: {:?}",
        doc.rope().to_string()
    );
    let fresh = analysis::parse(model);
    let (inc_nodes, fresh_nodes) = (dump(doc.tree()), dump(&fresh));
    if inc_nodes != fresh_nodes {
        assert!(
            doc.tree().root_node().has_error() && fresh.root_node().has_error(),
            "tree after {context} differs from a fresh parse of {model:?}: {}\nincremental: {}\nfresh: {}",
            first_difference(&inc_nodes, &fresh_nodes),
            doc.tree().root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
        return;
    }
    let ctx = FileContext::default();
    let findings = analysis::analyze(model, doc.tree(), &ctx);
    assert_eq!(
        findings,
        analysis::analyze(model, &fresh, &ctx),
        "findings after {context} for {model:?}"
    );
    for f in &findings {
        check_range(model, &f.range, f.code, "finding");
        for byte in [f.range.start, f.range.end] {
            let pos = convert::position(doc.rope(), byte, enc);
            let back = convert::offset(doc.rope(), pos, enc).expect("a finding's line exists");
            // Between `\r` and `\n` is no LSP position: the end of the line stands for it.
            let crlf = byte > 0 && model[..byte].ends_with('\r') && model[byte..].starts_with('\n');
            assert!(
                back == byte || (crlf && back == byte - 1),
                "{}: byte {byte} -> {pos:?} -> byte {back} after {context}",
                f.code
            );
        }
    }
}

/// One node: depth, kind, named, bytes, points, error, missing.
type NodeInfo = (usize, u16, bool, Range<usize>, Point, Point, bool, bool);

/// Every node in document order.
fn dump(tree: &Tree) -> Vec<NodeInfo> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        let n = cursor.node();
        out.push((
            depth,
            n.kind_id(),
            n.is_named(),
            n.byte_range(),
            n.start_position(),
            n.end_position(),
            n.is_error(),
            n.is_missing(),
        ));
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            depth -= 1;
        }
    }
}

fn first_difference(a: &[NodeInfo], b: &[NodeInfo]) -> String {
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    format!("node {i}: {:?} vs {:?}", a.get(i), b.get(i))
}
