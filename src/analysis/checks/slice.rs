//! `slice-retains`: a long-lived slice of pointer-holding elements that loses elements from the
//! front or back without clearing them. (Being written.)

use tree_sitter::Node;

use super::ModuleView;
use crate::analysis::{FileContext, Finding};

/// Checks one top-level declaration. Returns true when it found a candidate it could not judge
/// because the module's index is not complete yet.
pub fn check(
    _decl: Node,
    _source: &str,
    _file: &FileContext,
    _module: ModuleView,
    _findings: &mut Vec<Finding>,
) -> bool {
    false
}
