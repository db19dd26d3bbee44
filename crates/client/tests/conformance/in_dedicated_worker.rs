//! The WHATWG conformance suite (`main.rs`) again, in a dedicated worker: the WebSocket
//! interface is exposed there too (`[Exposed=(Window,Worker)]`), relative URLs resolve against
//! the worker's own location, and no `window` exists.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

include!("modules.rs");

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
