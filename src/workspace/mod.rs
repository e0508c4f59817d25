//! What spans files: finding the Go files under a folder, and the module each file belongs to.

pub mod batch;
pub mod discover;
pub mod index;
pub mod modules;
pub mod read;
