//! `GET /websocket/delay?ms=N`: waits N milliseconds before answering the handshake, then
//! echoes. Lets tests act while the socket is reliably still CONNECTING.

use std::time::Duration;

use serde::Deserialize;

use super::{echo_until_closed, plain};
use crate::connection::{Endpoint, Upgrade};

/// `/websocket/delay`.
pub const ENDPOINT: Endpoint = plain("delay", "/websocket/delay");

/// The longest delay accepted, so that a request cannot hold a worker's task for long.
pub const MAX_DELAY: Duration = Duration::from_secs(10);

/// The query string.
#[derive(Debug, Deserialize)]
pub struct Query {
    /// The delay in milliseconds (at most [`MAX_DELAY`]).
    pub ms: u64,
}

/// Sleeps, then accepts the connection.
pub async fn handler(upgrade: Upgrade) {
    let Some((upgrade, query)) = upgrade.query::<Query>().await else {
        return;
    };
    tokio::time::sleep(Duration::from_millis(query.ms).min(MAX_DELAY)).await;
    ENDPOINT.accept(upgrade, echo_until_closed).await
}
