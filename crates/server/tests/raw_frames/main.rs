//! A raw-frame conformance suite over plain TCP sockets, organised by the Autobahn|Testsuite
//! categories (written here; Autobahn's own runner needs Python 2). Every case asserts the exact
//! echo or close code, and then that the server still serves a fresh connection: a bad frame
//! affects only its own connection.
//!
//! Close codes (RFC 6455 section 7.4.1): 1002 protocol error, 1007 invalid UTF-8, 1009 too big.
//! One module per category; the server, the `case!` macro and the helpers are here.

#[path = "../common/mod.rs"]
mod common;

use std::{net::SocketAddr, sync::OnceLock, thread, time::Duration};

use common::*;
use wasm_ws_server::{
    config::{Compression, Config},
    deflate::Mode,
};

/// The configured maximum message size (the default, 64 KiB).
const MAX: usize = 64 * 1024;

/// One server for the whole suite.
fn server() -> SocketAddr {
    static SERVER: OnceLock<SocketAddr> = OnceLock::new();
    *SERVER.get_or_init(|| spawn_server(Config::for_tests(Duration::from_secs(3600))).0)
}

/// One case: a fresh connection to `/websocket/echo`, the body, then a check that the server
/// still serves.
macro_rules! case {
    ($(#[$meta:meta])* $name:ident, |$raw:ident| $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            let addr = server();
            {
                #[allow(unused_mut)]
                let mut $raw = Raw::connect(addr, "/websocket/echo");
                $body
            }
            assert_serves(addr);
        }
    };
}

fn text_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

fn bytes_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

// The categories, after the macro they use.
mod close;
mod compression;
mod fragments;
mod framing;
mod limits;
mod utf8;
