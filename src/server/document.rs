//! An open buffer: its text (as a rope for positions, as a string for the parser and the
//! checks), its syntax tree, and its version. Edits are applied to both texts and to the tree,
//! then the tree is reparsed once, reusing the old one.

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

    /// Applies the changes of one `didChange` in order, then reparses once. On an error the
    /// document may hold part of the changes: the caller must drop it.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        enc: Encoding,
    ) -> Result<(), EditError> {
        let mut full_reparse = false;
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.text = change.text;
                    full_reparse = true;
                }
                Some(range) => {
                    let start = convert::offset(&self.rope, range.start, enc)
                        .map_err(EditError::LinePastEnd)?;
                    let end = convert::offset(&self.rope, range.end, enc)
                        .map_err(EditError::LinePastEnd)?;
                    if end < start {
                        return Err(EditError::Reversed { start, end });
                    }
                    self.replace(start..end, &change.text);
                }
            }
        }
        self.tree = if full_reparse {
            parse_with(&self.text, None)
        } else {
            parse_with(&self.text, Some(&self.tree))
        };
        self.version = version;
        Ok(())
    }

    /// Replaces a byte range (on character boundaries) in both texts and edits the tree to match.
    fn replace(&mut self, bytes: std::ops::Range<usize>, new_text: &str) {
        let start_position = convert::point(&self.rope, bytes.start);
        let old_end_position = convert::point(&self.rope, bytes.end);
        let start_char = self.rope.byte_to_char(bytes.start);
        let end_char = self.rope.byte_to_char(bytes.end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        self.text.replace_range(bytes.clone(), new_text);
        let new_end_byte = bytes.start + new_text.len();
        self.tree.edit(&InputEdit {
            start_byte: bytes.start,
            old_end_byte: bytes.end,
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position: convert::point(&self.rope, new_end_byte),
        });
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
}
