//! `GET /websocket/test`: the seed's sample endpoint.
//!
//! On open it greets with [`GREETING`]; then, while the socket is open, it pushes a random number
//! in [0, 1) with two decimals every push interval; it echoes every message with its own frame
//! type (fragmented messages reassembled), answers pings, and answers a client's Close with the
//! client's code and reason. One task per connection runs a `select!` loop over the pushes and
//! the incoming messages, as in actix's `echo-actorless` example.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{
    AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError, Session,
};
use tokio::time::{self, Instant, MissedTickBehavior};

/// The seed's greeting ("connected successfully"), sent first on every connection.
pub const GREETING: &str = "连接成功";

/// Largest frame, and largest message after reassembling fragments, that the endpoint accepts.
/// 64 KiB is actix's own frame default and far above what a chat-like sample sends; a larger
/// message closes the connection with 1009 (RFC 6455 section 7.4.1).
pub const MAX_MESSAGE_SIZE: usize = 64 * 1024;

/// Settings the endpoint reads from the server configuration.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Time between two pushes.
    pub push_interval: Duration,
}

/// Upgrades the request and spawns the connection's task.
pub async fn handler(
    request: HttpRequest,
    body: web::Payload,
    settings: web::Data<Settings>,
) -> actix_web::Result<HttpResponse> {
    let (response, session, messages) = actix_ws::handle(&request, body)?;
    let messages = messages
        .max_frame_size(MAX_MESSAGE_SIZE)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_SIZE);
    let peer = request.peer_addr();
    actix_web::rt::spawn(async move {
        tracing::info!(?peer, "sample connection opened");
        let close = run(session, messages, settings.push_interval).await;
        tracing::info!(?peer, code = ?close.map(|reason| reason.code), "sample connection closed");
    });
    Ok(response)
}

/// Serves one connection until it closes; returns the close reason sent to the client, if any.
async fn run(
    mut session: Session,
    mut messages: AggregatedMessageStream,
    push_interval: Duration,
) -> Option<CloseReason> {
    session.text(GREETING).await.ok()?;

    let mut pushes = time::interval_at(Instant::now() + push_interval, push_interval);
    // A push that could not go out on time is sent late, not in a burst of catch-up pushes.
    pushes.set_missed_tick_behavior(MissedTickBehavior::Delay);

    let close = loop {
        let sent = tokio::select! {
            _ = pushes.tick() => session.text(random_push()).await,
            message = messages.recv() => match message {
                Some(Ok(AggregatedMessage::Text(text))) => session.text(text).await,
                Some(Ok(AggregatedMessage::Binary(bytes))) => session.binary(bytes).await,
                Some(Ok(AggregatedMessage::Ping(payload))) => session.pong(&payload).await,
                Some(Ok(AggregatedMessage::Pong(_))) => Ok(()),
                // RFC 6455 section 5.5.1: the endpoint answers a Close with the code it received.
                Some(Ok(AggregatedMessage::Close(reason))) => break reason,
                Some(Err(error)) => break Some(close_reason_for(&error)),
                // The client went away without a closing handshake: nobody to answer.
                None => return None,
            },
        };
        // The only send error is a closed session: the connection is gone.
        sent.ok()?;
    };
    session.close(close.clone()).await.ok()?;
    close
}

/// A random number in [0, 1) with exactly two decimals, like the seed's
/// `Math.random().toFixed(2)` but never rounded up to `1.00`.
fn random_push() -> String {
    format!("0.{:02}", fastrand::u8(0..100))
}

/// The close code a protocol error deserves (RFC 6455 section 7.4.1).
fn close_reason_for(error: &ProtocolError) -> CloseReason {
    let code = match error {
        ProtocolError::Overflow => CloseCode::Size,
        // actix-ws reports text that is not UTF-8 as `InvalidData` wrapping a `Utf8Error` (single
        // frames) or its message (reassembled fragments); both say "utf-8".
        ProtocolError::Io(io)
            if io.kind() == std::io::ErrorKind::InvalidData && io.to_string().contains("utf-8") =>
        {
            CloseCode::Invalid
        }
        _ => CloseCode::Protocol,
    };
    code.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_have_two_decimals_below_one() {
        for _ in 0..1000 {
            let push = random_push();
            assert_eq!(push.len(), 4, "{push}");
            let value: f64 = push.parse().unwrap();
            assert!((0.0..1.0).contains(&value), "{push}");
        }
    }
}
