//! `UseReconnectingWebSocketHandle` and its options: what `use_reconnecting_websocket` takes
//! and hands out, and what a provider's context carries.

use std::{cell::RefCell, rc::Rc};

use wasm_ws_client::{
    reconnecting::ReconnectPredicate, ConnectionEvent, ConnectionStatus, Error, Message,
    ReconnectOptions, ReconnectingWebSocket, SendError, Sent, TabRole, WebSocket,
};
use yew::prelude::*;

use super::wanted::{Ask, Wanted};
use crate::TabSharing;
#[cfg(doc)]
use crate::WebSocketUrl;

/// Options for [`use_reconnecting_websocket`](crate::use_reconnecting_websocket); every field has a documented default.
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
    /// [`TabSharing::new`]`(app version)`: one connection for every tab of the origin that
    /// connects to the same URL with the same protocols and the same app version
    /// ([`ReconnectingWebSocket::share_across_tabs`]); [`UseReconnectingWebSocketHandle::role`]
    /// says whether this tab leads, follows, or connects alone. Read when the connection is
    /// made. Default: [`TabSharing::default`], a connection of this tab's own.
    pub share_across_tabs: TabSharing,
}

impl Default for UseReconnectingWebSocketOptions {
    fn default() -> Self {
        Self {
            reconnect: ReconnectOptions::default(),
            enabled: true,
            on_message: None,
            on_event: None,
            share_across_tabs: TabSharing::default(),
        }
    }
}

/// What [`use_reconnecting_websocket`](crate::use_reconnecting_websocket) returns. Handles compare equal when they show the same
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
    /// With [`share_across_tabs`](UseReconnectingWebSocketOptions::share_across_tabs): whether
    /// this tab leads the shared connection, follows it, or connects alone
    /// ([`ReconnectingWebSocket::tab_role`]), kept up to date across renders.
    /// [`TabRole::Alone`] when not shared. (The lengths above are this tab's own: each tab has
    /// its own queue and window.)
    pub role: TabRole,
    /// The connection, made at the first render that wants one (it calls no browser API until
    /// the hook's effect tells it where to connect) and held for the component's life: what is
    /// sent before it connects waits in its queue.
    pub(crate) connection: Rc<RefCell<Option<ReconnectingWebSocket>>>,
    /// The connection as this render saw it (handles of two renders differ when one was made
    /// in between).
    pub(crate) held: Option<ReconnectingWebSocket>,
    /// The URL or the protocols cannot be used: `open()` and `reconnect()` try them again.
    pub(crate) unusable: bool,
    pub(crate) ask: UseReducerDispatcher<Wanted>,
}

impl PartialEq for UseReconnectingWebSocketHandle {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.queued_len == other.queued_len
            && self.unacknowledged_len == other.unacknowledged_len
            && self.role == other.role
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
