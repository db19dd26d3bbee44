//! Components tested against the testing kit's fake server (cargo feature `testing`), with no
//! server running: the examples of `docs/testing.md` for Yew. The components are the app's
//! own, unchanged: only the URL they are given is the fake server's.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use serde::Deserialize;
use wasm_bindgen_test::*;
use wasm_ws_test_support::{new_root, text_of, wait_for_dom, Slot};
use wasm_ws_yew::{
    json::{JsonDecodeError, UseJsonWebSocketHandle, UseJsonWebSocketOptions},
    testing::FakeServer,
    use_json_websocket, use_reconnecting_websocket, Backoff, ConnectionStatus, Message,
    ReconnectOptions, UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
    WebSocketConsole, WebSocketProvider,
};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, Clone, PartialEq)]
struct StatusProps {
    url: AttrValue,
    /// Where the component leaves its handle, for the test to press "send" through.
    handle: Slot<UseReconnectingWebSocketHandle>,
}

/// The app's component: where its connection stands, and what waits to go out.
#[function_component]
fn ConnectionBadge(props: &StatusProps) -> Html {
    let connection = use_reconnecting_websocket(
        props.url.clone(),
        UseReconnectingWebSocketOptions {
            reconnect: ReconnectOptions {
                backoff: Backoff::constant(Duration::from_secs(5)),
                ..ReconnectOptions::default()
            },
            ..UseReconnectingWebSocketOptions::default()
        },
    );
    props.handle.put(connection.clone());
    let status = match &connection.status {
        ConnectionStatus::Open => "open",
        ConnectionStatus::Reconnecting { .. } => "reconnecting",
        ConnectionStatus::Connecting { .. } => "connecting",
        _ => "closed",
    };
    html! {
        <p>
            <span class="status">{ status }</span>
            <span class="queued">{ connection.queued_len }</span>
        </p>
    }
}

#[wasm_bindgen_test]
async fn a_component_shows_reconnecting_then_open_and_its_queued_message_arrives_once() {
    let server = FakeServer::new();
    let root = new_root();
    let handle = Slot::default();
    let props = StatusProps {
        url: server.url_for("/chat").into(),
        handle: handle.clone(),
    };
    yew::Renderer::<ConnectionBadge>::with_root_and_props(root.clone(), props).render();
    let status = || text_of(&root, ".status");

    let socket = server.accept().await;
    wait_for_dom(&root, "open", || status() == "open").await;
    socket.drop_connection();
    wait_for_dom(&root, "reconnecting", || status() == "reconnecting").await;

    // Sent while away: it waits, and the page says so.
    handle.get().send(Message::from("hello")).unwrap();
    wait_for_dom(&root, "one queued", || text_of(&root, ".queued") == "1").await;

    // The 5 s backoff passes at once.
    server.advance(Duration::from_secs(5)).await;
    let mut again = server.accept().await;
    wait_for_dom(&root, "open again", || status() == "open").await;
    assert_eq!(again.next_text().await, "hello");
    assert_eq!(again.try_next_message(), None, "once");
    wait_for_dom(&root, "nothing queued", || text_of(&root, ".queued") == "0").await;
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Price {
    symbol: String,
    cents: u64,
}

#[derive(Properties, Clone, PartialEq)]
struct TickerProps {
    url: AttrValue,
    handle: Slot<UseJsonWebSocketHandle<()>>,
}

/// The app's component: the last price, or what went wrong with the last message.
#[function_component]
fn Ticker(props: &TickerProps) -> Html {
    let last = use_state(|| None::<Price>);
    let problem = use_state(|| None::<String>);
    let options = UseJsonWebSocketOptions {
        on_message: Some({
            let (last, problem) = (last.setter(), problem.setter());
            Callback::from(move |price: Price| {
                last.set(Some(price));
                problem.set(None);
            })
        }),
        on_decode_error: Some({
            let problem = problem.setter();
            Callback::from(move |error: JsonDecodeError| problem.set(Some(error.to_string())))
        }),
        ..UseJsonWebSocketOptions::default()
    };
    let connection = use_json_websocket::<Price, ()>(props.url.clone(), options);
    props.handle.put(connection);
    html! {
        <div>
            <p class="price">{ last.as_ref().map(|p| format!("{} {}", p.symbol, p.cents)).unwrap_or_default() }</p>
            <p class="problem">{ problem.as_deref().unwrap_or_default() }</p>
        </div>
    }
}

#[wasm_bindgen_test]
async fn a_message_that_is_not_the_expected_json_is_shown_to_the_user() {
    let server = FakeServer::new();
    let root = new_root();
    let props = TickerProps {
        url: server.url_for("/prices").into(),
        handle: Slot::default(),
    };
    yew::Renderer::<Ticker>::with_root_and_props(root.clone(), props).render();
    let socket = server.accept().await;
    socket.send(r#"{"symbol":"ACME","cents":1234}"#);
    wait_for_dom(&root, "the price", || {
        text_of(&root, ".price") == "ACME 1234"
    })
    .await;
    socket.send(r#"{"symbol":"ACME","cents":"a lot"}"#);
    wait_for_dom(&root, "the decode error", || {
        text_of(&root, ".problem").starts_with("the message is not the expected JSON: invalid type")
    })
    .await;
    assert_eq!(
        text_of(&root, ".price"),
        "ACME 1234",
        "the last good price stays"
    );
}

#[derive(Properties, Clone, PartialEq)]
struct TabProps {
    url: AttrValue,
}

/// A tab of the app: a provider shared across tabs, and the console that shows it.
#[function_component]
fn SharedTab(props: &TabProps) -> Html {
    html! {
        <WebSocketProvider url={props.url.clone()} share_across_tabs="dashboard@1">
            <WebSocketConsole />
        </WebSocketProvider>
    }
}

#[wasm_bindgen_test]
async fn two_tabs_share_one_connection_and_each_console_says_its_part() {
    let server = FakeServer::new();
    let url: AttrValue = server.url().into();
    let (first, second) = (new_root(), new_root());
    let props = TabProps { url: url.clone() };
    yew::Renderer::<SharedTab>::with_root_and_props(first.clone(), props.clone()).render();
    yew::Renderer::<SharedTab>::with_root_and_props(second.clone(), props).render();
    let role = |root: &web_sys::Element| {
        root.query_selector(".wsc-role")
            .ok()
            .flatten()
            .and_then(|role| role.get_attribute("data-role"))
            .unwrap_or_default()
    };
    let socket = server.accept().await;
    for root in [&first, &second] {
        wait_for_dom(root, "open", || text_of(root, ".wsc-state") == "OPEN").await;
    }
    // Which tab leads is the lock's choice: one does, the other follows.
    let mut roles = [role(&first), role(&second)];
    roles.sort();
    assert_eq!(roles, ["following", "leading"]);
    let labels = [text_of(&first, ".wsc-role"), text_of(&second, ".wsc-role")];
    assert!(labels.contains(&"following tab".to_owned()), "{labels:?}");

    // What the server pushes shows in both; one connection.
    socket.send("0.42");
    for root in [&first, &second] {
        wait_for_dom(root, "the push", || {
            text_of(root, ".wsc-log").contains("0.42")
        })
        .await;
    }
    assert_eq!(server.connections(), 1);
}
