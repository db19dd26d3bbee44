//! Waking up: a page that becomes visible, the network that comes back or goes.

use super::{heartbeat::reported_heartbeat, *};

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
// What the browser says about the network, as a test wants it: `navigator.onLine` shadowed by
// an own property, then the matching event, as the browser fires it.
export function set_online(online) {
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
  window.dispatchEvent(new Event(online ? "online" : "offline"));
}
export function forget_online() { delete navigator.onLine; }
// The page coming back into view (headless pages are always visible).
export function page_became_visible() { document.dispatchEvent(new Event("visibilitychange")); }
"#)]
extern "C" {
    fn set_online(online: bool);
    fn forget_online();
    fn page_became_visible();
}

/// Options that come back on wake, with a long backoff that a wake must cut short.
fn waking(backoff_ms: u64) -> ReconnectOptions {
    ReconnectOptions {
        reconnect_on_wake: true,
        ..quick(backoff_ms)
    }
}

/// The browser says it is online again: the connection dials at once, with the attempt
/// counter reset, and opens.
async fn back_online_and_open(events: &mut ConnectionEvents) {
    set_online(true);
    forget_online();
    assert_eq!(
        next(events, 1).await,
        ConnectionEvent::Connecting { attempt: 0 }
    );
    until(events, "open", |e| *e == ConnectionEvent::Open).await;
}

#[wasm_bindgen_test]
async fn a_page_that_becomes_visible_while_waiting_connects_at_once() {
    proxy("refuse").await;
    let connection = open(&format!("{PROXY}/websocket/echo"), waking(5000));
    let mut events = connection.events();
    until(&mut events, "the first reconnection's wait", |e| {
        matches!(e, ConnectionEvent::Reconnecting { attempt: 1, .. })
    })
    .await;
    proxy("restore").await;
    let woke = now();
    page_became_visible();
    assert_eq!(
        next(&mut events, 1).await,
        ConnectionEvent::Connecting { attempt: 0 },
        "at once, the attempt counter reset"
    );
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    let took = now() - woke;
    web_sys::console::log_1(
        &format!("resilience: visible to open in {took:.0} ms instead of the 5000 ms backoff")
            .into(),
    );
    assert!(took < 2500.0, "{took} ms");
    connection.close();
}

#[wasm_bindgen_test]
async fn coming_back_online_after_giving_up_connects_at_once() {
    proxy("refuse").await;
    let options = ReconnectOptions {
        max_attempts: Some(1),
        ..waking(50)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "giving up", |e| {
        matches!(e, ConnectionEvent::GaveUp { .. })
    })
    .await;
    proxy("restore").await;
    let online = now();
    back_online_and_open(&mut events).await;
    web_sys::console::log_1(
        &format!(
            "resilience: online to open in {:.0} ms after giving up",
            now() - online
        )
        .into(),
    );
    connection.close();
}

#[wasm_bindgen_test]
async fn while_offline_nothing_is_dialled_and_online_connects_at_once() {
    proxy("refuse").await;
    let connection = open(&format!("{PROXY}/websocket/echo"), waking(100));
    let mut events = connection.events();
    until(&mut events, "a reconnection's wait", |e| {
        matches!(e, ConnectionEvent::Reconnecting { .. })
    })
    .await;
    set_online(false);
    assert_eq!(next(&mut events, 1).await, ConnectionEvent::Offline);
    assert_eq!(connection.status(), ConnectionStatus::Offline);
    // That no attempt is made while offline, however long, is shown in virtual time
    // (testing_kit.rs).
    assert!(connection.socket().is_none());
    assert_eq!(
        connection.send(Message::from("held")),
        Ok(Sent::Queued),
        "sends wait in the queue"
    );

    proxy("restore").await;
    back_online_and_open(&mut events).await;
    assert_eq!(
        until(&mut events, "the held message's echo", |e| matches!(
            e,
            ConnectionEvent::Message(_)
        ))
        .await,
        ConnectionEvent::Message(Message::from("held"))
    );
    connection.close();
}

#[wasm_bindgen_test]
async fn a_page_that_becomes_visible_while_open_probes_at_once() {
    proxy("restore").await;
    // An interval long enough that only the wake can send a ping within the test.
    let (heartbeat, mut replies) =
        reported_heartbeat("probe", Duration::from_secs(60), Duration::from_secs(2));
    let options = ReconnectOptions {
        heartbeat: Some(heartbeat),
        ..waking(100)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    page_became_visible();
    next_within(&mut replies, Duration::from_secs(1), "the probe's reply").await;
    connection.close();
}
