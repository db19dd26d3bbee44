//! 9: limits, frames and reassembled messages up to the maximum and beyond; masking.

use super::*;

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
