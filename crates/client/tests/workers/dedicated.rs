//! The reconnecting layer in a dedicated worker (`cases.rs`).

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

mod cases;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
