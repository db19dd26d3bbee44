//! How a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) behaves: every option, with
//! its default.

use std::{fmt, rc::Rc, time::Duration};

use super::{Backoff, QueueLimits};
use crate::{BinaryType, CloseEvent, FlowControl, Message};

/// Recognises a message (a heartbeat reply).
pub type MessageFilter = Rc<dyn Fn(&Message) -> bool>;

/// Decides from a close event whether to reconnect.
pub type ReconnectPredicate = Rc<dyn Fn(&CloseEvent) -> bool>;

/// Makes the messages that go out first on each new connection; see [`ReconnectOptions::hello`].
pub type HelloMessages = Rc<dyn Fn() -> Vec<Message>>;

/// Says whether an incoming message (the first argument) acknowledges a sent one (the second);
/// see [`ReconnectOptions::acknowledge`].
pub type AckMatcher = Rc<dyn Fn(&Message, &Message) -> bool>;

/// An application-level heartbeat: after `interval` without receiving anything, `ping` is
/// sent; if nothing at all arrives within `timeout` after it, the connection is dead: it is
/// dropped (reported as a close with code 1006) and reconnected. So a connection that goes
/// silent is found dead `interval + timeout` after the last thing it received.
///
/// The common case, a server that answers the text `ping` with `pong`:
///
/// ```
/// use std::time::Duration;
/// use wasm_ws_client::{Heartbeat, Message, ReconnectOptions};
///
/// let options = ReconnectOptions {
///     heartbeat: Some(Heartbeat::ping_pong(Duration::from_secs(15), Duration::from_secs(5))),
///     ..ReconnectOptions::default()
/// };
/// # let _ = options;
/// // Another ping, with the defaults for the rest (30 s, 10 s, replies not filtered):
/// let heartbeat = Heartbeat { ping: Message::from(r#"{"type":"ping"}"#), is_reply: None, ..Heartbeat::default() };
/// # let _ = heartbeat;
/// ```
#[derive(Clone)]
pub struct Heartbeat {
    /// Silence that triggers a ping. Default: 30 s.
    pub interval: Duration,
    /// How long to wait for anything after a ping. Default: 10 s.
    pub timeout: Duration,
    /// The message sent as a ping. Default: the text `ping`.
    pub ping: Message,
    /// Recognises the server's reply to a ping; such replies are kept out of the delivered
    /// messages. `None` delivers everything. Default: the text `pong`. Called with every
    /// message received: it must not call into the connection.
    pub is_reply: Option<MessageFilter>,
}

impl Heartbeat {
    /// Sends the text `ping` after `interval` of silence, and takes the text `pong` as the
    /// reply, kept out of the messages; dead if nothing arrives within `timeout` of a ping.
    ///
    /// Any message keeps the connection alive, so against an echo server (the sample's
    /// `/websocket/test` echoes `ping` as `ping`) this works too, but the echoed `ping` is
    /// delivered as a message: there, take `ping` itself as the reply:
    /// `Heartbeat { is_reply: Some(Rc::new(|m| m.as_text() == Some("ping"))), ..Heartbeat::ping_pong(interval, timeout) }`.
    ///
    /// Two heartbeats made this way with the same durations are equal (they share one reply
    /// filter), so options built at every render compare equal.
    ///
    /// ```
    /// use std::time::Duration;
    /// use wasm_ws_client::{Heartbeat, Message};
    ///
    /// let heartbeat = Heartbeat::ping_pong(Duration::from_secs(5), Duration::from_secs(3));
    /// assert_eq!(heartbeat.ping, Message::from("ping"));
    /// assert!(heartbeat.is_reply.as_ref().is_some_and(|is_reply| is_reply(&Message::from("pong"))));
    /// assert_eq!(heartbeat, Heartbeat::ping_pong(Duration::from_secs(5), Duration::from_secs(3)));
    /// ```
    pub fn ping_pong(interval: Duration, timeout: Duration) -> Self {
        thread_local! {
            static IS_PONG: MessageFilter = Rc::new(|message| message.as_text() == Some("pong"));
        }
        Self {
            interval,
            timeout,
            ping: Message::from("ping"),
            is_reply: Some(IS_PONG.with(Rc::clone)),
        }
    }
}

impl Default for Heartbeat {
    /// [`Heartbeat::ping_pong`] every 30 s of silence, dead 10 s after an unanswered ping.
    fn default() -> Self {
        Self::ping_pong(Duration::from_secs(30), Duration::from_secs(10))
    }
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
    /// How much may wait in the browser's send buffer (`bufferedAmount`). Above the high-water
    /// mark, what is sent waits in the queue (a send answers [`Sent::Queued`](super::Sent::Queued)),
    /// and goes out as the buffer drains to the low-water mark; after an open, the hello, what
    /// awaited acknowledgement and the queue go out paced the same way, not all in one task.
    /// So at most the mark plus one message waits in the browser, and the queue's limits bound
    /// the rest. [`ReconnectingWebSocket::send_ready`](super::ReconnectingWebSocket::send_ready)
    /// waits for room. `None` hands every message to the browser at once. Default:
    /// `Some(FlowControl::default())` (1 MiB, 256 KiB).
    pub flow_control: Option<FlowControl>,
    /// Come back at once after a laptop wakes or the network returns, instead of waiting out
    /// the backoff. When the page becomes visible again or the browser comes back online while
    /// waiting between attempts or after giving up, the wait is cancelled, the attempt counter
    /// reset, and a connection made now. While the browser says it is offline, no attempt is
    /// made ([`ConnectionStatus::Offline`](super::ConnectionStatus::Offline)) until it is
    /// online again. When the page becomes visible (or comes online) while open, a configured
    /// [`heartbeat`](Self::heartbeat) pings at once, so a socket left half-dead by a sleep is
    /// found in seconds. And a page restored from the back-forward cache (`pageshow` with
    /// `persisted`), whose socket the browser closed when it was cached, reconnects at once.
    ///
    /// In a worker, which has no visibility and no back-forward cache, only `online` and
    /// `offline` (on the worker's global scope) count. Default: `false`.
    pub reconnect_on_wake: bool,
    /// At-least-once delivery across reconnections. Without it (the default), a message
    /// handed to an open socket ([`Sent::Now`](super::Sent::Now)) is gone if the socket dies
    /// before the server has it: at most once. With it, every message sent stays in an
    /// unacknowledged window until an incoming message acknowledges it, as this function
    /// decides; after a reconnection the unacknowledged ones are sent again, in order, before
    /// the queue. The incoming message that acknowledges is delivered to the app as any other.
    ///
    /// The window is bounded by [`queue`](Self::queue)'s limits, separately from the queue (each
    /// holds up to them). While open, a send that would overflow the window is refused with
    /// [`SendError::Unacknowledged`](super::SendError::Unacknowledged) (the message comes back);
    /// while not open it is queued, as any send, and waits in the queue behind a full window.
    /// Shared across tabs ([`share_across_tabs`](super::ReconnectingWebSocket::share_across_tabs)),
    /// each tab's window and queue are its own: the leading tab's limits do not count what the
    /// other tabs send through it.
    ///
    /// That is at least once: a message the server got but whose acknowledgement was lost is
    /// sent twice. For exactly once, give each message an id (a counter is enough), have the
    /// server answer with the id and drop an id it has seen, and have the application drop a
    /// reply whose id it has seen.
    ///
    /// ```
    /// use std::rc::Rc;
    /// use wasm_ws_client::ReconnectOptions;
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
    /// Called each time a connection opens; the messages it returns go out first, before
    /// anything that awaits acknowledgement and before the queue, so that a server which
    /// forgets who a connection is hears it again before anything else: a fresh token, a
    /// `join`, the current subscriptions.
    ///
    /// They belong to that connection: they are never queued for the next one, never sent
    /// again, and never count as awaiting acknowledgement. They are reported as
    /// [`ConnectionEvent::Sent`](super::ConnectionEvent::Sent) events. The function may read
    /// the application's current state (it is called anew at each open) and may call into the
    /// connection.
    ///
    /// A chat that re-joins its room and re-subscribes to what the user follows after every
    /// reconnection, with no other code:
    ///
    /// ```
    /// use std::{cell::RefCell, rc::Rc};
    /// use wasm_ws_client::{Message, ReconnectOptions};
    ///
    /// let token = Rc::new(RefCell::new(String::from("t0"))); // refreshed by the app
    /// let followed = Rc::new(RefCell::new(vec![String::from("rust")]));
    /// let (token_now, followed_now) = (token.clone(), followed.clone());
    /// let options = ReconnectOptions {
    ///     hello: Some(Rc::new(move || {
    ///         let mut hello = vec![Message::from(format!(r#"{{"join":"general","token":"{}"}}"#, token_now.borrow()))];
    ///         hello.extend(followed_now.borrow().iter().map(|topic| Message::from(format!(r#"{{"subscribe":"{topic}"}}"#))));
    ///         hello
    ///     })),
    ///     ..ReconnectOptions::default()
    /// };
    /// # let hello = options.hello.as_ref().unwrap()();
    /// # assert_eq!(hello.len(), 2);
    /// ```
    ///
    /// Default: `None`.
    pub hello: Option<HelloMessages>,
}

impl Default for ReconnectOptions {
    /// The defaults documented on each field. Two defaults compare equal: they share one
    /// reconnect predicate.
    fn default() -> Self {
        thread_local! {
            static ALWAYS: ReconnectPredicate = Rc::new(|_| true);
        }
        Self {
            protocols: Vec::new(),
            binary_type: BinaryType::ArrayBuffer,
            backoff: Backoff::default(),
            max_attempts: None,
            should_reconnect: ALWAYS.with(Rc::clone),
            min_uptime: Duration::from_secs(5),
            connect_timeout: Some(Duration::from_secs(10)),
            queue: QueueLimits::default(),
            heartbeat: None,
            flow_control: Some(FlowControl::default()),
            reconnect_on_wake: false,
            acknowledge: None,
            hello: None,
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
            flow_control,
            reconnect_on_wake,
            acknowledge,
            hello,
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
            && *flow_control == other.flow_control
            && *reconnect_on_wake == other.reconnect_on_wake
            && same_closure(acknowledge, &other.acknowledge)
            && same_closure(hello, &other.hello)
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
            .field("flow_control", &self.flow_control)
            .field("reconnect_on_wake", &self.reconnect_on_wake)
            .field("acknowledges", &self.acknowledge.is_some())
            .field("says_hello", &self.hello.is_some())
            .finish_non_exhaustive()
    }
}
