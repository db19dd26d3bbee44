//! One connection, from the server's side: an attempt to accept or refuse, then an open socket
//! to read from, answer and close.

use super::{server::FakeServer, steps};
use crate::{reconnecting::transport::memory::Network, CloseEvent, Message, ReadyState};

/// How link `index` stands, for a panic message: its state, and everything the client sent.
pub(super) fn describe_link(network: &Network, index: usize) -> String {
    network
        .link(index, |link| {
            let state = match (&link.closed_by_client, link.ready_state) {
                (Some(Some((code, _))), _) => format!("closed by the client with {code}"),
                (Some(None), _) if link.released => "let go by the client".to_owned(),
                (Some(None), _) => "closed by the client".to_owned(),
                (None, state) => format!("{state:?}"),
            };
            let sent: Vec<&Message> = link.sent.iter().map(|(_, message)| message).collect();
            format!("{state}, the client sent {sent:?}")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A connection attempt the client made, not answered yet: [`accept`](Self::accept) it or
/// [`refuse`](Self::refuse) it. Made by [`FakeServer::next_connection`].
#[must_use = "the client waits until the attempt is accepted or refused"]
pub struct IncomingConnection {
    server: FakeServer,
    index: usize,
}

impl IncomingConnection {
    pub(super) fn new(server: FakeServer, index: usize) -> Self {
        Self { server, index }
    }

    fn network(&self) -> &Network {
        self.server.network()
    }

    /// Which attempt this is: 1 for the first the server saw.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The URL the client connected to (`memory://N/path`).
    pub fn url(&self) -> String {
        self.network()
            .link(self.index, |link| link.url.clone())
            .unwrap_or_default()
    }

    /// The subprotocols the client offered, in its order.
    pub fn protocols(&self) -> Vec<String> {
        self.network()
            .link(self.index, |link| link.protocols.clone())
            .unwrap_or_default()
    }

    /// Accepts, selecting the first subprotocol the client offered (none if it offered none)
    /// and no extension.
    ///
    /// # Panics
    ///
    /// If the client already gave up on this attempt (its connect timeout, a `close()`).
    pub fn accept(self) -> ServerSocket {
        let protocol = self.protocols().into_iter().next().unwrap_or_default();
        self.accept_with(&protocol, "")
    }

    /// Accepts, selecting `protocol` (`""` for none) and `extensions` (as a server's
    /// `Sec-WebSocket-Extensions` header would, such as `"permessage-deflate"`). As in a
    /// browser, a protocol the client did not offer, or none when it offered some, fails the
    /// connection: the client sees `error`, then a close with 1006.
    ///
    /// # Panics
    ///
    /// As [`accept`](Self::accept).
    pub fn accept_with(self, protocol: &str, extensions: &str) -> ServerSocket {
        self.still_connecting("accept");
        self.network().accept_with(self.index, protocol, extensions);
        ServerSocket {
            server: self.server,
            index: self.index,
        }
    }

    /// Refuses: the handshake fails, and the client sees `error`, then a close with 1006, as
    /// for a server that is down.
    ///
    /// # Panics
    ///
    /// As [`accept`](Self::accept).
    pub fn refuse(self) {
        self.still_connecting("refuse");
        self.network().fail(self.index);
    }

    fn still_connecting(&self, step: &str) {
        let network = self.network();
        network.settle();
        let connecting = network.link(self.index, |link| {
            link.ready_state == ReadyState::Connecting && !link.released
        });
        if connecting != Some(true) {
            panic!(
                "{step}: the client already gave up on connection #{} ({})",
                self.number(),
                describe_link(network, self.index)
            );
        }
    }
}

/// An accepted connection, from the server's side. Made by [`IncomingConnection::accept`] or
/// [`FakeServer::accept`].
///
/// ```
/// use wasm_ws_client::{testing::FakeServer, ConnectionStatus, ReconnectOptions, ReconnectingWebSocket};
///
/// futures_executor::block_on(async {
///     let server = FakeServer::new();
///     let connection = ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
///     let mut socket = server.accept().await;
///     connection.send("ping".into()).unwrap();
///     assert_eq!(socket.next_text().await, "ping");
///     socket.send("pong");
///     socket.close(4000, "done for today");
///     server.settle().await;
///     assert!(matches!(connection.status(), ConnectionStatus::Reconnecting { .. }));
/// });
/// ```
pub struct ServerSocket {
    server: FakeServer,
    index: usize,
}

impl ServerSocket {
    fn network(&self) -> &Network {
        self.server.network()
    }

    /// Which connection this is: 1 for the first the server saw.
    pub fn number(&self) -> usize {
        self.index + 1
    }

    /// The subprotocol the server selected.
    pub fn protocol(&self) -> String {
        self.network()
            .link(self.index, |link| link.protocol.clone())
            .unwrap_or_default()
    }

    /// Whether the connection is open: accepted, and neither side has closed it.
    pub fn is_open(&self) -> bool {
        self.network()
            .link(self.index, |link| {
                link.ready_state == ReadyState::Open && !link.released
            })
            .unwrap_or(false)
    }

    /// How the client closed the connection, if it did: its code (1005 for none) and reason.
    pub fn closed_by_client(&self) -> Option<(u16, String)> {
        self.network()
            .link(self.index, |link| {
                let closed = link.closed_by_client.clone()?;
                Some(closed.unwrap_or((1005, String::new())))
            })
            .flatten()
    }

    /// Every message the client sent on this connection so far, in order, read or not (the
    /// heartbeat's pings included).
    pub fn received(&self) -> Vec<Message> {
        self.network()
            .link(self.index, |link| {
                link.sent
                    .iter()
                    .map(|(_, message)| message.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The next message the client sent that the test has not read, if one came (after the
    /// client's pending work has run).
    pub fn try_next_message(&mut self) -> Option<Message> {
        self.network().settle();
        self.network().read(self.index)
    }

    /// The next message the client sent that the test has not read.
    ///
    /// # Panics
    ///
    /// If none comes once the client's pending work has run: the message says what the client
    /// did send, and how the connection stands.
    pub async fn next_message(&mut self) -> Message {
        let network = self.network().clone();
        let index = self.index;
        let found = steps::until(|| network.settle(), || network.read(index)).await;
        found.unwrap_or_else(|| {
            panic!(
                "next_message: the client sent nothing more on connection #{} ({})",
                self.number(),
                describe_link(&network, index)
            )
        })
    }

    /// The next message, which must be text.
    ///
    /// # Panics
    ///
    /// As [`next_message`](Self::next_message), and if the message is binary.
    pub async fn next_text(&mut self) -> String {
        match self.next_message().await {
            Message::Text(text) => text,
            other => panic!(
                "next_text: the client sent a binary message on connection #{}: {other:?}",
                self.number()
            ),
        }
    }

    /// The next message, which must be binary (as bytes).
    ///
    /// # Panics
    ///
    /// As [`next_message`](Self::next_message), and if the message is text or a `Blob`.
    pub async fn next_binary(&mut self) -> Vec<u8> {
        match self.next_message().await {
            Message::Binary(bytes) => bytes,
            other => panic!(
                "next_binary: the client sent a message that is not bytes on connection #{}: {other:?}",
                self.number()
            ),
        }
    }

    /// Sends `message` (text with a `&str` or `String`, binary with a `Vec<u8>`) to the
    /// client, which receives it in a task of its own, as from a real server.
    ///
    /// # Panics
    ///
    /// If the connection is not open, or [went silent](Self::go_silent).
    pub fn send(&self, message: impl Into<Message>) {
        self.live("send");
        self.network().push(self.index, message.into());
    }

    /// From now on, answers every message equal to `request` with `reply`, without the test
    /// reading it: a heartbeat's `ping` with `pong`, say. Such requests are not returned by
    /// [`next_message`](Self::next_message) (they are in [`received`](Self::received)).
    pub fn answer(&self, request: impl Into<Message>, reply: impl Into<Message>) {
        let rule = (request.into(), reply.into());
        self.network()
            .change(self.index, |link| link.answers.push(rule));
    }

    /// Closes the connection with a closing handshake: the client sees a clean close with
    /// `code` and `reason`.
    ///
    /// # Panics
    ///
    /// As [`send`](Self::send).
    pub fn close(&self, code: u16, reason: &str) {
        self.live("close");
        self.network().peer_closing(self.index);
        let event = CloseEvent {
            code,
            reason: reason.to_owned(),
            was_clean: true,
        };
        self.network().closed(self.index, event);
    }

    /// The network drops the connection: the client sees a close with 1006 (abnormal), not
    /// clean.
    ///
    /// # Panics
    ///
    /// If the connection is already closed.
    pub fn drop_connection(&self) {
        let network = self.network();
        network.settle();
        let closed = network.link(self.index, |link| link.ready_state == ReadyState::Closed);
        if closed != Some(false) {
            panic!(
                "drop_connection: connection #{} is already closed ({})",
                self.number(),
                describe_link(network, self.index)
            );
        }
        let event = CloseEvent {
            code: 1006,
            reason: String::new(),
            was_clean: false,
        };
        network.closed(self.index, event);
    }

    /// The server goes silent without closing (a frozen server, a dead network): nothing
    /// more comes from it, not even the answer to a close or to a [`answer`](Self::answer)
    /// rule. A client's heartbeat finds such a connection dead.
    pub fn go_silent(&self) {
        self.network().change(self.index, |link| link.silent = true);
    }

    fn live(&self, step: &str) {
        let network = self.network();
        network.settle();
        let (open, silent) = network
            .link(self.index, |link| {
                let open = matches!(link.ready_state, ReadyState::Open | ReadyState::Closing)
                    && !link.released;
                (open, link.silent)
            })
            .unwrap_or_default();
        if silent {
            panic!(
                "{step}: connection #{} went silent (go_silent)",
                self.number()
            );
        }
        if !open {
            panic!(
                "{step}: connection #{} is not open ({})",
                self.number(),
                describe_link(network, self.index)
            );
        }
    }
}

impl std::fmt::Debug for ServerSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ServerSocket(#{}: {})",
            self.number(),
            describe_link(self.network(), self.index)
        )
    }
}
