//! `use_json_websocket`: a reconnecting connection with typed JSON (cargo feature `json`).

use serde::{de::DeserializeOwned, Serialize};
use yew::prelude::*;

use crate::{
    json::{decoding, UseJsonWebSocketHandle, UseJsonWebSocketOptions},
    use_reconnecting_websocket, UseReconnectingWebSocketOptions, WebSocketUrl,
};

/// [`use_reconnecting_websocket`](crate::use_reconnecting_websocket) with typed JSON: incoming
/// messages decoded as `In` (or reported to `on_decode_error`), outgoing values of type `Out`
/// encoded. Needs the cargo feature `json`.
///
/// ```no_run
/// use serde::{Deserialize, Serialize};
/// use wasm_ws_yew::{json::UseJsonWebSocketOptions, use_json_websocket};
/// use yew::prelude::*;
///
/// #[derive(Deserialize)]
/// struct Quote { symbol: String, price: f64 }
/// #[derive(Serialize)]
/// struct Subscribe<'a> { symbol: &'a str }
///
/// #[function_component]
/// fn Quotes() -> Html {
///     let last = use_state(|| None::<String>);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |quote: Quote| last.set(Some(format!("{} {}", quote.symbol, quote.price))))
///     };
///     let quotes = use_json_websocket::<Quote, Subscribe>(
///         "/quotes",
///         UseJsonWebSocketOptions { on_message: Some(on_message), ..Default::default() },
///     );
///     let subscribe = Callback::from(move |_: MouseEvent| {
///         let _ = quotes.send(&Subscribe { symbol: "WASM" });
///     });
///     html! { <button onclick={subscribe}>{ last.as_deref().unwrap_or("subscribe") }</button> }
/// }
/// ```
#[hook]
pub fn use_json_websocket<In, Out>(
    url: impl Into<WebSocketUrl>,
    options: UseJsonWebSocketOptions<In>,
) -> UseJsonWebSocketHandle<Out>
where
    In: DeserializeOwned + 'static,
    Out: Serialize + 'static,
{
    let UseJsonWebSocketOptions {
        connection,
        on_message,
        on_decode_error,
    } = options;
    let handle = use_reconnecting_websocket(
        url,
        UseReconnectingWebSocketOptions {
            on_message: Some(decoding(on_message, on_decode_error)),
            ..connection
        },
    );
    UseJsonWebSocketHandle::new(handle)
}
