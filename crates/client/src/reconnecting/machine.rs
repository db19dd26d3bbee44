//! The state machine behind a [`ReconnectingWebSocket`](super::ReconnectingWebSocket).
//!
//! One [`State`] whose variants own their socket and timers: leaving a state drops what it
//! owned, so a timer can never fire for a state that is gone. Everything the browser or a
//! timer calls holds only a weak reference, so nothing here keeps the connection alive.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use gloo_timers::callback::{Interval, Timeout};

use super::{
    queue::Queue,
    wake::{self, Wake, WakeListeners},
    ConnectionEvent, ConnectionStatus, Heartbeat, ReconnectOptions,
};
use crate::{dispatch::FanOut, CloseEvent, Error, Message, WebSocket};

/// Where the connection stands, with what that stage owns.
pub(super) enum State {
    /// Just made: the first attempt starts on the next tick, once the caller has set handlers.
    Created {
        _start: Timeout,
    },
    /// An attempt is under way.
    Connecting {
        socket: WebSocket,
        _timeout: Option<Timeout>,
    },
    Open {
        socket: WebSocket,
        /// `Date.now()` when it opened, for [`ReconnectOptions::min_uptime`].
        opened_at: f64,
        /// `Date.now()` when anything last arrived, for the heartbeat.
        last_heard: f64,
        /// Checks for silence, when a heartbeat is configured.
        _heartbeat: Option<Interval>,
        /// The deadline for an answer to the last ping.
        ping_deadline: Option<Timeout>,
    },
    /// Waiting out a backoff delay before the next attempt.
    Waiting {
        delay: Duration,
        _timer: Timeout,
    },
    GaveUp,
    /// The last attempt could not start.
    Failed(Error),
    /// The browser is offline: no attempt until it is online again.
    Offline,
    /// [`close`](super::ReconnectingWebSocket::close) was called on a live socket: its close
    /// event ends the connection.
    Closing {
        socket: WebSocket,
    },
    /// Closed for good, until [`reconnect`](super::ReconnectingWebSocket::reconnect).
    Stopped,
}

impl State {
    pub(super) fn socket(&self) -> Option<&WebSocket> {
        match self {
            Self::Connecting { socket, .. }
            | Self::Open { socket, .. }
            | Self::Closing { socket } => Some(socket),
            _ => None,
        }
    }
}

/// The connection's machinery, shared by every handle.
pub(super) struct Machine {
    url: Box<dyn Fn() -> String>,
    pub(super) options: ReconnectOptions,
    state: RefCell<State>,
    /// Bumped by every change of state, so that code which emitted an event can tell whether a
    /// handler moved the connection on meanwhile (`close()` or `reconnect()` from inside).
    changes: Cell<u64>,
    /// The reconnection attempt under way or coming; 0 for the first connection and again
    /// after a stable one.
    attempt: Cell<u32>,
    pub(super) queue: RefCell<Queue>,
    /// With [`ReconnectOptions::acknowledge`]: what was sent and not yet acknowledged, oldest
    /// first, sent again after a reconnection.
    pub(super) unacknowledged: RefCell<Queue>,
    pub(super) events: FanOut<ConnectionEvent>,
    /// With [`ReconnectOptions::reconnect_on_wake`]: the page's visibility and network
    /// listeners, removed with the machine.
    _wake: Option<WakeListeners>,
}

impl Machine {
    pub(super) fn new(url: Box<dyn Fn() -> String>, options: ReconnectOptions) -> Rc<Self> {
        Rc::new_cyclic(|weak: &std::rc::Weak<Self>| {
            let wake = options
                .reconnect_on_wake
                .then(|| {
                    let weak = weak.clone();
                    WakeListeners::install(move |wake| {
                        if let Some(machine) = weak.upgrade() {
                            machine.woke(wake);
                        }
                    })
                })
                .flatten();
            let weak = weak.clone();
            let start = Timeout::new(0, move || {
                if let Some(machine) = weak.upgrade() {
                    machine.connect();
                }
            });
            Self {
                url,
                options,
                state: RefCell::new(State::Created { _start: start }),
                changes: Cell::new(0),
                attempt: Cell::new(0),
                queue: RefCell::default(),
                unacknowledged: RefCell::default(),
                events: FanOut::default(),
                _wake: wake,
            }
        })
    }

    pub(super) fn state(&self) -> std::cell::Ref<'_, State> {
        self.state.borrow()
    }

    pub(super) fn status(&self) -> ConnectionStatus {
        let attempt = self.attempt.get();
        match &*self.state.borrow() {
            State::Created { .. } | State::Connecting { .. } => {
                ConnectionStatus::Connecting { attempt }
            }
            State::Open { .. } => ConnectionStatus::Open,
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

    /// Moves to `next`, and returns the state left (to drop once no borrow is held: dropping
    /// it cancels its timers).
    fn enter(&self, next: State) -> State {
        self.changes.set(self.changes.get() + 1);
        self.state.replace(next)
    }

    /// Delivers `event`, then `follow_up` unless a handler of `event` moved the connection on.
    fn emit(&self, event: ConnectionEvent, follow_up: Option<ConnectionEvent>) {
        let changes = self.changes.get();
        self.events.deliver(event);
        if let Some(follow_up) = follow_up {
            if self.changes.get() == changes {
                self.events.deliver(follow_up);
            }
        }
    }

    /// A socket handler that runs `action` only while the connection exists.
    fn weak_handler<A>(
        self: &Rc<Self>,
        action: impl Fn(&Rc<Self>, A) + 'static,
    ) -> impl FnMut(A) + 'static {
        let weak = Rc::downgrade(self);
        move |argument| {
            if let Some(machine) = weak.upgrade() {
                action(&machine, argument);
            }
        }
    }

    /// A timer callback (or an argument-less handler) that runs `action` only while the
    /// connection exists.
    fn weak_callback(self: &Rc<Self>, action: fn(&Rc<Self>)) -> impl FnMut() + 'static {
        let mut run = self.weak_handler(move |machine, ()| action(machine));
        move || run(())
    }

    /// Starts an attempt now, dropping whatever the connection was doing; or, with
    /// `reconnect_on_wake` and the browser offline, waits for it to be online.
    pub(super) fn connect(self: &Rc<Self>) {
        // Streams ended by `close()` come back to life with `reconnect()`.
        self.events.reopen();
        if self.options.reconnect_on_wake && wake::browser_is_offline() {
            retire(self.enter(State::Offline));
            return self.emit(ConnectionEvent::Offline, None);
        }
        let attempt = self.attempt.get();
        let (next, failed) =
            match WebSocket::open_with_protocols(&(self.url)(), &self.options.protocols) {
                Ok(socket) => (self.connecting(socket), None),
                Err(error) => (State::Failed(error.clone()), Some(error)),
            };
        retire(self.enter(next));
        self.emit(
            ConnectionEvent::Connecting { attempt },
            failed.map(ConnectionEvent::Failed),
        );
    }

    fn connecting(self: &Rc<Self>, socket: WebSocket) -> State {
        socket.set_binary_type(self.options.binary_type);
        socket.on_open(self.weak_callback(Self::opened));
        socket.on_message(self.weak_handler(Self::received));
        socket.on_close(self.weak_handler(Self::closed));
        let timeout = self.options.connect_timeout.map(|timeout| {
            Timeout::new(
                millis(timeout),
                self.weak_callback(|machine| machine.abandon("connect timeout")),
            )
        });
        State::Connecting {
            socket,
            _timeout: timeout,
        }
    }

    fn opened(self: &Rc<Self>) {
        let socket = match &*self.state.borrow() {
            State::Connecting { socket, .. } => socket.clone(),
            _ => return,
        };
        // What was sent and not acknowledged goes again, in order, then the queue, before
        // anything newer can be sent.
        {
            let mut unacknowledged = self.unacknowledged.borrow_mut();
            let resent = unacknowledged
                .iter()
                .try_for_each(|message| socket.send(message));
            let mut queue = self.queue.borrow_mut();
            let (acknowledging, limits) = (self.options.acknowledge.is_some(), self.options.queue);
            while resent.is_ok() {
                let Some(message) = queue.pop() else { break };
                let room = !acknowledging || unacknowledged.fits(&message, limits);
                if !room || socket.send(&message).is_err() {
                    queue.push_front(message);
                    break;
                }
                if acknowledging {
                    let _ = unacknowledged.push(message, limits);
                }
            }
        }
        let heartbeat = self.options.heartbeat.as_ref().map(|heartbeat| {
            let check_every = millis(heartbeat.interval / 2).max(1);
            Interval::new(check_every, self.weak_callback(Self::check_heartbeat))
        });
        let now = now();
        let left = self.enter(State::Open {
            socket,
            opened_at: now,
            last_heard: now,
            _heartbeat: heartbeat,
            ping_deadline: None,
        });
        drop(left); // the connect timeout
        self.emit(ConnectionEvent::Open, None);
    }

    fn received(self: &Rc<Self>, message: Message) {
        if let Some(acknowledges) = &self.options.acknowledge {
            self.unacknowledged
                .borrow_mut()
                .remove_first(|sent| acknowledges(&message, sent));
        }
        if let State::Open {
            last_heard,
            ping_deadline,
            ..
        } = &mut *self.state.borrow_mut()
        {
            *last_heard = now();
            *ping_deadline = None;
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
        self.emit(ConnectionEvent::Message(message), None);
    }

    /// While open: after `interval` of silence, pings.
    fn check_heartbeat(self: &Rc<Self>) {
        let Some(heartbeat) = &self.options.heartbeat else {
            return;
        };
        let silent = match &*self.state.borrow() {
            State::Open { last_heard, .. } => {
                now() - *last_heard >= as_millis_f64(heartbeat.interval)
            }
            _ => false,
        };
        if silent {
            self.ping_now();
        }
    }

    /// While open with a heartbeat: pings now and arms the deadline for an answer, unless a
    /// ping is already waiting for one.
    fn ping_now(self: &Rc<Self>) {
        let Some(heartbeat) = &self.options.heartbeat else {
            return;
        };
        let mut state = self.state.borrow_mut();
        let State::Open {
            socket,
            ping_deadline,
            ..
        } = &mut *state
        else {
            return;
        };
        if ping_deadline.is_some() {
            return;
        }
        let _ = socket.send(&heartbeat.ping);
        *ping_deadline = Some(Timeout::new(
            millis(heartbeat.timeout),
            self.weak_callback(|machine| machine.abandon("heartbeat timeout")),
        ));
    }

    /// The page became visible, or the network went or came back (`reconnect_on_wake`).
    fn woke(self: &Rc<Self>, wake: Wake) {
        enum Action {
            ConnectNow,
            Probe,
            GoOffline,
            Nothing,
        }
        let action = match (&*self.state.borrow(), wake) {
            (State::Waiting { .. }, Wake::Offline) => Action::GoOffline,
            (_, Wake::Offline) => Action::Nothing,
            (State::Waiting { .. } | State::GaveUp | State::Offline, _) => Action::ConnectNow,
            (State::Open { .. }, _) => Action::Probe,
            _ => Action::Nothing,
        };
        match action {
            Action::ConnectNow => self.reconnect(),
            Action::Probe => self.ping_now(),
            Action::GoOffline => {
                retire(self.enter(State::Offline));
                self.emit(ConnectionEvent::Offline, None);
            }
            Action::Nothing => {}
        }
    }

    /// Gives up on the current socket at once (it may be silent for minutes before the browser
    /// notices), reporting a 1006 close, and goes on as after any failure.
    fn abandon(self: &Rc<Self>, reason: &str) {
        let Some(socket) = self.state.borrow().socket().cloned() else {
            return;
        };
        detach(&socket);
        self.closed(CloseEvent {
            code: 1006,
            reason: reason.into(),
            was_clean: false,
        });
    }

    /// The socket closed (or was abandoned): reconnect after a backoff, give up, or stop.
    fn closed(self: &Rc<Self>, event: CloseEvent) {
        let left = self.enter(State::Stopped);
        if let State::Open { opened_at, .. } = &left {
            if now() - opened_at >= as_millis_f64(self.options.min_uptime) {
                self.attempt.set(0);
            }
        }
        let asked_to_close = matches!(left, State::Closing { .. });
        drop(left);
        let (next, follow_up) = if asked_to_close || !(self.options.should_reconnect)(&event) {
            (State::Stopped, None)
        } else if self
            .options
            .max_attempts
            .is_some_and(|max| self.attempt.get() >= max)
        {
            let attempts = self.attempt.get();
            (State::GaveUp, Some(ConnectionEvent::GaveUp { attempts }))
        } else {
            let attempt = self.attempt.get() + 1;
            self.attempt.set(attempt);
            let delay = self.options.backoff.delay(attempt, js_sys::Math::random());
            let timer = Timeout::new(millis(delay), self.weak_callback(Self::connect));
            let waiting = State::Waiting {
                delay,
                _timer: timer,
            };
            (
                waiting,
                Some(ConnectionEvent::Reconnecting { attempt, delay }),
            )
        };
        let stopping = matches!(next, State::Stopped);
        self.enter(next);
        let changes = self.changes.get();
        self.emit(ConnectionEvent::Closed(event), follow_up);
        if stopping && self.changes.get() == changes {
            self.events.end();
        }
    }

    /// Stops: a live socket is closed and its close event is the last event; otherwise the
    /// last event is a `Closed` with 1005 (no status), now.
    pub(super) fn close(&self) {
        match self.enter(State::Stopped) {
            State::Connecting { socket, .. }
            | State::Open { socket, .. }
            | State::Closing { socket } => {
                socket.close();
                self.enter(State::Closing { socket });
            }
            State::Stopped => {}
            State::Created { .. }
            | State::Waiting { .. }
            | State::GaveUp
            | State::Failed(_)
            | State::Offline => {
                let stopped = CloseEvent {
                    code: 1005,
                    reason: String::new(),
                    was_clean: true,
                };
                self.emit(ConnectionEvent::Closed(stopped), None);
                self.events.end();
            }
        }
    }

    /// Starts over now, with the attempt counter reset.
    pub(super) fn reconnect(self: &Rc<Self>) {
        self.attempt.set(0);
        self.connect();
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        // Timers are cancelled as the state drops; the socket must not call back.
        retire(std::mem::replace(self.state.get_mut(), State::Stopped));
        self.events.end();
    }
}

/// Lets go of a state left behind: its socket, if any, is closed and will not call back.
fn retire(left: State) {
    if let Some(socket) = left.socket() {
        detach(socket);
    }
}

fn detach(socket: &WebSocket) {
    socket.clear_handlers();
    socket.close();
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn as_millis_f64(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A duration as the `u32` milliseconds timers take, saturating.
fn millis(duration: Duration) -> u32 {
    duration.as_millis().min(u128::from(u32::MAX)) as u32
}
