//! `use_websocket_events`: every event of the nearest [`WebSocketProvider`](crate::WebSocketProvider)'s
//! connection.

use wasm_ws_client::ConnectionEvent;
use yew::prelude::*;

use super::use_latest::use_latest;
use crate::handles::context::WebSocketContext;

/// Calls `callback` with every [`ConnectionEvent`] of the nearest
/// [`WebSocketProvider`](crate::WebSocketProvider)'s connection, in order, from mount to
/// unmount: its life (`Connecting`, `Open`, `Error`, `Closed`, `Reconnecting`...), every message
/// received and every message sent. The newest `callback` is the one called; an event
/// re-renders this component only if the callback sets state.
///
/// ```no_run
/// use std::rc::Rc;
/// use wasm_ws_yew::{use_websocket_events, ConnectionEvent};
/// use yew::prelude::*;
///
/// /// The log's lines. A reducer, not `use_state`: several events may come in one task (an
/// /// `Open`, then the `Sent` of its hello), and each must be added to the newest log.
/// #[derive(Default, PartialEq)]
/// struct Log(Vec<String>);
///
/// impl Reducible for Log {
///     type Action = String;
///     fn reduce(self: Rc<Self>, line: String) -> Rc<Self> {
///         let mut lines = self.0.clone();
///         lines.push(line);
///         Rc::new(Log(lines))
///     }
/// }
///
/// #[function_component]
/// fn ConnectionLog() -> Html {
///     let log = use_reducer(Log::default);
///     let add = log.dispatcher();
///     use_websocket_events(Callback::from(move |event| match event {
///         ConnectionEvent::Open => add.dispatch("open".into()),
///         ConnectionEvent::Error => add.dispatch("error".into()),
///         ConnectionEvent::Closed(close) => add.dispatch(format!("closed: {}", close.code)),
///         ConnectionEvent::Reconnecting { attempt, .. } => add.dispatch(format!("retry {attempt}")),
///         _ => {} // messages, sends, and what comes later
///     }));
///     html! { <ul>{ for log.0.iter().map(|line| html! { <li>{ line }</li> }) }</ul> }
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
    // The provider holds its connection for its whole life once made; this subscribes again
    // only if it makes one later (`enabled` turned on).
    use_effect_with(context.handle.connection(), move |connection| {
        let subscription = connection.as_ref().map(|connection| {
            connection.subscribe(move |event| {
                let callback = latest.borrow().clone();
                callback.emit(event);
            })
        });
        move || drop(subscription)
    });
}
