//! The driver's boundary with the outside world: small traits for opening a socket, sending on
//! it, closing it, hearing its events, and for time. The driver reaches nothing else.
//!
//! - [`browser`]: the browser's `WebSocket`, `Date.now()` and `setTimeout`, and its wake-up
//!   events: what every [`ReconnectingWebSocket`](super::ReconnectingWebSocket) runs on by
//!   default.
//! - `memory` (with the cargo feature `testing`, and in the crate's own tests): sockets, a
//!   network and a clock that exist only as data, moved step by step by a test; what
//!   [`testing`](crate::testing) hands to apps.

pub(crate) mod browser;
#[cfg(any(feature = "testing", all(test, not(target_arch = "wasm32"))))]
pub(crate) mod memory;
mod wake;

use std::{any::Any, rc::Rc};

use super::core::{Time, Wake};
use crate::{BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket};

/// What a socket says, in order, as the browser's four events say it.
#[derive(Debug)]
pub(crate) enum SocketEvent {
    Open,
    Message(Message),
    Error,
    Close(CloseEvent),
}

/// Where a socket's events go.
pub(crate) type SocketListener = Rc<dyn Fn(SocketEvent)>;

/// Opens sockets, and tells what the network is doing.
pub(crate) trait Transport {
    /// `url` resolved and checked as `new WebSocket(url)` would: an error is a
    /// [`Error::Syntax`].
    fn resolve_url(&self, url: &str) -> Result<String, Error>;

    /// A new socket to `url`, offering `protocols`, whose binary messages arrive as
    /// `binary_type`. Its events go to `listener`, each in a task of its own: never during a
    /// call into the socket or the transport.
    fn open(
        &self,
        url: &str,
        protocols: &[String],
        binary_type: BinaryType,
        listener: SocketListener,
    ) -> Result<Box<dyn Socket>, Error>;

    /// Whether the browser says it is online.
    fn online(&self) -> bool;

    /// Calls `on_wake` when the machine wakes up or the network goes or comes back, until the
    /// returned guard is dropped.
    fn listen_for_wake(&self, on_wake: Rc<dyn Fn(Wake)>) -> Option<Box<dyn Any>>;

    /// A seed for the backoff's jitter: random in the browser, so that clients cut at once do
    /// not come back at once.
    fn seed(&self) -> u64;

    /// A fake server's network, whose tabs share in memory; `None` for the browser's, whose
    /// tabs share through the Web Locks API and a `BroadcastChannel`.
    #[cfg(any(feature = "testing", all(test, not(target_arch = "wasm32"))))]
    fn network(&self) -> Option<memory::Network> {
        None
    }
}

/// One socket. Dropping it lets it go: it calls back no more, and is closed if still live.
pub(crate) trait Socket {
    /// Hands `message` to the socket; an error if the socket is not open (then nothing went).
    fn send(&self, message: &Message) -> Result<(), Error>;

    /// Starts the closing handshake, with this code and reason if any (already checked).
    fn close(&self, code: Option<(u16, &str)>);

    /// `readyState`.
    fn ready_state(&self) -> ReadyState;

    /// `bufferedAmount`: bytes handed to the socket and not yet sent.
    fn buffered_amount(&self) -> usize;

    /// Calls `call` with `bufferedAmount` once it is at most `below` (or the socket is closing
    /// or closed), in a task of its own.
    fn when_drained(&self, below: usize, call: Box<dyn FnOnce(usize)>);

    /// `binaryType`, for the messages delivered from now on.
    fn set_binary_type(&self, binary_type: BinaryType);

    /// The browser's socket, if this is one.
    fn web_socket(&self) -> Option<WebSocket>;
}

/// Time: now, and one deadline at a time.
pub(crate) trait Clock {
    /// Now, since an origin of the clock's choosing; never goes back.
    fn now(&self) -> Time;

    /// Calls `due` once `deadline` has come (or soon after), replacing the deadline set
    /// before.
    fn wake_at(&self, deadline: Time, due: Rc<dyn Fn()>);

    /// Forgets the deadline set before, if any.
    fn cancel(&self);
}
