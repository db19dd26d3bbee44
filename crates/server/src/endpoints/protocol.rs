//! `GET /websocket/protocol?name=P`: answers the handshake with subprotocol `P`, whether or not
//! the client offered it (a client must fail the connection when it did not), then echoes.

use actix_web::{
    http::{
        header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL},
        StatusCode,
    },
    web, HttpResponse,
};
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
pub async fn handler(upgrade: Upgrade, query: web::Query<Query>) -> HttpResponse {
    let Ok(protocol) = HeaderValue::from_str(&query.name) else {
        return HttpResponse::BadRequest().body("invalid protocol name\n");
    };
    let mut response = ENDPOINT.accept(upgrade, echo_until_closed);
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        response
            .headers_mut()
            .insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    response
}
