//! Rule 9: events on failure, and their order (WPT: Create-on-worker-shutdown, constructor,
//! Close-server-initiated-close, opening-handshake/*).

use wasm_bindgen_test::*;
use wasm_ws::{Message, ReadyState, WebSocket};

use crate::support::{expect_failure, next_event, record, Event, SERVER};

#[wasm_bindgen_test]
async fn rule9_a_refused_connection_fires_error_then_close_1006() {
    // Port 9 (discard) is not listened on here: the connection is refused.
    let socket = WebSocket::open("ws://127.0.0.1:9/").unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
}

#[wasm_bindgen_test]
async fn rule9_a_failed_handshake_fires_error_then_close_1006() {
    // The server answers 404: no upgrade.
    let socket = WebSocket::open(&format!("{SERVER}/no-such-endpoint")).unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
}

#[wasm_bindgen_test]
async fn rule9_pings_are_answered_by_the_browser_and_invisible_to_script() {
    let socket = WebSocket::open(&crate::support::endpoint("ping")).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    // The server pinged on open; the first thing script sees is its report of our pong.
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::from("pong: are you there?"))
    );
    socket.close();
}
