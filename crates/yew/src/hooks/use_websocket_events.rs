//! `use_websocket_events`: every event of the nearest [`WebSocketProvider`](crate::WebSocketProvider)'s
//! connection.

use std::rc::Rc;

use wasm_ws_client::ConnectionEvent;
use yew::prelude::*;

use super::use_latest::use_latest;
use crate::context::WebSocketContext;

/// Calls `callback` with every [`ConnectionEvent`] of the nearest
/// [`WebSocketProvider`](crate::WebSocketProvider)'s connection, in order, from mount to
/// unmount: its life (`Connecting`, `Open`, `Error`, `Closed`, `Reconnecting`...), every message
/// received and every message sent. The newest `callback` is the one called; an event
/// re-renders this component only if the callback sets state.
///
/// ```no_run
/// use wasm_ws_yew::{use_websocket_events, ConnectionEvent};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Reconnections() -> Html {
///     let count = use_state(|| 0u32);
///     let counter = count.setter();
///     let seen = *count;
///     use_websocket_events(Callback::from(move |event| {
///         if matches!(event, ConnectionEvent::Reconnecting { .. }) {
///             counter.set(seen + 1);
///         }
///     }));
///     html! { <p>{ format!("{} reconnections", *count) }</p> }
/// }
/// ```
///
/// # Panics
///
/// When no provider is above the component.
#[hook]
pub fn use_websocket_events(callback: Callback<ConnectionEvent>) {
    use_connection_events("use_websocket_events", callback);
}

/// [`use_websocket_events`], naming `caller` in the panic when there is no provider.
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
