//! The WebSocket handle: a thin, owning wrapper over `web_sys::WebSocket`.
//!
//! Why one file of this length: it is the WHATWG interface, one documented method per attribute
//! and method of the standard, each with its example; the machinery lives in `dispatch.rs`,
//! `stream.rs` and `flow.rs`.

use std::{
    cell::Cell,
    future::poll_fn,
    rc::{Rc, Weak},
    task::{Context, Poll},
};

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use crate::{
    close::validate_close,
    dispatch::Dispatch,
    flow::{BufferReader, DrainWatch, FlowControl, Watched},
    url::{resolve_url, validate_protocols},
    BinaryType, CloseEvent, Error, Message, ReadyState, WebSocketStream,
};

/// A WebSocket connection, mirroring the browser's `WebSocket` object.
///
/// Cloning is cheap (a reference count) and every clone controls the same connection. The
/// handlers set with `on_*` live as long as the handle; setting a new one releases the old one.
/// When the last clone (streams from [`WebSocket::stream`] count as clones) is dropped, the
/// handlers are released and the socket is closed if it was still CONNECTING or OPEN.
///
/// A handler that needs the socket (to send from `on_open`, say) should capture a
/// [`WeakWebSocket`] from [`WebSocket::downgrade`]: a clone would keep the socket alive forever,
/// since the socket owns its handlers.
///
/// ```no_run
/// use wasm_ws_client::{Message, WebSocket};
///
/// let socket = WebSocket::open("/websocket/test")?; // resolved against the page: ws://host/...
/// let weak = socket.downgrade();
/// socket.on_open(move || {
///     if let Some(socket) = weak.upgrade() {
///         let _ = socket.send_text("subscribe");
///     }
/// });
/// socket.on_message(|message| match message {
///     Message::Text(text) => web_sys::console::log_1(&text.into()),
///     other => web_sys::console::log_1(&format!("{other:?}").into()),
/// });
/// socket.on_close(|event| web_sys::console::log_1(&event.code.into()));
/// # Ok::<(), wasm_ws_client::Error>(())
/// ```
#[derive(Clone)]
pub struct WebSocket {
    core: Rc<SocketCore>,
}

/// A handle that does not keep the socket alive; see [`WebSocket::downgrade`].
#[derive(Clone)]
pub struct WeakWebSocket {
    core: Weak<SocketCore>,
}

impl WeakWebSocket {
    /// The socket, if a strong handle still exists.
    pub fn upgrade(&self) -> Option<WebSocket> {
        self.core.upgrade().map(|core| WebSocket { core })
    }
}

/// The browser's socket and what its listeners dispatch to: what every handle shares.
struct SocketCore {
    socket: web_sys::WebSocket,
    dispatch: Rc<Dispatch>,
    /// The four listeners installed on the browser's socket, one per event, for the handle's
    /// whole life: replacing a user handler never touches the JS side.
    _listeners: [Closure<dyn FnMut(web_sys::Event)>; 4],
    /// Bytes sent after the socket started closing: dropped, and counted in `bufferedAmount`.
    dropped: Cell<u32>,
    /// How much may wait in `bufferedAmount` before the `Sink` waits.
    flow: Cell<Option<FlowControl>>,
    /// What waits for `bufferedAmount` to drain.
    drain: DrainWatch,
}

impl BufferReader for SocketCore {
    fn buffered(&self) -> Option<u32> {
        if self.dispatch.closed_already() {
            return None;
        }
        match ReadyState::from_u16(self.socket.ready_state()) {
            Some(ReadyState::Connecting | ReadyState::Open) => Some(self.socket.buffered_amount()),
            _ => None,
        }
    }
}

impl Watched for SocketCore {
    fn watch(&self) -> &DrainWatch {
        &self.drain
    }
}

impl WebSocket {
    /// `new WebSocket(url)`: opens a connection.
    ///
    /// The URL may be relative to the page, and `http:`/`https:` become `ws:`/`wss:`
    /// ([`resolve_url`](crate::resolve_url)). An invalid URL is [`Error::Syntax`].
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::open_with_protocols(url, &[] as &[&str])
    }

    /// `new WebSocket(url, protocols)`: opens a connection offering one or more subprotocols,
    /// in order of preference. Invalid or repeated protocols are [`Error::Syntax`]
    /// ([`validate_protocols`](crate::validate_protocols)). A server that selects none of
    /// them fails the connection, in every engine (see [`protocol`](Self::protocol)).
    ///
    /// ```no_run
    /// let socket = wasm_ws_client::WebSocket::open_with_protocols("wss://example.com/chat", &["chat.v2", "chat"])?;
    /// // Once open, `socket.protocol()` tells which one the server chose.
    /// # Ok::<(), wasm_ws_client::Error>(())
    /// ```
    pub fn open_with_protocols<S: AsRef<str>>(url: &str, protocols: &[S]) -> Result<Self, Error> {
        #[cfg(feature = "testing")]
        if let Some(server) = crate::testing::route(url)? {
            return server.web_socket(url, protocols);
        }
        let url = resolve_url(url)?;
        validate_protocols(protocols)?;
        let socket = if protocols.is_empty() {
            web_sys::WebSocket::new(&url)
        } else {
            let list: Array = protocols
                .iter()
                .map(|p| JsValue::from_str(p.as_ref()))
                .collect();
            web_sys::WebSocket::new_with_str_sequence(&url, &list)
        }
        .map_err(Error::from_js)?;
        Ok(Self::wrap(socket, protocols))
    }

    /// Owns `socket`, which offered `protocols`: installs the four listeners that dispatch
    /// its events.
    pub(crate) fn wrap<S: AsRef<str>>(socket: web_sys::WebSocket, protocols: &[S]) -> Self {
        let offered = protocols.iter().map(|p| p.as_ref().to_owned()).collect();
        let dispatch = Rc::new(Dispatch::new(offered));
        let listener = |forward: fn(&Dispatch, web_sys::Event)| {
            let dispatch = Rc::clone(&dispatch);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event| forward(&dispatch, event))
        };
        let listeners = [
            listener(|dispatch, event| {
                // This listener's own socket (or a fake of one, in tests).
                if let Some(socket) = event.target() {
                    dispatch.opened(socket.unchecked_ref());
                }
            }),
            listener(|dispatch, event| {
                if let Some(message) = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(message_from_event)
                {
                    dispatch.received(message);
                }
            }),
            listener(|dispatch, event| {
                if let Some(event) = event.dyn_ref::<web_sys::CloseEvent>() {
                    dispatch.closed(CloseEvent::from(event));
                }
            }),
            listener(|dispatch, _| dispatch.failed()),
        ];
        let [open, message, close, error] = &listeners;
        socket.set_onopen(Some(open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(error.as_ref().unchecked_ref()));

        Self {
            core: Rc::new(SocketCore {
                socket,
                dispatch,
                _listeners: listeners,
                dropped: Cell::new(0),
                flow: Cell::new(Some(FlowControl::default())),
                drain: DrainWatch::default(),
            }),
        }
    }

    /// `readyState`: the state of the connection.
    pub fn ready_state(&self) -> ReadyState {
        // Once the close event was delivered (or while a failure's `error` runs), CLOSED, as
        // the standard says, whatever the engine reports.
        if self.core.dispatch.closed_already() {
            return ReadyState::Closed;
        }
        // Browsers only ever report 0..=3.
        ReadyState::from_u16(self.core.socket.ready_state()).unwrap_or(ReadyState::Closed)
    }

    /// `url`: the absolute URL the socket connects to, after resolution.
    pub fn url(&self) -> String {
        self.core.socket.url()
    }

    /// `protocol`: the subprotocol the server selected; empty before open or if none.
    ///
    /// The server must select one of the subprotocols offered
    /// ([`open_with_protocols`](Self::open_with_protocols)), and none if none were, or the
    /// connection fails (WHATWG WebSocket, "establish a WebSocket connection"; RFC 6455 section
    /// 4.1). Firefox instead opens such a socket (with an empty `protocol` when it selected
    /// none); wasm-ws fails it there too, as Chromium does: `on_error`, then `on_close` with
    /// 1006, never `on_open`. So once open, `protocol()` is one of the offered ones, or empty
    /// if none was offered.
    ///
    /// One case stays the engine's: when nothing was offered and the server selects a
    /// subprotocol anyway, Chromium fails the connection, as it should, but Firefox opens it and
    /// reports `protocol` as empty. Nothing in the API shows the server's header, so wasm-ws
    /// cannot tell (see `docs/engine-differences.md`).
    pub fn protocol(&self) -> String {
        if self.core.dispatch.never_opened() {
            return String::new();
        }
        self.core.socket.protocol()
    }

    /// `extensions`: the extensions the server selected (such as `permessage-deflate`); empty
    /// before open.
    pub fn extensions(&self) -> String {
        if self.core.dispatch.never_opened() {
            return String::new();
        }
        self.core.socket.extensions()
    }

    /// `bufferedAmount`: bytes passed to a send but not yet transmitted (UTF-8 bytes of text,
    /// bytes of binary, framing excluded). Use it for backpressure. It also counts sends made
    /// after the socket started closing, which are never transmitted.
    pub fn buffered_amount(&self) -> u32 {
        let dropped = self.core.dropped.get();
        self.core.socket.buffered_amount().saturating_add(dropped)
    }

    /// How much may wait in [`buffered_amount`](Self::buffered_amount) before the `Sink` of
    /// [`stream`](Self::stream) waits (its `poll_ready` is pending above the high-water mark,
    /// its `poll_flush` until the low-water mark); `None` never waits. Set for this socket and
    /// every clone of it. Default: [`FlowControl::default`] (1 MiB, 256 KiB). The `send_*`
    /// methods never wait: they are the browser's `send()`.
    ///
    /// ```no_run
    /// use futures_util::SinkExt;
    /// use wasm_ws_client::{FlowControl, Message, WebSocket};
    ///
    /// # async fn demo(chunks: Vec<Vec<u8>>) -> Result<(), wasm_ws_client::Error> {
    /// let socket = WebSocket::open("/websocket/test")?;
    /// socket.set_flow_control(Some(FlowControl { high_water_mark: 4 << 20, low_water_mark: 1 << 20 }));
    /// let mut sink = socket.stream();
    /// for chunk in chunks {
    ///     sink.send(Message::from(chunk)).await?; // waits while 4 MiB wait in the browser
    /// }
    /// # Ok(()) }
    /// ```
    pub fn set_flow_control(&self, flow: Option<FlowControl>) {
        self.core.flow.set(flow);
    }

    /// The flow control in force; see [`set_flow_control`](Self::set_flow_control).
    pub fn flow_control(&self) -> Option<FlowControl> {
        self.core.flow.get()
    }

    /// Ready once at most `below` bytes wait in the browser's send buffer, or the socket is
    /// closing or closed; otherwise the task is woken then.
    pub(crate) fn poll_drained(&self, cx: &Context<'_>, below: u32) -> Poll<()> {
        let core = Rc::downgrade(&self.core);
        self.core.drain.poll_drained(&core, cx, below)
    }

    /// Calls `call` with `bufferedAmount` once it is at most `below` (at once if it is), or the
    /// socket is closing or closed.
    pub(crate) fn when_drained(&self, below: u32, call: Box<dyn FnOnce(u32)>) {
        let core = Rc::downgrade(&self.core);
        self.core.drain.when_drained(&core, below, call);
    }

    /// `binaryType`: how received binary messages are represented.
    pub fn binary_type(&self) -> BinaryType {
        match self.core.socket.binary_type() {
            web_sys::BinaryType::Arraybuffer => BinaryType::ArrayBuffer,
            _ => BinaryType::Blob,
        }
    }

    /// Sets `binaryType`; it applies to messages delivered from then on.
    pub fn set_binary_type(&self, binary_type: BinaryType) {
        self.core.socket.set_binary_type(binary_type.into());
    }

    /// `onopen`: called once the connection is open. Replaces (and releases) any previous one.
    pub fn on_open(&self, mut handler: impl FnMut() + 'static) {
        self.core
            .dispatch
            .open
            .set(Some(Box::new(move |()| handler())));
    }

    /// `onmessage`: called with each message, in the order received.
    pub fn on_message(&self, handler: impl FnMut(Message) + 'static) {
        self.core
            .dispatch
            .message
            .handler
            .set(Some(Box::new(handler)));
    }

    /// `onclose`: called once when the connection closes or fails to open.
    pub fn on_close(&self, handler: impl FnMut(CloseEvent) + 'static) {
        self.core.dispatch.close.set(Some(Box::new(handler)));
    }

    /// `onerror`: called when the connection fails; the browser gives no detail, and a close
    /// event with code 1006 follows.
    pub fn on_error(&self, mut handler: impl FnMut() + 'static) {
        self.core
            .dispatch
            .error
            .set(Some(Box::new(move |()| handler())));
    }

    /// Removes all four handlers, releasing them.
    pub fn clear_handlers(&self) {
        let dispatch = &self.core.dispatch;
        dispatch.open.set(None);
        dispatch.message.handler.set(None);
        dispatch.close.set(None);
        dispatch.error.set(None);
    }

    /// `send(string)`: sends a text message.
    ///
    /// Fails with [`Error::InvalidState`] while CONNECTING, and with [`Error::Closed`] once the
    /// socket is CLOSING or CLOSED: the browser would drop the message silently (and still
    /// count it in [`buffered_amount`](Self::buffered_amount), as this does too).
    pub fn send_text(&self, text: &str) -> Result<(), Error> {
        self.send_with(text.len(), |socket| socket.send_with_str(text))
    }

    /// `send(bytes)`: sends a binary message. Errors as for [`WebSocket::send_text`].
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), Error> {
        self.send_with(bytes.len(), |socket| socket.send_with_u8_array(bytes))
    }

    /// `send(blob)`: sends a `Blob` as a binary message. Errors as for [`WebSocket::send_text`].
    pub fn send_blob(&self, blob: &web_sys::Blob) -> Result<(), Error> {
        self.send_with(blob.size() as usize, |socket| socket.send_with_blob(blob))
    }

    /// `send(arrayBuffer)`: sends an `ArrayBuffer` as a binary message, without copying it into
    /// wasm memory. Errors as for [`WebSocket::send_text`].
    pub fn send_array_buffer(&self, buffer: &ArrayBuffer) -> Result<(), Error> {
        let len = buffer.byte_length() as usize;
        self.send_with(len, |socket| socket.send_with_array_buffer(buffer))
    }

    /// Sends a [`Message`] of any kind.
    pub fn send(&self, message: &Message) -> Result<(), Error> {
        match message {
            Message::Text(text) => self.send_text(text),
            Message::Binary(bytes) => self.send_bytes(bytes),
            Message::Blob(blob) => self.send_blob(blob),
        }
    }

    /// Sends `len` bytes (as the standard counts them) with `send`, in the current state.
    fn send_with(
        &self,
        len: usize,
        send: impl FnOnce(&web_sys::WebSocket) -> Result<(), JsValue>,
    ) -> Result<(), Error> {
        match self.ready_state() {
            ReadyState::Connecting => Err(Error::InvalidState(
                "send() while the socket is CONNECTING".into(),
            )),
            ReadyState::Open => send(&self.core.socket).map_err(Error::from_js),
            closing_or_closed => {
                // The standard drops the data but counts it in `bufferedAmount`. Counted here
                // rather than handed to the engine: WebKit adds each frame's header too, and a
                // socket wasm-ws failed may still be CONNECTING to the engine.
                let len = u32::try_from(len).unwrap_or(u32::MAX);
                let dropped = &self.core.dropped;
                dropped.set(dropped.get().saturating_add(len));
                Err(Error::Closed(closing_or_closed))
            }
        }
    }

    /// `close()`: starts the closing handshake with no code (the close event reports 1005), or
    /// fails the connection if it is still CONNECTING. Does nothing if already CLOSING or CLOSED.
    pub fn close(&self) {
        // `close()` without arguments cannot throw.
        let _ = self.core.socket.close();
    }

    /// `close(code)`: as [`WebSocket::close`], with a code that must be 1000 or in 3000..=4999
    /// ([`Error::InvalidAccess`]), checked before anything else.
    pub fn close_with_code(&self, code: u16) -> Result<(), Error> {
        validate_close(code, "")?;
        self.core
            .socket
            .close_with_code(code)
            .map_err(Error::from_js)
    }

    /// `close(code, reason)`: as [`WebSocket::close_with_code`], with a reason of at most 123
    /// bytes of UTF-8 ([`Error::Syntax`]; see [`validate_close`](crate::validate_close)).
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), Error> {
        validate_close(code, reason)?;
        self.core
            .socket
            .close_with_code_and_reason(code, reason)
            .map_err(Error::from_js)
    }

    /// Waits until the socket leaves CONNECTING: `Ok` once open, or the close event if it
    /// failed to open. Resolves at once if the socket is already open or closed.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), wasm_ws_client::Error> {
    /// let socket = wasm_ws_client::WebSocket::open("/websocket/test")?;
    /// if let Err(event) = socket.opened().await {
    ///     web_sys::console::log_1(&format!("could not connect: {}", event.code).into());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn opened(&self) -> Result<(), CloseEvent> {
        poll_fn(|cx| {
            let dispatch = &self.core.dispatch;
            if let Some(outcome) = dispatch.open_outcome() {
                return Poll::Ready(outcome);
            }
            dispatch.wait_for_open(cx);
            Poll::Pending
        })
        .await
    }

    /// Waits for the close event, and returns it. Resolves at once if it already fired.
    pub async fn closed(&self) -> CloseEvent {
        poll_fn(|cx| match self.core.dispatch.close_event() {
            Some(event) => Poll::Ready(event),
            None => {
                self.core.dispatch.wait_for_close(cx);
                Poll::Pending
            }
        })
        .await
    }

    /// Closes like [`WebSocket::close_with`] and waits for the close event.
    ///
    /// ```no_run
    /// # async fn demo(socket: wasm_ws_client::WebSocket) -> Result<(), wasm_ws_client::Error> {
    /// let event = socket.close_and_wait(1000, "done").await?;
    /// assert!(event.was_clean);
    /// # Ok(()) }
    /// ```
    pub async fn close_and_wait(&self, code: u16, reason: &str) -> Result<CloseEvent, Error> {
        self.close_with(code, reason)?;
        Ok(self.closed().await)
    }

    /// A `futures` [`Stream`](futures_core::Stream) of the messages received from now on, that
    /// is also a [`Sink`](futures_sink::Sink) of messages; see [`WebSocketStream`].
    pub fn stream(&self) -> WebSocketStream {
        let queue = self.core.dispatch.message.subscribe();
        WebSocketStream::new(self.clone(), queue)
    }

    /// A handle that does not keep the socket alive, for use inside its own handlers.
    pub fn downgrade(&self) -> WeakWebSocket {
        WeakWebSocket {
            core: Rc::downgrade(&self.core),
        }
    }

    /// The underlying `web_sys::WebSocket`, for what this crate does not wrap. Setting its `on*`
    /// properties detaches this handle's handlers.
    pub fn as_raw(&self) -> &web_sys::WebSocket {
        &self.core.socket
    }

    pub(crate) fn dispatch(&self) -> &Dispatch {
        &self.core.dispatch
    }
}

impl Drop for SocketCore {
    fn drop(&mut self) {
        let socket = &self.socket;
        socket.set_onopen(None);
        socket.set_onmessage(None);
        socket.set_onclose(None);
        socket.set_onerror(None);
        if matches!(
            ReadyState::from_u16(socket.ready_state()),
            Some(ReadyState::Connecting | ReadyState::Open)
        ) {
            let _ = socket.close();
        }
    }
}

/// The bytes of `array`, copied once into wasm memory. `Uint8Array::to_vec` does the same
/// behind a length assertion whose panic message brings integer formatting into every page.
fn bytes_of(array: &Uint8Array) -> Vec<u8> {
    let len = array.length() as usize;
    let mut bytes = Vec::with_capacity(len);
    // SAFETY: the view covers exactly the vector's `len` bytes of capacity, nothing allocates
    // (so wasm memory cannot grow and detach it) between making it and the copy, and the copy
    // fills those bytes before the length is set.
    unsafe {
        Uint8Array::view_mut_raw(bytes.as_mut_ptr(), len).set(array, 0);
        bytes.set_len(len);
    }
    bytes
}

/// The message a `message` event carries: a string is text, an `ArrayBuffer` bytes, a `Blob`
/// stays a `Blob`.
fn message_from_event(event: &web_sys::MessageEvent) -> Option<Message> {
    let data = event.data();
    // One call for the common case: a string, decoded straight into a Rust `String`.
    if let Some(text) = data.as_string() {
        return Some(Message::Text(text));
    }
    if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
        return Some(Message::Binary(bytes_of(&Uint8Array::new(buffer))));
    }
    data.dyn_into::<web_sys::Blob>().ok().map(Message::Blob)
}
