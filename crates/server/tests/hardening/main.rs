//! The server under hostile or careless clients: foreign origins, too many connections, slow
//! readers, silent clients, and shutdown; one module per subject, the helpers here.

#[path = "../common/mod.rs"]
mod common;

use std::{
    io::Write,
    thread,
    time::{Duration, Instant},
};

use common::*;
use wasm_ws_server::config::Config;

fn config(args: &[&str]) -> Config {
    let mut argv = vec![
        "wasm-ws-server",
        "--bind",
        "127.0.0.1:0",
        "--push-interval",
        "1h",
        "--test-endpoints",
    ];
    argv.extend_from_slice(args);
    let mut config = config_from_args(&argv);
    config.static_dir = None;
    config
}

fn open_connections(addr: std::net::SocketAddr) -> u64 {
    let (status, body) = http_get(addr, "/healthz");
    assert_eq!(status, 200);
    let count = body
        .split("\"connections\":")
        .nth(1)
        .expect("a connection count");
    count
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap()
}

mod admission;
mod handshake;
mod liveness;
mod logs;
mod shutdown;
