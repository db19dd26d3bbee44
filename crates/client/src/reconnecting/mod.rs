//! A connection that survives: reconnects with backoff, queues what is sent while it is away,
//! and detects dead connections with an optional heartbeat. Built on [`WebSocket`], which
//! itself stays exactly as the browser behaves.
//!
//! - [`ReconnectingWebSocket`]: the handle (this file).
//! - [`ReconnectOptions`], [`Heartbeat`], [`AckMatcher`]: how it behaves, every default
//!   documented.
//! - [`Backoff`]: the delays between attempts; [`QueueLimits`]: how much waits to go out.
//! - [`ConnectionEvent`], [`ConnectionStatus`], [`Sent`], [`SendError`]: what it reports.
//! - The state machine itself is private (`machine.rs`): one enum whose variants own their
//!   socket and timers.

mod backoff;
mod event;
mod machine;
mod options;
mod queue;
mod wake;

use std::{
    pin::Pin,
    rc::{Rc, Weak},
    task::{Context, Poll},
};

use futures_core::Stream;

pub use backoff::Backoff;
pub use event::{ConnectionEvent, ConnectionStatus, SendError, Sent};
pub use options::{AckMatcher, Heartbeat, MessageFilter, ReconnectOptions, ReconnectPredicate};
pub use queue::QueueLimits;

use crate::{
    dispatch::StreamQueue, resolve_url, validate_protocols, Error, Message, ReadyState, WebSocket,
};
use machine::{Machine, State};

/// A WebSocket connection that comes back by itself.
///
/// - **Reconnect**: after a close it did not ask for, it reconnects after an exponential
///   [`Backoff`] with jitter, up to [`ReconnectOptions::max_attempts`]; a predicate on the close
///   event may refuse; the attempt counter starts over only after a connection stayed up
///   [`ReconnectOptions::min_uptime`]; an attempt not open within the connect timeout is
///   abandoned. [`reconnect`](Self::reconnect) starts over at once (also after giving up);
///   [`close`](Self::close) stops everything.
/// - **Queue**: a message sent while the connection is not open is queued and flushed, in order,
///   before anything newer, as soon as it opens; a send that does not fit is refused.
/// - **Heartbeat** (optional): pings after silence, and treats a connection that stays silent
///   as dead.
/// - **Acknowledgements** (optional, [`ReconnectOptions::acknowledge`]): what was sent stays
///   until the server acknowledges it, and goes again after a reconnection: at least once.
///
/// Clones are cheap and control the same connection; dropping the last one closes the socket
/// and cancels every timer.
///
/// ```no_run
/// use std::time::Duration;
/// use wasm_ws::reconnecting::{ConnectionEvent, ReconnectOptions, ReconnectingWebSocket, Sent};
/// use wasm_ws::Message;
///
/// let options = ReconnectOptions {
///     max_attempts: Some(10),
///     should_reconnect: std::rc::Rc::new(|close| close.code != 1000),
///     ..ReconnectOptions::default()
/// };
/// let connection = ReconnectingWebSocket::open("/websocket/test", options)?; // a bad URL is an Err
/// connection.on_event(|event| match event {
///     ConnectionEvent::Message(Message::Text(text)) => web_sys::console::log_1(&text.into()),
///     ConnectionEvent::Reconnecting { attempt, delay } => {
///         web_sys::console::log_1(&format!("retry {attempt} in {delay:?}").into())
///     }
///     _ => {}
/// });
/// // Goes out now if open, or is queued until the connection is back.
/// assert!(matches!(connection.send(Message::from("hello")), Ok(Sent::Now | Sent::Queued)));
/// # Ok::<(), wasm_ws::Error>(())
/// ```
#[derive(Clone)]
pub struct ReconnectingWebSocket {
    machine: Rc<Machine>,
}

/// A handle that does not keep the connection alive; see [`ReconnectingWebSocket::downgrade`].
#[derive(Clone)]
pub struct WeakReconnectingWebSocket {
    machine: Weak<Machine>,
}

impl WeakReconnectingWebSocket {
    /// The connection, if a strong handle still exists.
    pub fn upgrade(&self) -> Option<ReconnectingWebSocket> {
        self.machine
            .upgrade()
            .map(|machine| ReconnectingWebSocket { machine })
    }
}

impl ReconnectingWebSocket {
    /// Connects to `url` (relative URLs resolve against the page) and keeps reconnecting.
    ///
    /// The URL and [`ReconnectOptions::protocols`] are checked here, as `new WebSocket` would
    /// check them: an invalid one is an [`Error::Syntax`], never a connection retried forever.
    pub fn open(url: &str, options: ReconnectOptions) -> Result<Self, Error> {
        let url = resolve_url(url)?;
        Self::open_with(move || url.clone(), options)
    }

    /// Like [`open`](Self::open), with the URL produced anew at each attempt (to refresh a
    /// token, or pick another server). The protocols are checked here; each URL is checked when
    /// it is produced, and an invalid one stops the connection with
    /// [`ConnectionEvent::Failed`] rather than being retried as a network failure.
    pub fn open_with(
        url: impl Fn() -> String + 'static,
        options: ReconnectOptions,
    ) -> Result<Self, Error> {
        validate_protocols(&options.protocols)?;
        Ok(Self {
            machine: Machine::new(Box::new(url), options),
        })
    }

    /// Called with every [`ConnectionEvent`]; replaces (and releases) the previous handler.
    pub fn on_event(&self, handler: impl FnMut(ConnectionEvent) + 'static) {
        self.machine.events.handler.set(Some(Box::new(handler)));
    }

    /// The events from now on, as a [`Stream`]; it ends after the [`ConnectionEvent::Closed`]
    /// that stops the connection, or when the last handle is dropped.
    pub fn events(&self) -> ConnectionEvents {
        ConnectionEvents {
            _connection: self.clone(),
            queue: self.machine.events.subscribe(),
        }
    }

    /// Where the connection stands now.
    pub fn status(&self) -> ConnectionStatus {
        self.machine.status()
    }

    /// Sends now if open, otherwise queues; see [`Sent`] and [`SendError`].
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        let state = self.machine.state();
        match &*state {
            State::Stopped | State::Closing { .. } => return Err(SendError::Closed(message)),
            State::Open { socket, .. } if self.machine.queue.borrow().len() == 0 => {
                let limits = self.machine.options.queue;
                let acknowledging = self.machine.options.acknowledge.is_some();
                let mut unacknowledged = self.machine.unacknowledged.borrow_mut();
                if acknowledging && !unacknowledged.fits(&message, limits) {
                    return Err(SendError::Unacknowledged(message));
                }
                match socket.send(&message) {
                    Ok(()) => {
                        if acknowledging {
                            let _ = unacknowledged.push(message, limits);
                        }
                        return Ok(Sent::Now);
                    }
                    // Closing already, the close event not yet dispatched: queue it instead.
                    Err(Error::Closed(_)) => {}
                    Err(error) => return Err(SendError::Socket(error)),
                }
            }
            _ => {}
        }
        let limits = self.machine.options.queue;
        self.machine
            .queue
            .borrow_mut()
            .push(message, limits)
            .map(|()| Sent::Queued)
            .map_err(SendError::QueueFull)
    }

    /// How many messages wait in the outbound queue.
    pub fn queued_len(&self) -> usize {
        self.machine.queue.borrow().len()
    }

    /// How many bytes wait in the outbound queue.
    pub fn queued_bytes(&self) -> usize {
        self.machine.queue.borrow().bytes()
    }

    /// A copy of the queued messages, oldest first.
    pub fn queued(&self) -> Vec<Message> {
        self.machine.queue.borrow().snapshot()
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        self.machine.queue.borrow_mut().drain()
    }

    /// With [`ReconnectOptions::acknowledge`]: how many messages sent await acknowledgement.
    pub fn unacknowledged_len(&self) -> usize {
        self.machine.unacknowledged.borrow().len()
    }

    /// With [`ReconnectOptions::acknowledge`]: a copy of the messages that await
    /// acknowledgement, oldest first.
    pub fn unacknowledged(&self) -> Vec<Message> {
        self.machine.unacknowledged.borrow().snapshot()
    }

    /// Gives up on every message that awaits acknowledgement: they will not be sent again.
    /// Returns them, oldest first.
    pub fn drain_unacknowledged(&self) -> Vec<Message> {
        self.machine.unacknowledged.borrow_mut().drain()
    }

    /// The current socket's `readyState`; CLOSED between attempts.
    pub fn ready_state(&self) -> ReadyState {
        self.socket()
            .map_or(ReadyState::Closed, |socket| socket.ready_state())
    }

    /// The current socket, if an attempt is under way, open, or closing.
    pub fn socket(&self) -> Option<WebSocket> {
        self.machine.state().socket().cloned()
    }

    /// Drops the current connection or wait and connects now, with the attempt counter reset.
    /// Works after giving up and after [`close`](Self::close).
    pub fn reconnect(&self) {
        self.machine.reconnect();
    }

    /// Closes the connection and stops reconnecting; the last event is always a
    /// [`ConnectionEvent::Closed`]: the socket's own if one is open or connecting, otherwise one
    /// with code 1005 at once. The queue is kept (see [`drain_queue`](Self::drain_queue));
    /// sends are refused until [`reconnect`](Self::reconnect).
    pub fn close(&self) {
        self.machine.close();
    }

    /// A handle that does not keep the connection alive, for use inside its own handlers.
    pub fn downgrade(&self) -> WeakReconnectingWebSocket {
        WeakReconnectingWebSocket {
            machine: Rc::downgrade(&self.machine),
        }
    }
}

impl PartialEq for ReconnectingWebSocket {
    /// Handles are equal when they control the same connection.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.machine, &other.machine)
    }
}

/// The events of a [`ReconnectingWebSocket`], as a [`Stream`]; see
/// [`ReconnectingWebSocket::events`]. Holds a handle, so it keeps the connection alive.
pub struct ConnectionEvents {
    _connection: ReconnectingWebSocket,
    queue: Rc<StreamQueue<ConnectionEvent>>,
}

impl Stream for ConnectionEvents {
    type Item = ConnectionEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ConnectionEvent>> {
        self.queue.poll_next(cx)
    }
}
