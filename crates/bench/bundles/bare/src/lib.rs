//! The same app as `bundle-wasm-ws` and `bundle-gloo-net`, on bare web-sys: open the sample
//! socket, send on open, log every text message.

use wasm_bindgen::{prelude::*, JsCast};

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let socket = web_sys::WebSocket::new("/websocket/test")?;
    let sender = socket.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let _ = sender.send_with_str("hello");
    });
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string() {
                web_sys::console::log_1(&text.into());
            }
        });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    Ok(())
}
