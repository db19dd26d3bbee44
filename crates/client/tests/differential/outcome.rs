//! Playing a scenario through a raw `web_sys::WebSocket` and through wasm-ws, and describing
//! what happened in the same words for both.

use futures_channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures_util::StreamExt;
use js_sys::Array;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_ws_client::{Error, ReadyState, WebSocket};
use wasm_ws_test_support::{next_within, within, PATIENCE};

/// How long a `close` may take to follow an `error`: the standard fires both in one task.
const AFTER_ERROR: std::time::Duration = std::time::Duration::from_secs(3);

/// The name of the `DOMException` a call threw, or "no exception".
pub fn exception_name(result: Result<(), JsValue>) -> String {
    match result {
        Ok(()) => super::NO_EXCEPTION.into(),
        Err(exception) => exception
            .dyn_ref::<web_sys::DomException>()
            .map_or_else(|| format!("{exception:?}"), |dom| dom.name()),
    }
}

fn new_raw(url: &str, protocols: &[&str]) -> Result<web_sys::WebSocket, JsValue> {
    if protocols.is_empty() {
        web_sys::WebSocket::new(url)
    } else {
        let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        web_sys::WebSocket::new_with_str_sequence(url, &list)
    }
}

pub fn constructor_raw(url: &str, protocols: &[&str]) -> String {
    exception_name(new_raw(url, protocols).map(|socket| {
        let _ = socket.close();
    }))
}

pub fn constructor_wasm_ws(url: &str, protocols: &[&str]) -> String {
    match WebSocket::open_with_protocols(url, protocols) {
        Ok(socket) => {
            socket.close();
            super::NO_EXCEPTION.into()
        }
        Err(error) => super::error_name(Err(error)),
    }
}

fn state_name(state: u16) -> &'static str {
    ReadyState::from_u16(state).map_or("?", ReadyState::name)
}

/// A socket and the descriptions of its events, in order.
pub struct Recorded<S> {
    pub socket: S,
    events: UnboundedReceiver<String>,
    _listeners: Option<RawListeners>,
}

/// The listeners set on a raw socket, taken off it again when dropped (a JS callback must not
/// outlive its Rust closure).
struct RawListeners {
    socket: web_sys::WebSocket,
    _closures: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

impl Drop for RawListeners {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onerror(None);
        self.socket.set_onclose(None);
    }
}

impl<S> Recorded<S> {
    /// The events until the connection opens or closes, joined: `open, protocol echo`, or
    /// `error(CLOSED), close 1006 unclean`.
    /// An `error` that no `close` follows within [`AFTER_ERROR`] is reported as such (WebKit,
    /// for a blocked port).
    pub async fn until_settled(mut self) -> String {
        let mut seen: Vec<String> = Vec::new();
        loop {
            let after_error = seen.last().is_some_and(|last| last.starts_with("error"));
            let event = if after_error {
                match within(AFTER_ERROR, self.events.next()).await {
                    Some(Some(event)) => event,
                    _ => "no close event".into(),
                }
            } else {
                next_within(&mut self.events, PATIENCE, "an open or close event").await
            };
            let settled = ["open", "close", "no close"]
                .iter()
                .any(|s| event.starts_with(s));
            seen.push(event);
            if settled {
                return seen.join(", ");
            }
        }
    }
}

/// A close event; `readyState` is named only where it is not CLOSED, as the standard says.
fn describe_close(code: u16, clean: bool, state: u16) -> String {
    let clean = if clean { "clean" } else { "unclean" };
    match state_name(state) {
        "CLOSED" => format!("close {code} {clean}"),
        other => format!("close({other}) {code} {clean}"),
    }
}

/// An open event; `readyState` is named only where it is not OPEN.
fn describe_open(protocol: String, state: u16) -> String {
    let open = match state_name(state) {
        "OPEN" => "open".to_owned(),
        other => format!("open({other})"),
    };
    if protocol.is_empty() {
        open
    } else {
        format!("{open}, protocol {protocol}")
    }
}

pub fn record_raw(socket: web_sys::WebSocket) -> Recorded<web_sys::WebSocket> {
    let (sender, events) = mpsc::unbounded();
    let listener = |describe: fn(&web_sys::WebSocket, web_sys::Event) -> String| {
        let (sender, socket): (UnboundedSender<String>, _) = (sender.clone(), socket.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event| {
            let _ = sender.unbounded_send(describe(&socket, event));
        })
    };
    let open = listener(|socket, _| describe_open(socket.protocol(), socket.ready_state()));
    let error = listener(|socket, _| format!("error({})", state_name(socket.ready_state())));
    let close = listener(|socket, event| {
        let event: web_sys::CloseEvent = event.unchecked_into();
        describe_close(event.code(), event.was_clean(), socket.ready_state())
    });
    socket.set_onopen(Some(open.as_ref().unchecked_ref()));
    socket.set_onerror(Some(error.as_ref().unchecked_ref()));
    socket.set_onclose(Some(close.as_ref().unchecked_ref()));
    Recorded {
        socket: socket.clone(),
        events,
        _listeners: Some(RawListeners {
            socket,
            _closures: [open, error, close],
        }),
    }
}

pub fn record_wasm_ws(socket: WebSocket) -> Recorded<WebSocket> {
    let (sender, events) = mpsc::unbounded();
    let weak = socket.downgrade();
    let (open, error, close) = (sender.clone(), sender.clone(), sender);
    let state = move || {
        weak.upgrade()
            .map_or(ReadyState::Closed, |socket| socket.ready_state())
    };
    let (protocol, state_open, state_error, state_close) =
        (socket.downgrade(), state.clone(), state.clone(), state);
    socket.on_open(move || {
        let protocol = protocol.upgrade().map(|s| s.protocol()).unwrap_or_default();
        let _ = open.unbounded_send(describe_open(protocol, state_open() as u16));
    });
    socket.on_error(move || {
        let _ = error.unbounded_send(format!("error({})", state_error().name()));
    });
    socket.on_close(move |event| {
        let state = state_close() as u16;
        let _ = close.unbounded_send(describe_close(event.code, event.was_clean, state));
    });
    Recorded {
        socket,
        events,
        _listeners: None,
    }
}

pub async fn connect_raw(url: &str, protocols: &[&str]) -> String {
    match new_raw(url, protocols) {
        Ok(socket) => {
            let recorded = record_raw(socket.clone());
            let outcome = recorded.until_settled().await;
            let _ = socket.close();
            outcome
        }
        Err(exception) => exception_name(Err(exception)),
    }
}

pub async fn connect_wasm_ws(url: &str, protocols: &[&str]) -> String {
    match WebSocket::open_with_protocols(url, protocols) {
        Ok(socket) => {
            let recorded = record_wasm_ws(socket.clone());
            let outcome = recorded.until_settled().await;
            socket.close();
            outcome
        }
        Err(error) => super::error_name(Err::<(), Error>(error)),
    }
}

/// A raw socket, once open.
pub async fn open_raw(url: &str) -> web_sys::WebSocket {
    let socket = web_sys::WebSocket::new(url).unwrap();
    let recorded = record_raw(socket.clone());
    assert_eq!(recorded.until_settled().await, "open");
    socket
}
