//! WebSocket endpoints, one module each. Every endpoint accepts through
//! [`Connection::serve`](crate::connection::Connection::serve), so the Origin check, the caps,
//! the limits, liveness and shutdown apply to all of them alike.
//!
//! - [`sample`]: `/websocket/test`, the seed's endpoint (greeting, pushes, echo).
//! - [`echo`], [`protocol`], [`delay`], [`server_close`], [`burst`], [`ping`]: the endpoints
//!   wasm-ws's conformance tests talk to, modelled on the Web Platform Tests' handlers.
//! - [`flood`]: many small messages, for the browser benchmark.

pub mod burst;
pub mod delay;
pub mod echo;
pub mod flood;
pub mod ping;
pub mod protocol;
pub mod sample;
pub mod server_close;

use serde::Deserialize;

use crate::connection::{Connection, End};

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
pub(crate) async fn echo_until_closed(connection: &mut Connection) -> End {
    loop {
        let echoed = match connection.next().await {
            Ok(incoming) => connection.echo(incoming).await,
            Err(end) => return end,
        };
        if let Err(end) = echoed {
            return end;
        }
    }
}
