//! The same checks as `analyze_bytes`, seeded with the Go fixtures (`fuzz/seed.sh`) and mutated
//! with Go tokens (`fuzz/go.dict`): inputs that stay close to real code reach deeper into the
//! checks than random bytes do.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    leakls_fuzz::analyze_bytes(data);
});
