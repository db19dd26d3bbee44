//! Random and mutated frames thrown at the server for a bounded time. It fails on any panic in
//! the server (a connection's task that panics only drops its own connection, so a live server
//! afterwards would not show it), on a close code the bytes sent do not call for, and on a
//! server that stops serving. Half the connections negotiate permessage-deflate and also send
//! compressed frames, valid and damaged. `WASM_WS_FUZZ_SECONDS` (default 10) bounds the run;
//! the seed is printed first, and `WASM_WS_FUZZ_SEED` replays it.

mod common;

use std::{
    io::{Read, Write},
    net::{Shutdown, SocketAddr, TcpStream},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::*;
use fastrand::Rng;
use wasm_ws_server::{
    config::{Compression, Config},
    deflate::Mode,
};

const OPCODES: [u8; 16] = [
    0x0, 0x1, 0x2, 0x3, 0x7, 0x8, 0x9, 0xA, 0xB, 0xF, 0x1, 0x2, 0x1, 0x8, 0x9, 0x0,
];

/// A frame that is often valid and often not: any opcode, RSV bits now and then, masked or
/// not, lengths around every encoding boundary and past the limit, text that may not be UTF-8.
fn random_frame(rng: &mut Rng) -> Vec<u8> {
    let opcode = OPCODES[rng.usize(..OPCODES.len())];
    let rsv = if rng.u8(..10) == 0 { rng.u8(1..8) } else { 0 };
    let fin = rng.u8(..5) != 0;
    let len = match rng.u8(..10) {
        0 => rng.usize(0..=2),
        1 => rng.usize(124..=127),
        2 => rng.usize(65_534..=65_537),
        3 => rng.usize(65_537..200_000),
        _ => rng.usize(0..300),
    };
    let payload: Vec<u8> = match rng.u8(..3) {
        0 => "wasm-ws ✓ 你好 ".bytes().cycle().take(len).collect(),
        _ => std::iter::repeat_with(|| rng.u8(..)).take(len).collect(),
    };
    let mask = (rng.u8(..20) != 0).then(|| [rng.u8(..), rng.u8(..), rng.u8(..), rng.u8(..)]);
    encode(fin, rsv, opcode, &payload, mask)
}

/// A valid frame damaged: bits flipped, bytes cut or inserted, or a header lying about length.
fn mutated_frame(rng: &mut Rng) -> Vec<u8> {
    let mut frame = encode(
        true,
        0,
        [TEXT, BINARY, PING, CLOSE][rng.usize(..4)],
        b"a valid payload \xE2\x82\xAC",
        Some([1, 2, 3, 4]),
    );
    for _ in 0..rng.usize(1..4) {
        let at = rng.usize(..frame.len());
        match rng.u8(..4) {
            0 => frame[at] ^= 1 << rng.u8(..8),
            1 => frame.truncate(at.max(1)),
            2 => frame.insert(at, rng.u8(..)),
            _ if frame.len() > 1 => frame[1] = (frame[1] & 0x80) | rng.u8(..128),
            _ => frame.push(rng.u8(..)),
        }
    }
    frame
}

/// A compressed data frame (RSV1), its DEFLATE data valid or damaged, whole or as the first of
/// several fragments.
fn compressed_frame(rng: &mut Rng) -> Vec<u8> {
    let len = rng.usize(0..3000);
    let message: Vec<u8> = match rng.u8(..3) {
        0 => "{\"text\":\"wasm-ws ✓ 你好\"} "
            .bytes()
            .cycle()
            .take(len)
            .collect(),
        1 => vec![0; len * 40],
        _ => std::iter::repeat_with(|| rng.u8(..)).take(len).collect(),
    };
    let mut compressed = deflate_message(&message);
    for _ in 0..rng.usize(0..3) {
        if !compressed.is_empty() {
            let at = rng.usize(..compressed.len());
            compressed[at] ^= 1 << rng.u8(..8);
        }
    }
    let opcode = [TEXT, BINARY, CONTINUATION][rng.usize(..3)];
    encode(
        rng.u8(..4) != 0,
        0b100,
        opcode,
        &compressed,
        Some([rng.u8(..), 1, 2, 3]),
    )
}

/// The codes the server closes hostile bytes with (RFC 6455 section 7.4.1): a protocol error,
/// data inconsistent with its type (text not UTF-8, compressed data not DEFLATE), a message too
/// big. Any other code must be the client's own, echoed in reply to its Close (section 5.5.1).
const VIOLATION_CODES: [u16; 3] = [1002, 1007, 1009];

/// What one connection showed.
struct Outcome {
    /// The code of the server's Close, if it sent one with a code.
    close: Option<u16>,
    /// The codes of the Close frames the client sent (as the server's parser walks its bytes).
    client_codes: Vec<u16>,
    /// What the client sent, for the failure message.
    sent: Vec<u8>,
}

/// One connection: handshake, a few frames, then read whatever comes until the server closes
/// or goes quiet (300 ms: the server echoes at once, so this only bounds a bug).
fn one_connection(addr: SocketAddr, rng: &mut Rng) -> Outcome {
    let deflate = rng.bool();
    let mut raw = if deflate {
        let (raw, accepted) = Raw::connect_offering(addr, "/websocket/echo", CHROMIUM_OFFER);
        assert!(accepted.is_some(), "permessage-deflate negotiated");
        raw
    } else {
        Raw::connect(addr, "/websocket/echo")
    };
    let mut bytes = Vec::new();
    for _ in 0..rng.usize(1..6) {
        bytes.extend(match rng.u8(..3) {
            0 => random_frame(rng),
            1 if deflate => compressed_frame(rng),
            _ => mutated_frame(rng),
        });
    }
    raw.send_bytes(&bytes);
    let socket: &TcpStream = raw.socket();
    let mut socket = socket.try_clone().unwrap();
    let _ = socket.flush();
    let _ = socket.shutdown(Shutdown::Write);
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while let Ok(read) = socket.read(&mut chunk) {
        if read == 0 {
            break;
        }
        received.extend_from_slice(&chunk[..read]);
    }
    let close = frames(&received)
        .into_iter()
        .find(|frame| frame.opcode == CLOSE);
    Outcome {
        close: close.and_then(|frame| frame.close_code()),
        client_codes: frames(&bytes)
            .iter()
            .filter_map(Frame::close_code)
            .collect(),
        sent: bytes,
    }
}

/// Records every panic on any thread of this process, the server's included.
fn record_panics() -> Arc<Mutex<Vec<String>>> {
    let panics = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&panics);
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        recorded.lock().unwrap().push(info.to_string());
        report(info);
    }));
    panics
}

#[test]
fn random_and_mutated_frames_never_take_the_server_down() {
    let seconds = std::env::var("WASM_WS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let seed = std::env::var("WASM_WS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    // First, so that a failure of any kind, a hang included, still tells how to replay it.
    println!("fuzz: seed {seed} (replay with WASM_WS_FUZZ_SEED={seed}), {seconds} s");
    let panics = record_panics();
    let mut config = Config::for_tests(Duration::from_secs(3600));
    config.compression = Compression {
        permessage_deflate: Mode::NoContextTakeover,
        deflate_window_bits: 15,
    };
    let (addr, _) = spawn_server(config);
    let mut rng = Rng::with_seed(seed);
    let started = Instant::now();
    let mut iterations = 0u64;
    let mut closes = std::collections::BTreeMap::<Option<u16>, u64>::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        let outcome = one_connection(addr, &mut rng);
        let panicked = panics.lock().unwrap().clone();
        assert!(
            panicked.is_empty(),
            "the server panicked on connection {iterations} (seed {seed}): {panicked:?}\nsent: {:02X?}",
            outcome.sent
        );
        if let Some(code) = outcome.close {
            assert!(
                VIOLATION_CODES.contains(&code) || outcome.client_codes.contains(&code),
                "connection {iterations} (seed {seed}) was closed with {code}, which neither a violation nor the client's Close ({:?}) calls for\nsent: {:02X?}",
                outcome.client_codes,
                outcome.sent
            );
        }
        *closes.entry(outcome.close).or_default() += 1;
        iterations += 1;
        if iterations.is_multiple_of(100) {
            assert_serves(addr);
        }
    }
    assert_serves(addr);
    println!("fuzz: {iterations} connections of random and mutated frames in {seconds} s (seed {seed}); no panic, no unexpected close code, server alive; the server's closes by code: {closes:?}");
    // The frames reached the checks that matter: each kind of violation was seen and answered
    // with its own code (RFC 6455 section 7.4.1).
    for code in VIOLATION_CODES {
        assert!(
            closes.get(&Some(code)).is_some_and(|&count| count > 0),
            "no connection was closed with {code} (seed {seed}): {closes:?}"
        );
    }
}
