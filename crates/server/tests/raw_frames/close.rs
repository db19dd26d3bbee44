//! 7: close handling: codes, reasons, and what comes after.

use super::*;

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
