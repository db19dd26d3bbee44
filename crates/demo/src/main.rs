//! The tutorial's sample page: a [`WebSocketConsole`] pointed at `/websocket/test` on the host that
//! served the page (`ws:` on http, `wss:` on https, resolved by `wasm-ws`). It comes back by
//! itself when the server restarts, and at once when the laptop wakes or the network returns.

use wasm_ws_yew::{ConsoleIds, ReconnectOptions, WebSocketConsole};
use yew::prelude::*;

/// The endpoint the tutorial backend serves, relative to the page.
const SAMPLE_PATH: &str = "/websocket/test";

#[function_component]
fn App() -> Html {
    let reconnect = ReconnectOptions {
        reconnect_on_wake: true,
        ..ReconnectOptions::default()
    };
    html! {
        <main class="page">
            <header class="page-header">
                <h1>{ "wasm-ws" }</h1>
                <p>{ "The browser WebSocket API in Rust: the server greets you, pushes a number every second and echoes what you send." }</p>
            </header>
            // The tutorial's element ids (`send-btn`, `exit`, ...), so its scripts still find them.
            <WebSocketConsole url={SAMPLE_PATH} ids={ConsoleIds::tutorial()}
                reconnect={Some(reconnect)} />
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
