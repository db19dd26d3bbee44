//! `GET /websocket/ping`: pings the client as soon as it opens, and reports the pong it gets
//! back as the text `pong: <payload>`; then echoes. Shows that a browser answers pings by
//! itself and never shows them to script.

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::AggregatedMessage;

use super::{echo, finish, spawn_logged, upgrade, Next};

/// The payload of the ping sent on open.
pub const PAYLOAD: &[u8] = b"are you there?";

/// Upgrades the request, pings, and spawns the connection's task.
pub async fn handler(request: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, mut session, mut messages) = upgrade(&request, body)?;
    spawn_logged("ping", &request, async move {
        session.ping(PAYLOAD).await.ok()?;
        let next = loop {
            let next = match messages.recv().await {
                Some(Ok(AggregatedMessage::Pong(payload))) => {
                    let report = format!("pong: {}", String::from_utf8_lossy(&payload));
                    match session.text(report).await {
                        Ok(()) => Next::Continue,
                        Err(_) => Next::Gone,
                    }
                }
                message => echo(&mut session, message).await,
            };
            if !matches!(next, Next::Continue) {
                break next;
            }
        };
        finish(session, next).await
    });
    Ok(response)
}
