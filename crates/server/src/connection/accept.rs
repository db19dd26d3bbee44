//! The handshake handler, in the shape of actix's `echo-actorless` example: admit the request,
//! answer the handshake, spawn the connection's task, return the response. Every endpoint goes
//! through [`Endpoint::accept`], so the Origin check, the caps, the limits, liveness and
//! shutdown apply to all alike.

use std::{
    future::{ready, Ready},
    sync::Arc,
    time::Instant,
};

use actix_http::BoxedPayloadStream;
use actix_web::{dev, web, FromRequest, HttpRequest, HttpResponse};
use tokio::{
    sync::{oneshot, watch},
    time::{self, MissedTickBehavior},
};

use super::{end, held_open::HeldOpen, Connection, Ended, Leaving};
use crate::{admission::Admission, config::Limits, frame_guard::FrameGuard};

/// What every connection shares: the limits, the admission counters and the shutdown signal.
#[derive(Debug, Clone)]
pub struct ServerState {
    /// The configured limits.
    pub limits: Arc<Limits>,
    /// Open connections and the Origin policy.
    pub admission: Arc<Admission>,
    /// Becomes `true` when the server shuts down.
    pub shutdown: watch::Receiver<bool>,
}

/// A WebSocket handshake request as an endpoint receives it: the request, its body (the
/// frames to come) and the server's state. An actix extractor: take it as a handler argument.
pub struct Upgrade {
    request: HttpRequest,
    body: dev::Payload,
    state: web::Data<ServerState>,
}

impl Upgrade {
    /// The request.
    pub fn request(&self) -> &HttpRequest {
        &self.request
    }

    /// The server's state.
    pub fn state(&self) -> &ServerState {
        &self.state
    }
}

impl FromRequest for Upgrade {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, body: &mut dev::Payload) -> Self::Future {
        let state = request
            .app_data::<web::Data<ServerState>>()
            .cloned()
            .ok_or_else(|| actix_web::error::ErrorInternalServerError("no server state"));
        ready(state.map(|state| Self {
            request: request.clone(),
            body: body.take(),
            state,
        }))
    }
}

/// A WebSocket endpoint: its name in the logs, its path, and the subprotocols it selects
/// (the first one the client offers). Kept next to the endpoint's route.
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
    /// with `serve` in its own task, finishing it with the [`End`](super::End) that `serve`
    /// returns. Returns the handshake response: 101, or the refusal (logged) with its HTTP
    /// status.
    pub fn accept(
        &self,
        upgrade: Upgrade,
        serve: impl AsyncFnOnce(&mut Connection) -> Ended + 'static,
    ) -> HttpResponse {
        let Upgrade {
            request,
            body,
            state,
        } = upgrade;
        let endpoint = self.name;
        // The peer (a proxy, perhaps), and the client a trusted proxy names, or the peer's.
        let peer = request.peer_addr();
        let client = state.admission.client_address(&request);
        let ticket = match state.admission.admit(&request) {
            Ok(ticket) => ticket,
            Err(refusal) => {
                tracing::warn!(endpoint, ?client, ?peer, ?refusal, "handshake refused");
                return refusal.response();
            }
        };
        // Between the socket and actix-ws: fail a frame whose header declares too much at once.
        let body = FrameGuard::new(body, state.limits.max_message_size);
        let mut body = dev::Payload::from(Box::pin(body) as BoxedPayloadStream);
        let Ok(body) = web::Payload::from_request(&request, &mut body).into_inner() else {
            unreachable!("taking a payload cannot fail");
        };
        let (response, session, messages) =
            match actix_ws::handle_with_protocols(&request, body, self.protocols) {
                Ok(handshake) => handshake,
                Err(error) => return HttpResponse::from_error(error),
            };
        // actix ends the response, and so hangs up, right after the Close frame: hold it open
        // until this connection is finished, so the hang-up comes when the handshake is done.
        let (hang_up, held) = oneshot::channel();
        let response = response
            .map_body(|_, body| HeldOpen::new(body, held))
            .map_into_boxed_body();
        let limits = Arc::clone(&state.limits);
        let messages = messages
            .max_frame_size(limits.max_message_size)
            .aggregate_continuations()
            .max_continuation_size(limits.max_message_size);
        let mut heartbeat = time::interval_at(
            time::Instant::now() + limits.ping_interval,
            limits.ping_interval,
        );
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tracing::info!(endpoint, ?client, ?peer, "connection opened");
        let mut connection = Connection {
            endpoint,
            client,
            peer,
            session,
            messages,
            limits,
            shutdown: state.shutdown.clone(),
            heartbeat,
            last_heard: Instant::now(),
            violation: None,
            leaving: Leaving::No,
            _ticket: ticket,
            _hang_up: hang_up,
        };
        actix_web::rt::spawn(async move {
            let Err(end) = serve(&mut connection).await;
            end::finish(connection, end).await;
        });
        response
    }
}
