//! Property test of the incremental document store: random edits to Go-ish text holding `é`,
//! emoji (UTF-16 surrogate pairs), CRLF, LF and lone CR line ends, sent the way an editor sends
//! them (one change per `didChange`, or several, each against the text after the ones before it).
//! After every notification the document's text and rope must equal a plain `String` model, and
//! its incrementally reparsed tree must equal, node for node (kind, byte range, error, missing,
//! and points), a reference tree that this test edits and reparses itself from the model.
//!
//! The tree must also equal a fresh parse of the model, with the analysis reporting the same
//! findings on both, except where both trees hold syntax errors: there tree-sitter may recover
//! differently when it reuses nodes (about one step in 10,000 here; the summary line printed by
//! each property counts them, shrinking runs included).
//!
//! LSP positions are computed here by a deliberately naive converter, independent of
//! `server::convert`, so the two check each other. `PROPTEST_CASES=5000` for a longer run.

use leakls::analysis::summary::FileSummary;
use leakls::analysis::{self, FileContext, Finding};
use leakls::server::convert::Encoding;
use leakls::server::document::Document;
use proptest::prelude::*;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point, Tree};

/// Pieces of the starting text: whole declarations and unbalanced fragments, LF and CRLF.
const SNIPPETS: &[&str] = &[
    "package p\r\n",
    "package p\n",
    "import \"time\"\r\n",
    "import \"time\"\n",
    "func f() {\n",
    "func g(d time.Duration) {\r\n",
    "\tt := time.NewTicker(d) // é😀\r\n",
    "\tt := time.NewTicker(d)\n\t_ = t\n",
    "\tdefer t.Stop()\n",
    "\tfor {\n\t\t<-time.After(time.Second)\n\t}\n",
    "\tfor range time.Tick(d) {\r\n\t\treturn\r\n\t}\r\n",
    "}\n",
    "}\r\n",
    "x := \"😀\"\n",
    "var é = 'é' /* 😀\r\n */\n",
    "type T struct{ t *time.Ticker }\n",
    "var sessions = map[string]*T{}\n",
    "\tsessions[\"é\"] = nil\r\n",
    "\tdelete(sessions, k)\n",
    "func (s *T) Close() { s.t.Stop() }\n",
    "\ts.t = time.NewTicker(d)\n",
    "\n",
    "\r\n",
];

/// What an edit inserts (possibly several of these, possibly none).
const INSERTS: &[&str] = &[
    "x",
    "é",
    "😀",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "{",
    "}",
    "(",
    ")",
    "\"",
    "`",
    "//",
    "/*",
    "*/",
    "'é'",
    "func ",
    "for {\n",
    "return\n",
    "t := time.NewTicker(d)\n",
    "defer t.Stop()\r\n",
    "time.Tick(d)",
    "<-time.After(d)",
    "select {\ncase <-time.After(d):\n}\n",
    "x := \"😀\"\r\n",
    "package p\n",
    "go func() {}()\n",
    "sessions[k] = v\n",
    "var q []*T\n",
];

/// One ranged change, abstract: resolved against the model text when it is applied, so that
/// shrinking keeps every case valid.
#[derive(Debug, Clone)]
struct EditSpec {
    a: usize,
    b: usize,
    /// Which way to move an end that falls between `\r` and `\n`: forward (true) or back.
    a_forward: bool,
    b_forward: bool,
    insert: Vec<usize>,
    /// Rarely: a change without a range (the whole text), taking the model's text as it is plus
    /// the insertion at its end.
    full: bool,
}

fn edit_spec() -> impl Strategy<Value = EditSpec> {
    (
        0..4096usize,
        0..4096usize,
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..INSERTS.len(), 0..4),
        prop::bool::weighted(0.03),
    )
        .prop_map(|(a, b, a_forward, b_forward, insert, full)| EditSpec {
            a,
            b,
            a_forward,
            b_forward,
            insert,
            full,
        })
}

/// One `didChange`: mostly a single change, sometimes several.
fn notification() -> impl Strategy<Value = Vec<EditSpec>> {
    prop_oneof![
        3 => edit_spec().prop_map(|e| vec![e]),
        1 => prop::collection::vec(edit_spec(), 2..5),
    ]
}

fn start_text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..SNIPPETS.len(), 0..14)
        .prop_map(|ix| ix.into_iter().map(|i| SNIPPETS[i]).collect())
}

/// The naive LSP position of a character index: lines break at `\r\n`, `\n` and a lone `\r`;
/// columns count UTF-16 code units or UTF-8 bytes.
fn naive_position(text: &str, char_idx: usize, enc: Encoding) -> Position {
    let chars: Vec<char> = text.chars().collect();
    let (mut line, mut col) = (0u32, 0u32);
    let mut i = 0;
    while i < char_idx {
        match chars[i] {
            '\r' if chars.get(i + 1) == Some(&'\n') => {
                assert!(i + 1 < char_idx, "position between \\r and \\n");
                line += 1;
                col = 0;
                i += 2;
                continue;
            }
            '\r' | '\n' => {
                line += 1;
                col = 0;
            }
            c => {
                col += match enc {
                    Encoding::Utf16 => c.len_utf16(),
                    Encoding::Utf8 => c.len_utf8(),
                } as u32
            }
        }
        i += 1;
    }
    Position::new(line, col)
}

fn char_to_byte(text: &str, char_idx: usize) -> usize {
    text.char_indices()
        .nth(char_idx)
        .map_or(text.len(), |(b, _)| b)
}

/// Moves a character index off the place between a `\r` and a following `\n`.
fn off_crlf(chars: &[char], idx: usize, forward: bool) -> usize {
    if idx > 0 && idx < chars.len() && chars[idx - 1] == '\r' && chars[idx] == '\n' {
        if forward {
            idx + 1
        } else {
            idx - 1
        }
    } else {
        idx
    }
}

/// The tree-sitter point of a byte offset, the tree-sitter way: rows end at `\n` only.
fn ts_point(text: &str, byte: usize) -> Point {
    let before = &text.as_bytes()[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point::new(row, byte - line_start)
}

/// Turns an abstract edit into an LSP change against `model`, and applies it to `model`. Also
/// returns the tree-sitter edit it amounts to (none for a whole-text change).
fn resolve(
    model: &mut String,
    spec: &EditSpec,
    enc: Encoding,
) -> (TextDocumentContentChangeEvent, Option<InputEdit>) {
    let insert: String = spec.insert.iter().map(|&i| INSERTS[i]).collect();
    if spec.full {
        model.push_str(&insert);
        let change = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: model.clone(),
        };
        return (change, None);
    }
    let chars: Vec<char> = model.chars().collect();
    let n = chars.len() + 1;
    let a = off_crlf(&chars, spec.a % n, spec.a_forward);
    let b = off_crlf(&chars, spec.b % n, spec.b_forward);
    let (start, end) = (a.min(b), a.max(b));
    let range = Range::new(
        naive_position(model, start, enc),
        naive_position(model, end, enc),
    );
    let bytes = char_to_byte(model, start)..char_to_byte(model, end);
    let start_position = ts_point(model, bytes.start);
    let old_end_position = ts_point(model, bytes.end);
    model.replace_range(bytes.clone(), &insert);
    let new_end_byte = bytes.start + insert.len();
    let edit = InputEdit {
        start_byte: bytes.start,
        old_end_byte: bytes.end,
        new_end_byte,
        start_position,
        old_end_position,
        new_end_position: ts_point(model, new_end_byte),
    };
    let change = TextDocumentContentChangeEvent {
        range: Some(range),
        range_length: None,
        text: insert,
    };
    (change, Some(edit))
}

/// One node of a structural dump.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NodeInfo {
    depth: usize,
    kind: &'static str,
    named: bool,
    bytes: std::ops::Range<usize>,
    error: bool,
    missing: bool,
}

/// Every node in document order, walked iteratively with a cursor.
fn dump(tree: &Tree) -> Vec<NodeInfo> {
    dump_with(tree, |node, depth| NodeInfo {
        depth,
        kind: node.kind(),
        named: node.is_named(),
        bytes: node.byte_range(),
        error: node.is_error(),
        missing: node.is_missing(),
    })
}

/// Every node's start and end point, in the same order as [`dump`].
fn dump_points(tree: &Tree) -> Vec<(Point, Point)> {
    dump_with(tree, |node, _| (node.start_position(), node.end_position()))
}

fn dump_with<T>(tree: &Tree, f: impl Fn(tree_sitter::Node, usize) -> T) -> Vec<T> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        out.push(f(cursor.node(), depth));
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

fn first_difference<T: PartialEq + std::fmt::Debug>(a: &[T], b: &[T]) -> String {
    let i = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    format!("node {i}: {:?} vs {:?}", a.get(i), b.get(i))
}

type FindingKey = (&'static str, std::ops::Range<usize>, String);

fn findings_key(findings: &[Finding]) -> Vec<FindingKey> {
    findings
        .iter()
        .map(|f| (f.code.as_str(), f.range.clone(), f.message.clone()))
        .collect()
}

/// What the runs saw, for the summary line.
#[derive(Debug, Default)]
struct Stats {
    cases: usize,
    steps: usize,
    /// Steps whose fresh parse had errors and whose incremental tree still equalled it.
    error_trees_equal: usize,
    /// Steps whose incremental tree differs from the fresh parse in error recovery (tree-sitter
    /// recovers from errors differently when it reuses an old tree); both had errors.
    error_trees_differ: usize,
    /// Of those, the steps where the findings differ too.
    findings_differ: usize,
    /// Steps whose text holds a lone `\r` (a line break for LSP, not for tree-sitter).
    lone_cr: usize,
}

fn check(
    doc: &Document,
    model: &str,
    reference: &Tree,
    step: usize,
    stats: &mut Stats,
) -> Result<(), TestCaseError> {
    stats.steps += 1;
    if model.replace("\r\n", "").contains('\r') {
        stats.lone_cr += 1;
    }
    prop_assert_eq!(doc.text(), model, "text after step {}", step);
    prop_assert_eq!(doc.rope().to_string(), model, "rope after step {}", step);

    // The document must hand tree-sitter exactly the edits and the reparse an independent
    // implementation does: then its tree is the same, node for node.
    let (inc, refd) = (dump(doc.tree()), dump(reference));
    prop_assert!(
        inc == refd,
        "tree after step {} differs from the reference incremental parse of {:?}: {}",
        step,
        model,
        first_difference(&inc, &refd)
    );
    prop_assert!(
        dump_points(doc.tree()) == dump_points(reference),
        "points after step {} differ from the reference incremental parse of {:?}: {}",
        step,
        model,
        first_difference(&dump_points(doc.tree()), &dump_points(reference))
    );

    // And the incremental tree must equal a fresh parse. tree-sitter only promises that for
    // text without syntax errors: error recovery may take another path when it reuses nodes.
    let fresh = analysis::parse(model);
    let fresh_dump = dump(&fresh);
    let ctx = FileContext::default();
    let inc_findings = analysis::analyze(model, doc.tree(), &ctx);
    let fresh_findings = analysis::analyze(model, &fresh, &ctx);
    if inc != fresh_dump {
        prop_assert!(
            fresh.root_node().has_error() && doc.tree().root_node().has_error(),
            "tree after step {} differs from a fresh parse of {:?}: {}\nincremental: {}\nfresh: {}",
            step,
            model,
            first_difference(&inc, &fresh_dump),
            doc.tree().root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
        stats.error_trees_differ += 1;
        if findings_key(&inc_findings) != findings_key(&fresh_findings) {
            stats.findings_differ += 1;
        }
        return Ok(());
    }
    if fresh.root_node().has_error() {
        stats.error_trees_equal += 1;
    }
    prop_assert_eq!(
        findings_key(&inc_findings),
        findings_key(&fresh_findings),
        "findings after step {} for {:?}",
        step,
        model
    );
    prop_assert_eq!(inc_findings, fresh_findings, "fixes after step {}", step);
    Ok(())
}

fn run(
    start: String,
    notifications: &[Vec<EditSpec>],
    enc: Encoding,
    stats: &mut Stats,
) -> Result<(), TestCaseError> {
    stats.cases += 1;
    let mut model = start.clone();
    let mut reference = analysis::parse(&model);
    let mut parser = analysis::new_parser();
    let mut doc = Document::new(start, 1);
    let mut summary = FileSummary::new(doc.text(), doc.tree());
    check(&doc, &model, &reference, 0, stats)?;
    for (step, specs) in notifications.iter().enumerate() {
        let mut changes = Vec::new();
        let mut edits = Vec::new();
        for spec in specs {
            let (change, edit) = resolve(&mut model, spec, enc);
            changes.push(change);
            edits.push(edit);
        }
        if edits.iter().all(Option::is_some) {
            for edit in edits.iter().flatten() {
                reference.edit(edit);
            }
            reference = parser.parse(&model, Some(&reference)).unwrap();
        } else {
            reference = parser.parse(&model, None).unwrap();
        }
        let version = step as i32 + 2;
        doc.apply_changes(changes.clone(), version, enc)
            .map_err(|e| TestCaseError::fail(format!("step {}: {e} for {changes:?}", step + 1)))?;
        prop_assert_eq!(doc.version, version);
        check(&doc, &model, &reference, step + 1, stats)?;
        // The summary kept up through the edits (as the server keeps it) equals a summary made
        // from scratch of the same tree.
        summary = match doc.last_edits() {
            Some(edits) => FileSummary::update(Some(&summary), doc.text(), doc.tree(), edits),
            None => FileSummary::new(doc.text(), doc.tree()),
        };
        prop_assert_eq!(
            &summary,
            &FileSummary::new(doc.text(), doc.tree()),
            "summary after step {} of {:?}",
            step + 1,
            model
        );
    }
    Ok(())
}

fn property(enc: Encoding) {
    // PROPTEST_CASES=10000 for a longer run.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let stats = std::cell::RefCell::new(Stats::default());
    let strategy = (start_text(), prop::collection::vec(notification(), 1..30));
    let result = runner.run(&strategy, |(start, notifications)| {
        run(start, &notifications, enc, &mut stats.borrow_mut())
    });
    eprintln!("{enc:?}: {:?}", stats.borrow());
    if let Err(e) = result {
        panic!("{enc:?}: {e}");
    }
}

#[test]
fn incremental_edits_match_a_fresh_parse_utf16() {
    property(Encoding::Utf16);
}

#[test]
fn incremental_edits_match_a_fresh_parse_utf8() {
    property(Encoding::Utf8);
}

/// The naive converter on a hand-made case (guards the oracle).
#[test]
fn naive_positions() {
    let text = "aé😀\r\nb\rc\n";
    assert_eq!(
        naive_position(text, 3, Encoding::Utf16),
        Position::new(0, 4)
    );
    assert_eq!(naive_position(text, 3, Encoding::Utf8), Position::new(0, 7));
    assert_eq!(
        naive_position(text, 5, Encoding::Utf16),
        Position::new(1, 0)
    );
    assert_eq!(
        naive_position(text, 7, Encoding::Utf16),
        Position::new(2, 0)
    );
    assert_eq!(
        naive_position(text, 9, Encoding::Utf16),
        Position::new(3, 0)
    );
    assert_eq!(ts_point(text, 11), Point::new(1, 2)); // "b\rc": a lone \r is no row break
}
