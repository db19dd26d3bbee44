//! 1-4: payload lengths across the length encodings, ping and pong, reserved bits, reserved
//! opcodes.

use super::*;

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
