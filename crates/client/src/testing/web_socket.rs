//! A plain [`WebSocket`] on a fake server, in the browser: a small JS object with the
//! browser's `WebSocket` interface (its four `on*` handlers, `readyState`, `send`, `close`...)
//! over the in-memory network, wrapped by the crate's own [`WebSocket`], whose rules (the
//! protocol check, CLOSED during `error`, typed errors) run as they do on a real socket.

use std::rc::Rc;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{closure::Closure, prelude::*, JsCast};

use crate::{
    reconnecting::transport::{memory::Network, Socket, SocketEvent, Transport},
    validate_protocols, BinaryType, Error, Message, WebSocket,
};

#[wasm_bindgen(inline_js = r#"
// The browser's WebSocket interface, as far as wasm-ws uses it, over callbacks into the fake
// network (`hooks`). Its events are real Event, MessageEvent and CloseEvent objects,
// dispatched on the object, and each calls its `on*` handler as the browser's do.
export class FakeWebSocket extends EventTarget {
  constructor(url, hooks) {
    super();
    this._url = url;
    this._hooks = hooks;
    this.binaryType = "blob";
    for (const type of ["open", "message", "close", "error"]) {
      this["on" + type] = null;
      this.addEventListener(type, (event) => {
        const handler = this["on" + type];
        if (typeof handler === "function") handler.call(this, event);
      });
    }
  }
  get url() { return this._url; }
  get readyState() { return this._hooks.state(); }
  get protocol() { return this._hooks.protocol(); }
  get extensions() { return this._hooks.extensions(); }
  get bufferedAmount() { return 0; }
  send(data) {
    if (typeof data === "string") return this._hooks.text(data);
    if (data instanceof Blob) return this._hooks.blob(data);
    const view = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    this._hooks.bytes(view);
  }
  close(code, reason) {
    this._hooks.close(code === undefined ? 0 : code, reason === undefined ? "" : reason);
  }
  fakeOpen() { this.dispatchEvent(new Event("open")); }
  fakeText(text) { this.dispatchEvent(new MessageEvent("message", { data: text })); }
  fakeBytes(bytes) {
    const data = this.binaryType === "arraybuffer" ? bytes.slice().buffer : new Blob([bytes]);
    this.dispatchEvent(new MessageEvent("message", { data }));
  }
  fakeBlob(blob) { this.dispatchEvent(new MessageEvent("message", { data: blob })); }
  fakeError() { this.dispatchEvent(new Event("error")); }
  fakeClose(code, reason, wasClean) {
    this.dispatchEvent(new CloseEvent("close", { code, reason, wasClean }));
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(extends = web_sys::EventTarget)]
    #[derive(Clone)]
    type FakeWebSocket;

    #[wasm_bindgen(constructor)]
    fn new(url: &str, hooks: &Object) -> FakeWebSocket;
    #[wasm_bindgen(method, js_name = fakeOpen)]
    fn fake_open(this: &FakeWebSocket);
    #[wasm_bindgen(method, js_name = fakeText)]
    fn fake_text(this: &FakeWebSocket, text: &str);
    #[wasm_bindgen(method, js_name = fakeBytes)]
    fn fake_bytes(this: &FakeWebSocket, bytes: &[u8]);
    #[wasm_bindgen(method, js_name = fakeBlob)]
    fn fake_blob(this: &FakeWebSocket, blob: &web_sys::Blob);
    #[wasm_bindgen(method, js_name = fakeError)]
    fn fake_error(this: &FakeWebSocket);
    #[wasm_bindgen(method, js_name = fakeClose)]
    fn fake_close(this: &FakeWebSocket, code: u16, reason: &str, was_clean: bool);
}

/// Sets `name` on `hooks` to `function`, which JS then owns.
fn hook(hooks: &Object, name: &str, function: JsValue) {
    let _ = Reflect::set(hooks, &JsValue::from_str(name), &function);
}

/// A plain socket to `url` on `network`, offering `protocols`.
pub(super) fn open<S: AsRef<str>>(
    network: &Network,
    url: &str,
    protocols: &[S],
) -> Result<WebSocket, Error> {
    validate_protocols(protocols)?;
    let offered: Vec<String> = protocols.iter().map(|p| p.as_ref().to_owned()).collect();
    let hooks = Object::new();
    let fake = FakeWebSocket::new(url, &hooks);
    // The network's events for this socket become the fake's DOM events.
    let target = fake.clone();
    let listener = Rc::new(move |event: SocketEvent| match event {
        SocketEvent::Open => target.fake_open(),
        SocketEvent::Message(Message::Text(text)) => target.fake_text(&text),
        SocketEvent::Message(Message::Binary(bytes)) => target.fake_bytes(&bytes),
        SocketEvent::Message(Message::Blob(blob)) => target.fake_blob(&blob),
        SocketEvent::Error => target.fake_error(),
        SocketEvent::Close(close) => target.fake_close(close.code, &close.reason, close.was_clean),
    });
    // The binary type is the fake's own `binaryType`, which it applies as it dispatches.
    let socket: Rc<dyn Socket> =
        Rc::from(network.open(url, &offered, BinaryType::Blob, listener)?);
    let sender = |convert: fn(JsValue) -> Message| {
        let socket = Rc::clone(&socket);
        Closure::<dyn Fn(JsValue)>::new(move |data: JsValue| {
            let _ = socket.send(&convert(data));
        })
        .into_js_value()
    };
    hook(
        &hooks,
        "text",
        sender(|data| Message::Text(data.as_string().unwrap_or_default())),
    );
    hook(
        &hooks,
        "bytes",
        sender(|data| Message::Binary(data.unchecked_into::<Uint8Array>().to_vec())),
    );
    hook(
        &hooks,
        "blob",
        sender(|data| Message::Blob(data.unchecked_into())),
    );
    let closer = Rc::clone(&socket);
    let close = Closure::<dyn Fn(u16, String)>::new(move |code: u16, reason: String| {
        closer.close((code != 0).then_some((code, reason.as_str())));
    });
    hook(&hooks, "close", close.into_js_value());
    let state = Rc::clone(&socket);
    let ready_state = Closure::<dyn Fn() -> u16>::new(move || state.ready_state() as u16);
    hook(&hooks, "state", ready_state.into_js_value());
    let index = network.links() - 1;
    let link = |read: fn(&crate::reconnecting::transport::memory::Link) -> String| {
        let network = network.clone();
        Closure::<dyn Fn() -> String>::new(move || network.link(index, read).unwrap_or_default())
            .into_js_value()
    };
    hook(&hooks, "protocol", link(|link| link.protocol.clone()));
    hook(&hooks, "extensions", link(|link| link.extensions.clone()));
    Ok(WebSocket::wrap(fake.unchecked_into(), &offered))
}
