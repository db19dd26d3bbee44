//! Incremental UTF-8 validation: text checked as its bytes arrive, so that a text message is
//! failed (1007) as soon as its bytes can no longer be UTF-8, not when it completes (RFC 6455
//! section 8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the
//! byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket
//! Connection_").

/// The bytes are not, and can no longer become, valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8;

/// Checks a text message chunk by chunk. A code point split between two chunks is carried over
/// (at most 3 bytes); a prefix that no continuation could complete (`F5`, `ED A0`, `E0 80`,
/// `F4 90`) fails at once, as `std`'s validator reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The start of a code point whose remaining bytes have not arrived yet.
    partial: [u8; 4],
    partial_len: u8,
}

impl Utf8Validator {
    /// Checks the next chunk.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Result<(), InvalidUtf8> {
        if self.partial_len > 0 {
            let have = usize::from(self.partial_len);
            let take = (sequence_len(self.partial[0]) - have).min(bytes.len());
            self.partial[have..have + take].copy_from_slice(&bytes[..take]);
            let have = have + take;
            bytes = &bytes[take..];
            match std::str::from_utf8(&self.partial[..have]) {
                Ok(_) => self.partial_len = 0,
                // Still a valid beginning: then every byte of this chunk went into it.
                Err(error) if error.error_len().is_none() => {
                    self.partial_len = have as u8;
                    return Ok(());
                }
                Err(_) => return Err(InvalidUtf8),
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => Ok(()),
            // `error_len() == None`: the chunk ends inside a code point that may still be
            // completed (at most 3 bytes).
            Err(error) if error.error_len().is_none() => {
                let rest = &bytes[error.valid_up_to()..];
                self.partial[..rest.len()].copy_from_slice(rest);
                self.partial_len = rest.len() as u8;
                Ok(())
            }
            Err(_) => Err(InvalidUtf8),
        }
    }

    /// The message is over: nothing may be left unfinished.
    pub fn finish(&self) -> Result<(), InvalidUtf8> {
        if self.partial_len == 0 {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }
}

/// The length of the sequence a lead byte starts (only called on leads `std` accepted as the
/// start of an incomplete sequence: C2..F4).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `bytes` cut at every position into two chunks, and at every byte, and checks each
    /// way agrees with `std` on the whole.
    fn agrees_with_std(bytes: &[u8]) {
        let whole = std::str::from_utf8(bytes).is_ok();
        for cut in 0..=bytes.len() {
            let mut validator = Utf8Validator::default();
            let result = validator
                .feed(&bytes[..cut])
                .and_then(|()| validator.feed(&bytes[cut..]))
                .and_then(|()| validator.finish());
            assert_eq!(result.is_ok(), whole, "{bytes:02X?} cut at {cut}");
        }
        let mut validator = Utf8Validator::default();
        let result = bytes
            .iter()
            .try_for_each(|byte| validator.feed(&[*byte]))
            .and_then(|()| validator.finish());
        assert_eq!(result.is_ok(), whole, "{bytes:02X?} byte by byte");
    }

    #[test]
    fn agrees_with_std_whatever_the_chunks() {
        let cases: &[&[u8]] = &[
            b"",
            b"plain ascii",
            "κόσμε · 你好 · 👋🏽 · \u{10FFFF}".as_bytes(),
            b"\xE2\x82\xAC",
            b"\xF0\x9D\x84\x9E",
            b"abc\xFFdef",
            b"\xC0\xAF",
            b"\xED\xA0\x80",
            b"\xF4\x90\x80\x80",
            b"\xF5\x80\x80\x80",
            b"\xE0\x80\xAF",
            b"euro: \xE2\x82",
            b"\xF0\x9D\x84",
            b"\xE2\x82\xAC\xE2",
            b"\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5\xED\xA0\x80edited",
        ];
        for bytes in cases {
            agrees_with_std(bytes);
        }
    }

    #[test]
    fn a_prefix_that_cannot_be_completed_fails_before_the_rest_arrives() {
        for prefix in [
            &b"\xF5"[..],
            b"ok \xED\xA0",
            b"\xE0\x80",
            b"\xF4\x90",
            b"\xC1",
            b"\xFF",
        ] {
            let mut validator = Utf8Validator::default();
            assert_eq!(validator.feed(prefix), Err(InvalidUtf8), "{prefix:02X?}");
        }
        // Split: the lead in one chunk, the byte that rules it out in the next.
        let mut validator = Utf8Validator::default();
        assert_eq!(validator.feed(b"\xED"), Ok(()));
        assert_eq!(validator.feed(b"\xA0"), Err(InvalidUtf8));
    }

    #[test]
    fn an_unfinished_code_point_fails_only_at_the_end() {
        let mut validator = Utf8Validator::default();
        assert_eq!(validator.feed(b"\xF0\x9D"), Ok(()));
        assert_eq!(validator.feed(b"\x84"), Ok(()));
        assert_eq!(validator.finish(), Err(InvalidUtf8));
        assert_eq!(validator.feed(b"\x9E"), Ok(()));
        assert_eq!(validator.finish(), Ok(()));
    }
}
