//! What the browser benchmarks in `benches/` share: the page's clock, a raw JS flood receiver,
//! and the medians they report.
//!
//! - `compare`: wasm-ws against raw JS (receive rate, echo round trip), with [`raw_flood`].
//! - `console`: `WebSocketConsole` under a flood, against a raw JS counter of its own that
//!   times, as the console's run does, from `new WebSocket` to the close.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function raw_flood(url, count) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let received = 0, bytes = 0, started = 0;
    socket.onopen = () => { started = performance.now(); };
    socket.onmessage = (event) => {
      bytes += event.data.length;
      if (++received === count) { resolve(performance.now() - started); socket.close(); }
    };
    socket.onerror = () => reject(new Error("socket error"));
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = raw_flood)]
    async fn raw_flood_js(url: &str, count: u32) -> Result<JsValue, JsValue>;
}

/// Milliseconds for a raw JS `new WebSocket` to receive `count` messages from `url`, from its
/// open event; it reads every message's data, as the Rust sides do.
pub async fn raw_flood(url: &str, count: u32) -> f64 {
    raw_flood_js(url, count).await.unwrap().as_f64().unwrap()
}

/// Prints a line of the report: in the page's console, which the test runner shows (`println!`
/// goes nowhere in a browser).
pub fn print(line: &str) {
    web_sys::console::log_1(&line.into());
}

/// `performance.now()`, in milliseconds.
pub fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// The median, the minimum and the maximum of `values`.
pub fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(|a, b| a.total_cmp(b));
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}
