//! `use_websocket_subscription`: the messages of the nearest [`WebSocketProvider`](crate::WebSocketProvider).

use std::rc::Rc;

use wasm_ws::Message;
use yew::prelude::*;

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
    let context = use_context::<WebSocketContext>()
        .expect("use_websocket_subscription: no WebSocketProvider above this component");
    let latest = use_mut_ref(|| callback.clone());
    *latest.borrow_mut() = callback;
    use_effect_with(context.subscribers, move |subscribers| {
        let id = subscribers.subscribe(Rc::clone(&latest));
        let subscribers = subscribers.clone();
        move || subscribers.unsubscribe(id)
    });
}
