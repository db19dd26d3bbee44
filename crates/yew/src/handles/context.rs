//! One connection for a whole component tree: [`WebSocketProvider`](crate::WebSocketProvider)
//! opens it, and any descendant uses it through
//! [`use_websocket_context`](crate::use_websocket_context) (status, send, close, reconnect, the
//! queued and unacknowledged lengths, the tab's role) and [`use_websocket_subscription`](crate::use_websocket_subscription) (the
//! messages).
//!
//! The context carries only what re-renders consumers when it changes (the status, the queued
//! and unacknowledged lengths, and with `share_across_tabs` this tab's role); messages go to each consumer's own subscription to the connection
//! ([`ReconnectingWebSocket::subscribe`](wasm_ws_client::ReconnectingWebSocket::subscribe)),
//! so a message re-renders only the consumers that set state.

use super::reconnecting::UseReconnectingWebSocketHandle;

/// The value a [`WebSocketProvider`](crate::WebSocketProvider) gives its subtree: the type
/// that names the context, with nothing of its own to read. Components take the connection
/// from it with [`use_websocket_context`](crate::use_websocket_context) (and the other
/// `use_websocket_*` and `use_json_websocket_context*` hooks), never directly.
#[derive(Clone, PartialEq)]
pub struct WebSocketContext {
    pub(crate) handle: UseReconnectingWebSocketHandle,
}
