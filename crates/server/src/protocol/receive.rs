//! The client's bytes into messages, as they arrive: a frame's header is judged on its first
//! two bytes, its payload is unmasked, inflated (RFC 7692) and checked as each piece arrives,
//! and a message is complete when its last frame is.
//!
//! Nothing waits for a whole frame except control frames (at most 131 bytes): a text whose
//! bytes cannot be UTF-8 fails at the byte that rules it out, a compressed message that inflates
//! past the limit fails there, whether the rest of the frame comes or not. However the bytes are
//! split into reads, the outcome is the same: the messages, then the violation that the shortest
//! prefix of the bytes shows (the fuzz targets in `crates/server/fuzz` check this).

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;

use super::{
    close,
    frame::{self, opcode, Head, Header},
    utf8::Utf8Validator,
    ProtocolError, Violation,
};
use crate::deflate::{Inbound, InflateError, Inflating};

/// The message type, also at [`super::Message`] (it was defined here before sending joined
/// receiving in this module).
pub use super::message::Message;

/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes.
const MAX_CONTROL_PAYLOAD: u8 = 125;

/// A data frame whose payload is still arriving.
#[derive(Debug)]
struct DataFrame {
    header: Header,
    /// Payload bytes already taken.
    taken: u64,
}

/// A data message being assembled from its frames.
#[derive(Debug)]
struct Assembling {
    /// Its frame whose payload is still arriving, if any.
    frame: Option<DataFrame>,
    text: bool,
    /// The payload so far, inflated if the message is compressed.
    bytes: BytesMut,
    utf8: Utf8Validator,
    /// The message's decompressor, while a compressed message arrives.
    inflating: Option<Inflating>,
}

/// The receiving half of a connection's protocol state. Boxed parts: an idle connection keeps
/// only a pointer's room for each (this is in every connection's future).
#[derive(Debug)]
pub struct Receiver {
    max_message_size: usize,
    /// `permessage-deflate`, when negotiated.
    inbound: Option<Box<Inbound>>,
    /// The data message being received, and its frame still arriving.
    message: Option<Box<Assembling>>,
}

impl Receiver {
    /// A receiver for messages up to `max_message_size` bytes (after inflation), compressed
    /// ones accepted when `inbound` is given.
    pub fn new(max_message_size: usize, inbound: Option<Inbound>) -> Self {
        Self {
            max_message_size,
            inbound: inbound.map(Box::new),
            message: None,
        }
    }

    /// Bytes kept between messages for decompression (context takeover's history).
    pub fn kept(&self) -> usize {
        self.inbound.as_ref().map_or(0, |inbound| inbound.kept())
    }

    /// Takes what it can from the front of `received`: the next complete message, or `None`
    /// when more bytes are needed. Whatever it could check has been checked: an error is
    /// returned as soon as the bytes show one.
    pub fn receive(&mut self, received: &mut BytesMut) -> Result<Option<Message>, Violation> {
        loop {
            let Some(frame) = self
                .message
                .as_mut()
                .and_then(|message| message.frame.as_mut())
            else {
                match self.start_frame(received)? {
                    Started::NeedMore => return Ok(None),
                    Started::Message(message) => return Ok(Some(message)),
                    Started::Frame => continue,
                }
            };
            let left = frame.header.length - frame.taken;
            if left > 0 && received.is_empty() {
                return Ok(None);
            }
            let take = left.min(received.len() as u64) as usize;
            let mut chunk = received.split_to(take);
            frame::unmask(&mut chunk, frame.header.mask, frame.taken as usize);
            frame.taken += take as u64;
            let last_piece = frame.taken == frame.header.length;
            let fin = frame.header.start.fin;
            self.data(chunk)?;
            if last_piece {
                if let Some(message) = &mut self.message {
                    message.frame = None;
                }
                if fin {
                    return self.finish_message().map(Some);
                }
            }
        }
    }

    /// Reads the header at the front of `received` and acts on it: a control frame or a
    /// whole small data message is returned at once; otherwise the frame's payload is taken
    /// piece by piece after.
    fn start_frame(&mut self, received: &mut BytesMut) -> Result<Started, Violation> {
        let head = frame::head(received);
        let Some(start) = head.start() else {
            return Ok(Started::NeedMore);
        };
        // Everything the first two bytes can tell, before the rest of the frame arrives.
        if start.rsv2_or_rsv3 {
            return Err(ProtocolError::ReservedBits.into());
        }
        if !start.masked {
            return Err(ProtocolError::Unmasked.into());
        }
        let (data, control) = match start.opcode {
            opcode::CONTINUATION => (false, false),
            opcode::TEXT | opcode::BINARY => (true, false),
            opcode::CLOSE | opcode::PING | opcode::PONG => (false, true),
            reserved => return Err(ProtocolError::ReservedOpcode(reserved).into()),
        };
        if start.rsv1 {
            if !data {
                return Err(ProtocolError::CompressedBitMisplaced.into());
            }
            if self.inbound.is_none() {
                return Err(ProtocolError::CompressedWithoutExtension.into());
            }
        }
        if control && !start.fin {
            return Err(ProtocolError::FragmentedControl.into());
        }
        if control && start.short_length > MAX_CONTROL_PAYLOAD {
            return Err(ProtocolError::ControlTooLong(u64::from(start.short_length)).into());
        }
        match (data, self.message.is_some()) {
            (true, true) => return Err(ProtocolError::MessageInsideMessage.into()),
            (false, false) if !control => {
                return Err(ProtocolError::ContinuationWithoutStart.into())
            }
            _ => {}
        }
        let Head::Complete(header) = head else {
            return Ok(Started::NeedMore);
        };
        // A header declaring too much fails before its payload is buffered.
        header
            .check_length(self.max_message_size as u64)
            .map_err(Violation::FrameTooLarge)?;
        let whole = header.size as u64 + header.length <= received.len() as u64;
        if control {
            if !whole {
                return Ok(Started::NeedMore);
            }
            let _ = received.split_to(header.size);
            let mut payload = received.split_to(header.length as usize);
            frame::unmask(&mut payload, header.mask, 0);
            return control_message(start.opcode, payload.freeze()).map(Started::Message);
        }
        if data && start.fin && !start.rsv1 && whole {
            // The common case, a small message in one frame, all here: no copy.
            let _ = received.split_to(header.size);
            let mut payload = received.split_to(header.length as usize);
            frame::unmask(&mut payload, header.mask, 0);
            let payload = payload.freeze();
            return Ok(Started::Message(if start.opcode == opcode::TEXT {
                text(payload)?
            } else {
                Message::Binary(payload)
            }));
        }
        let _ = received.split_to(header.size);
        if data {
            let inflating = match (&self.inbound, start.rsv1) {
                (Some(inbound), true) => {
                    Some(inbound.start().map_err(|_| Violation::BadCompressedData)?)
                }
                _ => None,
            };
            let mut bytes = BytesMut::new();
            if inflating.is_none() {
                // Room for this frame (already checked against the limit).
                bytes.reserve(header.length as usize);
            }
            self.message = Some(Box::new(Assembling {
                frame: Some(DataFrame { header, taken: 0 }),
                text: start.opcode == opcode::TEXT,
                bytes,
                utf8: Utf8Validator::default(),
                inflating,
            }));
        } else if let Some(message) = &mut self.message {
            if message.inflating.is_none() {
                let room = self.max_message_size.saturating_sub(message.bytes.len());
                message.bytes.reserve((header.length as usize).min(room));
            }
            message.frame = Some(DataFrame { header, taken: 0 });
        }
        Ok(Started::Frame)
    }

    /// A piece of a data frame's payload, unmasked. Of two faults, the one at the earlier byte
    /// is reported: text that stops being UTF-8 before the limit is 1007, not 1009, however
    /// the bytes were split.
    fn data(&mut self, chunk: BytesMut) -> Result<(), Violation> {
        let limit = self.max_message_size;
        let message = self
            .message
            .as_mut()
            .expect("a data frame belongs to a message");
        let before = message.bytes.len();
        let result = match &mut message.inflating {
            Some(inflating) => inflating
                .inflate(&chunk, &mut message.bytes, limit)
                .map_err(|error| inflate_violation(error, limit)),
            None => {
                let fits = limit.saturating_sub(before).min(chunk.len());
                message.bytes.extend_from_slice(&chunk[..fits]);
                if fits < chunk.len() {
                    Err(Violation::MessageTooLarge { limit })
                } else {
                    Ok(())
                }
            }
        };
        message.check_text(before, limit)?;
        result
    }

    /// The last frame of a data message is in.
    fn finish_message(&mut self) -> Result<Message, Violation> {
        let limit = self.max_message_size;
        let mut message = self.message.take().expect("a message to finish");
        if let Some(mut inflating) = message.inflating.take() {
            let before = message.bytes.len();
            let result = inflating
                .finish(&mut message.bytes, limit)
                .map_err(|error| inflate_violation(error, limit));
            message.check_text(before, limit)?;
            result?;
            if let Some(inbound) = &mut self.inbound {
                inbound.finish(&message.bytes);
            }
        }
        let bytes = message.bytes.freeze();
        if !message.text {
            return Ok(Message::Binary(bytes));
        }
        message.utf8.finish().map_err(|_| Violation::InvalidUtf8)?;
        // SAFETY: every byte went through the validator, which found no error and nothing
        // unfinished.
        Ok(Message::Text(unsafe {
            ByteString::from_bytes_unchecked(bytes)
        }))
    }
}

impl Assembling {
    /// Checks the bytes added to a text message since `before`, up to the limit (a byte past
    /// it is a message too large, whatever it is); nothing for binary.
    fn check_text(&mut self, before: usize, limit: usize) -> Result<(), Violation> {
        if !self.text {
            return Ok(());
        }
        let end = self.bytes.len().min(limit).max(before);
        self.utf8
            .feed(&self.bytes[before..end])
            .map_err(|_| Violation::InvalidUtf8)
    }
}

/// What reading a frame's header led to.
enum Started {
    NeedMore,
    Message(Message),
    /// A data frame whose payload follows.
    Frame,
}

fn inflate_violation(error: InflateError, limit: usize) -> Violation {
    match error {
        InflateError::TooLarge => Violation::MessageTooLarge { limit },
        InflateError::Corrupt => Violation::BadCompressedData,
    }
}

/// A single-frame text message.
fn text(payload: Bytes) -> Result<Message, Violation> {
    ByteString::try_from(payload)
        .map(Message::Text)
        .map_err(|_| Violation::InvalidUtf8)
}

/// A control frame's message.
fn control_message(opcode: u8, payload: Bytes) -> Result<Message, Violation> {
    Ok(match opcode {
        opcode::PING => Message::Ping(payload),
        opcode::PONG => Message::Pong(payload),
        _ => Message::Close(close::parse(&payload)?),
    })
}

#[cfg(test)]
mod tests;
