//! wasm-ws over `wss://`, in a real browser, against wasm-ws-server serving TLS itself (cargo
//! feature `tls`) with a throwaway certificate. The test runner tells both engines to accept
//! it (`webdriver.json` beside `Cargo.toml`: `acceptInsecureCerts`, and Chromium's
//! `--ignore-certificate-errors`). `WASM_WS_TEST_TLS_SERVER` comes in at compile time.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use wasm_ws_client::{
    CloseEvent, ConnectionEvent, Message, ReadyState, ReconnectOptions, ReconnectingWebSocket,
    WebSocket,
};
use wasm_ws_test_support::{next_within, until, PATIENCE, TLS_SERVER};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_socket_opens_echoes_and_closes_cleanly_over_wss() {
    let url = format!("{TLS_SERVER}/websocket/echo");
    let socket = WebSocket::open(&url).unwrap();
    assert!(socket.url().starts_with("wss://"));
    socket
        .opened()
        .await
        .expect("the TLS handshake and the upgrade");
    let mut messages = socket.stream();
    socket.send_text("over TLS ✓").unwrap();
    assert_eq!(
        next_within(&mut messages, PATIENCE, "the echo").await,
        Message::from("over TLS ✓")
    );
    let closed = socket.close_and_wait(1000, "done").await.unwrap();
    assert_eq!(
        closed,
        CloseEvent {
            code: 1000,
            reason: "done".into(),
            was_clean: true
        }
    );
    assert_eq!(socket.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn a_reconnecting_connection_works_over_wss() {
    let url = format!("{TLS_SERVER}/websocket/echo");
    let connection = ReconnectingWebSocket::open(&url, ReconnectOptions::default()).unwrap();
    let mut events = connection.events();
    until(&mut events, "open", |event| *event == ConnectionEvent::Open).await;
    connection.send(Message::from("resilient")).unwrap();
    assert_eq!(
        until(&mut events, "the echo", |event| matches!(
            event,
            ConnectionEvent::Message(_)
        ))
        .await,
        ConnectionEvent::Message(Message::from("resilient"))
    );
    connection.close();
}
