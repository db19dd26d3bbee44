//! Sharing across tabs on the browser's own lock and channel (Web Locks, `BroadcastChannel`),
//! with two connections of one page standing for two tabs: a lock and a channel behave the
//! same between two objects of a page as between two tabs of an origin. What the fake
//! server's tabs (`tests/tabs.rs`) cannot show: which transport a connection runs on when
//! there is no fake server to route it to.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use wasm_ws_client::{ConnectionEvent, Message, ReconnectOptions, ReconnectingWebSocket, TabRole};
use wasm_ws_test_support::{until, SERVER};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_following_tab_that_connects_elsewhere_holds_its_own_socket_there() {
    let echo = format!("{SERVER}/websocket/echo");
    let leader =
        ReconnectingWebSocket::open_shared(&echo, ReconnectOptions::default(), "switch").unwrap();
    let mut leading = leader.events();
    until(&mut leading, "the first tab leads", |event| {
        *event == ConnectionEvent::Role(TabRole::Leading)
    })
    .await;
    until(&mut leading, "its socket opens", |event| {
        *event == ConnectionEvent::Open
    })
    .await;

    // Listened to before it connects: following an open connection, it is open at once.
    let tab = ReconnectingWebSocket::new(ReconnectOptions::default()).unwrap();
    let mut events = tab.events();
    tab.share_across_tabs("switch");
    tab.connect(&echo).unwrap();
    until(&mut events, "the second tab follows, open", |event| {
        *event == ConnectionEvent::Open
    })
    .await;
    assert_eq!(tab.tab_role(), TabRole::Following);

    // Another URL is another group, which this tab is alone in: it leads it, on a socket of its
    // own (not on the relay it followed the first group through), and hears that server.
    tab.connect(&format!("{SERVER}/websocket/test")).unwrap();
    until(&mut events, "the other server's greeting", |event| {
        *event == ConnectionEvent::Message(Message::from("连接成功"))
    })
    .await;
    assert_eq!(tab.tab_role(), TabRole::Leading);
    assert!(tab.socket().is_some(), "a browser socket of its own");
    tab.close();
    leader.close();
}
