//! The WebSocket handle: a thin, owning wrapper over `web_sys::WebSocket`.

use std::rc::Rc;

use js_sys::{ArrayBuffer, JsString, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast};

use crate::{
    close::validate_close, handlers::HandlerSlot, url::resolve_url, CloseEvent, Error, Message,
    ReadyState,
};

/// A WebSocket connection, mirroring the browser's `WebSocket` object.
///
/// Cloning is cheap (a reference count) and every clone controls the same connection. The
/// handlers set with `on_*` live as long as the handle; setting a new one releases the old one.
/// When the last clone is dropped, the handlers are released and the socket is closed if it was
/// still CONNECTING or OPEN.
///
/// A handler that needs the socket (to send from `on_open`, say) should not capture a clone of
/// it: the socket owns its handlers, so that would be a cycle that is never released.
///
/// ```no_run
/// use wasm_ws::{Message, WebSocket};
///
/// let socket = WebSocket::open("/websocket/test")?; // resolved against the page: ws://host/...
/// socket.on_message(|message| match message {
///     Message::Text(text) => web_sys::console::log_1(&text.into()),
///     Message::Binary(bytes) => web_sys::console::log_1(&bytes.len().into()),
/// });
/// socket.on_close(|event| web_sys::console::log_1(&event.code.into()));
/// # Ok::<(), wasm_ws::Error>(())
/// ```
#[derive(Clone)]
pub struct WebSocket {
    shared: Rc<Shared>,
}

/// The user's handlers, shared between the handle and the browser-facing listeners.
#[derive(Default)]
struct Handlers {
    open: HandlerSlot<()>,
    message: HandlerSlot<Message>,
    close: HandlerSlot<CloseEvent>,
    error: HandlerSlot<()>,
}

struct Shared {
    socket: web_sys::WebSocket,
    handlers: Rc<Handlers>,
    /// The four listeners installed on the browser's socket, one per event, for the handle's
    /// whole life: replacing a user handler never touches the JS side.
    _listeners: [Closure<dyn FnMut(web_sys::Event)>; 4],
}

impl WebSocket {
    /// Opens a connection, like `new WebSocket(url)`.
    ///
    /// The URL may be relative to the page, and `http:`/`https:` become `ws:`/`wss:`
    /// ([`resolve_url`](crate::resolve_url)). An invalid URL is [`Error::Syntax`].
    pub fn open(url: &str) -> Result<Self, Error> {
        let url = resolve_url(url)?;
        let socket = web_sys::WebSocket::new(&url).map_err(Error::from_js)?;
        // Binary messages arrive as ArrayBuffer so that they can be delivered synchronously, in
        // order; a Blob would need an asynchronous read.
        socket.set_binary_type(web_sys::BinaryType::Arraybuffer);

        let handlers = Rc::new(Handlers::default());
        let listener = |dispatch: fn(&Handlers, web_sys::Event)| {
            let handlers = Rc::clone(&handlers);
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event| dispatch(&handlers, event))
        };
        let listeners = [
            listener(|handlers, _| handlers.open.call(())),
            listener(|handlers, event| {
                if let Some(message) = event
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(message_from_event)
                {
                    handlers.message.call(message);
                }
            }),
            listener(|handlers, event| {
                if let Some(event) = event.dyn_ref::<web_sys::CloseEvent>() {
                    handlers.close.call(CloseEvent::from(event));
                }
            }),
            listener(|handlers, _| handlers.error.call(())),
        ];
        let [open, message, close, error] = &listeners;
        socket.set_onopen(Some(open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(error.as_ref().unchecked_ref()));

        Ok(Self {
            shared: Rc::new(Shared {
                socket,
                handlers,
                _listeners: listeners,
            }),
        })
    }

    /// `readyState`: the state of the connection.
    pub fn ready_state(&self) -> ReadyState {
        // Browsers only ever report 0..=3.
        ReadyState::from_u16(self.shared.socket.ready_state()).unwrap_or(ReadyState::Closed)
    }

    /// `url`: the absolute URL the socket connects to, after resolution.
    pub fn url(&self) -> String {
        self.shared.socket.url()
    }

    /// `onopen`: called once the connection is open. Replaces (and releases) any previous one.
    pub fn on_open(&self, mut handler: impl FnMut() + 'static) {
        self.shared
            .handlers
            .open
            .set(Some(Box::new(move |()| handler())));
    }

    /// `onmessage`: called with each message, in the order received.
    pub fn on_message(&self, handler: impl FnMut(Message) + 'static) {
        self.shared.handlers.message.set(Some(Box::new(handler)));
    }

    /// `onclose`: called once when the connection closes or fails to open.
    pub fn on_close(&self, handler: impl FnMut(CloseEvent) + 'static) {
        self.shared.handlers.close.set(Some(Box::new(handler)));
    }

    /// `onerror`: called when the connection fails; the browser gives no detail, and a close
    /// event with code 1006 follows.
    pub fn on_error(&self, mut handler: impl FnMut() + 'static) {
        self.shared
            .handlers
            .error
            .set(Some(Box::new(move |()| handler())));
    }

    /// `send(string)`: sends a text message.
    ///
    /// Fails with [`Error::InvalidState`] while CONNECTING, and with [`Error::Closed`] once the
    /// socket is CLOSING or CLOSED (the browser would drop the message silently).
    pub fn send_text(&self, text: &str) -> Result<(), Error> {
        self.send_with(|socket| socket.send_with_str(text))
    }

    /// `send(bytes)`: sends a binary message. Errors as for [`WebSocket::send_text`].
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), Error> {
        self.send_with(|socket| socket.send_with_u8_array(bytes))
    }

    /// Sends a [`Message`] of either kind.
    pub fn send(&self, message: &Message) -> Result<(), Error> {
        match message {
            Message::Text(text) => self.send_text(text),
            Message::Binary(bytes) => self.send_bytes(bytes),
        }
    }

    fn send_with(
        &self,
        send: impl FnOnce(&web_sys::WebSocket) -> Result<(), wasm_bindgen::JsValue>,
    ) -> Result<(), Error> {
        match self.ready_state() {
            ReadyState::Connecting => Err(Error::InvalidState(
                "send() while the socket is CONNECTING".into(),
            )),
            ReadyState::Open => send(&self.shared.socket).map_err(Error::from_js),
            closing_or_closed => {
                // Still hand it to the browser, so that `bufferedAmount` grows as the spec says.
                send(&self.shared.socket).map_err(Error::from_js)?;
                Err(Error::Closed(closing_or_closed))
            }
        }
    }

    /// `close()`: starts the closing handshake with no code (the close event reports 1005).
    /// Does nothing if the socket is already CLOSING or CLOSED.
    pub fn close(&self) {
        // `close()` without arguments cannot throw.
        let _ = self.shared.socket.close();
    }

    /// `close(code, reason)`: starts the closing handshake with a code and a reason (may be
    /// empty). The code must be 1000 or in 3000..=4999 and the reason at most 123 bytes of
    /// UTF-8 ([`validate_close`](crate::validate_close)); both are checked before anything else.
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), Error> {
        validate_close(code, reason)?;
        self.shared
            .socket
            .close_with_code_and_reason(code, reason)
            .map_err(Error::from_js)
    }

    /// The underlying `web_sys::WebSocket`, for what this crate does not wrap. Setting its `on*`
    /// properties detaches this handle's handlers.
    pub fn as_raw(&self) -> &web_sys::WebSocket {
        &self.shared.socket
    }
}

impl Drop for Shared {
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

/// The message a `message` event carries: a string is text, an `ArrayBuffer` is binary.
fn message_from_event(event: &web_sys::MessageEvent) -> Option<Message> {
    let data = event.data();
    if let Some(text) = data.dyn_ref::<JsString>() {
        return Some(Message::Text(String::from(text)));
    }
    let buffer = data.dyn_ref::<ArrayBuffer>()?;
    Some(Message::Binary(Uint8Array::new(buffer).to_vec()))
}
