//! The `bundle-bare` app through gloo-net.

use futures_util::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let socket = WebSocket::open("/websocket/test")
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let (mut writer, mut reader) = socket.split();
    wasm_bindgen_futures::spawn_local(async move {
        let _ = writer.send(Message::Text("hello".into())).await;
    });
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(Ok(Message::Text(text))) = reader.next().await {
            web_sys::console::log_1(&text.into());
        }
    });
    Ok(())
}
