//! `use_websocket_context`: the connection of the nearest [`WebSocketProvider`](crate::WebSocketProvider).

use yew::prelude::*;

use crate::handles::{context::WebSocketContext, reconnecting::UseReconnectingWebSocketHandle};

/// The connection of the nearest [`WebSocketProvider`](crate::WebSocketProvider) above: its
/// status, queued and unacknowledged lengths, and this tab's
/// [`role`](crate::UseReconnectingWebSocketHandle::role) when shared across tabs (the component
/// re-renders when they change), and the means to
/// send, close and reconnect. Messages come through
/// [`use_websocket_subscription`](crate::use_websocket_subscription).
///
/// # Panics
///
/// When no provider is above the component: that is a mistake in the component tree, not
/// something to handle at run time.
#[hook]
pub fn use_websocket_context() -> UseReconnectingWebSocketHandle {
    use_context::<WebSocketContext>()
        .expect("use_websocket_context: no WebSocketProvider above this component")
        .handle
}
