//! Random didChange notifications through the document store, checked against a plain model,
//! a fresh parse and a fresh analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| leakls_fuzz::document_edits(data));
