//! A connection that survives: reconnects with backoff, queues what is sent while it is away,
//! and detects dead connections with an optional heartbeat. Built on [`WebSocket`], which
//! itself stays exactly as the browser behaves.

mod backoff;
mod queue;

use std::{
    cell::RefCell,
    fmt,
    pin::Pin,
    rc::{Rc, Weak},
    task::{Context, Poll},
    time::Duration,
};

use futures_core::Stream;
use gloo_timers::callback::{Interval, Timeout};

pub use backoff::Backoff;
use queue::Queue;
pub use queue::QueueLimits;

use crate::{
    events::{Broadcast, StreamQueue},
    BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket,
};

/// Recognises a message (a heartbeat reply).
pub type MessageFilter = Rc<dyn Fn(&Message) -> bool>;

/// Decides from a close event whether to reconnect.
pub type ReconnectPredicate = Rc<dyn Fn(&CloseEvent) -> bool>;

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

/// How a [`ReconnectingWebSocket`] behaves. Every field has a documented default.
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
        }
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
            .finish_non_exhaustive()
    }
}

/// What happens to a [`ReconnectingWebSocket`], in order.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionEvent {
    /// An attempt starts: 0 for the first connection, then the reconnection attempt's number.
    Connecting {
        /// The attempt.
        attempt: u32,
    },
    /// The connection is open; the queue has just been flushed.
    Open,
    /// A message arrived.
    Message(Message),
    /// The connection closed (or an attempt failed); `code` 1006 for a dropped connection.
    Closed(CloseEvent),
    /// The next attempt will start after `delay`.
    Reconnecting {
        /// The coming attempt (1 for the first reconnection).
        attempt: u32,
        /// The wait before it.
        delay: Duration,
    },
    /// No more attempts (see [`ReconnectOptions::max_attempts`]); [`ReconnectingWebSocket::reconnect`]
    /// starts over.
    GaveUp {
        /// How many reconnection attempts were made.
        attempts: u32,
    },
}

/// Where a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Handed to the open socket.
    Now,
    /// Queued, to go out in order once the connection opens.
    Queued,
}

/// Why a message was not taken. The message is given back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The connection is not open and the queue is full.
    QueueFull(Message),
    /// [`ReconnectingWebSocket::close`] was called: nothing more goes out.
    Closed(Message),
    /// The socket refused the message.
    Socket(Error),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::QueueFull(_) => {
                f.write_str("the connection is not open and the outbound queue is full")
            }
            Self::Closed(_) => f.write_str("the connection was closed"),
            Self::Socket(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for SendError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    Open,
    /// Waiting out a backoff delay.
    Waiting,
    GaveUp,
    /// Closed by the user: no more attempts.
    Stopped,
}

struct State {
    phase: Phase,
    socket: Option<WebSocket>,
    /// The reconnection attempt in progress or coming (0: the first connection).
    attempt: u32,
    opened_at: Option<f64>,
    last_heard: f64,
    queue: Queue,
    /// The backoff delay or the connect timeout.
    timer: Option<Timeout>,
    /// Idle checks while open.
    heartbeat: Option<Interval>,
    /// The deadline for an answer to the last ping.
    ping_deadline: Option<Timeout>,
}

struct Inner {
    url: Box<dyn Fn() -> String>,
    options: ReconnectOptions,
    state: RefCell<State>,
    events: Broadcast<ConnectionEvent>,
}

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
///
/// Clones are cheap and control the same connection; dropping the last one closes the socket
/// and cancels every timer.
///
/// ```no_run
/// use std::time::Duration;
/// use wasm_ws::{ConnectionEvent, Message, ReconnectOptions, ReconnectingWebSocket, Sent};
///
/// let options = ReconnectOptions {
///     max_attempts: Some(10),
///     should_reconnect: std::rc::Rc::new(|close| close.code != 1000),
///     ..ReconnectOptions::default()
/// };
/// let connection = ReconnectingWebSocket::open("/websocket/test", options);
/// connection.on_event(|event| match event {
///     ConnectionEvent::Message(Message::Text(text)) => web_sys::console::log_1(&text.into()),
///     ConnectionEvent::Reconnecting { attempt, delay } => {
///         web_sys::console::log_1(&format!("retry {attempt} in {delay:?}").into())
///     }
///     _ => {}
/// });
/// // Goes out now if open, or is queued until the connection is back.
/// assert!(matches!(connection.send(Message::from("hello")), Ok(Sent::Now | Sent::Queued)));
/// ```
#[derive(Clone)]
pub struct ReconnectingWebSocket {
    inner: Rc<Inner>,
}

impl ReconnectingWebSocket {
    /// Connects to `url` (relative URLs resolve against the page) and keeps reconnecting.
    pub fn open(url: &str, options: ReconnectOptions) -> Self {
        let url = url.to_owned();
        Self::open_with(move || url.clone(), options)
    }

    /// Like [`open`](Self::open), with the URL produced anew at each attempt (to refresh a
    /// token, or pick another server).
    pub fn open_with(url: impl Fn() -> String + 'static, options: ReconnectOptions) -> Self {
        let inner = Rc::new(Inner {
            url: Box::new(url),
            options,
            state: RefCell::new(State {
                phase: Phase::Connecting,
                socket: None,
                attempt: 0,
                opened_at: None,
                last_heard: now(),
                queue: Queue::default(),
                timer: None,
                heartbeat: None,
                ping_deadline: None,
            }),
            events: Broadcast::default(),
        });
        // The first attempt starts once the caller had a chance to set handlers.
        let weak = Rc::downgrade(&inner);
        inner.state.borrow_mut().timer = Some(Timeout::new(0, move || {
            if let Some(inner) = weak.upgrade() {
                inner.connect();
            }
        }));
        Self { inner }
    }

    /// Called with every [`ConnectionEvent`]; replaces (and releases) the previous handler.
    pub fn on_event(&self, handler: impl FnMut(ConnectionEvent) + 'static) {
        self.inner.events.handler.set(Some(Box::new(handler)));
    }

    /// The events from now on, as a [`Stream`]; it ends when the connection is closed by
    /// [`close`](Self::close) or the last handle is dropped.
    pub fn events(&self) -> ConnectionEvents {
        ConnectionEvents {
            _connection: self.clone(),
            queue: self.inner.events.subscribe(),
        }
    }

    /// Sends now if open, otherwise queues; see [`Sent`] and [`SendError`].
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        let mut state = self.inner.state.borrow_mut();
        match state.phase {
            Phase::Stopped => return Err(SendError::Closed(message)),
            Phase::Open if state.queue.len() == 0 => {
                let socket = state
                    .socket
                    .as_ref()
                    .expect("an open connection has a socket");
                match socket.send(&message) {
                    Ok(()) => return Ok(Sent::Now),
                    // Closing already, the close event not yet dispatched: queue it instead.
                    Err(Error::Closed(_)) => {}
                    Err(error) => return Err(SendError::Socket(error)),
                }
            }
            _ => {}
        }
        let limits = self.inner.options.queue;
        state
            .queue
            .push(message, limits)
            .map(|()| Sent::Queued)
            .map_err(SendError::QueueFull)
    }

    /// How many messages wait in the outbound queue.
    pub fn queued_len(&self) -> usize {
        self.inner.state.borrow().queue.len()
    }

    /// How many bytes wait in the outbound queue.
    pub fn queued_bytes(&self) -> usize {
        self.inner.state.borrow().queue.bytes()
    }

    /// A copy of the queued messages, oldest first.
    pub fn queued(&self) -> Vec<Message> {
        self.inner.state.borrow().queue.snapshot()
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        self.inner.state.borrow_mut().queue.drain()
    }

    /// The current socket's `readyState`; CLOSED between attempts.
    pub fn ready_state(&self) -> ReadyState {
        let state = self.inner.state.borrow();
        state
            .socket
            .as_ref()
            .map_or(ReadyState::Closed, WebSocket::ready_state)
    }

    /// The current socket, if an attempt is under way or open.
    pub fn socket(&self) -> Option<WebSocket> {
        self.inner.state.borrow().socket.clone()
    }

    /// Drops the current connection or wait and connects now, with the attempt counter reset.
    /// Works after giving up and after [`close`](Self::close).
    pub fn reconnect(&self) {
        let socket = {
            let mut state = self.inner.state.borrow_mut();
            state.attempt = 0;
            state.timer = None;
            state.heartbeat = None;
            state.ping_deadline = None;
            state.opened_at = None;
            state.socket.take()
        };
        if let Some(socket) = socket {
            socket.clear_handlers();
            socket.close();
        }
        self.inner.connect();
    }

    /// Closes the connection and stops reconnecting. The queue is kept (see
    /// [`drain_queue`](Self::drain_queue)); sends are refused until [`reconnect`](Self::reconnect).
    pub fn close(&self) {
        let socket = {
            let mut state = self.inner.state.borrow_mut();
            state.phase = Phase::Stopped;
            state.timer = None;
            state.heartbeat = None;
            state.ping_deadline = None;
            state.socket.clone()
        };
        match socket {
            // The socket's close event still arrives, is reported as `Closed`, and ends the
            // event streams.
            Some(socket) => socket.close(),
            // Between attempts there is nothing left to close: the streams end now.
            None => self.inner.events.end(),
        }
    }
}

impl Inner {
    fn emit(&self, event: ConnectionEvent) {
        self.events.deliver(event);
    }

    fn connect(self: &Rc<Self>) {
        // Streams ended by `close()` come back to life with `reconnect()`.
        self.events.reopen();
        let attempt = {
            let mut state = self.state.borrow_mut();
            state.phase = Phase::Connecting;
            state.timer = None;
            state.attempt
        };
        self.emit(ConnectionEvent::Connecting { attempt });
        let socket = match WebSocket::open_with_protocols(&(self.url)(), &self.options.protocols) {
            Ok(socket) => socket,
            Err(error) => {
                let event = CloseEvent {
                    code: 1006,
                    reason: error.to_string(),
                    was_clean: false,
                };
                return self.closed(event);
            }
        };
        socket.set_binary_type(self.options.binary_type);
        let weak = Rc::downgrade(self);
        socket.on_open(with(&weak, |inner| inner.opened()));
        let on_message = weak.clone();
        socket.on_message(move |message| {
            if let Some(inner) = on_message.upgrade() {
                inner.received(message);
            }
        });
        let on_close = weak.clone();
        socket.on_close(move |event| {
            if let Some(inner) = on_close.upgrade() {
                inner.closed(event);
            }
        });
        let mut state = self.state.borrow_mut();
        if let Some(timeout) = self.options.connect_timeout {
            state.timer = Some(Timeout::new(
                millis(timeout),
                with(&weak, |inner| inner.abandon("connect timeout")),
            ));
        }
        state.socket = Some(socket);
    }

    fn opened(self: &Rc<Self>) {
        {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            state.phase = Phase::Open;
            state.timer = None;
            state.opened_at = Some(now());
            state.last_heard = now();
            // Flush the queue, in order, before anything newer can be sent.
            let socket = state
                .socket
                .clone()
                .expect("an opening connection has a socket");
            while let Some(message) = state.queue.pop() {
                if socket.send(&message).is_err() {
                    state.queue.push_front(message);
                    break;
                }
            }
            if let Some(heartbeat) = &self.options.heartbeat {
                let weak = Rc::downgrade(self);
                let check_every = millis(heartbeat.interval / 2).max(1);
                state.heartbeat = Some(Interval::new(
                    check_every,
                    with(&weak, |inner| inner.check_heartbeat()),
                ));
            }
        }
        self.emit(ConnectionEvent::Open);
    }

    fn received(&self, message: Message) {
        {
            let mut state = self.state.borrow_mut();
            state.last_heard = now();
            state.ping_deadline = None;
        }
        if let Some(Heartbeat {
            is_reply: Some(is_reply),
            ..
        }) = &self.options.heartbeat
        {
            if is_reply(&message) {
                return;
            }
        }
        self.emit(ConnectionEvent::Message(message));
    }

    /// While open: after `interval` of silence, pings, and arms the deadline for an answer.
    fn check_heartbeat(self: &Rc<Self>) {
        let Some(heartbeat) = &self.options.heartbeat else {
            return;
        };
        let mut state = self.state.borrow_mut();
        let silent_for = now() - state.last_heard;
        if state.phase != Phase::Open
            || state.ping_deadline.is_some()
            || silent_for < heartbeat.interval.as_secs_f64() * 1000.0
        {
            return;
        }
        if let Some(socket) = &state.socket {
            let _ = socket.send(&heartbeat.ping);
        }
        let weak = Rc::downgrade(self);
        state.ping_deadline = Some(Timeout::new(
            millis(heartbeat.timeout),
            with(&weak, |inner| inner.abandon("heartbeat timeout")),
        ));
    }

    /// Gives up on the current socket at once (it may be silent for minutes before the browser
    /// notices), reporting a 1006 close, and goes on as after any failure.
    fn abandon(self: &Rc<Self>, reason: &str) {
        let socket = self.state.borrow_mut().socket.take();
        if let Some(socket) = socket {
            socket.clear_handlers();
            socket.close();
        }
        self.closed(CloseEvent {
            code: 1006,
            reason: reason.into(),
            was_clean: false,
        });
    }

    fn closed(self: &Rc<Self>, event: CloseEvent) {
        let stopped = {
            let mut state = self.state.borrow_mut();
            state.socket = None;
            state.timer = None;
            state.heartbeat = None;
            state.ping_deadline = None;
            if let Some(opened_at) = state.opened_at.take() {
                if now() - opened_at >= self.options.min_uptime.as_secs_f64() * 1000.0 {
                    state.attempt = 0;
                }
            }
            state.phase == Phase::Stopped
        };
        let reconnect = !stopped && (self.options.should_reconnect)(&event);
        self.emit(ConnectionEvent::Closed(event));
        if stopped {
            return self.events.end();
        }
        // The handler may have decided already: `close()` or `reconnect()` from inside it.
        {
            let state = self.state.borrow();
            if state.phase == Phase::Stopped {
                drop(state);
                return self.events.end();
            }
            if state.socket.is_some() {
                return;
            }
        }
        if !reconnect {
            self.state.borrow_mut().phase = Phase::Stopped;
            return self.events.end();
        }
        let next = {
            let mut state = self.state.borrow_mut();
            if self
                .options
                .max_attempts
                .is_some_and(|max| state.attempt >= max)
            {
                state.phase = Phase::GaveUp;
                Err(state.attempt)
            } else {
                state.attempt += 1;
                state.phase = Phase::Waiting;
                let delay = self
                    .options
                    .backoff
                    .delay(state.attempt, js_sys::Math::random());
                let weak = Rc::downgrade(self);
                state.timer = Some(Timeout::new(
                    millis(delay),
                    with(&weak, |inner| inner.connect()),
                ));
                Ok((state.attempt, delay))
            }
        };
        match next {
            Ok((attempt, delay)) => self.emit(ConnectionEvent::Reconnecting { attempt, delay }),
            Err(attempts) => self.emit(ConnectionEvent::GaveUp { attempts }),
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Timers are cancelled as the state drops; the socket must not call back.
        if let Some(socket) = self.state.get_mut().socket.take() {
            socket.clear_handlers();
        }
        self.events.end();
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

/// A timer callback that runs `action` if the connection still exists.
fn with(weak: &Weak<Inner>, action: fn(&Rc<Inner>)) -> impl FnMut() + 'static {
    let weak = weak.clone();
    move || {
        if let Some(inner) = weak.upgrade() {
            action(&inner);
        }
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn millis(duration: Duration) -> u32 {
    duration.as_millis().min(u128::from(u32::MAX)) as u32
}
