//! The relay as a transport: what a following tab's connection runs over. Its socket opens
//! when the leader's does (it asks the leader with a join), receives what the leader's
//! receives, and closes when the leader's closes or the leader changes; a send goes to the
//! leader, which sends it on the shared socket.

use std::{
    any::Any,
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
};

use super::Tabs;
use crate::{
    reconnecting::{
        core::Wake,
        transport::{Socket, SocketEvent, SocketListener, Transport},
    },
    resolve_url, BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket,
};

/// One relay socket, as the relay and the connection see it.
struct Relay {
    ready_state: Cell<ReadyState>,
    listener: RefCell<Option<SocketListener>>,
}

/// The relay's sockets in this tab: at most one live, the connection's.
#[derive(Clone, Default)]
pub(super) struct RelaySockets {
    sockets: Rc<RefCell<Vec<Weak<Relay>>>>,
}

impl RelaySockets {
    fn live(&self) -> Vec<Rc<Relay>> {
        let mut sockets = self.sockets.borrow_mut();
        sockets.retain(|socket| socket.strong_count() > 0);
        sockets.iter().filter_map(Weak::upgrade).collect()
    }

    /// Says `event` to the socket, in a task of its own (never while the connection is calling
    /// in).
    fn tell(relay: &Rc<Relay>, event: SocketEvent) {
        let listener = relay.listener.borrow().clone();
        if let Some(listener) = listener {
            wasm_bindgen_futures::spawn_local(async move { listener(event) });
        }
    }

    /// The leader's socket opened: the sockets waiting for it open.
    pub(super) fn open_all(&self) {
        for relay in self.live() {
            if relay.ready_state.get() == ReadyState::Connecting {
                relay.ready_state.set(ReadyState::Open);
                Self::tell(&relay, SocketEvent::Open);
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
                Self::tell(&relay, SocketEvent::Message(message.clone()));
            }
        }
    }

    /// The leader's socket closed, or the leader changed: every socket closes with `close`.
    pub(super) fn close_all(&self, close: CloseEvent) {
        for relay in self.live() {
            if relay.ready_state.get() != ReadyState::Closed {
                relay.ready_state.set(ReadyState::Closed);
                Self::tell(&relay, SocketEvent::Close(close.clone()));
            }
        }
    }
}

/// The transport of a following tab.
pub(super) struct RelayTransport {
    tabs: Weak<Tabs>,
    sockets: RelaySockets,
}

impl RelayTransport {
    pub(super) fn new(tabs: Weak<Tabs>, sockets: RelaySockets) -> Self {
        Self { tabs, sockets }
    }
}

impl Transport for RelayTransport {
    fn resolve_url(&self, url: &str) -> Result<String, Error> {
        resolve_url(url)
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
        });
        self.sockets.sockets.borrow_mut().push(Rc::downgrade(&relay));
        if let Some(tabs) = self.tabs.upgrade() {
            tabs.join();
        }
        Ok(Box::new(RelaySocket {
            relay,
            tabs: self.tabs.clone(),
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
        (js_sys::Math::random() * u64::MAX as f64) as u64
    }
}

/// A following tab's socket.
struct RelaySocket {
    relay: Rc<Relay>,
    tabs: Weak<Tabs>,
}

impl Socket for RelaySocket {
    fn send(&self, message: &Message) -> Result<(), Error> {
        match self.relay.ready_state.get() {
            ReadyState::Open => {
                let tabs = self.tabs.upgrade().ok_or(Error::Closed(ReadyState::Closed))?;
                tabs.send(message);
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
            self.relay.ready_state.set(ReadyState::Closed);
            let close = CloseEvent {
                code,
                reason,
                was_clean: true,
            };
            RelaySockets::tell(&self.relay, SocketEvent::Close(close));
        }
    }

    fn ready_state(&self) -> ReadyState {
        self.relay.ready_state.get()
    }

    fn buffered_amount(&self) -> usize {
        0
    }

    fn when_drained(&self, _below: usize, call: Box<dyn FnOnce(usize)>) {
        wasm_bindgen_futures::spawn_local(async move { call(0) });
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
