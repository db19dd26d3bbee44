//! The tutorial's sample page, and the tutorial's lesson: the browser's WebSocket API, live.
//!
//! - The sample itself: [`WebSocketConsole`] on `/websocket/test` with the tutorial's element
//!   ids: the received messages in a box that follows the newest, a textarea, "send" and "close
//!   connection" (sent and received lines told apart).
//! - [`attributes`]: every attribute of the socket as it changes (`readyState` as number and
//!   name, `bufferedAmount`, `binaryType` switchable, `protocol`, `extensions`, `url`).
//! - [`event_log`]: `open`, `message`, `error` and `close`, timestamped, with close codes and
//!   reasons.
//! - [`actions`]: sending a file as a binary message, and closing with a chosen code and
//!   reason (with the error the browser would throw for a refused one).
//! - [`tabs`]: the page's tabs share one connection; which part this tab plays, and how many
//!   WebSockets the server holds.
//!
//! Each item links to its MDN page. The connection comes back by itself when the server
//! restarts, and at once when the laptop wakes or the network returns.

mod actions;
mod attributes;
mod event_log;
mod mdn;
mod tabs;

use wasm_ws_yew::{BinaryType, ConsoleIds, ReconnectOptions, WebSocketConsole, WebSocketProvider};
use yew::prelude::*;

/// The endpoint the tutorial backend serves, relative to the page.
const SAMPLE_PATH: &str = "/websocket/test";

#[function_component]
fn App() -> Html {
    // The browser's default; switching it applies to the live socket (no reconnection).
    let binary_type = use_state(|| BinaryType::Blob);
    let reconnect = ReconnectOptions {
        reconnect_on_wake: true,
        ..ReconnectOptions::default()
    };
    let on_binary_type = {
        let binary_type = binary_type.setter();
        Callback::from(move |chosen| binary_type.set(chosen))
    };
    html! {
        // Shared with the page's other tabs of this version: one socket for all of them.
        <WebSocketProvider url={SAMPLE_PATH} reconnect={Some(reconnect)} binary_type={*binary_type}
            share_across_tabs={env!("CARGO_PKG_VERSION")}>
            <main class="page">
                <header class="page-header">
                    <h1>{ "wasm-ws" }</h1>
                    <p>
                        { "The browser's " }
                        <a href={mdn::page("WebSocket")}>{ "WebSocket API" }</a>
                        { " in Rust: the server greets you, pushes a number every second and echoes what you send. Everything below is the socket's own state, as it changes." }
                    </p>
                </header>
                <div class="columns">
                    <section class="sample" aria-label="The sample">
                        // The tutorial's element ids (`send-btn`, `exit`, ...), so its scripts still find them.
                        <WebSocketConsole ids={ConsoleIds::tutorial()} />
                        <actions::Actions />
                    </section>
                    <section class="lesson" aria-label="The API">
                        <attributes::Attributes binary_type={*binary_type} {on_binary_type} />
                        <event_log::EventLog />
                        <tabs::Tabs />
                    </section>
                </div>
            </main>
        </WebSocketProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
