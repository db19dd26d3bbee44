//! Counting the WebSockets a page creates, by wrapping its constructor.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function count_sockets() {
  if (!window.__sockets) {
    window.__sockets = { created: 0 };
    window.WebSocket = new Proxy(window.WebSocket, {
      construct(target, args) { window.__sockets.created += 1; return Reflect.construct(target, args); },
    });
  }
  window.__sockets.created = 0;
}
export function sockets_created() { return window.__sockets ? window.__sockets.created : 0; }
"#)]
extern "C" {
    /// Starts (or restarts from zero) counting the WebSockets the page creates.
    pub fn count_sockets();
    /// How many WebSockets the page created since [`count_sockets`].
    pub fn sockets_created() -> u32;
}
