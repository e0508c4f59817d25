//! Arbitrary bytes as Go source: parsing, the analyses and the fixes must not panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leakls_fuzz::analyze_bytes(data);
});
