//! What one direction of a connection keeps between messages: with context takeover, the last
//! `2^window_bits` bytes of its compressed messages, which is what the peer's LZ77 window holds
//! (RFC 7692 section 7.2.3.2); without, nothing.

/// One direction's history; [`super::Outbound`] and [`super::Inbound`] each have one.
#[derive(Debug)]
pub(super) struct Context {
    takeover: bool,
    window_bits: u8,
    /// With context takeover, the last bytes of the messages that went through compressed.
    history: Vec<u8>,
}

impl Context {
    /// A direction with `window_bits`, with context takeover or without.
    pub(super) fn new(takeover: bool, window_bits: u8) -> Self {
        Self {
            takeover,
            window_bits,
            history: Vec::new(),
        }
    }

    /// The window's size in bits.
    pub(super) fn window_bits(&self) -> u8 {
        self.window_bits
    }

    /// Whether messages refer to earlier ones.
    pub(super) fn takeover(&self) -> bool {
        self.takeover
    }

    /// Bytes kept between messages.
    pub(super) fn kept(&self) -> usize {
        self.history.capacity()
    }

    /// The preset dictionary for the next message: the history with context takeover, nothing
    /// without.
    pub(super) fn dictionary(&self) -> &[u8] {
        if self.takeover {
            &self.history
        } else {
            &[]
        }
    }

    /// A message went through compressed: with context takeover, the peer's window now holds
    /// it (uncompressed messages never reach its decompressor).
    pub(super) fn remember(&mut self, message: &[u8]) {
        if self.takeover {
            remember(&mut self.history, message, 1 << self.window_bits);
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
