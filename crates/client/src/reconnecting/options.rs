//! How a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) behaves: every option, with
//! its default.

use std::{fmt, rc::Rc, time::Duration};

use super::{Backoff, QueueLimits};
use crate::{BinaryType, CloseEvent, Message};

/// Recognises a message (a heartbeat reply).
pub type MessageFilter = Rc<dyn Fn(&Message) -> bool>;

/// Decides from a close event whether to reconnect.
pub type ReconnectPredicate = Rc<dyn Fn(&CloseEvent) -> bool>;

/// Says whether an incoming message (the first argument) acknowledges a sent one (the second);
/// see [`ReconnectOptions::acknowledge`].
pub type AckMatcher = Rc<dyn Fn(&Message, &Message) -> bool>;

/// An application-level heartbeat: after `interval` without receiving anything, `ping` is
/// sent; if nothing at all arrives within `timeout` after it, the connection is dead: it is
/// dropped (reported as a close with code 1006) and reconnected.
#[derive(Clone)]
pub struct Heartbeat {
    /// Silence that triggers a ping.
    pub interval: Duration,
    /// How long to wait for anything after a ping.
    pub timeout: Duration,
    /// The message sent as a ping, such as `Message::from("ping")`.
    pub ping: Message,
    /// Recognises the server's reply to a ping; such replies are kept out of the delivered
    /// messages. `None` delivers everything.
    pub is_reply: Option<MessageFilter>,
}

impl PartialEq for Heartbeat {
    /// Equal when every field is; the reply filter compares by identity (the same `Rc`).
    fn eq(&self, other: &Self) -> bool {
        self.interval == other.interval
            && self.timeout == other.timeout
            && self.ping == other.ping
            && same_closure(&self.is_reply, &other.is_reply)
    }
}

impl fmt::Debug for Heartbeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Heartbeat")
            .field("interval", &self.interval)
            .field("timeout", &self.timeout)
            .field("ping", &self.ping)
            .field("filters_replies", &self.is_reply.is_some())
            .finish()
    }
}

/// How a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) behaves. Every field has a
/// documented default.
#[derive(Clone)]
pub struct ReconnectOptions {
    /// Subprotocols offered at each attempt. Default: none.
    pub protocols: Vec<String>,
    /// How binary messages arrive. Default: [`BinaryType::ArrayBuffer`] (bytes).
    pub binary_type: BinaryType,
    /// Delays between attempts. Default: [`Backoff::default`] (1 s doubling to 30 s, ±20 %).
    pub backoff: Backoff,
    /// Reconnection attempts in a row before giving up; `None` never gives up. Default: `None`.
    pub max_attempts: Option<u32>,
    /// Decides from the close event whether to reconnect. Default: always (for a close the
    /// user did not ask for).
    pub should_reconnect: ReconnectPredicate,
    /// A connection that stayed open this long counts as stable: the attempt counter starts
    /// over after it closes. Default: 5 s.
    pub min_uptime: Duration,
    /// An attempt not open after this long is abandoned (as a failure). Default: 10 s.
    pub connect_timeout: Option<Duration>,
    /// Bounds of the outbound queue. Default: [`QueueLimits::default`].
    pub queue: QueueLimits,
    /// Dead-connection detection. Default: none.
    pub heartbeat: Option<Heartbeat>,
    /// Come back at once after a laptop wakes or the network returns, instead of waiting out
    /// the backoff. When the page becomes visible again or the browser comes back online while
    /// waiting between attempts or after giving up, the wait is cancelled, the attempt counter
    /// reset, and a connection made now. While the browser says it is offline, no attempt is
    /// made ([`ConnectionStatus::Offline`](super::ConnectionStatus::Offline)) until it is
    /// online again. And when the page becomes visible while open, a configured
    /// [`heartbeat`](Self::heartbeat) pings at once, so a socket left half-dead by a sleep is
    /// found in seconds. Default: `false`.
    pub reconnect_on_wake: bool,
    /// At-least-once delivery across reconnections. Without it (the default), a message
    /// handed to an open socket ([`Sent::Now`](super::Sent::Now)) is gone if the socket dies
    /// before the server has it: at most once. With it, every message sent stays in an
    /// unacknowledged buffer (bounded by [`queue`](Self::queue)'s limits: a send that would
    /// exceed them is refused with [`SendError::Unacknowledged`](super::SendError::Unacknowledged))
    /// until an incoming message acknowledges it, as this function decides; after a
    /// reconnection the unacknowledged ones are sent again, in order, before the queue.
    ///
    /// That is at least once: a message the server got but whose acknowledgement was lost is
    /// sent twice. For exactly once, give each message an id (a counter is enough), have the
    /// server answer with the id and drop an id it has seen, and have the application drop a
    /// reply whose id it has seen.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use wasm_ws::ReconnectOptions;
    /// // An echo server: the echo itself acknowledges the message.
    /// let options = ReconnectOptions {
    ///     acknowledge: Some(Rc::new(|incoming, sent| incoming == sent)),
    ///     ..ReconnectOptions::default()
    /// };
    /// # let _ = options;
    /// ```
    ///
    /// Default: `None`.
    pub acknowledge: Option<AckMatcher>,
}

impl Default for ReconnectOptions {
    fn default() -> Self {
        Self {
            protocols: Vec::new(),
            binary_type: BinaryType::ArrayBuffer,
            backoff: Backoff::default(),
            max_attempts: None,
            should_reconnect: Rc::new(|_| true),
            min_uptime: Duration::from_secs(5),
            connect_timeout: Some(Duration::from_secs(10)),
            queue: QueueLimits::default(),
            heartbeat: None,
            reconnect_on_wake: false,
            acknowledge: None,
        }
    }
}

impl PartialEq for ReconnectOptions {
    /// Equal when every field is; the closures compare by identity (the same `Rc`), so
    /// options kept across renders (in a Yew prop, say) compare equal.
    fn eq(&self, other: &Self) -> bool {
        let Self {
            protocols,
            binary_type,
            backoff,
            max_attempts,
            should_reconnect,
            min_uptime,
            connect_timeout,
            queue,
            heartbeat,
            reconnect_on_wake,
            acknowledge,
        } = self;
        *protocols == other.protocols
            && *binary_type == other.binary_type
            && *backoff == other.backoff
            && *max_attempts == other.max_attempts
            && Rc::ptr_eq(should_reconnect, &other.should_reconnect)
            && *min_uptime == other.min_uptime
            && *connect_timeout == other.connect_timeout
            && *queue == other.queue
            && *heartbeat == other.heartbeat
            && *reconnect_on_wake == other.reconnect_on_wake
            && same_closure(acknowledge, &other.acknowledge)
    }
}

/// Two optional closures are the same when both are absent or both point at one closure.
fn same_closure<T: ?Sized>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

impl fmt::Debug for ReconnectOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconnectOptions")
            .field("protocols", &self.protocols)
            .field("binary_type", &self.binary_type)
            .field("backoff", &self.backoff)
            .field("max_attempts", &self.max_attempts)
            .field("min_uptime", &self.min_uptime)
            .field("connect_timeout", &self.connect_timeout)
            .field("queue", &self.queue)
            .field("heartbeat", &self.heartbeat)
            .field("reconnect_on_wake", &self.reconnect_on_wake)
            .field("acknowledges", &self.acknowledge.is_some())
            .finish_non_exhaustive()
    }
}
