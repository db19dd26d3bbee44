//! Yew bindings for [`wasm_ws_client`]: hooks, one connection shared by a component tree, typed JSON,
//! a lossless message history, and a customisable console.
//!
//! Hooks (one per module under `hooks/`):
//! - [`use_websocket`]: a socket whose life follows the component's, with its `readyState` as
//!   state, every event delivered to callbacks, and `open()`/`reconnect()` on demand.
//! - [`use_reconnecting_websocket`]: the same on [`wasm_ws_client::ReconnectingWebSocket`]: it comes
//!   back by itself, queues what is sent while away, and reports its [`ConnectionStatus`] and
//!   queued length as state.
//! - [`use_message_history`]: a bounded history of messages (or of what a filter makes of
//!   them) that never loses one and renders at most once per animation frame.
//! - [`use_json_websocket`], [`use_json_websocket_context`] and
//!   [`use_json_websocket_context_sender`] (cargo feature `json`): typed JSON in and out, decode
//!   errors reported, never hidden (see [`json`]).
//!
//! One connection for a subtree:
//! - [`WebSocketProvider`] opens it; [`use_websocket_context`] gives any descendant its status
//!   and the means to send, close and reconnect; [`use_websocket_subscription`] its messages;
//!   [`use_websocket_events`] every event (open, error, close, sent, reconnecting...).
//!
//! Components:
//! - [`WebSocketConsole`]: the tutorial's sample page as a component (received messages in a
//!   box that follows the newest, a textarea, send, close and open buttons, the connection's
//!   state), with a reconnecting mode, labels, ids, classes and a line renderer to customise.
//!
//! Where to connect is a [`WebSocketUrl`]: a URL, or a function called at each attempt.
//!
//! What an app needs from [`wasm_ws_client`] is re-exported here ([`Message`],
//! [`ReconnectOptions`], [`Heartbeat`], [`ConnectionStatus`]...), and the crate itself as
//! [`wasm_ws_client`], so an app depends on `wasm-ws-yew` alone: where these docs (or the
//! re-exported items' own) write `wasm_ws_client::Heartbeat`, an app writes
//! `wasm_ws_yew::Heartbeat`. The enums that will grow are
//! `#[non_exhaustive]`: match them with a wildcard arm.
//!
//! The crate does not enable Yew's `csr` feature: the app chooses its renderer, and every hook
//! and the console render on the server (`ServerRenderer`) without touching the browser.
//!
//! ```no_run
//! use wasm_ws_yew::{ConsoleIds, WebSocketConsole};
//! use yew::prelude::*;
//!
//! #[function_component]
//! fn App() -> Html {
//!     html! { <WebSocketConsole url="/websocket/test" ids={ConsoleIds::tutorial()} /> }
//! }
//! ```
//!
//! # Cargo features
//!
//! | feature | what it adds |
//! |---|---|
//! | `json` | [`json`], [`use_json_websocket`], [`use_json_websocket_context`], [`use_json_websocket_context_sender`] (serde, serde_json; the app brings its own `serde` with `derive`) |
//! | `testing` | `testing`: a scripted server and a virtual clock for an app's component tests, reached through its URL by every hook and component (for `[dev-dependencies]`) |

#![warn(missing_docs)]
// docs.rs (nightly) labels the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod components;
mod handles;
mod hooks;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json;
mod url;

pub use components::console::{
    ConsoleConnection, ConsoleIds, ConsoleLabels, ConsoleLine, LineKind, WebSocketConsole,
    WebSocketConsoleProps,
};
pub use components::provider::{WebSocketProvider, WebSocketProviderProps};
pub use handles::{
    context::WebSocketContext,
    reconnecting::{UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions},
    tab_sharing::TabSharing,
};
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use hooks::{
    use_json_websocket::use_json_websocket,
    use_json_websocket_context::{use_json_websocket_context, use_json_websocket_context_sender},
};
pub use hooks::{
    use_message_history::{
        use_message_history, HistoryEntry, HistoryFilter, HistoryOptions, UseMessageHistoryHandle,
    },
    use_reconnecting_websocket::use_reconnecting_websocket,
    use_websocket::{use_websocket, UseWebSocketHandle, UseWebSocketOptions},
    use_websocket_context::use_websocket_context,
    use_websocket_events::use_websocket_events,
    use_websocket_subscription::use_websocket_subscription,
};
pub use url::WebSocketUrl;
/// The client crate underneath, for what is not re-exported here.
pub use wasm_ws_client;
/// A scripted server and a virtual clock for testing an app's components (cargo feature
/// `testing`): point a hook or a [`WebSocketProvider`] at [`testing::FakeServer::url`]. See
/// [`wasm_ws_client::testing`] and the project's `docs/testing.md`.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use wasm_ws_client::testing;
pub use wasm_ws_client::{
    AckMatcher, Backoff, BinaryType, CloseEvent, ConnectionEvent, ConnectionStatus, Error,
    FlowControl, Heartbeat, HelloMessages, Message, MessageFilter, QueueLimits, ReadyState,
    ReconnectOptions, ReconnectPredicate, ReconnectingWebSocket, SendError, Sent, TabRole,
    WebSocket,
};

/// The README's examples, compiled as doctests so that they keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
