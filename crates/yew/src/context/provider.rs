//! `WebSocketProvider`: one connection for a subtree.

use wasm_ws::{BinaryType, ReconnectOptions};
use yew::prelude::*;

use super::{Subscribers, WebSocketContext};
use crate::{
    hooks::use_reconnecting_websocket::no_reconnection, use_reconnecting_websocket,
    UseReconnectingWebSocketOptions, WebSocketUrl,
};

/// Properties of [`WebSocketProvider`].
#[derive(Properties, Clone, PartialEq)]
pub struct WebSocketProviderProps {
    /// Where to connect: a URL (relative URLs resolve against the page) or a function called
    /// at each attempt ([`WebSocketUrl::from_fn`]).
    pub url: WebSocketUrl,
    /// Subprotocols to offer, in order of preference. Default: none.
    #[prop_or_default]
    pub protocols: Vec<String>,
    /// How binary messages arrive. Default: [`BinaryType::ArrayBuffer`] (bytes).
    #[prop_or(BinaryType::ArrayBuffer)]
    pub binary_type: BinaryType,
    /// How the connection comes back after a close it did not ask for; `None` makes a close
    /// final (until `reconnect()`). Its `protocols` and `binary_type` are the two props above.
    /// Default: `Some(ReconnectOptions::default())`.
    #[prop_or_else(|| Some(ReconnectOptions::default()))]
    pub reconnect: Option<ReconnectOptions>,
    /// Whether to hold the connection: `false` closes it, `true` opens it. Default: `true`.
    #[prop_or(true)]
    pub enabled: bool,
    /// The subtree that shares the connection.
    #[prop_or_default]
    pub children: Html,
}

/// Opens one connection for its subtree, closed when the provider unmounts. Descendants use it
/// with [`use_websocket_context`](crate::use_websocket_context) and
/// [`use_websocket_subscription`](crate::use_websocket_subscription): however many there are,
/// the page holds one socket.
///
/// ```no_run
/// use wasm_ws_yew::{use_websocket_context, use_websocket_subscription, Message, WebSocketProvider};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Status() -> Html {
///     let connection = use_websocket_context(); // re-renders when the status changes
///     html! { <span>{ format!("{:?}", connection.status) }</span> }
/// }
///
/// #[function_component]
/// fn Last() -> Html {
///     let last = use_state(String::new);
///     let setter = last.setter();
///     use_websocket_subscription(Callback::from(move |message: Message| {
///         if let Some(text) = message.as_text() {
///             setter.set(text.to_owned());
///         }
///     }));
///     html! { <p>{ &*last }</p> }
/// }
///
/// #[function_component]
/// fn App() -> Html {
///     html! {
///         <WebSocketProvider url="/websocket/test">
///             <Status />
///             <Last />
///         </WebSocketProvider>
///     }
/// }
/// ```
#[function_component]
pub fn WebSocketProvider(props: &WebSocketProviderProps) -> Html {
    let subscribers = use_memo((), |_| Subscribers::default());
    let reconnect = props.reconnect.clone().unwrap_or_else(no_reconnection);
    let options = UseReconnectingWebSocketOptions {
        reconnect: ReconnectOptions {
            protocols: props.protocols.clone(),
            binary_type: props.binary_type,
            ..reconnect
        },
        enabled: props.enabled,
        on_message: None,
        on_event: Some(subscribers.dispatcher()),
    };
    let handle = use_reconnecting_websocket(props.url.clone(), options);
    let context = WebSocketContext {
        handle,
        subscribers: (*subscribers).clone(),
    };
    html! {
        <ContextProvider<WebSocketContext> {context}>
            { props.children.clone() }
        </ContextProvider<WebSocketContext>>
    }
}
