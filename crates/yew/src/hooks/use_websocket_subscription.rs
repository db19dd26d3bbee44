//! `use_websocket_subscription`: the messages of the nearest [`WebSocketProvider`](crate::WebSocketProvider).

use std::rc::Rc;

use wasm_ws_client::{ConnectionEvent, Message};
use yew::prelude::*;

use super::use_latest::use_latest;
use crate::context::WebSocketContext;

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

/// Calls `callback` with every event of the nearest provider's connection, from mount to
/// unmount (the newest `callback` is the one called). `caller` names the hook in the panic
/// when there is no provider.
#[hook]
pub(crate) fn use_connection_events(caller: &'static str, callback: Callback<ConnectionEvent>) {
    let Some(context) = use_context::<WebSocketContext>() else {
        panic!("{caller}: no WebSocketProvider above this component");
    };
    let latest = use_latest(callback);
    use_effect_with(context.subscribers, move |subscribers| {
        let id = subscribers.subscribe(Rc::clone(&latest));
        let subscribers = subscribers.clone();
        move || subscribers.unsubscribe(id)
    });
}
