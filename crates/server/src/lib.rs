//! The wasm-ws sample backend.
//!
//! It reproduces the sample's express-ws backend (the tutorial the demo rebuilds) on actix-web
//! and actix-http, and serves the built demo page so that one process shows everything:
//!
//! - [`config`]: command-line flags with environment fallbacks.
//! - [`admission`]: who may connect: the Origin check and the connection caps.
//! - [`client_address`]: who the client is behind trusted reverse proxies.
//! - [`connection`]: one WebSocket connection: the handshake every endpoint goes through
//!   ([`connection::accept`]), its own frame I/O over the upgraded TCP connection with
//!   buffers that are empty while idle, bounded sends, liveness, protocol errors closed with
//!   the right code ([`connection::end`]), and 1001 on shutdown, the same for every endpoint.
//! - [`protocol`]: RFC 6455 framing as sans-IO state machines: bytes into messages (UTF-8
//!   checked as it arrives, fragments reassembled, compressed messages inflated, limits, an
//!   oversized frame rejected as soon as its header arrives), messages into frames.
//! - [`deflate`]: `permessage-deflate` (RFC 7692): negotiation, and compressing and inflating
//!   messages without a compressor per idle connection.
//! - [`endpoints`]: one module per WebSocket endpoint; [`endpoints::sample`] is the sample's
//!   `/websocket/test` (greeting, timed pushes, echo); the others are test endpoints, mounted
//!   only with `--test-endpoints`.
//! - [`server`]: binds the listener; HTTP requests (`/healthz`, the static page) go to an
//!   actix-web `App`, WebSocket handshakes to actix-http's upgrade service and the endpoints.
//! - [`shutdown`]: draining: 503 to new handshakes, 1001 to every client, then stop.
//! - `tls` (cargo feature `tls`): serving https:// and wss:// itself.
//!
//! # Cargo features
//!
//! | feature | what it adds |
//! |---|---|
//! | `tls` | `--tls-cert` and `--tls-key`, and the `tls` module (rustls 0.23 with `ring`) |
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
// docs.rs (nightly) labels the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod admission;
pub mod client_address;
pub mod config;
pub mod connection;
pub mod deflate;
pub mod endpoints;
pub mod protocol;
pub mod server;
pub mod shutdown;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub mod tls;

/// The README's examples, compiled as doctests so that they keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
