//! Sending fast over a socket: 64 MiB in 64 KiB chunks to the echo endpoint, until the last
//! echo is back, in the same page, alternating, median of 8. The senders:
//!
//! - raw JS, checking `bufferedAmount` before each send and, above the mark, waiting one
//!   `MessageChannel` tick (the quickest wake-up a page has) before it checks again;
//! - wasm-ws's `Sink` with flow control (the default marks, 1 MiB and 256 KiB);
//! - wasm-ws's `Sink` without it (as it was before issue 28): every chunk handed over at once;
//! - the wake-ups a flow control could use, in raw JS with the same mark: a 0 ms
//!   `setTimeout`, `requestAnimationFrame`, and a timer set to when the buffer should have
//!   drained at the rate seen (wasm-ws's);
//! - and Chromium's WebSocketStream, whose writer has backpressure of its own (the row is left
//!   out where the engine has none).
//!
//! Each row: throughput, its ratio to the first row, the peak of `bufferedAmount`, the peak of
//! the page's JS heap (Chromium's `performance.memory`; "n/a" elsewhere), and how many times
//! the sender woke up to check the buffer. A benchmark, not a test: it prints figures and
//! judges nothing. Run by `scripts/bench.sh`; prints Markdown table rows starting with
//! `| upload`.

use std::{cell::Cell, rc::Rc};

use bench_browser::{median, now, print};
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
    let rate = 0;
    const wait = (then) => {
      if (wake === "tick") { wakes++; channel.port1.onmessage = then; channel.port2.postMessage(0); }
      else if (wake === "timeout") { wakes++; setTimeout(then, 0); }
      else if (wake === "frame") { wakes++; requestAnimationFrame(then); }
      else {
        // wasm-ws's wake-up (crates/client/src/flow.rs) transcribed: a timer set to when the
        // buffer should have drained to a quarter of the mark, at the rate seen; a drain that
        // reached the target within the wait only raises the rate (it may have ended early).
        const target = mark / 4;
        let last = [socket.bufferedAmount, performance.now()];
        const arm = () => {
          const ms = rate > 0 ? (last[0] - target) / rate : 1;
          setTimeout(read, Math.min(50, Math.max(1, Math.ceil(ms))));
        };
        const read = () => {
          wakes++;
          const now = performance.now(), amount = socket.bufferedAmount;
          if (last[0] > amount && now > last[1]) {
            const seen = (last[0] - amount) / (now - last[1]);
            rate = amount <= target ? Math.max(rate, seen) : rate > 0 ? (rate + seen) / 2 : seen;
          }
          last = [amount, now];
          if (amount <= target) then(); else arm();
        };
        arm();
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

// The same upload through Chromium's WebSocketStream (not a standard; Chromium 124 and later):
// each chunk written once the writer is ready (its backpressure), the echoes read from its
// readable stream. Resolves to null where the engine has none.
export async function stream_upload(url, total, chunk) {
  if (typeof WebSocketStream === "undefined") return null;
  const stream = new WebSocketStream(url);
  const { readable, writable } = await stream.opened;
  const writer = writable.getWriter(), reader = readable.getReader();
  const data = new Uint8Array(chunk);
  let heapPeak = heap(), wakes = 0;
  const started = performance.now();
  const reading = (async () => {
    let echoed = 0;
    while (echoed < total) {
      const { value, done } = await reader.read();
      if (done) throw new Error("closed before the last echo");
      echoed += value.byteLength;
    }
  })();
  for (let sent = 0; sent < total; sent += chunk) {
    if (writer.desiredSize <= 0) { wakes++; await writer.ready; }
    writer.write(data);
  }
  heapPeak = Math.max(heapPeak, heap());
  await reading;
  const ms = performance.now() - started;
  stream.close();
  return { ms, peak: -1, heap: Math.max(heapPeak, heap()), wakes };
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn stream_upload(url: &str, total: usize, chunk: usize) -> Result<JsValue, JsValue>;
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

/// A run's figures, as the JS functions return them.
fn run_of(result: &JsValue) -> Run {
    Run {
        ms: field(result, "ms"),
        peak: field(result, "peak"),
        heap: field(result, "heap"),
        wakes: field(result, "wakes"),
    }
}

async fn raw(url: &str, wake: &str) -> Run {
    let mark = FlowControl::default().high_water_mark;
    run_of(&raw_upload(url, TOTAL, CHUNK, mark, wake).await.unwrap())
}

/// Through Chromium's WebSocketStream; `None` where the engine has none.
async fn through_websocketstream(url: &str) -> Option<Run> {
    let result = stream_upload(url, TOTAL, CHUNK).await.unwrap();
    (!result.is_null()).then(|| run_of(&result))
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
    // The echoes are read in a task of their own, so that the sending loop is polled only
    // when the Sink wakes it: each pending `poll_ready` is then one wake-up of the Sink's.
    let (echoed_all, all_echoed) = futures_channel::oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        let mut echoed = 0;
        while echoed < TOTAL {
            match reader.next().await {
                Some(Message::Binary(bytes)) => echoed += bytes.len(),
                Some(_) => {}
                None => panic!("closed before the last echo"),
            }
        }
        let _ = echoed_all.send(());
    });
    let sending = async {
        let mut sent = 0;
        while sent < TOTAL {
            // Each `poll_ready` that is pending is a wake-up later (the task is polled again
            // only when the Sink wakes it): counted as the raw loop counts its callbacks.
            std::future::poll_fn(|cx| {
                let ready = writer.poll_ready_unpin(cx);
                if ready.is_pending() {
                    wakes.set(wakes.get() + 1.0);
                }
                ready
            })
            .await
            .unwrap();
            writer
                .start_send_unpin(Message::Binary(chunk.clone()))
                .unwrap();
            sent += CHUNK;
            peak.set(f64::max(peak.get(), f64::from(socket.buffered_amount())));
        }
        writer.flush().await.unwrap();
        heap_peak.set(f64::max(heap_peak.get(), heap()));
    };
    sending.await;
    all_echoed.await.unwrap();
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
        (
            "raw JS, WebSocketStream's writer (Chromium only; no bufferedAmount)",
            6,
        ),
    ];
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); names.len()];
    // One warm-up of each, then RUNS rounds, each sender once per round, in turn.
    for round in 0..=RUNS {
        for (_, which) in names {
            let run = match which {
                0 => Some(raw(&url, "tick").await),
                1 => Some(sink(&url, Some(FlowControl::default())).await),
                2 => Some(sink(&url, None).await),
                3 => Some(raw(&url, "timeout").await),
                4 => Some(raw(&url, "frame").await),
                5 => Some(raw(&url, "rate").await),
                _ => through_websocketstream(&url).await,
            };
            if let (Some(run), true) = (run, round > 0) {
                runs[which].push(run);
            }
        }
    }
    let pick = |runs: &[Run], what: fn(&Run) -> f64| median(runs.iter().map(what).collect()).0;
    let raw_ms = pick(&runs[0], |run| run.ms);
    print(&format!("| upload: 64 MiB in 64 KiB chunks, echoed back (median of {RUNS}) | MiB/s | ratio to raw | peak bufferedAmount | peak JS heap | wake-ups |"));
    print("|---|---|---|---|---|---|");
    for (name, which) in names {
        if runs[which].is_empty() {
            continue; // not in this engine
        }
        let ms = pick(&runs[which], |run| run.ms);
        print(&format!(
            "| upload: {name} | {:.0} | {:.2} | {} | {} | {:.0} |",
            f64::from(64u32) / (ms / 1000.0),
            raw_ms / ms,
            mib(pick(&runs[which], |run| run.peak)),
            mib(pick(&runs[which], |run| run.heap)),
            pick(&runs[which], |run| run.wakes),
        ));
    }
}
