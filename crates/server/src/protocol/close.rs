//! A Close frame's payload (RFC 6455 section 5.5.1): nothing, or a status code and a UTF-8
//! reason; read from the client, written by the server.

use super::{ProtocolError, Violation};

/// Status codes the server sends (RFC 6455 section 7.4.1).
pub mod code {
    /// The purpose of the connection has been fulfilled.
    pub const NORMAL: u16 = 1000;
    /// Going away: the server shuts down, or the client was idle too long.
    pub const AWAY: u16 = 1001;
    /// A protocol error.
    pub const PROTOCOL: u16 = 1002;
    /// Data inconsistent with the message's type: text that is not UTF-8, compressed data that
    /// is not DEFLATE.
    pub const INVALID: u16 = 1007;
    /// A policy violation (a client too slow to read).
    pub const POLICY: u16 = 1008;
    /// A message too big to process.
    pub const SIZE: u16 = 1009;
}

/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, so a Close's reason,
/// after its 2-byte code, is at most 123. A longer one is cut (at a character boundary) rather
/// than sent invalid: browsers fail the connection on an oversized control frame.
pub const MAX_REASON: usize = 123;

/// A Close frame's code and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// The status code.
    pub code: u16,
    /// The reason, empty if none was given.
    pub reason: String,
}

impl CloseFrame {
    /// A Close with `code` and `reason`.
    pub fn new(code: u16, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// Reads a Close's payload: nothing, or a code (one an endpoint may send, RFC 6455 section 7.4)
/// and a UTF-8 reason (section 5.5.1).
pub fn parse(payload: &[u8]) -> Result<Option<CloseFrame>, Violation> {
    let bad = || Violation::Protocol(ProtocolError::BadClose);
    let Some((code, reason)) = payload.split_first_chunk::<2>() else {
        return if payload.is_empty() {
            Ok(None)
        } else {
            Err(bad())
        };
    };
    let code = u16::from_be_bytes(*code);
    // 1004-1006 and 1015 are never sent; 1016-2999 are unassigned; below 1000 and from 5000
    // unused.
    if !matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999) {
        return Err(bad());
    }
    let reason = std::str::from_utf8(reason).map_err(|_| bad())?;
    Ok(Some(CloseFrame::new(code, reason)))
}

/// Writes a Close's payload, the reason cut to [`MAX_REASON`] bytes.
pub fn payload(close: Option<&CloseFrame>) -> Vec<u8> {
    let Some(close) = close else {
        return Vec::new();
    };
    let mut end = close.reason.len().min(MAX_REASON);
    while !close.reason.is_char_boundary(end) {
        end -= 1;
    }
    let mut payload = close.code.to_be_bytes().to_vec();
    payload.extend_from_slice(&close.reason.as_bytes()[..end]);
    payload
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read() {
        assert_eq!(parse(b""), Ok(None));
        assert!(parse(&[0x03]).is_err(), "a 1-byte payload");
        assert!(parse(&1005u16.to_be_bytes()).is_err(), "a code never sent");
        assert!(parse(&999u16.to_be_bytes()).is_err());
        assert!(parse(&2000u16.to_be_bytes()).is_err(), "unassigned");
        assert!(parse(&[0x03, 0xE8, 0xFF]).is_err(), "a reason not UTF-8");
        assert_eq!(
            parse(&[0x03, 0xE8, b'o', b'k']),
            Ok(Some(CloseFrame::new(code::NORMAL, "ok")))
        );
        assert_eq!(
            parse(&4999u16.to_be_bytes()),
            Ok(Some(CloseFrame::new(4999, "")))
        );
    }

    #[test]
    fn payloads_written_read_back_and_long_reasons_are_cut_at_a_character() {
        assert_eq!(payload(None), b"");
        let close = CloseFrame::new(code::AWAY, "server shutting down");
        assert_eq!(parse(&payload(Some(&close))), Ok(Some(close)));
        // 61 two-byte characters and one more: 124 bytes, cut to 122 (not 123, mid-character).
        let long = CloseFrame::new(code::NORMAL, "é".repeat(62));
        let written = payload(Some(&long));
        assert_eq!(written.len(), 2 + 122);
        assert_eq!(
            parse(&written),
            Ok(Some(CloseFrame::new(code::NORMAL, "é".repeat(61))))
        );
    }
}
