//! Rules 5 and 6: `close(code, reason)` (WPT: close-invalid, Close-reason-unpaired-surrogates,
//! Close-Reason-124Bytes, Close-1000-reason, close-multiple, close-connecting, Close-undefined).

use wasm_bindgen_test::*;
use wasm_ws_client::{Error, ReadyState, WebSocket};

use crate::support::{
    endpoint, expect_clean_close, expect_failure, expect_quiet, next_event, open_echo, record,
    Event,
};

#[wasm_bindgen_test]
fn rule5_codes_other_than_1000_and_3000_to_4999_are_invalid_access_errors() {
    let socket = WebSocket::open(&endpoint("delay?ms=500")).unwrap();
    for code in [
        0,
        1,
        999,
        1001,
        1002,
        1005,
        1006,
        1015,
        2999,
        5000,
        u16::MAX,
    ] {
        assert!(
            matches!(socket.close_with(code, ""), Err(Error::InvalidAccess(_))),
            "close_with({code})"
        );
        assert!(
            matches!(socket.close_with_code(code), Err(Error::InvalidAccess(_))),
            "close_with_code({code})"
        );
    }
    assert_eq!(
        socket.ready_state(),
        ReadyState::Connecting,
        "a rejected close changes nothing"
    );
}

#[wasm_bindgen_test]
fn rule5_a_reason_over_123_bytes_is_a_syntax_error() {
    let socket = WebSocket::open(&endpoint("delay?ms=500")).unwrap();
    // 62 two-byte characters: 124 bytes, though only 62 characters.
    assert!(matches!(
        socket.close_with(1000, &"é".repeat(62)),
        Err(Error::Syntax(_))
    ));
    assert!(matches!(
        socket.close_with(4000, &"x".repeat(124)),
        Err(Error::Syntax(_))
    ));
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
}

#[wasm_bindgen_test]
async fn rule5_checks_come_before_the_state_check() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.close();
    assert!(matches!(
        next_event(&mut events).await,
        Event::Close(_, ReadyState::Closed)
    ));
    // Closed already, yet bad arguments are still reported.
    assert!(matches!(
        socket.close_with(1001, ""),
        Err(Error::InvalidAccess(_))
    ));
    assert!(matches!(
        socket.close_with(1000, &"x".repeat(124)),
        Err(Error::Syntax(_))
    ));
}

#[wasm_bindgen_test]
async fn rule5_a_123_byte_reason_and_the_code_reach_the_server_and_come_back() {
    let (socket, mut events) = open_echo(&[]).await;
    let reason = format!("{}x", "é".repeat(61)); // 123 bytes
    socket.close_with(3000, &reason).unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Closing, "CLOSING at once");
    expect_clean_close(&mut events, 3000, &reason).await;
}

#[wasm_bindgen_test]
async fn rule5_a_code_alone_comes_back_with_an_empty_reason() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.close_with_code(4999).unwrap();
    expect_clean_close(&mut events, 4999, "").await;
}

#[wasm_bindgen_test]
async fn rule6_without_a_code_the_close_event_reports_1005() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.close();
    expect_clean_close(&mut events, 1005, "").await;
}

#[wasm_bindgen_test]
async fn rule6_closing_twice_fires_one_close_event() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.close_with(1000, "first").unwrap();
    socket.close_with(4000, "second").unwrap();
    socket.close();
    match next_event(&mut events).await {
        Event::Close(event, ReadyState::Closed) => {
            assert_eq!((event.code, event.reason.as_str()), (1000, "first"))
        }
        other => panic!("expected the first close, got {other:?}"),
    }
    socket.close_with(1000, "after").unwrap();
    expect_quiet(&mut events, 300).await;
}

#[wasm_bindgen_test]
async fn rule6_closing_while_connecting_fails_the_connection() {
    let socket = WebSocket::open(&endpoint("delay?ms=1000")).unwrap();
    let mut events = record(&socket);
    socket.close();
    assert_eq!(socket.ready_state(), ReadyState::Closing);
    expect_failure(&mut events).await;
}

#[wasm_bindgen_test]
async fn rule6_the_server_may_close_first() {
    let socket = WebSocket::open(&endpoint("close?code=4001&reason=server%20says%20bye")).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    expect_clean_close(&mut events, 4001, "server says bye").await;
}

#[wasm_bindgen_test]
async fn rule6_goodbye_makes_the_echo_server_close() {
    let (socket, mut events) = open_echo(&["echo"]).await;
    socket.send_text("Goodbye").unwrap();
    expect_clean_close(&mut events, 1000, "").await;
}
