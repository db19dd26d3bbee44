//! RFC 6455 framing as sans-IO state machines, tested natively: bytes in, messages or
//! violations out; messages in, bytes out. No sockets, no timers, no actix types: the
//! connection (`crate::connection`) moves the bytes and speaks to actix.
//!
//! - [`receive`]: the client's bytes into messages ([`Receiver`]): frames parsed as their bytes
//!   arrive, fragments reassembled, text checked to be UTF-8 as it arrives, compressed messages
//!   inflated (RFC 7692), every limit applied, and each [`Violation`] with its close code.
//! - [`send`]: messages into frames ([`Sender`]), compressed when negotiated.
//! - [`message`]: the [`Message`] both carry.
//! - [`frame`]: frame headers, read (the one parser, which also checks a declared length
//!   against the limit before the payload arrives) and written.
//! - [`close`]: Close payloads and the close codes.
//! - [`utf8`]: incremental UTF-8 validation.
//! - [`violation`]: what breaks the protocol or the limits, and its close code.

pub mod close;
pub mod frame;
pub mod message;
pub mod receive;
pub mod send;
pub mod utf8;
pub mod violation;

pub use close::CloseFrame;
pub use message::Message;
pub use receive::Receiver;
pub use send::Sender;
pub use violation::{ProtocolError, Violation};
