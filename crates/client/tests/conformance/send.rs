//! Rule 7: `send()` and `bufferedAmount` (WPT: Send-before-open, Send-data, Send-binary-*,
//! Send-Unpaired-Surrogates, bufferedAmount/*, Send-after-close).

use wasm_bindgen_test::*;
use wasm_ws_client::{Error, Message, ReadyState, WebSocket};

use crate::support::{endpoint, next_event, open_echo, Event};

#[wasm_bindgen_test]
fn rule7_sending_while_connecting_is_an_invalid_state_error() {
    let socket = WebSocket::open(&endpoint("delay?ms=500")).unwrap();
    for result in [
        socket.send_text("early"),
        socket.send_bytes(b"early"),
        socket.send(&Message::from("early")),
    ] {
        assert_eq!(
            result.unwrap_err().dom_exception_name(),
            Some("InvalidStateError")
        );
    }
    assert_eq!(
        socket.buffered_amount(),
        0,
        "a rejected send is not buffered"
    );
}

#[wasm_bindgen_test]
async fn rule7_text_and_bytes_are_echoed_with_their_type() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.set_binary_type(wasm_ws_client::BinaryType::ArrayBuffer);
    let messages = [
        Message::from(""),
        Message::from("ASCII"),
        Message::from("Unicode: 你好 · привет · 👋🏽"),
        Message::from(vec![]),
        Message::from((0..=255).collect::<Vec<u8>>()),
        Message::from(vec![0x5A; 65_536 - 1]),
    ];
    for message in messages {
        socket.send(&message).unwrap();
        assert_eq!(next_event(&mut events).await, Event::Message(message));
    }
    socket.close();
}

#[wasm_bindgen_test]
async fn rule7_buffered_amount_grows_synchronously_by_the_utf8_length() {
    let (socket, mut events) = open_echo(&[]).await;
    let before = socket.buffered_amount();
    socket.send_text(&"é".repeat(500)).unwrap(); // 500 characters, 1000 bytes of UTF-8
    assert_eq!(socket.buffered_amount(), before + 1000);
    socket.send_bytes(&[7; 300]).unwrap();
    assert_eq!(socket.buffered_amount(), before + 1300);
    // Once both are echoed they were transmitted, and nothing is left buffered.
    next_event(&mut events).await;
    next_event(&mut events).await;
    assert_eq!(socket.buffered_amount(), 0);
    socket.close();
}

#[wasm_bindgen_test]
async fn rule7_a_send_after_close_is_reported_and_still_counted() {
    let (socket, mut events) = open_echo(&[]).await;
    socket.close();
    assert_eq!(
        socket.send_text("€€"),
        Err(Error::Closed(ReadyState::Closing))
    );
    assert!(matches!(
        next_event(&mut events).await,
        Event::Close(_, ReadyState::Closed)
    ));
    let before = socket.buffered_amount();
    assert_eq!(
        socket.send_text("é€"),
        Err(Error::Closed(ReadyState::Closed))
    );
    assert_eq!(
        socket.send_bytes(&[1; 10]),
        Err(Error::Closed(ReadyState::Closed))
    );
    // The browser drops these but counts them: 2 + 3 bytes of UTF-8, and 10 bytes.
    assert_eq!(socket.buffered_amount(), before + 15);
}
