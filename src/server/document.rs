//! An open buffer: its text (as a rope for positions, as a string for the parser and the
//! checks), its syntax tree, and its version. Edits are applied to both texts and to the tree,
//! then the tree is reparsed once, reusing the old one.
//!
//! Most keystrokes do not need that reparse: typing inside a `//` comment or an identifier
//! leaves the file's tokens the same, only longer or shorter, and then the edited tree (whose
//! ranges and points `Tree::edit` has already moved) is exactly the tree a parse would give.
//! [`keeps_tokens`] recognises those edits. The reparse is what costs: ~2 ms however small the
//! edit inside a huge composite literal such as `ssa/opGen.go`.

use std::cell::RefCell;

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;
use tree_sitter::{InputEdit, Parser, Tree};

use super::convert::{self, Encoding, LinePastEnd};
use crate::analysis;

thread_local! {
    // A parser per worker thread: creating one per edit would cost more than a small reparse.
    static PARSER: RefCell<Parser> = RefCell::new(analysis::new_parser());
}

fn parse_with(text: &str, old: Option<&Tree>) -> Tree {
    PARSER.with(|p| {
        p.borrow_mut()
            .parse(text, old)
            .expect("tree-sitter returns a tree when no cancellation or timeout is set")
    })
}

pub struct Document {
    rope: Rope,
    text: String,
    tree: Tree,
    /// The edits of the last `apply_changes`, in order; `None` after a whole-text change.
    edits: Option<Vec<InputEdit>>,
    pub version: i32,
}

/// An edit the document cannot take: the client's text and ours differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    LinePastEnd(LinePastEnd),
    Reversed { start: usize, end: usize },
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::LinePastEnd(e) => write!(f, "edit range {e}"),
            EditError::Reversed { start, end } => {
                write!(
                    f,
                    "edit range ends (byte {end}) before it starts (byte {start})"
                )
            }
        }
    }
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let tree = parse_with(&text, None);
        Document {
            rope: Rope::from_str(&text),
            text,
            tree,
            edits: None,
            version,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// What the last [`Document::apply_changes`] did, as tree-sitter edits in the order applied
    /// (for `FileSummary::update`, which then re-summarises only the declarations they touch);
    /// `None` when it replaced the whole text, or for a new document.
    pub fn last_edits(&self) -> Option<&[InputEdit]> {
        self.edits.as_deref()
    }

    /// Applies the changes of one `didChange` in order, then reparses once. On an error the
    /// document may hold part of the changes: the caller must drop it.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        enc: Encoding,
    ) -> Result<(), EditError> {
        #[derive(PartialEq)]
        enum Reparse {
            /// Every change so far kept the tokens: the edited tree is the parse of the text.
            No,
            Incremental,
            Full,
        }
        let mut reparse = Reparse::No;
        let mut edits = Some(Vec::new());
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.text = change.text;
                    reparse = Reparse::Full;
                    edits = None;
                }
                Some(range) => {
                    let start = convert::offset(&self.rope, range.start, enc)
                        .map_err(EditError::LinePastEnd)?;
                    let end = convert::offset(&self.rope, range.end, enc)
                        .map_err(EditError::LinePastEnd)?;
                    if end < start {
                        return Err(EditError::Reversed { start, end });
                    }
                    // Asked of the tree before the edit, and only while it is still exact.
                    if reparse == Reparse::No
                        && !keeps_tokens(
                            &self.tree,
                            &self.rope,
                            &self.text,
                            start..end,
                            &change.text,
                        )
                    {
                        reparse = Reparse::Incremental;
                    }
                    let edit = self.replace(start..end, &change.text);
                    if let Some(edits) = &mut edits {
                        edits.push(edit);
                    }
                }
            }
        }
        self.edits = edits;
        match reparse {
            Reparse::No => {}
            Reparse::Incremental => self.tree = parse_with(&self.text, Some(&self.tree)),
            Reparse::Full => self.tree = parse_with(&self.text, None),
        }
        self.version = version;
        Ok(())
    }

    /// Replaces a byte range (on character boundaries) in both texts and edits the tree to match.
    fn replace(&mut self, bytes: std::ops::Range<usize>, new_text: &str) -> InputEdit {
        let start_position = convert::point(&self.rope, bytes.start);
        let old_end_position = convert::point(&self.rope, bytes.end);
        let start_char = self.rope.byte_to_char(bytes.start);
        let end_char = self.rope.byte_to_char(bytes.end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        self.text.replace_range(bytes.clone(), new_text);
        let new_end_byte = bytes.start + new_text.len();
        let edit = InputEdit {
            start_byte: bytes.start,
            old_end_byte: bytes.end,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position: convert::point(&self.rope, new_end_byte),
        };
        self.tree.edit(&edit);
        edit
    }
}

/// The kinds of an identifier token (the grammar aliases it by context).
const IDENTIFIER_KINDS: [&str; 5] = [
    "identifier",
    "field_identifier",
    "type_identifier",
    "package_identifier",
    "label_name",
];

/// The words that tree-sitter-go lexes as something other than an identifier: every string of
/// the grammar (outside `token(...)`) that matches the identifier pattern. `make` and `new` are
/// among them (a call of either takes a type), and `_` (the blank identifier).
const NOT_IDENTIFIERS: [&str; 32] = [
    "_",
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "false",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "iota",
    "make",
    "map",
    "new",
    "nil",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "true",
    "type",
    "var",
];

fn is_reserved(word: &str) -> bool {
    NOT_IDENTIFIERS.contains(&word)
}

/// True when replacing `bytes` of `text` by `new_text` leaves a parse of the text with the same
/// tokens (one of them longer or shorter) and so the same tree, the ranges moved as
/// `Tree::edit` moves them. `tree` must be the exact parse of `text`.
///
/// Only edits strictly inside one `//` comment or one identifier, in a tree without errors
/// (error recovery may go another way on a reparse), qualify:
/// - in a line comment after its `//`, text without a line break (or NUL) stays in the comment;
/// - in an identifier after its first character, ASCII letters, digits and `_` keep one
///   identifier token, unless the word was or becomes a keyword or another reserved word.
///
/// An edit at a token's first byte is refused: `Tree::edit` gives an insertion to the token
/// that ends there, if any. An insertion at a token's last byte goes to that token, as wanted.
/// A comment may end with the `\r` of a CRLF: an edit after or of a `\r` is refused. So is an
/// edit where the rope's line and column (a lone `\r` breaks a line for LSP, not for
/// tree-sitter) differ from the tree's: the edited points would differ from a parse's.
fn keeps_tokens(
    tree: &Tree,
    rope: &Rope,
    text: &str,
    bytes: std::ops::Range<usize>,
    new_text: &str,
) -> bool {
    let root = tree.root_node();
    if bytes.start == 0 || root.has_error() {
        return false;
    }
    // The byte before the edit pins down the token even for an insertion at its end.
    let Some(leaf) = root.descendant_for_byte_range(bytes.start - 1, bytes.end) else {
        return false;
    };
    let token = leaf.byte_range();
    if leaf.child_count() != 0 || token.start >= bytes.start || bytes.end > token.end {
        return false;
    }
    let Some(old) = text.get(token.clone()) else {
        return false;
    };
    let start = leaf.start_position();
    let agrees = |byte: usize| {
        convert::point(rope, byte)
            == tree_sitter::Point::new(start.row, start.column + (byte - token.start))
    };
    if !agrees(bytes.start) || !agrees(bytes.end) {
        return false;
    }
    let kind = leaf.kind();
    if kind == "comment" {
        old.starts_with("//")
            && bytes.start >= token.start + 2
            && text.as_bytes()[bytes.start - 1] != b'\r'
            && !text[bytes.clone()].contains('\r')
            && !new_text.contains(['\n', '\r', '\0'])
    } else if IDENTIFIER_KINDS.contains(&kind) {
        if !new_text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return false;
        }
        // `make` and `new` are lexed as keywords but aliased to `identifier`: the word before
        // must not be reserved either.
        let (head, tail) = (
            &old[..bytes.start - token.start],
            &old[bytes.end - token.start..],
        );
        !is_reserved(old) && !is_reserved(&format!("{head}{new_text}{tail}"))
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn applies_ranged_and_full_changes() {
        let mut doc = Document::new("package p\r\n\r\nfunc é() {}\r\n".into(), 1);
        doc.apply_changes(vec![change(2, 6, 2, 6, "x")], 2, Encoding::Utf16)
            .unwrap();
        assert_eq!(doc.text(), "package p\r\n\r\nfunc éx() {}\r\n");
        let edits = doc.last_edits().expect("a ranged change");
        assert_eq!(
            (edits.len(), edits[0].start_byte, edits[0].new_end_byte),
            (1, 20, 21)
        );
        assert_eq!(doc.rope().to_string(), doc.text());
        assert!(!doc.tree().root_node().has_error());
        doc.apply_changes(
            vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "package q\n".into(),
            }],
            3,
            Encoding::Utf16,
        )
        .unwrap();
        assert_eq!(doc.text(), "package q\n");
        assert_eq!(doc.version, 3);
        assert!(doc.last_edits().is_none());
    }

    #[test]
    fn rejects_ranges_outside_the_document() {
        let mut doc = Document::new("package p\n".into(), 1);
        let err = doc
            .apply_changes(vec![change(5, 0, 5, 0, "x")], 2, Encoding::Utf16)
            .unwrap_err();
        assert!(matches!(err, EditError::LinePastEnd(_)));
        let err = doc
            .apply_changes(vec![change(0, 4, 0, 1, "x")], 2, Encoding::Utf16)
            .unwrap_err();
        assert!(matches!(err, EditError::Reversed { .. }));
    }

    /// Kind, range, points and error flags of every node, in order.
    fn dump(tree: &Tree) -> Vec<(String, std::ops::Range<usize>, String, bool, bool)> {
        let mut out = Vec::new();
        analysis::syntax::walk(tree.root_node(), |n| {
            out.push((
                n.kind().to_string(),
                n.byte_range(),
                format!("{:?}-{:?}", n.start_position(), n.end_position()),
                n.is_error(),
                n.is_missing(),
            ));
            true
        });
        out
    }

    const FIXTURES: [&str; 4] = [
        include_str!("../../tests/testdata/src/tickerpos/tickerpos.go"),
        include_str!("../../tests/testdata/src/tickerneg/tickerneg.go"),
        include_str!("../../tests/testdata/src/timetickpos/timetickpos.go"),
        include_str!("../../tests/testdata/src/globalneg/store/store.go"),
    ];

    /// Wherever `keeps_tokens` lets an edit skip the reparse, the edited tree must be the tree a
    /// fresh parse gives, node for node. Tries an insertion and a deletion at every character of
    /// the fixtures, plus CRLF and multi-byte variants.
    #[test]
    fn edits_that_keep_tokens_give_the_tree_of_a_fresh_parse() {
        let mut sources: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
        sources.push(FIXTURES[0].replace('\n', "\r\n"));
        sources.push(FIXTURES[1].replace("\n\n", "\r\r"));
        sources.push(
            "package p\n\n// é😀 comment\nvar (\n\tfoé = 1 // tail é\n\tb_ = foé // x\n\tbar = fo\n\tm = ma\n)\nfunc \
             f() { for { _ = fo; break } }\n"
                .to_string(),
        );
        let mut fast = 0;
        for source in &sources {
            let base = analysis::parse(source);
            let rope = Rope::from_str(source);
            let boundaries: Vec<usize> = (1..=source.len())
                .filter(|&i| source.is_char_boundary(i))
                .collect();
            // Every 7th character boundary, each with one of the edits in turn (a full parse per
            // edit is what the test costs).
            for (i, &at) in boundaries.iter().enumerate().step_by(7) {
                let next = boundaries.get(i + 1).copied().unwrap_or(at);
                let edits = [
                    (at..at, "x"),
                    (at..next, ""),
                    (at..at, "é_9"),
                    (at..next, "Z"),
                    (at..at, "e"),
                ];
                for (range, insert) in [edits[(i / 7) % edits.len()].clone()] {
                    if !keeps_tokens(&base, &rope, source, range.clone(), insert) {
                        continue;
                    }
                    fast += 1;
                    let mut doc = Document {
                        rope: rope.clone(),
                        text: source.clone(),
                        tree: base.clone(),
                        edits: None,
                        version: 1,
                    };
                    doc.replace(range.clone(), insert);
                    let mut model = source.clone();
                    model.replace_range(range.clone(), insert);
                    assert_eq!(doc.text(), model);
                    let fresh = analysis::parse(&model);
                    let (got, want) = (dump(doc.tree()), dump(&fresh));
                    if got != want {
                        let i = (0..got.len().min(want.len()))
                            .find(|&i| got[i] != want[i])
                            .unwrap_or(got.len().min(want.len()));
                        panic!(
                            "{range:?} <- {insert:?}: node {i}: {:?} != fresh {:?}\n{}",
                            got.get(i),
                            want.get(i),
                            &model
                                [range.start.saturating_sub(80)..(range.end + 80).min(model.len())]
                        );
                    }
                }
            }
        }
        eprintln!("{fast} edits took the fast path");
        assert!(fast > 100, "only {fast} edits took the fast path");
    }

    #[test]
    fn keeps_tokens_refuses_what_can_change_tokens() {
        let src = "package p\n\nvar fo, ma, a1 = 1, 2, 3 // c\n/* b */\nvar s = \"str\"\nvar m = make(T)\n";
        let tree = analysis::parse(src);
        let at = |needle: &str, offset: usize| src.find(needle).unwrap() + offset;
        let rope = Rope::from_str(src);
        let keeps = |r: std::ops::Range<usize>, t: &str| keeps_tokens(&tree, &rope, src, r, t);
        assert!(keeps(at("fo,", 2)..at("fo,", 2), "o"));
        assert!(!keeps(at("fo,", 2)..at("fo,", 2), "r"), "for is a keyword");
        assert!(
            !keeps(at("ma,", 2)..at("ma,", 2), "ke"),
            "make is lexed apart"
        );
        assert!(
            !keeps(at("fo,", 0)..at("fo,", 0), "x"),
            "the first byte may join the token before"
        );
        assert!(!keeps(at("fo,", 2)..at("fo,", 2), "-"));
        assert!(!keeps(at("fo,", 2)..at("fo,", 2), " "));
        assert!(keeps(at("a1", 1)..at("a1", 2), ""));
        assert!(
            !keeps(at("make", 4)..at("make", 4), "x"),
            "make was a keyword"
        );
        assert!(keeps(at("// c", 4)..at("// c", 4), "é}\""));
        assert!(!keeps(at("// c", 4)..at("// c", 4), "\n"));
        assert!(!keeps(at("// c", 1)..at("// c", 1), "x"), "splits the //");
        assert!(
            !keeps(at("/* b", 3)..at("/* b", 3), "x"),
            "block comments may close early"
        );
        assert!(
            !keeps(at("str", 1)..at("str", 1), "x"),
            "strings are not handled"
        );
        let broken = "package p\nfunc f() { x := fo( }\n";
        let tree = analysis::parse(broken);
        assert!(tree.root_node().has_error());
        let i = broken.find("fo(").unwrap() + 2;
        let rope = Rope::from_str(broken);
        assert!(
            !keeps_tokens(&tree, &rope, broken, i..i, "o"),
            "a tree with errors reparses"
        );
        // The comment holds the `\r` of its CRLF: inserting after it would split the line break.
        let crlf = "package p\r\n\r\nvar a = 1 // c\r\nvar b = 2 // lone\rcr\r\n";
        let (tree, rope) = (analysis::parse(crlf), Rope::from_str(crlf));
        let keeps = |r: std::ops::Range<usize>, t: &str| keeps_tokens(&tree, &rope, crlf, r, t);
        let c = crlf.find("// c").unwrap();
        assert!(keeps(c + 4..c + 4, "x"));
        assert!(!keeps(c + 5..c + 5, "x"));
        assert!(!keeps(c + 4..c + 5, ""));
        let lone = crlf.find("cr\r\n").unwrap();
        assert!(
            !keeps(lone + 1..lone + 1, "x"),
            "a lone CR: rope and tree rows differ"
        );
    }

    /// The reserved words match the grammar: every keyword token (an unnamed node whose name
    /// looks like an identifier) is listed.
    #[test]
    fn not_identifiers_cover_the_keywords_of_the_grammar() {
        let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
        for id in 0..language.node_kind_count() as u16 {
            let Some(name) = language.node_kind_for_id(id) else {
                continue;
            };
            let word = !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if word && !language.node_kind_is_named(id) && language.node_kind_is_visible(id) {
                assert!(NOT_IDENTIFIERS.contains(&name), "{name} is a keyword");
            }
        }
        for name in ["true", "false", "nil", "iota", "_"] {
            assert!(NOT_IDENTIFIERS.contains(&name));
        }
    }
}
