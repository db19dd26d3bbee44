//! wasm-ws in a worker, where apps put their connection to keep the page smooth: there is no
//! `window` and no document, relative URLs resolve against the worker's own URL, and only the
//! network's `online` and `offline` events (on the worker's global scope) say that it woke up.
//! Run in a dedicated worker (`dedicated.rs`) and in a shared worker (`shared.rs`), against the
//! real server, through the fault-injecting proxy.

use std::time::Duration;

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::*;
use wasm_ws_client::{
    resolve_url, Backoff, ConnectionEvent, ConnectionStatus, Message, ReconnectOptions,
    ReconnectingWebSocket, Sent, WebSocket,
};
use wasm_ws_test_support::{endpoint, here, next_within, order_proxy, until, PROXY};

#[wasm_bindgen(inline_js = r#"
// What the network says, as a test wants it, in a worker: `navigator.onLine` shadowed by an
// own property of the worker's navigator, then the event on the worker's global scope.
export function set_online(online) {
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
  self.dispatchEvent(new Event(online ? "online" : "offline"));
}
export function forget_online() { delete navigator.onLine; }
export function has_window() { return typeof window !== "undefined"; }
"#)]
extern "C" {
    fn set_online(online: bool);
    fn forget_online();
    fn has_window() -> bool;
}

fn quick() -> ReconnectOptions {
    ReconnectOptions {
        backoff: Backoff::constant(Duration::from_millis(100)),
        connect_timeout: Some(Duration::from_secs(2)),
        ..ReconnectOptions::default()
    }
}

#[wasm_bindgen_test]
fn there_is_no_window_and_relative_urls_resolve_against_the_worker() {
    assert!(!has_window(), "these tests run in a worker");
    let worker = web_sys::Url::new(&here()).unwrap();
    assert!(worker.pathname().ends_with(".js"), "{}", worker.href());
    let expected = format!("ws://{}/websocket/echo", worker.host());
    assert_eq!(resolve_url("/websocket/echo").unwrap(), expected);
    assert_eq!(WebSocket::open("/websocket/echo").unwrap().url(), expected);
}

#[wasm_bindgen_test]
async fn a_socket_echoes() {
    let socket = WebSocket::open(&endpoint("echo")).unwrap();
    socket.opened().await.unwrap();
    let mut messages = socket.stream();
    socket.send_text("from a worker").unwrap();
    let echo = next_within(&mut messages, Duration::from_secs(10), "the echo").await;
    assert_eq!(echo, Message::from("from a worker"));
    socket.close();
}

#[wasm_bindgen_test]
async fn a_reconnecting_connection_comes_back_and_flushes_what_waited() {
    order_proxy("restore").await;
    let connection =
        ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), quick()).unwrap();
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    order_proxy("refuse").await;
    order_proxy("cut").await;
    until(&mut events, "closed", |e| {
        matches!(e, ConnectionEvent::Closed(_))
    })
    .await;
    assert_eq!(
        connection.send(Message::from("while away")),
        Ok(Sent::Queued)
    );
    order_proxy("restore").await;
    let echo = until(&mut events, "the queued message's echo", |e| {
        matches!(e, ConnectionEvent::Message(_))
    })
    .await;
    assert_eq!(echo, ConnectionEvent::Message(Message::from("while away")));
    connection.close();
}

#[wasm_bindgen_test]
async fn offline_and_online_on_the_worker_scope_hold_and_resume_the_attempts() {
    order_proxy("refuse").await;
    let options = ReconnectOptions {
        reconnect_on_wake: true,
        backoff: Backoff::constant(Duration::from_secs(60)),
        ..quick()
    };
    let connection =
        ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), options).unwrap();
    let mut events = connection.events();
    until(&mut events, "a long wait", |e| {
        matches!(e, ConnectionEvent::Reconnecting { .. })
    })
    .await;
    set_online(false);
    assert_eq!(connection.status(), ConnectionStatus::Offline);
    order_proxy("restore").await;
    set_online(true);
    // At once, not after the minute's backoff.
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    forget_online();
    connection.close();
}
