//! `GET /websocket/flood?count=N&size=S`: sends N text messages of S bytes as fast as the client
//! takes them, then closes with 1000. The browser benchmark's receive-rate load.

use super::Series;
use crate::connection::{Connection, End, Shared};
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::CloseCode;

/// The most messages one request may ask for.
pub const MAX_COUNT: u32 = 1_000_000;

/// Accepts the connection and floods it.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
    query: web::Query<Series>,
) -> HttpResponse {
    let (count, size) = query.clamped(MAX_COUNT, 0, shared.limits.max_message_size);
    let text = "x".repeat(size);
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
