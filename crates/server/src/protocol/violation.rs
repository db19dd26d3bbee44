//! How a client's bytes can break the protocol or the server's limits, and the close code
//! each deserves.

use std::fmt;

use super::{close::code, frame::FrameTooLarge};

/// A frame or message that breaks RFC 6455, RFC 7692 or the server's limits: the connection is
/// failed with [`Violation::close_code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A frame against the protocol (1002).
    Protocol(ProtocolError),
    /// A frame header declaring a payload over the limit, caught before the payload is
    /// buffered (1009).
    FrameTooLarge(FrameTooLarge),
    /// A message over the limit: fragments adding up to more, or a compressed message
    /// inflating to more (caught as soon as it passes the limit) (1009).
    MessageTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A text message that is not UTF-8, caught as soon as its bytes can no longer be
    /// (1007, RFC 6455 section 8.1).
    InvalidUtf8,
    /// A compressed message that is not DEFLATE data (1007: data inconsistent with the
    /// message's type, RFC 6455 section 7.4.1; what Autobahn|Testsuite and `ws` expect).
    BadCompressedData,
}

/// How a frame breaks the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    /// RSV2 or RSV3 set: no extension here defines them (RFC 6455 section 5.2).
    ReservedBits,
    /// RSV1 set without `permessage-deflate` negotiated (RFC 6455 section 5.2).
    CompressedWithoutExtension,
    /// RSV1 on a control frame or a continuation frame (RFC 7692 section 6).
    CompressedBitMisplaced,
    /// A frame from the client without a mask (RFC 6455 section 5.1).
    Unmasked,
    /// A reserved opcode, 3-7 or 11-15 (RFC 6455 section 5.2).
    ReservedOpcode(u8),
    /// A fragmented control frame (RFC 6455 section 5.5).
    FragmentedControl,
    /// A control frame over 125 bytes (RFC 6455 section 5.5).
    ControlTooLong(u64),
    /// A continuation frame with no message to continue (RFC 6455 section 5.4).
    ContinuationWithoutStart,
    /// A new data frame while a fragmented message is unfinished (RFC 6455 section 5.4).
    MessageInsideMessage,
    /// A Close with a 1-byte payload, a code no one may send, or a reason that is not UTF-8
    /// (RFC 6455 sections 5.5.1 and 7.4).
    BadClose,
}

impl Violation {
    /// The close code it deserves (RFC 6455 section 7.4.1).
    pub fn close_code(&self) -> u16 {
        match self {
            Self::FrameTooLarge(_) | Self::MessageTooLarge { .. } => code::SIZE,
            Self::InvalidUtf8 | Self::BadCompressedData => code::INVALID,
            Self::Protocol(_) => code::PROTOCOL,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Protocol(error) => write!(f, "protocol error: {error:?}"),
            Self::FrameTooLarge(error) => error.fmt(f),
            Self::MessageTooLarge { limit } => {
                write!(f, "a message is larger than the limit of {limit} bytes")
            }
            Self::InvalidUtf8 => f.write_str("a text message is not valid UTF-8"),
            Self::BadCompressedData => f.write_str("a compressed message is not DEFLATE data"),
        }
    }
}

impl std::error::Error for Violation {}

impl From<ProtocolError> for Violation {
    fn from(error: ProtocolError) -> Self {
        Self::Protocol(error)
    }
}
