//! The server's messages compressed (RFC 7692 section 7.2.1), with the thread's compressor for
//! the window size, primed with the connection's history under context takeover.

use std::cell::RefCell;

use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Method, Status, Strategy};

use super::{context::Context, TRAILER};

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

thread_local! {
    /// The thread's compressors, one per window size in use (compression is synchronous, so
    /// one each is always enough).
    static COMPRESSORS: RefCell<Vec<(u8, Deflate)>> = const { RefCell::new(Vec::new()) };
}

/// The server's side of a connection's compression: messages it sends.
#[derive(Debug)]
pub struct Outbound {
    context: Context,
}

impl Outbound {
    /// Compression with `window_bits`, and with context takeover or without.
    pub fn new(takeover: bool, window_bits: u8) -> Self {
        Self {
            context: Context::new(takeover, window_bits),
        }
    }

    /// Bytes kept between messages (the history).
    pub fn kept(&self) -> usize {
        self.context.kept()
    }

    /// The compressed payload for a message, or `None` if it goes uncompressed: too short to
    /// gain, or (without context takeover) not smaller compressed.
    pub fn compress(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let takeover = self.context.takeover();
        let min_size = if takeover {
            MIN_SIZE_WITH_CONTEXT
        } else {
            MIN_SIZE_ALONE
        };
        if payload.len() < min_size {
            return None;
        }
        self.compress_always(payload)
            .filter(|compressed| takeover || compressed.len() < payload.len())
    }

    /// The compressed payload for any message, however short, as Chromium sends every
    /// message once `permessage-deflate` is negotiated (its benchmark client does too). `None`
    /// only if the compressor fails.
    pub fn compress_always(&mut self, payload: &[u8]) -> Option<Vec<u8>> {
        let context = &self.context;
        let compressed = with_compressor(context.window_bits(), |deflate| {
            deflate_message(deflate, context.dictionary(), payload)
        })?;
        self.context.remember(payload);
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

#[cfg(test)]
pub(super) mod tests {
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

    /// The ticker's kind of JSON note, the `n`th.
    pub(in crate::deflate) fn json(n: usize) -> Vec<u8> {
        format!(
            "{{\"text\":\"note number {n} from the ticker\",\"sent_at\":{}.5}}",
            1_700_000_000_000u64 + n as u64 * 977
        )
        .into_bytes()
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
}
