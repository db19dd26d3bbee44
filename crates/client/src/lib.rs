//! The browser WebSocket API for Rust compiled to WebAssembly.
//!
//! `wasm-ws` wraps `web_sys::WebSocket` thinly and faithfully to the
//! [WHATWG WebSocket spec](https://websockets.spec.whatwg.org/): what the browser would throw is
//! a typed [`Error`] checked in Rust first, nothing panics on user input, nothing is dropped
//! silently, and the event handlers are Rust closures owned by the [`WebSocket`] handle and
//! released with it. For `async` code, [`WebSocket::stream`] is a `futures` `Stream` and `Sink`.
//!
//! ```no_run
//! use wasm_ws_client::{Message, ReadyState, WebSocket};
//!
//! let socket = WebSocket::open("ws://127.0.0.1:3000/websocket/test")?;
//! assert_eq!(socket.ready_state(), ReadyState::Connecting);
//! socket.on_message(|message| {
//!     if let Message::Text(text) = message {
//!         web_sys::console::log_1(&text.into());
//!     }
//! });
//! # Ok::<(), wasm_ws_client::Error>(())
//! ```
//!
//! # From the JS API to this crate
//!
//! | JS | Rust |
//! |---|---|
//! | `new WebSocket(url)` | [`WebSocket::open`] (URL checks: [`resolve_url`]) |
//! | `new WebSocket(url, protocols)` | [`WebSocket::open_with_protocols`] (checks: [`validate_protocols`]) |
//! | `CONNECTING` `OPEN` `CLOSING` `CLOSED`, `readyState` | [`ReadyState`], [`WebSocket::ready_state`] |
//! | `url`, `protocol`, `extensions` | [`WebSocket::url`], [`WebSocket::protocol`], [`WebSocket::extensions`] |
//! | `bufferedAmount` | [`WebSocket::buffered_amount`] |
//! | `binaryType` (`"blob"`, `"arraybuffer"`) | [`WebSocket::binary_type`], [`WebSocket::set_binary_type`], [`BinaryType`] |
//! | `onopen` | [`WebSocket::on_open`], [`WebSocket::opened`] |
//! | `onmessage`, `MessageEvent.data` | [`WebSocket::on_message`], [`WebSocket::stream`]; [`Message`] (`Text`, `Binary`, `Blob`) |
//! | `onclose`, `CloseEvent` (`code`, `reason`, `wasClean`) | [`WebSocket::on_close`], [`WebSocket::closed`]; [`CloseEvent`] |
//! | `onerror` | [`WebSocket::on_error`] |
//! | `send(string)` | [`WebSocket::send_text`] |
//! | `send(ArrayBufferView)` | [`WebSocket::send_bytes`] |
//! | `send(Blob)`, `send(ArrayBuffer)` | [`WebSocket::send_blob`], [`WebSocket::send_array_buffer`] |
//! | `close()`, `close(code)`, `close(code, reason)` | [`WebSocket::close`], [`WebSocket::close_with_code`], [`WebSocket::close_with`] (checks: [`validate_close`]); [`WebSocket::close_and_wait`] |
//! | `SyntaxError`, `InvalidAccessError`, `InvalidStateError` | [`Error::Syntax`], [`Error::InvalidAccess`], [`Error::InvalidState`] |
//! | (silently dropped send after close) | [`Error::Closed`] |
//!
//! # Connections that survive
//!
//! [`reconnecting::ReconnectingWebSocket`] (also at the crate root) is a layer on top, for connections that must come back by
//! themselves: reconnection with [`Backoff`] and jitter, an attempt cap and a give-up event, a
//! predicate on the close event, a connect timeout, an outbound queue that loses nothing (bounded
//! by [`QueueLimits`], flushed in order on open), an optional [`Heartbeat`], messages said first
//! on every new connection ([`ReconnectOptions::hello`]), and lifecycle [`ConnectionEvent`]s as
//! a callback or a `Stream`. Its rules are a sans-IO state machine, tested natively with a
//! virtual clock and property tests. [`WebSocket`] itself stays exactly as the browser behaves.
//!
//! # Growing without breaking
//!
//! The enums that will gain variants ([`ConnectionEvent`], [`ConnectionStatus`], [`Sent`],
//! [`SendError`], [`Error`]) are `#[non_exhaustive]`: match them with a wildcard arm. Every
//! options struct implements `Default` with its documented defaults: build it with
//! `..Default::default()` so that new fields do not break your code.
//!
//! # In a worker
//!
//! Everything here works in a dedicated or shared worker too, where apps put a busy connection
//! to keep the page smooth: nothing needs a `window`, a relative URL resolves against the
//! worker script's URL (the standard's API base URL there), and
//! [`ReconnectOptions::reconnect_on_wake`] listens to the worker's `online` and `offline`. A
//! connection in a dedicated worker that posts every message to the page:
//!
//! ```no_run
//! use wasm_bindgen::{prelude::*, JsCast};
//! use wasm_ws_client::{ConnectionEvent, Message, ReconnectOptions, ReconnectingWebSocket};
//!
//! // In the worker's wasm; the page starts it with `new Worker("worker.js")` and listens with
//! // `worker.onmessage = (event) => show(event.data)`.
//! #[wasm_bindgen]
//! pub fn start() -> Result<(), JsValue> {
//!     let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
//!     let options = ReconnectOptions { reconnect_on_wake: true, ..Default::default() };
//!     // Relative to the worker script's URL, as `new WebSocket` resolves it in a worker.
//!     let connection = ReconnectingWebSocket::open("/websocket/test", options)
//!         .map_err(|error| JsValue::from_str(&error.to_string()))?;
//!     connection.on_event(move |event| {
//!         if let ConnectionEvent::Message(Message::Text(text)) = event {
//!             let _ = scope.post_message(&text.into()); // to the page
//!         }
//!     });
//!     std::mem::forget(connection); // the worker keeps it for its whole life
//!     Ok(())
//! }
//! ```
//!
//! # Testing an app's own socket code
//!
//! With the cargo feature `testing`, [`testing::FakeServer`] is a scripted server with a
//! virtual clock: code under test connects to its URL as to a real server's, and the test
//! accepts, reads, answers, drops and moves time, with no server running and no sleep.
//!
//! # Ownership
//!
//! [`WebSocket`] is a reference-counted handle: clones are cheap and control the same
//! connection. Each `on_*` handler lives until it is replaced or the last handle is dropped;
//! dropping the last handle (a [`WebSocketStream`] is one) releases all handlers and closes the
//! socket if it is still CONNECTING or OPEN. Capture a [`WeakWebSocket`] in a handler that needs
//! the socket.

#![warn(missing_docs)]
// docs.rs (nightly) labels the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod close;
mod dispatch;
mod error;
mod flow;
mod message;
mod ready_state;
pub mod reconnecting;
mod socket;
mod stream;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod url;

pub use close::{validate_close, CloseEvent, MAX_CLOSE_REASON_BYTES};
pub use error::Error;
pub use flow::FlowControl;
pub use message::{BinaryType, Message};
pub use ready_state::ReadyState;
// The resilient layer lives in [`reconnecting`]; its everyday names are re-exported here.
pub use reconnecting::{
    AckMatcher, Backoff, ConnectionEvent, ConnectionEvents, ConnectionStatus, Heartbeat,
    HelloMessages, MessageFilter, QueueLimits, ReconnectOptions, ReconnectPredicate,
    ReconnectingWebSocket, SendError, Sent, Subscription, TabRole,
};
pub use socket::{WeakWebSocket, WebSocket};
pub use stream::{ReadBlobs, WebSocketStream};
pub use url::{resolve_url, validate_protocols};

/// The README's examples, compiled as doctests so that they keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
