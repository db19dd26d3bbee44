//! The `bundle-bare` app through wasm-ws.

use wasm_bindgen::prelude::*;
use wasm_ws_client::{Message, WebSocket};

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let socket = WebSocket::open("/websocket/test")
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let weak = socket.downgrade();
    socket.on_open(move || {
        if let Some(socket) = weak.upgrade() {
            let _ = socket.send_text("hello");
        }
    });
    socket.on_message(|message| {
        if let Message::Text(text) = message {
            web_sys::console::log_1(&text.into());
        }
    });
    // The page keeps its socket for its whole life.
    std::mem::forget(socket);
    Ok(())
}
