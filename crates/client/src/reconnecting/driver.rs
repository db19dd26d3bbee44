//! The core in the browser: this driver carries out what the core asks (sockets, timers,
//! events) and feeds it what happens, with the time. It makes no decision of its own.
//!
//! Socket operations and timers happen as soon as the core asks; events are delivered after,
//! one at a time and in order, so that a handler that sends, closes or reconnects acts on a
//! connection already in its new state, and the events it causes come after the ones already
//! waiting. An event that says where the connection stands is dropped if a handler moved the
//! connection on since it was made. Everything the browser or a timer calls holds only a weak
//! reference, so nothing here keeps the connection alive.

use std::{
    cell::{Cell, RefCell},
    collections::VecDeque,
    rc::{Rc, Weak},
    time::Duration,
};

use gloo_timers::callback::Timeout;

use super::{
    core::{is_status, Core, Input, Output, SocketId, Time, Timer, Wake},
    wake::{self, WakeListeners},
    ConnectionEvent, ReconnectOptions, SendError, Sent,
};
use crate::{dispatch::FanOut, Error, Message, ReadyState, WebSocket};

/// What waits to be delivered, stamped with the core's epoch when it was made.
enum Delivery {
    Event(ConnectionEvent),
    /// The run of events ended: every stream ends.
    End,
}

/// The connection's machinery, shared by every handle.
pub(super) struct Driver {
    url: Box<dyn Fn() -> String>,
    core: RefCell<Core>,
    /// The socket the core holds, if any: never more than one.
    socket: RefCell<Option<(SocketId, WebSocket)>>,
    timers: RefCell<[Option<Timeout>; 3]>,
    pub(super) events: FanOut<ConnectionEvent>,
    pending: RefCell<VecDeque<(u64, Delivery)>>,
    delivering: Cell<bool>,
    /// With [`ReconnectOptions::reconnect_on_wake`]: the listeners for waking up.
    wake: RefCell<Option<WakeListeners>>,
    /// `Date.now()` at creation, the origin of the core's clock.
    origin: f64,
    /// The last time given to the core, which never goes back even if the wall clock does.
    last_now: Cell<Time>,
    /// Why the last socket send failed, for the send that asked for it.
    send_error: RefCell<Option<Error>>,
    this: Weak<Driver>,
}

impl Driver {
    pub(super) fn new(url: Box<dyn Fn() -> String>, options: ReconnectOptions) -> Rc<Self> {
        let seed = (js_sys::Math::random() * u64::MAX as f64) as u64;
        let driver = Rc::new_cyclic(|this: &Weak<Self>| Self {
            url,
            core: RefCell::new(Core::new(options, !wake::browser_is_offline(), seed)),
            socket: RefCell::new(None),
            timers: RefCell::default(),
            events: FanOut::default(),
            pending: RefCell::default(),
            delivering: Cell::new(false),
            wake: RefCell::new(None),
            origin: js_sys::Date::now(),
            last_now: Cell::new(Time::ZERO),
            send_error: RefCell::new(None),
            this: this.clone(),
        });
        driver.listen_for_wake();
        driver.execute();
        driver
    }

    /// The core, to read.
    pub(super) fn core(&self) -> std::cell::Ref<'_, Core> {
        self.core.borrow()
    }

    /// The core, to change what it holds (its queues) without an input.
    pub(super) fn core_mut(&self) -> std::cell::RefMut<'_, Core> {
        self.core.borrow_mut()
    }

    /// The socket the core holds, if any.
    pub(super) fn socket(&self) -> Option<WebSocket> {
        let current = self.core.borrow().socket();
        self.socket
            .borrow()
            .as_ref()
            .filter(|(id, _)| Some(*id) == current)
            .map(|(_, socket)| socket.clone())
    }

    fn now(&self) -> Time {
        // `Date.now()` counts whole milliseconds: taken as such, without the conversion of a
        // fraction of seconds (and its panics) into every page.
        let elapsed = Duration::from_millis((js_sys::Date::now() - self.origin).max(0.0) as u64);
        let now = elapsed.max(self.last_now.get());
        self.last_now.set(now);
        now
    }

    /// Feeds `input` to the core, then carries out what it asks.
    pub(super) fn handle(&self, input: Input) {
        let now = self.now();
        self.core.borrow_mut().handle(now, input);
        self.execute();
    }

    pub(super) fn send(&self, message: Message) -> Result<Sent, SendError> {
        // The browser may already be closing a socket the core thinks open: the server's
        // closing handshake, whose close event has not been dispatched yet.
        let open = self.core.borrow().open_socket();
        if let Some(socket) = open {
            let closing = self
                .socket_with(socket)
                .is_some_and(|live| live.ready_state() != ReadyState::Open);
            if closing {
                self.handle(Input::PeerClosing { socket });
            }
        }
        let sent = self.core.borrow_mut().send(message);
        self.execute();
        match (sent, self.send_error.take()) {
            (Ok(Sent::Now), Some(error)) => Err(SendError::Socket(error)),
            (sent, _) => sent,
        }
    }

    /// New options: the binary type and the wake listeners apply at once; the core applies the
    /// rest.
    pub(super) fn configure(&self, options: ReconnectOptions) {
        let listen = options.reconnect_on_wake;
        // `binaryType` may change at any time in the browser: the live socket takes it now.
        if let Some(live) = self.socket() {
            live.set_binary_type(options.binary_type);
        }
        self.handle(Input::Configure(Box::new(options)));
        if !listen {
            self.wake.borrow_mut().take();
        } else if self.wake.borrow().is_none() {
            self.listen_for_wake();
        }
    }

    fn listen_for_wake(&self) {
        if !self.core.borrow().options().reconnect_on_wake {
            return;
        }
        let this = self.this.clone();
        *self.wake.borrow_mut() = WakeListeners::install(move |wake: Wake| {
            if let Some(driver) = this.upgrade() {
                driver.handle(Input::Wake(wake));
            }
        });
    }

    /// Carries out the core's outputs in order, then delivers the events they made.
    fn execute(&self) {
        loop {
            let next = {
                let mut core = self.core.borrow_mut();
                core.poll_output().map(|output| (output, core.epoch()))
            };
            let Some((output, epoch)) = next else { break };
            match output {
                Output::Open { socket } => self.open(socket),
                Output::Send { socket, message } => {
                    if let Some(live) = self.socket_with(socket) {
                        if let Err(error) = live.send(&message) {
                            *self.send_error.borrow_mut() = Some(error);
                        }
                    }
                }
                Output::Close { socket, code } => {
                    if let Some(live) = self.socket_with(socket) {
                        match code {
                            // Checked by `close_with` already.
                            Some((code, reason)) => drop(live.close_with(code, &reason)),
                            None => live.close(),
                        }
                    }
                }
                Output::Release { socket } => self.release(socket),
                Output::Abandon { socket, event } => {
                    self.release(socket);
                    let reconnect = self.should_reconnect(&event);
                    self.handle(Input::Closed {
                        socket,
                        event,
                        reconnect,
                    });
                }
                Output::SetTimer { timer, after } => self.set_timer(timer, after),
                Output::CancelTimer(timer) => self.timers.borrow_mut()[slot(timer)] = None,
                Output::Emit(event) => self
                    .pending
                    .borrow_mut()
                    .push_back((epoch, Delivery::Event(event))),
                Output::Reopen => self.events.reopen(),
                Output::End => self.pending.borrow_mut().push_back((epoch, Delivery::End)),
            }
        }
        self.deliver();
    }

    /// Delivers what waits, in order, unless a delivery is already under way further up (a
    /// handler's own call ends up here): that one goes on with what was added.
    fn deliver(&self) {
        if self.delivering.replace(true) {
            return;
        }
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some((epoch, delivery)) = next else { break };
            let current = self.core.borrow().epoch() == epoch;
            match delivery {
                Delivery::Event(event) if current || !is_status(&event) => {
                    self.events.deliver(event);
                }
                Delivery::End if current => self.events.end(),
                _ => {}
            }
        }
        self.delivering.set(false);
    }

    fn should_reconnect(&self, event: &crate::CloseEvent) -> bool {
        let predicate = self.core.borrow().options().should_reconnect.clone();
        predicate(event)
    }

    fn socket_with(&self, socket: SocketId) -> Option<WebSocket> {
        self.socket
            .borrow()
            .as_ref()
            .filter(|(id, _)| *id == socket)
            .map(|(_, live)| live.clone())
    }

    /// Makes the socket for an attempt, with the URL function's URL.
    fn open(&self, socket: SocketId) {
        let (protocols, binary_type) = {
            let core = self.core.borrow();
            let options = core.options();
            (options.protocols.clone(), options.binary_type)
        };
        let url = (self.url)();
        let live = match WebSocket::open_with_protocols(&url, &protocols) {
            Ok(live) => live,
            Err(error) => return self.handle(Input::FailedToStart { socket, error }),
        };
        live.set_binary_type(binary_type);
        let this = self.this.clone();
        live.on_open(move || {
            if let Some(driver) = this.upgrade() {
                let hello = driver.core.borrow().options().hello.clone();
                let hello = hello.map(|hello| hello()).unwrap_or_default();
                driver.handle(Input::Opened { socket, hello });
            }
        });
        let this = self.this.clone();
        live.on_message(move |message| {
            if let Some(driver) = this.upgrade() {
                driver.handle(Input::Received { socket, message });
            }
        });
        let this = self.this.clone();
        live.on_error(move || {
            if let Some(driver) = this.upgrade() {
                driver.handle(Input::Errored { socket });
            }
        });
        let this = self.this.clone();
        live.on_close(move |event| {
            if let Some(driver) = this.upgrade() {
                let reconnect = driver.should_reconnect(&event);
                driver.handle(Input::Closed {
                    socket,
                    event,
                    reconnect,
                });
            }
        });
        *self.socket.borrow_mut() = Some((socket, live));
    }

    /// Lets the socket go: it will not call back, and is closed if still live.
    fn release(&self, socket: SocketId) {
        let released = {
            let mut held = self.socket.borrow_mut();
            match &*held {
                Some((id, _)) if *id == socket => held.take(),
                _ => None,
            }
        };
        if let Some((_, live)) = released {
            detach(&live);
        }
    }

    fn set_timer(&self, timer: Timer, after: Duration) {
        let this = self.this.clone();
        let timeout = Timeout::new(ceil_millis(after), move || {
            if let Some(driver) = this.upgrade() {
                driver.handle(Input::TimerFired(timer));
            }
        });
        // Replacing a timer drops, and so cancels, the one it replaces.
        let replaced = self.timers.borrow_mut()[slot(timer)].replace(timeout);
        drop(replaced);
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The timers are cancelled as they drop; the socket must not call back.
        if let Some((_, live)) = self.socket.get_mut().take() {
            detach(&live);
        }
        self.events.end();
    }
}

fn detach(socket: &WebSocket) {
    socket.clear_handlers();
    socket.close();
}

fn slot(timer: Timer) -> usize {
    match timer {
        Timer::Attempt => 0,
        Timer::ConnectTimeout => 1,
        Timer::Heartbeat => 2,
    }
}

/// A duration as the `u32` milliseconds timers take, rounded up (a timer must not fire before
/// the core's deadline) and saturating.
fn ceil_millis(duration: Duration) -> u32 {
    let millis = duration.as_micros().div_ceil(1000);
    millis.min(u128::from(u32::MAX)) as u32
}
