//! The receive module's tests.

use super::*;
use crate::deflate::Outbound;

const MASK: [u8; 4] = [0x37, 0xFA, 0x21, 0x3D];

fn frame(fin: bool, rsv1: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    frame::write_header(&mut out, fin, rsv1, opcode, payload.len());
    out[1] |= 0x80;
    let mut bytes = out.to_vec();
    bytes.extend_from_slice(&MASK);
    let mut payload = payload.to_vec();
    frame::unmask(&mut payload, MASK, 0);
    bytes.extend(payload);
    bytes
}

fn receiver(deflate: bool) -> (Receiver, BytesMut) {
    (
        Receiver::new(1024, deflate.then(|| Inbound::new(false, 15))),
        BytesMut::new(),
    )
}

/// Feeds `bytes` and returns everything received, or the first violation. What is not
/// taken yet stays in the receiver's buffer for the next call, as in the socket.
fn feed(receiver: &mut (Receiver, BytesMut), bytes: &[u8]) -> Result<Vec<Message>, Violation> {
    let (receiver, buffer) = receiver;
    buffer.extend_from_slice(bytes);
    let mut messages = Vec::new();
    while let Some(message) = receiver.receive(buffer)? {
        messages.push(message);
    }
    Ok(messages)
}

fn text_message(text: &str) -> Message {
    Message::Text(text.into())
}

#[test]
fn invalid_utf8_fails_in_the_fragment_that_carries_it_before_the_message_ends() {
    let mut receiver = receiver(false);
    // The first fragment already holds a byte no UTF-8 has: fail now, not at the end.
    assert_eq!(
        feed(
            &mut receiver,
            &frame(false, false, opcode::TEXT, b"ok \xFF")
        ),
        Err(Violation::InvalidUtf8)
    );
    // A code point whose start is in one fragment and whose impossible continuation is in
    // the next.
    let mut receiver = self::receiver(false);
    assert_eq!(
        feed(&mut receiver, &frame(false, false, opcode::TEXT, b"\xED")),
        Ok(vec![])
    );
    assert_eq!(
        feed(
            &mut receiver,
            &frame(false, false, opcode::CONTINUATION, b"\xA0\x80 and more")
        ),
        Err(Violation::InvalidUtf8)
    );
}

#[test]
fn invalid_utf8_fails_inside_a_frame_still_arriving() {
    let mut receiver = receiver(false);
    let mut bytes = frame(
        true,
        false,
        opcode::TEXT,
        &[b"abc\xC0".as_slice(), &[b'x'; 200]].concat(),
    );
    // Only the header and the first 4 payload bytes have arrived; the rest never will.
    let header_size = 2 + 2 + 4;
    bytes.truncate(header_size + 4);
    assert_eq!(feed(&mut receiver, &bytes), Err(Violation::InvalidUtf8));
}

#[test]
fn a_valid_prefix_waits_for_the_rest() {
    let mut receiver = receiver(false);
    let bytes = frame(true, false, opcode::TEXT, "€uro".as_bytes());
    let (head, tail) = bytes.split_at(bytes.len() - 5);
    assert_eq!(feed(&mut receiver, head), Ok(vec![]));
    assert_eq!(feed(&mut receiver, tail), Ok(vec![text_message("€uro")]));
}

#[test]
fn an_unfinished_code_point_at_the_end_of_the_message_fails() {
    let mut receiver = receiver(false);
    let mut bytes = frame(false, false, opcode::TEXT, b"\xF0\x9D");
    bytes.extend(frame(true, false, opcode::CONTINUATION, b"\x84"));
    assert_eq!(feed(&mut receiver, &bytes), Err(Violation::InvalidUtf8));
}

#[test]
fn messages_in_any_number_of_pieces() {
    let mut bytes = frame(false, false, opcode::TEXT, "𝄞 ".as_bytes());
    bytes.extend(frame(true, false, opcode::PING, b"p"));
    bytes.extend(frame(true, false, opcode::CONTINUATION, "κόσμε".as_bytes()));
    bytes.extend(frame(true, false, opcode::BINARY, &[0, 1, 2]));
    let expected = vec![
        Message::Ping(Bytes::from_static(b"p")),
        text_message("𝄞 κόσμε"),
        Message::Binary(Bytes::from_static(&[0, 1, 2])),
    ];
    for piece in [1, 2, 3, 7, bytes.len()] {
        let mut receiver = receiver(false);
        let mut received = Vec::new();
        for chunk in bytes.chunks(piece) {
            received.extend(feed(&mut receiver, chunk).unwrap());
        }
        assert_eq!(received, expected, "in pieces of {piece}");
    }
}

#[test]
fn rsv1_is_a_protocol_error_without_the_extension_and_on_control_or_continuation_frames() {
    assert_eq!(
        feed(&mut receiver(false), &frame(true, true, opcode::TEXT, b"x")),
        Err(ProtocolError::CompressedWithoutExtension.into())
    );
    assert_eq!(
        feed(&mut receiver(true), &frame(true, true, opcode::PING, b"")),
        Err(ProtocolError::CompressedBitMisplaced.into())
    );
    let mut receiver = receiver(true);
    let compressed = Outbound::new(false, 15).compress(&[b'a'; 300]).unwrap();
    let mut bytes = frame(false, true, opcode::TEXT, &compressed);
    bytes.extend(frame(true, true, opcode::CONTINUATION, b""));
    assert_eq!(
        feed(&mut receiver, &bytes),
        Err(ProtocolError::CompressedBitMisplaced.into())
    );
    // Only the first two bytes are needed to tell.
    assert_eq!(
        feed(&mut self::receiver(false), &[0xC1, 0x85]),
        Err(ProtocolError::CompressedWithoutExtension.into())
    );
}

#[test]
fn compressed_messages_whole_and_fragmented() {
    let message = "{\"text\":\"hello\",\"sent_at\":1}".repeat(10);
    let compressed = Outbound::new(false, 15)
        .compress(message.as_bytes())
        .unwrap();
    let mut receiver = receiver(true);
    assert_eq!(
        feed(&mut receiver, &frame(true, true, opcode::TEXT, &compressed)),
        Ok(vec![text_message(&message)])
    );
    // Fragmented: RSV1 on the first frame only.
    let (a, b) = compressed.split_at(5);
    let mut bytes = frame(false, true, opcode::TEXT, a);
    bytes.extend(frame(true, false, opcode::CONTINUATION, b));
    assert_eq!(
        feed(&mut receiver, &bytes),
        Ok(vec![text_message(&message)])
    );
    // Uncompressed messages are still fine.
    assert_eq!(
        feed(&mut receiver, &frame(true, false, opcode::TEXT, b"plain")),
        Ok(vec![text_message("plain")])
    );
}

#[test]
fn compressed_text_that_inflates_to_invalid_utf8_fails() {
    let compressed = Outbound::new(false, 15)
        .compress(&[b"\xFF".as_slice(); 200].concat())
        .unwrap();
    assert_eq!(
        feed(
            &mut receiver(true),
            &frame(true, true, opcode::TEXT, &compressed)
        ),
        Err(Violation::InvalidUtf8)
    );
}

#[test]
fn undecodable_compressed_data_and_bombs() {
    assert_eq!(
        feed(
            &mut receiver(true),
            &frame(true, true, opcode::BINARY, &[0xFF, 0xFF, 0xFF])
        ),
        Err(Violation::BadCompressedData)
    );
    let bomb = Outbound::new(false, 15)
        .compress(&vec![0u8; 64 * 1024])
        .unwrap();
    assert!(bomb.len() < 1024, "a frame under the limit: {}", bomb.len());
    assert!(matches!(
        feed(
            &mut receiver(true),
            &frame(true, true, opcode::BINARY, &bomb)
        ),
        Err(Violation::MessageTooLarge { .. })
    ));
}

#[test]
fn of_two_faults_the_earlier_byte_decides_however_the_bytes_are_split() {
    // 1000 bytes of text, then a fragment that is not UTF-8 from its first byte and would
    // take the message past the limit (1024): 1007, whether the fragment comes whole or not.
    let mut bytes = frame(false, false, opcode::TEXT, &[b'a'; 1000]);
    bytes.extend(frame(true, false, opcode::CONTINUATION, &[0xFF; 100]));
    // Over the limit first, then not UTF-8: 1009.
    let mut later = frame(false, false, opcode::TEXT, &[b'a'; 1000]);
    later.extend(frame(
        true,
        false,
        opcode::CONTINUATION,
        &[&[b'a'; 50][..], &[0xFF; 50]].concat(),
    ));
    for (bytes, expected) in [
        (bytes, Violation::InvalidUtf8),
        (later, Violation::MessageTooLarge { limit: 1024 }),
    ] {
        for cut in [bytes.len(), bytes.len() - 60, bytes.len() - 99] {
            let mut receiver = receiver(false);
            let first = feed(&mut receiver, &bytes[..cut]);
            let outcome = first.and_then(|_| feed(&mut receiver, &bytes[cut..]));
            assert_eq!(outcome, Err(expected.clone()), "cut at {cut}");
        }
    }
}

#[test]
fn protocol_errors_from_the_first_two_bytes() {
    let cases: [(&[u8], ProtocolError); 6] = [
        (&[0xA1, 0x80], ProtocolError::ReservedBits),
        (&[0x81, 0x05], ProtocolError::Unmasked),
        (&[0x83, 0x80], ProtocolError::ReservedOpcode(3)),
        (&[0x09, 0x80], ProtocolError::FragmentedControl),
        (&[0x89, 0xFE], ProtocolError::ControlTooLong(126)),
        (&[0x80, 0x80], ProtocolError::ContinuationWithoutStart),
    ];
    for (bytes, error) in cases {
        assert_eq!(
            feed(&mut receiver(false), bytes),
            Err(error.into()),
            "{bytes:02X?}"
        );
    }
}
