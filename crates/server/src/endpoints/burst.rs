//! `GET /websocket/burst?count=N&size=S`: sends N pairs of messages as fast as the client takes
//! them, each pair a binary message of S bytes followed by a short text message, then closes
//! with 1000.
//!
//! Message `i` (counting both kinds from 0) is numbered: a text message is the decimal `i`, a
//! binary message starts with `i` as a big-endian `u32`. Clients check that they are delivered
//! in order even when reading a large binary message takes longer than the text after it.

use actix_http::ws::CloseCode;

use super::{plain, Series};
use crate::connection::{Connection, End, Endpoint, Upgrade};

/// `/websocket/burst`.
pub const ENDPOINT: Endpoint = plain("burst", "/websocket/burst");

/// The most pairs one request may ask for.
pub const MAX_COUNT: u32 = 1000;

/// Accepts the connection and sends the burst.
pub async fn handler(upgrade: Upgrade) {
    let Some((upgrade, query)) = upgrade.query::<Series>().await else {
        return;
    };
    // Each binary message starts with its 4-byte number.
    let max_size = upgrade.state().limits.max_message_size;
    let (count, size) = query.clamped(MAX_COUNT, 4, max_size);
    let burst = async move |connection: &mut Connection| {
        for pair in 0..count {
            let mut binary = vec![0xB5; size];
            binary[..4].copy_from_slice(&(2 * pair).to_be_bytes());
            connection.send_binary(binary).await?;
            connection.send_text((2 * pair + 1).to_string()).await?;
        }
        Err(End::Close(CloseCode::Normal.into()))
    };
    ENDPOINT.accept(upgrade, burst).await
}
