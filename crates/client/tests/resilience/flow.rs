//! Flow control against a slow reader: the proxy stops reading what the client sends
//! (`pause`), so that the kernel's buffers fill and then the browser's (`bufferedAmount`), as
//! over a slow uplink; then it reads again (`resume`). What waits is woken by the drain, not
//! by time: each check comes after an event (the proxy's answer), never after a sleep.
//!
//! Engines differ in what `bufferedAmount` counts (docs/engine-differences.md): Chromium's
//! counts what has not reached the kernel, so it stays high while the proxy reads nothing;
//! Firefox's and WebKit's count what has not reached their network process, so it falls to
//! zero at the next task whatever the network does. Flow control follows the browser's figure
//! in every engine, so after the round trip the tests check whichever the engine reports.

use std::{future::Future, pin::pin, pin::Pin};

use futures_util::{Sink, SinkExt};
use wasm_bindgen_test::*;
use wasm_ws_client::{
    BinaryType, ConnectionEvent, FlowControl, Message, ReconnectOptions, ReconnectingWebSocket,
    Sent, WebSocket,
};
use wasm_ws_test_support::{until, PROXY};

use super::proxy;

/// The marks under test: small, so that the browser's buffer crosses them soon.
const FLOW: FlowControl = FlowControl {
    high_water_mark: 256 << 10,
    low_water_mark: 64 << 10,
};
const CHUNK: usize = 64 << 10;
/// Enough that Chromium still counts megabytes as buffered a round trip after the flood, with
/// the proxy reading nothing. Each flood is echoed once the proxy reads again: at 48 MiB that
/// took 17 s through the proxy and the test server (a debug build), and the next tests'
/// connections waited behind it; at 8 MiB, 3 s.
const FLOOD: usize = 8 << 20;

/// Whether `future` is ready when polled once now.
fn ready_now(future: impl Future) -> bool {
    let waker = futures_util::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    pin!(future).poll(&mut cx).is_ready()
}

/// Hands `FLOOD` bytes to `socket` at once (bypassing any flow control), while the proxy reads
/// nothing: the browser's buffer then holds megabytes.
fn flood(socket: &WebSocket) {
    let chunk = vec![1u8; CHUNK];
    for _ in 0..FLOOD / CHUNK {
        socket.send_bytes(&chunk).unwrap();
    }
}

/// Whether the browser still counts more than the high-water mark as buffered, a task after
/// the flood with the proxy reading nothing: in Chromium yes; in Firefox and WebKit the
/// figure is already zero (the bytes wait in their network process instead), which is logged.
fn still_full(socket: &WebSocket) -> bool {
    let buffered = socket.buffered_amount() as usize;
    if buffered <= FLOW.high_water_mark {
        web_sys::console::log_1(
            &format!("bufferedAmount {buffered} a task after the flood: the engine's network process holds the rest").into(),
        );
    }
    buffered > FLOW.high_water_mark
}

#[wasm_bindgen_test]
async fn the_sink_waits_above_the_high_water_mark_until_the_buffer_drains_to_the_low_one() {
    proxy("restore").await;
    let socket = WebSocket::open(&format!("{PROXY}/websocket/echo")).unwrap();
    socket.set_binary_type(BinaryType::ArrayBuffer);
    socket.set_flow_control(Some(FLOW));
    socket.opened().await.unwrap();
    let mut sink = socket.stream();
    assert!(
        ready_now(std::future::poll_fn(|cx| Pin::new(&mut sink).poll_ready(cx))),
        "empty"
    );

    proxy("pause").await;
    flood(&socket);
    assert!(socket.buffered_amount() as usize > FLOW.high_water_mark);
    let mut ready = std::future::poll_fn(|cx| Pin::new(&mut sink).poll_ready(cx));
    assert!(!ready_now(&mut ready), "above the mark: pending");
    // The proxy still reads nothing (its answer is an event, later than the sink's timer).
    proxy("status").await;
    if still_full(&socket) {
        assert!(!ready_now(&mut ready), "nothing drained: still pending");
    }
    proxy("resume").await;
    ready.await.unwrap();
    let left = socket.buffered_amount() as usize;
    assert!(
        left <= FLOW.low_water_mark,
        "ready once drained to the low-water mark: {left} bytes left"
    );
    sink.send(Message::Binary(vec![2; CHUNK])).await.unwrap();
    socket.close();
    // The closing handshake comes after the flood's 48 MiB and their echoes: awaited, so that
    // the next test's connections do not queue behind them in the proxy.
    socket.closed().await;
}

#[wasm_bindgen_test]
async fn send_ready_waits_while_the_network_takes_nothing_and_resumes_as_it_drains() {
    proxy("restore").await;
    let connection = ReconnectingWebSocket::open(
        &format!("{PROXY}/websocket/echo"),
        ReconnectOptions {
            flow_control: Some(FLOW),
            ..ReconnectOptions::default()
        },
    )
    .unwrap();
    connection.send_ready().await;
    proxy("pause").await;
    flood(&connection.socket().expect("open"));

    // Above the mark: a send waits in the queue, and `send_ready` waits.
    assert_eq!(
        connection.send(Message::from("after the flood")),
        Ok(Sent::Queued)
    );
    assert!(!ready_now(connection.send_ready()));
    proxy("status").await;
    if still_full(&connection.socket().expect("open")) {
        assert!(
            !ready_now(connection.send_ready()),
            "nothing drained: still waiting"
        );
        assert_eq!(connection.queued_len(), 1);
    }
    proxy("resume").await;
    connection.send_ready().await;
    assert_eq!(
        connection.queued_len(),
        0,
        "the queued message went as the buffer drained"
    );
    let mut events = connection.events();
    connection.close();
    // As above: the flood and its echoes are through before the next test.
    until(&mut events, "closed", |event| {
        matches!(event, ConnectionEvent::Closed(_))
    })
    .await;
}
