//! WebSocket endpoints, one module each, each with its [`Endpoint`] description beside its
//! handler. Every endpoint accepts through [`Endpoint::accept`], so the Origin check, the caps,
//! the limits, liveness and shutdown apply to all of them alike.
//!
//! - [`sample`]: `/websocket/test`, the sample's endpoint (greeting, pushes, echo). The only
//!   one a production server mounts.
//! - Test endpoints, mounted only with `--test-endpoints`: [`echo`], [`protocol`], [`delay`],
//!   [`server_close`], [`burst`], [`ping`], which wasm-ws's conformance tests talk to (modelled
//!   on the Web Platform Tests' handlers), and [`flood`], the browser benchmark's load. They
//!   let a client make the server work hard or misbehave on purpose, so they stay off unless
//!   asked for.

pub mod burst;
pub mod delay;
pub mod echo;
pub mod flood;
pub mod ping;
pub mod protocol;
pub mod sample;
pub mod server_close;

use actix_web::{dev::HttpServiceFactory, web, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use serde::Deserialize;

use crate::connection::{Connection, Ended, Endpoint, Upgrade};

/// A test endpoint's handler, its future boxed on its own: a connection holds what its own
/// endpoint needs, not what the largest one does.
type Handler = fn(Upgrade) -> LocalBoxFuture<'static, ()>;

/// The test endpoints, mounted with `--test-endpoints`.
const TEST_ENDPOINTS: [(Endpoint, Handler); 7] = [
    (echo::ENDPOINT, |upgrade| Box::pin(echo::handler(upgrade))),
    (protocol::ENDPOINT, |upgrade| {
        Box::pin(protocol::handler(upgrade))
    }),
    (delay::ENDPOINT, |upgrade| Box::pin(delay::handler(upgrade))),
    (server_close::ENDPOINT, |upgrade| {
        Box::pin(server_close::handler(upgrade))
    }),
    (burst::ENDPOINT, |upgrade| Box::pin(burst::handler(upgrade))),
    (ping::ENDPOINT, |upgrade| Box::pin(ping::handler(upgrade))),
    (flood::ENDPOINT, |upgrade| Box::pin(flood::handler(upgrade))),
];

/// Which endpoints are mounted, and their settings.
#[derive(Debug, Clone, Copy)]
pub struct Routes {
    /// The sample's settings.
    pub sample: sample::Settings,
    /// Whether the test endpoints are mounted.
    pub test_endpoints: bool,
}

impl Routes {
    /// The mounted endpoints.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        let tests = TEST_ENDPOINTS.iter().filter(|_| self.test_endpoints);
        let mut endpoints = vec![sample::ENDPOINT];
        endpoints.extend(tests.map(|(endpoint, _)| *endpoint));
        endpoints
    }

    /// Serves a WebSocket handshake with the endpoint mounted at its path; 404 if there is none.
    pub fn serve(&self, upgrade: Upgrade) -> LocalBoxFuture<'static, ()> {
        let path = upgrade.path();
        if path == sample::ENDPOINT.path {
            return Box::pin(sample::handler(upgrade, self.sample));
        }
        let test = TEST_ENDPOINTS
            .iter()
            .filter(|_| self.test_endpoints)
            .find(|(endpoint, _)| endpoint.path == path);
        match test {
            Some((_, handler)) => handler(upgrade),
            None => {
                let not_found = HttpResponse::NotFound().body("no WebSocket endpoint here\n");
                Box::pin(upgrade.respond(not_found))
            }
        }
    }

    /// For actix-web's router: a request to an endpoint's path that is not a WebSocket
    /// handshake (those never reach the router) gets the reason, as a 400 or 405.
    pub fn not_upgraded(&self) -> impl HttpServiceFactory {
        let paths: Vec<&str> = self
            .endpoints()
            .iter()
            .map(|endpoint| endpoint.path)
            .collect();
        web::resource(paths).to(|request: HttpRequest| async move {
            match actix_http::ws::verify_handshake(request.head()) {
                Err(error) => HttpResponse::from_error(error),
                Ok(()) => HttpResponse::BadRequest().finish(),
            }
        })
    }
}

/// `?count=N&size=S`: a series of messages, for the endpoints that send one ([`burst`],
/// [`flood`]).
#[derive(Debug, Deserialize)]
pub struct Series {
    /// How many.
    pub count: u32,
    /// The size of each, in bytes.
    pub size: usize,
}

impl Series {
    /// The count and size within bounds: at most `max_count`, and `min_size..=max_size` bytes.
    pub fn clamped(&self, max_count: u32, min_size: usize, max_size: usize) -> (u32, usize) {
        (
            self.count.min(max_count),
            self.size.clamp(min_size, max_size),
        )
    }
}

/// Echoes every message until the connection ends.
pub(crate) async fn echo_until_closed(connection: &mut Connection) -> Ended {
    loop {
        let incoming = connection.next().await?;
        connection.echo(incoming).await?;
    }
}

/// An endpoint that selects no subprotocol.
const fn plain(name: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        name,
        path,
        protocols: &[],
    }
}
