//! The rules of a [`ReconnectingWebSocket`](super::ReconnectingWebSocket) as a sans-IO state
//! machine: no socket, no timer, no clock and no browser of its own (after quinn-proto and
//! rustls). The driver (`driver.rs`) feeds it what happens, with the time, and carries out
//! what it asks; so the rules are tested natively, through the real driver over the in-memory
//! transport (`tests/`).
//!
//! Every change of state enters through a method of the machine, each given the time:
//! - [`Core::handle`]: what the socket, the network, or the user's calls that answer nothing
//!   say ([`Input`]);
//! - [`Core::handle_timeout`]: time passed; [`Core::poll_timeout`] tells when it is next due;
//! - [`Core::send`], [`Core::drain_queue`], [`Core::drain_unacknowledged`]: the user's calls
//!   that answer something.
//!
//! What comes out: [`Core::poll_output`], what the driver does now, in order, and
//! [`Core::poll_event`], what the user hears, in order, once the outputs are carried out.
//!
//! The driver carries out each output before it polls the next, and reports a send the socket
//! refused ([`Input::SendRefused`]) before polling again: so an output polled after a send says
//! that the send went out, and only then is it reported as [`ConnectionEvent::Sent`].
//!
//! Two kinds of user code run on the driver's side, never inside the core, so that they may
//! call back into the connection: the URL function and the hello (see [`Input::Opened`]), and
//! the reconnect predicate (see [`Input::Closed`]). The two message predicates (heartbeat
//! replies, acknowledgements) run inside: they must not call into the connection.
//!
//! Why one file of this length: the state machine's fields are private to it, and its rules
//! lean on each other (a send, the window, the pacing and the reconnect share the queue);
//! kept whole so that every change of state is visibly a method of one machine.

mod random;

use std::{collections::VecDeque, mem, time::Duration};

use super::{
    queue::{Outgoing, Queue},
    ConnectionEvent, ConnectionStatus, ReconnectOptions, SendError, Sent,
};
use crate::{BinaryType, CloseEvent, Error, Message};
use random::Random;

/// A point in time, as a duration since an origin the clock picks; only differences matter.
pub(crate) type Time = Duration;

/// Which socket an input or output is about. Each attempt gets a new one, so that anything a
/// socket let go of still says is recognised and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct SocketId(u64);

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

/// Why a message goes out: what becomes of it if the socket refuses it, and whether it is
/// reported as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The message of the [`Core::send`] under way, sent at once.
    Send,
    /// Taken from the queue.
    Flush,
    /// Sent again after a reconnection: it awaits acknowledgement.
    Resend,
    /// The connection's [`hello`](ReconnectOptions::hello): it belongs to that connection.
    Hello,
    /// The heartbeat's ping: the layer's own business, not reported.
    Ping,
}

/// A message for a socket, and why it goes. The driver hands it to the socket, or gives it
/// back with [`Input::SendRefused`].
#[derive(Debug)]
pub(crate) struct Transmission {
    pub(crate) socket: SocketId,
    pub(crate) outgoing: Outgoing,
    pub(crate) purpose: Purpose,
}

/// What happens, as the driver reports it.
#[derive(Debug)]
pub(crate) enum Input {
    /// Where to connect is known, or changed ([`connect`](super::ReconnectingWebSocket::connect),
    /// [`open`](super::ReconnectingWebSocket::open)): a connection that was waiting for it
    /// makes its first attempt at once, after the caller's own code (so that it may set its
    /// handlers first); any other starts over there now, as after
    /// [`Input::Reconnect`]. `online` is what the browser says now, `seed` seeds the backoff's
    /// jitter.
    Connect { online: bool, seed: u64 },
    /// The socket opened; `hello` is what [`ReconnectOptions::hello`] returned for it (the
    /// driver calls the function, since it may call back into the connection).
    Opened {
        socket: SocketId,
        hello: Vec<Outgoing>,
    },
    /// A message arrived on the socket.
    Received { socket: SocketId, message: Message },
    /// The socket's `bufferedAmount` now: read before a send, or after a watch
    /// ([`Output::WatchBuffer`]) saw it drain.
    Buffered { socket: SocketId, amount: usize },
    /// The socket's `error` event (its close event follows).
    Errored { socket: SocketId },
    /// The socket refused a message (it gives it back): the browser is closing it though the
    /// core asked nothing, the server having started the closing handshake, and its close
    /// event is on its way.
    SendRefused(Transmission),
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
    /// This tab follows another tab's connection, which stands where it says (`Some`), or no
    /// more (`None`): while following, the status is the leader's, and so are the lifecycle
    /// events ([`Input::Mirror`]); those of this connection, which runs over the relay, stay
    /// inside. A send handed over answers [`Sent::Relayed`].
    Follow(Option<ConnectionStatus>),
    /// An event to tell as it is: the leader's, while following, or this tab's role.
    Mirror(ConnectionEvent),
}

/// What the core asks the driver to do, in order.
#[derive(Debug)]
pub(crate) enum Output {
    /// Make a socket for an attempt: the URL from the URL function, the protocols and binary
    /// type from the options; report [`Input::FailedToStart`] if it cannot be made.
    Open { socket: SocketId },
    /// Hand a message to the socket, which is open; report [`Input::SendRefused`] if it
    /// refuses, before polling the next output.
    Send(Transmission),
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
    /// Report [`Input::Buffered`] once the socket's `bufferedAmount` is at most `below` bytes
    /// (at once if it is).
    WatchBuffer { socket: SocketId, below: usize },
    /// Messages arriving on the live socket from now on come as this type.
    SetBinaryType {
        socket: SocketId,
        binary_type: BinaryType,
    },
    /// Listen for the machine waking up (with [`ReconnectOptions::reconnect_on_wake`]), or
    /// stop listening.
    ListenForWake(bool),
    /// The run of events starts again: streams made from now on are live.
    Reopen,
}

/// What the user hears, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Delivery {
    Event(ConnectionEvent),
    /// The run of events ended (after the last [`ConnectionEvent::Closed`]): every stream ends.
    End,
}

/// Where the connection stands, with what that stage holds.
#[derive(Debug)]
enum State {
    /// Made, and told where to connect or not yet: the first attempt starts at `attempt_at`
    /// once [`Input::Connect`] set it. Sends wait in the queue meanwhile.
    Created {
        attempt_at: Option<Time>,
    },
    /// An attempt is under way; abandoned at `deadline` (the connect timeout) if not open.
    Connecting {
        socket: SocketId,
        deadline: Option<Time>,
    },
    Open(Open),
    /// The socket refused a message: the server started the closing handshake. Sends wait in
    /// the queue for the next connection. A close event that has not come by `deadline` never
    /// will: the socket is abandoned then.
    PeerClosing {
        socket: SocketId,
        opened_at: Time,
        deadline: Time,
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

/// An open connection: its socket, what the heartbeat needs to know, and what the pacing
/// needs to know.
#[derive(Debug)]
struct Open {
    socket: SocketId,
    opened_at: Time,
    /// When anything last arrived (or the connection opened).
    last_heard: Time,
    /// When the ping that still waits for an answer went out.
    ping_sent: Option<Time>,
    /// What this connection says before the queue, still to go: its hello, then what awaited
    /// acknowledgement, in order.
    outbox: VecDeque<(Outgoing, Purpose)>,
    /// The bytes in the browser's send buffer: the last reading, plus what went out since (so
    /// never less than the truth).
    buffered: usize,
    /// A watch for the buffer to drain was asked for, and has not answered.
    watching: bool,
}

impl Open {
    /// With a heartbeat: the next moment it acts. A ping waiting for an answer is declared
    /// lost `timeout` after it went out; otherwise the next ping is due `interval` after the
    /// last thing heard.
    fn heartbeat_due(&self, options: &ReconnectOptions) -> Option<Time> {
        let heartbeat = options.heartbeat.as_ref()?;
        Some(match self.ping_sent {
            Some(sent) => sent + heartbeat.timeout,
            None => self.last_heard + heartbeat.interval,
        })
    }
}

impl State {
    /// The socket this state holds, if any.
    fn socket(&self) -> Option<SocketId> {
        match self {
            Self::Connecting { socket, .. }
            | Self::Open(Open { socket, .. })
            | Self::PeerClosing { socket, .. }
            | Self::Closing { socket } => Some(*socket),
            _ => None,
        }
    }
}

/// How long a socket the browser is closing has to deliver its close event. Browsers give the
/// closing handshake a few seconds before they drop the connection themselves.
const CLOSING_GRACE: Duration = Duration::from_secs(10);

/// Which events a handler may make stale: those that say where the connection stands, or
/// stop the run. The others (messages, sends, closes, the backlog) are facts, delivered
/// whatever comes after.
fn is_status(event: &ConnectionEvent) -> bool {
    !matches!(
        event,
        ConnectionEvent::Message(_)
            | ConnectionEvent::Sent(_)
            | ConnectionEvent::Closed(_)
            | ConnectionEvent::Backlog { .. }
            | ConnectionEvent::Role(_)
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
    /// Bumped by every change of state: an event made before a handler moved the connection
    /// on is stale by the time it would be delivered.
    epoch: u64,
    random: Random,
    outputs: VecDeque<Output>,
    /// What the user hears, stamped with the epoch at the end of the call that made it
    /// (`None` until then).
    events: VecDeque<(Option<u64>, Delivery)>,
    /// The last [`Output::Send`] polled that is reported as sent: it is, once the driver polls
    /// again without reporting it refused.
    unconfirmed: Option<Message>,
    /// The answer to the [`send`](Self::send) under way, when the socket refused its message.
    revised: Option<Result<Sent, SendError>>,
    /// The lengths of the queue and the window as last reported.
    reported_backlog: (usize, usize),
    /// The first [`Input::Connect`] came: the jitter is seeded and the wake listeners asked for.
    started: bool,
    /// While following another tab's connection: where it stands ([`Input::Follow`]).
    following: Option<ConnectionStatus>,
}

impl Core {
    /// A connection that does not connect until [`Input::Connect`].
    pub(crate) fn new(options: ReconnectOptions) -> Self {
        Self {
            options,
            state: State::Created { attempt_at: None },
            attempt: 0,
            queue: Queue::default(),
            unacknowledged: Queue::default(),
            online: true,
            next_socket: 0,
            epoch: 0,
            random: Random::new(0),
            outputs: VecDeque::new(),
            events: VecDeque::new(),
            unconfirmed: None,
            revised: None,
            reported_backlog: (0, 0),
            started: false,
            following: None,
        }
    }

    // What comes out.

    /// The next thing to do, in order; `None` when there is nothing left. Polling again after
    /// an [`Output::Send`] says that the socket took the message.
    pub(crate) fn poll_output(&mut self) -> Option<Output> {
        if let Some(message) = self.unconfirmed.take() {
            self.emit(ConnectionEvent::Sent(message));
        }
        let output = self.outputs.pop_front();
        match &output {
            Some(Output::Send(transmission)) if transmission.purpose != Purpose::Ping => {
                self.unconfirmed = Some(transmission.outgoing.message.clone());
            }
            Some(_) => {}
            None => {
                self.report_backlog();
                // The call is over: what it made describes where it left the connection.
                let epoch = self.epoch;
                for (stamp, _) in &mut self.events {
                    stamp.get_or_insert(epoch);
                }
            }
        }
        output
    }

    /// The next thing the user hears, once the outputs are carried out. An event that says
    /// where the connection stands is dropped if the connection moved on since it was made
    /// (a handler called `close`, say): it would describe a state that no longer is.
    pub(crate) fn poll_event(&mut self) -> Option<Delivery> {
        while let Some((epoch, delivery)) = self.events.pop_front() {
            let current = epoch.map_or(true, |epoch| epoch == self.epoch);
            match &delivery {
                Delivery::Event(event) if current || !is_status(event) => return Some(delivery),
                Delivery::End if current => return Some(delivery),
                _ => {}
            }
        }
        None
    }

    /// When [`handle_timeout`](Self::handle_timeout) is next due, if ever.
    pub(crate) fn poll_timeout(&self) -> Option<Time> {
        match &self.state {
            State::Created { attempt_at } => *attempt_at,
            State::Connecting { deadline, .. } => *deadline,
            State::Open(open) => open.heartbeat_due(&self.options),
            State::PeerClosing { deadline, .. } => Some(*deadline),
            State::Waiting { until, .. } => Some(*until),
            _ => None,
        }
    }

    // What the user reads.

    pub(crate) fn options(&self) -> &ReconnectOptions {
        &self.options
    }

    /// The socket of the attempt under way, if one is.
    pub(crate) fn attempting(&self) -> Option<SocketId> {
        match self.state {
            State::Connecting { socket, .. } => Some(socket),
            _ => None,
        }
    }

    /// The socket while open: what is sent now goes out on it.
    pub(crate) fn open_socket(&self) -> Option<SocketId> {
        match &self.state {
            State::Open(open) => Some(open.socket),
            _ => None,
        }
    }

    /// The socket the core holds (an attempt, open, or closing), if any.
    pub(crate) fn socket(&self) -> Option<SocketId> {
        self.state.socket()
    }

    pub(crate) fn queue(&self) -> &Queue {
        &self.queue
    }

    pub(crate) fn unacknowledged(&self) -> &Queue {
        &self.unacknowledged
    }

    /// The first [`Input::Connect`] came.
    pub(crate) fn started(&self) -> bool {
        self.started
    }

    pub(crate) fn status(&self) -> ConnectionStatus {
        if let Some(following) = &self.following {
            return following.clone();
        }
        let attempt = self.attempt;
        match &self.state {
            State::Created { attempt_at: None } => ConnectionStatus::Idle,
            State::Created { .. } | State::Connecting { .. } => {
                ConnectionStatus::Connecting { attempt }
            }
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

    // What goes in.

    /// Sends now if open and nothing waits before it, otherwise queues. The answer is the
    /// truth once the outputs are carried out: see [`settle`](Self::settle).
    pub(crate) fn send(&mut self, _now: Time, outgoing: Outgoing) -> Result<Sent, SendError> {
        let limits = self.options.queue;
        match &self.state {
            State::Stopped | State::Closing { .. } => Err(SendError::Closed(outgoing.message)),
            State::Open(open) if open.outbox.is_empty() && self.queue.is_empty() => {
                let socket = open.socket;
                let kept = self.acknowledging() && outgoing.relayed.is_none();
                if kept && !self.unacknowledged.fits(&outgoing, limits) {
                    return Err(SendError::Unacknowledged(outgoing.message));
                }
                if self.room_for(&outgoing) {
                    self.transmit(socket, outgoing, Purpose::Send);
                    return Ok(Sent::Now);
                }
                // The browser's buffer is full: it waits its turn, and the drain resumes it.
                let bytes = outgoing.bytes;
                let queued = self.enqueue(outgoing, limits);
                self.watch_buffer(bytes);
                queued
            }
            _ => self.enqueue(outgoing, limits),
        }
    }

    fn enqueue(
        &mut self,
        outgoing: Outgoing,
        limits: super::QueueLimits,
    ) -> Result<Sent, SendError> {
        self.queue
            .push(outgoing, limits)
            .map(|()| Sent::Queued)
            .map_err(|refused| SendError::QueueFull(refused.message))
    }

    /// Whether a send now would go out at once (as [`Sent::Now`]), or the connection is
    /// stopped (so that a send now answers at once too): what `send_ready()` waits for.
    pub(crate) fn ready_to_send(&self) -> bool {
        match &self.state {
            State::Open(open) => {
                let limits = self.options.queue;
                let window = !self.acknowledging()
                    || (self.unacknowledged.len() < limits.max_messages
                        && self.unacknowledged.bytes() < limits.max_bytes);
                let buffer = self.options.flow_control.map_or(true, |flow| {
                    open.buffered == 0 || open.buffered < flow.high_water_mark
                });
                open.outbox.is_empty() && self.queue.is_empty() && window && buffer
            }
            state => matches!(state, State::Stopped | State::GaveUp | State::Failed(_)),
        }
    }

    /// Whether the browser's buffer has room for `outgoing` now: flow control is off, the
    /// buffer is empty (a message larger than the mark goes alone), or it stays within the
    /// high-water mark.
    fn room_for(&self, outgoing: &Outgoing) -> bool {
        let (State::Open(open), Some(flow)) = (&self.state, self.options.flow_control) else {
            return true;
        };
        open.buffered == 0 || open.buffered + outgoing.bytes <= flow.high_water_mark
    }

    /// Asks for word once the buffer has drained to the low-water mark, or lower if the next
    /// message, of `next` bytes, would not fit above it (to empty, for one larger than the
    /// high-water mark): then it goes. Unless asked already.
    fn watch_buffer(&mut self, next: usize) {
        let Some(flow) = self.options.flow_control else {
            return;
        };
        let State::Open(open) = &mut self.state else {
            return;
        };
        if !mem::replace(&mut open.watching, true) {
            let fits_above = flow.high_water_mark.saturating_sub(next);
            let (socket, below) = (open.socket, flow.low_water_mark.min(fits_above));
            self.outputs
                .push_back(Output::WatchBuffer { socket, below });
        }
    }

    /// The answer to the [`send`](Self::send) just made, once its outputs are carried out:
    /// `answer` itself, unless the socket refused the message (see [`Input::SendRefused`]).
    pub(crate) fn settle(&mut self, answer: Result<Sent, SendError>) -> Result<Sent, SendError> {
        match self.revised.take().unwrap_or(answer) {
            // Handed to the leading tab, which sends it on the shared socket.
            Ok(Sent::Now) if self.following.is_some() => Ok(Sent::Relayed),
            answer => answer,
        }
    }

    /// Takes every queued message out of the queue, oldest first.
    pub(crate) fn drain_queue(&mut self, _now: Time) -> Vec<Message> {
        self.queue.drain()
    }

    /// Gives up on every message that awaits acknowledgement; what the queue held behind a
    /// full window goes now.
    pub(crate) fn drain_unacknowledged(&mut self, _now: Time) -> Vec<Message> {
        let drained = self.unacknowledged.drain();
        self.flush();
        drained
    }

    pub(crate) fn handle(&mut self, now: Time, input: Input) {
        match input {
            Input::Connect { online, seed } => {
                self.online = online;
                if !mem::replace(&mut self.started, true) {
                    self.random = Random::new(seed);
                    if self.options.reconnect_on_wake {
                        self.outputs.push_back(Output::ListenForWake(true));
                    }
                }
                if let State::Created { attempt_at: None } = self.state {
                    self.enter(State::Created {
                        attempt_at: Some(now),
                    });
                } else {
                    self.reconnect(now);
                }
            }
            Input::Opened { socket, hello } => self.opened(now, socket, hello),
            Input::Received { socket, message } => self.received(now, socket, message),
            Input::Buffered { socket, amount } => {
                if let State::Open(open) = &mut self.state {
                    if open.socket == socket {
                        open.buffered = amount;
                        open.watching = false;
                        self.flush();
                    }
                }
            }
            Input::Errored { socket } => {
                // A fact about the socket the core holds, until the user closed it.
                let live = match &self.state {
                    State::Connecting { socket: held, .. }
                    | State::Open(Open { socket: held, .. })
                    | State::PeerClosing { socket: held, .. } => *held == socket,
                    _ => false,
                };
                if live {
                    self.emit(ConnectionEvent::Error);
                }
            }
            Input::SendRefused(transmission) => self.refused(now, transmission),
            Input::Closed {
                socket,
                event,
                reconnect,
            } => self.closed(now, socket, event, reconnect),
            Input::FailedToStart { socket, error } => {
                if matches!(self.state, State::Connecting { socket: s, .. } if s == socket) {
                    self.enter(State::Failed(error.clone()));
                    self.emit(ConnectionEvent::Failed(error));
                }
            }
            Input::Close(code) => self.close(code),
            Input::Reconnect => self.reconnect(now),
            Input::Wake(wake) => self.woke(now, wake),
            Input::Configure(options) => self.configure(now, *options),
            Input::Follow(following) => self.following = following,
            Input::Mirror(event) => self.events.push_back((None, Delivery::Event(event))),
        }
    }

    /// Time passed: whatever is due by `now` happens.
    pub(crate) fn handle_timeout(&mut self, now: Time) {
        if !self.poll_timeout().is_some_and(|due| due <= now) {
            return;
        }
        match &self.state {
            State::Created { .. } | State::Waiting { .. } => self.connect(now),
            State::Connecting { socket, .. } => {
                let socket = *socket;
                self.abandon(socket, "connect timeout");
            }
            State::Open(_) => self.heartbeat_due(now),
            State::PeerClosing { socket, .. } => {
                let socket = *socket;
                self.abandon(socket, "closing handshake timeout");
            }
            _ => {}
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
        // Following, the relay's own lifecycle is not the shared connection's: the leader's,
        // mirrored, is what is heard. A close this tab asked for is its own.
        let relay_life = matches!(
            event,
            ConnectionEvent::Connecting { .. }
                | ConnectionEvent::Open
                | ConnectionEvent::Closed(_)
                | ConnectionEvent::Reconnecting { .. }
                | ConnectionEvent::GaveUp { .. }
                | ConnectionEvent::Offline
                | ConnectionEvent::Error
        );
        if self.following.is_some() && relay_life {
            return;
        }
        self.events.push_back((None, Delivery::Event(event)));
    }

    fn end(&mut self) {
        self.events.push_back((None, Delivery::End));
    }

    /// Reports the queue's and the window's lengths if they changed since last reported: once
    /// per call, after everything it did.
    fn report_backlog(&mut self) {
        let backlog = (self.queue.len(), self.unacknowledged.len());
        if backlog != self.reported_backlog {
            self.reported_backlog = backlog;
            let (queued, unacknowledged) = backlog;
            self.emit(ConnectionEvent::Backlog {
                queued,
                unacknowledged,
            });
        }
    }

    /// Sends an application message on the open socket, and keeps it until acknowledged (when
    /// acknowledging; the caller checked that it fits).
    fn transmit(&mut self, socket: SocketId, outgoing: Outgoing, purpose: Purpose) {
        if self.acknowledging() && outgoing.relayed.is_none() {
            self.unacknowledged.push_accepted(outgoing.clone());
        }
        self.put_on_the_wire(socket, outgoing, purpose);
    }

    fn put_on_the_wire(&mut self, socket: SocketId, outgoing: Outgoing, purpose: Purpose) {
        if let State::Open(open) = &mut self.state {
            open.buffered += outgoing.bytes;
        }
        self.outputs.push_back(Output::Send(Transmission {
            socket,
            outgoing,
            purpose,
        }));
        self.watch_if_full();
    }

    /// At the high-water mark, `send_ready()` waits: it needs word of the drain, even with
    /// nothing queued behind. (Found by the property tests, after the demo's upload stalled.)
    fn watch_if_full(&mut self) {
        let full = match (&self.state, self.options.flow_control) {
            (State::Open(open), Some(flow)) => open.buffered >= flow.high_water_mark,
            _ => false,
        };
        if full {
            // Room for one byte more: below the mark, and at most the low-water mark.
            self.watch_buffer(1);
        }
    }

    /// Starts an attempt now; or, with `reconnect_on_wake` and the browser offline, waits for
    /// it to be online.
    fn connect(&mut self, now: Time) {
        self.outputs.push_back(Output::Reopen);
        if self.options.reconnect_on_wake && !self.online {
            self.enter(State::Offline);
            return self.emit(ConnectionEvent::Offline);
        }
        self.next_socket += 1;
        let socket = SocketId(self.next_socket);
        let deadline = self.options.connect_timeout.map(|timeout| now + timeout);
        self.enter(State::Connecting { socket, deadline });
        self.outputs.push_back(Output::Open { socket });
        self.emit(ConnectionEvent::Connecting {
            attempt: self.attempt,
        });
    }

    fn opened(&mut self, now: Time, socket: SocketId, hello: Vec<Outgoing>) {
        if !matches!(self.state, State::Connecting { socket: s, .. } if s == socket) {
            return;
        }
        // The hello belongs to this connection: first, never queued, never resent. What was
        // sent and not acknowledged goes again, in order, then the queue: all paced by the
        // browser's buffer.
        let hello = hello.into_iter().map(|outgoing| (outgoing, Purpose::Hello));
        let resend = self.unacknowledged.iter().cloned();
        let outbox = hello
            .chain(resend.map(|outgoing| (outgoing, Purpose::Resend)))
            .collect();
        self.enter(State::Open(Open {
            socket,
            opened_at: now,
            last_heard: now,
            ping_sent: None,
            outbox,
            buffered: 0,
            watching: false,
        }));
        self.emit(ConnectionEvent::Open);
        self.flush();
    }

    /// While open: sends what the outbox, then the queue hold, in order, as far as the
    /// browser's buffer (with flow control) and the acknowledgement window have room; asks for
    /// word of the buffer's drain when it is what stops it.
    fn flush(&mut self) {
        let State::Open(Open { socket, .. }) = self.state else {
            return;
        };
        let limits = self.options.queue;
        loop {
            let State::Open(open) = &self.state else {
                return;
            };
            if let Some((next, _)) = open.outbox.front() {
                if !self.room_for(next) {
                    return self.watch_buffer(next.bytes);
                }
                let State::Open(open) = &mut self.state else {
                    return;
                };
                if let Some((outgoing, purpose)) = open.outbox.pop_front() {
                    self.put_on_the_wire(socket, outgoing, purpose);
                }
                continue;
            }
            let Some(next) = self.queue.front() else {
                return;
            };
            // An empty window takes the next message whatever its size: one queued under
            // larger limits than today's must not wait for ever.
            let window = next.relayed.is_some()
                || self.unacknowledged.is_empty()
                || self.unacknowledged.fits(next, limits);
            if self.acknowledging() && !window {
                return;
            }
            if !self.room_for(next) {
                return self.watch_buffer(next.bytes);
            }
            if let Some(outgoing) = self.queue.pop() {
                self.transmit(socket, outgoing, Purpose::Flush);
            }
        }
    }

    /// The socket refused `refused`: the browser is closing it. Everything else on its way to
    /// that socket comes back too; application messages go back to the front of the queue in
    /// their order (or stay in the window, when acknowledging, to go again after the
    /// reconnection); the hello and pings belonged to that connection.
    fn refused(&mut self, now: Time, refused: Transmission) {
        let socket = refused.socket;
        let mut taken = vec![refused];
        for output in mem::take(&mut self.outputs) {
            match output {
                Output::Send(transmission) if transmission.socket == socket => {
                    taken.push(transmission);
                }
                other => self.outputs.push_back(other),
            }
        }
        // The last send polled was refused: it is not reported as sent.
        self.unconfirmed = None;
        if let State::Open(open) = &self.state {
            if open.socket == socket {
                // Not a change the events describe (the status stays open until the close
                // event): what they reported, the open included, still holds.
                let opened_at = open.opened_at;
                let deadline = now + CLOSING_GRACE;
                self.state = State::PeerClosing {
                    socket,
                    opened_at,
                    deadline,
                };
            }
        }
        let acknowledging = self.acknowledging();
        let limits = self.options.queue;
        let mut back = Vec::new();
        for transmission in taken {
            match transmission.purpose {
                // Already in the window, to go again after the reconnection.
                Purpose::Send | Purpose::Flush | Purpose::Resend
                    if acknowledging && transmission.outgoing.relayed.is_none() =>
                {
                    if transmission.purpose == Purpose::Send {
                        self.revised = Some(Ok(Sent::Queued));
                    }
                }
                Purpose::Send => {
                    // Not accepted yet: it must fit, as a queued send must.
                    if self.queue.fits(&transmission.outgoing, limits) {
                        self.revised = Some(Ok(Sent::Queued));
                        back.push(transmission.outgoing);
                    } else {
                        self.revised =
                            Some(Err(SendError::QueueFull(transmission.outgoing.message)));
                    }
                }
                Purpose::Flush => back.push(transmission.outgoing),
                Purpose::Resend | Purpose::Hello | Purpose::Ping => {}
            }
        }
        for outgoing in back.into_iter().rev() {
            self.queue.put_back(outgoing);
        }
    }

    fn received(&mut self, now: Time, socket: SocketId, message: Message) {
        match &mut self.state {
            State::Open(open) if open.socket == socket => {
                open.last_heard = now;
                // Anything heard answers the ping.
                open.ping_sent = None;
            }
            // Sent before the server's Close frame: still delivered.
            State::PeerClosing {
                socket: closing, ..
            } if *closing == socket => {}
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
        if acknowledged {
            // Room in the window: what waits goes now.
            self.flush();
        }
    }

    /// While open with a heartbeat, at its due time: gives up on the connection if the ping
    /// went unanswered for `timeout`, or pings after `interval` of silence.
    fn heartbeat_due(&mut self, now: Time) {
        let State::Open(open) = &self.state else {
            return;
        };
        if open.ping_sent.is_some() {
            let socket = open.socket;
            self.abandon(socket, "heartbeat timeout");
        } else {
            self.ping(now);
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
        // Not measured: a ping is small, and measuring a Blob would ask the browser.
        let ping = Outgoing {
            message: heartbeat.ping.clone(),
            bytes: 0,
            relayed: None,
        };
        let socket = open.socket;
        self.put_on_the_wire(socket, ping, Purpose::Ping);
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
        self.emit(ConnectionEvent::Closed(event));
        if matches!(left, State::Closing { .. }) || !reconnect {
            return self.end();
        }
        if self
            .options
            .max_attempts
            .is_some_and(|max| self.attempt >= max)
        {
            self.enter(State::GaveUp);
            let attempts = self.attempt;
            return self.emit(ConnectionEvent::GaveUp { attempts });
        }
        self.attempt += 1;
        let attempt = self.attempt;
        let delay = self.options.backoff.delay(attempt, self.random.next_f64());
        self.enter(State::Waiting {
            delay,
            until: now + delay,
        });
        self.emit(ConnectionEvent::Reconnecting { attempt, delay });
    }

    /// Stops: a live socket is closed and its close event is the last event; otherwise the
    /// last event is a `Closed` with 1005 (no status), now.
    fn close(&mut self, code: Option<(u16, String)>) {
        // This tab stops: its own status from now on, whatever the other tabs do.
        self.following = None;
        match &self.state {
            State::Connecting { socket, .. }
            | State::Open(Open { socket, .. })
            | State::PeerClosing { socket, .. } => {
                let socket = *socket;
                self.outputs.push_back(Output::Close { socket, code });
                self.enter(State::Closing { socket });
                self.emit(ConnectionEvent::Closing);
            }
            State::Closing { .. } | State::Stopped => {}
            State::Created { .. }
            | State::Waiting { .. }
            | State::GaveUp
            | State::Failed(_)
            | State::Offline => {
                self.enter(State::Stopped);
                self.emit(ConnectionEvent::Closed(CloseEvent {
                    code: 1005,
                    reason: String::new(),
                    was_clean: true,
                }));
                self.end();
            }
        }
    }

    /// Starts over now, with the attempt counter reset, letting go of any socket. A connection
    /// not told where to connect yet stays as it is.
    fn reconnect(&mut self, now: Time) {
        if let State::Created { attempt_at: None } = self.state {
            return;
        }
        self.attempt = 0;
        if let Some(socket) = self.state.socket() {
            self.outputs.push_back(Output::Release { socket });
        }
        self.connect(now);
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
                self.enter(State::Offline);
                self.emit(ConnectionEvent::Offline);
            }
            (_, Wake::Offline) => {}
            (State::Created { attempt_at: None } | State::Closing { .. } | State::Stopped, _) => {}
            // Its socket was closed while the page sat in the cache: the close event, if it
            // comes at all, would only start a backoff. Its events are ignored from now on.
            (_, Wake::Restored) => self.reconnect(now),
            (State::Waiting { .. } | State::GaveUp | State::Offline, _) => self.reconnect(now),
            // A socket left half-dead by a sleep is found within the heartbeat's timeout.
            (State::Open(_), _) => self.ping(now),
            _ => {}
        }
    }

    /// New options: they apply from the next attempt, open or call on.
    fn configure(&mut self, now: Time, options: ReconnectOptions) {
        if options.acknowledge.is_none() {
            // Nothing will acknowledge them any more.
            self.unacknowledged.drain();
        }
        if options.binary_type != self.options.binary_type {
            if let Some(socket) = self.state.socket() {
                let binary_type = options.binary_type;
                self.outputs.push_back(Output::SetBinaryType {
                    socket,
                    binary_type,
                });
            }
        }
        if self.started && options.reconnect_on_wake != self.options.reconnect_on_wake {
            self.outputs
                .push_back(Output::ListenForWake(options.reconnect_on_wake));
        }
        let had_heartbeat = self.options.heartbeat.is_some();
        self.options = options;
        self.watch_if_full();
        if !self.options.reconnect_on_wake && matches!(self.state, State::Offline) {
            // Only `reconnect_on_wake` waits for the network: without it, nothing would end
            // the wait. (Found by the property tests.)
            self.connect(now);
        }
        if let State::Open(open) = &mut self.state {
            if self.options.heartbeat.is_none() || !had_heartbeat {
                // No ping awaits an answer under a heartbeat that did not send it.
                open.ping_sent = None;
            }
        }
        // What is due under the new heartbeat happens now; the rest at its time. (The other
        // deadlines, a backoff's and a connect timeout's, were set by the old options.)
        if let State::Open(open) = &self.state {
            if open
                .heartbeat_due(&self.options)
                .is_some_and(|due| due <= now)
            {
                self.heartbeat_due(now);
            }
        }
        // The window may have grown.
        self.flush();
    }
}
