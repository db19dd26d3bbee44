//! `use_json_websocket_context` and `use_json_websocket_context_sender`: the provider's
//! connection with typed JSON (cargo feature `json`).

use serde::{de::DeserializeOwned, Serialize};
use yew::prelude::*;

use crate::{
    handles::context::WebSocketContext,
    json::{decoding, JsonDecodeError, UseJsonWebSocketHandle},
    use_websocket_subscription,
};

/// The nearest [`WebSocketProvider`](crate::WebSocketProvider)'s connection with typed JSON
/// both ways: `on_message` is called with every message that decodes as `In`, in order, and
/// `on_decode_error` (if given) with every one that does not; the handle sends `Out` values.
/// The newest callbacks are the ones called. Needs the cargo feature `json`.
///
/// A component that only sends uses [`use_json_websocket_context_sender`] instead; one that only
/// receives names `()` as `Out`. Like [`use_websocket_context`](crate::use_websocket_context),
/// it re-renders the component when the connection's status or queue changes; a message
/// re-renders it only if `on_message` sets state.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use wasm_ws_yew::{use_json_websocket_context, WebSocketProvider};
/// use yew::prelude::*;
///
/// #[derive(Deserialize)]
/// struct Said { from: String, text: String }
/// #[derive(Serialize)]
/// struct Say { text: String }
///
/// #[function_component]
/// fn Chat() -> Html {
///     let last = use_state(String::new);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |said: Said| last.set(format!("{}: {}", said.from, said.text)))
///     };
///     // Messages that are not `Said` (a greeting, say) are skipped: no decode-error callback.
///     let chat = use_json_websocket_context::<Said, Say>(on_message, None);
///     let say_hi = Callback::from(move |_: MouseEvent| {
///         let _ = chat.send(&Say { text: "hi".into() });
///     });
///     html! { <p>{ &*last } <button onclick={say_hi}>{ "say hi" }</button></p> }
/// }
///
/// #[function_component]
/// fn App() -> Html {
///     html! { <WebSocketProvider url="/chat"><Chat /></WebSocketProvider> }
/// }
/// ```
///
/// # Panics
///
/// When no provider is above the component.
#[hook]
pub fn use_json_websocket_context<In, Out>(
    on_message: Callback<In>,
    on_decode_error: Option<Callback<JsonDecodeError>>,
) -> UseJsonWebSocketHandle<Out>
where
    In: DeserializeOwned + 'static,
    Out: Serialize + 'static,
{
    let handle = use_json_websocket_context_sender::<Out>();
    use_websocket_subscription(decoding(Some(on_message), on_decode_error));
    handle
}

/// The nearest [`WebSocketProvider`](crate::WebSocketProvider)'s connection, to send `Out`
/// values as JSON: the send-only form of [`use_json_websocket_context`], for a component that
/// receives nothing (a composer, a form). It re-renders when the connection's status or
/// queue changes, never for a message. Needs the cargo feature `json`.
///
/// ```no_run
/// use serde::Serialize;
/// use wasm_ws_yew::use_json_websocket_context_sender;
/// use yew::prelude::*;
///
/// #[derive(Serialize)]
/// struct Say { text: String }
///
/// #[function_component]
/// fn Composer() -> Html {
///     let chat = use_json_websocket_context_sender::<Say>();
///     let send = Callback::from(move |_: MouseEvent| {
///         let _ = chat.send(&Say { text: "hello".into() }); // queued while reconnecting
///     });
///     html! { <button onclick={send}>{ "send" }</button> }
/// }
/// ```
///
/// # Panics
///
/// When no provider is above the component.
#[hook]
pub fn use_json_websocket_context_sender<Out>() -> UseJsonWebSocketHandle<Out>
where
    Out: Serialize + 'static,
{
    let context = use_context::<WebSocketContext>()
        .expect("use_json_websocket_context: no WebSocketProvider above this component");
    UseJsonWebSocketHandle::new(context.handle)
}
