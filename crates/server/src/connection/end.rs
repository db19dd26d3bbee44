//! How a connection ends (RFC 6455 section 7): who starts the closing handshake, whether the
//! server waits for the client's Close, and which code a protocol error deserves.

use std::time::Duration;

use actix_http::ws::{CloseCode, CloseReason};
use tokio::time;

use super::Connection;
use crate::protocol::{CloseFrame, Message};

/// How a connection ends.
#[derive(Debug)]
pub enum End {
    /// The client started the closing handshake: answer with this Close and hang up at once
    /// (section 5.5.1; the server closes the TCP connection first).
    Reply(Option<CloseReason>),
    /// The server starts the closing handshake: send this Close, wait (at most
    /// [`CLOSE_REPLY_TIMEOUT`]) for the client's, then hang up, so that the close is clean.
    Close(CloseReason),
    /// _Fail the WebSocket Connection_ (section 7.1.7): send this Close if it still fits and
    /// hang up without waiting (protocol violations, dead or too slow peers).
    Fail(CloseReason),
    /// The connection is gone: nothing to send.
    Gone,
}

/// How long a server-initiated close waits for the client's Close before hanging up. Browsers
/// answer within milliseconds; this only bounds a client that never does.
pub const CLOSE_REPLY_TIMEOUT: Duration = Duration::from_secs(1);

/// A 1001 ("going away") Close with a reason.
pub(super) fn going_away(reason: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::Away,
        description: Some(reason.into()),
    }
}

/// The Close the protocol sends for actix's `reason` (endpoints speak actix's types; the
/// protocol has its own).
fn close_frame(reason: CloseReason) -> CloseFrame {
    CloseFrame::new(
        u16::from(reason.code),
        reason.description.unwrap_or_default(),
    )
}

/// actix's reason for a Close the client sent.
pub(super) fn close_reason(close: CloseFrame) -> CloseReason {
    CloseReason {
        code: CloseCode::from(close.code),
        description: (!close.reason.is_empty()).then_some(close.reason),
    }
}

/// Ends the connection as `end` says (sends bounded by the send timeout), logs the close,
/// and hangs up.
pub(super) async fn finish(mut connection: Connection, end: End) {
    let (endpoint, client, peer) = (
        connection.endpoint,
        connection.ticket.client(),
        connection.peer,
    );
    let (reason, await_reply) = match end {
        End::Reply(reason) => (reason, false),
        End::Close(reason) => (Some(reason), true),
        End::Fail(reason) => (Some(reason), false),
        End::Gone => {
            tracing::info!(endpoint, ?client, ?peer, "connection gone");
            return;
        }
    };
    let code = reason.as_ref().map(|reason| reason.code);
    let socket = &mut connection.socket;
    let send_timeout = connection.limits.send_timeout;
    let close = Message::Close(reason.map(close_frame));
    let sent = time::timeout(send_timeout, socket.send(&close)).await;
    if !matches!(sent, Ok(Ok(()))) {
        tracing::info!(endpoint, ?client, ?peer, "close frame not delivered");
    } else if await_reply {
        // The client's Close, or its hanging up, completes the handshake; anything else it
        // still sends is ignored.
        let reply = async {
            while let Some(Ok(message)) = socket.message().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = time::timeout(CLOSE_REPLY_TIMEOUT, reply).await;
    }
    // Bounded: a client that reads nothing cannot hold the connection open.
    let _ = time::timeout(send_timeout, socket.hang_up()).await;
    tracing::info!(endpoint, ?client, ?peer, ?code, "connection closed");
}
