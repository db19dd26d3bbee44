//! 12-13: compression (RFC 7692), on servers that accept permessage-deflate.

use super::*;

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
