//! `use_json_websocket_context`: the provider's connection with typed JSON (cargo feature
//! `json`).

use serde::{de::DeserializeOwned, Serialize};
use yew::prelude::*;

use crate::{
    context::WebSocketContext,
    json::{decoding, JsonDecodeError, UseJsonWebSocketHandle},
};

/// The nearest [`WebSocketProvider`](crate::WebSocketProvider)'s connection with typed JSON:
/// subscribes `on_message` to the messages that decode as `In` (the others go to
/// `on_decode_error`), and sends `Out` values. Needs the cargo feature `json`.
///
/// # Panics
///
/// When no provider is above the component.
#[hook]
pub fn use_json_websocket_context<In, Out>(
    on_message: Callback<In>,
    on_decode_error: Callback<JsonDecodeError>,
) -> UseJsonWebSocketHandle<Out>
where
    In: DeserializeOwned + 'static,
    Out: Serialize + 'static,
{
    let context = use_context::<WebSocketContext>()
        .expect("use_json_websocket_context: no WebSocketProvider above this component");
    crate::use_websocket_subscription(decoding(Some(on_message), Some(on_decode_error)));
    UseJsonWebSocketHandle::new(context.handle)
}
