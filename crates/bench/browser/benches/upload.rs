//! Sending fast over a socket: 64 MiB in 64 KiB chunks to the echo endpoint, until the last
//! echo is back, in the same page, alternating, median of 8. Four senders:
//!
//! - raw JS, checking `bufferedAmount` before each send and, above the mark, waiting one
//!   `MessageChannel` tick (the quickest wake-up a page has) before it checks again;
//! - wasm-ws's `Sink` with flow control (the default marks, 1 MiB and 256 KiB);
//! - wasm-ws's `Sink` without it (as it was before issue 28): every chunk handed over at once;
//! - and the wake-ups a flow control could use, in raw JS with the same mark: a 0 ms
//!   `setTimeout`, `requestAnimationFrame`, and a timer set to when the buffer should have
//!   drained at the rate seen (wasm-ws's).
//!
//! Each row: throughput, its ratio to the first row, the peak of `bufferedAmount`, the peak of
//! the page's JS heap (Chromium's `performance.memory`; "n/a" elsewhere), and how many times
//! the sender woke up to check the buffer. A benchmark, not a test: it prints figures and
//! judges nothing. Run by `scripts/bench.sh`; prints Markdown table rows starting with
//! `| upload`.

use std::{cell::Cell, rc::Rc};

use bench_browser::{median, now};
use futures_util::{SinkExt, StreamExt};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_bench, wasm_bindgen_test_configure, Criterion};
use wasm_ws_client::{BinaryType, FlowControl, Message, WebSocket};
use wasm_ws_test_support::endpoint;

wasm_bindgen_test_configure!(run_in_browser);

const TOTAL: usize = 64 << 20;
const CHUNK: usize = 64 << 10;
const RUNS: usize = 8;

#[wasm_bindgen(inline_js = r#"
// The page's JS heap in bytes, where the engine reports it (Chromium), or -1.
export function heap() {
  return performance.memory ? performance.memory.usedJSHeapSize : -1;
}

// Sends `total` bytes in `chunk`-byte ArrayBuffers to `url` and resolves once the echo of the
// last byte is back: { ms, peak, heap, wakes }. Above `mark` bytes in `bufferedAmount` it waits
// for the buffer to drain with `wake` ("tick", "timeout", "frame", "rate"), then checks again.
export function raw_upload(url, total, chunk, mark, wake) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    const data = new ArrayBuffer(chunk);
    const channel = new MessageChannel();
    let sent = 0, echoed = 0, peak = 0, heapPeak = heap(), wakes = 0, started = 0;
    let last = null, rate = 0;
    const wait = (then) => {
      wakes++;
      if (wake === "tick") { channel.port1.onmessage = then; channel.port2.postMessage(0); }
      else if (wake === "timeout") setTimeout(then, 0);
      else if (wake === "frame") requestAnimationFrame(then);
      else {
        const now = performance.now(), amount = socket.bufferedAmount;
        if (last && last[0] > amount && now > last[1]) {
          const seen = (last[0] - amount) / (now - last[1]);
          rate = rate > 0 ? (rate + seen) / 2 : seen;
        }
        last = [amount, now];
        const ms = rate > 0 ? (amount - mark / 4) / rate : 1;
        setTimeout(then, Math.min(50, Math.max(1, Math.ceil(ms))));
      }
    };
    const pump = () => {
      while (sent < total) {
        if (socket.bufferedAmount > mark) return wait(pump);
        socket.send(data);
        sent += chunk;
        peak = Math.max(peak, socket.bufferedAmount);
      }
      heapPeak = Math.max(heapPeak, heap());
    };
    socket.onopen = () => { started = performance.now(); pump(); };
    socket.onmessage = (event) => {
      echoed += event.data.byteLength;
      if (echoed >= total) {
        resolve({ ms: performance.now() - started, peak, heap: Math.max(heapPeak, heap()), wakes });
        socket.close();
      }
    };
    socket.onerror = () => reject(new Error("socket error"));
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn raw_upload(
        url: &str,
        total: usize,
        chunk: usize,
        mark: usize,
        wake: &str,
    ) -> Result<JsValue, JsValue>;
    fn heap() -> f64;
}

/// One run: milliseconds, peak `bufferedAmount`, peak heap (or -1), wake-ups.
#[derive(Clone, Copy)]
struct Run {
    ms: f64,
    peak: f64,
    heap: f64,
    wakes: f64,
}

fn field(value: &JsValue, name: &str) -> f64 {
    js_sys::Reflect::get(value, &name.into())
        .ok()
        .and_then(|field| field.as_f64())
        .unwrap_or(-1.0)
}

async fn raw(url: &str, wake: &str) -> Run {
    let mark = FlowControl::default().high_water_mark;
    let result = raw_upload(url, TOTAL, CHUNK, mark, wake).await.unwrap();
    Run {
        ms: field(&result, "ms"),
        peak: field(&result, "peak"),
        heap: field(&result, "heap"),
        wakes: field(&result, "wakes"),
    }
}

/// wasm-ws's `Sink`, with `flow` (and so with it waiting, or not), until the last echo.
async fn sink(url: &str, flow: Option<FlowControl>) -> Run {
    let socket = WebSocket::open(url).unwrap();
    socket.set_binary_type(BinaryType::ArrayBuffer);
    socket.set_flow_control(flow);
    let (mut writer, mut reader) = socket.stream().split();
    socket.opened().await.unwrap();
    let chunk = vec![7u8; CHUNK];
    let started = now();
    let (peak, heap_peak, wakes) = (
        Rc::new(Cell::new(0.0)),
        Rc::new(Cell::new(heap())),
        Cell::new(0.0),
    );
    let receiving = async {
        let mut echoed = 0;
        while echoed < TOTAL {
            match reader.next().await {
                Some(Message::Binary(bytes)) => echoed += bytes.len(),
                Some(_) => {}
                None => panic!("closed before the last echo"),
            }
        }
    };
    let sending = async {
        let mut sent = 0;
        while sent < TOTAL {
            // `poll_ready` pending means a wake-up later: counted as the raw loop counts its.
            let before = now();
            writer.send(Message::Binary(chunk.clone())).await.unwrap();
            if now() > before {
                wakes.set(wakes.get() + 1.0);
            }
            sent += CHUNK;
            peak.set(f64::max(peak.get(), f64::from(socket.buffered_amount())));
        }
        heap_peak.set(f64::max(heap_peak.get(), heap()));
    };
    futures_util::join!(receiving, sending);
    let ms = now() - started;
    socket.close();
    Run {
        ms,
        peak: peak.get(),
        heap: f64::max(heap_peak.get(), heap()),
        wakes: wakes.get(),
    }
}

fn mib(bytes: f64) -> String {
    if bytes < 0.0 {
        return "n/a".into();
    }
    format!("{:.1} MiB", bytes / f64::from(1u32 << 20))
}

#[wasm_bindgen_bench]
async fn upload_through_the_sink_against_a_raw_loop(_: &mut Criterion) {
    let url = endpoint("echo");
    let names = [
        ("raw JS, MessageChannel tick", 0),
        ("wasm-ws Sink, flow control (1 MiB / 256 KiB)", 1),
        ("wasm-ws Sink, no flow control (before issue 28)", 2),
        ("raw JS, setTimeout(0)", 3),
        ("raw JS, requestAnimationFrame", 4),
        ("raw JS, timer at the drain rate (wasm-ws's wake-up)", 5),
    ];
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); names.len()];
    // One warm-up of each, then RUNS rounds, each sender once per round, in turn.
    for round in 0..=RUNS {
        for (_, which) in names {
            let run = match which {
                0 => raw(&url, "tick").await,
                1 => sink(&url, Some(FlowControl::default())).await,
                2 => sink(&url, None).await,
                3 => raw(&url, "timeout").await,
                4 => raw(&url, "frame").await,
                _ => raw(&url, "rate").await,
            };
            if round > 0 {
                runs[which].push(run);
            }
        }
    }
    let pick = |runs: &[Run], what: fn(&Run) -> f64| median(runs.iter().map(what).collect()).0;
    let raw_ms = pick(&runs[0], |run| run.ms);
    println!("| upload: 64 MiB in 64 KiB chunks, echoed back (median of {RUNS}) | MiB/s | ratio to raw | peak bufferedAmount | peak JS heap | wake-ups |");
    println!("|---|---|---|---|---|---|");
    for (name, which) in names {
        let ms = pick(&runs[which], |run| run.ms);
        println!(
            "| upload: {name} | {:.0} | {:.2} | {} | {} | {:.0} |",
            f64::from(64u32) / (ms / 1000.0),
            raw_ms / ms,
            mib(pick(&runs[which], |run| run.peak)),
            mib(pick(&runs[which], |run| run.heap)),
            pick(&runs[which], |run| run.wakes),
        );
    }
}
