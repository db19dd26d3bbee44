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

use crate::connection::{Connection, End};

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
