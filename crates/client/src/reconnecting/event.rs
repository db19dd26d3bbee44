//! What a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) reports: the events as they
//! happen, where it stands now, and where a sent message went.

use std::{fmt, time::Duration};

use crate::{CloseEvent, Error, Message};

/// What happens to a [`ReconnectingWebSocket`](super::ReconnectingWebSocket), in order.
///
/// Every run of events that ends (the streams from
/// [`events`](super::ReconnectingWebSocket::events) end with it) ends with [`Closed`](Self::Closed):
/// after [`close`](super::ReconnectingWebSocket::close) in any state, and when the reconnect
/// predicate declines.
///
/// New variants may come in a minor release (the enum is `#[non_exhaustive]`): match the ones
/// you act on and end with a wildcard arm.
///
/// ```
/// use wasm_ws_client::{ConnectionEvent, Message};
///
/// fn describe(event: &ConnectionEvent) -> String {
///     match event {
///         ConnectionEvent::Open => "open".into(),
///         ConnectionEvent::Message(Message::Text(text)) => format!("got {text}"),
///         ConnectionEvent::Closed(close) => format!("closed with {}", close.code),
///         ConnectionEvent::Reconnecting { attempt, delay } => format!("attempt {attempt} in {delay:?}"),
///         _ => String::new(), // Connecting, Sent, Error, Closing, Backlog, GaveUp, Offline, Failed, Role, and later ones
///     }
/// }
/// assert_eq!(describe(&ConnectionEvent::Open), "open");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ConnectionEvent {
    /// An attempt starts: 0 for the first connection, then the reconnection attempt's number.
    Connecting {
        /// The attempt.
        attempt: u32,
    },
    /// The connection is open. The [`hello`](super::ReconnectOptions::hello), what awaited
    /// acknowledgement and the queue have just gone out on it, in that order (their
    /// [`Sent`](Self::Sent) events follow this one).
    Open,
    /// A message arrived.
    Message(Message),
    /// A message went out on the socket: sent at once, flushed from the queue after an open,
    /// sent again unacknowledged (see [`ReconnectOptions::acknowledge`](super::ReconnectOptions::acknowledge)),
    /// or a [`hello`](super::ReconnectOptions::hello). Heartbeat pings are not reported. A
    /// console shows these as sent lines, whoever sent them.
    Sent(Message),
    /// The socket's `error` event: the connection failed (a refused or dropped connection, a
    /// failed handshake). The browser says no more; a [`Closed`](Self::Closed) with 1006
    /// follows.
    Error,
    /// [`close`](super::ReconnectingWebSocket::close) was called while a socket was live: its
    /// closing handshake is under way, and a [`Closed`](Self::Closed) ends the run.
    Closing,
    /// The connection closed (or an attempt failed); `code` 1006 for a dropped connection.
    /// [`close`](super::ReconnectingWebSocket::close) while no socket is open reports 1005 (no
    /// status), clean, as the browser's `close()` without a code does.
    Closed(CloseEvent),
    /// The next attempt will start after `delay`.
    Reconnecting {
        /// The coming attempt (1 for the first reconnection).
        attempt: u32,
        /// The wait before it.
        delay: Duration,
    },
    /// No more attempts (see [`ReconnectOptions::max_attempts`](super::ReconnectOptions::max_attempts));
    /// [`reconnect`](super::ReconnectingWebSocket::reconnect) starts over.
    GaveUp {
        /// How many reconnection attempts were made.
        attempts: u32,
    },
    /// The browser says it is offline: no attempt is made until it is online again (with
    /// [`ReconnectOptions::reconnect_on_wake`](super::ReconnectOptions::reconnect_on_wake)).
    Offline,
    /// What waits changed: the messages in the outbound queue, and those that await
    /// acknowledgement (see [`ReconnectOptions::acknowledge`](super::ReconnectOptions::acknowledge)).
    /// Reported once per call or event that changed them, after what else it caused (a send
    /// that queued, a flush after an open, an acknowledgement, a drain).
    Backlog {
        /// As [`queued_len`](super::ReconnectingWebSocket::queued_len).
        queued: usize,
        /// As [`unacknowledged_len`](super::ReconnectingWebSocket::unacknowledged_len).
        unacknowledged: usize,
    },
    /// With [`share_across_tabs`](super::ReconnectingWebSocket::share_across_tabs): the part
    /// this tab now plays (see [`tab_role`](super::ReconnectingWebSocket::tab_role)).
    Role(super::TabRole),
    /// An attempt could not even start: the URL produced for it (see
    /// [`open_with`](super::ReconnectingWebSocket::open_with)) is invalid, or the browser
    /// refused to create the socket. This is not a network failure and is not retried;
    /// [`reconnect`](super::ReconnectingWebSocket::reconnect) tries again.
    Failed(Error),
}

/// Where a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) stands; see
/// [`status`](super::ReconnectingWebSocket::status).
///
/// `#[non_exhaustive]`: match with a wildcard arm, or ask [`is_stopped`](Self::is_stopped) and
/// [`is_open`](Self::is_open).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionStatus {
    /// Made with [`ReconnectingWebSocket::new`](super::ReconnectingWebSocket::new), not told
    /// where to connect yet: what is sent waits in the queue.
    Idle,
    /// An attempt is under way (0 for the first connection).
    Connecting {
        /// The attempt.
        attempt: u32,
    },
    /// Open.
    Open,
    /// Waiting `delay` before attempt `attempt`.
    Reconnecting {
        /// The coming attempt.
        attempt: u32,
        /// The wait before it.
        delay: Duration,
    },
    /// No more attempts; [`reconnect`](super::ReconnectingWebSocket::reconnect) starts over.
    GaveUp {
        /// How many reconnection attempts were made.
        attempts: u32,
    },
    /// The last attempt could not start (see [`ConnectionEvent::Failed`]).
    Failed(Error),
    /// Waiting for the browser to be online again (see [`ConnectionEvent::Offline`]).
    Offline,
    /// [`close`](super::ReconnectingWebSocket::close) was called; the socket's closing handshake
    /// is under way.
    Closing,
    /// Closed by [`close`](super::ReconnectingWebSocket::close), or for good by the reconnect
    /// predicate: nothing more happens until
    /// [`reconnect`](super::ReconnectingWebSocket::reconnect).
    Closed,
}

impl ConnectionStatus {
    /// Whether nothing more happens until
    /// [`reconnect`](super::ReconnectingWebSocket::reconnect): closed, given up, or failed to
    /// start an attempt.
    ///
    /// ```
    /// use wasm_ws_client::ConnectionStatus;
    ///
    /// assert!(ConnectionStatus::Closed.is_stopped());
    /// assert!(ConnectionStatus::GaveUp { attempts: 5 }.is_stopped());
    /// assert!(!ConnectionStatus::Offline.is_stopped()); // connects once online
    /// ```
    pub fn is_stopped(&self) -> bool {
        matches!(self, Self::Closed | Self::GaveUp { .. } | Self::Failed(_))
    }

    /// Whether the connection is open: what is sent now goes out at once.
    ///
    /// ```
    /// use wasm_ws_client::ConnectionStatus;
    ///
    /// assert!(ConnectionStatus::Open.is_open());
    /// assert!(!ConnectionStatus::Connecting { attempt: 0 }.is_open());
    /// ```
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Open)
    }
}

/// Where a message went. `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sent {
    /// Handed to the open socket.
    Now,
    /// Queued, to go out in order once the connection opens.
    Queued,
    /// Handed, in this tab's order, to the tab that leads a connection shared across tabs
    /// (see [`share_across_tabs`](super::ReconnectingWebSocket::share_across_tabs)), which sends
    /// it on the shared socket: whether it reached the network, this tab cannot know at once.
    /// With [`acknowledge`](super::ReconnectOptions::acknowledge) it stays awaiting
    /// acknowledgement here, and goes again through the next leader if need be.
    Relayed,
}

/// Why a message was not taken. The message is given back ([`into_message`](Self::into_message)).
/// `#[non_exhaustive]`: match with a wildcard arm.
///
/// ```
/// use wasm_ws_client::{Message, SendError};
///
/// let refused = SendError::QueueFull(Message::from("hello"));
/// match &refused {
///     SendError::QueueFull(_) | SendError::Unacknowledged(_) => { /* try again later */ }
///     _ => { /* closed, or refused by the socket */ }
/// }
/// assert_eq!(refused.into_message(), Some(Message::from("hello")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The connection is not open and the queue is full.
    QueueFull(Message),
    /// [`close`](super::ReconnectingWebSocket::close) was called: nothing more goes out.
    Closed(Message),
    /// The socket refused the message.
    Socket(Error),
    /// With [`ReconnectOptions::acknowledge`](super::ReconnectOptions::acknowledge): as many
    /// messages as the queue limits allow already await acknowledgement.
    Unacknowledged(Message),
}

impl SendError {
    /// The message that was not sent, given back; `None` for [`Socket`](Self::Socket), whose
    /// message the socket refused.
    pub fn into_message(self) -> Option<Message> {
        match self {
            Self::QueueFull(message) | Self::Closed(message) | Self::Unacknowledged(message) => {
                Some(message)
            }
            Self::Socket(_) => None,
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QueueFull(_) => {
                f.write_str("the connection is not open and the outbound queue is full")
            }
            Self::Closed(_) => f.write_str("the connection was closed"),
            Self::Socket(error) => write!(f, "{error}"),
            Self::Unacknowledged(_) => {
                f.write_str("too many messages await acknowledgement from the server")
            }
        }
    }
}

impl std::error::Error for SendError {}
