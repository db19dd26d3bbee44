//! Typed JSON over a connection (cargo feature `json`): incoming text and binary frames are
//! decoded into one type, outgoing values encoded from another.
//!
//! A message that does not decode goes to an `on_decode_error` callback with the error and the
//! raw message, never to a made-up default; a value that does not encode is a typed error.

use std::{fmt, marker::PhantomData};

use serde::{de::DeserializeOwned, Serialize};
use wasm_ws_client::{
    ConnectionStatus, Message, ReconnectingWebSocket, SendError, Sent, WebSocket,
};
use yew::Callback;

use crate::handles::reconnecting::{
    UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
};

/// A message that is not JSON of the expected type.
#[derive(Debug)]
pub struct JsonDecodeError {
    /// Why it did not decode.
    pub error: serde_json::Error,
    /// The message as it arrived.
    pub message: Message,
}

impl fmt::Display for JsonDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the message is not the expected JSON: {}", self.error)
    }
}

impl std::error::Error for JsonDecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Why a value was not sent. `#[non_exhaustive]`: match with a wildcard arm. The encoding
/// error is serde_json's (`serde_json::Error`).
#[derive(Debug)]
#[non_exhaustive]
pub enum JsonSendError {
    /// The value could not be encoded as JSON.
    Encode(serde_json::Error),
    /// The connection refused the message (see [`SendError`]).
    Send(SendError),
}

impl fmt::Display for JsonSendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encode(error) => write!(f, "the value could not be encoded as JSON: {error}"),
            Self::Send(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for JsonSendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Encode(error) => Some(error),
            Self::Send(error) => Some(error),
        }
    }
}

/// Decodes a message: text and binary frames as JSON. A `Blob` cannot be read synchronously:
/// use `BinaryType::ArrayBuffer` (the hooks' default) to have binary frames decoded.
///
/// ```
/// use wasm_ws_yew::json::decode;
/// use wasm_ws_yew::Message;
/// assert_eq!(decode::<Vec<u8>>(Message::from("[1,2]")).unwrap(), vec![1, 2]);
/// assert_eq!(decode::<Vec<u8>>(Message::from(b"[3]".to_vec())).unwrap(), vec![3]);
/// let error = decode::<Vec<u8>>(Message::from("hello")).unwrap_err();
/// assert_eq!(error.message, Message::from("hello"));
/// ```
pub fn decode<In: DeserializeOwned>(message: Message) -> Result<In, JsonDecodeError> {
    let decoded = match &message {
        Message::Text(text) => serde_json::from_str(text),
        Message::Binary(bytes) => serde_json::from_slice(bytes),
        Message::Blob(_) => Err(<serde_json::Error as serde::de::Error>::custom(
            "a Blob cannot be decoded synchronously: use BinaryType::ArrayBuffer",
        )),
    };
    decoded.map_err(|error| JsonDecodeError { error, message })
}

/// Encodes a value as a text message; the error is serde_json's (`serde_json::Error`).
pub fn encode<Out: Serialize + ?Sized>(value: &Out) -> Result<Message, serde_json::Error> {
    serde_json::to_string(value).map(Message::Text)
}

/// A callback that decodes each message and hands it on, or its decode error.
pub(crate) fn decoding<In: DeserializeOwned + 'static>(
    on_message: Option<Callback<In>>,
    on_decode_error: Option<Callback<JsonDecodeError>>,
) -> Callback<Message> {
    Callback::from(move |message| match decode::<In>(message) {
        Ok(value) => {
            if let Some(on_message) = &on_message {
                on_message.emit(value);
            }
        }
        Err(error) => {
            if let Some(on_decode_error) = &on_decode_error {
                on_decode_error.emit(error);
            }
        }
    })
}

/// Options for [`use_json_websocket`](crate::use_json_websocket): those of
/// [`use_reconnecting_websocket`](crate::use_reconnecting_websocket), with typed callbacks.
pub struct UseJsonWebSocketOptions<In> {
    /// The connection's options; its `on_message` is replaced by the typed callbacks below.
    pub connection: UseReconnectingWebSocketOptions,
    /// Called with every message that decodes as `In`. Default: none.
    pub on_message: Option<Callback<In>>,
    /// Called with every message that does not. Default: none.
    pub on_decode_error: Option<Callback<JsonDecodeError>>,
}

impl<In> Default for UseJsonWebSocketOptions<In> {
    fn default() -> Self {
        Self {
            connection: UseReconnectingWebSocketOptions::default(),
            on_message: None,
            on_decode_error: None,
        }
    }
}

impl<In> Clone for UseJsonWebSocketOptions<In> {
    fn clone(&self) -> Self {
        Self {
            connection: self.connection.clone(),
            on_message: self.on_message.clone(),
            on_decode_error: self.on_decode_error.clone(),
        }
    }
}

impl<In> PartialEq for UseJsonWebSocketOptions<In> {
    fn eq(&self, other: &Self) -> bool {
        self.connection == other.connection
            && self.on_message == other.on_message
            && self.on_decode_error == other.on_decode_error
    }
}

/// A connection that sends `Out` values as JSON: what
/// [`use_json_websocket`](crate::use_json_websocket),
/// [`use_json_websocket_context`](crate::use_json_websocket_context) and
/// [`use_json_websocket_context_sender`](crate::use_json_websocket_context_sender) return.
///
/// The same shape as [`UseReconnectingWebSocketHandle`]: the same fields, kept up to date
/// across renders, and the same methods, except that [`send`](Self::send) takes an `Out` and
/// encodes it ([`send_message`](Self::send_message) sends any [`Message`] as it is). Handles
/// compare equal when they show the same connection in the same state.
pub struct UseJsonWebSocketHandle<Out> {
    /// Where the connection stands, kept up to date across renders.
    pub status: ConnectionStatus,
    /// How many messages wait in the outbound queue, kept up to date across renders.
    pub queued_len: usize,
    /// With [`ReconnectOptions::acknowledge`](wasm_ws_client::ReconnectOptions::acknowledge):
    /// how many messages sent await acknowledgement, kept up to date across renders.
    pub unacknowledged_len: usize,
    handle: UseReconnectingWebSocketHandle,
    _out: PhantomData<fn(Out)>,
}

impl<Out> UseJsonWebSocketHandle<Out> {
    pub(crate) fn new(handle: UseReconnectingWebSocketHandle) -> Self {
        Self {
            status: handle.status.clone(),
            queued_len: handle.queued_len,
            unacknowledged_len: handle.unacknowledged_len,
            handle,
            _out: PhantomData,
        }
    }

    /// Sends a message as it is, not encoded: now if open, otherwise queued
    /// ([`UseReconnectingWebSocketHandle::send`]).
    pub fn send_message(&self, message: Message) -> Result<Sent, SendError> {
        self.handle.send(message)
    }

    /// Takes every queued message out of the queue, oldest first.
    pub fn drain_queue(&self) -> Vec<Message> {
        self.handle.drain_queue()
    }

    /// Closes and stops reconnecting; [`open`](Self::open) or [`reconnect`](Self::reconnect)
    /// connect again.
    pub fn close(&self) {
        self.handle.close();
    }

    /// Closes with a code and reason, and stops reconnecting
    /// ([`UseReconnectingWebSocketHandle::close_with`]).
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), wasm_ws_client::Error> {
        self.handle.close_with(code, reason)
    }

    /// Connects again now, with the attempt counter reset.
    pub fn reconnect(&self) {
        self.handle.reconnect();
    }

    /// Connects if not connected or connecting.
    pub fn open(&self) {
        self.handle.open();
    }

    /// The connection itself, while one is held.
    pub fn connection(&self) -> Option<ReconnectingWebSocket> {
        self.handle.connection()
    }

    /// The current socket, if an attempt is under way, open or closing.
    pub fn socket(&self) -> Option<WebSocket> {
        self.handle.socket()
    }

    /// The same connection, untyped.
    pub fn untyped(&self) -> &UseReconnectingWebSocketHandle {
        &self.handle
    }
}

impl<Out: Serialize> UseJsonWebSocketHandle<Out> {
    /// Encodes `value` and sends it: now if open, otherwise queued.
    pub fn send(&self, value: &Out) -> Result<Sent, JsonSendError> {
        let message = encode(value).map_err(JsonSendError::Encode)?;
        self.handle.send(message).map_err(JsonSendError::Send)
    }
}

impl<Out> Clone for UseJsonWebSocketHandle<Out> {
    fn clone(&self) -> Self {
        Self::new(self.handle.clone())
    }
}

impl<Out> PartialEq for UseJsonWebSocketHandle<Out> {
    fn eq(&self, other: &Self) -> bool {
        self.handle == other.handle
    }
}

impl<Out> fmt::Debug for UseJsonWebSocketHandle<Out> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UseJsonWebSocketHandle")
            .field("status", &self.status)
            .field("queued_len", &self.queued_len)
            .field("unacknowledged_len", &self.unacknowledged_len)
            .finish_non_exhaustive()
    }
}
