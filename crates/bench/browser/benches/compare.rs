//! wasm-ws against a raw JS `new WebSocket` in the same page, against the same server:
//! the receive rate of a flood of small messages, and the echo round trip. Both sides are
//! callback-driven, and both read every message's data. A benchmark, not a test: it prints
//! figures and judges nothing. Run by `scripts/bench.sh` (`cargo bench` with the
//! wasm-bindgen-test runner), which sets `WASM_WS_TEST_SERVER`; prints Markdown table rows
//! starting with `| browser`.

use std::{cell::Cell, rc::Rc};

use bench_browser::{median, now, raw_flood};
use futures_channel::oneshot;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};
use wasm_ws_client::{Message, WebSocket};
use wasm_ws_test_support::SERVER;

wasm_bindgen_test_configure!(run_in_browser);
const FLOOD: u32 = 100_000;
const SIZE: usize = 16;
const ROUND_TRIPS: u32 = 2_000;
const RUNS: usize = 5;

#[wasm_bindgen(inline_js = r#"
export function raw_echo(url, count) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let done = 0, started = 0;
    socket.onopen = () => { started = performance.now(); socket.send("ping " + done); };
    socket.onmessage = (event) => {
      if (event.data.length === 0) return;
      if (++done === count) { resolve(performance.now() - started); socket.close(); return; }
      socket.send("ping " + done);
    };
    socket.onerror = () => reject(new Error("socket error"));
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn raw_echo(url: &str, count: u32) -> Result<JsValue, JsValue>;
}

/// Milliseconds to receive `count` messages through wasm-ws, from the open event.
async fn wasm_ws_flood(url: &str, count: u32) -> f64 {
    let socket = WebSocket::open(url).unwrap();
    let (done, finished) = oneshot::channel();
    let done = Rc::new(Cell::new(Some(done)));
    let started = Rc::new(Cell::new(0.0));
    let start = started.clone();
    socket.on_open(move || start.set(now()));
    let mut received = 0;
    socket.on_message(move |message| {
        if let Message::Text(text) = message {
            // Read the data, as the JS side does.
            std::hint::black_box(text.len());
        }
        received += 1;
        if received == count {
            if let Some(done) = done.take() {
                let _ = done.send(now() - started.get());
            }
        }
    });
    let elapsed = finished.await.unwrap();
    socket.close();
    elapsed
}

/// Milliseconds to receive `count` messages with a bare web-sys closure that also decodes each
/// text into a Rust `String`: the floor for any Rust code that receives text.
async fn bare_rust_flood(url: &str, count: u32) -> f64 {
    use wasm_bindgen::JsCast;
    let socket = web_sys::WebSocket::new(url).unwrap();
    let (done, finished) = oneshot::channel();
    let done = Rc::new(Cell::new(Some(done)));
    let started = Rc::new(Cell::new(0.0));
    let start = started.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || start.set(now()));
    let mut received = 0;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            std::hint::black_box(event.data().as_string().map(|text| text.len()));
            received += 1;
            if received == count {
                if let Some(done) = done.take() {
                    let _ = done.send(now() - started.get());
                }
            }
        });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let elapsed = finished.await.unwrap();
    socket.set_onmessage(None);
    let _ = socket.close();
    elapsed
}

/// Milliseconds for `count` sequential round trips through wasm-ws, sent from the handler.
async fn wasm_ws_echo(url: &str, count: u32) -> f64 {
    let socket = WebSocket::open(url).unwrap();
    let (done, finished) = oneshot::channel();
    let done = Rc::new(Cell::new(Some(done)));
    let started = Rc::new(Cell::new(0.0));
    let (weak, start) = (socket.downgrade(), started.clone());
    socket.on_open(move || {
        start.set(now());
        let _ = weak.upgrade().unwrap().send_text("ping 0");
    });
    let weak = socket.downgrade();
    let mut completed = 0;
    socket.on_message(move |message| {
        if matches!(&message, Message::Text(text) if text.is_empty()) {
            return;
        }
        completed += 1;
        if completed == count {
            if let Some(done) = done.take() {
                let _ = done.send(now() - started.get());
            }
            return;
        }
        let _ = weak
            .upgrade()
            .unwrap()
            .send_text(&format!("ping {completed}"));
    });
    let elapsed = finished.await.unwrap();
    socket.close();
    elapsed
}

fn row(
    metric: &str,
    target: &str,
    wasm_ws: Vec<f64>,
    raw: Vec<f64>,
    higher_is_better: bool,
    limit: f64,
) {
    let (ours, ours_min, ours_max) = median(wasm_ws);
    let (theirs, theirs_min, theirs_max) = median(raw);
    let ratio = ours / theirs;
    let met = if higher_is_better {
        ratio >= limit
    } else {
        ratio <= limit
    };
    let verdict = if met { "met" } else { "**not met**" };
    web_sys::console::log_1(
        &format!(
            "| browser: {metric} | {ours:.0} ({ours_min:.0}–{ours_max:.0}) | {theirs:.0} ({theirs_min:.0}–{theirs_max:.0}) | {ratio:.2} | {target}: {verdict} |"
        )
        .into(),
    );
}

/// The measurement is our own (alternating runs, medians), not the runner's Criterion.
#[wasm_bindgen_bench]
async fn wasm_ws_against_raw_js(_: &mut Criterion) {
    let flood = format!("{SERVER}/websocket/flood?count={FLOOD}&size={SIZE}");
    let echo = format!("{SERVER}/websocket/echo");
    let (mut ours_rate, mut raw_rate, mut ours_rtt, mut raw_rtt) = (vec![], vec![], vec![], vec![]);
    let mut bare_rate = vec![];
    for run in 0..RUNS {
        // Alternate which goes first, so that warm-up favours neither.
        let ours_first = run % 2 == 0;
        for ours in [ours_first, !ours_first] {
            if ours {
                ours_rate.push(f64::from(FLOOD) / wasm_ws_flood(&flood, FLOOD).await * 1000.0);
                ours_rtt
                    .push(wasm_ws_echo(&echo, ROUND_TRIPS).await * 1000.0 / f64::from(ROUND_TRIPS));
            } else {
                bare_rate.push(f64::from(FLOOD) / bare_rust_flood(&flood, FLOOD).await * 1000.0);
                raw_rate.push(f64::from(FLOOD) / raw_flood(&flood, FLOOD).await * 1000.0);
                raw_rtt.push(
                    raw_echo(&echo, ROUND_TRIPS)
                        .await
                        .unwrap()
                        .as_f64()
                        .unwrap()
                        * 1000.0
                        / f64::from(ROUND_TRIPS),
                );
            }
        }
    }
    web_sys::console::log_1(
        &"| browser metric | wasm-ws | raw JS | wasm-ws / raw JS | target |".into(),
    );
    web_sys::console::log_1(&"|---|---|---|---|---|".into());
    row(
        &format!("receive rate, {FLOOD} × {SIZE} B (msg/s)"),
        "≥ 0.9 × raw JS",
        ours_rate,
        raw_rate,
        true,
        0.9,
    );
    row(
        &format!("echo round trip, mean of {ROUND_TRIPS} (µs)"),
        "≤ 1.1 × raw JS",
        ours_rtt,
        raw_rtt,
        false,
        1.1,
    );
    let (bare, bare_min, bare_max) = median(bare_rate);
    web_sys::console::log_1(
        &format!(
            "| browser: receive rate, bare web-sys closure decoding to `String` (msg/s), the floor for Rust | {bare:.0} ({bare_min:.0}–{bare_max:.0}) | | | |"
        )
        .into(),
    );
}
