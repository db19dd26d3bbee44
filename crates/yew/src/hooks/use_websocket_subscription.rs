//! `use_websocket_subscription`: the messages of the nearest [`WebSocketProvider`](crate::WebSocketProvider).

use wasm_ws_client::{ConnectionEvent, Message};
use yew::prelude::*;

use super::use_websocket_events::use_connection_events;

/// Calls `callback` with every message the nearest [`WebSocketProvider`](crate::WebSocketProvider)
/// above receives, in order, from mount to unmount. The newest `callback` is the one called, so
/// it may change between renders. A message re-renders this component only if the callback
/// sets state.
///
/// # Panics
///
/// When no provider is above the component.
#[hook]
pub fn use_websocket_subscription(callback: Callback<Message>) {
    use_connection_events(
        "use_websocket_subscription",
        Callback::from(move |event| {
            if let ConnectionEvent::Message(message) = event {
                callback.emit(message);
            }
        }),
    );
}
