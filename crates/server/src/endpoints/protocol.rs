//! `GET /websocket/protocol?name=P`: answers the handshake with subprotocol `P`, whether or not
//! the client offered it (a client must fail the connection when it did not), then echoes.

use actix_web::{
    http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL},
    web, HttpRequest, HttpResponse,
};
use serde::Deserialize;

use super::{echo_until_closed, spawn_logged, upgrade};

/// The query string.
#[derive(Debug, Deserialize)]
pub struct Query {
    /// The subprotocol to answer with.
    pub name: String,
}

/// Upgrades the request with the `Sec-WebSocket-Protocol` the query names.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    query: web::Query<Query>,
) -> actix_web::Result<HttpResponse> {
    let protocol = HeaderValue::from_str(&query.name).map_err(actix_web::error::ErrorBadRequest)?;
    let (mut response, session, messages) = upgrade(&request, body)?;
    response
        .headers_mut()
        .insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    spawn_logged("protocol", &request, echo_until_closed(session, messages));
    Ok(response)
}
