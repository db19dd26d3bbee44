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

use actix_web::web;
use serde::Deserialize;

use crate::connection::{Connection, Ended, Endpoint};

/// Mounts the sample endpoint, and the test endpoints when `test_endpoints` is set.
pub fn routes(config: &mut web::ServiceConfig, test_endpoints: bool) {
    config.route(sample::ENDPOINT.path, web::get().to(sample::handler));
    if test_endpoints {
        config
            .route(echo::ENDPOINT.path, web::get().to(echo::handler))
            .route(protocol::ENDPOINT.path, web::get().to(protocol::handler))
            .route(delay::ENDPOINT.path, web::get().to(delay::handler))
            .route(
                server_close::ENDPOINT.path,
                web::get().to(server_close::handler),
            )
            .route(burst::ENDPOINT.path, web::get().to(burst::handler))
            .route(ping::ENDPOINT.path, web::get().to(ping::handler))
            .route(flood::ENDPOINT.path, web::get().to(flood::handler));
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
