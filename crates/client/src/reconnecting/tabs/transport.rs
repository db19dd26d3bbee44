//! The relay as a transport: what a following tab's connection runs over. Its socket opens
//! when the leader's does (it asks the leader with a join), receives what the leader's
//! receives, and closes when the leader's closes or the leader changes; a send goes to the
//! leader, which sends it on the shared socket. Its `bufferedAmount` is what the leader has
//! not put on the wire yet, so that the tab's flow control paces it as the network allows.

use std::{
    any::Any,
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
};

use super::{bus::Bus, Tabs};
use crate::{
    reconnecting::{
        core::Wake,
        transport::{Socket, SocketEvent, SocketListener, Transport},
    },
    BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket,
};

/// One relay socket, as the relay and the connection see it.
struct Relay {
    ready_state: Cell<ReadyState>,
    listener: RefCell<Option<SocketListener>>,
    /// The bytes sent that the leader has not put on the wire yet.
    buffered: Cell<usize>,
    /// Who waits for `buffered` to drain to a number of bytes.
    drained: RefCell<Option<(usize, DrainCall)>>,
}

/// Hears how much a relay socket's buffer holds, once drained enough.
type DrainCall = Box<dyn FnOnce(usize)>;

/// The relay's sockets in this tab: at most one live, the connection's.
#[derive(Clone)]
pub(super) struct RelaySockets {
    sockets: Rc<RefCell<Vec<Weak<Relay>>>>,
    /// Where their events wait for a task of their own.
    bus: Rc<dyn Bus>,
}

impl RelaySockets {
    pub(super) fn new(bus: Rc<dyn Bus>) -> Self {
        Self {
            sockets: Rc::default(),
            bus,
        }
    }

    fn live(&self) -> Vec<Rc<Relay>> {
        let mut sockets = self.sockets.borrow_mut();
        sockets.retain(|socket| socket.strong_count() > 0);
        sockets.iter().filter_map(Weak::upgrade).collect()
    }

    /// Says `event` to the socket, in a task of its own (never while the connection is calling
    /// in), unless it is let go by then.
    fn tell(&self, relay: &Rc<Relay>, event: SocketEvent) {
        let relay = Rc::downgrade(relay);
        self.bus.later(Box::new(move || {
            let listener = relay
                .upgrade()
                .and_then(|relay| relay.listener.borrow().clone());
            if let Some(listener) = listener {
                listener(event);
            }
        }));
    }

    /// The leader's socket opened: the sockets waiting for it open.
    pub(super) fn open_all(&self) {
        for relay in self.live() {
            if relay.ready_state.get() == ReadyState::Connecting {
                relay.ready_state.set(ReadyState::Open);
                self.tell(&relay, SocketEvent::Open);
            }
        }
    }

    /// What arrived on the leader's socket, for the open sockets.
    pub(super) fn deliver(&self, event: SocketEvent) {
        let SocketEvent::Message(message) = event else {
            return;
        };
        for relay in self.live() {
            if relay.ready_state.get() == ReadyState::Open {
                self.tell(&relay, SocketEvent::Message(message.clone()));
            }
        }
    }

    /// The leader's socket closed, or the leader changed: every socket closes with `close`.
    pub(super) fn close_all(&self, close: CloseEvent) {
        for relay in self.live() {
            if relay.ready_state.get() != ReadyState::Closed {
                self.closed(&relay);
                self.tell(&relay, SocketEvent::Close(close.clone()));
            }
        }
    }

    /// A socket closes: it drains no more, and whoever waits for it hears 0, as the browser's
    /// watch says, so that the next send finds out.
    fn closed(&self, relay: &Rc<Relay>) {
        relay.ready_state.set(ReadyState::Closed);
        relay.buffered.set(0);
        if let Some((_, call)) = relay.drained.borrow_mut().take() {
            self.bus.later(Box::new(move || call(0)));
        }
    }

    /// The leader put `bytes` of this tab's on the wire: the open socket's buffer drains.
    pub(super) fn taken(&self, bytes: usize) {
        for relay in self.live() {
            if relay.ready_state.get() != ReadyState::Open {
                continue;
            }
            let amount = relay.buffered.get().saturating_sub(bytes);
            relay.buffered.set(amount);
            let drained = relay
                .drained
                .borrow_mut()
                .take_if(|(below, _)| amount <= *below);
            if let Some((_, call)) = drained {
                self.bus.later(Box::new(move || call(amount)));
            }
        }
    }
}

/// The transport of a following tab.
pub(super) struct RelayTransport {
    tabs: Weak<Tabs>,
    sockets: RelaySockets,
    /// The tab's own transport, which checks URLs as the browser would.
    own: Rc<dyn Transport>,
}

impl RelayTransport {
    pub(super) fn new(tabs: Weak<Tabs>, sockets: RelaySockets, own: Rc<dyn Transport>) -> Self {
        Self { tabs, sockets, own }
    }
}

impl Transport for RelayTransport {
    fn resolve_url(&self, url: &str) -> Result<String, Error> {
        self.own.resolve_url(url)
    }

    fn open(
        &self,
        _url: &str,
        _protocols: &[String],
        _binary_type: BinaryType,
        listener: SocketListener,
    ) -> Result<Box<dyn Socket>, Error> {
        let relay = Rc::new(Relay {
            ready_state: Cell::new(ReadyState::Connecting),
            listener: RefCell::new(Some(listener)),
            buffered: Cell::new(0),
            drained: RefCell::new(None),
        });
        self.sockets
            .sockets
            .borrow_mut()
            .push(Rc::downgrade(&relay));
        if let Some(tabs) = self.tabs.upgrade() {
            tabs.join();
        }
        Ok(Box::new(RelaySocket {
            relay,
            tabs: self.tabs.clone(),
            sockets: self.sockets.clone(),
        }))
    }

    fn online(&self) -> bool {
        // The leader watches the network.
        true
    }

    fn listen_for_wake(&self, _on_wake: Rc<dyn Fn(Wake)>) -> Option<Box<dyn Any>> {
        None
    }

    fn seed(&self) -> u64 {
        self.own.seed()
    }
}

/// A following tab's socket.
struct RelaySocket {
    relay: Rc<Relay>,
    tabs: Weak<Tabs>,
    sockets: RelaySockets,
}

impl Socket for RelaySocket {
    fn send(&self, message: &Message) -> Result<(), Error> {
        match self.relay.ready_state.get() {
            ReadyState::Open => {
                let tabs = self
                    .tabs
                    .upgrade()
                    .ok_or(Error::Closed(ReadyState::Closed))?;
                tabs.send(message);
                let buffered = self.relay.buffered.get();
                self.relay.buffered.set(buffered + message.byte_len());
                Ok(())
            }
            ReadyState::Connecting => Err(Error::InvalidState(
                "send() while the socket is CONNECTING".into(),
            )),
            closing_or_closed => Err(Error::Closed(closing_or_closed)),
        }
    }

    /// This tab closes its connection: the shared socket stays, for the other tabs.
    fn close(&self, code: Option<(u16, &str)>) {
        let (code, reason) = code.map_or((1005, String::new()), |(code, reason)| {
            (code, reason.to_owned())
        });
        if self.relay.ready_state.get() != ReadyState::Closed {
            self.sockets.closed(&self.relay);
            let close = CloseEvent {
                code,
                reason,
                was_clean: true,
            };
            self.sockets.tell(&self.relay, SocketEvent::Close(close));
        }
    }

    fn ready_state(&self) -> ReadyState {
        self.relay.ready_state.get()
    }

    fn buffered_amount(&self) -> usize {
        self.relay.buffered.get()
    }

    fn when_drained(&self, below: usize, call: Box<dyn FnOnce(usize)>) {
        let open = self.relay.ready_state.get() == ReadyState::Open;
        let amount = self.relay.buffered.get();
        if open && amount > below {
            *self.relay.drained.borrow_mut() = Some((below, call));
            return;
        }
        // Drained enough, or closed: it drains no more, told 0.
        let amount = if open { amount } else { 0 };
        self.sockets.bus.later(Box::new(move || call(amount)));
    }

    fn set_binary_type(&self, _binary_type: BinaryType) {}

    fn web_socket(&self) -> Option<WebSocket> {
        None
    }
}

impl Drop for RelaySocket {
    fn drop(&mut self) {
        self.relay.listener.borrow_mut().take();
        self.relay.ready_state.set(ReadyState::Closed);
    }
}
