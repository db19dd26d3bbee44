//! The wasm-ws sample backend.
//!
//! It reproduces the seed's express-ws backend on actix-web and actix-ws, and serves the built
//! demo page so that one process shows everything:
//!
//! - [`config`]: command-line flags with environment fallbacks.
//! - [`endpoints`]: one module per WebSocket endpoint; [`endpoints::sample`] is the seed's
//!   `/websocket/test` (greeting, timed pushes, echo).
//! - [`server`]: binds the listener, mounts the endpoints and the static page, and starts serving.
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

pub mod config;
pub mod endpoints;
pub mod server;
