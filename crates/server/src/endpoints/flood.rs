//! `GET /websocket/flood?count=N&size=S`: sends N text messages of S bytes as fast as the client
//! takes them, then closes with 1000. The browser benchmark's receive-rate load.

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::CloseCode;
use serde::Deserialize;

use crate::connection::{Connection, End, Shared};

/// The most messages one request may ask for.
pub const MAX_COUNT: u32 = 1_000_000;

/// The query string.
#[derive(Debug, Deserialize)]
pub struct Query {
    /// How many messages (at most [`MAX_COUNT`]).
    pub count: u32,
    /// The size of each, in bytes, up to the server's maximum message size.
    pub size: usize,
}

/// Accepts the connection and floods it.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
    query: web::Query<Query>,
) -> HttpResponse {
    let count = query.count.min(MAX_COUNT);
    let text = "x".repeat(query.size.min(shared.limits.max_message_size));
    Connection::serve(
        "flood",
        &request,
        body,
        &shared,
        &[],
        async move |connection| {
            for _ in 0..count {
                if let Err(end) = connection.send_text(text.clone()).await {
                    return end;
                }
            }
            End::Close(CloseCode::Normal.into())
        },
    )
}
