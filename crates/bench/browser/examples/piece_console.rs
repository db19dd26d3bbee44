//! A size piece (scripts/bundle-sizes.sh): Yew with one reconnecting `WebSocketConsole`, as the
//! demo page had it before its teaching UI: what the console adds to the Yew bindings.

use wasm_bindgen::prelude::*;
use wasm_ws_yew::{ConsoleIds, ReconnectOptions, WebSocketConsole};
use yew::prelude::*;

#[function_component]
fn App() -> Html {
    let reconnect = ReconnectOptions {
        reconnect_on_wake: true,
        ..ReconnectOptions::default()
    };
    html! {
        <WebSocketConsole url="/websocket/test" ids={ConsoleIds::tutorial()} reconnect={Some(reconnect)} />
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
