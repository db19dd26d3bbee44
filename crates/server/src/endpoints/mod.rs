//! WebSocket endpoints, one module each, and the behaviour they share.
//!
//! - [`sample`]: `/websocket/test`, the seed's endpoint (greeting, pushes, echo).
//! - [`echo`], [`protocol`], [`delay`], [`server_close`], [`burst`], [`ping`]: the endpoints wasm-ws's
//!   conformance tests talk to, modelled on the Web Platform Tests' WebSocket handlers.

pub mod burst;
pub mod delay;
pub mod echo;
pub mod ping;
pub mod protocol;
pub mod sample;
pub mod server_close;

use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{
    AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError, Session,
};

/// Largest frame, and largest message after reassembling fragments, that the endpoints accept.
/// 64 KiB is actix's own frame default and far above what the sample and the tests send; a
/// larger message closes the connection with 1009 (RFC 6455 section 7.4.1).
pub const MAX_MESSAGE_SIZE: usize = 64 * 1024;

/// Performs the handshake and applies the size limits to the incoming messages.
pub(crate) fn upgrade(
    request: &HttpRequest,
    body: web::Payload,
) -> actix_web::Result<(HttpResponse, Session, AggregatedMessageStream)> {
    let (response, session, messages) = actix_ws::handle(request, body)?;
    let messages = messages
        .max_frame_size(MAX_MESSAGE_SIZE)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE_SIZE);
    Ok((response, session, messages))
}

/// Spawns a connection's task, logging its opening and its close code (never its contents).
pub(crate) fn spawn_logged<F>(endpoint: &'static str, request: &HttpRequest, task: F)
where
    F: std::future::Future<Output = Option<CloseReason>> + 'static,
{
    let peer = request.peer_addr();
    actix_web::rt::spawn(async move {
        tracing::info!(endpoint, ?peer, "connection opened");
        let close = task.await;
        tracing::info!(endpoint, ?peer, code = ?close.map(|reason| reason.code), "connection closed");
    });
}

/// What a connection loop does after one incoming message.
pub(crate) enum Next {
    /// Keep serving.
    Continue,
    /// Answer with this Close and stop.
    Close(Option<CloseReason>),
    /// The connection is gone: stop without a Close.
    Gone,
}

/// The shared echo behaviour: text back as text, binary as binary, pings answered with pongs,
/// and a client's Close answered with the client's code and reason (RFC 6455 section 5.5.1).
/// A protocol error closes with the code it deserves.
pub(crate) async fn echo(
    session: &mut Session,
    message: Option<Result<AggregatedMessage, ProtocolError>>,
) -> Next {
    let sent = match message {
        Some(Ok(AggregatedMessage::Text(text))) => session.text(text).await,
        Some(Ok(AggregatedMessage::Binary(bytes))) => session.binary(bytes).await,
        Some(Ok(AggregatedMessage::Ping(payload))) => session.pong(&payload).await,
        Some(Ok(AggregatedMessage::Pong(_))) => Ok(()),
        Some(Ok(AggregatedMessage::Close(reason))) => return Next::Close(reason),
        Some(Err(error)) => return Next::Close(Some(close_reason_for(&error))),
        // The client went away without a closing handshake: nobody to answer.
        None => return Next::Gone,
    };
    // The only send error is a closed session: the connection is gone.
    match sent {
        Ok(()) => Next::Continue,
        Err(_) => Next::Gone,
    }
}

/// Echoes ([`echo`]) until the connection closes; returns the Close sent, for the log.
pub(crate) async fn echo_until_closed(
    mut session: Session,
    mut messages: AggregatedMessageStream,
) -> Option<CloseReason> {
    loop {
        match echo(&mut session, messages.recv().await).await {
            Next::Continue => {}
            next => return finish(session, next).await,
        }
    }
}

/// Ends a connection loop: sends the Close, if any, and returns it for the log.
pub(crate) async fn finish(session: Session, next: Next) -> Option<CloseReason> {
    match next {
        Next::Close(reason) => {
            session.close(reason.clone()).await.ok()?;
            reason
        }
        Next::Continue | Next::Gone => None,
    }
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
