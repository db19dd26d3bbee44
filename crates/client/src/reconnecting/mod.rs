//! A connection that survives: reconnects with backoff, queues what is sent while it is away,
//! and detects dead connections with an optional heartbeat. Built on [`WebSocket`], which
//! itself stays exactly as the browser behaves.
//!
//! - [`ReconnectingWebSocket`]: the handle (this file).
//! - [`ReconnectOptions`], [`Heartbeat`], [`AckMatcher`]: how it behaves, every default
//!   documented.
//! - [`Backoff`]: the delays between attempts; [`QueueLimits`]: how much waits to go out.
//! - [`ConnectionEvent`], [`ConnectionStatus`], [`Sent`], [`SendError`]: what it reports.
//! - [`Subscription`]: one of any number of listeners, removed when dropped.
//! - The rules themselves are private: `core/`, a sans-IO state machine (no socket, timer or
//!   clock of its own); `driver.rs`, which runs it over a `transport/` (the browser's, or an
//!   in-memory one for tests). The scenario and property tests in `tests/` run natively,
//!   through the real driver over the in-memory transport, with a virtual clock.
//!
//! Why one file of this length: the handle's public methods, each documented with an example;
//! the rules are in `core/`, the running of them in `driver.rs`.

mod backoff;
pub(crate) mod core;
mod driver;
mod event;
mod options;
mod queue;
mod subscription;
mod tabs;
pub(crate) mod transport;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

use std::{
    pin::Pin,
    rc::{Rc, Weak},
    task::{Context, Poll},
};

use futures_core::Stream;

pub use backoff::Backoff;
pub use event::{ConnectionEvent, ConnectionStatus, SendError, Sent};
pub use options::{
    AckMatcher, Heartbeat, HelloMessages, MessageFilter, ReconnectOptions, ReconnectPredicate,
};
pub use queue::QueueLimits;
pub use subscription::Subscription;
pub use tabs::TabRole;

use crate::{dispatch::StreamQueue, validate_protocols, Error, Message, ReadyState, WebSocket};
use driver::{Driver, UrlSource};
use transport::{
    browser::{BrowserClock, BrowserTransport},
    Clock, Transport,
};

/// A WebSocket connection that comes back by itself.
///
/// - **Reconnect**: after a close it did not ask for, it reconnects after an exponential
///   [`Backoff`] with jitter, up to [`ReconnectOptions::max_attempts`]; a predicate on the close
///   event may refuse; the attempt counter starts over only after a connection stayed up
///   [`ReconnectOptions::min_uptime`]; an attempt not open within the connect timeout is
///   abandoned. [`reconnect`](Self::reconnect) starts over at once (also after giving up);
///   [`close`](Self::close) stops everything.
/// - **Queue**: a message sent while the connection is not open is queued and flushed, in order,
///   before anything newer, as soon as it opens; a send that does not fit is refused.
/// - **Heartbeat** (optional): pings after silence, and treats a connection that stays silent
///   as dead.
/// - **Acknowledgements** (optional, [`ReconnectOptions::acknowledge`]): what was sent stays
///   until the server acknowledges it, and goes again after a reconnection: at least once.
/// - **Hello** (optional, [`ReconnectOptions::hello`]): messages that go out first on every
///   new connection (a token, a `join`, subscriptions).
///
/// Clones are cheap and control the same connection; dropping the last one closes the socket
/// and cancels every timer.
///
/// ```no_run
/// use std::time::Duration;
/// use wasm_ws_client::reconnecting::{ConnectionEvent, ReconnectOptions, ReconnectingWebSocket, Sent};
/// use wasm_ws_client::Message;
///
/// let options = ReconnectOptions {
///     max_attempts: Some(10),
///     should_reconnect: std::rc::Rc::new(|close| close.code != 1000),
///     ..ReconnectOptions::default()
/// };
/// let connection = ReconnectingWebSocket::open("/websocket/test", options)?; // a bad URL is an Err
/// connection.on_event(|event| match event {
///     ConnectionEvent::Message(Message::Text(text)) => web_sys::console::log_1(&text.into()),
///     ConnectionEvent::Reconnecting { attempt, delay } => {
///         web_sys::console::log_1(&format!("retry {attempt} in {delay:?}").into())
///     }
///     _ => {} // the events are `#[non_exhaustive]`: more may come
/// });
/// // Goes out now if open, or is queued until the connection is back.
/// assert!(matches!(connection.send(Message::from("hello")), Ok(Sent::Now | Sent::Queued)));
/// # Ok::<(), wasm_ws_client::Error>(())
/// ```
#[derive(Clone)]
pub struct ReconnectingWebSocket {
    driver: Rc<Driver>,
}

/// A handle that does not keep the connection alive; see [`ReconnectingWebSocket::downgrade`].
#[derive(Clone)]
pub struct WeakReconnectingWebSocket {
    driver: Weak<Driver>,
}

impl WeakReconnectingWebSocket {
    /// The connection, if a strong handle still exists.
    pub fn upgrade(&self) -> Option<ReconnectingWebSocket> {
        self.driver
            .upgrade()
            .map(|driver| ReconnectingWebSocket { driver })
    }
}

impl ReconnectingWebSocket {
    /// Connects to `url` (relative URLs resolve against the page) and keeps reconnecting.
    ///
    /// The URL and [`ReconnectOptions::protocols`] are checked here, as `new WebSocket` would
    /// check them: an invalid one is an [`Error::Syntax`], never a connection retried forever.
    pub fn open(url: &str, options: ReconnectOptions) -> Result<Self, Error> {
        let connection = Self::new(options)?;
        connection.connect(url)?;
        Ok(connection)
    }

    /// Like [`open`](Self::open), with the URL produced anew at each attempt (to refresh a
    /// token, or pick another server). The protocols are checked here; each URL is checked when
    /// it is produced, and an invalid one stops the connection with
    /// [`ConnectionEvent::Failed`] rather than being retried as a network failure.
    pub fn open_with(
        url: impl Fn() -> String + 'static,
        options: ReconnectOptions,
    ) -> Result<Self, Error> {
        let connection = Self::new(options)?;
        connection.connect_with(url);
        Ok(connection)
    }

    /// A connection that does not connect until [`connect`](Self::connect) says where: until
    /// then, what is sent waits in its queue (within [`QueueLimits`]), and its
    /// [`status`](Self::status) is [`ConnectionStatus::Idle`]. Made without calling the
    /// browser, so it may be made where there is none (in server-side rendering). Invalid
    /// [`ReconnectOptions::protocols`] are an [`Error::Syntax`].
    ///
    /// ```no_run
    /// use wasm_ws_client::{Message, ReconnectOptions, ReconnectingWebSocket, Sent};
    ///
    /// let connection = ReconnectingWebSocket::new(ReconnectOptions::default())?;
    /// // Sent before anyone knows where to connect: it waits, and goes first once open.
    /// assert_eq!(connection.send(Message::from("hello")), Ok(Sent::Queued));
    /// connection.connect("/websocket/test")?;
    /// # Ok::<(), wasm_ws_client::Error>(())
    /// ```
    pub fn new(options: ReconnectOptions) -> Result<Self, Error> {
        Self::on(
            options,
            Rc::new(BrowserTransport),
            Rc::new(BrowserClock::default()),
        )
    }

    /// A connection over `transport`, on `clock`'s time, not connecting yet.
    pub(crate) fn on(
        options: ReconnectOptions,
        transport: Rc<dyn Transport>,
        clock: Rc<dyn Clock>,
    ) -> Result<Self, Error> {
        validate_protocols(&options.protocols)?;
        Ok(Self {
            driver: Driver::new(options, transport, clock),
        })
    }

    /// Connects to `url` (relative URLs resolve against the page, checked as `new WebSocket`
    /// checks them): the first attempt of a connection made with [`new`](Self::new), or, on any
    /// other, a new attempt there now with the attempt counter reset, as
    /// [`reconnect`](Self::reconnect) does. An invalid URL is an [`Error::Syntax`], and
    /// changes nothing.
    pub fn connect(&self, url: &str) -> Result<(), Error> {
        #[cfg(feature = "testing")]
        self.route(url)?;
        let url = self.driver.transport().resolve_url(url)?;
        self.start_sharing(&url);
        let url: UrlSource = Rc::new(move || url.clone());
        self.driver.connect(url);
        Ok(())
    }

    /// Shares this connection with the other tabs of the origin that connect to the same URL,
    /// with the same subprotocols and the same `app_version`: one tab leads and holds the
    /// socket, the others follow through it (a `BroadcastChannel`, with the Web Locks API
    /// electing the leader). Call it before [`connect`](Self::connect) (or use
    /// [`open_shared`](Self::open_shared)).
    ///
    /// - Every tab hears every event of the shared connection: its messages, in the same order
    ///   in every tab, and its status (a following tab's [`status`](Self::status) is the
    ///   leader's).
    /// - Any tab sends: a following tab's sends go out through the leader, in that tab's
    ///   order, and answer [`Sent::Relayed`]. Its queue, hello and acknowledgements are its
    ///   own: its hello goes out on every open of the shared socket, and with
    ///   [`ReconnectOptions::acknowledge`] what it sent stays until acknowledged, so at least
    ///   once survives a change of leader.
    /// - When the leading tab closes, navigates away, crashes or goes into the back-forward
    ///   cache, another tab takes the lead and connects; its hello, then what awaited
    ///   acknowledgement, then its queue go out, and the other tabs' follow.
    /// - [`tab_role`](Self::tab_role) says whether this tab leads, follows, or connects alone;
    ///   [`ConnectionEvent::Role`] says when it changes. Where the browser has no Web Locks or
    ///   no `BroadcastChannel`, the tab connects alone, and nothing fails.
    ///
    /// `app_version` keeps apart the tabs of two versions of an app (after a deploy): tabs
    /// whose versions differ never share, nor read each other's messages; the relay's own
    /// version is in every message too.
    pub fn share_across_tabs(&self, app_version: &str) {
        *self.driver.sharing.borrow_mut() = Some(tabs::Sharing::new(app_version));
    }

    /// [`open`](Self::open), shared with the other tabs ([`share_across_tabs`](Self::share_across_tabs)).
    pub fn open_shared(
        url: &str,
        options: ReconnectOptions,
        app_version: &str,
    ) -> Result<Self, Error> {
        let connection = Self::new(options)?;
        connection.share_across_tabs(app_version);
        connection.connect(url)?;
        Ok(connection)
    }

    /// Which part this tab plays in a connection shared across tabs: [`TabRole::Alone`] unless
    /// [`share_across_tabs`](Self::share_across_tabs) found the browser able to share, and
    /// after [`close`](Self::close). From [`connect`](Self::connect) on, a tab that shares is
    /// [`TabRole::Following`] until the browser grants it the lead (a task later, when no other
    /// tab holds it); [`ConnectionEvent::Role`] says each change.
    pub fn tab_role(&self) -> TabRole {
        self.tabs().map_or(TabRole::Alone, |tabs| tabs.role())
    }

    /// Like [`connect`](Self::connect), with the URL produced anew at each attempt (see
    /// [`open_with`](Self::open_with)). With the cargo feature `testing`, the function is also
    /// called once now, to tell a [fake server](crate::testing)'s URL.
    pub fn connect_with(&self, url: impl Fn() -> String + 'static) {
        // A URL naming a fake server that is gone stays on the browser, where each attempt
        // fails as for any bad URL.
        #[cfg(feature = "testing")]
        let _ = self.route(&url());
        if self.driver.sharing.borrow().is_some() {
            if let Ok(now) = self.driver.transport().resolve_url(&url()) {
                self.start_sharing(&now);
            }
        }
        let url: UrlSource = Rc::new(url);
        self.driver.connect(url);
    }

    /// With [`share_across_tabs`](Self::share_across_tabs): starts the tabs' coordination for
    /// `url`, or joins again the group it started for that URL; another URL's group is left.
    fn start_sharing(&self, url: &str) {
        let sharing = self.driver.sharing.borrow().clone();
        if let Some(tabs::Sharing { app, share }) = sharing {
            share(self, &app, url);
        }
    }

    /// The tabs' coordination, while sharing.
    fn tabs(&self) -> Option<Rc<dyn tabs::Group>> {
        self.driver.tabs.borrow().clone()
    }

    /// With the cargo feature `testing`: runs on the fake server `url` names, if it names one.
    #[cfg(feature = "testing")]
    fn route(&self, url: &str) -> Result<(), Error> {
        if let Some(server) = crate::testing::route(url)? {
            let (transport, clock) = server.transport();
            self.driver.route(transport, clock);
        }
        Ok(())
    }

    /// Called with every [`ConnectionEvent`]; replaces (and releases) the previous handler.
    /// For more than one listener, see [`subscribe`](Self::subscribe).
    pub fn on_event(&self, handler: impl FnMut(ConnectionEvent) + 'static) {
        self.driver.events.handler.set(Some(Box::new(handler)));
    }

    /// Calls `listener` with every [`ConnectionEvent`] from now on, until the returned
    /// [`Subscription`] is dropped. Any number of listeners may listen, each hearing the events
    /// in order, in the order they subscribed (before the [`on_event`](Self::on_event)
    /// handler). A listener may send, close, subscribe or drop subscriptions, its own
    /// included: a listener dropped while an event is delivered hears no more, that event
    /// included if it had not heard it yet.
    ///
    /// The subscription does not keep the connection alive.
    ///
    /// ```no_run
    /// use wasm_ws_client::{ConnectionEvent, ReconnectOptions, ReconnectingWebSocket};
    ///
    /// let connection = ReconnectingWebSocket::open("/websocket/test", ReconnectOptions::default())?;
    /// let status = connection.subscribe(|event| {
    ///     if let ConnectionEvent::Open = event {
    ///         web_sys::console::log_1(&"open".into());
    ///     }
    /// });
    /// // ... later: no more calls once it is dropped.
    /// drop(status);
    /// # Ok::<(), wasm_ws_client::Error>(())
    /// ```
    #[must_use = "the listener is removed when the subscription is dropped"]
    pub fn subscribe(&self, listener: impl FnMut(ConnectionEvent) + 'static) -> Subscription {
        Subscription::new(self.driver.events.listen(Box::new(listener)))
    }

    /// The events from now on, as a [`Stream`]; it ends after the [`ConnectionEvent::Closed`]
    /// that stops the connection, or when the last handle is dropped.
    pub fn events(&self) -> ConnectionEvents {
        ConnectionEvents {
            _connection: self.clone(),
            queue: self.driver.events.subscribe(),
        }
    }

    /// Where the connection stands now.
    pub fn status(&self) -> ConnectionStatus {
        self.driver.core().status()
    }

    /// Sends now if open, otherwise queues; see [`Sent`] and [`SendError`]. What goes out is
    /// also reported as a [`ConnectionEvent::Sent`].
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        self.driver.send(queue::Outgoing::new(message))
    }

    /// Waits until a message sent now would go out at once ([`Sent::Now`]): the connection is
    /// open, nothing waits before it, and (with [`ReconnectOptions::flow_control`]) the
    /// browser's send buffer has drained below the high-water mark. Also resolves once the
    /// connection stops (closed, given up, failed): a send then answers with why. For a
    /// producer that must not outrun the network:
    ///
    /// ```no_run
    /// use wasm_ws_client::{Message, ReconnectOptions, ReconnectingWebSocket};
    ///
    /// # async fn upload(chunks: Vec<Vec<u8>>) -> Result<(), wasm_ws_client::Error> {
    /// let connection = ReconnectingWebSocket::open("/websocket/test", ReconnectOptions::default())?;
    /// for chunk in chunks {
    ///     connection.send_ready().await;
    ///     if connection.send(Message::from(chunk)).is_err() {
    ///         break; // closed, or refused: `into_message()` gives it back
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_ready(&self) {
        std::future::poll_fn(|cx| self.driver.poll_ready(cx)).await;
    }

    /// The options in force (see [`set_options`](Self::set_options)).
    pub fn options(&self) -> ReconnectOptions {
        self.driver.core().options().clone()
    }

    /// Replaces the options without reconnecting. Each applies from its next use:
    ///
    /// - at once on the live socket, and at every attempt: the binary type (as the browser's
    ///   `binaryType`, it applies to messages delivered from then on);
    /// - at the next attempt: the protocols, the backoff, `max_attempts`, `connect_timeout`,
    ///   `min_uptime`, `should_reconnect` (and the URL function's result);
    /// - at once while open, otherwise from the next open: the heartbeat (its wait starts over
    ///   from the last thing received), and the `hello` at each open;
    /// - at the next send or incoming message: the queue limits (a larger window sends what
    ///   waits at once; a smaller one keeps what it holds), `acknowledge` (turning it off
    ///   forgets what awaited acknowledgement);
    /// - at once: `reconnect_on_wake`.
    ///
    /// To apply new protocols now, call [`reconnect`](Self::reconnect) after. Invalid protocols are an [`Error::Syntax`] and change nothing.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use wasm_ws_client::{Heartbeat, ReconnectOptions, ReconnectingWebSocket};
    ///
    /// let connection = ReconnectingWebSocket::open("/websocket/test", ReconnectOptions::default())?;
    /// // The user chose "keep my connection alive": from now on, without a reconnection.
    /// connection.set_options(ReconnectOptions {
    ///     heartbeat: Some(Heartbeat::ping_pong(Duration::from_secs(10), Duration::from_secs(5))),
    ///     ..connection.options()
    /// })?;
    /// # Ok::<(), wasm_ws_client::Error>(())
    /// ```
    pub fn set_options(&self, options: ReconnectOptions) -> Result<(), Error> {
        validate_protocols(&options.protocols)?;
        // Shared and following, the relay's own options stay in force until this tab leads.
        let options = match self.tabs() {
            Some(tabs) => tabs.set_options(options),
            None => options,
        };
        self.driver
            .handle(core::Input::Configure(Box::new(options)));
        Ok(())
    }

    /// How many messages wait in the outbound queue.
    pub fn queued_len(&self) -> usize {
        self.driver.core().queue().len()
    }

    /// How many bytes wait in the outbound queue.
    pub fn queued_bytes(&self) -> usize {
        self.driver.core().queue().bytes()
    }

    /// A copy of the queued messages, oldest first.
    pub fn queued(&self) -> Vec<Message> {
        self.driver.core().queue().snapshot()
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        self.driver.call(core::Core::drain_queue)
    }

    /// With [`ReconnectOptions::acknowledge`]: how many messages sent await acknowledgement.
    pub fn unacknowledged_len(&self) -> usize {
        self.driver.core().unacknowledged().len()
    }

    /// With [`ReconnectOptions::acknowledge`]: a copy of the messages that await
    /// acknowledgement, oldest first.
    pub fn unacknowledged(&self) -> Vec<Message> {
        self.driver.core().unacknowledged().snapshot()
    }

    /// Gives up on every message that awaits acknowledgement: they will not be sent again.
    /// Returns them, oldest first. What the queue held behind a full window goes now.
    pub fn drain_unacknowledged(&self) -> Vec<Message> {
        self.driver.call(core::Core::drain_unacknowledged)
    }

    /// The current socket's `readyState`; CLOSED between attempts.
    pub fn ready_state(&self) -> ReadyState {
        self.driver.ready_state()
    }

    /// The current socket, if an attempt is under way, open, or closing (and the connection
    /// runs in the browser).
    pub fn socket(&self) -> Option<WebSocket> {
        self.driver.web_socket()
    }

    /// Drops the current connection or wait and connects now, with the attempt counter reset.
    /// Works after giving up and after [`close`](Self::close).
    pub fn reconnect(&self) {
        if let Some(tabs) = self.tabs() {
            tabs.rejoin();
        }
        self.driver.handle(core::Input::Reconnect);
    }

    /// Closes the connection and stops reconnecting; the last event is always a
    /// [`ConnectionEvent::Closed`]: the socket's own if one is open or connecting, otherwise one
    /// with code 1005 at once. The queue is kept (see [`drain_queue`](Self::drain_queue));
    /// sends are refused until [`reconnect`](Self::reconnect). Nothing is delivered after
    /// `close()` but that `Closed`: not even a message that was already on its way.
    pub fn close(&self) {
        self.leave_tabs();
        self.driver.handle(core::Input::Close(None));
    }

    /// Like [`close`](Self::close), with a close code and reason for the socket's closing
    /// handshake, checked first as the browser's `close(code, reason)` checks them
    /// ([`validate_close`](crate::validate_close)): a code other than 1000 or 3000..=4999 is an
    /// [`Error::InvalidAccess`], a reason over 123 bytes an [`Error::Syntax`], and then nothing
    /// is closed. Without a live socket the code and reason go nowhere, and the last event is
    /// a `Closed` with 1005 as for `close()`.
    ///
    /// ```no_run
    /// # let connection = wasm_ws_client::ReconnectingWebSocket::open("/ws", Default::default())?;
    /// connection.close_with(4000, "signed out")?;
    /// assert!(connection.close_with(1005, "").is_err()); // refused, as the browser would
    /// # Ok::<(), wasm_ws_client::Error>(())
    /// ```
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), Error> {
        crate::validate_close(code, reason)?;
        self.leave_tabs();
        self.driver
            .handle(core::Input::Close(Some((code, reason.to_owned()))));
        Ok(())
    }

    /// Shared across tabs, this tab's closing is its own: another tab takes the lead, and the
    /// shared connection goes on for the others.
    fn leave_tabs(&self) {
        if let Some(tabs) = self.tabs() {
            tabs.leave();
        }
    }

    /// A handle that does not keep the connection alive, for use inside its own handlers.
    pub fn downgrade(&self) -> WeakReconnectingWebSocket {
        WeakReconnectingWebSocket {
            driver: Rc::downgrade(&self.driver),
        }
    }
}

impl PartialEq for ReconnectingWebSocket {
    /// Handles are equal when they control the same connection.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.driver, &other.driver)
    }
}

/// The events of a [`ReconnectingWebSocket`], as a [`Stream`]; see
/// [`ReconnectingWebSocket::events`]. Holds a handle, so it keeps the connection alive.
pub struct ConnectionEvents {
    _connection: ReconnectingWebSocket,
    queue: Rc<StreamQueue<ConnectionEvent>>,
}

impl Stream for ConnectionEvents {
    type Item = ConnectionEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<ConnectionEvent>> {
        self.queue.poll_next(cx)
    }
}
