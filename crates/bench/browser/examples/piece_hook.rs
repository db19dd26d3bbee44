//! A size piece (scripts/bundle-sizes.sh): the one-button Yew app of `bundles/yew-button` with
//! a `use_reconnecting_websocket` connection whose status and last message it shows: what the
//! Yew bindings add to Yew alone, before any console.

use wasm_bindgen::prelude::*;
use wasm_ws_yew::{
    use_reconnecting_websocket, ConnectionStatus, Message, UseReconnectingWebSocketOptions,
};
use yew::prelude::*;

#[function_component]
fn Feed() -> Html {
    let last = use_state(String::new);
    let on_message = {
        let last = last.clone();
        Callback::from(move |message: Message| {
            if let Message::Text(text) = message {
                last.set(text);
            }
        })
    };
    let feed = use_reconnecting_websocket(
        "/websocket/test",
        UseReconnectingWebSocketOptions {
            on_message: Some(on_message),
            ..Default::default()
        },
    );
    let onclick = {
        let feed = feed.clone();
        Callback::from(move |_: MouseEvent| drop(feed.send(Message::from("hello"))))
    };
    let status = if feed.status == ConnectionStatus::Open {
        "open"
    } else {
        "not open"
    };
    html! {
        <>
            <button {onclick}>{ "send" }</button>
            <p>{ status } { " " } { (*last).clone() }</p>
        </>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<Feed>::new().render();
}
