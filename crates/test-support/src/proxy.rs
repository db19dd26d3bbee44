//! Driving the fault-injecting proxy (`tests/fault-proxy/proxy.mjs`) from a browser test.

use wasm_bindgen::{prelude::wasm_bindgen, JsCast};
use wasm_bindgen_futures::JsFuture;

use crate::PROXY_CONTROL;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`: a window's or a worker's.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str) -> js_sys::Promise;
}

/// Orders the proxy (from a page or a worker): "cut" (every open connection), "refuse" (new ones), "silence" (forward
/// nothing, either way) or "restore"; fails the test if the proxy does not acknowledge.
pub async fn order_proxy(command: &str) {
    let response = JsFuture::from(global_fetch(&format!("{PROXY_CONTROL}/{command}")))
        .await
        .unwrap_or_else(|error| panic!("the proxy's control did not answer {command}: {error:?}"));
    assert!(
        response.unchecked_into::<web_sys::Response>().ok(),
        "the proxy refused {command}"
    );
}
