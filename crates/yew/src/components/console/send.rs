//! What "send" does with the textarea's message, and which line says so.

use wasm_ws_client::{Message, SendError, Sent};

use super::{lines::Line, props::LineKind};

/// The line that reports a send of `message` that answered `sent`, if one does now: with
/// `own_sends_only` off, a message that went out is logged from the connection's `Sent` event
/// instead, whoever sent it.
pub(super) fn reported(
    sent: Result<Sent, SendError>,
    message: Message,
    own_sends_only: bool,
) -> Option<Line> {
    Some(match sent {
        // Logged when it goes out, from the connection's `Sent` event.
        Ok(Sent::Now) if !own_sends_only => return None,
        Ok(Sent::Now) => Line::message(LineKind::Sent, message),
        // Queued: said now, with the message (a sent line later comes from the connection's
        // `Sent` event, unless only this console's sends are shown).
        Ok(_) if own_sends_only => Line::queued(LineKind::Sent, message),
        Ok(_) => Line::queued(LineKind::Info, message),
        Err(error) => Line::note(LineKind::Error, format!("not sent: {error}")),
    })
}
