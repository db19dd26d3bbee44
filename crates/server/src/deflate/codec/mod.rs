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
//!
//! - `compress`: [`Outbound`], the server's messages compressed.
//! - `inflate`: [`Inbound`] and [`Inflating`], the client's messages inflated as their frames
//!   arrive, never past the limit.
//! - `context`: the history each direction keeps, the same for both.

mod compress;
mod context;
mod inflate;

pub use compress::{Outbound, MIN_SIZE_ALONE, MIN_SIZE_WITH_CONTEXT};
pub use inflate::{Inbound, InflateError, Inflating};

/// What 7.2.1 removes from the end of a compressed message and 7.2.2 appends again: the empty
/// stored block a sync flush ends with.
pub const TRAILER: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];
