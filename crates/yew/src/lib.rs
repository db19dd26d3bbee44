//! Yew bindings for [`wasm_ws`]: hooks and a reusable console component.
//!
//! - [`use_websocket`]: a socket whose lifetime follows the component's, with its `readyState`
//!   as state and every event delivered to callbacks.
//! - [`use_reconnecting_websocket`]: the same on [`wasm_ws::ReconnectingWebSocket`]: it comes
//!   back by itself, queues what is sent while away, and reports its [`ConnectionStatus`].
//! - [`WebSocketConsole`]: the tutorial's sample page as a component: received messages in a box
//!   that scrolls smoothly to the newest, a textarea, a send button, a close button and the
//!   current `readyState`.
//!
//! ```no_run
//! use wasm_ws_yew::WebSocketConsole;
//! use yew::prelude::*;
//!
//! #[function_component]
//! fn App() -> Html {
//!     html! { <WebSocketConsole url="/websocket/test" /> }
//! }
//! ```

#![warn(missing_docs)]
// docs.rs (nightly) labels the items a cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod components;
mod hooks;

pub use components::console::{WebSocketConsole, WebSocketConsoleProps};
pub use hooks::{
    use_reconnecting_websocket::{
        use_reconnecting_websocket, UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
    },
    use_websocket::{use_websocket, UseWebSocketHandle, UseWebSocketOptions},
};
pub use wasm_ws::{
    CloseEvent, ConnectionEvent, ConnectionStatus, Error, Message, ReadyState, ReconnectOptions,
    SendError, Sent,
};

/// The README's examples, compiled as doctests so that they keep working.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
