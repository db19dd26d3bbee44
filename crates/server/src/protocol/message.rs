//! A WebSocket message, as the server receives it from the client or sends it.

use bytes::Bytes;
use bytestring::ByteString;

use super::close::CloseFrame;

/// A complete message: one the client sent (see [`super::Receiver`]) or one the server sends
/// (see [`super::Sender`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message, valid UTF-8.
    Text(ByteString),
    /// A binary message.
    Binary(Bytes),
    /// A ping.
    Ping(Bytes),
    /// A pong.
    Pong(Bytes),
    /// A Close, with its code and reason if it had them.
    Close(Option<CloseFrame>),
}
