//! Rejects an oversized frame as soon as its header arrives.
//!
//! actix-http's frame parser checks a frame's length against the limit only once the whole
//! frame is buffered, and buffers every byte the client sends meanwhile: a header announcing
//! 1 TiB would make the server hold whatever the client streams. [`check`] looks at the header
//! of the frame at the front of the received bytes before the parser does, so the connection
//! is closed with 1009 having buffered at most one read.

use std::fmt;

/// A frame header declares a payload over the limit; the connection is closed with 1009.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameTooLarge {
    /// The payload length the header declared.
    pub declared: u64,
    /// The limit.
    pub limit: u64,
}

impl fmt::Display for FrameTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a frame header declares a payload of {} bytes, over the limit of {}",
            self.declared, self.limit
        )
    }
}

impl std::error::Error for FrameTooLarge {}

/// Checks the frame that `received` starts with: an error if its header, once complete,
/// declares a payload over `limit` bytes. An incomplete header passes (for now).
pub fn check(received: &[u8], limit: u64) -> Result<(), FrameTooLarge> {
    match declared_length(received) {
        Some(declared) if declared > limit => Err(FrameTooLarge { declared, limit }),
        _ => Ok(()),
    }
}

/// The payload length a frame header declares, or `None` while the header is incomplete.
/// Anything after the header is ignored.
fn declared_length(header: &[u8]) -> Option<u64> {
    let [_, second, rest @ ..] = header else {
        return None;
    };
    let mask_len = if second & 0x80 != 0 { 4 } else { 0 };
    let (length, extended) = match second & 0x7F {
        126 => (
            u64::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?)),
            2,
        ),
        127 => (u64::from_be_bytes(rest.get(..8)?.try_into().ok()?), 8),
        short => (u64::from(short), 0),
    };
    (rest.len() >= extended + mask_len).then_some(length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_every_length_encoding() {
        assert_eq!(declared_length(&[0x81]), None);
        assert_eq!(declared_length(&[0x81, 0x05]), Some(5), "unmasked, 7-bit");
        assert_eq!(
            declared_length(&[0x81, 0x85, 1, 2, 3]),
            None,
            "mask incomplete"
        );
        assert_eq!(declared_length(&[0x81, 0x85, 1, 2, 3, 4]), Some(5));
        assert_eq!(
            declared_length(&[0x82, 0xFE, 0x01, 0x00, 1, 2, 3, 4]),
            Some(256),
            "16-bit"
        );
        let mut huge = vec![0x82, 0xFF];
        huge.extend_from_slice(&(1u64 << 40).to_be_bytes());
        assert_eq!(declared_length(&huge), None, "mask still missing");
        huge.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(declared_length(&huge), Some(1 << 40), "64-bit");
    }

    #[test]
    fn only_a_complete_header_over_the_limit_fails() {
        assert_eq!(check(&[], 10), Ok(()));
        assert_eq!(check(&[0x82, 0x8A, 1, 2, 3, 4], 10), Ok(()), "10 bytes");
        assert_eq!(check(&[0x82, 0x8B, 1, 2, 3], 10), Ok(()), "mask incomplete");
        assert_eq!(
            check(&[0x82, 0x8B, 1, 2, 3, 4, 0xFF], 10),
            Err(FrameTooLarge {
                declared: 11,
                limit: 10
            })
        );
    }
}
