//! The core at work: this driver feeds it what the transport and the clock say, carries out
//! what it asks on them, and delivers its events. It makes no decision of its own.
//!
//! Each call goes the same way: the input, with the time, into the core; then the core's
//! outputs, carried out one by one in order (a socket's refusal reported before the next);
//! then the one deadline the core needs, given to the clock; then the events, delivered one at
//! a time in order. A handler that sends, closes or reconnects runs while the events are
//! delivered: its call takes the same way, and the events it causes come after those already
//! waiting. Everything the transport or the clock calls holds only a weak reference, so nothing
//! here keeps the connection alive.

use std::{
    any::Any,
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
    task::{Context, Poll, Waker},
};

use super::{
    core::{Core, Delivery, Input, Output, SocketId, Time, Wake},
    queue::Outgoing,
    transport::{Clock, Socket, SocketEvent, Transport},
    ConnectionEvent, ReconnectOptions, SendError, Sent,
};
use crate::{dispatch::FanOut, CloseEvent, ReadyState, WebSocket};

/// Makes the URL of each attempt.
pub(super) type UrlSource = Rc<dyn Fn() -> String>;

/// Hears that a following tab's message is on the wire: the tab's id, the message's bytes.
pub(super) type RelayedOut = Rc<dyn Fn(u64, usize)>;

/// The connection's machinery, shared by every handle.
pub(super) struct Driver {
    /// The transport and the clock: the browser's, unless a test routes the connection to a
    /// fake server.
    transport: RefCell<Rc<dyn Transport>>,
    clock: RefCell<Rc<dyn Clock>>,
    /// Where to connect; `None` until told.
    url: RefCell<Option<UrlSource>>,
    core: RefCell<Core>,
    /// The socket the core holds, if any: never more than one.
    socket: RefCell<Option<(SocketId, Box<dyn Socket>)>>,
    /// The deadline given to the clock, if any.
    armed: Cell<Option<Time>>,
    pub(super) events: FanOut<ConnectionEvent>,
    delivering: Cell<bool>,
    /// What `send_ready()` waits on: woken after each call whose outputs left the connection
    /// ready to send (or stopped).
    ready_waiters: RefCell<Vec<Waker>>,
    /// With `share_across_tabs`: the app's version, and how to start sharing.
    pub(super) sharing: RefCell<Option<super::tabs::Sharing>>,
    /// The tabs' coordination, while shared.
    pub(super) tabs: RefCell<Option<Rc<dyn super::tabs::Group>>>,
    /// While leading tabs: told when a following tab's message is on the wire (that tab's
    /// flow control counts it until then), with the tab's id and the message's bytes.
    pub(super) relayed_out: RefCell<Option<RelayedOut>>,
    /// With [`ReconnectOptions::reconnect_on_wake`]: the transport's wake listeners.
    wake: RefCell<Option<Box<dyn Any>>>,
    this: Weak<Driver>,
}

impl Driver {
    /// A connection that does nothing until [`connect`](Self::connect): nothing here calls the
    /// transport or the clock.
    pub(super) fn new(
        options: ReconnectOptions,
        transport: Rc<dyn Transport>,
        clock: Rc<dyn Clock>,
    ) -> Rc<Self> {
        Rc::new_cyclic(|this: &Weak<Self>| Self {
            transport: RefCell::new(transport),
            clock: RefCell::new(clock),
            url: RefCell::new(None),
            core: RefCell::new(Core::new(options)),
            socket: RefCell::new(None),
            armed: Cell::new(None),
            events: FanOut::default(),
            delivering: Cell::new(false),
            ready_waiters: RefCell::default(),
            sharing: RefCell::new(None),
            tabs: RefCell::new(None),
            relayed_out: RefCell::new(None),
            wake: RefCell::new(None),
            this: this.clone(),
        })
    }

    pub(super) fn transport(&self) -> Rc<dyn Transport> {
        self.transport.borrow().clone()
    }

    pub(super) fn clock(&self) -> Rc<dyn Clock> {
        self.clock.borrow().clone()
    }

    fn now(&self) -> Time {
        self.clock().now()
    }

    /// Runs over `transport` and `clock` from now on (a test's fake server, or the relay of a
    /// tab that follows another): the deadline given to the old clock is taken back, and the
    /// next is given to the new one.
    pub(super) fn route(&self, transport: Rc<dyn Transport>, clock: Rc<dyn Clock>) {
        if self.armed.take().is_some() {
            self.clock().cancel();
        }
        *self.transport.borrow_mut() = transport;
        *self.clock.borrow_mut() = clock;
    }

    /// The core, to read.
    pub(super) fn core(&self) -> std::cell::Ref<'_, Core> {
        self.core.borrow()
    }

    /// Connects to what `url` makes from now on: starts, or starts over.
    pub(super) fn connect(&self, url: UrlSource) {
        *self.url.borrow_mut() = Some(url);
        let transport = self.transport();
        let (online, seed) = (transport.online(), transport.seed());
        self.handle(Input::Connect { online, seed });
    }

    /// Feeds `input` to the core, then carries out what it asks.
    pub(super) fn handle(&self, input: Input) {
        let now = self.now();
        self.core.borrow_mut().handle(now, input);
        self.carry_out();
        self.deliver();
    }

    /// Sends `message`; the answer is settled once the socket took it, or refused it.
    /// Sends `outgoing` (measured by the caller: a Blob's size is the browser's to tell).
    pub(super) fn send(&self, outgoing: Outgoing) -> Result<Sent, SendError> {
        let now = self.now();
        // What the browser's buffer holds now, for the pacing (one read of `bufferedAmount`).
        let open = self.core.borrow().open_socket();
        if let Some(socket) = open {
            if let Some(amount) = self.with_socket(socket, |live| live.buffered_amount()) {
                self.core
                    .borrow_mut()
                    .handle(now, Input::Buffered { socket, amount });
            }
        }
        let answer = self.core.borrow_mut().send(now, outgoing);
        self.carry_out();
        let answer = self.core.borrow_mut().settle(answer);
        self.deliver();
        answer
    }

    /// Runs one of the core's calls that answer, then carries out what it asks.
    pub(super) fn call<T>(&self, call: impl FnOnce(&mut Core, Time) -> T) -> T {
        let now = self.now();
        let answer = call(&mut self.core.borrow_mut(), now);
        self.carry_out();
        self.deliver();
        answer
    }

    /// The socket the core holds, if it is a browser socket.
    pub(super) fn web_socket(&self) -> Option<WebSocket> {
        self.socket
            .borrow()
            .as_ref()
            .and_then(|(_, live)| live.web_socket())
    }

    /// The held socket's `readyState`; CLOSED when none is held.
    pub(super) fn ready_state(&self) -> ReadyState {
        self.socket
            .borrow()
            .as_ref()
            .map_or(ReadyState::Closed, |(_, live)| live.ready_state())
    }

    /// Ready once a send now would go out at once, or the connection stopped.
    pub(super) fn poll_ready(&self, cx: &Context<'_>) -> Poll<()> {
        if self.core.borrow().ready_to_send() {
            return Poll::Ready(());
        }
        let mut waiters = self.ready_waiters.borrow_mut();
        if !waiters.iter().any(|waker| waker.will_wake(cx.waker())) {
            waiters.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// Carries out the core's outputs in order, then gives the clock the next deadline.
    fn carry_out(&self) {
        loop {
            let output = self.core.borrow_mut().poll_output();
            let Some(output) = output else { break };
            match output {
                Output::Open { socket } => self.open(socket),
                Output::Send(transmission) => {
                    let sent = self
                        .with_socket(transmission.socket, |live| {
                            live.send(&transmission.outgoing.message).is_ok()
                        })
                        .unwrap_or(false);
                    if !sent {
                        self.feed(Input::SendRefused(transmission));
                    } else if let Some(from) = transmission.outgoing.relayed {
                        let told = self.relayed_out.borrow().clone();
                        if let Some(told) = told {
                            told(from, transmission.outgoing.bytes);
                        }
                    }
                }
                Output::Close { socket, code } => {
                    let code = code.as_ref().map(|(code, reason)| (*code, reason.as_str()));
                    self.with_socket(socket, |live| live.close(code));
                }
                Output::Release { socket } => self.release(socket),
                Output::Abandon { socket, event } => {
                    self.release(socket);
                    let reconnect = self.should_reconnect(&event);
                    self.feed(Input::Closed {
                        socket,
                        event,
                        reconnect,
                    });
                }
                Output::SetBinaryType {
                    socket,
                    binary_type,
                } => {
                    self.with_socket(socket, |live| live.set_binary_type(binary_type));
                }
                Output::WatchBuffer { socket, below } => self.watch_buffer(socket, below),
                Output::ListenForWake(listen) => self.listen_for_wake(listen),
                Output::Reopen => self.events.reopen(),
            }
        }
        self.schedule();
        if !self.ready_waiters.borrow().is_empty() && self.core.borrow().ready_to_send() {
            for waker in self.ready_waiters.take() {
                waker.wake();
            }
        }
    }

    /// Feeds an input that carrying out an output produced; its own outputs follow in the
    /// same loop.
    fn feed(&self, input: Input) {
        let now = self.now();
        self.core.borrow_mut().handle(now, input);
    }

    /// Delivers what waits, in order, unless a delivery is already under way further up (a
    /// handler's own call ends up here): that one goes on with what was added.
    fn deliver(&self) {
        if self.delivering.replace(true) {
            return;
        }
        loop {
            let next = self.core.borrow_mut().poll_event();
            match next {
                Some(Delivery::Event(event)) => self.events.deliver(event),
                Some(Delivery::End) => self.events.end(),
                None => break,
            }
        }
        self.delivering.set(false);
    }

    /// Gives the clock the core's next deadline. A deadline already given that comes sooner
    /// stays: when it comes, nothing is due, and the later one is given then (so a message
    /// that moves the heartbeat's deadline costs no timer).
    fn schedule(&self) {
        let due = self.core.borrow().poll_timeout();
        match (due, self.armed.get()) {
            (None, None) => {}
            (None, Some(_)) => {
                self.armed.set(None);
                self.clock().cancel();
            }
            (Some(due), Some(armed)) if armed <= due => {}
            (Some(due), _) => {
                self.armed.set(Some(due));
                let this = self.this.clone();
                self.clock().wake_at(
                    due,
                    Rc::new(move || {
                        if let Some(driver) = this.upgrade() {
                            driver.timed_out();
                        }
                    }),
                );
            }
        }
    }

    fn timed_out(&self) {
        self.armed.set(None);
        let now = self.now();
        self.core.borrow_mut().handle_timeout(now);
        self.carry_out();
        self.deliver();
    }

    /// Reports the socket's buffer once it has drained to `below` bytes: now if it has (in
    /// this loop), otherwise when the transport sees it.
    fn watch_buffer(&self, socket: SocketId, below: usize) {
        let amount = self.with_socket(socket, |live| live.buffered_amount());
        match amount {
            Some(amount) if amount > below => {
                let this = self.this.clone();
                self.with_socket(socket, |live| {
                    live.when_drained(
                        below,
                        Box::new(move |amount| {
                            if let Some(driver) = this.upgrade() {
                                driver.handle(Input::Buffered { socket, amount });
                            }
                        }),
                    );
                });
            }
            Some(amount) => self.feed(Input::Buffered { socket, amount }),
            None => {}
        }
    }

    fn listen_for_wake(&self, listen: bool) {
        let listeners = listen.then(|| {
            let this = self.this.clone();
            self.transport().listen_for_wake(Rc::new(move |wake: Wake| {
                if let Some(driver) = this.upgrade() {
                    driver.handle(Input::Wake(wake));
                }
            }))
        });
        // The old listeners go after the new ones are in place.
        let replaced = self.wake.replace(listeners.flatten());
        drop(replaced);
    }

    fn should_reconnect(&self, event: &CloseEvent) -> bool {
        let predicate = self.core.borrow().options().should_reconnect.clone();
        predicate(event)
    }

    /// Runs `action` on the socket with this id, if it is the one held.
    fn with_socket<T>(&self, socket: SocketId, action: impl FnOnce(&dyn Socket) -> T) -> Option<T> {
        let held = self.socket.borrow();
        let (id, live) = held.as_ref()?;
        (*id == socket).then(|| action(&**live))
    }

    /// Makes the socket for an attempt, with the URL function's URL.
    fn open(&self, socket: SocketId) {
        let (protocols, binary_type) = {
            let core = self.core.borrow();
            let options = core.options();
            (options.protocols.clone(), options.binary_type)
        };
        let url = self.url.borrow().clone();
        // User code, which may call back into the connection.
        let url = url.map(|url| url()).unwrap_or_default();
        let core = self.core.borrow();
        if core.attempting() != Some(socket) {
            // It did: `close()` left the attempt closing, with no socket to close (the
            // browser's close of a socket still connecting fails it: 1006), or `reconnect()`
            // started another.
            let closing = core.socket() == Some(socket);
            drop(core);
            if closing {
                self.feed(Input::Closed {
                    socket,
                    event: CloseEvent {
                        code: 1006,
                        reason: String::new(),
                        was_clean: false,
                    },
                    reconnect: false,
                });
            }
            return;
        }
        drop(core);
        let this = self.this.clone();
        let listener = Rc::new(move |event: SocketEvent| {
            if let Some(driver) = this.upgrade() {
                driver.socket_event(socket, event);
            }
        });
        let opened = self
            .transport()
            .open(&url, &protocols, binary_type, listener);
        match opened {
            Ok(live) => *self.socket.borrow_mut() = Some((socket, live)),
            Err(error) => self.feed(Input::FailedToStart { socket, error }),
        }
    }

    /// What a socket said, told to the core; the user's code it needs runs here first.
    fn socket_event(&self, socket: SocketId, event: SocketEvent) {
        let input = match event {
            SocketEvent::Open => {
                let hello = self.core.borrow().options().hello.clone();
                let hello = hello.map(|hello| hello()).unwrap_or_default();
                let hello = hello.into_iter().map(Outgoing::new).collect();
                Input::Opened { socket, hello }
            }
            SocketEvent::Message(message) => Input::Received { socket, message },
            SocketEvent::Error => Input::Errored { socket },
            SocketEvent::Close(event) => {
                let reconnect = self.should_reconnect(&event);
                Input::Closed {
                    socket,
                    event,
                    reconnect,
                }
            }
        };
        self.handle(input);
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
        drop(released);
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The socket lets go as it drops; the clock must not call back.
        drop(self.socket.get_mut().take());
        if self.armed.get().is_some() {
            self.clock.get_mut().cancel();
        }
        self.events.end();
    }
}
