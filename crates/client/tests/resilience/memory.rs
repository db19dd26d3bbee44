//! Memory: open and close a thousand times, and nothing grows.

use super::*;

/// The JS heap in use, where the browser reports it (Chromium), after a full collection when
/// the browser exposes `gc()`.
fn js_heap_bytes() -> Option<f64> {
    let global = js_sys::global();
    if let Ok(gc) =
        js_sys::Reflect::get(&global, &"gc".into()).and_then(|gc| gc.dyn_into::<js_sys::Function>())
    {
        let _ = gc.call0(&JsValue::NULL);
    }
    let performance = js_sys::Reflect::get(&global, &"performance".into()).ok()?;
    let memory = js_sys::Reflect::get(&performance, &"memory".into())
        .ok()
        .filter(|m| !m.is_undefined())?;
    js_sys::Reflect::get(&memory, &"usedJSHeapSize".into())
        .ok()?
        .as_f64()
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

async fn open_close_cycles(count: usize) {
    for _ in 0..count {
        let connection = open(
            &format!("{SERVER}/websocket/echo"),
            ReconnectOptions::default(),
        );
        let mut events = connection.events();
        until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
        connection.close();
        until(&mut events, "closed", is_closed).await;
    }
}

#[wasm_bindgen_test]
async fn a_thousand_open_close_cycles_leave_memory_flat() {
    open_close_cycles(50).await; // warm up: allocator pools, JIT, caches
    let (wasm_before, heap_before) = (wasm_memory_bytes(), js_heap_bytes());
    let started = now();
    open_close_cycles(1000).await;
    let took = now() - started;
    let (wasm_after, heap_after) = (wasm_memory_bytes(), js_heap_bytes());

    let report = format!(
        "resilience: 1000 open/close cycles in {took:.0} ms: wasm memory {wasm_before} -> {wasm_after} bytes; JS heap {heap_before:?} -> {heap_after:?} bytes"
    );
    web_sys::console::log_1(&report.clone().into());
    assert!(wasm_after - wasm_before <= 128.0 * 1024.0, "{report}");
    if let (Some(before), Some(after)) = (heap_before, heap_after) {
        assert!(after - before <= 2.0 * 1024.0 * 1024.0, "{report}");
    }
}
