//! 5: fragmentation, with control frames interleaved.

use super::*;

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
