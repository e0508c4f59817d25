//! The only place that maps LSP positions to byte offsets and back.
//!
//! LSP counts columns in UTF-16 code units unless the client and server agree on UTF-8;
//! tree-sitter and the analysis count bytes. Lines break at `\n`, `\r\n` and a lone `\r`, as in
//! LSP (ropey's `cr_lines`), and never at U+2028. A column past the end of its line means the end
//! of the line, as the LSP specification says.

use std::ops::Range;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (it is cheaper for us), otherwise the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// A position whose line is not in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePastEnd {
    pub line: u32,
    pub lines: usize,
}

impl std::fmt::Display for LinePastEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is past the end of a document of {} lines",
            self.line, self.lines
        )
    }
}

/// The byte offset of `pos`. A column past the end of the line is the end of the line; a column
/// inside a character (between the halves of a surrogate pair) is the start of that character.
/// A line past the end of the document is an error: the client's text is not ours.
pub fn offset(rope: &Rope, pos: Position, enc: Encoding) -> Result<usize, LinePastEnd> {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return Err(LinePastEnd {
            line: pos.line,
            lines: rope.len_lines(),
        });
    }
    let line_start_char = rope.line_to_char(line);
    let content_end_char = line_start_char + line_content_chars(rope, line);
    let char_idx = match enc {
        Encoding::Utf8 => {
            let line_start = rope.line_to_byte(line);
            let content_end = rope.char_to_byte(content_end_char);
            let byte = (line_start + pos.character as usize).min(content_end);
            rope.byte_to_char(byte) // rounds down to a character start
        }
        Encoding::Utf16 => {
            let start_cu = rope.char_to_utf16_cu(line_start_char);
            let end_cu = rope.char_to_utf16_cu(content_end_char);
            let cu = (start_cu + pos.character as usize).min(end_cu);
            rope.utf16_cu_to_char(cu)
        }
    };
    Ok(rope.char_to_byte(char_idx))
}

/// Like [`offset`], but a line past the end means the end of the document. For requests, where
/// a stale position should still get an answer.
pub fn offset_clamped(rope: &Rope, pos: Position, enc: Encoding) -> usize {
    offset(rope, pos, enc).unwrap_or(rope.len_bytes())
}

/// The LSP position of a byte offset (clamped to the document, rounded down to a character).
pub fn position(rope: &Rope, byte: usize, enc: Encoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    let char_idx = rope.byte_to_char(byte);
    let line = rope.char_to_line(char_idx);
    let line_start_char = rope.line_to_char(line);
    let character = match enc {
        Encoding::Utf8 => rope.char_to_byte(char_idx) - rope.line_to_byte(line),
        Encoding::Utf16 => rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(line_start_char),
    };
    Position::new(line as u32, character as u32)
}

pub fn range(rope: &Rope, bytes: Range<usize>, enc: Encoding) -> tower_lsp_server::ls_types::Range {
    tower_lsp_server::ls_types::Range::new(
        position(rope, bytes.start, enc),
        position(rope, bytes.end, enc),
    )
}

/// The tree-sitter point of a byte offset: the row, and the column in bytes.
pub fn point(rope: &Rope, byte: usize) -> tree_sitter::Point {
    let byte = byte.min(rope.len_bytes());
    let row = rope.byte_to_line(byte);
    tree_sitter::Point::new(row, byte - rope.line_to_byte(row))
}

/// The characters of a line without its line break.
fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut n = slice.len_chars();
    if n > 0 && slice.char(n - 1) == '\n' {
        n -= 1;
    }
    if n > 0 && slice.char(n - 1) == '\r' {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        // 'é' is 2 bytes / 1 unit; '😀' is 4 bytes / 2 units.
        let rope = Rope::from_str("aé😀b\nx");
        assert_eq!(offset(&rope, pos(0, 2), Encoding::Utf16), Ok(3));
        assert_eq!(offset(&rope, pos(0, 4), Encoding::Utf16), Ok(7));
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(offset(&rope, pos(0, 3), Encoding::Utf16), Ok(3));
        assert_eq!(position(&rope, 7, Encoding::Utf16), pos(0, 4));
        assert_eq!(position(&rope, 7, Encoding::Utf8), pos(0, 7));
        assert_eq!(offset(&rope, pos(0, 7), Encoding::Utf8), Ok(7));
        // Inside a UTF-8 sequence: the start of the character.
        assert_eq!(offset(&rope, pos(0, 2), Encoding::Utf8), Ok(1));
    }

    #[test]
    fn columns_past_the_end_clamp_to_the_line_end() {
        let rope = Rope::from_str("ab\r\ncd\rx\n");
        assert_eq!(offset(&rope, pos(0, 99), Encoding::Utf16), Ok(2)); // before \r\n
        assert_eq!(offset(&rope, pos(1, 99), Encoding::Utf8), Ok(6)); // lone \r is a break
        assert_eq!(offset(&rope, pos(2, 0), Encoding::Utf8), Ok(7));
        assert_eq!(offset(&rope, pos(3, 0), Encoding::Utf8), Ok(9)); // the empty last line
        assert!(offset(&rope, pos(4, 0), Encoding::Utf8).is_err());
        assert_eq!(offset_clamped(&rope, pos(40, 1), Encoding::Utf8), 9);
        assert_eq!(position(&rope, 999, Encoding::Utf16), pos(3, 0));
    }

    #[test]
    fn u2028_is_not_a_line_break() {
        let rope = Rope::from_str("a\u{2028}b\nc");
        assert_eq!(rope.len_lines(), 2);
        assert_eq!(position(&rope, 5, Encoding::Utf16), pos(0, 3));
    }

    #[test]
    fn negotiates_utf8_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
    }
}
