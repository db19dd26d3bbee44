//! wasm-ws against the WHATWG WebSocket rules, in a real browser, against the real
//! wasm-ws-server. One module per area, after the Web Platform Tests' `websockets/` folder;
//! each test names the rule it checks, numbered as in `RULES.md` beside this file.
//!
//! The server address comes from `WASM_WS_TEST_SERVER` at compile time (the test command
//! starts the server on a free port and sets it); by hand: start `wasm-ws-server` on
//! 127.0.0.1:3000 and run `wasm-pack test --headless --chrome crates/client`.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

// The same modules run in a dedicated worker too (`in_dedicated_worker.rs`).
include!("modules.rs");

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
