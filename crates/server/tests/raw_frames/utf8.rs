//! 6: UTF-8 in text messages, whole and split across fragments, and failing fast.

use super::*;

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
