//! One WebSocket connection, with everything every endpoint needs and none may forget:
//! bounded sends (a client that stops reading is dropped), pings answered, idle clients pinged
//! and dropped, protocol errors closed with the right code, and shutdown closing with 1001.
//!
//! - [`accept`]: the handshake: an [`Endpoint`] admits an [`Upgrade`] request, answers the
//!   handshake and serves the connection, inside the task actix-http runs it in.
//! - this file: [`Connection`], what an endpoint's loop talks to: [`Connection::next`] and the
//!   `send_*` methods, each returning the [`End`] that stopped it, so a loop reads
//!   `connection.echo(connection.next().await?).await?` and ends with `?`.
//! - [`end`]: how a connection ends: the closing handshake and the close codes.
//! - `socket`: the bytes of frames in and out over the upgraded TCP (or TLS) connection, with
//!   buffers that hold no memory while the connection is idle; the frames themselves are the
//!   sans-IO [`crate::protocol`]'s, and so are the [`Violation`]s of the protocol or the limits.

pub mod accept;
pub mod end;
mod socket;

use std::{
    convert::Infallible,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_http::ws::{CloseCode, CloseReason};
use actix_web::web::Bytes;
use bytestring::ByteString;
use futures_util::FutureExt;
use tokio::{sync::watch, time};

pub use accept::{Endpoint, ServerState, Upgrade};
pub use end::{End, CLOSE_REPLY_TIMEOUT};
pub use socket::{Stream, Violation};

use crate::protocol::Message;
use crate::{admission::Ticket, config::Limits};
use socket::Socket;

/// A data message from the client (pings are answered inside [`Connection::next`]).
#[derive(Debug)]
pub enum Incoming {
    /// A text message.
    Text(ByteString),
    /// A binary message.
    Binary(Bytes),
    /// A pong, answering a ping of ours.
    Pong(Bytes),
}

/// How long a leaving connection waits for more from its client before the 1001: what a
/// client sent just before the shutdown may still be on its way (through a proxy, say), and it
/// is answered first. Short, because a client that has just been answered should get its 1001
/// within milliseconds; a client that keeps sending is cut off after [`LAST_CALL_LIMIT`].
pub const LAST_CALL_QUIET: Duration = Duration::from_millis(2);

/// The longest a leaving connection keeps answering a client that does not go quiet.
pub const LAST_CALL_LIMIT: Duration = Duration::from_millis(500);

/// Where a connection stands with the server's shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaving {
    /// The server is not shutting down.
    No,
    /// The server is shutting down; this connection is served until its moment within the
    /// drain window.
    At(time::Instant),
    /// Its moment has come: it answers what is still arriving, until the client has been
    /// quiet for [`LAST_CALL_QUIET`] (or at most until the given limit), then sends its 1001.
    LastCall(time::Instant),
}

/// What woke [`Connection::next`] up.
enum Woke {
    Received(Option<Result<Message, Violation>>),
    Tick,
    Leave,
}

/// What an endpoint's body returns: it runs until the connection ends, and only ever returns
/// how it ended, so every step can end it with `?`.
pub type Ended = Result<Infallible, End>;

/// One open WebSocket connection.
pub struct Connection {
    endpoint: &'static str,
    /// Who the TCP connection is with: the client, or a proxy.
    peer: Option<SocketAddr>,
    socket: Socket,
    limits: Arc<Limits>,
    shutdown: watch::Receiver<bool>,
    heartbeat: time::Interval,
    last_heard: Instant,
    /// Where it stands with the server's shutdown.
    leaving: Leaving,
    /// The connection's slot, and the client it was taken for: the peer's address, or the one
    /// a trusted proxy names.
    ticket: Ticket,
}

impl Connection {
    /// The next data message. Pings are answered, idle clients pinged and, past the idle
    /// timeout, dropped; a Close, a protocol error or the server's shutdown ends the connection.
    ///
    /// Cancel-safe as far as incoming messages go: no message is lost if the future is dropped.
    pub async fn next(&mut self) -> Result<Incoming, End> {
        loop {
            let woke = tokio::select! {
                // Messages first: whatever a client has already sent is answered before a
                // liveness check or its 1001. Messages before a bad frame come first too
                // (Autobahn 4.1.3: a valid message, then a bad frame, is echoed, then closed).
                biased;
                message = self.socket.message() => Woke::Received(message),
                _ = self.heartbeat.tick() => Woke::Tick,
                _ = leaving(&mut self.shutdown, self.leaving) => Woke::Leave,
            };
            let message = match woke {
                Woke::Received(message) => message,
                Woke::Tick => {
                    self.check_liveness().await?;
                    continue;
                }
                Woke::Leave if matches!(self.leaving, Leaving::LastCall(_)) => {
                    return Err(End::Close(end::going_away("server shutting down")));
                }
                Woke::Leave => {
                    self.leaving = self.next_leaving();
                    continue;
                }
            };
            self.last_heard = Instant::now();
            match message {
                Some(Ok(Message::Text(text))) => return Ok(Incoming::Text(text)),
                Some(Ok(Message::Binary(bytes))) => return Ok(Incoming::Binary(bytes)),
                Some(Ok(Message::Pong(payload))) => return Ok(Incoming::Pong(payload)),
                Some(Ok(Message::Ping(payload))) => self.send(Message::Pong(payload)).await?,
                // RFC 6455 section 5.5.1: answer a Close with the code received.
                Some(Ok(Message::Close(close))) => {
                    return Err(End::Reply(close.map(end::close_reason)))
                }
                Some(Err(violation)) => {
                    let code = CloseCode::from(violation.close_code());
                    tracing::warn!(endpoint = self.endpoint, client = ?self.ticket.client(), peer = ?self.peer, error = %violation, ?code, "protocol violation");
                    return Err(End::Fail(code.into()));
                }
                // The client went away without a closing handshake.
                None => return Err(End::Gone),
            }
        }
    }

    /// The step after the shutdown signal or the connection's moment: a moment at random
    /// within the drain window, then the last call.
    fn next_leaving(&self) -> Leaving {
        match self.leaving {
            Leaving::No if !self.limits.drain_window.is_zero() => {
                let spread = self.limits.drain_window.mul_f64(fastrand::f64());
                Leaving::At(time::Instant::now() + spread)
            }
            _ => Leaving::LastCall(time::Instant::now() + LAST_CALL_LIMIT),
        }
    }

    /// On each heartbeat tick: drop a client silent past the idle timeout, ping a quiet one.
    async fn check_liveness(&mut self) -> Result<(), End> {
        let silent_for = self.last_heard.elapsed();
        if silent_for >= self.limits.idle_timeout {
            tracing::info!(endpoint = self.endpoint, client = ?self.ticket.client(), peer = ?self.peer, "idle timeout");
            return Err(End::Fail(end::going_away("idle timeout")));
        }
        if silent_for >= self.limits.ping_interval {
            self.send_ping(b"").await?;
        }
        Ok(())
    }

    /// Sends a text message, waiting at most the send timeout for the client to take it.
    pub async fn send_text(&mut self, text: impl Into<ByteString>) -> Result<(), End> {
        self.send(Message::Text(text.into())).await
    }

    /// Sends a binary message, waiting at most the send timeout for the client to take it.
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) -> Result<(), End> {
        self.send(Message::Binary(bytes.into())).await
    }

    /// Sends a ping (a payload over 125 bytes is cut to 125).
    pub async fn send_ping(&mut self, payload: &[u8]) -> Result<(), End> {
        self.send(Message::Ping(Bytes::copy_from_slice(payload)))
            .await
    }

    /// Sends a message, waiting at most the send timeout for the client to take it. A client
    /// that does not take it in time is too slow: it gets 1008 (if a Close frame still fits)
    /// and is dropped, so it can neither stall its task nor make the server buffer without
    /// bound.
    async fn send(&mut self, message: Message) -> Result<(), End> {
        let limit = self.limits.send_timeout;
        self.socket.queue(&message);
        let written = match self.socket.flush().now_or_never() {
            Some(written) => Ok(written),
            // The client is not taking it yet: wait, at most the send timeout. Boxed: a timer
            // is large, and an idle connection should not keep room for one it rarely needs.
            None => Box::pin(time::timeout(limit, self.socket.flush())).await,
        };
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_elapsed) => {
                tracing::warn!(endpoint = self.endpoint, client = ?self.ticket.client(), peer = ?self.peer, "slow reader: a send did not complete within {limit:?}");
                Err(End::Fail(CloseReason {
                    code: CloseCode::Policy,
                    description: Some("too slow to read".into()),
                }))
            }
        }
    }

    /// Echoes a data message with its own type; pongs need no answer.
    pub async fn echo(&mut self, incoming: Incoming) -> Result<(), End> {
        match incoming {
            Incoming::Text(text) => self.send_text(text).await,
            Incoming::Binary(bytes) => self.send_binary(bytes).await,
            Incoming::Pong(_) => Ok(()),
        }
    }
}

/// Resolves when the connection should move on from `leaving`: the shutdown signal, then its
/// moment, then the end of its last call (a quiet client, or the limit). The quiet period
/// starts anew at each call, that is after each message answered.
async fn leaving(shutdown: &mut watch::Receiver<bool>, leaving: Leaving) {
    match leaving {
        Leaving::No => {
            let _ = shutdown.wait_for(|down| *down).await;
        }
        // Boxed, as they only run while the server shuts down: idle connections keep no room
        // for these timers.
        Leaving::At(moment) => Box::pin(time::sleep_until(moment)).await,
        Leaving::LastCall(limit) => {
            let quiet = limit.min(time::Instant::now() + LAST_CALL_QUIET);
            Box::pin(time::sleep_until(quiet)).await
        }
    }
}
