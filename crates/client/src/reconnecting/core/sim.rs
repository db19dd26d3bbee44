//! A simulated driver for the core, for the native tests: sockets, a network and a server
//! that exist only as data, and a virtual clock whose timers fire exactly at their deadlines.
//! Tests drive it step by step; as it carries out the core's outputs it checks what must hold
//! at every moment, and records each [`Invariant`] broken, with what broke it.

use std::collections::{HashMap, HashSet, VecDeque};

use super::{Core, Input, Output, SocketId, Time, Timer, Wake};
use crate::{
    reconnecting::{ConnectionEvent, ReconnectOptions, SendError, Sent},
    CloseEvent, Message,
};

/// What must hold, whatever happens (see `properties.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Invariant {
    /// With acknowledgements, every accepted message reaches the server at least once.
    AtLeastOnce,
    /// With acknowledgements, messages reach the server for the first time in the order sent.
    FirstDeliveriesInOrder,
    /// Without acknowledgements, no message reaches the server twice.
    NoDuplicates,
    /// Nothing is sent on a socket that is not open.
    SendOnlyWhenOpen,
    /// Never more than one socket.
    OneSocket,
    /// The queue and the window stay within their limits.
    Bounds,
    /// Every backoff delay is within its bounds, and is the delay waited.
    BackoffBounds,
    /// After `close()`, nothing happens but `Closed`.
    NothingAfterClose,
    /// An open connection with room in its window has an empty queue.
    NoStall,
    /// The heartbeat pings once `interval` passed in silence: not before, not after.
    PingOnTime,
    /// The heartbeat declares the connection dead `timeout` after an unanswered ping: not
    /// before, not after.
    DeadOnTime,
}

/// Where a simulated socket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Connecting,
    Open,
    /// The core asked to close it; the server has not finished the handshake yet.
    Closing,
}

/// The one socket the core holds, as the network and the server see it.
#[derive(Debug)]
pub(super) struct SimSocket {
    pub(super) id: SocketId,
    pub(super) phase: Phase,
    /// Sent, not yet at the server: lost if the connection is cut.
    pub(super) in_flight: VecDeque<Message>,
    /// Application messages the server received and has not echoed back yet.
    pub(super) unechoed: VecDeque<Message>,
}

pub(super) struct Sim {
    pub(super) core: Core,
    pub(super) now: Time,
    pub(super) timers: HashMap<Timer, Time>,
    pub(super) socket: Option<SimSocket>,
    /// Every event the core emitted, with when.
    pub(super) events: Vec<(Time, ConnectionEvent)>,
    /// Every message that reached the server, in order.
    pub(super) server_log: Vec<Message>,
    /// Every ping and when it went out.
    pub(super) pings: Vec<Time>,
    /// What `should_reconnect` answers.
    pub(super) reconnect_answer: bool,
    /// Whether the next socket cannot be made.
    pub(super) fail_next_open: bool,
    /// What the hello function returns.
    pub(super) hello: Vec<Message>,
    /// The ids of the application messages `send` accepted.
    pub(super) accepted: Vec<u64>,
    next_id: u64,
    /// `close()` was called, and no `reconnect()` since.
    stopped_by_user: bool,
    /// When anything last arrived on the open socket (or it opened).
    last_heard: Time,
    /// When the ping that waits for an answer went out.
    ping_at: Option<Time>,
    /// A wake-up probe (visible, online) may ping before the interval.
    probing: bool,
    /// The ids that reached the server.
    delivered: HashSet<u64>,
    /// The newest id that reached the server for the first time.
    newest_first: Option<u64>,
    pub(super) broken: Vec<(Invariant, String)>,
}

/// An application message: its id first, then padding to the length asked.
pub(super) fn message(id: u64, padding: usize) -> Message {
    Message::Text(format!("m{id}:{}", "x".repeat(padding)))
}

/// The id of an application message, if it is one.
pub(super) fn id_of(message: &Message) -> Option<u64> {
    let text = message.as_text()?.strip_prefix('m')?;
    text.split(':').next()?.parse().ok()
}

impl Sim {
    /// A connection with these options, online, its first attempt under way.
    pub(super) fn new(options: ReconnectOptions) -> Self {
        let mut sim = Self {
            core: Core::new(options, true, 7),
            now: Time::ZERO,
            timers: HashMap::new(),
            socket: None,
            events: Vec::new(),
            server_log: Vec::new(),
            pings: Vec::new(),
            reconnect_answer: true,
            fail_next_open: false,
            hello: Vec::new(),
            accepted: Vec::new(),
            next_id: 0,
            stopped_by_user: false,
            last_heard: Time::ZERO,
            ping_at: None,
            probing: false,
            delivered: HashSet::new(),
            newest_first: None,
            broken: Vec::new(),
        };
        sim.run();
        sim.fire_due();
        sim
    }

    fn broke(&mut self, invariant: Invariant, what: String) {
        self.broken.push((invariant, what));
    }

    pub(super) fn input(&mut self, input: Input) {
        if matches!(input, Input::Close(_)) {
            self.stopped_by_user = true;
        }
        if matches!(input, Input::Reconnect) {
            self.stopped_by_user = false;
        }
        // Waking up while open probes at once.
        self.probing = matches!(input, Input::Wake(Wake::Visible | Wake::Online));
        self.core.handle(self.now, input);
        self.run();
        self.probing = false;
        self.check();
    }

    /// Sends application message `id` (with `padding`), as the user would.
    pub(super) fn send(&mut self, padding: usize) -> Result<Sent, SendError> {
        self.next_id += 1;
        let id = self.next_id;
        let sent = self.core.send(message(id, padding));
        if sent.is_ok() {
            self.accepted.push(id);
        }
        self.run();
        self.check();
        sent
    }

    /// The socket, if it is the one with `id`.
    fn socket_with(&mut self, id: SocketId) -> Option<&mut SimSocket> {
        self.socket.as_mut().filter(|socket| socket.id == id)
    }

    /// Carries out the core's outputs, as the browser driver would.
    fn run(&mut self) {
        while let Some(output) = self.core.poll_output() {
            match output {
                Output::Open { socket } => {
                    if self.stopped_by_user {
                        self.broke(Invariant::NothingAfterClose, "a socket opened".into());
                    }
                    if let Some(live) = &self.socket {
                        let what = format!("{socket:?} while {:?} is live", live.id);
                        self.broke(Invariant::OneSocket, what);
                    }
                    if std::mem::take(&mut self.fail_next_open) {
                        let error = crate::Error::Syntax("refused".into());
                        self.core
                            .handle(self.now, Input::FailedToStart { socket, error });
                    } else {
                        self.socket = Some(SimSocket {
                            id: socket,
                            phase: Phase::Connecting,
                            in_flight: VecDeque::new(),
                            unechoed: VecDeque::new(),
                        });
                    }
                }
                Output::Send { socket, message } => self.sent(socket, message),
                Output::Close { socket, .. } => {
                    if let Some(live) = self.socket_with(socket) {
                        live.phase = Phase::Closing;
                    }
                }
                Output::Release { socket } => {
                    if self.socket.as_ref().is_some_and(|live| live.id == socket) {
                        self.socket = None;
                    }
                }
                Output::Abandon { socket, event } => {
                    if event.reason == "heartbeat timeout" {
                        let timeout = self.heartbeat().map_or(Time::ZERO, |(_, timeout)| timeout);
                        let due = self.ping_at.map(|ping| ping + timeout);
                        if !due.is_some_and(|due| self.now >= due) {
                            let what =
                                format!("dead at {:?}, ping at {:?}", self.now, self.ping_at);
                            self.broke(Invariant::DeadOnTime, what);
                        }
                    }
                    if self.socket.as_ref().is_some_and(|live| live.id == socket) {
                        self.socket = None;
                    }
                    let reconnect = self.reconnect_answer;
                    self.core.handle(
                        self.now,
                        Input::Closed {
                            socket,
                            event,
                            reconnect,
                        },
                    );
                }
                Output::SetTimer { timer, after } => {
                    self.timers.insert(timer, self.now + after);
                }
                Output::CancelTimer(timer) => {
                    self.timers.remove(&timer);
                }
                Output::Emit(event) => self.emitted(event),
                Output::Reopen | Output::End => {}
            }
        }
    }

    /// The heartbeat's interval and timeout, if one is configured.
    fn heartbeat(&self) -> Option<(Time, Time)> {
        let heartbeat = self.core.options().heartbeat.as_ref();
        heartbeat.map(|heartbeat| (heartbeat.interval, heartbeat.timeout))
    }

    fn sent(&mut self, socket: SocketId, message: Message) {
        if self.stopped_by_user {
            self.broke(Invariant::NothingAfterClose, format!("sent {message:?}"));
        }
        let is_ping = self
            .core
            .options()
            .heartbeat
            .as_ref()
            .is_some_and(|heartbeat| heartbeat.ping == message);
        if let (true, Some((interval, _))) = (is_ping, self.heartbeat()) {
            if !self.probing && self.now < self.last_heard + interval {
                let what = format!("ping at {:?}, last heard {:?}", self.now, self.last_heard);
                self.broke(Invariant::PingOnTime, what);
            }
            self.ping_at = Some(self.now);
            self.pings.push(self.now);
        }
        match self.socket_with(socket) {
            Some(live) if live.phase == Phase::Open => live.in_flight.push_back(message),
            _ => self.broke(
                Invariant::SendOnlyWhenOpen,
                format!("{message:?} on {socket:?}"),
            ),
        }
    }

    fn emitted(&mut self, event: ConnectionEvent) {
        if self.stopped_by_user && !matches!(event, ConnectionEvent::Closed(_)) {
            self.broke(Invariant::NothingAfterClose, format!("{event:?}"));
        }
        if let ConnectionEvent::Reconnecting { attempt, delay } = &event {
            let backoff = self.core.options().backoff;
            let exponent = attempt.saturating_sub(1).min(1024) as i32;
            let base = (backoff.initial.as_secs_f64() * backoff.factor.max(1.0).powi(exponent))
                .min(backoff.max.as_secs_f64());
            let jitter = backoff.jitter.clamp(0.0, 1.0);
            let (low, high) = (base * (1.0 - jitter) - 1e-6, base * (1.0 + jitter) + 1e-6);
            let waited = self.timers.get(&Timer::Attempt).map(|due| *due - self.now);
            if !(low..=high).contains(&delay.as_secs_f64()) || waited != Some(*delay) {
                let what = format!(
                    "attempt {attempt}: {delay:?}, waits {waited:?}, bounds {low}..{high} s"
                );
                self.broke(Invariant::BackoffBounds, what);
            }
        }
        self.events.push((self.now, event));
    }

    /// What must hold after every step.
    fn check(&mut self) {
        let limits = self.core.options().queue;
        for (name, queue) in [
            ("queue", self.core.queue()),
            ("window", self.core.unacknowledged()),
        ] {
            if queue.len() > limits.max_messages || queue.bytes() > limits.max_bytes {
                let what = format!("{name}: {} messages, {} bytes", queue.len(), queue.bytes());
                self.broken.push((Invariant::Bounds, what));
            }
        }
        if self.core.open_socket().is_some() {
            if let Some(front) = self.core.queue().front() {
                let acknowledging = self.core.options().acknowledge.is_some();
                if !acknowledging || self.core.unacknowledged().fits(front, limits) {
                    let what = format!("{} queued while open", self.core.queue().len());
                    self.broke(Invariant::NoStall, what);
                }
            }
            if let Some((interval, timeout)) = self.heartbeat() {
                match self.ping_at {
                    None if self.now >= self.last_heard + interval => {
                        let what = format!(
                            "no ping at {:?}, last heard {:?}",
                            self.now, self.last_heard
                        );
                        self.broke(Invariant::PingOnTime, what);
                    }
                    Some(ping) if self.now >= ping + timeout => {
                        let what = format!("alive at {:?}, ping at {ping:?}", self.now);
                        self.broke(Invariant::DeadOnTime, what);
                    }
                    _ => {}
                }
            }
        }
    }

    // What the network, the server and the clock do.

    /// The server accepts the socket under way.
    pub(super) fn accept(&mut self) {
        let Some(live) = self
            .socket
            .as_mut()
            .filter(|s| s.phase == Phase::Connecting)
        else {
            return;
        };
        live.phase = Phase::Open;
        let socket = live.id;
        self.last_heard = self.now;
        self.ping_at = None;
        let hello = self.hello.clone();
        self.input(Input::Opened { socket, hello });
    }

    /// The network carries up to `count` messages to the server.
    pub(super) fn deliver(&mut self, count: usize) {
        let acknowledging = self.core.options().acknowledge.is_some();
        for _ in 0..count {
            let Some(live) = self.socket.as_mut() else {
                return;
            };
            let Some(message) = live.in_flight.pop_front() else {
                return;
            };
            if let Some(id) = id_of(&message) {
                live.unechoed.push_back(message.clone());
                if self.delivered.contains(&id) {
                    if !acknowledging {
                        self.broke(Invariant::NoDuplicates, format!("m{id} twice"));
                    }
                } else {
                    if self.newest_first.is_some_and(|newest| id < newest) {
                        let what = format!("m{id} first delivered after m{:?}", self.newest_first);
                        self.broke(Invariant::FirstDeliveriesInOrder, what);
                    }
                    self.newest_first = Some(self.newest_first.map_or(id, |n| n.max(id)));
                    self.delivered.insert(id);
                }
            }
            self.server_log.push(message);
        }
    }

    /// The server says something on the open socket: `reply`, or the echo of the oldest
    /// message it has not echoed yet (which acknowledges it).
    pub(super) fn server_says(&mut self, reply: Option<Message>) {
        let Some(live) = self
            .socket
            .as_mut()
            .filter(|s| s.phase != Phase::Connecting)
        else {
            return;
        };
        let Some(message) = reply.or_else(|| live.unechoed.pop_front()) else {
            return;
        };
        let socket = live.id;
        if self.core.open_socket() == Some(socket) {
            self.last_heard = self.now;
            self.ping_at = None;
        }
        self.input(Input::Received { socket, message });
    }

    /// The connection ends with `code`: cut (1006) or closed by the server. Whatever was in
    /// flight is lost.
    pub(super) fn end(&mut self, code: u16) {
        let Some(live) = self.socket.take() else {
            return;
        };
        let event = CloseEvent {
            code,
            reason: String::new(),
            was_clean: code != 1006,
        };
        let reconnect = self.reconnect_answer;
        self.input(Input::Closed {
            socket: live.id,
            event,
            reconnect,
        });
    }

    /// The socket's error event (its close follows).
    pub(super) fn error(&mut self) {
        if let Some(live) = &self.socket {
            let socket = live.id;
            self.input(Input::Errored { socket });
        }
    }

    /// The server starts the closing handshake on the open socket.
    pub(super) fn peer_closing(&mut self) {
        if let Some(live) = self.socket.as_ref().filter(|s| s.phase == Phase::Open) {
            let socket = live.id;
            self.input(Input::PeerClosing { socket });
        }
    }

    /// Fires every timer due by now, in the order of their deadlines.
    fn fire_due(&mut self) {
        while let Some((timer, due)) = self
            .timers
            .iter()
            .map(|(timer, due)| (*timer, *due))
            .filter(|(_, due)| *due <= self.now)
            .min_by_key(|(_, due)| *due)
        {
            self.timers.remove(&timer);
            let now = self.now;
            self.now = due;
            self.input(Input::TimerFired(timer));
            self.now = now;
        }
    }

    /// Lets `duration` pass, firing each timer at its deadline.
    pub(super) fn advance(&mut self, duration: Time) {
        let target = self.now + duration;
        while let Some((timer, due)) = self
            .timers
            .iter()
            .map(|(timer, due)| (*timer, *due))
            .filter(|(_, due)| *due <= target)
            .min_by_key(|(_, due)| *due)
        {
            self.timers.remove(&timer);
            self.now = self.now.max(due);
            self.input(Input::TimerFired(timer));
        }
        self.now = target;
        self.check();
    }

    /// Lets time pass to the next timer's deadline, and fires it.
    pub(super) fn next_timer(&mut self) -> bool {
        let Some(due) = self.timers.values().min().copied() else {
            return false;
        };
        self.advance(due.saturating_sub(self.now));
        true
    }

    /// The network and the server behave, until every accepted message has reached the
    /// server (with acknowledgements, the only case where that is promised), or `steps`
    /// steps have passed.
    pub(super) fn heal(&mut self, steps: usize) {
        self.fail_next_open = false;
        self.reconnect_answer = true;
        if self.stopped_by_user || self.core.status().is_stopped() {
            self.input(Input::Reconnect);
        }
        for _ in 0..steps {
            let waiting = self.core.queue().len() + self.core.unacknowledged().len();
            match self
                .socket
                .as_ref()
                .map(|s| (s.phase, s.in_flight.len(), s.unechoed.len()))
            {
                Some((Phase::Connecting, ..)) => self.accept(),
                Some((Phase::Closing, ..)) => self.end(1000),
                Some((Phase::Open, in_flight, _)) if in_flight > 0 => self.deliver(in_flight),
                Some((Phase::Open, _, unechoed)) if unechoed > 0 => self.server_says(None),
                Some((Phase::Open, ..)) if waiting == 0 => return,
                Some((Phase::Open, ..)) => self.end(1006),
                None if matches!(self.core.status(), crate::ConnectionStatus::Offline) => {
                    self.input(Input::Wake(Wake::Online))
                }
                None if self.core.status().is_stopped() => self.input(Input::Reconnect),
                None => {
                    self.next_timer();
                }
            }
        }
    }

    /// Whether every accepted message reached the server; records the broken invariant if not.
    pub(super) fn check_at_least_once(&mut self) {
        let missing: Vec<u64> = self
            .accepted
            .iter()
            .copied()
            .filter(|id| !self.delivered.contains(id))
            .collect();
        if !missing.is_empty() {
            self.broke(
                Invariant::AtLeastOnce,
                format!("never delivered: {missing:?}"),
            );
        }
    }
}
