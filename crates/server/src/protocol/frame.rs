//! Frame headers (RFC 6455 section 5.2), read from the client and written by the server: the
//! one place that knows how a header is laid out. [`head`] reads as much of a header as has
//! arrived, so that a frame is judged on its first two bytes and its declared length is checked
//! ([`Header::check_length`]) before its payload is buffered.

use std::fmt;

use bytes::{BufMut, BytesMut};

/// Opcodes (RFC 6455 section 5.2).
pub mod opcode {
    /// A continuation frame.
    pub const CONTINUATION: u8 = 0x0;
    /// A text frame.
    pub const TEXT: u8 = 0x1;
    /// A binary frame.
    pub const BINARY: u8 = 0x2;
    /// A Close frame.
    pub const CLOSE: u8 = 0x8;
    /// A ping.
    pub const PING: u8 = 0x9;
    /// A pong.
    pub const PONG: u8 = 0xA;
}

const FIN: u8 = 0x80;
/// RFC 7692 section 6: RSV1 is the "Per-Message Compressed" bit.
const RSV1: u8 = 0x40;
const RSV2_RSV3: u8 = 0x30;
const MASKED: u8 = 0x80;
/// A 7-bit length of 126 or 127 announces a 16- or 64-bit length.
const LENGTH_16: u8 = 126;
const LENGTH_64: u8 = 127;

/// The first two bytes of a frame: all that decides whether the frame is acceptable, before
/// its length, mask or payload arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// The last frame of its message.
    pub fin: bool,
    /// RSV1 ("Per-Message Compressed").
    pub rsv1: bool,
    /// RSV2 or RSV3.
    pub rsv2_or_rsv3: bool,
    /// The opcode.
    pub opcode: u8,
    /// Whether a mask follows.
    pub masked: bool,
    /// The 7-bit payload length: the length itself up to 125; 126 and 127 announce a 16- and a
    /// 64-bit length in the bytes that follow.
    pub short_length: u8,
}

impl Start {
    /// Whether it is a control frame (opcodes 8-15).
    pub fn is_control(&self) -> bool {
        self.opcode & 0x8 != 0
    }
}

/// A complete header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The first two bytes.
    pub start: Start,
    /// The payload's length.
    pub length: u64,
    /// The masking key (zeros if unmasked).
    pub mask: [u8; 4],
    /// The header's own length in bytes.
    pub size: usize,
}

impl Header {
    /// Fails if the payload it declares is over `limit` bytes. Checked as soon as the header is
    /// complete, before any of the payload is buffered: a header announcing 1 TiB would
    /// otherwise have the server hold whatever the client streams.
    pub fn check_length(&self, limit: u64) -> Result<(), FrameTooLarge> {
        if self.length > limit {
            return Err(FrameTooLarge {
                declared: self.length,
                limit,
            });
        }
        Ok(())
    }
}

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

/// As much of a frame's header as has arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    /// Fewer than two bytes: nothing to judge yet.
    Empty,
    /// The first two bytes; the extended length or the mask is still on its way.
    Started(Start),
    /// The whole header.
    Complete(Header),
}

impl Head {
    /// The first two bytes, once they are there.
    pub fn start(&self) -> Option<Start> {
        match self {
            Self::Empty => None,
            Self::Started(start) => Some(*start),
            Self::Complete(header) => Some(header.start),
        }
    }
}

/// Reads the header `bytes` starts with, as far as it has arrived; anything after it is
/// ignored.
pub fn head(bytes: &[u8]) -> Head {
    let [first, second, ..] = *bytes else {
        return Head::Empty;
    };
    let start = Start {
        fin: first & FIN != 0,
        rsv1: first & RSV1 != 0,
        rsv2_or_rsv3: first & RSV2_RSV3 != 0,
        opcode: first & 0x0F,
        masked: second & MASKED != 0,
        short_length: second & !MASKED,
    };
    match rest_of_header(start, bytes) {
        Some(header) => Head::Complete(header),
        None => Head::Started(start),
    }
}

/// The header `bytes` starts with, once it is all there.
pub fn header(bytes: &[u8]) -> Option<Header> {
    match head(bytes) {
        Head::Complete(header) => Some(header),
        Head::Empty | Head::Started(_) => None,
    }
}

/// The extended length and the mask after `start`, if they have arrived.
fn rest_of_header(start: Start, bytes: &[u8]) -> Option<Header> {
    let (length, mut size) = match start.short_length {
        LENGTH_16 => (
            u64::from(u16::from_be_bytes(bytes.get(2..4)?.try_into().ok()?)),
            4,
        ),
        LENGTH_64 => (u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?), 10),
        short => (u64::from(short), 2),
    };
    let mut mask = [0; 4];
    if start.masked {
        mask = bytes.get(size..size + 4)?.try_into().ok()?;
        size += 4;
    }
    Some(Header {
        start,
        length,
        mask,
        size,
    })
}

/// Unmasks `payload`, whose first byte is byte `offset` of the frame's payload (RFC 6455
/// section 5.3).
pub fn unmask(payload: &mut [u8], mask: [u8; 4], offset: usize) {
    let mut key = mask;
    key.rotate_left(offset % 4);
    let word = u32::from_ne_bytes(key);
    let mut chunks = payload.chunks_exact_mut(4);
    for chunk in &mut chunks {
        let value = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) ^ word;
        chunk.copy_from_slice(&value.to_ne_bytes());
    }
    for (byte, key) in chunks.into_remainder().iter_mut().zip(key) {
        *byte ^= key;
    }
}

/// Writes a server frame's header (unmasked, RFC 6455 section 5.1).
pub fn write_header(out: &mut BytesMut, fin: bool, rsv1: bool, opcode: u8, length: usize) {
    let first = if fin { FIN } else { 0 } | if rsv1 { RSV1 } else { 0 } | opcode;
    out.reserve(10 + length);
    match length {
        0..=125 => out.put_slice(&[first, length as u8]),
        126..=0xFFFF => {
            out.put_slice(&[first, LENGTH_16]);
            out.put_u16(length as u16);
        }
        _ => {
            out.put_slice(&[first, LENGTH_64]);
            out.put_u64(length as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_every_length_encoding() {
        assert_eq!(header(&[0x81]), None);
        let short = header(&[0x81, 0x85, 1, 2, 3, 4]).unwrap();
        assert_eq!((short.length, short.size, short.mask), (5, 6, [1, 2, 3, 4]));
        assert!(short.start.fin && !short.start.rsv1 && short.start.masked);
        assert_eq!(
            header(&[0x82, 0xFE, 0x01, 0x00, 1, 2, 3]),
            None,
            "mask incomplete"
        );
        assert_eq!(
            header(&[0x82, 0xFE, 0x01, 0x00, 1, 2, 3, 4])
                .unwrap()
                .length,
            256
        );
        let mut huge = vec![0xC2, 0xFF];
        huge.extend_from_slice(&(1u64 << 40).to_be_bytes());
        huge.extend_from_slice(&[1, 2, 3, 4]);
        let huge = header(&huge).unwrap();
        assert_eq!((huge.length, huge.size), (1 << 40, 14));
        assert!(huge.start.rsv1);
        let unmasked = header(&[0x81, 0x05]).unwrap();
        assert_eq!((unmasked.length, unmasked.size), (5, 2), "unmasked, 7-bit");
    }

    #[test]
    fn the_first_two_bytes_are_read_before_the_rest_arrives() {
        assert_eq!(head(&[]), Head::Empty);
        assert_eq!(head(&[0x81]), Head::Empty);
        let Head::Started(start) = head(&[0x89, 0xFF, 0, 0]) else {
            panic!("a 64-bit length still arriving");
        };
        assert_eq!((start.opcode, start.short_length), (0x9, 127));
        assert!(start.is_control() && start.masked && start.fin);
        let mut huge = vec![0x82, 0xFF];
        huge.extend_from_slice(&(1u64 << 40).to_be_bytes());
        assert!(
            matches!(head(&huge), Head::Started(_)),
            "mask still missing"
        );
        huge.extend_from_slice(&[1, 2, 3, 4]);
        assert!(matches!(head(&huge), Head::Complete(h) if h.length == 1 << 40));
    }

    #[test]
    fn only_a_declared_length_over_the_limit_fails() {
        let ten = header(&[0x82, 0x8A, 1, 2, 3, 4]).unwrap();
        assert_eq!(ten.check_length(10), Ok(()), "exactly the limit");
        let eleven = header(&[0x82, 0x8B, 1, 2, 3, 4, 0xFF]).unwrap();
        assert_eq!(
            eleven.check_length(10),
            Err(FrameTooLarge {
                declared: 11,
                limit: 10
            })
        );
    }

    #[test]
    fn unmasking_at_any_offset_matches_masking_byte_by_byte() {
        let mask = [0x37, 0xFA, 0x21, 0x3D];
        let plain: Vec<u8> = (0..23).collect();
        let masked: Vec<u8> = plain
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[i % 4])
            .collect();
        for cut in 0..plain.len() {
            let (mut a, mut b) = (masked[..cut].to_vec(), masked[cut..].to_vec());
            unmask(&mut a, mask, 0);
            unmask(&mut b, mask, cut);
            assert_eq!([a, b].concat(), plain, "cut at {cut}");
        }
    }

    #[test]
    fn written_headers_read_back() {
        for (length, size) in [(0, 2), (125, 2), (126, 4), (65_535, 4), (65_536, 10)] {
            let mut out = BytesMut::new();
            write_header(&mut out, true, length == 126, 0x1, length);
            assert_eq!(out.len(), size);
            let parsed = header(&out).unwrap();
            assert_eq!(parsed.length, length as u64);
            assert_eq!(parsed.start.rsv1, length == 126);
            assert!(!parsed.start.masked, "server frames are not masked");
        }
    }
}
