//! leakls: finds memory and resource leaks in Go code, as a language server and a linter.

pub mod analysis;
