//! The fuzz targets' oracles over the server's sans-IO protocol. The cargo-fuzz targets
//! (`fuzz_targets/`) call them on libFuzzer's inputs; `crates/server/tests/fuzz_seeds.rs`
//! includes this file and replays the seed corpus (`seeds/`), so the ordinary test run checks
//! them too. A finding is a panic: a crash, or an assertion here.
//!
//! An input's first two bytes choose the settings, the rest is what is tested:
//!
//! - byte 0: bit 0 `permessage-deflate` negotiated, bit 1 context takeover, bits 2-4 the window
//!   bits (9 + n % 7), bit 7 (receiver only) frames described rather than given (below);
//! - byte 1: the message size limit, `(n + 1) * 8` bytes: small, so that inputs pass it.
//!
//! Described frames, so that the fuzzer reaches deep sequences (fragments, compressed messages,
//! limits) without first having to get every header's length and mask right: each is a byte
//! (bit 7 FIN, bit 6 RSV1, bit 5 RSV2, bits 0-3 the opcode), a length byte, and that many
//! payload bytes, which become one masked frame with a correct header.

use bytes::BytesMut;
use wasm_ws_server::{
    deflate::{Inbound, InflateError, Outbound},
    protocol::{frame, Message, Receiver, Violation},
};

/// The limit's unit: byte 1 of 255 makes 2 KiB, enough for fragments and bombs to pass it.
const LIMIT_STEP: usize = 8;

/// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes.
const MAX_CONTROL_PAYLOAD: usize = 125;

/// What the first two bytes of an input choose.
#[derive(Debug)]
struct Settings {
    deflate: bool,
    takeover: bool,
    window_bits: u8,
    limit: usize,
    described: bool,
}

/// The settings an input starts with, and the rest of it; `None` if it is too short.
fn settings(data: &[u8]) -> Option<(Settings, &[u8])> {
    let [flags, limit, rest @ ..] = data else {
        return None;
    };
    let settings = Settings {
        deflate: flags & 1 != 0,
        takeover: flags & 2 != 0,
        window_bits: 9 + (flags >> 2 & 0b111) % 7,
        limit: (usize::from(*limit) + 1) * LIMIT_STEP,
        described: flags & 0x80 != 0,
    };
    Some((settings, rest))
}

/// What a receiver made of some bytes: the messages, then the violation that stopped it, if any.
type Received = (Vec<Message>, Option<Violation>);

/// The receiver: the same messages and the same violation whether the bytes come whole, a
/// byte at a time, or cut in two at any point; every message within the limits, every text
/// valid UTF-8 (the receiver vouches for it unchecked).
pub fn receiver(data: &[u8]) {
    let Some((settings, bytes)) = settings(data) else {
        return;
    };
    let encoded;
    let bytes = if settings.described {
        encoded = encode_described(bytes);
        &encoded[..]
    } else {
        bytes
    };
    let whole = receive(&settings, &[bytes]);
    let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(receive(&settings, &bytewise), whole, "a byte at a time");
    for cut in 1..bytes.len() {
        let (head, tail) = bytes.split_at(cut);
        assert_eq!(receive(&settings, &[head, tail]), whole, "cut at {cut}");
    }
}

/// The masking key of described frames: any key will do (RFC 6455 section 5.3), and a fixed
/// one lets a described payload be read from the input as it is.
const MASK: [u8; 4] = [0x37, 0xFA, 0x21, 0x3D];

/// Described frames (see the top of this file) as the bytes a client would send.
fn encode_described(mut descriptions: &[u8]) -> Vec<u8> {
    let mut out = BytesMut::new();
    while let [first, length, rest @ ..] = descriptions {
        let payload = &rest[..usize::from(*length).min(rest.len())];
        let start = out.len();
        frame::write_header(
            &mut out,
            first & 0x80 != 0,
            first & 0x40 != 0,
            first & 0x0F,
            payload.len(),
        );
        out[start] |= first & 0x20;
        out[start + 1] |= 0x80;
        out.extend_from_slice(&MASK);
        let at = out.len();
        out.extend_from_slice(payload);
        frame::unmask(&mut out[at..], MASK, 0);
        descriptions = &rest[payload.len()..];
    }
    out.to_vec()
}

/// Feeds `pieces` to a fresh receiver one after the other, as reads from a socket.
fn receive(settings: &Settings, pieces: &[&[u8]]) -> Received {
    let inbound = settings
        .deflate
        .then(|| Inbound::new(settings.takeover, settings.window_bits));
    let mut receiver = Receiver::new(settings.limit, inbound);
    let mut buffer = BytesMut::new();
    let mut messages = Vec::new();
    for piece in pieces {
        buffer.extend_from_slice(piece);
        loop {
            match receiver.receive(&mut buffer) {
                Ok(Some(message)) => {
                    check_message(&message, settings.limit);
                    messages.push(message);
                }
                Ok(None) => break,
                Err(violation) => return (messages, Some(violation)),
            }
        }
    }
    (messages, None)
}

/// A message the receiver let through keeps the protocol's and the server's limits.
fn check_message(message: &Message, limit: usize) {
    match message {
        Message::Text(text) => {
            assert!(
                std::str::from_utf8(text.as_bytes()).is_ok(),
                "text not UTF-8"
            );
            assert!(text.len() <= limit, "text over the limit");
        }
        Message::Binary(bytes) => assert!(bytes.len() <= limit, "binary over the limit"),
        Message::Ping(payload) | Message::Pong(payload) => {
            assert!(
                payload.len() <= MAX_CONTROL_PAYLOAD,
                "control frame too long"
            )
        }
        Message::Close(None) => {}
        Message::Close(Some(close)) => {
            assert!(
                matches!(close.code, 1000..=1003 | 1007..=1014 | 3000..=4999),
                "a close code no one may send: {}",
                close.code
            );
            assert!(close.reason.len() <= MAX_CONTROL_PAYLOAD - 2);
        }
    }
}

/// What inflating one message made: its bytes, and how it ended.
type Inflated = (Vec<u8>, Result<(), InflateError>);

/// The inflater: the same bytes and the same ending whether the compressed bytes come whole
/// or cut in two at any point, never more than the limit (and one byte to tell); and the
/// server's compressor read back by it, with the settings' context takeover.
pub fn inflater(data: &[u8]) {
    let Some((settings, compressed)) = settings(data) else {
        return;
    };
    let whole = inflate(&settings, &[compressed]);
    for cut in 0..=compressed.len() {
        let (head, tail) = compressed.split_at(cut);
        assert_eq!(inflate(&settings, &[head, tail]), whole, "cut at {cut}");
    }
    round_trip(&settings, compressed);
}

/// Inflates one message, arriving in `pieces`, with a fresh decompressor.
fn inflate(settings: &Settings, pieces: &[&[u8]]) -> Inflated {
    let inbound = Inbound::new(settings.takeover, settings.window_bits);
    let mut inflating = inbound.start().expect("a fresh decompressor");
    let mut out = BytesMut::new();
    let mut result = Ok(());
    for piece in pieces {
        result = inflating.inflate(piece, &mut out, settings.limit);
        if result.is_err() {
            break;
        }
    }
    if result.is_ok() {
        result = inflating.finish(&mut out, settings.limit);
    }
    let most = match result {
        Err(InflateError::TooLarge) => settings.limit + 1,
        _ => settings.limit,
    };
    assert!(
        out.len() <= most,
        "{} bytes inflated, limit {}",
        out.len(),
        settings.limit
    );
    (out.to_vec(), result)
}

/// `plain`, as two messages, compressed by the server's compressor and inflated by its
/// inflater, reads back as it was (with context takeover, the second refers to the first).
fn round_trip(settings: &Settings, plain: &[u8]) {
    let mut outbound = Outbound::new(settings.takeover, settings.window_bits);
    let mut inbound = Inbound::new(settings.takeover, settings.window_bits);
    let (first, second) = plain.split_at(plain.len() / 2);
    for message in [first, second] {
        let compressed = outbound
            .compress_always(message)
            .expect("the compressor compresses");
        let mut out = BytesMut::new();
        let mut inflating = inbound.start().expect("a decompressor");
        inflating
            .inflate(&compressed, &mut out, message.len())
            .and_then(|()| inflating.finish(&mut out, message.len()))
            .expect("the compressor's output inflates");
        assert!(&out[..] == message, "read back differs");
        inbound.finish(&out);
    }
}
