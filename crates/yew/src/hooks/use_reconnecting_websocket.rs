//! `use_reconnecting_websocket`: a [`ReconnectingWebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws::{
    reconnecting::{AckMatcher, Heartbeat, MessageFilter, ReconnectPredicate},
    ConnectionEvent, ConnectionStatus, Message, ReconnectOptions, ReconnectingWebSocket, SendError,
    Sent, WebSocket,
};
use yew::prelude::*;

use super::{use_enabled_changes::use_enabled_changes, use_latest::use_latest};
use crate::url::{self, LatestUrl, WebSocketUrl};

/// Options for [`use_reconnecting_websocket`].
///
/// Which changes make a new connection: a different fixed URL, and any setting of `reconnect`
/// other than its closures (protocols, binary type, backoff, queue, heartbeat timings...).
/// The closures (`should_reconnect`, the heartbeat's `is_reply`), the callbacks and a URL
/// function are always called in their newest version and never reconnect by themselves.
/// `enabled` going to `false` closes the connection; to `true`, connects.
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
    connection: Rc<RefCell<Option<ReconnectingWebSocket>>>,
    lengths: Lengths,
    wanted: UseStateSetter<Wanted>,
}

/// The setters of the two lengths the handle shows as state.
#[derive(Clone)]
struct Lengths {
    queued: UseStateSetter<usize>,
    unacknowledged: UseStateSetter<usize>,
}

impl Lengths {
    fn update(&self, connection: &ReconnectingWebSocket) {
        // Unchanged values do not re-render (use_state_eq).
        self.queued.set(connection.queued_len());
        self.unacknowledged.set(connection.unacknowledged_len());
    }
}

impl PartialEq for UseReconnectingWebSocketHandle {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.queued_len == other.queued_len
            && self.unacknowledged_len == other.unacknowledged_len
            && Rc::ptr_eq(&self.connection, &other.connection)
    }
}

impl UseReconnectingWebSocketHandle {
    fn with_connection<T>(&self, action: impl FnOnce(&ReconnectingWebSocket) -> T) -> Option<T> {
        self.connection.borrow().as_ref().map(action)
    }

    /// Sends now if open, or queues until the connection is back ([`ReconnectingWebSocket::send`]);
    /// refused with [`SendError::Closed`] while no connection is held.
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        let sent = match self.connection.borrow().as_ref() {
            Some(connection) => {
                let sent = connection.send(message);
                self.lengths.update(connection);
                sent
            }
            None => Err(SendError::Closed(message)),
        };
        sent
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        let drained = self
            .with_connection(ReconnectingWebSocket::drain_queue)
            .unwrap_or_default();
        self.lengths.queued.set(0);
        drained
    }

    /// Closes and stops reconnecting ([`ReconnectingWebSocket::close`]); [`open`](Self::open)
    /// or [`reconnect`](Self::reconnect) connect again.
    pub fn close(&self) {
        self.with_connection(ReconnectingWebSocket::close);
    }

    /// Connects again now, with the attempt counter reset; also after [`close`](Self::close),
    /// after giving up, and while `enabled` is `false`.
    pub fn reconnect(&self) {
        if self
            .with_connection(ReconnectingWebSocket::reconnect)
            .is_none()
        {
            self.wanted.set(Wanted::ByHand);
        }
    }

    /// Connects if not connected or connecting: after [`close`](Self::close), after giving up,
    /// or while `enabled` is `false`. Does nothing to a live connection.
    pub fn open(&self) {
        let stopped = self.with_connection(|connection| connection.status().is_stopped());
        match stopped {
            Some(true) => self.reconnect(),
            Some(false) => {}
            None => self.wanted.set(Wanted::ByHand),
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

/// Whether a connection is wanted: as `enabled` says, or because the user asked for one.
#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    AsEnabled(bool),
    ByHand,
}

impl Wanted {
    fn wanted(self) -> bool {
        matches!(self, Self::ByHand | Self::AsEnabled(true))
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
    let lengths = Lengths {
        queued: queued_len.setter(),
        unacknowledged: unacknowledged_len.setter(),
    };
    let wanted = use_state_eq(|| Wanted::AsEnabled(enabled));
    let connection = use_mut_ref(|| None::<ReconnectingWebSocket>);
    // Read at each attempt and event, so the newest URL function, closures and callbacks are
    // the ones called.
    let latest_url: LatestUrl = use_latest(url.clone());
    let settings = settings_of(&options.reconnect);
    let latest = use_latest(options);

    {
        let wanted = wanted.setter();
        use_enabled_changes(enabled, move |enabled| {
            wanted.set(Wanted::AsEnabled(enabled))
        });
    }
    {
        let (status, lengths, connection) = (status.setter(), lengths.clone(), connection.clone());
        use_effect_with(
            (url.key(), settings, *wanted),
            move |(_, settings, wanted)| {
                if wanted.wanted() {
                    let options = calling_latest(settings, &latest);
                    match url::connect(&latest_url, options) {
                        Ok(opened) => {
                            watch(&opened, latest, status, lengths);
                            *connection.borrow_mut() = Some(opened);
                        }
                        Err(error) => status.set(ConnectionStatus::Failed(error)),
                    }
                } else {
                    status.set(ConnectionStatus::Closed);
                }
                // Closed now, even if someone still holds a clone of the connection; the
                // unmounted component hears nothing more.
                move || {
                    if let Some(connection) = connection.borrow_mut().take() {
                        connection.on_event(|_| {});
                        connection.close();
                    }
                }
            },
        );
    }

    UseReconnectingWebSocketHandle {
        status: (*status).clone(),
        queued_len: *queued_len,
        unacknowledged_len: *unacknowledged_len,
        connection,
        lengths,
        wanted: wanted.setter(),
    }
}

/// Mirrors the connection's status and lengths into state after every event, and passes the
/// events on to the newest callbacks.
fn watch(
    connection: &ReconnectingWebSocket,
    latest: Rc<RefCell<UseReconnectingWebSocketOptions>>,
    status: UseStateSetter<ConnectionStatus>,
    lengths: Lengths,
) {
    let weak = connection.downgrade();
    connection.on_event(move |event| {
        if let Some(connection) = weak.upgrade() {
            // Unchanged values do not re-render (use_state_eq): a message alone renders nothing.
            status.set(connection.status());
            lengths.update(&connection);
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
    });
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

/// The settings that make a new connection when they change: the options with their closures
/// set aside (each replaced by one shared placeholder).
pub(crate) fn settings_of(options: &ReconnectOptions) -> ReconnectOptions {
    thread_local! {
        static PREDICATE: ReconnectPredicate = Rc::new(|_| true);
        static FILTER: MessageFilter = Rc::new(|_| false);
        static MATCHER: AckMatcher = Rc::new(|_, _| false);
    }
    ReconnectOptions {
        should_reconnect: PREDICATE.with(Rc::clone),
        acknowledge: options
            .acknowledge
            .as_ref()
            .map(|_| MATCHER.with(Rc::clone)),
        heartbeat: options.heartbeat.as_ref().map(|heartbeat| Heartbeat {
            is_reply: heartbeat.is_reply.as_ref().map(|_| FILTER.with(Rc::clone)),
            ..heartbeat.clone()
        }),
        ..options.clone()
    }
}

/// `settings` with closures that call the newest ones in `latest`.
fn calling_latest(
    settings: &ReconnectOptions,
    latest: &Rc<RefCell<UseReconnectingWebSocketOptions>>,
) -> ReconnectOptions {
    let predicate_source = Rc::clone(latest);
    let filter_source = Rc::clone(latest);
    let matcher_source = Rc::clone(latest);
    ReconnectOptions {
        acknowledge: settings.acknowledge.as_ref().map(|_| -> AckMatcher {
            Rc::new(move |incoming, sent| {
                let matcher = matcher_source.borrow().reconnect.acknowledge.clone();
                matcher.is_some_and(|acknowledges| acknowledges(incoming, sent))
            })
        }),
        should_reconnect: Rc::new(move |event| {
            let predicate = predicate_source.borrow().reconnect.should_reconnect.clone();
            predicate(event)
        }),
        heartbeat: settings.heartbeat.as_ref().map(|heartbeat| Heartbeat {
            is_reply: heartbeat.is_reply.as_ref().map(|_| -> MessageFilter {
                let source = Rc::clone(&filter_source);
                Rc::new(move |message| {
                    let filter = source
                        .borrow()
                        .reconnect
                        .heartbeat
                        .as_ref()
                        .and_then(|heartbeat| heartbeat.is_reply.clone());
                    filter.is_some_and(|is_reply| is_reply(message))
                })
            }),
            ..heartbeat.clone()
        }),
        ..settings.clone()
    }
}
