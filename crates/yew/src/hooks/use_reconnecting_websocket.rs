//! `use_reconnecting_websocket`: a [`ReconnectingWebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws_client::{
    reconnecting::{ReconnectPredicate, Subscription},
    validate_protocols, ConnectionEvent, ConnectionStatus, Error, Message, ReconnectOptions,
    ReconnectingWebSocket, SendError, Sent, WebSocket,
};
use yew::prelude::*;

use super::{
    use_latest::use_latest,
    use_wanted::{use_wanted, Ask, Wanted},
};
use crate::url::{self, LatestUrl, WebSocketUrl};

/// Options for [`use_reconnecting_websocket`]; every field has a documented default.
///
/// Build them inline at every render if you like: nothing here needs `use_memo`.
///
/// - **A new connection** comes only from a different fixed URL or different
///   `reconnect.protocols`: the subprotocols are the handshake's.
/// - **Everything else in `reconnect` applies to the live connection without reconnecting**
///   ([`ReconnectingWebSocket::set_options`]): the binary type at once on the live socket (as
///   the browser's `binaryType` may change at any time); the backoff, `max_attempts`,
///   `connect_timeout`, `min_uptime` and `should_reconnect` from the next attempt; the
///   heartbeat at once; the `hello` at the next open; the queue limits and `acknowledge` from
///   the next send or message; `reconnect_on_wake` at once. Closures are compared by identity
///   (`Rc::ptr_eq`), so a closure made anew at each render is handed over at each render,
///   which costs nothing and reconnects nothing.
/// - The callbacks and a URL function ([`WebSocketUrl::from_fn`]) are always called in their
///   newest version, and never reconnect by themselves.
/// - `enabled` going to `false` closes the connection; to `true`, connects.
#[derive(Clone, PartialEq)]
pub struct UseReconnectingWebSocketOptions {
    /// Backoff, attempts, queue, heartbeat, protocols, binary type, waking (see
    /// [`ReconnectOptions`]). Default: [`ReconnectOptions::default`].
    pub reconnect: ReconnectOptions,
    /// Whether to hold a connection. With `false`, none is made until `enabled` becomes `true`
    /// or [`UseReconnectingWebSocketHandle::open`] is called. Default: `true`.
    pub enabled: bool,
    /// Called with every message, in order (heartbeat replies filtered as configured).
    /// Default: none.
    pub on_message: Option<Callback<Message>>,
    /// Called with every lifecycle event, messages included. Default: none.
    pub on_event: Option<Callback<ConnectionEvent>>,
}

impl Default for UseReconnectingWebSocketOptions {
    fn default() -> Self {
        Self {
            reconnect: ReconnectOptions::default(),
            enabled: true,
            on_message: None,
            on_event: None,
        }
    }
}

/// What [`use_reconnecting_websocket`] returns. Handles compare equal when they show the same
/// connection in the same state, so they can be passed as props.
#[derive(Clone)]
pub struct UseReconnectingWebSocketHandle {
    /// Where the connection stands ([`ReconnectingWebSocket::status`]), kept up to date across
    /// renders. [`ConnectionStatus::Closed`] while no connection is held (`enabled: false`).
    pub status: ConnectionStatus,
    /// How many messages wait in the outbound queue, kept up to date across renders (it
    /// changes on send, on open when the queue is flushed, and on drain).
    pub queued_len: usize,
    /// With [`ReconnectOptions::acknowledge`]: how many messages sent await acknowledgement
    /// (and go again after a reconnection), kept up to date across renders.
    pub unacknowledged_len: usize,
    /// The connection, made at the first render that wants one (it calls no browser API until
    /// the hook's effect tells it where to connect) and held for the component's life: what is
    /// sent before it connects waits in its queue.
    connection: Rc<RefCell<Option<ReconnectingWebSocket>>>,
    /// The connection as this render saw it (handles of two renders differ when one was made
    /// in between).
    held: Option<ReconnectingWebSocket>,
    /// The URL or the protocols cannot be used: `open()` and `reconnect()` try them again.
    unusable: bool,
    ask: UseReducerDispatcher<Wanted>,
}

impl PartialEq for UseReconnectingWebSocketHandle {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.queued_len == other.queued_len
            && self.unacknowledged_len == other.unacknowledged_len
            && self.held == other.held
            && Rc::ptr_eq(&self.connection, &other.connection)
    }
}

impl UseReconnectingWebSocketHandle {
    /// Runs `action` on the connection, if one is held. What it changes comes back as events,
    /// which the handle's state follows.
    fn with_connection<T>(&self, action: impl FnOnce(&ReconnectingWebSocket) -> T) -> Option<T> {
        self.connection.borrow().as_ref().map(action)
    }

    /// Sends now if open, or queues until the connection is back ([`ReconnectingWebSocket::send`]).
    /// From the first render on, before the hook's first effect has connected (it runs after
    /// the effects of the components below it, so a child may send from its own first effect),
    /// the message waits in the connection's queue, within its [`QueueLimits`](wasm_ws_client::QueueLimits).
    /// Refused with [`SendError::Closed`] when there is no connection (`enabled: false` from
    /// the start, invalid protocols) and after [`close`](Self::close).
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        match self.connection.borrow().as_ref() {
            Some(connection) => connection.send(message),
            None => Err(SendError::Closed(message)),
        }
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        self.with_connection(ReconnectingWebSocket::drain_queue)
            .unwrap_or_default()
    }

    /// Closes and stops reconnecting ([`ReconnectingWebSocket::close`]); [`open`](Self::open)
    /// or [`reconnect`](Self::reconnect) connect again.
    pub fn close(&self) {
        self.with_connection(ReconnectingWebSocket::close);
    }

    /// Closes with a code and reason, and stops reconnecting
    /// ([`ReconnectingWebSocket::close_with`]): a code or reason the browser would refuse is
    /// the same typed error, and nothing is closed. Between attempts (no socket), the code and
    /// reason go nowhere and the last event is a `Closed` with 1005; while no connection is
    /// held (`enabled: false`), this only checks them.
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), Error> {
        self.with_connection(|connection| connection.close_with(code, reason))
            .unwrap_or_else(|| wasm_ws_client::validate_close(code, reason))
    }

    /// Connects again now, with the attempt counter reset; also after [`close`](Self::close),
    /// after giving up, after a URL that could not be used, and while `enabled` is `false`.
    pub fn reconnect(&self) {
        if self.unusable {
            // The effect tries the URL and the protocols again.
            return self.ask.dispatch(Ask::ByHand);
        }
        if self
            .with_connection(ReconnectingWebSocket::reconnect)
            .is_none()
        {
            self.ask.dispatch(Ask::ByHand);
        }
    }

    /// Connects if not connected or connecting: after [`close`](Self::close), after giving up,
    /// after a URL that could not be used, or while `enabled` is `false`. Does nothing to a live
    /// connection.
    pub fn open(&self) {
        if self.unusable {
            return self.ask.dispatch(Ask::ByHand);
        }
        let stopped = self.with_connection(|connection| connection.status().is_stopped());
        match stopped {
            Some(true) => self.reconnect(),
            Some(false) => {}
            None => self.ask.dispatch(Ask::ByHand),
        }
    }

    /// The connection itself, while one is held: for what this handle does not offer.
    pub fn connection(&self) -> Option<ReconnectingWebSocket> {
        self.connection.borrow().clone()
    }

    /// The current socket, if an attempt is under way, open or closing.
    pub fn socket(&self) -> Option<WebSocket> {
        self.with_connection(ReconnectingWebSocket::socket)
            .flatten()
    }
}

/// Keeps a connection to `url` (relative URLs resolve against the page; or a function called
/// at each attempt, see [`WebSocketUrl`]) that reconnects by itself and queues what is sent
/// while it is away; closed when the component unmounts.
///
/// ```no_run
/// use wasm_ws_yew::{use_reconnecting_websocket, ConnectionStatus, Message, UseReconnectingWebSocketOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Feed() -> Html {
///     let last = use_state(String::new);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |message: Message| {
///             if let Message::Text(text) = message {
///                 last.set(text);
///             }
///         })
///     };
///     let feed = use_reconnecting_websocket(
///         "/websocket/test",
///         UseReconnectingWebSocketOptions { on_message: Some(on_message), ..Default::default() },
///     );
///     let status = match &feed.status {
///         ConnectionStatus::Open => "live".to_string(),
///         ConnectionStatus::Reconnecting { attempt, .. } => format!("reconnecting (attempt {attempt})"),
///         other => format!("{other:?}"),
///     };
///     html! { <p>{ status } { " " } { &*last } { format!(" ({} queued)", feed.queued_len) }</p> }
/// }
/// ```
#[hook]
pub fn use_reconnecting_websocket(
    url: impl Into<WebSocketUrl>,
    options: UseReconnectingWebSocketOptions,
) -> UseReconnectingWebSocketHandle {
    let url = url.into();
    let enabled = options.enabled;
    let status = use_state_eq(move || {
        if enabled {
            ConnectionStatus::Connecting { attempt: 0 }
        } else {
            ConnectionStatus::Closed
        }
    });
    let queued_len = use_state_eq(|| 0usize);
    let unacknowledged_len = use_state_eq(|| 0usize);
    // Why the URL or the protocols given cannot be used, until they change: the status then
    // says `Failed`, whatever the (closed) connection's own says.
    let unusable = use_state_eq(|| None::<Error>);
    let wanted = use_wanted(enabled);
    let connection = use_mut_ref(|| None::<ReconnectingWebSocket>);
    let listening = use_mut_ref(|| None::<Subscription>);
    // Read at each attempt and event, so the newest URL function and callbacks are the ones
    // called.
    let latest_url: LatestUrl = use_latest(url.clone());
    let reconnect = options.reconnect.clone();
    let protocols = reconnect.protocols.clone();
    let latest = use_latest(options);

    if wanted.wanted && connection.borrow().is_none() {
        // Made here, in the render, so that a child's first effect (which runs before this
        // hook's) can send to it; nothing in it calls the browser until it is told where to
        // connect. Protocols that cannot be used are the connect effect's to report.
        let usable = ReconnectOptions {
            protocols: valid_or_none(&protocols),
            ..reconnect.clone()
        };
        if let Ok(made) = ReconnectingWebSocket::new(usable) {
            let shown = Shown {
                status: status.setter(),
                queued: queued_len.setter(),
                unacknowledged: unacknowledged_len.setter(),
            };
            *listening.borrow_mut() = Some(watch(&made, latest.clone(), shown));
            *connection.borrow_mut() = Some(made);
        }
    }
    {
        // Every other option goes to the live connection as it is, without reconnecting
        // (protocols that cannot be used stay out: the connect effect reports them).
        let connection = connection.clone();
        use_effect_with(reconnect, move |reconnect| {
            if let Some(connection) = connection.borrow().as_ref() {
                let protocols = match validate_protocols(&reconnect.protocols) {
                    Ok(()) => reconnect.protocols.clone(),
                    Err(_) => connection.options().protocols,
                };
                let _ = connection.set_options(ReconnectOptions {
                    protocols,
                    ..reconnect.clone()
                });
            }
        });
    }
    {
        let (status, unusable, connection) =
            (status.setter(), unusable.setter(), connection.clone());
        use_effect_with(
            (url.key(), protocols, *wanted),
            move |(_, protocols, wanted)| {
                let held = connection.borrow().clone();
                match (wanted.wanted, held) {
                    (true, Some(held)) => {
                        // The first attempt, or a new one at a new URL or with new protocols.
                        let connected = validate_protocols(protocols)
                            .and_then(|()| url::connect(&latest_url, &held));
                        if let Err(error) = &connected {
                            // Nothing more goes to the old URL, or with the old protocols.
                            held.close();
                            unusable.set(Some(error.clone()));
                        } else {
                            unusable.set(None);
                        }
                    }
                    (false, Some(held)) => held.close(),
                    (_, None) => status.set(ConnectionStatus::Closed),
                }
            },
        );
    }
    {
        // Closed when the component unmounts, even if someone still holds a clone of the
        // connection; the unmounted component hears nothing more.
        let connection = connection.clone();
        use_effect_with((), move |()| {
            move || {
                listening.borrow_mut().take();
                if let Some(connection) = connection.borrow_mut().take() {
                    connection.close();
                }
            }
        });
    }

    let held = connection.borrow().clone();
    UseReconnectingWebSocketHandle {
        status: match &*unusable {
            Some(error) => ConnectionStatus::Failed(error.clone()),
            None => (*status).clone(),
        },
        queued_len: *queued_len,
        unacknowledged_len: *unacknowledged_len,
        unusable: unusable.is_some(),
        held,
        connection,
        ask: wanted.dispatcher(),
    }
}

/// `protocols` if the browser would take them, or none: a connection is made either way, and
/// the invalid ones are reported when it would connect with them.
fn valid_or_none(protocols: &[String]) -> Vec<String> {
    match validate_protocols(protocols) {
        Ok(()) => protocols.to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The setters of what the handle shows as state: the status and the two lengths.
struct Shown {
    status: UseStateSetter<ConnectionStatus>,
    queued: UseStateSetter<usize>,
    unacknowledged: UseStateSetter<usize>,
}

/// Follows the connection's events: the status at each (unchanged values do not re-render:
/// use_state_eq), the lengths as its backlog events say; and passes them on to the newest
/// callbacks.
fn watch(
    connection: &ReconnectingWebSocket,
    latest: Rc<RefCell<UseReconnectingWebSocketOptions>>,
    shown: Shown,
) -> Subscription {
    let weak = connection.downgrade();
    connection.subscribe(move |event| {
        if let ConnectionEvent::Backlog {
            queued,
            unacknowledged,
        } = event
        {
            shown.queued.set(queued);
            shown.unacknowledged.set(unacknowledged);
        } else if let Some(connection) = weak.upgrade() {
            shown.status.set(connection.status());
        }
        let (on_message, on_event) = {
            let latest = latest.borrow();
            (latest.on_message.clone(), latest.on_event.clone())
        };
        if let (Some(on_message), ConnectionEvent::Message(message)) = (&on_message, &event) {
            on_message.emit(message.clone());
        }
        if let Some(on_event) = on_event {
            on_event.emit(event);
        }
    })
}

/// Options under which a close is final: the predicate always declines. One shared predicate,
/// so that options built this way compare equal from one render to the next.
pub(crate) fn no_reconnection() -> ReconnectOptions {
    thread_local! {
        static NEVER: ReconnectPredicate = Rc::new(|_| false);
    }
    ReconnectOptions {
        should_reconnect: NEVER.with(Rc::clone),
        ..ReconnectOptions::default()
    }
}
