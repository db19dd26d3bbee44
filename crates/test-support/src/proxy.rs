//! Driving the fault-injecting proxy (`tests/fault-proxy/proxy.mjs`) from a browser test.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::PROXY_CONTROL;

/// Orders the proxy: "cut" (every open connection), "refuse" (new ones), "silence" (forward
/// nothing, either way) or "restore"; fails the test if the proxy does not acknowledge.
pub async fn order_proxy(command: &str) {
    let window = web_sys::window().expect("a window");
    let response = JsFuture::from(window.fetch_with_str(&format!("{PROXY_CONTROL}/{command}")))
        .await
        .unwrap_or_else(|error| panic!("the proxy's control did not answer {command}: {error:?}"));
    assert!(
        response.unchecked_into::<web_sys::Response>().ok(),
        "the proxy refused {command}"
    );
}
