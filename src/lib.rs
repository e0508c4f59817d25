//! leakls: finds memory and resource leaks in Go code, as a language server and a linter.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod docs;
pub mod heap;
pub mod log;
pub mod server;
pub mod workspace;
