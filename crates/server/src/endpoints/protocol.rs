//! `GET /websocket/protocol?name=P`: answers the handshake with subprotocol `P`, whether or not
//! the client offered it (a client must fail the connection when it did not), then echoes.

use actix_http::header::HeaderValue;
use actix_web::HttpResponse;
use serde::Deserialize;

use super::{echo_until_closed, plain};
use crate::connection::{Endpoint, Upgrade};

/// `/websocket/protocol`.
pub const ENDPOINT: Endpoint = plain("protocol", "/websocket/protocol");

/// The query string.
#[derive(Debug, Deserialize)]
pub struct Query {
    /// The subprotocol to answer with.
    pub name: String,
}

/// Accepts the connection with the `Sec-WebSocket-Protocol` the query names.
pub async fn handler(upgrade: Upgrade) {
    let Some((upgrade, query)) = upgrade.query::<Query>().await else {
        return;
    };
    let Ok(protocol) = HeaderValue::from_str(&query.name) else {
        let bad_request = HttpResponse::BadRequest().body("invalid protocol name\n");
        return upgrade.respond(bad_request).await;
    };
    ENDPOINT
        .accept(upgrade.with_protocol(protocol), echo_until_closed)
        .await
}
