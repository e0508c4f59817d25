//! One file per request the server answers.

pub mod code_action;
pub mod hover;
pub mod initialize;
pub mod inlay_hint;
