//! What the workspace's tests share, so that each fact lives in one place:
//!
//! - where the test server and the fault-injecting proxy are ([`SERVER`], [`PROXY`],
//!   [`PROXY_CONTROL`], [`endpoint`]), set at compile time by `scripts/test.sh`;
//! - what the sample endpoint says ([`GREETING`], [`is_push`]);
//! - waiting with a deadline that says what it waited for ([`next_within`], [`until`], and in
//!   the browser `wait_for_dom`): tests wait for a condition, never for a length of time;
//! - mounting a component and reading what it rendered: `new_root`, `text_of`, and a [`Slot`]
//!   through which a component under test hands its hook's handle to the test;
//! - in the browser, how many WebSockets a page created (`count_sockets`, `sockets_created`),
//!   and orders to the fault-injecting proxy (`order_proxy`).

use std::{cell::RefCell, future::Future, rc::Rc, time::Duration};

use futures_util::{Stream, StreamExt};

#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod proxy;
#[cfg(target_arch = "wasm32")]
mod sockets;
#[cfg(target_arch = "wasm32")]
pub use dom::{new_root, text_of, wait_for_dom, wait_for_dom_explained, wait_for_dom_within};
#[cfg(target_arch = "wasm32")]
pub use proxy::order_proxy;
#[cfg(target_arch = "wasm32")]
pub use sockets::{count_sockets, sockets_created};

/// Where the test runs: the page's URL, or the worker script's (`self.location.href`).
#[cfg(target_arch = "wasm32")]
pub fn here() -> String {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    match global.dyn_ref::<web_sys::Window>() {
        Some(window) => window.location().href().unwrap(),
        None => global
            .unchecked_into::<web_sys::WorkerGlobalScope>()
            .location()
            .href(),
    }
}

/// `option_env!(variable)` (set at compile time by `scripts/test.sh`), or `default`: where a
/// server started by hand listens (see the README).
macro_rules! set_or {
    ($variable:literal, $default:literal) => {
        match option_env!($variable) {
            Some(value) => value,
            None => $default,
        }
    };
}

/// The test server, as `ws://host:port` (`WASM_WS_TEST_SERVER` at compile time; by hand, a
/// server on 127.0.0.1:3000).
pub const SERVER: &str = set_or!("WASM_WS_TEST_SERVER", "ws://127.0.0.1:3000");

/// The same server over TLS, as `wss://host:port` (`WASM_WS_TEST_TLS_SERVER`), with a
/// throwaway certificate the browsers are told to accept.
pub const TLS_SERVER: &str = set_or!("WASM_WS_TEST_TLS_SERVER", "wss://127.0.0.1:3443");

/// The fault-injecting proxy in front of the server (`tests/fault-proxy/proxy.mjs`), as
/// `ws://host:port` (`WASM_WS_TEST_PROXY`).
pub const PROXY: &str = set_or!("WASM_WS_TEST_PROXY", "ws://127.0.0.1:3001");

/// The proxy's control address, as `http://host:port` (`WASM_WS_TEST_PROXY_CONTROL`).
pub const PROXY_CONTROL: &str = set_or!("WASM_WS_TEST_PROXY_CONTROL", "http://127.0.0.1:3002");

/// A loopback port with nothing listening, for a connection the operating system refuses
/// (`WASM_WS_TEST_CLOSED_PORT`; scripts/test.sh reserves one and lets it go).
pub const CLOSED_PORT: &str = set_or!("WASM_WS_TEST_CLOSED_PORT", "3999");

/// How long a test waits for something that should come at once, before it fails saying what
/// it waited for.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// The URL of one of the test server's WebSocket endpoints, e.g. `endpoint("echo")`.
pub fn endpoint(path_and_query: &str) -> String {
    format!("{SERVER}/websocket/{path_and_query}")
}

/// The sample endpoint's greeting ("connected successfully"), sent first on every connection.
pub const GREETING: &str = "连接成功";

/// Whether `text` is one of the sample endpoint's pushes: a number in [0, 1) with two
/// decimals, like `0.42`.
pub fn is_push(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 4 && bytes.starts_with(b"0.") && bytes[2..].iter().all(u8::is_ascii_digit)
}

/// A place a component under test puts a value (its hook's handle, say) for the test to read.
/// As a prop it equals only itself, so passing it never re-renders anything.
pub struct Slot<T>(Rc<RefCell<Option<T>>>);

impl<T> Slot<T> {
    /// Puts `value` in the slot, replacing what was there.
    pub fn put(&self, value: T) {
        *self.0.borrow_mut() = Some(value);
    }

    /// Whether something was put in the slot.
    pub fn is_filled(&self) -> bool {
        self.0.borrow().is_some()
    }
}

impl<T: Clone> Slot<T> {
    /// What the slot holds; fails the test if nothing was put in it yet.
    pub fn get(&self) -> T {
        self.0.borrow().clone().expect("nothing in the slot yet")
    }
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Self(Rc::default())
    }
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Slot<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Runs `future` for at most `within`; `None` if the time ran out.
pub async fn within<F: Future>(within: Duration, future: F) -> Option<F::Output> {
    #[cfg(target_arch = "wasm32")]
    {
        let timeout = gloo_timers::future::sleep(within);
        futures_util::pin_mut!(future, timeout);
        match futures_util::future::select(future, timeout).await {
            futures_util::future::Either::Left((output, _)) => Some(output),
            futures_util::future::Either::Right(_) => None,
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::time::timeout(within, future).await.ok()
    }
}

/// The next item of `stream`, failing the test, with `what` in the message, if the stream
/// ends or nothing comes within `time`.
pub async fn next_within<S: Stream + Unpin>(stream: &mut S, time: Duration, what: &str) -> S::Item {
    match within(time, stream.next()).await {
        Some(Some(item)) => item,
        Some(None) => panic!("the stream ended while waiting for {what}"),
        None => panic!("nothing within {time:?} while waiting for {what}"),
    }
}

/// Skips items until one matches; fails the test, with `what` in the message, if the stream
/// ends or no item comes within [`PATIENCE`].
pub async fn until<S: Stream + Unpin>(
    stream: &mut S,
    what: &str,
    matches: impl Fn(&S::Item) -> bool,
) -> S::Item {
    loop {
        let item = next_within(stream, PATIENCE, what).await;
        if matches(&item) {
            return item;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_look_like_the_samples() {
        assert!(is_push("0.42") && is_push("0.00"));
        assert!(!is_push("1.00") && !is_push("0.4") && !is_push(GREETING) && !is_push("0.4x"));
    }
}
