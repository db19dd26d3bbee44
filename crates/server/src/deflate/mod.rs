//! `permessage-deflate` (RFC 7692): compressed messages, negotiated per connection.
//!
//! - [`negotiation`]: the client's offers and the server's answer (sections 5 and 7.1).
//! - [`codec`]: compressing and inflating one message (section 7.2), with the inflated size
//!   bounded, and what a connection keeps between messages.
//!
//! Memory. No compressor or decompressor belongs to a connection: each worker thread keeps a
//! few in a pool and lends them for one message at a time (a message still arriving holds its
//! decompressor until its last frame). Without context takeover an idle connection therefore
//! holds nothing; with it, it keeps the last bytes of its messages in each direction, at most
//! `2^window_bits` each, and the pooled compressor is primed with them (a preset dictionary),
//! which is what the peer's decompressor holds too.

pub mod codec;
pub mod negotiation;

use std::{fmt, str::FromStr};

pub use codec::{Inbound, InflateError, Inflating, Outbound};
pub use negotiation::{negotiate, Agreement};

/// The smallest window the server compresses with: zlib turns a raw 8-bit window into 9
/// (its "256-byte window bug"), so 8 cannot be honoured.
pub const MIN_WINDOW_BITS: u8 = 9;

/// Whether the server accepts `permessage-deflate`, and what it keeps per connection.
///
/// Off by default: for the sample's and the ticker's messages (a few bytes to ~50 bytes of
/// JSON) compression without context takeover saves nothing and costs CPU on every message a
/// browser sends (browsers compress each one once it is negotiated); context takeover shrinks
/// them about 3 times but costs CPU and memory per connection. The measurements are in
/// `docs/benchmarks.md`; apps with larger or repetitive messages turn it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every offer is declined.
    #[default]
    Off,
    /// Accepted with `server_no_context_takeover; client_no_context_takeover`: every message
    /// stands alone, and a connection keeps nothing between messages.
    NoContextTakeover,
    /// Accepted with context takeover where the client's window can be bounded: each
    /// connection keeps up to `2^window_bits` bytes per direction, and small, repetitive
    /// messages (JSON) shrink much more.
    ContextTakeover,
}

impl Mode {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::NoContextTakeover => "no-context-takeover",
            Self::ContextTakeover => "context-takeover",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Self::Off, Self::NoContextTakeover, Self::ContextTakeover]
            .into_iter()
            .find(|mode| mode.name() == text)
            .ok_or_else(|| {
                format!("expected off, no-context-takeover or context-takeover, not {text:?}")
            })
    }
}

/// The server's compression settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Whether, and how, offers are accepted.
    pub mode: Mode,
    /// With context takeover, the most a connection keeps per direction: `2^window_bits`
    /// bytes (9 to 15).
    pub window_bits: u8,
}

/// The default `--deflate-window-bits`: 1 KiB kept per direction with context takeover, about
/// twenty of the ticker's JSON notes; a larger window costs memory per connection, and CPU per
/// message (the history primes the compressor each time).
pub const DEFAULT_WINDOW_BITS: u8 = 10;

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: Mode::default(),
            window_bits: DEFAULT_WINDOW_BITS,
        }
    }
}

/// The per-connection state once an offer is accepted: one half for each direction.
pub fn session(agreement: &Agreement) -> (Inbound, Outbound) {
    (
        Inbound::new(
            !agreement.client_no_context_takeover,
            agreement.client_window_bits,
        ),
        Outbound::new(
            !agreement.server_no_context_takeover,
            agreement.server_window_bits,
        ),
    )
}
