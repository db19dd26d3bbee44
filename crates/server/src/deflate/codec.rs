//! Compressing and inflating one message (RFC 7692 section 7.2), and what a connection keeps
//! between messages.
//!
//! Compression (7.2.1): DEFLATE with a sync flush, the trailing `00 00 FF FF` removed.
//! Decompression (7.2.2): the payload, then `00 00 FF FF` appended, inflated.
//!
//! The compressors and decompressors are zlib-rs's, pooled per thread and lent for one message
//! (see the module above). With context takeover, a connection's history (the last
//! `2^window_bits` bytes it sent, or received, compressed) is given to the lent one as a preset
//! dictionary: the peer's LZ77 window holds exactly those bytes, so back-references into them
//! decode as if one compressor had run the whole time.

use std::cell::RefCell;

use actix_web::web::BytesMut;
use zlib_rs::{
    Deflate, DeflateConfig, DeflateFlush, Inflate, InflateFlush, Method, Status, Strategy,
};

/// What 7.2.1 removes from the end of a compressed message and 7.2.2 appends again: the empty
/// stored block a sync flush ends with.
pub const TRAILER: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];

/// zlib's level 6 (its default): on the ticker's JSON within a few percent of level 9, at a
/// fraction of the time.
const LEVEL: i32 = 6;

/// zlib's default memory level; the compressors are per thread, not per connection, so there
/// is no reason to trade ratio for memory here.
const MEM_LEVEL: i32 = 8;

/// Without context takeover, messages shorter than this go uncompressed: on its own, a short
/// message does not shrink (DEFLATE's block header and Huffman codes cost more than its few
/// repeats save; measured on the ticker's JSON, break-even is near 100 bytes).
pub const MIN_SIZE_ALONE: usize = 128;

/// With context takeover, messages shorter than this go uncompressed: even a short message
/// shrinks against the ones before it (a repeated JSON key is a 2-byte back-reference).
pub const MIN_SIZE_WITH_CONTEXT: usize = 16;

/// Spare decompressors a thread keeps: one per message being inflated at the same moment on
/// that thread, and the messages of a thread are inflated one after the other unless several
/// arrive in pieces at once.
const SPARE_DECOMPRESSORS: usize = 4;

thread_local! {
    /// The thread's compressors, one per window size in use (compression is synchronous, so
    /// one each is always enough).
    static COMPRESSORS: RefCell<Vec<(u8, Deflate)>> = const { RefCell::new(Vec::new()) };
    /// The thread's spare decompressors.
    static DECOMPRESSORS: RefCell<Vec<Inflate>> = const { RefCell::new(Vec::new()) };
}

/// The server's side of a connection's compression: messages it sends.
#[derive(Debug)]
pub struct Outbound {
    takeover: bool,
    window_bits: u8,
    /// With context takeover, the last bytes sent compressed (the client's window).
    history: Vec<u8>,
}

impl Outbound {
    /// Compression with `window_bits`, and with context takeover or without.
    pub fn new(takeover: bool, window_bits: u8) -> Self {
        Self {
            takeover,
            window_bits,
            history: Vec::new(),
        }
    }

    /// Bytes kept between messages (the history).
    pub fn kept(&self) -> usize {
        self.history.capacity()
    }

    /// The compressed payload for a message, or `None` if it goes uncompressed: too short to
    /// gain, or (without context takeover) not smaller compressed.
    pub fn compress(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let min_size = if self.takeover {
            MIN_SIZE_WITH_CONTEXT
        } else {
            MIN_SIZE_ALONE
        };
        if payload.len() < min_size {
            return None;
        }
        self.compress_always(payload)
            .filter(|compressed| self.takeover || compressed.len() < payload.len())
    }

    /// The compressed payload for any message, however short, as Chromium sends every
    /// message once `permessage-deflate` is negotiated (its benchmark client does too). `None`
    /// only if the compressor fails.
    pub fn compress_always(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let history: &[u8] = if self.takeover { &self.history } else { &[] };
        let compressed = with_compressor(self.window_bits, |deflate| {
            deflate_message(deflate, history, payload)
        })?;
        if self.takeover {
            // Sent compressed: the peer's window now holds it (uncompressed messages never
            // reach its decompressor).
            remember(&mut self.history, payload, 1 << self.window_bits);
        }
        Some(compressed)
    }
}

/// Compresses one message with a reset compressor primed with `history`.
fn deflate_message(deflate: &mut Deflate, history: &[u8], payload: &[u8]) -> Option<Vec<u8>> {
    deflate.reset();
    if !history.is_empty() {
        deflate.set_dictionary(history).ok()?;
    }
    // Room for the worst case and the sync flush's marker, so that one call does it all.
    let mut out: Vec<u8> = Vec::with_capacity(zlib_rs::compress_bound(payload.len()) + 16);
    let mut input = payload;
    loop {
        let (before_in, before_out) = (deflate.total_in(), deflate.total_out());
        let spare = out.spare_capacity_mut();
        let room = spare.len();
        let status = deflate
            .compress_uninit(input, spare, DeflateFlush::SyncFlush)
            .ok()?;
        let consumed = (deflate.total_in() - before_in) as usize;
        let produced = (deflate.total_out() - before_out) as usize;
        // SAFETY: the compressor initialised the `produced` bytes after the end.
        unsafe { out.set_len(out.len() + produced) };
        input = &input[consumed..];
        if input.is_empty() && produced < room {
            break;
        }
        if status == Status::BufError && consumed == 0 && produced == 0 && room > 0 {
            return None;
        }
        out.reserve(out.capacity().max(64));
    }
    // 7.2.1: remove the sync flush's empty block; it is always there.
    if !out.ends_with(&TRAILER) {
        return None;
    }
    out.truncate(out.len() - TRAILER.len());
    Some(out)
}

/// Runs `compress` with the thread's compressor for `window_bits`, created on first use.
fn with_compressor<T>(window_bits: u8, compress: impl FnOnce(&mut Deflate) -> T) -> T {
    COMPRESSORS.with(|compressors| {
        let mut compressors = compressors.borrow_mut();
        let at = match compressors
            .iter()
            .position(|(bits, _)| *bits == window_bits)
        {
            Some(at) => at,
            None => {
                compressors.push((window_bits, new_compressor(window_bits)));
                compressors.len() - 1
            }
        };
        compress(&mut compressors[at].1)
    })
}

fn new_compressor(window_bits: u8) -> Deflate {
    Deflate::new_with_config(DeflateConfig {
        level: LEVEL,
        method: Method::Deflated,
        // Negative: raw DEFLATE, without zlib's header and checksum (7.2.1).
        window_bits: -i32::from(window_bits),
        mem_level: MEM_LEVEL,
        strategy: Strategy::Default,
    })
}

/// The client's side of a connection's compression: messages it sends.
#[derive(Debug)]
pub struct Inbound {
    takeover: bool,
    window_bits: u8,
    /// With context takeover, the last bytes received compressed (the client's window).
    history: Vec<u8>,
}

impl Inbound {
    /// Decompression of a client that compresses with `window_bits` at most, with context
    /// takeover or without.
    pub fn new(takeover: bool, window_bits: u8) -> Self {
        Self {
            takeover,
            window_bits,
            history: Vec::new(),
        }
    }

    /// Bytes kept between messages (the history).
    pub fn kept(&self) -> usize {
        self.history.capacity()
    }

    /// A decompressor for the next compressed message, lent from the thread's pool.
    pub fn start(&self) -> Result<Inflating, InflateError> {
        let mut inflate = DECOMPRESSORS
            .with(|spares| spares.borrow_mut().pop())
            // Window 15 whatever the client's: a larger window decodes any smaller one.
            .unwrap_or_else(|| Inflate::new(false, 15));
        inflate.reset(false);
        if self.takeover && !self.history.is_empty() {
            inflate
                .set_dictionary(&self.history)
                .map_err(|_| InflateError::Corrupt)?;
        }
        Ok(Inflating {
            inflate: Some(inflate),
            ended: false,
        })
    }

    /// The message is complete (`inflated`, all of it): remembered with context takeover.
    pub fn finish(&mut self, inflated: &[u8]) {
        if self.takeover {
            remember(&mut self.history, inflated, 1 << self.window_bits);
        }
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

/// Appends `data` to `history`, keeping its last `window` bytes and no more room than that.
fn remember(history: &mut Vec<u8>, data: &[u8], window: usize) {
    if data.len() >= window {
        history.clear();
        history.extend_from_slice(&data[data.len() - window..]);
    } else {
        let keep = window - data.len();
        if history.len() > keep {
            history.drain(..history.len() - keep);
        }
        history.extend_from_slice(data);
    }
    history.shrink_to(window);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An independent decoder (miniz_oxide, not zlib-rs): the whole stream of a connection's
    /// messages, each followed by the trailer, as a client's decompressor with context takeover
    /// sees it.
    fn independent_inflate(stream: &[u8]) -> Vec<u8> {
        use miniz_oxide::{
            inflate::stream::{inflate, InflateState},
            DataFormat, MZFlush, MZStatus,
        };
        let mut state = InflateState::new_boxed(DataFormat::Raw);
        let mut output = vec![0; stream.len() * 50 + 1024];
        let result = inflate(&mut state, stream, &mut output, MZFlush::Sync);
        // Sync flushes only, no final block: all the input decoded, more could follow.
        assert!(
            matches!(result.status, Ok(MZStatus::Ok)),
            "{:?}",
            result.status
        );
        assert_eq!(result.bytes_consumed, stream.len(), "all the input decoded");
        output.truncate(result.bytes_written);
        output
    }

    fn json(n: usize) -> Vec<u8> {
        format!(
            "{{\"text\":\"note number {n} from the ticker\",\"sent_at\":{}.5}}",
            1_700_000_000_000u64 + n as u64 * 977
        )
        .into_bytes()
    }

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
    fn compressed_messages_decode_independently_without_context_takeover() {
        let mut outbound = Outbound::new(false, 15);
        let message = [json(1), json(2), json(3)].concat();
        let compressed = outbound.compress(&message).expect("compressible");
        assert!(
            compressed.len() < message.len() / 2,
            "{} of {}",
            compressed.len(),
            message.len()
        );
        assert!(
            !compressed.ends_with(&TRAILER),
            "7.2.1: the trailer is removed"
        );
        let decoded = independent_inflate(&[&compressed[..], &TRAILER].concat());
        assert!(decoded == message, "decoded differs");
        assert_eq!(outbound.kept(), 0, "nothing kept between messages");
        // A short message, and one that does not shrink, go uncompressed.
        assert_eq!(outbound.compress(b"0.42"), None);
        let mut rng = fastrand::Rng::with_seed(7);
        let noise: Vec<u8> = std::iter::repeat_with(|| rng.u8(..)).take(1000).collect();
        assert_eq!(outbound.compress(&noise), None);
    }

    #[test]
    fn with_context_takeover_the_stream_decodes_as_one_and_shrinks() {
        let mut outbound = Outbound::new(true, 12);
        let (mut stream, mut plain, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
        for n in 0..50 {
            let message = json(n);
            let compressed = outbound.compress(&message).expect("compressed");
            sizes.push(compressed.len());
            stream.extend_from_slice(&compressed);
            stream.extend_from_slice(&TRAILER);
            plain.extend_from_slice(&message);
        }
        // One decoder across all the messages: what a client with context takeover does.
        assert!(independent_inflate(&stream) == plain, "decoded differs");
        let (first, later) = (sizes[0], sizes[49]);
        assert!(
            later * 2 < first,
            "later messages refer to earlier ones: {sizes:?}"
        );
        assert!(
            outbound.kept() <= 1 << 12,
            "history bounded by the window: {}",
            outbound.kept()
        );
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

    #[test]
    fn history_keeps_the_last_window_bytes() {
        let mut history = Vec::new();
        remember(&mut history, b"abcdef", 4);
        assert_eq!(history, b"cdef");
        remember(&mut history, b"gh", 4);
        assert_eq!(history, b"efgh");
        remember(&mut history, b"i", 4);
        assert_eq!(history, b"fghi");
        assert!(history.capacity() <= 8);
    }
}
