//! The client's messages inflated (RFC 7692 section 7.2.2) frame by frame as they arrive, with
//! a decompressor lent from the thread's pool for one message, never past the limit.

use std::cell::RefCell;

use bytes::BytesMut;
use zlib_rs::{Inflate, InflateFlush, Status};

use super::{context::Context, TRAILER};

/// Spare decompressors a thread keeps: one per message being inflated at the same moment on
/// that thread, and the messages of a thread are inflated one after the other unless several
/// arrive in pieces at once.
const SPARE_DECOMPRESSORS: usize = 4;

thread_local! {
    /// The thread's spare decompressors.
    static DECOMPRESSORS: RefCell<Vec<Inflate>> = const { RefCell::new(Vec::new()) };
}

/// The client's side of a connection's compression: messages it sends.
#[derive(Debug)]
pub struct Inbound {
    context: Context,
}

impl Inbound {
    /// Decompression of a client that compresses with `window_bits` at most, with context
    /// takeover or without.
    pub fn new(takeover: bool, window_bits: u8) -> Self {
        Self {
            context: Context::new(takeover, window_bits),
        }
    }

    /// Bytes kept between messages (the history).
    pub fn kept(&self) -> usize {
        self.context.kept()
    }

    /// A decompressor for the next compressed message, lent from the thread's pool.
    pub fn start(&self) -> Result<Inflating, InflateError> {
        let mut inflate = DECOMPRESSORS
            .with(|spares| spares.borrow_mut().pop())
            // Window 15 whatever the client's: a larger window decodes any smaller one.
            .unwrap_or_else(|| Inflate::new(false, 15));
        inflate.reset(false);
        let dictionary = self.context.dictionary();
        if !dictionary.is_empty() {
            inflate
                .set_dictionary(dictionary)
                .map_err(|_| InflateError::Corrupt)?;
        }
        Ok(Inflating {
            inflate: Some(inflate),
            ended: false,
        })
    }

    /// The message is complete (`inflated`, all of it): remembered with context takeover.
    pub fn finish(&mut self, inflated: &[u8]) {
        self.context.remember(inflated);
    }
}

/// Why a compressed message could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflateError {
    /// It inflates beyond the limit (1009); inflation stopped there.
    TooLarge,
    /// It is not DEFLATE data (1007).
    Corrupt,
}

/// A compressed message being inflated, frame by frame, as its bytes arrive. Its decompressor
/// goes back to the thread's pool when it is dropped.
pub struct Inflating {
    inflate: Option<Inflate>,
    /// The DEFLATE stream ended (a final block): whatever follows is ignored.
    ended: bool,
}

impl std::fmt::Debug for Inflating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflating")
            .field("ended", &self.ended)
            .finish()
    }
}

/// The least output room added at a time: a short message's worth.
const MIN_INFLATE_ROOM: usize = 256;

/// The most output room added at a time: a few reads' worth.
const MAX_INFLATE_STEP: usize = 64 * 1024;

impl Inflating {
    /// Inflates `input` (compressed bytes of the message, in order) onto the end of `out`,
    /// which never grows past `limit` bytes: past it, [`InflateError::TooLarge`] at once.
    pub fn inflate(
        &mut self,
        mut input: &[u8],
        out: &mut BytesMut,
        limit: usize,
    ) -> Result<(), InflateError> {
        let inflate = self.inflate.as_mut().expect("a decompressor until dropped");
        while !self.ended {
            // One byte beyond the limit tells a message that fits exactly from one that does not.
            let room = (limit + 1).saturating_sub(out.len());
            if room == 0 {
                return Err(InflateError::TooLarge);
            }
            if out.capacity() == out.len() {
                // Doubling from a guess at the ratio, never past the limit: a short message
                // takes a short buffer, a bomb no more than the limit.
                let guess = out.len().max(input.len() * 4).max(MIN_INFLATE_ROOM);
                out.reserve(room.min(guess).min(MAX_INFLATE_STEP));
            }
            let spare = out.spare_capacity_mut();
            let spare_len = spare.len().min(room);
            let (before_in, before_out) = (inflate.total_in(), inflate.total_out());
            let status =
                inflate.decompress_uninit(input, &mut spare[..spare_len], InflateFlush::SyncFlush);
            let consumed = (inflate.total_in() - before_in) as usize;
            let produced = (inflate.total_out() - before_out) as usize;
            // SAFETY: the decompressor initialised the `produced` bytes after the end.
            unsafe { out.set_len(out.len() + produced) };
            if out.len() > limit {
                return Err(InflateError::TooLarge);
            }
            input = &input[consumed..];
            match status {
                Ok(Status::StreamEnd) => self.ended = true,
                Ok(_) if input.is_empty() && produced < spare_len => return Ok(()),
                Ok(_) if consumed == 0 && produced == 0 => return Err(InflateError::Corrupt),
                Ok(_) => {}
                Err(_) => return Err(InflateError::Corrupt),
            }
        }
        Ok(())
    }

    /// The message's last frame is in: inflates the trailer 7.2.2 appends.
    pub fn finish(&mut self, out: &mut BytesMut, limit: usize) -> Result<(), InflateError> {
        self.inflate(&TRAILER, out, limit)
    }
}

impl Drop for Inflating {
    fn drop(&mut self) {
        if let Some(inflate) = self.inflate.take() {
            DECOMPRESSORS.with(|spares| {
                let mut spares = spares.borrow_mut();
                if spares.len() < SPARE_DECOMPRESSORS {
                    spares.push(inflate);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deflate::{codec::compress::tests::json, Outbound};

    #[test]
    fn rfc_7692_examples_inflate() {
        // 7.2.3.1: "Hello" compressed.
        let inbound = Inbound::new(false, 15);
        let mut out = BytesMut::new();
        let mut inflating = inbound.start().unwrap();
        inflating
            .inflate(&[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], &mut out, 100)
            .unwrap();
        inflating.finish(&mut out, 100).unwrap();
        assert_eq!(&out[..], b"Hello");
        // 7.2.3.2: the second "Hello" refers to the first, with context takeover.
        let mut inbound = Inbound::new(true, 15);
        for compressed in [
            &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00][..],
            &[0xf2, 0x00, 0x11, 0x00, 0x00],
        ] {
            let mut out = BytesMut::new();
            let mut inflating = inbound.start().unwrap();
            inflating.inflate(compressed, &mut out, 100).unwrap();
            inflating.finish(&mut out, 100).unwrap();
            assert_eq!(&out[..], b"Hello");
            inbound.finish(&out);
        }
        // 7.2.3.3: a stored (uncompressed) DEFLATE block; 7.2.3.5: two blocks in one message.
        for compressed in [
            &[
                0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
            ][..],
            &[
                0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
            ],
        ] {
            let mut out = BytesMut::new();
            let mut inflating = Inbound::new(false, 15).start().unwrap();
            inflating.inflate(compressed, &mut out, 100).unwrap();
            inflating.finish(&mut out, 100).unwrap();
            assert_eq!(&out[..], b"Hello");
        }
    }

    #[test]
    fn inbound_context_takeover_round_trips_with_our_compressor() {
        let (mut outbound, mut inbound) = (Outbound::new(true, 10), Inbound::new(true, 10));
        for n in 0..100 {
            let message = json(n);
            let compressed = outbound.compress(&message).unwrap();
            let mut out = BytesMut::new();
            let mut inflating = inbound.start().unwrap();
            // Frame by frame: the compressed bytes in two pieces.
            let (a, b) = compressed.split_at(compressed.len() / 2);
            inflating.inflate(a, &mut out, 1000).unwrap();
            inflating.inflate(b, &mut out, 1000).unwrap();
            inflating.finish(&mut out, 1000).unwrap();
            assert_eq!(&out[..], &message[..]);
            inbound.finish(&out);
        }
        assert!(inbound.kept() <= 1 << 10);
    }

    #[test]
    fn a_bomb_stops_at_the_limit_without_inflating_the_rest() {
        // 10 MB of zeros compress to about 10 KB.
        let zeros = vec![0u8; 10 << 20];
        let compressed = Outbound::new(false, 15).compress(&zeros).unwrap();
        let limit = 64 * 1024;
        let mut out = BytesMut::new();
        let mut inflating = Inbound::new(false, 15).start().unwrap();
        let mut fed = 0;
        let mut result = Ok(());
        for chunk in compressed.chunks(100) {
            fed += chunk.len();
            result = inflating.inflate(chunk, &mut out, limit);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(InflateError::TooLarge));
        assert!(out.len() <= limit + 1, "inflated {} bytes", out.len());
        assert!(
            fed < compressed.len() / 10,
            "stopped after {fed} of {} compressed bytes",
            compressed.len()
        );
        // Exactly the limit fits.
        let exact = Outbound::new(false, 15)
            .compress(&vec![b'a'; limit])
            .unwrap();
        let mut out = BytesMut::new();
        let mut inflating = Inbound::new(false, 15).start().unwrap();
        inflating.inflate(&exact, &mut out, limit).unwrap();
        inflating.finish(&mut out, limit).unwrap();
        assert_eq!(out.len(), limit);
    }

    #[test]
    fn garbage_is_corrupt() {
        let mut out = BytesMut::new();
        let mut inflating = Inbound::new(false, 15).start().unwrap();
        // BTYPE 11 is reserved (RFC 1951 section 3.2.3).
        assert_eq!(
            inflating.inflate(&[0xff, 0xff, 0xff], &mut out, 100),
            Err(InflateError::Corrupt)
        );
    }
}
