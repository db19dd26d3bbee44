//! One WebSocket connection, with everything every endpoint needs and none may forget:
//! bounded sends (a client that stops reading is dropped), pings answered, idle clients pinged
//! and dropped, protocol errors closed with the right code, and shutdown closing with 1001.
//!
//! An endpoint hands [`Connection::serve`] a function that loops over [`Connection::next`] and
//! answers with the `send_*` methods, and returns the [`End`] they report.

use std::{
    future::Future,
    net::SocketAddr,
    sync::Arc,
    task::Poll,
    time::{Duration, Instant},
};

use actix_http::BoxedPayloadStream;
use actix_web::{
    body::{BodySize, BoxBody, MessageBody},
    dev,
    web::{self, Bytes},
    FromRequest, HttpRequest, HttpResponse,
};
use actix_ws::{
    AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Closed, ProtocolError,
    Session,
};
use bytestring::ByteString;
use futures_core::Stream;
use tokio::{
    sync::{oneshot, watch},
    time::{self, MissedTickBehavior},
};

use crate::{
    admission::{Admission, Ticket},
    config::Limits,
    frame_guard::{FrameGuard, FRAME_TOO_LARGE},
};

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

/// How a connection ends (RFC 6455 section 7).
#[derive(Debug)]
pub enum End {
    /// The client started the closing handshake: answer with this Close and hang up at once
    /// (section 5.5.1; the server closes the TCP connection first).
    Reply(Option<CloseReason>),
    /// The server starts the closing handshake: send this Close, wait (at most
    /// [`CLOSE_REPLY_TIMEOUT`]) for the client's, then hang up, so that the close is clean.
    Close(CloseReason),
    /// _Fail the WebSocket Connection_ (section 7.1.7): send this Close if it still fits and
    /// hang up without waiting (protocol violations, dead or too slow peers).
    Fail(CloseReason),
    /// The connection is gone: nothing to send.
    Gone,
}

/// How long a server-initiated close waits for the client's Close before hanging up.
pub const CLOSE_REPLY_TIMEOUT: Duration = Duration::from_secs(1);

/// What every connection shares: the limits, the admission counters and the shutdown signal.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The configured limits.
    pub limits: Arc<Limits>,
    /// Open connections and the Origin policy.
    pub admission: Arc<Admission>,
    /// Becomes `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
}

/// One open WebSocket connection.
pub struct Connection {
    endpoint: &'static str,
    peer: Option<SocketAddr>,
    session: Session,
    messages: AggregatedMessageStream,
    limits: Arc<Limits>,
    shutdown: watch::Receiver<bool>,
    heartbeat: time::Interval,
    last_heard: Instant,
    /// A protocol violation seen, to close with once the messages before it are delivered.
    violation: Option<CloseReason>,
    _ticket: Ticket,
    /// Dropped with the connection: releases the response body, and so hangs up.
    _hang_up: oneshot::Sender<()>,
}

impl Connection {
    /// Admits the request (Origin, caps), performs the handshake selecting the first of
    /// `protocols` the client offers, and serves the connection with `serve` in its own task,
    /// finishing it with the [`End`] that `serve` returns. Returns the handshake response: 101,
    /// or the refusal (logged) with its HTTP status.
    pub fn serve(
        endpoint: &'static str,
        request: &HttpRequest,
        body: web::Payload,
        shared: &Shared,
        protocols: &[&str],
        serve: impl AsyncFnOnce(&mut Self) -> End + 'static,
    ) -> HttpResponse {
        let peer = request.peer_addr();
        let ticket = match shared.admission.admit(request) {
            Ok(ticket) => ticket,
            Err(refusal) => {
                tracing::warn!(endpoint, ?peer, ?refusal, "handshake refused");
                return refusal.response();
            }
        };
        // Between the socket and actix-ws: fail a frame whose header declares too much at once.
        let body = FrameGuard::new(body.into_inner(), shared.limits.max_message_size);
        let mut body = dev::Payload::from(Box::pin(body) as BoxedPayloadStream);
        let Ok(body) = web::Payload::from_request(request, &mut body).into_inner() else {
            unreachable!("taking a payload cannot fail");
        };
        let (response, session, messages) =
            match actix_ws::handle_with_protocols(request, body, protocols) {
                Ok(handshake) => handshake,
                Err(error) => return HttpResponse::from_error(error),
            };
        // actix ends the response, and so hangs up, right after the Close frame: hold it open
        // until this connection is finished, so the hang-up comes when the handshake is done.
        let (hang_up, held) = oneshot::channel();
        let response = response
            .map_body(|_, body| HeldOpen {
                inner: body,
                inner_done: false,
                release: held,
            })
            .map_into_boxed_body();
        let limits = Arc::clone(&shared.limits);
        let messages = messages
            .max_frame_size(limits.max_message_size)
            .aggregate_continuations()
            .max_continuation_size(limits.max_message_size);
        let mut heartbeat = time::interval_at(
            time::Instant::now() + limits.ping_interval,
            limits.ping_interval,
        );
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tracing::info!(endpoint, ?peer, "connection opened");
        let mut connection = Self {
            endpoint,
            peer,
            session,
            messages,
            limits,
            shutdown: shared.shutdown.clone(),
            heartbeat,
            last_heard: Instant::now(),
            violation: None,
            _ticket: ticket,
            _hang_up: hang_up,
        };
        actix_web::rt::spawn(async move {
            let end = serve(&mut connection).await;
            connection.finish(end).await;
        });
        response
    }

    /// The next data message. Pings are answered, idle clients pinged and, past the idle
    /// timeout, dropped; a Close, a protocol error or the server's shutdown ends the connection.
    ///
    /// Cancel-safe as far as incoming messages go: no message is lost if the future is dropped.
    pub async fn next(&mut self) -> Result<Incoming, End> {
        loop {
            let message = match self.violation.take() {
                // Messages decoded before the bad frame are still queued: they come first
                // (Autobahn 4.1.3: a valid message, then a bad frame, is echoed, then closed).
                Some(reason) => match poll_once(&mut self.messages).await {
                    Some(Ok(message)) => {
                        self.violation = Some(reason);
                        message
                    }
                    _ => return Err(End::Fail(reason)),
                },
                None => tokio::select! {
                    message = self.messages.recv() => {
                        self.last_heard = Instant::now();
                        match message {
                            Some(Ok(message)) => message,
                            Some(Err(error)) => {
                                let reason = close_reason_for(&error);
                                tracing::warn!(endpoint = self.endpoint, peer = ?self.peer, %error, code = ?reason.code, "protocol violation");
                                self.violation = Some(reason);
                                continue;
                            }
                            // The client went away without a closing handshake.
                            None => return Err(End::Gone),
                        }
                    }
                    _ = self.heartbeat.tick() => {
                        if self.last_heard.elapsed() >= self.limits.idle_timeout {
                            tracing::info!(endpoint = self.endpoint, peer = ?self.peer, "idle timeout");
                            return Err(End::Fail(going_away("idle timeout")));
                        }
                        if self.last_heard.elapsed() >= self.limits.ping_interval {
                            let session = &mut self.session;
                            bounded(self.limits.send_timeout, session.ping(b"")).await?;
                        }
                        continue;
                    }
                    _ = self.shutdown.wait_for(|down| *down) => return Err(End::Close(going_away("server shutting down"))),
                },
            };
            match message {
                AggregatedMessage::Text(text) => return Ok(Incoming::Text(text)),
                AggregatedMessage::Binary(bytes) => return Ok(Incoming::Binary(bytes)),
                AggregatedMessage::Pong(payload) => return Ok(Incoming::Pong(payload)),
                AggregatedMessage::Ping(payload) => {
                    let session = &mut self.session;
                    bounded(self.limits.send_timeout, session.pong(&payload)).await?;
                }
                // RFC 6455 section 5.5.1: answer a Close with the code received.
                AggregatedMessage::Close(reason) => return Err(End::Reply(reason)),
            }
        }
    }

    /// Sends a text message, waiting at most the send timeout for the client to take it.
    pub async fn send_text(&mut self, text: impl Into<ByteString>) -> Result<(), End> {
        bounded(self.limits.send_timeout, self.session.text(text)).await
    }

    /// Sends a binary message, waiting at most the send timeout for the client to take it.
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) -> Result<(), End> {
        bounded(self.limits.send_timeout, self.session.binary(bytes)).await
    }

    /// Sends a ping.
    pub async fn send_ping(&mut self, payload: &[u8]) -> Result<(), End> {
        bounded(self.limits.send_timeout, self.session.ping(payload)).await
    }

    /// Echoes a data message with its own type; pongs need no answer.
    pub async fn echo(&mut self, incoming: Incoming) -> Result<(), End> {
        match incoming {
            Incoming::Text(text) => self.send_text(text).await,
            Incoming::Binary(bytes) => self.send_binary(bytes).await,
            Incoming::Pong(_) => Ok(()),
        }
    }

    /// Ends the connection as `end` says (sends bounded by the send timeout), logs the close,
    /// and drops the connection, which hangs up.
    async fn finish(mut self, end: End) {
        let (reason, await_reply) = match end {
            End::Reply(reason) => (reason, false),
            End::Close(reason) => (Some(reason), true),
            End::Fail(reason) => (Some(reason), false),
            End::Gone => {
                tracing::info!(endpoint = self.endpoint, peer = ?self.peer, "connection gone");
                return;
            }
        };
        let code = reason.as_ref().map(|reason| reason.code);
        let sent = time::timeout(self.limits.send_timeout, self.session.close(reason)).await;
        if !matches!(sent, Ok(Ok(()))) {
            tracing::info!(endpoint = self.endpoint, peer = ?self.peer, "close frame not delivered");
        } else if await_reply {
            // The client's Close, or its hanging up, completes the handshake; anything else it
            // still sends is ignored.
            let messages = &mut self.messages;
            let reply = async {
                while let Some(Ok(message)) = messages.recv().await {
                    if matches!(message, AggregatedMessage::Close(_)) {
                        break;
                    }
                }
            };
            let _ = time::timeout(CLOSE_REPLY_TIMEOUT, reply).await;
        }
        tracing::info!(endpoint = self.endpoint, peer = ?self.peer, ?code, "connection closed");
    }
}

/// A 1001 ("going away") Close with a reason.
fn going_away(reason: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::Away,
        description: Some(reason.into()),
    }
}

/// The stream's next item if it is ready now, without waiting.
async fn poll_once(
    messages: &mut AggregatedMessageStream,
) -> Option<Result<AggregatedMessage, ProtocolError>> {
    std::future::poll_fn(
        |cx| match std::pin::Pin::new(&mut *messages).poll_next(cx) {
            Poll::Ready(item) => Poll::Ready(item),
            Poll::Pending => Poll::Ready(None),
        },
    )
    .await
}

/// Waits at most `limit` for a send. A client that does not take it in time is too slow: it
/// gets 1008 (if a Close frame still fits) and is dropped, so it can neither stall its task nor
/// make the server buffer without bound.
async fn bounded(
    limit: Duration,
    send: impl Future<Output = Result<(), Closed>>,
) -> Result<(), End> {
    match time::timeout(limit, send).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(Closed)) => Err(End::Gone),
        Err(_elapsed) => {
            tracing::warn!("slow reader: a send did not complete within {limit:?}");
            Err(End::Fail(CloseReason {
                code: CloseCode::Policy,
                description: Some("too slow to read".into()),
            }))
        }
    }
}

/// The close code a protocol error deserves (RFC 6455 section 7.4.1).
pub fn close_reason_for(error: &ProtocolError) -> CloseReason {
    let code = match error {
        ProtocolError::Overflow => CloseCode::Size,
        // actix-ws reports text that is not UTF-8 as `InvalidData` wrapping a `Utf8Error` (single
        // frames) or its message (reassembled fragments); both say "utf-8". Reassembled
        // messages over the limit are an `Other` error naming the continuation size.
        ProtocolError::Io(io) => {
            let message = io.to_string();
            if io.kind() == std::io::ErrorKind::InvalidData && message.contains("utf-8") {
                CloseCode::Invalid
            } else if message.contains("maximum continuation size")
                || message.contains(FRAME_TOO_LARGE)
            {
                CloseCode::Size
            } else {
                CloseCode::Protocol
            }
        }
        _ => CloseCode::Protocol,
    };
    code.into()
}

/// The WebSocket response body, held open after actix-ws's own body ends (right after the
/// Close frame) until `release` fires or is dropped: the server hangs up only when the
/// connection is finished.
struct HeldOpen {
    inner: BoxBody,
    inner_done: bool,
    release: oneshot::Receiver<()>,
}

impl MessageBody for HeldOpen {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if !self.inner_done {
            match std::pin::Pin::new(&mut self.inner).poll_next(cx) {
                Poll::Ready(None) => self.inner_done = true,
                other => return other,
            }
        }
        std::pin::Pin::new(&mut self.release).poll(cx).map(|_| None)
    }
}
