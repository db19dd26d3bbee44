//! Server-side rendering: the console and every hook render natively with Yew's
//! `ServerRenderer`, without a browser (the library does not force Yew's `csr` feature, and
//! nothing touches the browser before an effect runs, which the server never does).

// Native only: this is what a server renders.
#![cfg(not(target_arch = "wasm32"))]

use wasm_ws_yew::{
    use_message_history, use_reconnecting_websocket, use_websocket, use_websocket_context,
    use_websocket_subscription, ConsoleIds, HistoryOptions, Message,
    UseReconnectingWebSocketOptions, UseWebSocketOptions, WebSocketConsole, WebSocketProvider,
};
use yew::prelude::*;

#[function_component]
fn Hooks() -> Html {
    let plain = use_websocket("/websocket/test", UseWebSocketOptions::default());
    let resilient = use_reconnecting_websocket(
        "/websocket/test",
        UseReconnectingWebSocketOptions::default(),
    );
    let history = use_message_history(HistoryOptions::default());
    html! {
        <p id="hooks">
            { format!("plain {} / resilient {:?} / history {}", plain.ready_state.name(), resilient.status, history.total()) }
        </p>
    }
}

#[function_component]
fn Consumer() -> Html {
    let shared = use_websocket_context();
    use_websocket_subscription(Callback::from(|_: Message| {}));
    html! { <p id="consumer">{ format!("shared {:?}, {} queued", shared.status, shared.queued_len) }</p> }
}

#[cfg(feature = "json")]
#[function_component]
fn Json() -> Html {
    use wasm_ws_yew::{
        json::UseJsonWebSocketOptions, use_json_websocket, use_json_websocket_context,
    };
    let direct = use_json_websocket::<Vec<u32>, Vec<u32>>(
        "/websocket/test",
        UseJsonWebSocketOptions::default(),
    );
    let shared = use_json_websocket_context::<Vec<u32>, Vec<u32>>(Callback::noop(), None);
    html! { <p id="json">{ format!("json {:?} / {:?}", direct.status, shared.status) }</p> }
}

#[cfg(not(feature = "json"))]
#[function_component]
fn Json() -> Html {
    html! {}
}

#[function_component]
fn App() -> Html {
    html! {
        <>
            <WebSocketConsole url="/websocket/test" ids={ConsoleIds::tutorial()} />
            <Hooks />
            <WebSocketProvider url="/websocket/test">
                <Consumer />
                <Json />
            </WebSocketProvider>
        </>
    }
}

#[tokio::test]
async fn the_console_and_every_hook_render_on_the_server() {
    let html = yew::ServerRenderer::<App>::new().render().await;
    assert!(html.contains(r#"id="send-btn""#), "{html}");
    assert!(html.contains("CONNECTING"), "the console's state: {html}");
    assert!(
        html.contains("plain CONNECTING / resilient Connecting { attempt: 0 } / history 0"),
        "{html}"
    );
    assert!(
        html.contains("shared Connecting { attempt: 0 }, 0 queued"),
        "{html}"
    );
    if cfg!(feature = "json") {
        assert!(html.contains("json Connecting"), "{html}");
    }
}
