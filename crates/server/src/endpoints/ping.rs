//! `GET /websocket/ping`: pings the client as soon as it opens, and reports the pong it gets
//! back as the text `pong: <payload>`; then echoes. Shows that a browser answers pings by
//! itself and never shows them to script.

use super::plain;
use crate::connection::{Connection, Ended, Endpoint, Incoming, Upgrade};

/// `/websocket/ping`.
pub const ENDPOINT: Endpoint = plain("ping", "/websocket/ping");

/// The payload of the ping sent on open.
pub const PAYLOAD: &[u8] = b"are you there?";

/// Accepts the connection, pings, and serves it.
pub async fn handler(upgrade: Upgrade) {
    ENDPOINT.accept(upgrade, serve).await
}

async fn serve(connection: &mut Connection) -> Ended {
    connection.send_ping(PAYLOAD).await?;
    loop {
        match connection.next().await? {
            Incoming::Pong(payload) => {
                let report = format!("pong: {}", String::from_utf8_lossy(&payload));
                connection.send_text(report).await?;
            }
            incoming => connection.echo(incoming).await?,
        }
    }
}
