//! `GET /websocket/close?code=C&reason=R`: the server closes the connection as soon as it opens,
//! with code C (default 1000) and reason R (default empty).

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason};
use serde::Deserialize;

use super::{finish, spawn_logged, upgrade, Next};

/// The query string.
#[derive(Debug, Deserialize)]
pub struct Query {
    /// The close code; 1000 when absent.
    #[serde(default = "normal")]
    pub code: u16,
    /// The close reason; empty when absent.
    #[serde(default)]
    pub reason: String,
}

fn normal() -> u16 {
    1000
}

/// Upgrades the request and closes at once.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    query: web::Query<Query>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, _messages) = upgrade(&request, body)?;
    let Query { code, reason } = query.into_inner();
    let close = CloseReason {
        code: CloseCode::from(code),
        description: (!reason.is_empty()).then_some(reason),
    };
    spawn_logged("close", &request, finish(session, Next::Close(Some(close))));
    Ok(response)
}
