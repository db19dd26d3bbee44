//! Defaults are constants: `Limits::default()`, `Compression::default()` and
//! `Config::for_tests` give the same values whatever `WASM_WS_*` variables the environment
//! exports; only the binary's command line reads them.
//!
//! Alone in its test binary, so that the variables it sets reach no other test.

use std::time::Duration;

use wasm_ws_server::{
    config::{Compression, Config, Limits, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_PING_INTERVAL},
    deflate,
};

#[test]
fn exported_variables_change_no_default() {
    // What a shell with the binary's variables exported would pass on to a test run or a
    // program embedding the server.
    for (name, value) in [
        ("WASM_WS_MAX_MESSAGE_SIZE", "1"),
        ("WASM_WS_PING_INTERVAL", "1ms"),
        ("WASM_WS_ALLOW_ANY_ORIGIN", "true"),
        ("WASM_WS_PERMESSAGE_DEFLATE", "context-takeover"),
        ("WASM_WS_DEFLATE_WINDOW_BITS", "9"),
    ] {
        // SAFETY (edition 2024 wording): no other thread of this test binary reads the
        // environment; this is its only test.
        std::env::set_var(name, value);
    }
    let limits = Limits::default();
    assert_eq!(limits.max_message_size, DEFAULT_MAX_MESSAGE_SIZE);
    assert_eq!(limits.ping_interval, DEFAULT_PING_INTERVAL);
    assert!(!limits.allow_any_origin);
    assert_eq!(
        Compression::default().settings(),
        deflate::Settings::default()
    );
    let config = Config::for_tests(Duration::from_secs(1));
    assert_eq!(config.limits.max_message_size, DEFAULT_MAX_MESSAGE_SIZE);
    assert_eq!(config.compression.settings(), deflate::Settings::default());
    // The command line still reads them: they are the binary's documented variables.
    use clap::Parser;
    assert_eq!(
        Config::parse_from(["wasm-ws-server"])
            .limits
            .max_message_size,
        1
    );
}
