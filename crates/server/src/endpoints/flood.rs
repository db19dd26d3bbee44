//! `GET /websocket/flood?count=N&size=S`: sends N text messages of S bytes as fast as the client
//! takes them, then closes with 1000. The browser benchmark's receive-rate load.

use actix_http::ws::CloseCode;

use super::{plain, Series};
use crate::connection::{Connection, End, Endpoint, Upgrade};

/// `/websocket/flood`.
pub const ENDPOINT: Endpoint = plain("flood", "/websocket/flood");

/// The most messages one request may ask for.
pub const MAX_COUNT: u32 = 1_000_000;

/// Accepts the connection and floods it.
pub async fn handler(upgrade: Upgrade) {
    let Some((upgrade, query)) = upgrade.query::<Series>().await else {
        return;
    };
    let max_size = upgrade.state().limits.max_message_size;
    let (count, size) = query.clamped(MAX_COUNT, 0, max_size);
    let text = "x".repeat(size);
    let flood = async move |connection: &mut Connection| {
        for _ in 0..count {
            connection.send_text(text.clone()).await?;
        }
        Err(End::Close(CloseCode::Normal.into()))
    };
    ENDPOINT.accept(upgrade, flood).await
}
