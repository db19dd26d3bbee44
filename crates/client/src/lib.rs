//! The browser WebSocket API for Rust compiled to WebAssembly.
//!
//! `wasm-ws` wraps `web_sys::WebSocket` thinly and faithfully to the
//! [WHATWG WebSocket spec](https://websockets.spec.whatwg.org/): what the browser would throw is
//! a typed [`Error`] checked in Rust first, nothing panics on user input, and the event handlers
//! are Rust closures owned by the [`WebSocket`] handle and released with it.
//!
//! ```no_run
//! use wasm_ws::{Message, ReadyState, WebSocket};
//!
//! let socket = WebSocket::open("ws://127.0.0.1:3000/websocket/test")?;
//! assert_eq!(socket.ready_state(), ReadyState::Connecting);
//! socket.on_message(|message| {
//!     if let Message::Text(text) = message {
//!         web_sys::console::log_1(&text.into());
//!     }
//! });
//! # Ok::<(), wasm_ws::Error>(())
//! ```
//!
//! # From the JS API to this crate
//!
//! | JS | Rust |
//! |---|---|
//! | `new WebSocket(url)` | [`WebSocket::open`] (URL checks: [`resolve_url`]) |
//! | `readyState`, `CONNECTING` `OPEN` `CLOSING` `CLOSED` | [`WebSocket::ready_state`], [`ReadyState`] |
//! | `url` | [`WebSocket::url`] |
//! | `onopen`, `onmessage`, `onclose`, `onerror` | [`WebSocket::on_open`], [`WebSocket::on_message`] ([`Message`]), [`WebSocket::on_close`] ([`CloseEvent`]), [`WebSocket::on_error`] |
//! | `send(string)`, `send(bytes)` | [`WebSocket::send_text`], [`WebSocket::send_bytes`], [`WebSocket::send`] |
//! | `close()`, `close(code, reason)` | [`WebSocket::close`], [`WebSocket::close_with`] (checks: [`validate_close`]) |
//! | a thrown `DOMException` | [`Error`] |
//!
//! Binary messages are received as bytes (`binaryType = "arraybuffer"`).

mod close;
mod error;
mod handlers;
mod message;
mod ready_state;
mod socket;
mod url;

pub use close::{validate_close, CloseEvent, MAX_CLOSE_REASON_BYTES};
pub use error::Error;
pub use message::Message;
pub use ready_state::ReadyState;
pub use socket::WebSocket;
pub use url::resolve_url;
