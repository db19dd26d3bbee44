//! One connection for every tab: the tabs of an origin that connect to the same URL, with the
//! same subprotocols and the same app version, share one socket
//! ([`ReconnectingWebSocket::share_across_tabs`](super::ReconnectingWebSocket::share_across_tabs)).
//!
//! - The Web Locks API elects the leader: the tab that holds the lock holds the real socket.
//!   The browser hands the lock to a waiting tab when the leader closes, navigates away,
//!   crashes, or goes into the back-forward cache (this tab lets it go on `pagehide`).
//! - A `BroadcastChannel` relays (`relay.rs`): the leader says what happens to the shared
//!   socket, followers ask it to send. To a follower the relay is just another transport
//!   (`transport.rs`): its own connection runs over it, with its own queue, hello and
//!   acknowledgements, so that nothing waiting in it is lost when the leader changes.
//! - A follower's status and status events are the leader's, mirrored; its own connection's are
//!   the relay's business.
//!
//! Where the browser has no Web Locks or no `BroadcastChannel`, each tab connects alone.

mod relay;
mod transport;

use std::{
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
};

use js_sys::Function;
use wasm_bindgen::{closure::Closure, prelude::*, JsCast};

pub(crate) use relay::RELAY_VERSION;
use relay::{Relayed, RelayedStatus, Said};
use transport::{RelaySockets, RelayTransport};

use super::{
    core::Input,
    transport::{
        browser::{BrowserClock, BrowserTransport},
        Clock, SocketEvent,
    },
    ConnectionEvent, ConnectionStatus, ReconnectOptions, ReconnectingWebSocket, Subscription,
    WeakReconnectingWebSocket,
};
use crate::{Backoff, Message};

/// Which part a tab plays in a connection shared across tabs; see
/// [`ReconnectingWebSocket::tab_role`](super::ReconnectingWebSocket::tab_role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TabRole {
    /// This tab holds the socket, for itself and the tabs that follow it.
    Leading,
    /// Another tab holds the socket: this one sends and receives through it.
    Following,
    /// This tab holds a socket of its own: sharing is off, or the browser lacks Web Locks or
    /// `BroadcastChannel`.
    Alone,
}

#[wasm_bindgen(inline_js = r#"
export function can_share() {
  return typeof BroadcastChannel === "function" &&
    typeof navigator === "object" && !!navigator.locks && typeof navigator.locks.request === "function";
}
// Asks for the exclusive lock `name`; `granted()` is called once it is held, which it stays
// until `release()` of the returned object is called, or the page goes away.
export function ask_for_lock(name, granted) {
  let release = () => {};
  const held = new Promise((resolve) => { release = resolve; });
  const controller = new AbortController();
  navigator.locks.request(name, { signal: controller.signal }, () => { granted(); return held; })
    .catch(() => {});
  return { release: () => { release(); controller.abort(); } };
}
export function lock_release(lock) { lock.release(); }
"#)]
extern "C" {
    fn can_share() -> bool;
    fn ask_for_lock(name: &str, granted: &Function) -> JsValue;
    fn lock_release(lock: &JsValue);
}

/// The tabs' coordination for one shared connection, in one tab.
pub(crate) struct Tabs {
    /// This tab's id in the relay.
    me: String,
    /// The app's version: tabs of another never read this tab's messages.
    app: String,
    name: String,
    channel: web_sys::BroadcastChannel,
    role: Cell<TabRole>,
    connection: WeakReconnectingWebSocket,
    /// The app's own options, in force while leading; following, the relay's.
    options: RefCell<ReconnectOptions>,
    /// The relay's sockets (while following: the one the connection holds).
    sockets: RelaySockets,
    /// While leading: what the connection says, relayed.
    relaying: RefCell<Option<Subscription>>,
    /// The lock, asked for or held.
    lock: RefCell<Option<JsValue>>,
    /// The listeners this coordination keeps alive: the channel's, the lock's, `pagehide`'s.
    _callbacks: RefCell<Vec<Closure<dyn FnMut(JsValue)>>>,
    this: Weak<Tabs>,
}

/// The key tabs share a connection by: the relay's version, the app's, the URL and the
/// subprotocols.
fn key(app: &str, url: &str, protocols: &[String]) -> String {
    format!("wasm-ws/{RELAY_VERSION}/{app}/{url}/{}", protocols.join(","))
}

/// Logs what the relay drops.
fn warn(what: &str) {
    web_sys::console::warn_1(&format!("wasm-ws: relay message dropped: {what}").into());
}

impl Tabs {
    /// Starts sharing `connection` (not connected yet) to `url` with the other tabs, or finds
    /// that this browser cannot; returns the role it starts in.
    pub(crate) fn start(
        connection: &ReconnectingWebSocket,
        app: &str,
        url: &str,
    ) -> Option<Rc<Self>> {
        let options = connection.options();
        if !can_share() {
            return None;
        }
        let name = key(app, url, &options.protocols);
        let channel = web_sys::BroadcastChannel::new(&name).ok()?;
        let me = format!("{:016x}", (js_sys::Math::random() * 2f64.powi(53)) as u64);
        let tabs = Rc::new_cyclic(|this: &Weak<Tabs>| Self {
            me,
            app: app.to_owned(),
            name,
            channel,
            role: Cell::new(TabRole::Following),
            connection: connection.downgrade(),
            options: RefCell::new(options),
            sockets: RelaySockets::default(),
            relaying: RefCell::new(None),
            lock: RefCell::new(None),
            _callbacks: RefCell::new(Vec::new()),
            this: this.clone(),
        });
        tabs.listen();
        tabs.follow();
        tabs.ask_for_lock();
        Some(tabs)
    }

    pub(crate) fn role(&self) -> TabRole {
        self.role.get()
    }

    /// The app's options changed: in force now while leading, kept for later while following.
    pub(crate) fn set_options(&self, options: ReconnectOptions) -> Option<ReconnectOptions> {
        *self.options.borrow_mut() = options.clone();
        match self.role.get() {
            TabRole::Following => Some(relay_options(&options)),
            _ => Some(options),
        }
    }

    fn post(&self, said: Said) {
        let relayed = Relayed {
            from: self.me.clone(),
            said,
        };
        let _ = self.channel.post_message(&relayed.encode(&self.app));
    }

    fn keep(&self, callback: Closure<dyn FnMut(JsValue)>) -> Function {
        let function = callback.as_ref().unchecked_ref::<Function>().clone();
        self._callbacks.borrow_mut().push(callback);
        function
    }

    /// Hears the channel, and the page going into the back-forward cache and out of it.
    fn listen(&self) {
        let this = self.this.clone();
        let on_message = self.keep(Closure::new(move |event: JsValue| {
            let Some(tabs) = this.upgrade() else { return };
            let data = event
                .dyn_ref::<web_sys::MessageEvent>()
                .map(|event| event.data())
                .unwrap_or_default();
            match Relayed::decode(&data, &tabs.app) {
                Ok(relayed) => tabs.heard(relayed),
                Err(what) => warn(&what),
            }
        }));
        self.channel.set_onmessage(Some(&on_message));
        let Some(window) = web_sys::window() else {
            return;
        };
        let this = self.this.clone();
        let on_pagehide = self.keep(Closure::new(move |event: JsValue| {
            let cached = event
                .dyn_ref::<web_sys::PageTransitionEvent>()
                .is_some_and(|event| event.persisted());
            if let (true, Some(tabs)) = (cached, this.upgrade()) {
                // Into the back-forward cache: another tab takes the lead.
                tabs.let_go();
            }
        }));
        let this = self.this.clone();
        let on_pageshow = self.keep(Closure::new(move |event: JsValue| {
            let restored = event
                .dyn_ref::<web_sys::PageTransitionEvent>()
                .is_some_and(|event| event.persisted());
            if let (true, Some(tabs)) = (restored, this.upgrade()) {
                tabs.follow();
                tabs.ask_for_lock();
            }
        }));
        let _ = window.add_event_listener_with_callback("pagehide", &on_pagehide);
        let _ = window.add_event_listener_with_callback("pageshow", &on_pageshow);
    }

    fn ask_for_lock(&self) {
        let this = self.this.clone();
        let granted = self.keep(Closure::new(move |_: JsValue| {
            if let Some(tabs) = this.upgrade() {
                tabs.lead();
            }
        }));
        let lock = ask_for_lock(&self.name, &granted);
        *self.lock.borrow_mut() = Some(lock);
    }

    /// Lets the lock go (into the back-forward cache, or when the connection is dropped).
    fn let_go(&self) {
        if let Some(lock) = self.lock.borrow_mut().take() {
            lock_release(&lock);
        }
        self.relaying.borrow_mut().take();
        self.role.set(TabRole::Following);
    }

    /// This tab follows: its connection runs over the relay, with the relay's options, and
    /// shows the leader's status.
    fn follow(&self) {
        self.role.set(TabRole::Following);
        self.relaying.borrow_mut().take();
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        let transport = Rc::new(RelayTransport::new(self.this.clone(), self.sockets.clone()));
        let clock: Rc<dyn Clock> = Rc::new(BrowserClock::default());
        connection.driver.route(transport, clock);
        let relay = relay_options(&self.options.borrow());
        connection
            .driver
            .handle(Input::Configure(Box::new(relay)));
        connection.driver.handle(Input::Follow(Some(ConnectionStatus::Connecting {
            attempt: 0,
        })));
        connection.driver.handle(Input::Mirror(ConnectionEvent::Role(TabRole::Following)));
    }

    /// This tab got the lock: it leads. Its connection runs on the browser's socket again, with
    /// the app's options, and what it says is relayed to the followers.
    fn lead(&self) {
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        self.role.set(TabRole::Leading);
        // The relay's socket goes: the followers' sockets close as the leader changes.
        self.sockets.close_all(leader_changed());
        connection
            .driver
            .route(Rc::new(BrowserTransport), Rc::new(BrowserClock::default()));
        let options = self.options.borrow().clone();
        connection
            .driver
            .handle(Input::Configure(Box::new(options)));
        connection.driver.handle(Input::Follow(None));
        connection.driver.handle(Input::Mirror(ConnectionEvent::Role(TabRole::Leading)));
        let this = self.this.clone();
        *self.relaying.borrow_mut() = Some(connection.subscribe(move |event| {
            if let Some(tabs) = this.upgrade() {
                tabs.relay(&event);
            }
        }));
        self.post(Said::Leader);
        connection.reconnect();
    }

    /// While leading: says to the followers what happened to the shared connection.
    fn relay(&self, event: &ConnectionEvent) {
        let said = match event {
            ConnectionEvent::Open => Said::Open,
            ConnectionEvent::Message(message) => Said::Message(message.clone()),
            ConnectionEvent::Closed(close) => Said::Closed(close.clone()),
            ConnectionEvent::Connecting { attempt } => {
                Said::Status(RelayedStatus::Connecting { attempt: *attempt })
            }
            ConnectionEvent::Reconnecting { attempt, delay } => {
                Said::Status(RelayedStatus::Reconnecting {
                    attempt: *attempt,
                    delay_ms: delay.as_secs_f64() * 1000.0,
                })
            }
            ConnectionEvent::GaveUp { attempts } => Said::Status(RelayedStatus::GaveUp {
                attempts: *attempts,
            }),
            ConnectionEvent::Offline => Said::Status(RelayedStatus::Offline),
            _ => return,
        };
        self.post(said);
    }

    /// What another tab said.
    fn heard(&self, relayed: Relayed) {
        let Some(connection) = self.connection.upgrade() else {
            return;
        };
        match (self.role.get(), relayed.said) {
            // Leading: a follower joins, or asks for a send.
            (TabRole::Leading, Said::Join) => {
                let open = connection.status().is_open();
                self.post(if open {
                    Said::Open
                } else {
                    Said::Status(RelayedStatus::Connecting { attempt: 0 })
                });
            }
            (TabRole::Leading, Said::Send(message)) => {
                // Under this connection's own queue limits, in the follower's order.
                if let Err(error) = connection.send(message) {
                    warn(&format!("a following tab's send: {error}"));
                }
            }
            // Following: the leader changed; what happens to the shared socket.
            (TabRole::Following, Said::Leader) => self.sockets.close_all(leader_changed()),
            (TabRole::Following, Said::Open) => {
                connection.driver.handle(Input::Mirror(ConnectionEvent::Open));
                self.sockets.open_all();
            }
            (TabRole::Following, Said::Message(message)) => {
                self.sockets.deliver(SocketEvent::Message(message));
            }
            (TabRole::Following, Said::Closed(close)) => {
                connection
                    .driver
                    .handle(Input::Mirror(ConnectionEvent::Closed(close.clone())));
                self.sockets.close_all(close);
            }
            (TabRole::Following, Said::Status(status)) => {
                let event = match status {
                    RelayedStatus::Connecting { attempt } => ConnectionEvent::Connecting { attempt },
                    RelayedStatus::Reconnecting { attempt, delay_ms } => {
                        ConnectionEvent::Reconnecting {
                            attempt,
                            delay: std::time::Duration::from_millis(delay_ms as u64),
                        }
                    }
                    RelayedStatus::GaveUp { attempts } => ConnectionEvent::GaveUp { attempts },
                    RelayedStatus::Offline => ConnectionEvent::Offline,
                };
                connection.driver.handle(Input::Mirror(event));
            }
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

impl Drop for Tabs {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
        if let Some(lock) = self.lock.get_mut().take() {
            lock_release(&lock);
        }
    }
}

/// How a following tab's connection runs over the relay: it connects again at once after the
/// relay's socket closes (the leader does the backing off, and its status is shown), and leaves
/// the heartbeat, the waking and the pacing to the leader.
fn relay_options(options: &ReconnectOptions) -> ReconnectOptions {
    ReconnectOptions {
        backoff: Backoff::constant(std::time::Duration::ZERO),
        max_attempts: None,
        connect_timeout: None,
        heartbeat: None,
        reconnect_on_wake: false,
        flow_control: None,
        should_reconnect: ReconnectOptions::default().should_reconnect,
        ..options.clone()
    }
}

/// The relay socket's close when the leader changes: the new leader's socket is another one.
fn leader_changed() -> crate::CloseEvent {
    crate::CloseEvent {
        code: 1006,
        reason: "the leading tab changed".into(),
        was_clean: false,
    }
}
