//! A raw-frame conformance suite over plain TCP sockets, organised by the Autobahn|Testsuite
//! categories (written here; Autobahn's own runner needs Python 2). Every case asserts the exact
//! echo or close code, and then that the server still serves a fresh connection: a bad frame
//! affects only its own connection.
//!
//! Close codes (RFC 6455 section 7.4.1): 1002 protocol error, 1007 invalid UTF-8, 1009 too big.

mod common;

use std::{net::SocketAddr, sync::OnceLock, thread, time::Duration};

use common::*;
use wasm_ws_server::{
    config::{Compression, Config},
    deflate::Mode,
};

/// The configured maximum message size (the default, 64 KiB).
const MAX: usize = 64 * 1024;

/// One server for the whole suite.
fn server() -> SocketAddr {
    static SERVER: OnceLock<SocketAddr> = OnceLock::new();
    *SERVER.get_or_init(|| spawn_server(Config::for_tests(Duration::from_secs(3600))).0)
}

/// One case: a fresh connection to `/websocket/echo`, the body, then a check that the server
/// still serves.
macro_rules! case {
    ($(#[$meta:meta])* $name:ident, |$raw:ident| $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            let addr = server();
            {
                #[allow(unused_mut)]
                let mut $raw = Raw::connect(addr, "/websocket/echo");
                $body
            }
            assert_serves(addr);
        }
    };
}

fn text_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

fn bytes_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

// 1. Framing: payload lengths across the 7-bit, 16-bit and 64-bit length encodings.

case!(framing_text_empty, |raw| {
    raw.text(b"");
    raw.expect_text(b"");
});
case!(framing_text_125_bytes, |raw| {
    raw.text(&text_of(125));
    raw.expect_text(&text_of(125));
});
case!(framing_text_126_bytes_16_bit_length, |raw| {
    raw.text(&text_of(126));
    raw.expect_text(&text_of(126));
});
case!(framing_text_127_bytes, |raw| {
    raw.text(&text_of(127));
    raw.expect_text(&text_of(127));
});
case!(framing_text_65535_bytes, |raw| {
    raw.text(&text_of(65_535));
    raw.expect_text(&text_of(65_535));
});
case!(framing_text_65536_bytes_64_bit_length, |raw| {
    raw.text(&text_of(65_536));
    raw.expect_text(&text_of(65_536));
});
case!(framing_binary_empty, |raw| {
    raw.binary(b"");
    raw.expect_binary(b"");
});
case!(framing_binary_125_bytes, |raw| {
    raw.binary(&bytes_of(125));
    raw.expect_binary(&bytes_of(125));
});
case!(framing_binary_126_bytes, |raw| {
    raw.binary(&bytes_of(126));
    raw.expect_binary(&bytes_of(126));
});
case!(framing_binary_65536_bytes, |raw| {
    raw.binary(&bytes_of(65_536));
    raw.expect_binary(&bytes_of(65_536));
});
case!(framing_a_frame_written_byte_by_byte, |raw| {
    for byte in encode(true, 0, TEXT, b"chopped", Some([1, 2, 3, 4])) {
        raw.send_bytes(&[byte]);
        thread::sleep(Duration::from_millis(2));
    }
    raw.expect_text(b"chopped");
});
case!(framing_several_messages_in_one_write, |raw| {
    let mut burst = Vec::new();
    for n in 0..20 {
        burst.extend(encode(
            true,
            0,
            TEXT,
            format!("message {n}").as_bytes(),
            Some([9, 8, 7, 6]),
        ));
    }
    raw.send_bytes(&burst);
    for n in 0..20 {
        raw.expect_text(format!("message {n}").as_bytes());
    }
});

// 2. Ping and pong.

case!(ping_empty_gets_an_empty_pong, |raw| {
    raw.frame(true, 0, PING, b"");
    raw.expect_pong(b"");
});
case!(ping_125_bytes_gets_the_same_pong, |raw| {
    raw.frame(true, 0, PING, &bytes_of(125));
    raw.expect_pong(&bytes_of(125));
});
case!(ping_binary_payload_is_returned_exactly, |raw| {
    let payload = [0x00, 0xFF, 0xFE, 0x80, 0x7F, 0x0A, 0x0D];
    raw.frame(true, 0, PING, &payload);
    raw.expect_pong(&payload);
});
case!(ping_126_bytes_is_a_protocol_error, |raw| {
    raw.frame(true, 0, PING, &bytes_of(126));
    raw.expect_close(1002);
});
case!(unsolicited_pong_is_ignored, |raw| {
    raw.frame(true, 0, PONG, b"");
    raw.text(b"after the pong");
    raw.expect_text(b"after the pong");
});
case!(unsolicited_pong_with_payload_is_ignored, |raw| {
    raw.frame(true, 0, PONG, b"unasked");
    raw.binary(b"after");
    raw.expect_binary(b"after");
});
case!(ten_pings_get_ten_pongs_in_order, |raw| {
    for n in 0..10u8 {
        raw.frame(true, 0, PING, &[n]);
    }
    for n in 0..10u8 {
        raw.expect_pong(&[n]);
    }
});
case!(ping_written_byte_by_byte, |raw| {
    for byte in encode(true, 0, PING, b"slow ping", Some([5, 6, 7, 8])) {
        raw.send_bytes(&[byte]);
    }
    raw.expect_pong(b"slow ping");
});

// 3. Reserved bits: without a negotiated extension, any set RSV bit is a protocol error.

case!(rsv1_on_text_is_a_protocol_error, |raw| {
    raw.frame(true, 0b100, TEXT, b"rsv1");
    raw.expect_close(1002);
});
case!(rsv2_on_text_is_a_protocol_error, |raw| {
    raw.frame(true, 0b010, TEXT, b"rsv2");
    raw.expect_close(1002);
});
case!(rsv3_on_text_is_a_protocol_error, |raw| {
    raw.frame(true, 0b001, TEXT, b"rsv3");
    raw.expect_close(1002);
});
case!(all_rsv_bits_on_binary_are_a_protocol_error, |raw| {
    raw.frame(true, 0b111, BINARY, b"rsv");
    raw.expect_close(1002);
});
case!(rsv_on_ping_is_a_protocol_error, |raw| {
    raw.frame(true, 0b100, PING, b"");
    raw.expect_close(1002);
});
case!(rsv_on_close_is_a_protocol_error, |raw| {
    raw.frame(true, 0b010, CLOSE, &1000u16.to_be_bytes());
    raw.expect_close(1002);
});
case!(rsv_after_a_valid_message_echoes_then_closes, |raw| {
    raw.text(b"valid");
    raw.frame(true, 0b100, TEXT, b"invalid");
    raw.expect_text(b"valid");
    raw.expect_close(1002);
});

// 4. Opcodes: 3-7 (data) and 11-15 (control) are reserved.

macro_rules! reserved_opcode {
    ($($name:ident = $opcode:expr),* $(,)?) => {$(
        case!($name, |raw| {
            raw.frame(true, 0, $opcode, b"reserved");
            raw.expect_close(1002);
        });
    )*};
}
reserved_opcode!(
    opcode_3_is_a_protocol_error = 3,
    opcode_4_is_a_protocol_error = 4,
    opcode_5_is_a_protocol_error = 5,
    opcode_6_is_a_protocol_error = 6,
    opcode_7_is_a_protocol_error = 7,
    opcode_11_is_a_protocol_error = 11,
    opcode_12_is_a_protocol_error = 12,
    opcode_13_is_a_protocol_error = 13,
    opcode_14_is_a_protocol_error = 14,
    opcode_15_is_a_protocol_error = 15,
);
case!(
    reserved_opcode_after_a_valid_message_echoes_then_closes,
    |raw| {
        raw.text(b"valid");
        raw.frame(true, 0, 5, b"");
        raw.expect_text(b"valid");
        raw.expect_close(1002);
    }
);

// 5. Fragmentation, with control frames interleaved.

case!(text_in_two_fragments, |raw| {
    raw.frame(false, 0, TEXT, b"frag");
    raw.frame(true, 0, CONTINUATION, b"mented");
    raw.expect_text(b"fragmented");
});
case!(binary_in_ten_fragments, |raw| {
    raw.frame(false, 0, BINARY, &[0]);
    for n in 1..9u8 {
        raw.frame(false, 0, CONTINUATION, &[n]);
    }
    raw.frame(true, 0, CONTINUATION, &[9]);
    raw.expect_binary(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
case!(empty_fragments_are_allowed, |raw| {
    raw.frame(false, 0, TEXT, b"");
    raw.frame(false, 0, CONTINUATION, b"middle");
    raw.frame(true, 0, CONTINUATION, b"");
    raw.expect_text(b"middle");
});
case!(a_ping_between_fragments_is_answered_first, |raw| {
    raw.frame(false, 0, TEXT, b"before ");
    raw.frame(true, 0, PING, b"between");
    raw.frame(true, 0, CONTINUATION, b"after");
    raw.expect_pong(b"between");
    raw.expect_text(b"before after");
});
case!(a_pong_between_fragments_is_ignored, |raw| {
    raw.frame(false, 0, BINARY, b"ab");
    raw.frame(true, 0, PONG, b"");
    raw.frame(true, 0, CONTINUATION, b"cd");
    raw.expect_binary(b"abcd");
});
case!(a_fragmented_ping_is_a_protocol_error, |raw| {
    raw.frame(false, 0, PING, b"part");
    raw.frame(true, 0, CONTINUATION, b"rest");
    raw.expect_close(1002);
});
case!(a_fragmented_close_is_a_protocol_error, |raw| {
    raw.frame(false, 0, CLOSE, &1000u16.to_be_bytes());
    raw.expect_close(1002);
});
case!(a_continuation_without_a_start_is_a_protocol_error, |raw| {
    raw.frame(false, 0, CONTINUATION, b"orphan");
    raw.expect_close(1002);
});
case!(
    a_final_continuation_without_a_start_is_a_protocol_error,
    |raw| {
        raw.frame(true, 0, CONTINUATION, b"orphan");
        raw.expect_close(1002);
    }
);
case!(
    a_new_text_inside_a_fragmented_message_is_a_protocol_error,
    |raw| {
        raw.frame(false, 0, TEXT, b"first");
        raw.frame(true, 0, TEXT, b"second");
        raw.expect_close(1002);
    }
);
case!(
    a_new_binary_inside_a_fragmented_text_is_a_protocol_error,
    |raw| {
        raw.frame(false, 0, TEXT, b"first");
        raw.frame(false, 0, BINARY, b"second");
        raw.expect_close(1002);
    }
);
case!(fragments_written_byte_by_byte, |raw| {
    let mut bytes = encode(false, 0, TEXT, b"by", Some([1, 1, 1, 1]));
    bytes.extend(encode(true, 0, CONTINUATION, b"te", Some([2, 2, 2, 2])));
    for byte in bytes {
        raw.send_bytes(&[byte]);
    }
    raw.expect_text(b"byte");
});

// 6. UTF-8 in text messages, whole and split across fragments.

case!(utf8_multilingual_text_is_echoed, |raw| {
    let text = "κόσμε · 你好 · привет · مرحبا · 👋🏽".as_bytes();
    raw.text(text);
    raw.expect_text(text);
});
case!(utf8_boundary_code_points_are_echoed, |raw| {
    let text = "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}".as_bytes();
    raw.text(text);
    raw.expect_text(text);
});
case!(utf8_byte_ff_is_invalid, |raw| {
    raw.text(b"abc\xFFdef");
    raw.expect_close(1007);
});
case!(utf8_overlong_encoding_is_invalid, |raw| {
    raw.text(b"\xC0\xAF");
    raw.expect_close(1007);
});
case!(utf8_encoded_surrogate_is_invalid, |raw| {
    raw.text(b"\xED\xA0\x80");
    raw.expect_close(1007);
});
case!(utf8_above_u10ffff_is_invalid, |raw| {
    raw.text(b"\xF4\x90\x80\x80");
    raw.expect_close(1007);
});
case!(utf8_truncated_at_the_end_is_invalid, |raw| {
    raw.text(b"euro: \xE2\x82");
    raw.expect_close(1007);
});
case!(utf8_code_point_split_across_fragments_is_echoed, |raw| {
    raw.frame(false, 0, TEXT, b"\xE2\x82");
    raw.frame(true, 0, CONTINUATION, b"\xAC");
    raw.expect_text("€".as_bytes());
});
case!(
    utf8_four_byte_code_point_in_four_fragments_is_echoed,
    |raw| {
        let bytes = "𝄞".as_bytes();
        raw.frame(false, 0, TEXT, &bytes[..1]);
        raw.frame(false, 0, CONTINUATION, &bytes[1..2]);
        raw.frame(false, 0, CONTINUATION, &bytes[2..3]);
        raw.frame(true, 0, CONTINUATION, &bytes[3..]);
        raw.expect_text(bytes);
    }
);
case!(utf8_invalid_in_the_last_fragment_is_invalid, |raw| {
    raw.frame(false, 0, TEXT, b"valid start, ");
    raw.frame(true, 0, CONTINUATION, b"invalid end \xFE");
    raw.expect_close(1007);
});
case!(
    utf8_code_point_left_unfinished_by_the_last_fragment_is_invalid,
    |raw| {
        raw.frame(false, 0, TEXT, b"\xF0\x9D");
        raw.frame(true, 0, CONTINUATION, b"\x84");
        raw.expect_close(1007);
    }
);

// 7. Close handling: codes, reasons, and what comes after.

case!(close_without_payload_is_answered_without_payload, |raw| {
    raw.frame(true, 0, CLOSE, b"");
    let frame = raw.read_frame().expect("a Close");
    assert_eq!((frame.opcode, frame.payload.len()), (CLOSE, 0));
    raw.expect_hang_up();
});
case!(close_with_a_123_byte_reason_is_echoed, |raw| {
    raw.close(1000, &text_of(123));
    raw.expect_close_with(1000, &text_of(123));
});
case!(close_with_a_one_byte_payload_is_a_protocol_error, |raw| {
    raw.frame(true, 0, CLOSE, &[0x03]);
    raw.expect_close(1002);
});
case!(
    close_with_an_invalid_utf8_reason_is_a_protocol_error,
    |raw| {
        raw.close(1000, b"bad \xFF reason");
        raw.expect_close(1002);
    }
);
case!(data_after_close_is_not_echoed, |raw| {
    raw.close(1000, b"");
    raw.text(b"too late");
    raw.expect_close_with(1000, b"");
});
case!(
    close_in_the_middle_of_a_fragmented_message_is_answered,
    |raw| {
        raw.frame(false, 0, TEXT, b"unfinished");
        raw.close(1001, b"leaving");
        raw.expect_close_with(1001, b"leaving");
    }
);

macro_rules! valid_close_code {
    ($($name:ident = $code:expr),* $(,)?) => {$(
        case!($name, |raw| {
            raw.close($code, b"");
            raw.expect_close_with($code, b"");
        });
    )*};
}
valid_close_code!(
    close_1000_is_echoed = 1000,
    close_1001_is_echoed = 1001,
    close_1002_is_echoed = 1002,
    close_1003_is_echoed = 1003,
    close_1007_is_echoed = 1007,
    close_1008_is_echoed = 1008,
    close_1009_is_echoed = 1009,
    close_1010_is_echoed = 1010,
    close_1011_is_echoed = 1011,
    close_3000_is_echoed = 3000,
    close_3999_is_echoed = 3999,
    close_4000_is_echoed = 4000,
    close_4999_is_echoed = 4999,
);

macro_rules! invalid_close_code {
    ($($name:ident = $code:expr),* $(,)?) => {$(
        case!($name, |raw| {
            raw.close($code, b"");
            raw.expect_close(1002);
        });
    )*};
}
invalid_close_code!(
    close_0_is_a_protocol_error = 0,
    close_999_is_a_protocol_error = 999,
    close_1004_is_a_protocol_error = 1004,
    close_1005_is_a_protocol_error = 1005,
    close_1006_is_a_protocol_error = 1006,
    close_1015_is_a_protocol_error = 1015,
    close_1016_is_a_protocol_error = 1016,
    close_1100_is_a_protocol_error = 1100,
    close_2000_is_a_protocol_error = 2000,
    close_2999_is_a_protocol_error = 2999,
    close_5000_is_a_protocol_error = 5000,
    close_65535_is_a_protocol_error = 65535,
);

// 9. Limits: frames and reassembled messages up to the maximum, and beyond.

case!(limit_a_message_of_exactly_the_maximum_is_echoed, |raw| {
    raw.binary(&bytes_of(MAX));
    raw.expect_binary(&bytes_of(MAX));
});
case!(
    limit_a_text_frame_over_the_maximum_closes_with_1009,
    |raw| {
        raw.text(&text_of(MAX + 1));
        raw.expect_close(1009);
    }
);
case!(
    limit_a_binary_frame_over_the_maximum_closes_with_1009,
    |raw| {
        raw.binary(&bytes_of(MAX + 1));
        raw.expect_close(1009);
    }
);
case!(
    limit_fragments_adding_up_over_the_maximum_close_with_1009,
    |raw| {
        raw.frame(false, 0, BINARY, &bytes_of(MAX / 2));
        raw.frame(false, 0, CONTINUATION, &bytes_of(MAX / 2));
        raw.frame(true, 0, CONTINUATION, &bytes_of(1));
        raw.expect_close(1009);
    }
);
case!(
    limit_a_huge_declared_length_closes_with_1009_before_any_payload,
    |raw| {
        // A header announcing 2^40 bytes, and no payload: the server must not wait for it.
        let mut header = vec![0x82, 0x80 | 127];
        header.extend_from_slice(&(1u64 << 40).to_be_bytes());
        header.extend_from_slice(&[1, 2, 3, 4]);
        raw.send_bytes(&header);
        raw.expect_close(1009);
    }
);

// Masking: a client must mask every frame (RFC 6455 section 5.1).

case!(an_unmasked_text_frame_is_a_protocol_error, |raw| {
    raw.send_bytes(&encode(true, 0, TEXT, b"naked", None));
    raw.expect_close(1002);
});
case!(an_unmasked_ping_is_a_protocol_error, |raw| {
    raw.send_bytes(&encode(true, 0, PING, b"", None));
    raw.expect_close(1002);
});

// 6b. UTF-8 fails fast (RFC 6455 section 8.1): the connection is failed with 1007 as soon as
// the bytes so far can no longer be UTF-8, whether the rest of the message arrives or not. The
// cases that hold back the rest would, without that, wait for the idle timeout (60 s), well
// past the client's 5 s read timeout.

case!(
    utf8_invalid_in_a_first_fragment_fails_before_the_rest,
    |raw| {
        raw.frame(false, 0, TEXT, b"valid, then \xFF");
        // The rest of the message never comes.
        raw.expect_close(1007);
    }
);
case!(
    utf8_invalid_in_a_first_fragment_fails_with_the_rest_sent,
    |raw| {
        raw.frame(false, 0, TEXT, b"valid, then \xFF");
        raw.frame(true, 0, CONTINUATION, b" and the end");
        raw.expect_close(1007);
    }
);
case!(
    utf8_invalid_across_fragments_fails_before_the_last_fragment,
    |raw| {
        // ED A0 would be a UTF-16 surrogate: impossible, known at the second byte.
        raw.frame(false, 0, TEXT, b"surrogate: \xED");
        raw.frame(false, 0, CONTINUATION, b"\xA0\x80");
        raw.expect_close(1007);
    }
);
case!(
    utf8_invalid_across_fragments_fails_with_the_last_fragment_sent,
    |raw| {
        raw.frame(false, 0, TEXT, b"overlong: \xE0");
        raw.frame(false, 0, CONTINUATION, b"\x80\xAF");
        raw.frame(true, 0, CONTINUATION, b"end");
        raw.expect_close(1007);
    }
);
case!(
    utf8_invalid_inside_a_frame_still_arriving_fails_before_the_rest,
    |raw| {
        // A frame announcing 300 bytes, of which only the first 8 are sent: F5 can start no
        // UTF-8 sequence.
        let payload = [b"abcdefg\xF5".as_slice(), &[b'x'; 292]].concat();
        let frame = encode(true, 0, TEXT, &payload, Some([1, 2, 3, 4]));
        let header = 2 + 2 + 4;
        raw.send_bytes(&frame[..header + 8]);
        raw.expect_close(1007);
    }
);
case!(
    utf8_invalid_inside_a_frame_fails_with_the_rest_sent,
    |raw| {
        let payload = [b"abcdefg\xF5".as_slice(), &[b'x'; 292]].concat();
        raw.frame(true, 0, TEXT, &payload);
        raw.expect_close(1007);
    }
);
case!(
    utf8_a_valid_code_point_split_inside_a_frame_waits_for_its_end,
    |raw| {
        // The frame's bytes in two writes, split inside "€": nothing is wrong yet.
        let frame = encode(true, 0, TEXT, "price: 5 €".as_bytes(), Some([9, 9, 9, 9]));
        let (head, tail) = frame.split_at(frame.len() - 2);
        raw.send_bytes(head);
        raw.send_bytes(tail);
        raw.expect_text("price: 5 €".as_bytes());
    }
);

// 12-13. Compression (RFC 7692), on servers that accept permessage-deflate.

/// A server accepting permessage-deflate without context takeover.
fn deflate_server() -> SocketAddr {
    static SERVER: OnceLock<SocketAddr> = OnceLock::new();
    *SERVER.get_or_init(|| spawn_server(with_compression(Mode::NoContextTakeover, 15)).0)
}

/// A server accepting permessage-deflate with context takeover, 4 KiB windows.
fn takeover_server() -> SocketAddr {
    static SERVER: OnceLock<SocketAddr> = OnceLock::new();
    *SERVER.get_or_init(|| spawn_server(with_compression(Mode::ContextTakeover, 12)).0)
}

fn with_compression(mode: Mode, window_bits: u8) -> Config {
    let mut config = Config::for_tests(Duration::from_secs(3600));
    config.compression = Compression {
        permessage_deflate: mode,
        deflate_window_bits: window_bits,
    };
    config
}

/// One compression case: a connection to `/websocket/echo` on the compressing server that
/// offered what Chromium offers, then a check that the server still serves.
macro_rules! deflate_case {
    ($(#[$meta:meta])* $name:ident, |$raw:ident| $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            let addr = deflate_server();
            {
                #[allow(unused_mut)]
                let (mut $raw, accepted) = Raw::connect_offering(addr, "/websocket/echo", CHROMIUM_OFFER);
                assert!(accepted.is_some(), "permessage-deflate accepted");
                $body
            }
            assert_serves(addr);
        }
    };
}

/// JSON of the ticker's kind, `count` notes long.
fn notes(count: usize) -> Vec<u8> {
    let notes: Vec<String> = (0..count)
        .map(|n| {
            format!(
                "{{\"text\":\"note {n} from the ticker\",\"sent_at\":{}.5}}",
                1_764_000_000_000u64 + n as u64
            )
        })
        .collect();
    format!("[{}]", notes.join(",")).into_bytes()
}

#[test]
fn deflate_each_browser_offer_gets_its_answer() {
    let addr = deflate_server();
    for offer in [CHROMIUM_OFFER, FIREFOX_OFFER, WEBKIT_OFFER] {
        let (_, accepted) = Raw::connect_offering(addr, "/websocket/echo", offer);
        assert_eq!(
            accepted.as_deref(),
            Some("permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
            "{offer}"
        );
    }
    let addr = takeover_server();
    let answers = [
        (
            CHROMIUM_OFFER,
            "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12",
        ),
        (
            FIREFOX_OFFER,
            "permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
        ),
    ];
    for (offer, answer) in answers {
        let (_, accepted) = Raw::connect_offering(addr, "/websocket/echo", offer);
        assert_eq!(accepted.as_deref(), Some(answer), "{offer}");
    }
}

#[test]
fn deflate_an_offer_the_server_cannot_honour_is_declined_without_failing_the_handshake() {
    let (mut raw, accepted) = Raw::connect_offering(
        deflate_server(),
        "/websocket/echo",
        "permessage-deflate; server_max_window_bits=8, permessage-deflate; unknown=1",
    );
    assert_eq!(accepted, None);
    // Without the extension, RSV1 is a protocol error.
    raw.compressed(TEXT, b"Hello");
    raw.expect_close(1002);
}

deflate_case!(deflate_rfc_7692_hello_is_inflated_and_echoed, |raw| {
    // RFC 7692 section 7.2.3.1: "Hello", compressed.
    raw.frame(
        true,
        0b100,
        TEXT,
        &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
    );
    // Too short to gain from compression: echoed uncompressed, RSV1 clear.
    let frame = raw.read_frame().unwrap();
    assert_eq!(
        (frame.rsv, frame.opcode, &frame.payload[..]),
        (0, TEXT, &b"Hello"[..])
    );
});
deflate_case!(deflate_a_large_message_is_echoed_compressed, |raw| {
    let message = notes(40);
    raw.compressed(TEXT, &message);
    let frame = raw.read_frame().unwrap();
    assert_eq!(
        (frame.rsv, frame.opcode),
        (0b100, TEXT),
        "RSV1 on a compressed message"
    );
    assert!(
        frame.payload.len() * 3 < message.len(),
        "{} of {}",
        frame.payload.len(),
        message.len()
    );
    assert_eq!(inflate_message(None, &frame.payload), message);
});
deflate_case!(deflate_uncompressed_messages_are_still_accepted, |raw| {
    raw.text(b"plain");
    raw.expect_text(b"plain");
    raw.binary(&notes(10));
    let frame = raw.read_frame().unwrap();
    assert_eq!(inflate_message(None, &frame.payload), notes(10));
});
deflate_case!(
    deflate_a_fragmented_compressed_message_is_reassembled,
    |raw| {
        let message = notes(20);
        let compressed = deflate_message(&message);
        let (a, rest) = compressed.split_at(10);
        let (b, c) = rest.split_at(rest.len() / 2);
        raw.frame(false, 0b100, BINARY, a);
        raw.frame(true, 0, PING, b"between");
        raw.frame(false, 0, CONTINUATION, b);
        raw.frame(true, 0, CONTINUATION, c);
        raw.expect_pong(b"between");
        let frame = raw.read_frame().unwrap();
        assert_eq!(frame.opcode, BINARY);
        assert_eq!(inflate_message(None, &frame.payload), message);
    }
);
deflate_case!(
    deflate_rsv1_on_a_continuation_frame_is_a_protocol_error,
    |raw| {
        let compressed = deflate_message(&notes(5));
        raw.frame(false, 0b100, TEXT, &compressed[..4]);
        raw.frame(true, 0b100, CONTINUATION, &compressed[4..]);
        raw.expect_close(1002);
    }
);
deflate_case!(deflate_rsv1_on_a_ping_is_a_protocol_error, |raw| {
    raw.frame(true, 0b100, PING, b"");
    raw.expect_close(1002);
});
deflate_case!(deflate_rsv1_on_a_close_is_a_protocol_error, |raw| {
    raw.frame(true, 0b100, CLOSE, &1000u16.to_be_bytes());
    raw.expect_close(1002);
});
deflate_case!(deflate_rsv2_is_still_a_protocol_error, |raw| {
    raw.frame(true, 0b110, TEXT, &deflate_message(b"Hello"));
    raw.expect_close(1002);
});
deflate_case!(deflate_data_that_is_not_deflate_closes_with_1007, |raw| {
    // BTYPE 11 is reserved (RFC 1951 section 3.2.3).
    raw.frame(true, 0b100, BINARY, &[0xFF, 0xFF, 0xFF, 0xFF]);
    raw.expect_close(1007);
});
deflate_case!(
    deflate_compressed_text_that_is_not_utf8_closes_with_1007,
    |raw| {
        raw.compressed(TEXT, &[b"valid start ".as_slice(), &[0xFF; 300]].concat());
        raw.expect_close(1007);
    }
);
deflate_case!(deflate_a_bomb_closes_with_1009, |raw| {
    // 10 MiB of zeros in about 10 KiB: far past the 64 KiB limit once inflated.
    let bomb = deflate_message(&vec![0u8; 10 << 20]);
    assert!(bomb.len() < MAX);
    raw.frame(true, 0b100, BINARY, &bomb);
    raw.expect_close(1009);
});
deflate_case!(
    deflate_a_bomb_closes_with_1009_before_the_rest_of_its_frame_arrives,
    |raw| {
        // Only the first 2 KiB of the bomb's frame are sent: they already inflate past the
        // limit, and the rest never comes.
        let bomb = deflate_message(&vec![0u8; 10 << 20]);
        let frame = encode(true, 0b100, BINARY, &bomb, Some([5, 6, 7, 8]));
        raw.send_bytes(&frame[..2048]);
        raw.expect_close(1009);
    }
);
deflate_case!(deflate_a_message_of_exactly_the_limit_inflates, |raw| {
    raw.compressed(BINARY, &vec![b'a'; MAX]);
    let frame = raw.read_frame().unwrap();
    assert_eq!(inflate_message(None, &frame.payload), vec![b'a'; MAX]);
});

#[test]
fn deflate_with_context_takeover_later_messages_refer_to_earlier_ones() {
    let addr = takeover_server();
    let (mut raw, accepted) = Raw::connect_offering(addr, "/websocket/echo", CHROMIUM_OFFER);
    assert!(accepted.unwrap().contains("client_max_window_bits=12"));
    // One client decoder across the connection, as a browser keeps it.
    let mut client =
        miniz_oxide::inflate::stream::InflateState::new_boxed(miniz_oxide::DataFormat::Raw);
    let mut sizes = Vec::new();
    for _ in 0..5 {
        let message = notes(1);
        raw.text(&message);
        let frame = raw.read_frame().unwrap();
        assert_eq!(
            frame.rsv, 0b100,
            "compressed even when short: the context helps"
        );
        assert_eq!(inflate_message(Some(&mut client), &frame.payload), message);
        sizes.push(frame.payload.len());
    }
    assert!(
        sizes[4] * 2 < sizes[0],
        "the same note again costs a few bytes: {sizes:?}"
    );
    assert_serves(addr);
}
