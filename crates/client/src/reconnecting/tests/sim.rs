//! A real [`ReconnectingWebSocket`], its real driver and core, over the in-memory network: a
//! server that exists only as data, and a virtual clock whose deadlines come exactly on time.
//! Tests move it step by step, as the network, the server, the clock and the user; after each
//! step it checks what must hold, from what the public API answers, what the events say and
//! what went on the wire, and records each [`Invariant`] broken, with what broke it.
//!
//! Why one file of this length: the simulator and the invariants it checks after each step are
//! read together; each invariant is a few lines next to the state it reads.

use std::{
    cell::{Cell, RefCell},
    collections::{HashMap, HashSet, VecDeque},
    rc::Rc,
    time::Duration,
};

use crate::{
    reconnecting::{
        core::{Time, Wake},
        transport::memory::Network,
        ConnectionEvent, QueueLimits, ReconnectOptions, ReconnectingWebSocket, SendError, Sent,
        Subscription, WeakReconnectingWebSocket,
    },
    CloseEvent, ConnectionStatus, Message, ReadyState,
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
    /// Nothing is sent on a socket still connecting.
    SendOnlyWhenOpen,
    /// Never more than one socket.
    OneSocket,
    /// The queue and the window stay within their limits.
    Bounds,
    /// Every backoff delay is within its bounds, and is the delay waited.
    BackoffBounds,
    /// After `close()`, nothing happens but `Closed`.
    NothingAfterClose,
    /// An open connection with room in its window has an empty queue, and with an empty
    /// buffer too, `send_ready()` resolves.
    NoStall,
    /// The heartbeat pings once `interval` passed in silence: not before, not after.
    PingOnTime,
    /// The heartbeat declares the connection dead `timeout` after an unanswered ping: not
    /// before, not after.
    DeadOnTime,
    /// A socket the server accepts, and the client still wants, is heard to open.
    EveryOpenHeard,
    /// With flow control, never more than the high-water mark waits in the browser's send
    /// buffer, or one message alone.
    Paced,
    /// What is reported as sent is what went on the wire, no more, no less.
    SentIsTrue,
    /// Every message the user handed over and did not take back is on the wire, queued, or
    /// awaiting acknowledgement: none vanishes.
    NothingLost,
    /// A send's answer is the truth: `Ok(Sent::Now)` put the message on the wire in that call,
    /// anything else did not.
    TruthfulAnswer,
}

/// What a handler does when an event comes, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Act {
    /// Sends a message of this many bytes of padding.
    Send(usize),
    Close,
    Reconnect,
    DrainQueue,
    DrainUnacknowledged,
}

/// Which events a reaction waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EventKind {
    Connecting,
    Open,
    Message,
    Sent,
    Closed,
    Reconnecting,
}

impl EventKind {
    fn matches(self, event: &ConnectionEvent) -> bool {
        matches!(
            (self, event),
            (Self::Connecting, ConnectionEvent::Connecting { .. })
                | (Self::Open, ConnectionEvent::Open)
                | (Self::Message, ConnectionEvent::Message(_))
                | (Self::Sent, ConnectionEvent::Sent(_))
                | (Self::Closed, ConnectionEvent::Closed(_))
                | (Self::Reconnecting, ConnectionEvent::Reconnecting { .. })
        )
    }
}

/// What the sim keeps track of, shared with the listener (which may act as the user).
#[derive(Default)]
pub(super) struct Record {
    /// Every event delivered, with when.
    pub(super) events: Vec<(Time, ConnectionEvent)>,
    /// The ids of the application messages the user handed over and did not take back.
    pub(super) accepted: Vec<u64>,
    next_id: u64,
    /// The user called `close()`, and no `reconnect()` since.
    stopped_by_user: bool,
    /// Then, how many messages had gone on the wire.
    wire_at_close: Option<usize>,
    /// The next attempt must start at this time, unless the user intervenes.
    attempt_due: Option<Time>,
    /// A reaction armed for the next event of a kind.
    reaction: Option<(EventKind, Act)>,
    pub(super) broken: Vec<(Invariant, String)>,
}

impl Record {
    fn broke(&mut self, invariant: Invariant, what: String) {
        // The first few of each say enough.
        if self
            .broken
            .iter()
            .filter(|(held, _)| *held == invariant)
            .count()
            < 3
        {
            self.broken.push((invariant, what));
        }
    }
}

pub(super) struct Sim {
    pub(super) network: Network,
    pub(super) connection: ReconnectingWebSocket,
    pub(super) record: Rc<RefCell<Record>>,
    _listening: Subscription,
    /// What `should_reconnect` answers.
    reconnect_answer: Rc<Cell<bool>>,
    /// Every message that reached the server, in order.
    pub(super) server_log: Vec<Message>,
    /// The application messages each link's server read and has not echoed yet.
    unechoed: HashMap<usize, VecDeque<Message>>,
    /// How many messages of each link the checks have looked at.
    seen_sent: HashMap<usize, usize>,
    /// The largest queue limits set so far: a smaller limit keeps what the queue held.
    limits: QueueLimits,
    /// The flow control changed on the open socket: what its buffer held stays.
    flow_changed: bool,
    /// Every ping and when it went out.
    pub(super) pings: Vec<Time>,
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

/// Sends application message `id` on `connection`, and checks that the answer tells the truth
/// about the wire.
fn send_checked(
    connection: &ReconnectingWebSocket,
    network: &Network,
    record: &RefCell<Record>,
    padding: usize,
) -> Result<Sent, SendError> {
    let id = {
        // Counted as accepted before the call: a handler may take it back from inside it.
        let mut record = record.borrow_mut();
        record.next_id += 1;
        let id = record.next_id;
        record.accepted.push(id);
        id
    };
    let before = total_sent(network);
    let answer = connection.send(message(id, padding));
    let new = total_sent(network) - before;
    let on_the_wire = (0..network.links()).any(|index| {
        network
            .link(index, |link| {
                let mut latest = link.sent.iter().rev().take(new);
                latest.any(|(_, sent)| id_of(sent) == Some(id))
            })
            .unwrap_or(false)
    });
    let mut record = record.borrow_mut();
    if answer.is_err() {
        record.accepted.retain(|accepted| *accepted != id);
    }
    if on_the_wire != (answer == Ok(Sent::Now)) {
        let what = format!("m{id}: {answer:?}, on the wire: {on_the_wire}");
        record.broke(Invariant::TruthfulAnswer, what);
    }
    answer
}

/// How many messages went on the wire, on every link.
fn total_sent(network: &Network) -> usize {
    (0..network.links())
        .filter_map(|index| network.link(index, |link| link.sent.len()))
        .sum()
}

/// Forgets the expectations for messages the user took back.
fn taken_back(record: &RefCell<Record>, drained: &[Message]) {
    let ids: HashSet<u64> = drained.iter().filter_map(id_of).collect();
    record.borrow_mut().accepted.retain(|id| !ids.contains(id));
}

/// Carries out `act` as a user's call, from wherever it is made.
fn act(connection: &ReconnectingWebSocket, network: &Network, record: &RefCell<Record>, act: Act) {
    match act {
        Act::Send(padding) => {
            let _ = send_checked(connection, network, record, padding);
        }
        Act::Close => {
            {
                // Before the call: a handler may reconnect from inside it.
                let mut record = record.borrow_mut();
                record.stopped_by_user = true;
                record.wire_at_close = Some(total_sent(network));
                record.attempt_due = None;
            }
            connection.close();
        }
        Act::Reconnect => {
            {
                let mut record = record.borrow_mut();
                record.stopped_by_user = false;
                record.wire_at_close = None;
                record.attempt_due = None;
            }
            connection.reconnect();
        }
        Act::DrainQueue => taken_back(record, &connection.drain_queue()),
        Act::DrainUnacknowledged => taken_back(record, &connection.drain_unacknowledged()),
    }
}

impl Sim {
    /// A connection with these options to `ws://sim/`, online, its first attempt under way.
    pub(super) fn new(options: ReconnectOptions) -> Self {
        let limits = options.queue;
        let network = Network::default();
        // The script ends each connection the client closes (`end`, `heal`).
        network.answer_closes(false);
        let reconnect_answer = Rc::new(Cell::new(true));
        let answer = reconnect_answer.clone();
        let options = ReconnectOptions {
            should_reconnect: Rc::new(move |_| answer.get()),
            ..options
        };
        let connection =
            ReconnectingWebSocket::on(options, Rc::new(network.clone()), Rc::new(network.clock()))
                .expect("valid options");
        let record = Rc::new(RefCell::new(Record::default()));
        let listening = {
            let (record, network) = (record.clone(), network.clone());
            let weak: WeakReconnectingWebSocket = connection.downgrade();
            connection.subscribe(move |event| {
                let Some(connection) = weak.upgrade() else {
                    return;
                };
                let reaction = {
                    let options = connection.options();
                    let mut held = record.borrow_mut();
                    let now = network.now();
                    Self::heard(&mut held, &network, &options, now, &event);
                    let due = held
                        .reaction
                        .filter(|(kind, _)| kind.matches(&event))
                        .map(|(_, act)| act);
                    if due.is_some() {
                        held.reaction = None;
                    }
                    due
                };
                if let Some(reaction) = reaction {
                    act(&connection, &network, &record, reaction);
                }
            })
        };
        connection
            .connect("ws://sim/")
            .expect("the in-memory network takes ws: URLs");
        let mut sim = Self {
            network,
            connection,
            record,
            _listening: listening,
            reconnect_answer,
            server_log: Vec::new(),
            unechoed: HashMap::new(),
            seen_sent: HashMap::new(),
            limits,
            flow_changed: false,
            pings: Vec::new(),
            last_heard: Time::ZERO,
            ping_at: None,
            probing: false,
            delivered: HashSet::new(),
            newest_first: None,
        };
        // The first attempt, due at once.
        sim.network.advance(Duration::ZERO);
        sim.check();
        sim
    }

    /// What the listener checks as each event is heard.
    fn heard(
        record: &mut Record,
        network: &Network,
        options: &ReconnectOptions,
        now: Time,
        event: &ConnectionEvent,
    ) {
        // What went out before the close is still reported (the wire count checks that
        // nothing goes out after it).
        let allowed_after_close = matches!(
            event,
            ConnectionEvent::Closed(_)
                | ConnectionEvent::Closing
                | ConnectionEvent::Backlog { .. }
                | ConnectionEvent::Sent(_)
        );
        if record.stopped_by_user && !allowed_after_close {
            record.broke(Invariant::NothingAfterClose, format!("{event:?}"));
        }
        match event {
            ConnectionEvent::Reconnecting { attempt, delay } => {
                let backoff = options.backoff;
                let exponent = attempt.saturating_sub(1).min(1024) as i32;
                let base = (backoff.initial.as_secs_f64() * backoff.factor.max(1.0).powi(exponent))
                    .min(backoff.max.as_secs_f64());
                let jitter = backoff.jitter.clamp(0.0, 1.0);
                let (low, high) = (base * (1.0 - jitter) - 1e-6, base * (1.0 + jitter) + 1e-6);
                if !(low..=high).contains(&delay.as_secs_f64()) {
                    let what = format!("attempt {attempt}: {delay:?}, bounds {low}..{high} s");
                    record.broke(Invariant::BackoffBounds, what);
                }
                record.attempt_due = Some(now + *delay);
            }
            // The wait ends with the network's return, whenever that comes.
            ConnectionEvent::Offline => record.attempt_due = None,
            ConnectionEvent::Connecting { .. } => {
                if let Some(due) = record.attempt_due.take() {
                    if now != due {
                        let what = format!("attempt at {now:?}, due at {due:?}");
                        record.broke(Invariant::BackoffBounds, what);
                    }
                }
            }
            ConnectionEvent::Closed(close) if close.reason == "heartbeat timeout" => {
                // Not before its time: `timeout` after the last ping on the socket let go.
                let ping = options
                    .heartbeat
                    .as_ref()
                    .map(|heartbeat| heartbeat.ping.clone());
                let last_ping = network.links().checked_sub(1).and_then(|index| {
                    network.link(index, |link| {
                        let mut pings = link
                            .sent
                            .iter()
                            .filter(|(_, sent)| Some(sent) == ping.as_ref());
                        pings.next_back().map(|(at, _)| *at)
                    })?
                });
                let timeout = options
                    .heartbeat
                    .as_ref()
                    .map(|heartbeat| heartbeat.timeout);
                let due = last_ping.zip(timeout).map(|(ping, timeout)| ping + timeout);
                if !due.is_some_and(|due| now >= due) {
                    let what = format!("dead at {now:?}, last ping at {last_ping:?}");
                    record.broke(Invariant::DeadOnTime, what);
                }
            }
            _ => {}
        }
        record.events.push((now, event.clone()));
    }

    pub(super) fn options(&self) -> ReconnectOptions {
        self.connection.options()
    }

    pub(super) fn status(&self) -> ConnectionStatus {
        self.connection.status()
    }

    /// The events heard so far.
    pub(super) fn events(&self) -> Vec<(Time, ConnectionEvent)> {
        self.record.borrow().events.clone()
    }

    pub(super) fn broken(&self) -> Vec<(Invariant, String)> {
        self.record.borrow().broken.clone()
    }

    fn broke(&self, invariant: Invariant, what: String) {
        self.record.borrow_mut().broke(invariant, what);
    }

    /// The link the client opened last, if it still holds it.
    fn current(&self) -> Option<usize> {
        let index = self.network.links().checked_sub(1)?;
        let held = self.network.link(index, |link| !link.released)?;
        held.then_some(index)
    }

    fn current_state(&self) -> Option<(usize, ReadyState)> {
        let index = self.current()?;
        Some((index, self.network.link(index, |link| link.ready_state)?))
    }

    // What the user does.

    /// Sends the next application message (with `padding`), as the user would.
    pub(super) fn send(&mut self, padding: usize) -> Result<Sent, SendError> {
        let sent = send_checked(&self.connection, &self.network, &self.record, padding);
        self.check();
        sent
    }

    /// A user's call.
    pub(super) fn act(&mut self, call: Act) {
        act(&self.connection, &self.network, &self.record, call);
        self.check();
    }

    /// New options (the reconnect predicate stays the sim's).
    pub(super) fn configure(&mut self, options: ReconnectOptions) {
        let options = ReconnectOptions {
            should_reconnect: self.connection.options().should_reconnect,
            ..options
        };
        if options.heartbeat.is_none() {
            self.ping_at = None;
        }
        self.flow_changed |= options.flow_control != self.connection.options().flow_control;
        self.limits.max_messages = self.limits.max_messages.max(options.queue.max_messages);
        self.limits.max_bytes = self.limits.max_bytes.max(options.queue.max_bytes);
        self.connection.set_options(options).expect("valid options");
        self.check();
    }

    /// Arms a handler's call for the next event of `kind`.
    pub(super) fn react(&mut self, kind: EventKind, call: Act) {
        self.record.borrow_mut().reaction = Some((kind, call));
    }

    /// The machine wakes up, or the network goes or comes back.
    pub(super) fn wake(&mut self, wake: Wake) {
        // Waking up while open probes at once.
        self.probing = matches!(wake, Wake::Visible | Wake::Online);
        if self.connection.options().reconnect_on_wake {
            self.record.borrow_mut().attempt_due = None;
        }
        self.network.wake(wake);
        self.check();
        self.probing = false;
    }

    // What the network, the server and the clock do.

    /// What `should_reconnect` answers from now on.
    pub(super) fn answer_reconnect(&mut self, reconnect: bool) {
        self.reconnect_answer.set(reconnect);
    }

    /// The next socket cannot be made.
    pub(super) fn fail_next_open(&mut self) {
        self.network.refuse_next_open(true);
    }

    /// The server accepts the socket under way.
    pub(super) fn accept(&mut self) {
        self.accept_then(false);
    }

    /// The server accepts the socket under way, and with `closing` starts closing it at once:
    /// by the time the open event runs, the browser refuses sends.
    pub(super) fn accept_then(&mut self, closing: bool) {
        let Some((index, ReadyState::Connecting)) = self.current_state() else {
            return;
        };
        self.last_heard = self.network.now();
        self.ping_at = None;
        let opens = |sim: &Self| {
            let record = sim.record.borrow();
            let opens = record
                .events
                .iter()
                .filter(|(_, e)| *e == ConnectionEvent::Open);
            opens.count()
        };
        let before = opens(self);
        self.flow_changed = false;
        self.network.at_once(|| {
            self.network.accept(index, "");
            if closing {
                self.network.peer_closing(index);
            }
        });
        let wanted = self.network.link(index, |link| {
            !link.released && link.closed_by_client.is_none()
        });
        if wanted == Some(true) && opens(self) == before {
            self.broke(
                Invariant::EveryOpenHeard,
                format!("link {index} opened unheard"),
            );
        }
        self.check();
    }

    /// The network carries up to `count` messages to the server.
    pub(super) fn deliver(&mut self, count: usize) {
        let Some(index) = self.current() else {
            return;
        };
        let acknowledging = self.connection.options().acknowledge.is_some();
        for _ in 0..count {
            let Some(message) = self.network.read(index) else {
                break;
            };
            if let Some(id) = id_of(&message) {
                self.unechoed
                    .entry(index)
                    .or_default()
                    .push_back(message.clone());
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
        // What the reads drained wakes the client's pacing, in a task of its own.
        self.network.run();
        self.check();
    }

    /// The server says something on the current socket: `reply`, or the echo of the oldest
    /// message it has not echoed yet (which acknowledges it).
    pub(super) fn server_says(&mut self, reply: Option<Message>) {
        let Some((index, ReadyState::Open | ReadyState::Closing)) = self.current_state() else {
            return;
        };
        let Some(message) = reply.or_else(|| self.unechoed.get_mut(&index)?.pop_front()) else {
            return;
        };
        if self.connection.ready_state() == ReadyState::Open {
            self.last_heard = self.network.now();
            self.ping_at = None;
        }
        self.network.push(index, message);
        self.check();
    }

    /// The connection ends with `code`: cut (1006) or closed by the server; with `error`, the
    /// socket's error event comes first. Whatever was in flight is lost.
    pub(super) fn end(&mut self, code: u16, error: bool) {
        let Some(index) = self.current() else {
            return;
        };
        if error {
            self.network.fail(index);
        } else {
            let event = CloseEvent {
                code,
                reason: String::new(),
                was_clean: code != 1006,
            };
            self.network.closed(index, event);
        }
        self.check();
    }

    /// The server starts the closing handshake on the open socket: the browser refuses sends
    /// from now on, and the close event comes with [`end`](Self::end).
    pub(super) fn peer_closing(&mut self) {
        if let Some((index, ReadyState::Open)) = self.current_state() {
            self.network.peer_closing(index);
        }
        self.check();
    }

    /// Lets `duration` pass, each deadline coming at its time.
    pub(super) fn advance(&mut self, duration: Time) {
        let target = self.network.now() + duration;
        while let Some(due) = self.network.deadline().filter(|due| *due <= target) {
            self.network.advance(due.saturating_sub(self.network.now()));
            self.check();
        }
        self.network
            .advance(target.saturating_sub(self.network.now()));
        self.check();
    }

    /// Lets time pass to the next deadline, and lets it come.
    pub(super) fn next_timer(&mut self) -> bool {
        let moved = self.network.next_deadline();
        self.check();
        moved
    }

    /// The network and the server behave, until every accepted message has reached the
    /// server (with acknowledgements, the only case where that is promised), or `steps`
    /// steps have passed.
    pub(super) fn heal(&mut self, steps: usize) {
        self.network.refuse_next_open(false);
        self.reconnect_answer.set(true);
        self.record.borrow_mut().reaction = None;
        if self.record.borrow().stopped_by_user || self.status().is_stopped() {
            self.act(Act::Reconnect);
        }
        for _ in 0..steps {
            let waiting = self.connection.queued_len() + self.connection.unacknowledged_len();
            let state = self.current_state();
            let unread = state.and_then(|(index, _)| self.network.link(index, |l| l.unread.len()));
            let unechoed = state.map_or(0, |(index, _)| {
                self.unechoed.get(&index).map_or(0, VecDeque::len)
            });
            match state.map(|(_, ready_state)| ready_state) {
                Some(ReadyState::Connecting) => self.accept(),
                Some(ReadyState::Closing) => self.end(1000, false),
                Some(ReadyState::Open) if unread > Some(0) => self.deliver(usize::MAX),
                Some(ReadyState::Open) if unechoed > 0 => self.server_says(None),
                Some(ReadyState::Open) if waiting == 0 => return,
                Some(ReadyState::Open) => self.end(1006, false),
                Some(ReadyState::Closed) => {
                    // Its close event waits in a task: let it run.
                    self.network.run();
                    self.check();
                }
                None if self.status() == ConnectionStatus::Offline => self.wake(Wake::Online),
                None if self.status().is_stopped() => self.act(Act::Reconnect),
                None => {
                    self.next_timer();
                }
            }
        }
    }

    /// Whether every accepted message reached the server; records the broken invariant if not.
    pub(super) fn check_at_least_once(&mut self) {
        let missing: Vec<u64> = self
            .record
            .borrow()
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

    /// The heartbeat's interval and timeout, if one is configured.
    fn heartbeat(&self) -> Option<(Time, Time)> {
        let heartbeat = self.connection.options().heartbeat?;
        Some((heartbeat.interval, heartbeat.timeout))
    }

    /// What must hold after every step.
    fn check(&mut self) {
        let options = self.connection.options();
        let limits = QueueLimits {
            max_messages: self.limits.max_messages.max(options.queue.max_messages),
            max_bytes: self.limits.max_bytes.max(options.queue.max_bytes),
        };
        let (queued, queued_bytes) = (self.connection.queued_len(), self.connection.queued_bytes());
        let counted: usize = self.connection.queued().iter().map(byte_len).sum();
        if counted != queued_bytes {
            let what = format!("queued_bytes() says {queued_bytes}, the messages count {counted}");
            self.broke(Invariant::Bounds, what);
        }
        let window = self.connection.unacknowledged();
        let window_bytes: usize = window.iter().map(byte_len).sum();
        for (name, len, bytes) in [
            ("queue", queued, queued_bytes),
            ("window", window.len(), window_bytes),
        ] {
            if len > limits.max_messages || bytes > limits.max_bytes {
                self.broke(
                    Invariant::Bounds,
                    format!("{name}: {len} messages, {bytes} bytes"),
                );
            }
        }
        self.check_links();
        self.check_accounts();
        self.check_pacing(&options);
        let wire = total_sent(&self.network);
        let sent_since_close = self.record.borrow().wire_at_close.filter(|at| wire > *at);
        if let Some(at) = sent_since_close {
            self.broke(
                Invariant::NothingAfterClose,
                format!("{} sent after close", wire - at),
            );
            self.record.borrow_mut().wire_at_close = Some(wire);
        }
        let open =
            self.connection.status().is_open() && self.connection.ready_state() == ReadyState::Open;
        if !open {
            return;
        }
        if let Some(front) = self.connection.queued().first() {
            let acknowledging = options.acknowledge.is_some();
            // The window's room, under the limits in force.
            let fits = window.is_empty()
                || (window.len() < options.queue.max_messages
                    && window_bytes + byte_len(front) <= options.queue.max_bytes);
            // With flow control, the queue may wait behind the browser's buffer (and what the
            // connection says first): not once the buffer is empty, which takes anything.
            let buffered = self
                .current()
                .and_then(|index| self.network.link(index, |link| link.buffered()))
                .unwrap_or(0);
            let room = options.flow_control.is_none() || buffered == 0;
            if (!acknowledging || fits) && room {
                self.broke(Invariant::NoStall, format!("{queued} queued while open"));
            }
        } else if self.idle_buffer() && self.window_has_room(&options) && !self.ready_to_send() {
            self.broke(
                Invariant::NoStall,
                "send_ready() waits with an empty queue and an empty buffer".into(),
            );
        }
        if let Some((interval, timeout)) = self.heartbeat() {
            let now = self.network.now();
            match self.ping_at {
                None if now >= self.last_heard + interval => {
                    let what = format!("no ping at {now:?}, last heard {:?}", self.last_heard);
                    self.broke(Invariant::PingOnTime, what);
                }
                Some(ping) if now >= ping + timeout => {
                    let what = format!("alive at {now:?}, ping at {ping:?}");
                    self.broke(Invariant::DeadOnTime, what);
                }
                _ => {}
            }
        }
    }

    /// The server has read everything the current socket sent.
    fn idle_buffer(&self) -> bool {
        self.current()
            .and_then(|index| self.network.link(index, |link| link.buffered()))
            .unwrap_or(0)
            == 0
    }

    /// The window of unacknowledged messages takes one more (always, without
    /// acknowledgements).
    fn window_has_room(&self, options: &ReconnectOptions) -> bool {
        options.acknowledge.is_none()
            || (self.connection.unacknowledged_len() < options.queue.max_messages
                && self
                    .connection
                    .unacknowledged()
                    .iter()
                    .map(byte_len)
                    .sum::<usize>()
                    < options.queue.max_bytes)
    }

    /// Whether `send_ready()` resolves now.
    pub(super) fn ready_to_send(&self) -> bool {
        let mut ready = std::pin::pin!(self.connection.send_ready());
        let mut cx = std::task::Context::from_waker(futures_util::task::noop_waker_ref());
        std::future::Future::poll(ready.as_mut(), &mut cx).is_ready()
    }

    /// Looks at what went on each link since the last look: pings on time, no socket held
    /// beside another, nothing sent while connecting, and a heartbeat's verdict on time.
    fn check_links(&mut self) {
        let ping = self
            .connection
            .options()
            .heartbeat
            .map(|heartbeat| heartbeat.ping);
        for index in 0..self.network.links() {
            let seen = self.seen_sent.get(&index).copied().unwrap_or(0);
            let (sent, connecting_sends, others) = self
                .network
                .link(index, |link| {
                    let new = link.sent.get(seen..).unwrap_or_default().to_vec();
                    (new, link.sends_while_connecting, link.others_held)
                })
                .unwrap_or_default();
            self.seen_sent.insert(index, seen + sent.len());
            if connecting_sends > 0 {
                self.broke(
                    Invariant::SendOnlyWhenOpen,
                    format!("{connecting_sends} sends on link {index} while connecting"),
                );
            }
            if others > 0 {
                self.broke(
                    Invariant::OneSocket,
                    format!("link {index} opened beside {others}"),
                );
            }
            for (at, message) in &sent {
                if Some(message) != ping.as_ref() {
                    continue;
                }
                if let Some((interval, _)) = self.heartbeat() {
                    if !self.probing && *at < self.last_heard + interval {
                        let what = format!("ping at {at:?}, last heard {:?}", self.last_heard);
                        self.broke(Invariant::PingOnTime, what);
                    }
                }
                self.ping_at = Some(*at);
                self.pings.push(*at);
            }
        }
        // Once the connection is gone, no ping waits.
        if self.current().is_none() {
            self.ping_at = None;
        }
    }
}

impl Sim {
    /// With flow control: the browser's buffer (what the server has not read, pings aside)
    /// holds at most the high-water mark, or a single message.
    fn check_pacing(&mut self, options: &ReconnectOptions) {
        let (Some(flow), Some(index)) = (options.flow_control, self.current()) else {
            return;
        };
        if self.flow_changed {
            return;
        }
        let ping = options
            .heartbeat
            .as_ref()
            .map(|heartbeat| heartbeat.ping.clone());
        let (bytes, messages) = self
            .network
            .link(index, |link| {
                let waiting = link
                    .unread
                    .iter()
                    .filter(|message| Some(*message) != ping.as_ref());
                waiting.fold((0, 0), |(bytes, count), message| {
                    (bytes + byte_len(message), count + 1)
                })
            })
            .unwrap_or_default();
        if bytes > flow.high_water_mark && messages > 1 {
            let what = format!(
                "{bytes} bytes in {messages} messages wait in the browser, the mark is {}",
                flow.high_water_mark
            );
            self.broke(Invariant::Paced, what);
        }
    }

    /// Every application message accounted for: reported as sent as often as it went on the
    /// wire, and, if accepted and not taken back, somewhere.
    fn check_accounts(&mut self) {
        let mut on_the_wire: HashMap<u64, usize> = HashMap::new();
        for index in 0..self.network.links() {
            let ids: Vec<u64> = self
                .network
                .link(index, |link| {
                    link.sent.iter().filter_map(|(_, m)| id_of(m)).collect()
                })
                .unwrap_or_default();
            for id in ids {
                *on_the_wire.entry(id).or_default() += 1;
            }
        }
        let mut reported: HashMap<u64, usize> = HashMap::new();
        let record = self.record.borrow();
        for (_, event) in &record.events {
            if let Some(id) = match event {
                ConnectionEvent::Sent(message) => id_of(message),
                _ => None,
            } {
                *reported.entry(id).or_default() += 1;
            }
        }
        let held: HashSet<u64> = self
            .connection
            .queued()
            .iter()
            .chain(self.connection.unacknowledged().iter())
            .filter_map(id_of)
            .collect();
        let lost: Vec<u64> = record
            .accepted
            .iter()
            .copied()
            .filter(|id| !on_the_wire.contains_key(id) && !held.contains(id))
            .collect();
        drop(record);
        if on_the_wire != reported {
            let what = format!("on the wire {on_the_wire:?}, reported sent {reported:?}");
            self.broke(Invariant::SentIsTrue, what);
        }
        if !lost.is_empty() {
            self.broke(Invariant::NothingLost, format!("vanished: {lost:?}"));
        }
    }
}

/// The bytes a text or binary message counts for.
fn byte_len(message: &Message) -> usize {
    match message {
        Message::Text(text) => text.len(),
        Message::Binary(bytes) => bytes.len(),
        Message::Blob(_) => 0,
    }
}
