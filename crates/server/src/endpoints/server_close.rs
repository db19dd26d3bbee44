//! `GET /websocket/close?code=C&reason=R`: the server closes the connection as soon as it opens,
//! with code C (default 1000) and reason R (default empty).

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{CloseCode, CloseReason};
use serde::Deserialize;

use crate::connection::{Connection, End, Shared};

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

/// Accepts the connection and closes it at once.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
    query: web::Query<Query>,
) -> HttpResponse {
    let Query { code, reason } = query.into_inner();
    let close = CloseReason {
        code: CloseCode::from(code),
        description: (!reason.is_empty()).then_some(reason),
    };
    Connection::serve("close", &request, body, &shared, &[], async move |_| {
        End::Close(close)
    })
}
