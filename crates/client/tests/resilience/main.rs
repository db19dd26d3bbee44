//! `ReconnectingWebSocket` in a real browser against the real server, through a
//! fault-injecting TCP proxy (`tests/fault-proxy/proxy.mjs`) that the tests drive over HTTP:
//! cut every connection, refuse new ones, or go silent without closing.
//!
//! `WASM_WS_TEST_SERVER`, `WASM_WS_TEST_PROXY` and `WASM_WS_TEST_PROXY_CONTROL` come in at
//! compile time (scripts/test.sh starts both and sets them). By hand: the server on :3000, and
//! `node tests/fault-proxy/proxy.mjs --target 127.0.0.1:3000 --port 3001 --control-port 3002`.
//!
//! The proxy is shared, so the tests that inject faults run one after another (wasm-bindgen-test
//! runs async tests one at a time).

use std::time::Duration;

use futures_util::StreamExt;
use gloo_timers::future::sleep;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wasm_ws::{
    Backoff, ConnectionEvent, ConnectionEvents, Heartbeat, Message, ReconnectOptions,
    ReconnectingWebSocket, SendError, Sent,
};

wasm_bindgen_test_configure!(run_in_browser);

const SERVER: &str = match option_env!("WASM_WS_TEST_SERVER") {
    Some(server) => server,
    None => "ws://127.0.0.1:3000",
};
const PROXY: &str = match option_env!("WASM_WS_TEST_PROXY") {
    Some(proxy) => proxy,
    None => "ws://127.0.0.1:3001",
};
const PROXY_CONTROL: &str = match option_env!("WASM_WS_TEST_PROXY_CONTROL") {
    Some(control) => control,
    None => "http://127.0.0.1:3002",
};

/// Orders the proxy: "cut", "refuse", "silence" or "restore".
async fn proxy(command: &str) {
    let window = web_sys::window().unwrap();
    let response = JsFuture::from(window.fetch_with_str(&format!("{PROXY_CONTROL}/{command}")))
        .await
        .unwrap();
    assert!(
        response.unchecked_into::<web_sys::Response>().ok(),
        "proxy {command}"
    );
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

fn now() -> f64 {
    js_sys::Date::now()
}

/// The next event, failing the test after `seconds`.
async fn next(events: &mut ConnectionEvents, seconds: u64) -> ConnectionEvent {
    let timeout = sleep(Duration::from_secs(seconds));
    futures_util::pin_mut!(timeout);
    match futures_util::future::select(events.next(), timeout).await {
        futures_util::future::Either::Left((Some(event), _)) => event,
        futures_util::future::Either::Left((None, _)) => panic!("the events ended"),
        futures_util::future::Either::Right(_) => panic!("no event within {seconds} s"),
    }
}

/// Skips events until one matches.
async fn until(
    events: &mut ConnectionEvents,
    what: &str,
    matches: impl Fn(&ConnectionEvent) -> bool,
) -> ConnectionEvent {
    loop {
        let event = next(events, 10).await;
        if matches(&event) {
            return event;
        }
        let _ = what;
    }
}

#[wasm_bindgen_test]
async fn messages_sent_while_down_arrive_once_in_order_before_newer_ones() {
    proxy("restore").await;
    let connection = ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), quick(50));
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;

    proxy("refuse").await;
    proxy("cut").await;
    until(&mut events, "closed", |e| {
        matches!(e, ConnectionEvent::Closed(_))
    })
    .await;
    for n in 0..100 {
        assert_eq!(
            connection.send(Message::from(n.to_string())),
            Ok(Sent::Queued)
        );
    }
    assert_eq!(connection.queued_len(), 100);
    // A few refused attempts go by while the messages wait.
    until(&mut events, "a second reconnection", |e| {
        matches!(e, ConnectionEvent::Reconnecting { attempt: 2, .. })
    })
    .await;
    assert_eq!(connection.queued_len(), 100);

    proxy("restore").await;
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    assert_eq!(connection.queued_len(), 0, "flushed on open");
    assert_eq!(connection.send(Message::from("after")), Ok(Sent::Now));

    let mut echoed = Vec::new();
    while echoed.len() < 101 {
        if let ConnectionEvent::Message(Message::Text(text)) = next(&mut events, 10).await {
            echoed.push(text);
        }
    }
    let expected: Vec<String> = (0..100)
        .map(|n| n.to_string())
        .chain(["after".to_owned()])
        .collect();
    assert_eq!(
        echoed, expected,
        "every message exactly once, in order, before the newer one"
    );
    let lost = expected.iter().filter(|m| !echoed.contains(m)).count();
    let duplicated = echoed.len() - expected.len();
    web_sys::console::log_1(
        &format!("resilience: 100 messages across a cut: {lost} lost, {duplicated} duplicated")
            .into(),
    );
    connection.close();
}

#[wasm_bindgen_test]
async fn the_backoff_grows_as_configured_gives_up_and_reconnect_starts_over() {
    proxy("refuse").await;
    let options = ReconnectOptions {
        max_attempts: Some(4),
        // Firefox itself delays a new connection to a host whose last attempts failed
        // (RFC 6455 section 7.2.3), by seconds after a few: leave room for that after reconnect().
        connect_timeout: Some(Duration::from_secs(8)),
        ..quick(100)
    };
    let connection = ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();

    // Stamped when emitted (a handler runs synchronously); the stream only tells when to stop,
    // and reading it may lag the emission by a few milliseconds.
    let stamped = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let log = stamped.clone();
    connection.on_event(move |event| log.borrow_mut().push((now(), event)));
    let gave_up = loop {
        if let ConnectionEvent::GaveUp { attempts } = next(&mut events, 10).await {
            break attempts;
        }
    };
    let mut announced = Vec::new();
    let mut measured = Vec::new();
    let mut waiting_since = None;
    for (at, event) in stamped.borrow().iter() {
        match event {
            ConnectionEvent::Reconnecting { attempt, delay } => {
                announced.push((*attempt, delay.as_millis() as u64));
                waiting_since = Some(*at);
            }
            ConnectionEvent::Connecting { .. } => {
                if let Some(since) = waiting_since.take() {
                    measured.push(at - since);
                }
            }
            _ => {}
        }
    }
    assert_eq!(announced, [(1, 100), (2, 200), (3, 400), (4, 800)]);
    assert_eq!(gave_up, 4);
    for ((_, delay), waited) in announced.iter().zip(&measured) {
        // Timers never fire early (Date.now() has 1 ms steps); a busy page may make them late.
        assert!(
            *waited >= *delay as f64 - 1.0 && *waited < *delay as f64 * 1.5 + 100.0,
            "waited {waited} ms for {delay} ms"
        );
    }
    web_sys::console::log_1(
        &format!("resilience: backoff announced {announced:?} ms, measured {measured:.0?} ms")
            .into(),
    );

    // After giving up nothing more happens, until reconnect().
    sleep(Duration::from_millis(300)).await;
    assert!(connection.socket().is_none());
    proxy("restore").await;
    connection.reconnect();
    assert_eq!(
        next(&mut events, 5).await,
        ConnectionEvent::Connecting { attempt: 0 }
    );
    assert_eq!(next(&mut events, 9).await, ConnectionEvent::Open);
    connection.close();
}

#[wasm_bindgen_test]
async fn close_during_backoff_stops_everything() {
    proxy("refuse").await;
    let connection = ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), quick(200));
    let mut events = connection.events();
    until(&mut events, "a reconnection", |e| {
        matches!(e, ConnectionEvent::Reconnecting { .. })
    })
    .await;
    connection.close();
    assert_eq!(events.next().await, None, "the events end");
    let mut after = connection.events();
    sleep(Duration::from_millis(600)).await;
    assert!(connection.socket().is_none(), "no attempt after close()");
    assert!(futures_util::FutureExt::now_or_never(after.next())
        .flatten()
        .is_none());
    assert!(matches!(
        connection.send(Message::from("late")),
        Err(SendError::Closed(_))
    ));
    proxy("restore").await;
}

#[wasm_bindgen_test]
async fn the_queue_is_bounded_and_can_be_inspected_and_drained() {
    proxy("refuse").await;
    let options = ReconnectOptions {
        queue: wasm_ws::QueueLimits {
            max_messages: 3,
            max_bytes: 10,
        },
        ..quick(1000)
    };
    let connection = ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), options);
    assert_eq!(connection.send(Message::from("aaaa")), Ok(Sent::Queued));
    assert_eq!(connection.send(Message::from("bbbb")), Ok(Sent::Queued));
    assert_eq!(
        connection.send(Message::from("ccc")),
        Err(SendError::QueueFull(Message::from("ccc"))),
        "11 bytes > 10"
    );
    assert_eq!(connection.send(Message::from("cc")), Ok(Sent::Queued));
    assert_eq!(
        connection.send(Message::from("")),
        Err(SendError::QueueFull(Message::from(""))),
        "4 messages > 3"
    );
    assert_eq!(
        (connection.queued_len(), connection.queued_bytes()),
        (3, 10)
    );
    assert_eq!(
        connection.queued(),
        [
            Message::from("aaaa"),
            Message::from("bbbb"),
            Message::from("cc")
        ]
    );
    assert_eq!(connection.drain_queue().len(), 3);
    assert_eq!((connection.queued_len(), connection.queued_bytes()), (0, 0));
    connection.close();
    proxy("restore").await;
}

#[wasm_bindgen_test]
async fn a_silent_connection_is_detected_by_the_heartbeat_and_comes_back() {
    proxy("restore").await;
    let options = ReconnectOptions {
        heartbeat: Some(Heartbeat {
            interval: Duration::from_millis(200),
            timeout: Duration::from_millis(300),
            ping: Message::from("heartbeat"),
            is_reply: Some(std::rc::Rc::new(|message| {
                message.as_text() == Some("heartbeat")
            })),
        }),
        connect_timeout: Some(Duration::from_millis(500)),
        ..quick(100)
    };
    let connection = ReconnectingWebSocket::open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;

    // While healthy, pings go out and their echoes are kept from the user.
    sleep(Duration::from_millis(700)).await;
    assert!(
        futures_util::FutureExt::now_or_never(events.next()).is_none(),
        "heartbeat replies are not delivered"
    );

    proxy("silence").await;
    let silenced = now();
    let closed = until(&mut events, "the heartbeat's verdict", |e| {
        matches!(e, ConnectionEvent::Closed(_))
    })
    .await;
    let detected_after = now() - silenced;
    assert_eq!(
        closed,
        ConnectionEvent::Closed(wasm_ws::CloseEvent {
            code: 1006,
            reason: "heartbeat timeout".into(),
            was_clean: false
        })
    );
    // At most: the idle interval, half an interval between checks, then the timeout.
    assert!(
        detected_after < 200.0 + 100.0 + 300.0 + 250.0,
        "detected after {detected_after} ms"
    );

    proxy("restore").await;
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    connection.send(Message::from("back")).unwrap();
    assert_eq!(
        until(&mut events, "the echo", |e| matches!(
            e,
            ConnectionEvent::Message(_)
        ))
        .await,
        ConnectionEvent::Message(Message::from("back"))
    );
    web_sys::console::log_1(
        &format!("resilience: silence detected after {detected_after:.0} ms").into(),
    );
    connection.close();
}

/// The JS heap in use, where the browser reports it (Chromium), after a full collection when
/// the browser exposes `gc()`.
fn js_heap_bytes() -> Option<f64> {
    let global = js_sys::global();
    if let Ok(gc) =
        js_sys::Reflect::get(&global, &"gc".into()).and_then(|gc| gc.dyn_into::<js_sys::Function>())
    {
        let _ = gc.call0(&JsValue::NULL);
    }
    let performance = js_sys::Reflect::get(&global, &"performance".into()).ok()?;
    let memory = js_sys::Reflect::get(&performance, &"memory".into())
        .ok()
        .filter(|m| !m.is_undefined())?;
    js_sys::Reflect::get(&memory, &"usedJSHeapSize".into())
        .ok()?
        .as_f64()
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

async fn open_close_cycles(count: usize) {
    for _ in 0..count {
        let connection = ReconnectingWebSocket::open(
            &format!("{SERVER}/websocket/echo"),
            ReconnectOptions::default(),
        );
        let mut events = connection.events();
        until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
        connection.close();
        until(&mut events, "closed", |e| {
            matches!(e, ConnectionEvent::Closed(_))
        })
        .await;
    }
}

#[wasm_bindgen_test]
async fn a_thousand_open_close_cycles_leave_memory_flat() {
    open_close_cycles(50).await; // warm up: allocator pools, JIT, caches
    sleep(Duration::from_millis(100)).await;
    let (wasm_before, heap_before) = (wasm_memory_bytes(), js_heap_bytes());
    let started = now();
    open_close_cycles(1000).await;
    let took = now() - started;
    sleep(Duration::from_millis(100)).await;
    let (wasm_after, heap_after) = (wasm_memory_bytes(), js_heap_bytes());

    let report = format!(
        "resilience: 1000 open/close cycles in {took:.0} ms: wasm memory {wasm_before} -> {wasm_after} bytes; JS heap {heap_before:?} -> {heap_after:?} bytes"
    );
    web_sys::console::log_1(&report.clone().into());
    assert!(wasm_after - wasm_before <= 128.0 * 1024.0, "{report}");
    if let (Some(before), Some(after)) = (heap_before, heap_after) {
        assert!(after - before <= 2.0 * 1024.0 * 1024.0, "{report}");
    }
}
