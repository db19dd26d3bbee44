//! `GET /websocket/burst?count=N&size=S`: sends N pairs of messages as fast as the client takes
//! them, each pair a binary message of S bytes followed by a short text message, then closes
//! with 1000.
//!
//! Message `i` (counting both kinds from 0) is numbered: a text message is the decimal `i`, a
//! binary message starts with `i` as a big-endian `u32`. Clients check that they are delivered
//! in order even when reading a large binary message takes longer than the text after it.

use super::Series;
use crate::connection::{Connection, End, Shared};
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::CloseCode;

/// The most pairs one request may ask for.
pub const MAX_COUNT: u32 = 1000;

/// Accepts the connection and sends the burst.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    shared: web::Data<Shared>,
    query: web::Query<Series>,
) -> HttpResponse {
    // Each binary message starts with its 4-byte number.
    let (count, size) = query.clamped(MAX_COUNT, 4, shared.limits.max_message_size);
    Connection::serve(
        "burst",
        &request,
        body,
        &shared,
        &[],
        async move |connection| {
            for pair in 0..count {
                let mut binary = vec![0xB5; size];
                binary[..4].copy_from_slice(&(2 * pair).to_be_bytes());
                if let Err(end) = connection.send_binary(binary).await {
                    return end;
                }
                if let Err(end) = connection.send_text((2 * pair + 1).to_string()).await {
                    return end;
                }
            }
            End::Close(CloseCode::Normal.into())
        },
    )
}
