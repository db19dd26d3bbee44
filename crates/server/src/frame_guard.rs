//! Rejects an oversized frame as soon as its header arrives.
//!
//! actix-http checks a frame's length against the limit only once the whole frame is buffered,
//! and buffers every byte the client sends meanwhile: a header announcing 1 TiB would make the
//! server hold whatever the client streams. This guard sits between the socket and actix-ws,
//! follows the frame boundaries in the byte stream (headers only: payloads pass through
//! untouched and uncopied), and fails the stream the moment a header declares a payload over
//! the limit, so the connection is closed with 1009 having buffered at most one chunk.

use std::{
    fmt, io,
    pin::Pin,
    task::{Context, Poll},
};

use actix_web::{dev, error::PayloadError, web::Bytes};
use futures_util::Stream;

/// The error the guard raises (inside a `PayloadError::Io`) when a frame header declares a
/// payload over the limit; [`crate::connection::close_reason_for`] maps it to 1009.
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

/// The longest frame header: 2 bytes, an 8-byte extended length and a 4-byte mask.
const MAX_HEADER: usize = 14;

/// A request payload whose frames are checked against `max_payload` as their headers arrive.
pub struct FrameGuard {
    inner: dev::Payload,
    max_payload: u64,
    header: [u8; MAX_HEADER],
    header_len: usize,
    /// Payload bytes of the current frame still to pass before the next header.
    payload_left: u64,
    state: State,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Passing,
    /// The frames before an oversized one have been passed on; the error comes next.
    Failing(FrameTooLarge),
    Failed,
}

impl FrameGuard {
    /// Guards `inner` against frames whose payload exceeds `max_payload` bytes.
    pub fn new(inner: dev::Payload, max_payload: usize) -> Self {
        Self {
            inner,
            max_payload: max_payload as u64,
            header: [0; MAX_HEADER],
            header_len: 0,
            payload_left: 0,
            state: State::Passing,
        }
    }

    /// Follows the frame boundaries through `chunk`. If a header declares too much, returns
    /// `Err` with the length of the chunk's part before that header, which is still valid, and
    /// the error.
    fn check(&mut self, chunk: &[u8]) -> Result<(), (usize, FrameTooLarge)> {
        let mut at = 0;
        while at < chunk.len() {
            if self.payload_left > 0 {
                let skipped = self.payload_left.min((chunk.len() - at) as u64);
                self.payload_left -= skipped;
                at += skipped as usize;
                continue;
            }
            self.header[self.header_len] = chunk[at];
            self.header_len += 1;
            at += 1;
            if let Some(length) = declared_length(&self.header[..self.header_len]) {
                if length > self.max_payload {
                    let error = FrameTooLarge {
                        declared: length,
                        limit: self.max_payload,
                    };
                    return Err((at.saturating_sub(self.header_len), error));
                }
                self.payload_left = length;
                self.header_len = 0;
            }
        }
        Ok(())
    }
}

/// The payload length a complete frame header declares, or `None` while it is incomplete.
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

impl Stream for FrameGuard {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.state {
            State::Failed => return Poll::Ready(None),
            State::Failing(error) => {
                self.state = State::Failed;
                let error = io::Error::new(io::ErrorKind::InvalidData, error);
                return Poll::Ready(Some(Err(PayloadError::Io(error))));
            }
            State::Passing => {}
        }
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        let Poll::Ready(Some(Ok(chunk))) = polled else {
            return polled;
        };
        match self.check(&chunk) {
            Ok(()) => Poll::Ready(Some(Ok(chunk))),
            Err((valid, error)) => {
                self.state = State::Failing(error);
                if valid > 0 {
                    Poll::Ready(Some(Ok(chunk.slice(..valid))))
                } else {
                    self.poll_next(cx)
                }
            }
        }
    }
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
    fn frames_are_followed_across_chunks() {
        let mut guard = FrameGuard::new(dev::Payload::None, 10);
        // A 10-byte frame split mid-header and mid-payload, then an 11-byte frame's header.
        assert_eq!(guard.check(&[0x82, 0x8A, 1, 2]), Ok(()));
        assert_eq!(guard.check(&[3, 4, 0, 1, 2, 3, 4]), Ok(()));
        assert_eq!(guard.check(&[5, 6, 7, 8, 9]), Ok(()));
        // An empty frame passes; the oversized header after it starts at byte 6.
        assert_eq!(
            guard.check(&[0x81, 0x80, 1, 2, 3, 4, 0x82, 0x8B, 1, 2, 3, 4]),
            Err((
                6,
                FrameTooLarge {
                    declared: 11,
                    limit: 10
                }
            ))
        );
    }
}
