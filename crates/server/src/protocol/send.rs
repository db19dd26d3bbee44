//! Messages into frames: each message the server sends is one frame (the server never
//! fragments), unmasked (RFC 6455 section 5.1), compressed when `permessage-deflate` was
//! negotiated and compressing gains (RFC 7692), control payloads within RFC 6455's limits.

use bytes::{BufMut, BytesMut};

use super::{
    close,
    frame::{self, opcode},
    Message,
};
use crate::deflate::Outbound;

/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes. A longer ping or pong
/// is cut rather than sent invalid: browsers fail the connection on an oversized control frame.
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// The sending half of a connection's protocol state.
#[derive(Debug, Default)]
pub struct Sender {
    /// `permessage-deflate`, when negotiated. Boxed: an idle connection without it keeps only a
    /// pointer's room.
    outbound: Option<Box<Outbound>>,
}

impl Sender {
    /// A sender that compresses with `outbound`, when given.
    pub fn new(outbound: Option<Outbound>) -> Self {
        Self {
            outbound: outbound.map(Box::new),
        }
    }

    /// Bytes kept between messages for compression (context takeover's history).
    pub fn kept(&self) -> usize {
        self.outbound.as_ref().map_or(0, |outbound| outbound.kept())
    }

    /// Encodes `message` as one frame onto the end of `out`.
    pub fn encode(&mut self, message: &Message, out: &mut BytesMut) {
        match message {
            Message::Text(text) => self.data(out, opcode::TEXT, text.as_bytes()),
            Message::Binary(bytes) => self.data(out, opcode::BINARY, bytes),
            Message::Ping(bytes) => control(out, opcode::PING, bytes),
            Message::Pong(bytes) => control(out, opcode::PONG, bytes),
            Message::Close(reason) => control(out, opcode::CLOSE, &close::payload(reason.as_ref())),
        }
    }

    /// A data message as one frame, compressed if that gains (RFC 7692 section 6: RSV1 set on
    /// a compressed message's first frame).
    fn data(&mut self, out: &mut BytesMut, opcode: u8, payload: &[u8]) {
        match self
            .outbound
            .as_mut()
            .and_then(|outbound| outbound.compress(payload))
        {
            Some(compressed) => {
                frame::write_header(out, true, true, opcode, compressed.len());
                out.put_slice(&compressed);
            }
            None => {
                frame::write_header(out, true, false, opcode, payload.len());
                out.put_slice(payload);
            }
        }
    }
}

/// A control frame, never compressed (RFC 7692 section 6), its payload cut to
/// [`MAX_CONTROL_PAYLOAD`].
fn control(out: &mut BytesMut, opcode: u8, payload: &[u8]) {
    let payload = &payload[..payload.len().min(MAX_CONTROL_PAYLOAD)];
    frame::write_header(out, true, false, opcode, payload.len());
    out.put_slice(payload);
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::protocol::{close::CloseFrame, Receiver};

    /// What a client reads of `out`: each frame's first byte and payload (server frames are
    /// unmasked).
    fn frames(mut out: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut frames = Vec::new();
        while let Some(header) = frame::header(out) {
            assert!(!header.start.masked, "a server must not mask its frames");
            let end = header.size + header.length as usize;
            frames.push((out[0], out[header.size..end].to_vec()));
            out = &out[end..];
        }
        assert!(out.is_empty(), "whole frames only");
        frames
    }

    #[test]
    fn every_message_is_one_final_frame() {
        let mut out = BytesMut::new();
        let mut sender = Sender::default();
        for message in [
            Message::Text("κόσμε".into()),
            Message::Binary(Bytes::from_static(&[0, 1, 2])),
            Message::Ping(Bytes::from_static(b"p")),
            Message::Pong(Bytes::new()),
            Message::Close(Some(CloseFrame::new(close::code::NORMAL, "bye"))),
            Message::Close(None),
        ] {
            sender.encode(&message, &mut out);
        }
        assert_eq!(
            frames(&out),
            [
                (0x81, "κόσμε".as_bytes().to_vec()),
                (0x82, vec![0, 1, 2]),
                (0x89, b"p".to_vec()),
                (0x8A, vec![]),
                (0x88, [&1000u16.to_be_bytes()[..], b"bye"].concat()),
                (0x88, vec![]),
            ]
        );
    }

    #[test]
    fn control_payloads_are_cut_to_what_rfc_6455_allows() {
        let mut out = BytesMut::new();
        let mut sender = Sender::default();
        sender.encode(&Message::Ping(Bytes::from(vec![7; 200])), &mut out);
        let long_reason = CloseFrame::new(close::code::AWAY, "x".repeat(200));
        sender.encode(&Message::Close(Some(long_reason)), &mut out);
        let frames = frames(&out);
        assert_eq!(frames[0].1, vec![7; 125]);
        assert_eq!(frames[1].1.len(), 125);
    }

    #[test]
    fn compressed_messages_read_back_and_short_ones_go_plain() {
        let mut sender = Sender::new(Some(Outbound::new(false, 15)));
        let long = "{\"text\":\"hello\",\"sent_at\":1}".repeat(10);
        let mut out = BytesMut::new();
        sender.encode(&Message::Text(long.as_str().into()), &mut out);
        sender.encode(&Message::Text("short".into()), &mut out);
        let frames = frames(&out);
        assert_eq!(frames[0].0, 0xC1, "RSV1: compressed");
        assert!(frames[0].1.len() < long.len() / 2);
        assert_eq!(frames[1], (0x81, b"short".to_vec()));
        // Read back by a receiver that inflates, as a client would. A client masks its frames:
        // the zero mask leaves the payload as it is.
        let mut received = BytesMut::new();
        for (first, payload) in &frames {
            let mut frame = BytesMut::new();
            frame::write_header(
                &mut frame,
                true,
                first & 0x40 != 0,
                first & 0x0F,
                payload.len(),
            );
            frame[1] |= 0x80;
            received.extend_from_slice(&frame);
            received.extend_from_slice(&[0; 4]);
            received.extend_from_slice(payload);
        }
        let mut receiver = Receiver::new(1 << 20, Some(crate::deflate::Inbound::new(false, 15)));
        assert_eq!(
            receiver.receive(&mut received),
            Ok(Some(Message::Text(long.into())))
        );
        assert_eq!(
            receiver.receive(&mut received),
            Ok(Some(Message::Text("short".into())))
        );
    }
}
