//! `GET /websocket/echo`: the conformance echo, after the Web Platform Tests' `echo` handler.
//!
//! It selects the subprotocol `echo` when the client offers it, echoes every message, answers a
//! Close with the client's code and reason, and closes by itself (code 1000) after receiving
//! the text [`GOODBYE`].

use actix_http::ws::CloseCode;

use crate::connection::{Connection, End, Ended, Endpoint, Incoming, Upgrade};

/// The subprotocol selected when offered.
pub const PROTOCOL: &str = "echo";
/// The text that makes the server close the connection.
pub const GOODBYE: &str = "Goodbye";

/// `/websocket/echo`, selecting [`PROTOCOL`] if offered.
pub const ENDPOINT: Endpoint = Endpoint {
    name: "echo",
    path: "/websocket/echo",
    protocols: &[PROTOCOL],
};

/// Accepts the connection and serves it.
pub async fn handler(upgrade: Upgrade) {
    ENDPOINT.accept(upgrade, serve).await
}

async fn serve(connection: &mut Connection) -> Ended {
    loop {
        match connection.next().await? {
            Incoming::Text(text) if text == GOODBYE => {
                return Err(End::Close(CloseCode::Normal.into()))
            }
            incoming => connection.echo(incoming).await?,
        }
    }
}
