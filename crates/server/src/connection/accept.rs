//! The handshake, in the shape of actix's `echo-actorless` example: admit the request, answer
//! the handshake, serve the connection. Every endpoint goes through [`Endpoint::accept`], so
//! the Origin check, the caps, the limits, liveness and shutdown apply to all alike.
//!
//! A handshake arrives here through actix-http's upgrade service (see [`crate::server`]), not
//! through actix-web's router: after the 101, actix-http hands over the TCP connection itself,
//! and its HTTP dispatcher, with its buffers, is gone for the rest of the connection's life.

use std::{sync::Arc, time::Instant};

use actix_codec::Framed;
use actix_http::{
    body::{self, BodySize},
    h1,
    header::{HeaderValue, SEC_WEBSOCKET_EXTENSIONS, SEC_WEBSOCKET_PROTOCOL},
    ws::{self, HandshakeError},
    ConnectionType, Request, RequestHead, Response,
};
use actix_web::{web, HttpResponse};
use futures_util::SinkExt;
use serde::de::DeserializeOwned;
use tokio::{
    sync::watch,
    time::{self, MissedTickBehavior},
};

use super::{
    end,
    socket::{Socket, Stream},
    Connection, Ended, Leaving,
};
use crate::{admission::Admission, config::Limits, deflate};

/// What every connection shares: the limits, the admission counters and the shutdown signal.
#[derive(Debug, Clone)]
pub struct ServerState {
    /// The configured limits.
    pub limits: Arc<Limits>,
    /// Open connections and the Origin policy.
    pub admission: Arc<Admission>,
    /// Becomes `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
    /// Whether and how `permessage-deflate` offers are accepted.
    pub compression: deflate::Settings,
}

/// A WebSocket handshake request as an endpoint receives it: the request, the connection it
/// came on, and the server's state.
pub struct Upgrade {
    /// Boxed: an upgrade passes through a few nested futures (the router, the endpoint's
    /// handler, [`Endpoint::accept`]), and each would otherwise keep room for all of it for as
    /// long as the connection lives.
    parts: Box<UpgradeParts>,
}

struct UpgradeParts {
    request: Request,
    framed: Framed<Box<dyn Stream>, h1::Codec>,
    state: ServerState,
    /// The subprotocol to answer with, whatever the client offered.
    protocol: Option<HeaderValue>,
}

impl Upgrade {
    /// The request `framed` carried, for an endpoint to accept or refuse.
    pub(crate) fn new<T: Stream + 'static>(
        request: Request,
        framed: Framed<T, h1::Codec>,
        state: ServerState,
    ) -> Self {
        let framed = framed.into_map_io(|io| Box::new(io) as Box<dyn Stream>);
        Self {
            parts: Box::new(UpgradeParts {
                request,
                framed,
                state,
                protocol: None,
            }),
        }
    }

    /// The request's head: method, URI, headers, peer address.
    pub fn request(&self) -> &RequestHead {
        self.parts.request.head()
    }

    /// The request's path.
    pub fn path(&self) -> &str {
        self.parts.request.path()
    }

    /// The server's state.
    pub fn state(&self) -> &ServerState {
        &self.parts.state
    }

    /// The query string as a `T`. A query that does not fit is answered here with 400, and
    /// `None` is returned.
    pub async fn query<T: DeserializeOwned>(self) -> Option<(Self, T)> {
        let query = self.parts.request.uri().query().unwrap_or_default();
        match web::Query::<T>::from_query(query) {
            Ok(query) => Some((self, query.into_inner())),
            Err(error) => {
                let bad_request = HttpResponse::BadRequest().body(format!("{error}\n"));
                self.respond(bad_request).await;
                None
            }
        }
    }

    /// Answers the handshake with this subprotocol, whether or not the client offered it.
    pub fn with_protocol(mut self, protocol: HeaderValue) -> Self {
        self.parts.protocol = Some(protocol);
        self
    }

    /// Answers with `response` instead of upgrading, then hangs up.
    pub async fn respond(self, response: HttpResponse) {
        let UpgradeParts {
            request,
            mut framed,
            state,
            ..
        } = *self.parts;
        let status = response.status();
        tracing::info!(path = request.path(), peer = ?request.head().peer_addr, %status, "handshake answered without upgrading");
        let mut response = Response::from(response);
        response
            .head_mut()
            .set_connection_type(ConnectionType::Close);
        let (head, body) = response.into_parts();
        let body = body::to_bytes(body).await.unwrap_or_default();
        let written = async {
            framed
                .send((head, BodySize::Sized(body.len() as u64)).into())
                .await?;
            if !body.is_empty() {
                framed.send(h1::Message::Chunk(Some(body))).await?;
            }
            framed.send(h1::Message::Chunk(None)).await?;
            SinkExt::<h1::Message<(Response<()>, BodySize)>>::close(&mut framed).await
        };
        let _ = time::timeout(state.limits.send_timeout, written).await;
    }
}

/// A WebSocket endpoint: its name in the logs, its path, and the subprotocols it selects
/// (the first one the client offers). Kept next to the endpoint's handler.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The name in the logs.
    pub name: &'static str,
    /// Where it is mounted.
    pub path: &'static str,
    /// The subprotocols it selects, in order of preference.
    pub protocols: &'static [&'static str],
}

impl Endpoint {
    /// Admits the request (Origin, caps), performs the handshake, and serves the connection
    /// with `serve`, finishing it with the [`End`](super::End) that `serve` returns. A refused
    /// handshake (logged) is answered with its HTTP status.
    pub async fn accept(self, upgrade: Upgrade, serve: impl AsyncFnOnce(&mut Connection) -> Ended) {
        // The handshake and the closing handshake are boxed: their futures are large (an HTTP
        // response, timers) and short-lived, and boxed they take memory only while they run,
        // not for the connection's whole life.
        let Some(mut connection) = Box::pin(self.open(upgrade)).await else {
            return;
        };
        let Err(end) = serve(&mut connection).await;
        Box::pin(end::finish(connection, end)).await;
    }

    /// The handshake: the connection, or `None` once a refusal has been answered.
    async fn open(self, upgrade: Upgrade) -> Option<Connection> {
        let endpoint = self.name;
        let state = upgrade.state().clone();
        let head = upgrade.request();
        // The peer (a proxy, perhaps); the ticket holds the client a trusted proxy names, or
        // the peer's.
        let peer = head.peer_addr;
        let ticket = match state.admission.admit(head) {
            Ok(ticket) => ticket,
            Err(refusal) => {
                let client = state.admission.client_address(head);
                tracing::warn!(endpoint, ?client, ?peer, ?refusal, "handshake refused");
                upgrade.respond(refusal.response()).await;
                return None;
            }
        };
        let (response, deflate) = match self.handshake(&upgrade) {
            Ok(accepted) => accepted,
            Err(error) => {
                // The slot goes before the answer: a client that reads its 400 sees a server
                // that no longer counts it.
                drop(ticket);
                upgrade.respond(HttpResponse::from_error(error)).await;
                return None;
            }
        };
        let UpgradeParts {
            request,
            mut framed,
            ..
        } = *upgrade.parts;
        drop(request);
        let limits = Arc::clone(&state.limits);
        let switched = framed.send((response, BodySize::None).into());
        if !matches!(
            time::timeout(limits.send_timeout, switched).await,
            Ok(Ok(()))
        ) {
            return None;
        }
        // The TCP connection, and what the client sent after its request; actix-http's
        // buffers go.
        let parts = framed.into_parts();
        let socket = Socket::new(
            parts.io,
            parts.read_buf,
            limits.max_message_size,
            deflate.as_ref(),
        );
        let mut heartbeat = time::interval_at(
            time::Instant::now() + limits.ping_interval,
            limits.ping_interval,
        );
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tracing::info!(endpoint, client = ?ticket.client(), ?peer, "connection opened");
        Some(Connection {
            endpoint,
            peer,
            socket,
            limits,
            shutdown: state.shutdown,
            heartbeat,
            last_heard: Instant::now(),
            leaving: Leaving::No,
            ticket,
        })
    }

    /// The 101 response: the handshake checked, the subprotocol selected, and the first
    /// `permessage-deflate` offer the server can honour accepted (RFC 7692 section 5).
    fn handshake(
        &self,
        upgrade: &Upgrade,
    ) -> Result<(Response<()>, Option<deflate::Agreement>), HandshakeError> {
        let mut response = ws::handshake(upgrade.request())?;
        let offers = upgrade
            .request()
            .headers()
            .get_all(SEC_WEBSOCKET_EXTENSIONS)
            .filter_map(|value| value.to_str().ok());
        let deflate = deflate::negotiate(offers, &upgrade.state().compression);
        if let Some(agreement) = &deflate {
            if let Ok(value) = HeaderValue::from_str(&agreement.response()) {
                response.insert_header((SEC_WEBSOCKET_EXTENSIONS, value));
            }
        }
        let protocol = upgrade
            .parts
            .protocol
            .clone()
            .or_else(|| self.select_protocol(upgrade.request()));
        if let Some(protocol) = protocol {
            response.insert_header((SEC_WEBSOCKET_PROTOCOL, protocol));
        }
        Ok((response.finish().drop_body(), deflate))
    }

    /// The first subprotocol the client offers that this endpoint supports.
    fn select_protocol(&self, head: &RequestHead) -> Option<HeaderValue> {
        head.headers()
            .get_all(SEC_WEBSOCKET_PROTOCOL)
            .filter_map(|offered| offered.to_str().ok())
            .flat_map(|offered| offered.split(',').map(str::trim))
            .find(|offered| self.protocols.contains(offered))
            .and_then(|protocol| HeaderValue::from_str(protocol).ok())
    }
}
