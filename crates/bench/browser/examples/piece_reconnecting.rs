//! A size piece (scripts/bundle-sizes.sh): the minimal app of `bundles/` on a
//! `ReconnectingWebSocket`, without Yew: what the reconnecting layer adds to the client.

use wasm_bindgen::prelude::*;
use wasm_ws_client::{ConnectionEvent, Message, ReconnectOptions, ReconnectingWebSocket};

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let connection = ReconnectingWebSocket::open("/websocket/test", ReconnectOptions::default())
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    // Queued until open.
    let _ = connection.send(Message::from("hello"));
    connection.on_event(|event| {
        if let ConnectionEvent::Message(Message::Text(text)) = event {
            web_sys::console::log_1(&text.into());
        }
    });
    // The page keeps its connection for its whole life.
    std::mem::forget(connection);
    Ok(())
}
