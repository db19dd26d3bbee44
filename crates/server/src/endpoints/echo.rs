//! `GET /websocket/echo`: the conformance echo, after the Web Platform Tests' `echo` handler.
//!
//! It selects the subprotocol `echo` when the client offers it, echoes every message
//! ([`super::echo`]), answers a Close with the client's code and reason, and closes by itself
//! (code 1000) after receiving the text [`GOODBYE`].

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};

use super::{echo, finish, spawn_logged, Next, MAX_MESSAGE_SIZE};

/// The subprotocol selected when offered.
pub const PROTOCOL: &str = "echo";
/// The text that makes the server close the connection.
pub const GOODBYE: &str = "Goodbye";

/// Upgrades the request, selecting [`PROTOCOL`] if offered, and spawns the connection's task.
pub async fn handler(request: HttpRequest, body: web::Payload) -> actix_web::Result<HttpResponse> {
    let (response, session, messages) =
        actix_ws::handle_with_protocols(&request, body, &[PROTOCOL])?;
    let messages = messages
        .max_frame_size(MAX_MESSAGE_SIZE)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_SIZE);
    spawn_logged("echo", &request, run(session, messages));
    Ok(response)
}

async fn run(mut session: Session, mut messages: AggregatedMessageStream) -> Option<CloseReason> {
    let next = loop {
        let next = match messages.recv().await {
            Some(Ok(AggregatedMessage::Text(text))) if text == GOODBYE => {
                Next::Close(Some(CloseCode::Normal.into()))
            }
            message => echo(&mut session, message).await,
        };
        if !matches!(next, Next::Continue) {
            break next;
        }
    };
    finish(session, next).await
}
