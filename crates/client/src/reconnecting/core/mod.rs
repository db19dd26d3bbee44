//! The rules of a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) as a sans-IO state
//! machine: no socket, no timer, no clock and no browser of its own (after quinn-proto and
//! rustls). The driver (`driver.rs`, in the browser) feeds it [`Input`]s with the current time
//! and carries out the [`Output`]s it asks for; so the rules are tested natively, with a
//! virtual clock, in `tests.rs` and `properties.rs`.
//!
//! Two kinds of user code run on the driver's side, never inside the core, so that they may
//! call back into the connection: the URL function and the hello (see [`Input::Opened`]), and
//! the reconnect predicate (see [`Input::Closed`]). The two message predicates (heartbeat
//! replies, acknowledgements) run inside: they must not call into the connection.

mod random;

// The native tests: a simulated driver with a virtual clock, scenarios, and property tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(super) mod properties;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod sim;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// Whether the property tests asked for this deliberate bug (`properties.rs` shows that each
/// invariant catches one). Always `false` outside those tests: it compiles to nothing.
#[cfg(not(all(test, not(target_arch = "wasm32"))))]
macro_rules! sabotaged {
    ($bug:ident) => {
        false
    };
}
#[cfg(all(test, not(target_arch = "wasm32")))]
macro_rules! sabotaged {
    ($bug:ident) => {
        $crate::reconnecting::core::properties::sabotage::is(
            $crate::reconnecting::core::properties::sabotage::Bug::$bug,
        )
    };
}
pub(crate) use sabotaged;

use std::{collections::VecDeque, mem, time::Duration};

use super::{queue::Queue, ConnectionEvent, ConnectionStatus, ReconnectOptions, SendError, Sent};
use crate::{CloseEvent, Error, Message};
use random::Random;

/// A point in time, as a duration since an origin the driver picks; only differences matter.
pub(crate) type Time = Duration;

/// Which socket an input or output is about. Each attempt gets a new one, so that anything a
/// socket let go of still says is recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SocketId(u64);

/// The core's timers. Each is armed at most once at a time: arming it again replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Timer {
    /// The next attempt: just after creation (so that the caller can set its handlers first),
    /// and after a backoff delay.
    Attempt,
    /// An attempt not open by then is abandoned.
    ConnectTimeout,
    /// While open with a heartbeat: time to ping, or the end of the wait for anything after a
    /// ping.
    Heartbeat,
}

/// What the browser says about the machine waking up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wake {
    /// The page became visible (a laptop opened, a tab brought back).
    Visible,
    /// The network came back.
    Online,
    /// The network went away.
    Offline,
    /// The page came back from the back-forward cache: its socket was closed when it was
    /// cached, though the engine may report that only after this (Chromium still says OPEN
    /// when `pageshow` fires, then fires `error` and `close`).
    Restored,
}

/// What happens to the connection, as the driver reports it.
#[derive(Debug)]
pub(crate) enum Input {
    /// The socket opened; `hello` is what [`ReconnectOptions::hello`] returned for it (the
    /// driver calls the function, since it may call back into the connection).
    Opened {
        socket: SocketId,
        hello: Vec<Message>,
    },
    /// A message arrived on the socket.
    Received { socket: SocketId, message: Message },
    /// The socket's `error` event (its close event follows).
    Errored { socket: SocketId },
    /// The socket's `readyState` is CLOSING though the core asked nothing: the server started
    /// the closing handshake, and its close event is on its way. What is sent now must wait.
    PeerClosing { socket: SocketId },
    /// The socket closed (or was abandoned, see [`Output::Abandon`]). `reconnect` is what
    /// [`ReconnectOptions::should_reconnect`] says of `event`.
    Closed {
        socket: SocketId,
        event: CloseEvent,
        reconnect: bool,
    },
    /// The socket for an attempt could not even be made (a bad URL from the URL function, or
    /// the browser refused).
    FailedToStart { socket: SocketId, error: Error },
    /// A timer came due.
    TimerFired(Timer),
    /// [`close`](super::ReconnectingWebSocket::close), with the code and reason of
    /// [`close_with`](super::ReconnectingWebSocket::close_with) if given (already checked).
    Close(Option<(u16, String)>),
    /// [`reconnect`](super::ReconnectingWebSocket::reconnect).
    Reconnect,
    /// The page became visible, or the network went or came back.
    Wake(Wake),
    /// New options, from the next attempt or the next call on (see
    /// [`set_options`](super::ReconnectingWebSocket::set_options)).
    Configure(Box<ReconnectOptions>),
}

/// What the core asks the driver to do, in order.
#[derive(Debug)]
pub(crate) enum Output {
    /// Make a socket for an attempt: the URL from the URL function, the protocols and binary
    /// type from the options; report [`Input::FailedToStart`] if it cannot be made.
    Open { socket: SocketId },
    /// Send a message on the socket, which is open.
    Send { socket: SocketId, message: Message },
    /// Start the socket's closing handshake, with this code and reason if any; its close event
    /// still comes.
    Close {
        socket: SocketId,
        code: Option<(u16, String)>,
    },
    /// Let the socket go: no more events from it; closed if still live.
    Release { socket: SocketId },
    /// Let the socket go now, without waiting for the browser to notice it is dead, and report
    /// `event` for it as [`Input::Closed`].
    Abandon { socket: SocketId, event: CloseEvent },
    /// Arm `timer` to fire after `after` (replacing it if armed).
    SetTimer { timer: Timer, after: Duration },
    /// Disarm `timer`, if armed.
    CancelTimer(Timer),
    /// Deliver an event to the user.
    Emit(ConnectionEvent),
    /// The run of events starts again: streams made from now on are live.
    Reopen,
    /// The run of events ended (after the last [`ConnectionEvent::Closed`]): every stream ends.
    End,
}

/// Where the connection stands, with what that stage holds.
#[derive(Debug)]
enum State {
    /// Just made: the first attempt starts when [`Timer::Attempt`] fires.
    Created,
    /// An attempt is under way.
    Connecting {
        socket: SocketId,
    },
    Open(Open),
    /// The server started the closing handshake: sends wait in the queue for the next
    /// connection.
    PeerClosing {
        socket: SocketId,
        opened_at: Time,
    },
    /// Waiting out a backoff delay before the next attempt.
    Waiting {
        delay: Duration,
        until: Time,
    },
    GaveUp,
    /// The last attempt could not start.
    Failed(Error),
    /// The browser is offline: no attempt until it is online again.
    Offline,
    /// `close()` was called on a live socket: its close event ends the connection.
    Closing {
        socket: SocketId,
    },
    /// Closed for good, until `reconnect()`.
    Stopped,
}

/// An open connection: its socket, and what the heartbeat needs to know.
#[derive(Debug)]
struct Open {
    socket: SocketId,
    opened_at: Time,
    /// When anything last arrived (or the connection opened).
    last_heard: Time,
    /// When the ping that still waits for an answer went out.
    ping_sent: Option<Time>,
}

impl State {
    /// The socket this state holds, if any.
    fn socket(&self) -> Option<SocketId> {
        match self {
            Self::Connecting { socket }
            | Self::Open(Open { socket, .. })
            | Self::PeerClosing { socket, .. }
            | Self::Closing { socket } => Some(*socket),
            _ => None,
        }
    }
}

/// Which events a handler may make stale: those that say where the connection stands, or
/// stop the run. The others (messages, sends, closes) are facts, delivered whatever comes after.
pub(crate) fn is_status(event: &ConnectionEvent) -> bool {
    !matches!(
        event,
        ConnectionEvent::Message(_) | ConnectionEvent::Sent(_) | ConnectionEvent::Closed(_)
    )
}

/// The connection's rules.
pub(crate) struct Core {
    options: ReconnectOptions,
    state: State,
    /// The reconnection attempt under way or coming; 0 for the first connection, and again
    /// after `reconnect()` or a stable connection.
    attempt: u32,
    /// Sent while not open, waiting to go out in order.
    queue: Queue,
    /// With [`ReconnectOptions::acknowledge`]: sent and not yet acknowledged, oldest first.
    unacknowledged: Queue,
    /// Whether the browser says it is online.
    online: bool,
    next_socket: u64,
    /// Bumped by every change of state: the driver compares it to tell whether a handler moved
    /// the connection on while events were being delivered.
    epoch: u64,
    random: Random,
    outputs: VecDeque<Output>,
}

impl Core {
    /// A connection whose first attempt starts when [`Timer::Attempt`] fires (armed at once,
    /// for no delay). `seed` seeds the backoff's jitter.
    pub(crate) fn new(options: ReconnectOptions, online: bool, seed: u64) -> Self {
        let mut core = Self {
            options,
            state: State::Created,
            attempt: 0,
            queue: Queue::default(),
            unacknowledged: Queue::default(),
            online,
            next_socket: 0,
            epoch: 0,
            random: Random::new(seed),
            outputs: VecDeque::new(),
        };
        core.set_timer(Timer::Attempt, Duration::ZERO);
        core
    }

    /// The next thing to do, in order; `None` when there is nothing left.
    pub(crate) fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    pub(crate) fn options(&self) -> &ReconnectOptions {
        &self.options
    }

    /// The socket of the attempt under way, the open connection, or the closing one.
    pub(crate) fn socket(&self) -> Option<SocketId> {
        self.state.socket()
    }

    /// The socket while open: what is sent now goes out on it.
    pub(crate) fn open_socket(&self) -> Option<SocketId> {
        match &self.state {
            State::Open(open) => Some(open.socket),
            _ => None,
        }
    }

    pub(crate) fn queue(&self) -> &Queue {
        &self.queue
    }

    pub(crate) fn queue_mut(&mut self) -> &mut Queue {
        &mut self.queue
    }

    pub(crate) fn unacknowledged(&self) -> &Queue {
        &self.unacknowledged
    }

    pub(crate) fn unacknowledged_mut(&mut self) -> &mut Queue {
        &mut self.unacknowledged
    }

    pub(crate) fn status(&self) -> ConnectionStatus {
        let attempt = self.attempt;
        match &self.state {
            State::Created | State::Connecting { .. } => ConnectionStatus::Connecting { attempt },
            State::Open(_) | State::PeerClosing { .. } => ConnectionStatus::Open,
            State::Waiting { delay, .. } => ConnectionStatus::Reconnecting {
                attempt,
                delay: *delay,
            },
            State::GaveUp => ConnectionStatus::GaveUp { attempts: attempt },
            State::Failed(error) => ConnectionStatus::Failed(error.clone()),
            State::Offline => ConnectionStatus::Offline,
            State::Closing { .. } => ConnectionStatus::Closing,
            State::Stopped => ConnectionStatus::Closed,
        }
    }

    /// Sends now if open and nothing waits before it, otherwise queues.
    pub(crate) fn send(&mut self, message: Message) -> Result<Sent, SendError> {
        let limits = self.options.queue;
        match &self.state {
            State::Stopped | State::Closing { .. } => Err(SendError::Closed(message)),
            State::Open(open) if self.queue.len() == 0 => {
                let socket = open.socket;
                if self.acknowledging() && !self.unacknowledged.fits(&message, limits) {
                    return Err(SendError::Unacknowledged(message));
                }
                if sabotaged!(SendAndQueue) {
                    let _ = self.queue.push(message.clone(), limits);
                }
                self.transmit(socket, message);
                Ok(Sent::Now)
            }
            State::Connecting { socket } if sabotaged!(SendWhileConnecting) => {
                let socket = *socket;
                self.transmit(socket, message);
                Ok(Sent::Now)
            }
            _ => self
                .queue
                .push(message, limits)
                .map(|()| Sent::Queued)
                .map_err(SendError::QueueFull),
        }
    }

    pub(crate) fn handle(&mut self, now: Time, input: Input) {
        match input {
            Input::Opened { socket, hello } => self.opened(now, socket, hello),
            Input::Received { socket, message } => self.received(now, socket, message),
            Input::Errored { socket } => {
                // A fact about the socket the core holds, until the user closed it.
                let live = matches!(
                    self.state,
                    State::Connecting { socket: s } | State::PeerClosing { socket: s, .. } if s == socket
                ) || matches!(&self.state, State::Open(open) if open.socket == socket);
                if live {
                    self.emit(ConnectionEvent::Error);
                }
            }
            Input::PeerClosing { socket } => {
                if let State::Open(open) = &self.state {
                    if open.socket == socket {
                        let opened_at = open.opened_at;
                        self.cancel_timer(Timer::Heartbeat);
                        self.enter(State::PeerClosing { socket, opened_at });
                    }
                }
            }
            Input::Closed {
                socket,
                event,
                reconnect,
            } => self.closed(now, socket, event, reconnect),
            Input::FailedToStart { socket, error } => {
                if matches!(self.state, State::Connecting { socket: s } if s == socket) {
                    self.cancel_timer(Timer::ConnectTimeout);
                    self.enter(State::Failed(error.clone()));
                    self.emit(ConnectionEvent::Failed(error));
                }
            }
            Input::TimerFired(timer) => self.timer_fired(now, timer),
            Input::Close(code) => self.close(code),
            Input::Reconnect => self.reconnect(),
            Input::Wake(wake) => self.woke(now, wake),
            Input::Configure(options) => self.configure(now, *options),
        }
    }

    fn acknowledging(&self) -> bool {
        self.options.acknowledge.is_some()
    }

    fn enter(&mut self, next: State) -> State {
        self.epoch += 1;
        mem::replace(&mut self.state, next)
    }

    fn emit(&mut self, event: ConnectionEvent) {
        self.outputs.push_back(Output::Emit(event));
    }

    fn set_timer(&mut self, timer: Timer, after: Duration) {
        self.outputs.push_back(Output::SetTimer { timer, after });
    }

    fn cancel_timer(&mut self, timer: Timer) {
        self.outputs.push_back(Output::CancelTimer(timer));
    }

    /// Sends an application message on the open socket, keeps it until acknowledged (when
    /// acknowledging), and reports it.
    fn transmit(&mut self, socket: SocketId, message: Message) {
        if self.acknowledging() {
            // The caller checked that it fits.
            let _ = self
                .unacknowledged
                .push(message.clone(), self.options.queue);
        }
        self.put_on_the_wire(socket, message);
    }

    /// Sends a message and reports it as sent.
    fn put_on_the_wire(&mut self, socket: SocketId, message: Message) {
        self.outputs.push_back(Output::Send {
            socket,
            message: message.clone(),
        });
        self.emit(ConnectionEvent::Sent(message));
    }

    /// Starts an attempt now; or, with `reconnect_on_wake` and the browser offline, waits for
    /// it to be online.
    fn connect(&mut self) {
        self.outputs.push_back(Output::Reopen);
        if self.options.reconnect_on_wake && !self.online {
            self.enter(State::Offline);
            return self.emit(ConnectionEvent::Offline);
        }
        self.next_socket += 1;
        let socket = SocketId(self.next_socket);
        self.enter(State::Connecting { socket });
        self.outputs.push_back(Output::Open { socket });
        if let Some(timeout) = self.options.connect_timeout {
            self.set_timer(Timer::ConnectTimeout, timeout);
        }
        self.emit(ConnectionEvent::Connecting {
            attempt: self.attempt,
        });
    }

    fn opened(&mut self, now: Time, socket: SocketId, hello: Vec<Message>) {
        if !matches!(self.state, State::Connecting { socket: s } if s == socket) {
            return;
        }
        self.cancel_timer(Timer::ConnectTimeout);
        self.enter(State::Open(Open {
            socket,
            opened_at: now,
            last_heard: now,
            ping_sent: None,
        }));
        self.emit(ConnectionEvent::Open);
        // The hello belongs to this connection: first, never queued, never resent.
        for message in hello {
            self.put_on_the_wire(socket, message);
        }
        // What was sent and not acknowledged goes again, in order, then the queue.
        if sabotaged!(QueueBeforeResend) {
            self.flush();
        }
        if !sabotaged!(SkipResend) {
            for message in self.unacknowledged.snapshot() {
                self.put_on_the_wire(socket, message);
            }
        }
        self.flush();
        if let Some(heartbeat) = &self.options.heartbeat {
            let interval = heartbeat.interval;
            self.set_timer(Timer::Heartbeat, interval);
        }
    }

    /// While open: sends what the queue holds, in order, as far as the acknowledgement window
    /// has room.
    fn flush(&mut self) {
        let State::Open(Open { socket, .. }) = self.state else {
            return;
        };
        let limits = self.options.queue;
        while let Some(next) = self.queue.front() {
            if self.acknowledging() && !self.unacknowledged.fits(next, limits) {
                break;
            }
            let message = self.queue.pop().expect("the front exists");
            self.transmit(socket, message);
        }
    }

    fn received(&mut self, now: Time, socket: SocketId, message: Message) {
        match &mut self.state {
            State::Open(open) if open.socket == socket => {
                open.last_heard = now;
                // The timer waits for the verdict on the ping; an answer moves the next ping
                // to `interval` from now, which may come first. Once per ping, not per message.
                if open.ping_sent.take().is_some() {
                    if let Some(heartbeat) = &self.options.heartbeat {
                        let interval = heartbeat.interval;
                        self.set_timer(Timer::Heartbeat, interval);
                    }
                }
            }
            // Sent before the server's Close frame: still delivered.
            State::PeerClosing {
                socket: closing, ..
            } if *closing == socket => {}
            State::Closing { socket: closing }
                if *closing == socket && sabotaged!(MessagesWhileClosing) => {}
            // After `close()` nothing happens but the close, not even a message already on its
            // way; and a socket let go of says nothing.
            _ => return,
        }
        let acknowledged = self
            .options
            .acknowledge
            .as_ref()
            .is_some_and(|acknowledges| {
                self.unacknowledged
                    .remove_first(|sent| acknowledges(&message, sent))
                    .is_some()
            });
        let is_reply = self
            .options
            .heartbeat
            .as_ref()
            .and_then(|heartbeat| heartbeat.is_reply.as_ref())
            .is_some_and(|is_reply| is_reply(&message));
        if !is_reply {
            self.emit(ConnectionEvent::Message(message));
        }
        if acknowledged && !sabotaged!(NoFlushOnAck) {
            // Room in the window: what waits goes now.
            self.flush();
        }
    }

    fn timer_fired(&mut self, now: Time, timer: Timer) {
        match (timer, &self.state) {
            (Timer::Attempt, State::Created) => self.connect(),
            (Timer::Attempt, State::Waiting { until, .. }) => {
                if now < *until {
                    let left = *until - now;
                    return self.set_timer(Timer::Attempt, left);
                }
                self.connect();
            }
            (Timer::ConnectTimeout, State::Connecting { socket }) => {
                let socket = *socket;
                self.abandon(socket, "connect timeout");
            }
            (Timer::Heartbeat, State::Open(_)) => self.heartbeat_due(now),
            // A timer for a state that is gone.
            _ => {}
        }
    }

    /// While open with a heartbeat: pings once `interval` has passed without anything
    /// arriving, and gives up on the connection if nothing arrives within `timeout` of the
    /// ping. The timer is armed for the next of these moments, so nothing runs per message.
    fn heartbeat_due(&mut self, now: Time) {
        let (Some(heartbeat), State::Open(open)) = (&self.options.heartbeat, &mut self.state)
        else {
            return;
        };
        let (interval, timeout, socket) = (heartbeat.interval, heartbeat.timeout, open.socket);
        match open.ping_sent {
            Some(sent) if now >= sent + timeout => self.abandon(socket, "heartbeat timeout"),
            Some(sent) => self.set_timer(Timer::Heartbeat, sent + timeout - now),
            None if now >= open.last_heard + interval => self.ping(now),
            None => {
                let left = if sabotaged!(HalfIntervalChecks) {
                    interval / 2
                } else {
                    open.last_heard + interval - now
                };
                self.set_timer(Timer::Heartbeat, left);
            }
        }
    }

    /// While open with a heartbeat: pings now, unless a ping already waits for an answer.
    fn ping(&mut self, now: Time) {
        let (Some(heartbeat), State::Open(open)) = (&self.options.heartbeat, &mut self.state)
        else {
            return;
        };
        if open.ping_sent.is_some() {
            return;
        }
        open.ping_sent = Some(now);
        let (socket, message, timeout) = (open.socket, heartbeat.ping.clone(), heartbeat.timeout);
        // Not reported as sent: the heartbeat is the layer's own business.
        self.outputs.push_back(Output::Send { socket, message });
        let wait = timeout * if sabotaged!(LateVerdict) { 2 } else { 1 };
        self.set_timer(Timer::Heartbeat, wait);
    }

    /// Gives up on the current socket at once (it may be silent for minutes before the
    /// browser notices), reported as a 1006 close.
    fn abandon(&mut self, socket: SocketId, reason: &str) {
        self.outputs.push_back(Output::Abandon {
            socket,
            event: CloseEvent {
                code: 1006,
                reason: reason.into(),
                was_clean: false,
            },
        });
    }

    /// The socket closed: reconnect after a backoff, give up, or stop.
    fn closed(&mut self, now: Time, socket: SocketId, event: CloseEvent, reconnect: bool) {
        if self.state.socket() != Some(socket) {
            return;
        }
        self.outputs.push_back(Output::Release { socket });
        self.cancel_timer(Timer::ConnectTimeout);
        self.cancel_timer(Timer::Heartbeat);
        let left = self.enter(State::Stopped);
        let opened_at = match left {
            State::Open(Open { opened_at, .. }) | State::PeerClosing { opened_at, .. } => {
                Some(opened_at)
            }
            _ => None,
        };
        if opened_at
            .is_some_and(|opened_at| now.saturating_sub(opened_at) >= self.options.min_uptime)
        {
            // A stable connection: the next one starts the count over.
            self.attempt = 0;
        }
        if matches!(left, State::Closing { .. }) || !reconnect {
            self.emit(ConnectionEvent::Closed(event));
            return self.outputs.push_back(Output::End);
        }
        if self
            .options
            .max_attempts
            .is_some_and(|max| self.attempt >= max)
        {
            self.enter(State::GaveUp);
            self.emit(ConnectionEvent::Closed(event));
            let attempts = self.attempt;
            return self.emit(ConnectionEvent::GaveUp { attempts });
        }
        self.attempt += 1;
        let attempt = self.attempt;
        let counted = attempt + u32::from(sabotaged!(BackoffOneAhead));
        let delay = self.options.backoff.delay(counted, self.random.next_f64());
        self.enter(State::Waiting {
            delay,
            until: now + delay,
        });
        self.set_timer(Timer::Attempt, delay);
        self.emit(ConnectionEvent::Closed(event));
        self.emit(ConnectionEvent::Reconnecting { attempt, delay });
    }

    /// Stops: a live socket is closed and its close event is the last event; otherwise the
    /// last event is a `Closed` with 1005 (no status), now.
    fn close(&mut self, code: Option<(u16, String)>) {
        match &self.state {
            State::Connecting { socket }
            | State::Open(Open { socket, .. })
            | State::PeerClosing { socket, .. } => {
                let socket = *socket;
                self.cancel_timer(Timer::ConnectTimeout);
                self.cancel_timer(Timer::Heartbeat);
                self.outputs.push_back(Output::Close { socket, code });
                self.enter(State::Closing { socket });
            }
            State::Closing { .. } | State::Stopped => {}
            State::Created
            | State::Waiting { .. }
            | State::GaveUp
            | State::Failed(_)
            | State::Offline => {
                self.cancel_timer(Timer::Attempt);
                self.enter(State::Stopped);
                self.emit(ConnectionEvent::Closed(CloseEvent {
                    code: 1005,
                    reason: String::new(),
                    was_clean: true,
                }));
                self.outputs.push_back(Output::End);
            }
        }
    }

    /// Starts over now, with the attempt counter reset, letting go of any socket.
    fn reconnect(&mut self) {
        self.attempt = 0;
        if let Some(socket) = self.state.socket().filter(|_| !sabotaged!(KeepOldSocket)) {
            self.outputs.push_back(Output::Release { socket });
        }
        for timer in [Timer::Attempt, Timer::ConnectTimeout, Timer::Heartbeat] {
            self.cancel_timer(timer);
        }
        self.connect();
    }

    /// The page became visible, or the network went or came back.
    fn woke(&mut self, now: Time, wake: Wake) {
        match wake {
            Wake::Online => self.online = true,
            Wake::Offline => self.online = false,
            Wake::Visible | Wake::Restored => {}
        }
        if !self.options.reconnect_on_wake {
            return;
        }
        match (&self.state, wake) {
            (State::Waiting { .. }, Wake::Offline) => {
                self.cancel_timer(Timer::Attempt);
                self.enter(State::Offline);
                self.emit(ConnectionEvent::Offline);
            }
            (_, Wake::Offline) => {}
            (State::Closing { .. } | State::Stopped, _) => {}
            // Its socket was closed while the page sat in the cache: the close event, if it
            // comes at all, would only start a backoff. Its events are ignored from now on.
            (_, Wake::Restored) => self.reconnect(),
            (State::Waiting { .. } | State::GaveUp | State::Offline, _) => self.reconnect(),
            // A socket left half-dead by a sleep is found within the heartbeat's timeout.
            (State::Open(_), _) => self.ping(now),
            _ => {}
        }
    }

    /// New options: they apply from the next attempt, open or call on.
    fn configure(&mut self, now: Time, options: ReconnectOptions) {
        // The reply filter may be a new closure at every call: only the timing counts.
        let timing = |options: &ReconnectOptions| {
            let heartbeat = options.heartbeat.as_ref();
            heartbeat.map(|heartbeat| {
                (
                    heartbeat.interval,
                    heartbeat.timeout,
                    heartbeat.ping.clone(),
                )
            })
        };
        let heartbeat_changed = timing(&self.options) != timing(&options);
        if options.acknowledge.is_none() {
            // Nothing will acknowledge them any more.
            self.unacknowledged.drain();
        }
        self.options = options;
        if let (true, State::Open(open)) = (heartbeat_changed, &mut self.state) {
            if self.options.heartbeat.is_some() {
                // What is due under the new timing happens now; the rest is armed for later.
                self.heartbeat_due(now);
            } else {
                open.ping_sent = None;
                self.cancel_timer(Timer::Heartbeat);
            }
        }
        // The window may have grown.
        self.flush();
    }
}
