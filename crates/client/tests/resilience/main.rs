//! `ReconnectingWebSocket` in a real browser against the real server, through a
//! fault-injecting TCP proxy (`tests/fault-proxy/proxy.mjs`) that the tests drive over HTTP:
//! cut every connection, refuse new ones, or go silent without closing.
//!
//! `WASM_WS_TEST_SERVER`, `WASM_WS_TEST_PROXY` and `WASM_WS_TEST_PROXY_CONTROL` come in at
//! compile time (scripts/test.sh starts both and sets them). By hand: the server on :3000, and
//! `node tests/fault-proxy/proxy.mjs --target 127.0.0.1:3000 --port 3001 --control-port 3002`.
//!
//! The proxy is shared, so the tests that inject faults run one after another (wasm-bindgen-test
//! runs async tests one at a time). This file holds what the tests share; each module one
//! concern: `queue`, `backoff`, `heartbeat`, `acknowledgements`, `wake`, `memory`, `flow`.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc, time::Duration};

use futures_util::{FutureExt, StreamExt};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use wasm_ws_client::{
    reconnecting::ConnectionStatus, Backoff, CloseEvent, ConnectionEvent, ConnectionEvents, Error,
    Heartbeat, Message, ReconnectOptions, ReconnectingWebSocket, SendError, Sent,
};
use wasm_ws_test_support::{next_within, order_proxy, until, PROXY, SERVER};

wasm_bindgen_test_configure!(run_in_browser);

mod acknowledgements;
mod backoff;
mod flow;
mod heartbeat;
mod memory;
mod queue;
mod wake;

/// Orders the proxy: "cut", "refuse", "silence" or "restore".
async fn proxy(command: &str) {
    order_proxy(command).await;
}

/// Quick settings for tests: short, exact delays (no jitter).
fn quick(initial_ms: u64) -> ReconnectOptions {
    ReconnectOptions {
        backoff: Backoff {
            initial: Duration::from_millis(initial_ms),
            max: Duration::from_secs(2),
            factor: 2.0,
            jitter: 0.0,
        },
        connect_timeout: Some(Duration::from_millis(1000)),
        min_uptime: Duration::from_millis(200),
        ..ReconnectOptions::default()
    }
}

fn open(url: &str, options: ReconnectOptions) -> ReconnectingWebSocket {
    ReconnectingWebSocket::open(url, options).expect("a valid URL")
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The next event but the lengths of the queue and the window (reported as they change, and
/// not what these tests look at), failing the test after `seconds`.
async fn next(events: &mut ConnectionEvents, seconds: u64) -> ConnectionEvent {
    loop {
        let event = next_within(events, Duration::from_secs(seconds), "the next event").await;
        if !matches!(event, ConnectionEvent::Backlog { .. }) {
            return event;
        }
    }
}

/// The texts echoed, in order, up to and with `last`: the server echoes in order, so whatever
/// sent before `last` is missing by then was lost.
async fn echoed_until(events: &mut ConnectionEvents, last: &str) -> Vec<String> {
    let mut echoed = Vec::new();
    loop {
        if let ConnectionEvent::Message(Message::Text(text)) = next(events, 10).await {
            let done = text == last;
            echoed.push(text);
            if done {
                return echoed;
            }
        }
    }
}

fn is_closed(event: &ConnectionEvent) -> bool {
    matches!(event, ConnectionEvent::Closed(_))
}

/// What `close()` reports when no socket was open: 1005, clean.
fn stopped() -> ConnectionEvent {
    ConnectionEvent::Closed(CloseEvent {
        code: 1005,
        reason: String::new(),
        was_clean: true,
    })
}
