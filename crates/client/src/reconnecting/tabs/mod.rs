//! One connection for every tab: the tabs of an origin that connect to the same URL, with the
//! same subprotocols and the same app version, share one socket
//! ([`ReconnectingWebSocket::share_across_tabs`]).
//!
//! - `group.rs`: the connection's side, what `share_across_tabs` keeps and how a connection
//!   joins its group and leaves it.
//! - `bus.rs`: what the tabs have in common, a lock and a channel; `browser.rs` makes them of
//!   the Web Locks API and a `BroadcastChannel` (`wire.rs`: what crosses it), `memory.rs` of a
//!   fake server's network.
//! - The tab that holds the lock leads: its connection runs on the real socket, and what
//!   happens to it is relayed to the others (`relay.rs`: what the tabs say).
//! - To a following tab the relay is just another transport (`transport.rs`): its connection
//!   runs over it with its own queue, hello and acknowledgements, so that nothing waiting in it
//!   is lost when the leader changes. Its status and status events are the leader's, mirrored.
//!
//! This file holds the rules: who leads, what each role does with what it hears, and how the
//! connection is handed from one to the other.

// Natively, only a fake server's tabs share (feature `testing`): without it, the rules compile
// and nothing calls them.
#![cfg_attr(
    not(any(target_arch = "wasm32", feature = "testing", test)),
    allow(dead_code, unused_variables)
)]

#[cfg(target_arch = "wasm32")]
mod browser;
mod bus;
mod group;
#[cfg(any(feature = "testing", all(test, not(target_arch = "wasm32"))))]
pub(crate) mod memory;
mod relay;
mod transport;
#[cfg(target_arch = "wasm32")]
mod wire;
#[cfg(all(test, target_arch = "wasm32"))]
mod wire_tests;

use std::{
    cell::{Cell, OnceCell, RefCell},
    rc::{Rc, Weak},
};

use bus::{Bus, Hear, Heard};
use group::group_name;
pub(crate) use group::{Group, Sharing};
use relay::{event_of, is_relayed, Relayed, Said};
use transport::{RelaySockets, RelayTransport};

use super::{
    core::Input,
    queue::Outgoing,
    transport::{Clock, SocketEvent, Transport},
    ConnectionEvent, ConnectionStatus, ReconnectOptions, ReconnectingWebSocket, Subscription,
    WeakReconnectingWebSocket,
};
use crate::{Backoff, CloseEvent, Message};

/// Which part a tab plays in a connection shared across tabs; see
/// [`ReconnectingWebSocket::tab_role`]. A tab that shares starts [`Following`](Self::Following)
/// (its sends wait in its own queue) until it learns it leads: at once when it is alone, a task
/// later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TabRole {
    /// This tab holds the socket, for itself and the tabs that follow it.
    Leading,
    /// Another tab holds the socket: this one sends and receives through it.
    Following,
    /// This tab shares nothing: sharing is off, the browser lacks Web Locks or
    /// `BroadcastChannel` (the tab holds a socket of its own), or the app closed the
    /// connection.
    Alone,
}

/// The tabs' coordination for one shared connection, in one tab.
pub(crate) struct Tabs {
    /// This tab's id in the relay.
    me: u64,
    /// The group's name: the relay's version, the app's, the URL and the subprotocols.
    name: String,
    bus: Rc<dyn Bus>,
    role: Cell<TabRole>,
    /// The app closed the connection: this tab neither leads nor asks to.
    left: Cell<bool>,
    connection: WeakReconnectingWebSocket,
    /// The app's own options, in force while leading; following, the relay's.
    options: RefCell<ReconnectOptions>,
    /// What the connection runs on while leading: the browser's (or a fake server's).
    own: (Rc<dyn Transport>, Rc<dyn Clock>),
    /// The relay's socket while following.
    sockets: RelaySockets,
    /// While leading: what the connection says, relayed.
    relaying: RefCell<Option<Subscription>>,
    this: Weak<Tabs>,
}

/// Logs what the relay drops or refuses.
fn warn(what: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&format!("wasm-ws: {what}").into());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("wasm-ws: {what}");
}

/// Joins the group `name` on the transport's own means: a fake server's network, or the
/// browser's.
fn join(transport: &Rc<dyn Transport>, name: &str, app: &str, hear: Hear) -> Option<Rc<dyn Bus>> {
    #[cfg(any(feature = "testing", all(test, not(target_arch = "wasm32"))))]
    if let Some(network) = transport.network() {
        return Some(Rc::new(memory::MemoryBus::join(network, name, hear)));
    }
    // Natively there is no browser: only a fake server's tabs share.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (transport, name, app, hear);
        None
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = transport;
        browser::BrowserBus::join(name, app, hear).map(|bus| Rc::new(bus) as Rc<dyn Bus>)
    }
}

impl Tabs {
    /// Starts sharing `connection` (not connected yet) to `url` with the other tabs of app
    /// version `app`; `None` if this browser cannot (the tab connects alone).
    pub(crate) fn start(
        connection: &ReconnectingWebSocket,
        app: &str,
        url: &str,
    ) -> Option<Rc<Self>> {
        let options = connection.options();
        let name = group_name(app, url, &options.protocols);
        let own = (connection.driver.transport(), connection.driver.clock());
        // What the bus hears goes to the coordination, once it exists.
        let this: Rc<OnceCell<Weak<Tabs>>> = Rc::default();
        let hear: Hear = {
            let this = this.clone();
            Rc::new(move |heard| {
                if let Some(tabs) = this.get().and_then(Weak::upgrade) {
                    tabs.hear(heard);
                }
            })
        };
        let bus = join(&own.0, &name, app, hear)?;
        let tabs = Rc::new_cyclic(|weak: &Weak<Tabs>| {
            let _ = this.set(weak.clone());
            Self {
                me: bus.id(),
                name,
                sockets: RelaySockets::new(bus.clone()),
                bus,
                role: Cell::new(TabRole::Following),
                left: Cell::new(false),
                connection: connection.downgrade(),
                options: RefCell::new(options),
                own,
                relaying: RefCell::new(None),
                this: weak.clone(),
            }
        });
        tabs.follow(false);
        tabs.bus.ask_for_lock();
        Some(tabs)
    }

    /// The connection runs on this tab's own transport again, with the app's options, its
    /// status its own, in `role`.
    fn run_on_its_own(&self, connection: &ReconnectingWebSocket, role: TabRole) {
        self.role.set(role);
        let driver = &connection.driver;
        driver.route(self.own.0.clone(), self.own.1.clone());
        let options = self.options.borrow().clone();
        driver.handle(Input::Configure(Box::new(options)));
        driver.handle(Input::Follow(None));
        driver.handle(Input::Mirror(ConnectionEvent::Role(role)));
    }

    fn post(&self, said: Said) {
        self.bus.post(Relayed {
            from: self.me,
            said,
        });
    }

    /// What this tab heard, unless it left, or cannot share.
    fn hear(&self, heard: Heard) {
        if self.left.get() || self.role.get() == TabRole::Alone {
            return;
        }
        match heard {
            Heard::Granted => self.lead(),
            Heard::Refused => self.alone(),
            Heard::Relayed(relayed) => self.heard(relayed),
            Heard::Hidden => {
                // Into the back-forward cache: another tab takes the lead. The socket is left
                // to the browser, which closes it with 1001 as the page goes (closing it here
                // would send no code); back from the cache, this tab follows anew.
                self.bus.release_lock();
                self.follow(false);
            }
            Heard::Shown => {
                self.follow(true);
                self.bus.ask_for_lock();
            }
        }
    }

    /// This tab follows: its connection runs over the relay, with the relay's options, and
    /// shows the leader's status; `reconnect`, over a new relay socket at once.
    fn follow(&self, reconnect: bool) {
        self.role.set(TabRole::Following);
        self.relaying.borrow_mut().take();
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        connection.driver.relayed_out.borrow_mut().take();
        let relay =
            RelayTransport::new(self.this.clone(), self.sockets.clone(), self.own.0.clone());
        connection.driver.route(Rc::new(relay), self.own.1.clone());
        let relay = relay_options(&self.options.borrow());
        let driver = &connection.driver;
        driver.handle(Input::Configure(Box::new(relay)));
        driver.handle(Input::Follow(Some(ConnectionStatus::Connecting {
            attempt: 0,
        })));
        driver.handle(Input::Mirror(ConnectionEvent::Role(TabRole::Following)));
        if reconnect {
            connection.reconnect();
        }
    }

    /// This tab got the lock: it leads. Its connection runs on its own transport again, with
    /// the app's options (its hello, then what awaits acknowledgement, then its queue go out on
    /// the open), and what it says is relayed to the followers.
    fn lead(&self) {
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        self.run_on_its_own(&connection, TabRole::Leading);
        let driver = &connection.driver;
        let this = self.this.clone();
        *self.relaying.borrow_mut() = Some(connection.subscribe(move |event| {
            if let Some(tabs) = this.upgrade() {
                tabs.relay(&event);
            }
        }));
        let this = self.this.clone();
        *driver.relayed_out.borrow_mut() = Some(Rc::new(move |to, bytes| {
            if let Some(tabs) = this.upgrade() {
                tabs.post(Said::Taken { to, bytes });
            }
        }));
        // The followers' relay sockets close; they connect again, to this tab.
        self.post(Said::Leader);
        if driver.core().started() {
            connection.reconnect();
        }
    }

    /// The browser refused this tab the lock: it connects alone, on its own transport, with the
    /// app's options, for the rest of its life.
    fn alone(&self) {
        self.role.set(TabRole::Alone);
        self.relaying.borrow_mut().take();
        self.bus.release_lock();
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        connection.driver.relayed_out.borrow_mut().take();
        self.run_on_its_own(&connection, TabRole::Alone);
        if connection.driver.core().started() {
            connection.reconnect();
        }
    }

    /// While leading: says to the followers what happened to the shared connection.
    fn relay(&self, event: &ConnectionEvent) {
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        match event {
            ConnectionEvent::Message(message) => self.post(Said::Message(message.clone())),
            event if is_relayed(event) => {
                self.post(Said::Event(event.clone(), connection.status()));
            }
            _ => {}
        }
    }

    /// What another tab said.
    fn heard(&self, relayed: Relayed) {
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        let driver = &connection.driver;
        match (self.role.get(), relayed.said) {
            // Leading: a follower joins, or asks for a send.
            (TabRole::Leading, Said::Join) => self.post(Said::Stands(connection.status())),
            (TabRole::Leading, Said::Send(message)) => {
                // In the follower's order. The follower keeps it until acknowledged, and paces
                // it: it counts as its buffer until on the wire here ([`Said::Taken`]).
                if let Err(error) = driver.send(Outgoing::relayed(message, relayed.from)) {
                    warn(&format!("a following tab's message not sent: {error}"));
                }
            }
            // Following: the leader changed; where the shared connection stands; what happens
            // to it.
            (TabRole::Following, Said::Leader) => self.sockets.close_all(leader_changed()),
            (TabRole::Following, Said::Stands(status)) => {
                // Where the shared connection stands, heard on joining: when it is not what
                // this tab showed, the event of that status tells the change (the `Open` a tab
                // that joins an open connection did not see happen), as every change of
                // status is told.
                let told = (status != connection.status())
                    .then(|| event_of(&status))
                    .flatten();
                let open = status.is_open();
                driver.handle(Input::Follow(Some(status)));
                if let Some(event) = told {
                    driver.handle(Input::Mirror(event));
                }
                if open {
                    self.sockets.open_all();
                }
            }
            (TabRole::Following, Said::Event(event, status)) => {
                driver.handle(Input::Follow(Some(status)));
                driver.handle(Input::Mirror(event.clone()));
                match event {
                    ConnectionEvent::Open => self.sockets.open_all(),
                    ConnectionEvent::Closed(close) => self.sockets.close_all(close),
                    _ => {}
                }
            }
            (TabRole::Following, Said::Message(message)) => {
                self.sockets.deliver(SocketEvent::Message(message));
            }
            (TabRole::Following, Said::Taken { to, bytes }) if to == self.me => {
                self.sockets.taken(bytes);
            }
            // Not for this role (a leader's words heard while leading, after a handover).
            _ => {}
        }
    }

    /// A follower's relay socket asks to join: the leader says where it stands.
    pub(super) fn join(&self) {
        self.post(Said::Join);
    }

    /// A follower's send, for the leader.
    pub(super) fn send(&self, message: &Message) {
        self.post(Said::Send(message.clone()));
    }
}

/// How a following tab's connection runs over the relay: it connects again at once after the
/// relay's socket closes (the leader does the backing off, and its status is shown), and leaves
/// the heartbeat and the waking to the leader. Its flow control stays: its relay socket's
/// buffer holds what the leader has not put on the wire yet.
fn relay_options(options: &ReconnectOptions) -> ReconnectOptions {
    ReconnectOptions {
        backoff: Backoff::constant(std::time::Duration::ZERO),
        max_attempts: None,
        connect_timeout: None,
        heartbeat: None,
        reconnect_on_wake: false,
        should_reconnect: ReconnectOptions::default().should_reconnect,
        ..options.clone()
    }
}

/// The relay socket's close when the leader changes: the new leader's socket is another one.
fn leader_changed() -> CloseEvent {
    CloseEvent {
        code: 1006,
        reason: "the leading tab changed".into(),
        was_clean: false,
    }
}
