//! Shared by the server's integration tests: a server on its own thread (here), and
//!
//! - `raw`: a raw WebSocket client over a plain TCP socket that can write any frame, valid or
//!   not; the server's frames; plain HTTP requests.
//! - `binary`: the server binary as a child process, without the caller's `WASM_WS_*`.
//! - `deflate`: permessage-deflate from the client's side.

#![allow(dead_code)] // each test file uses its own part of this module

mod binary;
#[cfg(feature = "tls")]
pub mod certificates;
mod deflate;
mod raw;

use std::{net::SocketAddr, thread};

// Each test file uses its own part: a part it does not use is no error.
use wasm_ws_server::{config::Config, server, shutdown::ShutdownHandle};
#[allow(unused_imports)]
pub use {binary::*, deflate::*, raw::*};

/// Parses `argv` as the binary would, but with no `WASM_WS_*` variable in the way: a developer
/// with one exported sees the same servers as everyone.
pub fn config_from_args(argv: &[&str]) -> Config {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Config::command();
    let ids: Vec<_> = command
        .get_arguments()
        .map(|arg| arg.get_id().clone())
        .collect();
    for id in ids {
        command = command.mut_arg(id, |arg| arg.env(None::<&str>));
    }
    Config::from_arg_matches(&command.get_matches_from(argv)).unwrap()
}

/// Starts a server with `config` on its own thread and actix system; returns its address and
/// a handle to shut it down.
pub fn spawn_server(config: Config) -> (SocketAddr, ShutdownHandle) {
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let running = server::start(&config).expect("server starts");
            sender
                .send((running.local_addr(), running.shutdown_handle()))
                .unwrap();
            running.await.expect("server runs");
        })
    });
    receiver.recv().expect("server started")
}
