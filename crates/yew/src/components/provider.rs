//! `WebSocketProvider`: one connection for a subtree.

use std::rc::Rc;

use wasm_ws_client::{reconnecting::HelloMessages, BinaryType, Message, ReconnectOptions};
use yew::prelude::*;

use crate::{
    handles::{
        context::WebSocketContext,
        reconnecting::{no_reconnection, UseReconnectingWebSocketOptions},
    },
    use_reconnecting_websocket, TabSharing, WebSocketUrl,
};

/// Properties of [`WebSocketProvider`]; every optional one has a documented default.
///
/// Build them inline at every render if you like (no `use_memo` needed). What a changed prop
/// does:
///
/// | prop | when it changes |
/// |---|---|
/// | `url` (a fixed URL) | a new connection, at once |
/// | `url` (a function) | the newest function is called at the next attempt; nothing else |
/// | `protocols` | a new connection, at once (they are the handshake's) |
/// | `binary_type` | the live socket's `binaryType` at once, and every new socket's: no reconnection |
/// | `reconnect` | applied to the live connection without reconnecting ([`ReconnectingWebSocket::set_options`](wasm_ws_client::ReconnectingWebSocket::set_options)): backoff, attempts, timeouts and the predicate from the next attempt; the heartbeat at once; queue limits and acknowledgements from the next send or message; `Some` to `None` makes the next close final |
/// | `hello` | called at the next open |
/// | `enabled` | `false` closes the connection, `true` connects |
/// | `share_across_tabs` | read when the connection is made (the first render that wants one) |
/// | `children` | re-rendered; the connection is untouched |
///
/// Closures in `reconnect` (and callbacks) compare by identity (`Rc::ptr_eq`): a closure made
/// anew at each render is handed to the connection at each render, which costs nothing and
/// never reconnects.
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
    /// The messages that go out first on every new connection, before anything queued: a
    /// token, a `join`, the current subscriptions (see
    /// [`ReconnectOptions::hello`](wasm_ws_client::ReconnectOptions::hello)). Overrides
    /// `reconnect`'s own `hello` when given. Default: none.
    #[prop_or_default]
    pub hello: Option<Callback<(), Vec<Message>>>,
    /// Whether to hold the connection: `false` closes it, `true` opens it. Default: `true`.
    #[prop_or(true)]
    pub enabled: bool,
    /// The app's version (a string, or a [`TabSharing`]): one connection for every tab of the
    /// origin that connects to the same URL with the same protocols and the same app version;
    /// one tab leads and holds the socket, the others follow through it
    /// ([`ReconnectingWebSocket::share_across_tabs`](wasm_ws_client::ReconnectingWebSocket::share_across_tabs)).
    /// The handle's [`role`](crate::UseReconnectingWebSocketHandle::role) says which this tab
    /// is. Name the build, so that two versions of the app never share after a deploy:
    /// `share_across_tabs={env!("CARGO_PKG_VERSION")}`. Default: not shared
    /// ([`TabSharing::default`]), and then the code that shares is not in the app.
    #[prop_or_default]
    pub share_across_tabs: TabSharing,
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
    let reconnect = props.reconnect.clone().unwrap_or_else(no_reconnection);
    // The same function for as long as the callback is the same.
    let hello = use_memo(props.hello.clone(), |hello| {
        hello
            .clone()
            .map(|hello| -> HelloMessages { Rc::new(move || hello.emit(())) })
    });
    let options = UseReconnectingWebSocketOptions {
        reconnect: ReconnectOptions {
            protocols: props.protocols.clone(),
            binary_type: props.binary_type,
            hello: (*hello).clone().or(reconnect.hello.clone()),
            ..reconnect
        },
        enabled: props.enabled,
        on_message: None,
        on_event: None,
        share_across_tabs: props.share_across_tabs.clone(),
    };
    let handle = use_reconnecting_websocket(props.url.clone(), options);
    let context = WebSocketContext { handle };
    html! {
        <ContextProvider<WebSocketContext> {context}>
            { props.children.clone() }
        </ContextProvider<WebSocketContext>>
    }
}
