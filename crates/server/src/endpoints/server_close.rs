//! `GET /websocket/close?code=C&reason=R`: the server closes the connection as soon as it opens,
//! with code C (default 1000) and reason R (default empty).

use actix_http::ws::{CloseCode, CloseReason};
use serde::Deserialize;

use super::plain;
use crate::connection::{End, Endpoint, Upgrade};

/// `/websocket/close`.
pub const ENDPOINT: Endpoint = plain("close", "/websocket/close");

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
pub async fn handler(upgrade: Upgrade) {
    let Some((upgrade, Query { code, reason })) = upgrade.query::<Query>().await else {
        return;
    };
    let close = CloseReason {
        code: CloseCode::from(code),
        description: (!reason.is_empty()).then_some(reason),
    };
    ENDPOINT
        .accept(upgrade, async move |_| Err(End::Close(close)))
        .await
}
