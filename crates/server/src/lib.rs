//! The wasm-ws sample backend.
//!
//! It reproduces the seed's express-ws backend on actix-web and actix-ws, and serves the built
//! demo page so that one process shows everything:
//!
//! - [`config`]: command-line flags with environment fallbacks.
//! - [`admission`]: who may connect: the Origin check and the connection caps.
//! - [`connection`]: one WebSocket connection: bounded sends, liveness, protocol errors closed
//!   with the right code, and 1001 on shutdown, the same for every endpoint.
//! - [`frame_guard`]: rejects an oversized frame as soon as its header arrives.
//! - [`endpoints`]: one module per WebSocket endpoint; [`endpoints::sample`] is the seed's
//!   `/websocket/test` (greeting, timed pushes, echo).
//! - [`server`]: binds the listener, mounts the endpoints, `/healthz` and the static page, and
//!   shuts down gracefully.
//!
//! ```no_run
//! # async fn demo() -> Result<(), wasm_ws_server::server::StartError> {
//! use clap::Parser;
//! let config = wasm_ws_server::config::Config::parse();
//! let running = wasm_ws_server::server::start(&config)?;
//! println!("listening on http://{}", running.local_addr());
//! running.await.ok();
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod admission;
pub mod config;
pub mod connection;
pub mod endpoints;
pub mod frame_guard;
pub mod server;
