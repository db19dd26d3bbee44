//! The fake server: the in-memory network under a URL of its own, and the steps a test takes
//! on it.

use std::{
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
    time::Duration,
};

use super::{
    socket::{describe_link, IncomingConnection, ServerSocket},
    steps,
};
use crate::{
    reconnecting::{
        core::Wake,
        transport::{memory::Network, Clock, Transport},
    },
    Error, ReconnectOptions, ReconnectingWebSocket,
};

/// A scripted WebSocket server with a virtual clock, for tests (see [`testing`](super)).
///
/// Clones are cheap and script the same server. The server lives as long as a clone does;
/// its URL then stops working.
///
/// ```
/// use wasm_ws_client::{testing::FakeServer, ReconnectOptions, ReconnectingWebSocket};
///
/// futures_executor::block_on(async {
///     let server = FakeServer::new();
///     let connection = ReconnectingWebSocket::open(&server.url_for("/chat"), ReconnectOptions::default()).unwrap();
///     let incoming = server.next_connection().await;
///     assert!(incoming.url().ends_with("/chat"));
///     let mut socket = incoming.accept();
///     connection.send("hi".into()).unwrap();
///     assert_eq!(socket.next_text().await, "hi");
///     socket.send("welcome");
/// });
/// ```
#[derive(Clone)]
pub struct FakeServer {
    inner: Rc<Inner>,
}

pub(super) struct Inner {
    id: u64,
    pub(super) network: Network,
    /// How many of the client's attempts [`FakeServer::next_connection`] has handed out.
    handed_out: Cell<usize>,
}

thread_local! {
    /// The live fake servers, by the number in their URL's host.
    static SERVERS: RefCell<Vec<(u64, Weak<Inner>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

/// The scheme of a fake server's URLs.
const SCHEME: &str = "memory://";

/// The fake server `url` belongs to: `Ok(None)` for any other URL, an error for a fake server's
/// URL whose server is gone.
pub(crate) fn route(url: &str) -> Result<Option<FakeServer>, Error> {
    let Some(rest) = url.strip_prefix(SCHEME) else {
        return Ok(None);
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let id: Option<u64> = host.parse().ok();
    let inner = SERVERS.with(|servers| {
        let servers = servers.borrow();
        let found = servers.iter().find(|(held, _)| Some(*held) == id);
        found.and_then(|(_, inner)| inner.upgrade())
    });
    match inner {
        Some(inner) => Ok(Some(FakeServer { inner })),
        None => Err(Error::Syntax(format!(
            "{url:?}: no fake server has this URL (its FakeServer was dropped, or the URL was made by hand)"
        ))),
    }
}

impl Default for FakeServer {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeServer {
    /// A server with a URL of its own, its clock at zero, and no connection yet.
    pub fn new() -> Self {
        let id = NEXT_ID.with(|next| {
            let id = next.get();
            next.set(id + 1);
            id
        });
        let inner = Rc::new(Inner {
            id,
            network: Network::default(),
            handed_out: Cell::new(0),
        });
        SERVERS.with(|servers| {
            let mut servers = servers.borrow_mut();
            servers.retain(|(_, inner)| inner.strong_count() > 0);
            servers.push((id, Rc::downgrade(&inner)));
        });
        Self { inner }
    }

    /// The server's URL, `memory://N/`: a [`ReconnectingWebSocket`], a [`WebSocket`](crate::WebSocket)
    /// (in the browser) or a Yew hook given it connects to this server.
    pub fn url(&self) -> String {
        self.url_for("/")
    }

    /// The server's URL with this path (and query): `memory://N/path`. The test reads it back
    /// from [`IncomingConnection::url`].
    pub fn url_for(&self, path: &str) -> String {
        let path = path.strip_prefix('/').unwrap_or(path);
        format!("{SCHEME}{}/{path}", self.inner.id)
    }

    pub(super) fn network(&self) -> &Network {
        &self.inner.network
    }

    /// The transport and the clock a connection to this server runs on.
    pub(crate) fn transport(&self) -> (Rc<dyn Transport>, Rc<dyn Clock>) {
        let network = self.inner.network.clone();
        let clock = network.clock();
        (Rc::new(network), Rc::new(clock))
    }

    /// A connection to this server, made with [`ReconnectingWebSocket::new`]: it connects when
    /// given a URL (this server's, or any other on it). The same as
    /// `ReconnectingWebSocket::new(options)` followed by `connect(&server.url())`, but for
    /// when code under test connects later.
    pub fn connection(&self, options: ReconnectOptions) -> Result<ReconnectingWebSocket, Error> {
        let (transport, clock) = self.transport();
        ReconnectingWebSocket::on(options, transport, clock)
    }

    /// A plain [`WebSocket`](crate::WebSocket) to `url` (one of this server's) in the browser,
    /// as `WebSocket::open_with_protocols` makes for a fake server's URL.
    pub(crate) fn web_socket<S: AsRef<str>>(
        &self,
        url: &str,
        protocols: &[S],
    ) -> Result<crate::WebSocket, Error> {
        #[cfg(target_arch = "wasm32")]
        return super::web_socket::open(&self.inner.network, url, protocols);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (url, protocols);
            Err(Error::InvalidState(
                "a plain WebSocket needs a browser; natively, use ReconnectingWebSocket".into(),
            ))
        }
    }

    /// How many connection attempts clients made to this server.
    pub fn connections(&self) -> usize {
        self.inner.network.links()
    }

    /// The virtual time since the server was made.
    pub fn elapsed(&self) -> Duration {
        self.inner.network.now()
    }

    /// The client's next connection attempt, to accept or refuse. Attempts come in the order
    /// the client made them, each once.
    ///
    /// # Panics
    ///
    /// If the client makes no new attempt once its pending work has run. A reconnection waits
    /// for its backoff: [`advance`](Self::advance) the clock first.
    pub async fn next_connection(&self) -> IncomingConnection {
        let network = &self.inner.network;
        let next = self.inner.handed_out.get();
        let found = steps::until(
            || network.settle(),
            || (network.links() > next).then_some(next),
        )
        .await;
        let Some(index) = found else {
            let last = next
                .checked_sub(1)
                .map(|last| {
                    format!(
                        "; the last, #{}, {}",
                        last + 1,
                        describe_link(network, last)
                    )
                })
                .unwrap_or_default();
            panic!(
                "next_connection: the client made no new connection attempt ({next} so far{last}). \
                 A reconnection waits out its backoff: advance the clock first (server.advance(..))"
            );
        };
        self.inner.handed_out.set(index + 1);
        IncomingConnection::new(self.clone(), index)
    }

    /// The client's next connection attempt, accepted with no subprotocol and no extension.
    ///
    /// # Panics
    ///
    /// As [`next_connection`](Self::next_connection).
    pub async fn accept(&self) -> ServerSocket {
        self.next_connection().await.accept()
    }

    /// Lets `duration` of virtual time pass: every timer due on the way (backoff, heartbeat,
    /// connect timeout) comes at its exact time, and what it makes the client do happens, with
    /// the app's own pending tasks run after each.
    pub async fn advance(&self, duration: Duration) {
        let network = &self.inner.network;
        let target = network.now() + duration;
        loop {
            steps::settle(|| network.settle()).await;
            let Some(due) = network.deadline().filter(|due| *due <= target) else {
                break;
            };
            network.advance(due.saturating_sub(network.now()));
        }
        network.advance(target.saturating_sub(network.now()));
        steps::settle(|| network.settle()).await;
    }

    /// Lets the client's pending work run (its code's tasks, the events the server sent), with
    /// no time passing.
    pub async fn settle(&self) {
        let network = &self.inner.network;
        steps::settle(|| network.settle()).await;
    }

    /// The browser says the network went away (`offline`), as the connections'
    /// [`reconnect_on_wake`](crate::ReconnectOptions::reconnect_on_wake) hears it.
    pub fn go_offline(&self) {
        self.inner.network.wake(Wake::Offline);
    }

    /// The browser says the network is back (`online`).
    pub fn go_online(&self) {
        self.inner.network.wake(Wake::Online);
    }

    /// The page became visible again (a laptop opened).
    pub fn page_visible(&self) {
        self.inner.network.wake(Wake::Visible);
    }
}

impl PartialEq for FakeServer {
    /// The same server.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("url", &self.url())
            .field("connections", &self.connections())
            .field("elapsed", &self.elapsed())
            .finish()
    }
}
