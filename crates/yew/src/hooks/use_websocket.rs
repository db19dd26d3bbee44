//! `use_websocket`: a [`wasm_ws::WebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws::{BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket};
use yew::prelude::*;

/// Options for [`use_websocket`]: the callbacks default to `None` (no callback), and
/// `binary_type` to [`BinaryType::ArrayBuffer`] (binary messages arrive as bytes).
///
/// The hook keeps no messages itself: a component re-renders for a message only if its
/// `on_message` changes state, and no message is skipped because only "the latest" is kept.
/// The callbacks may change between renders; the newest ones are always called, and changing
/// them never reopens the socket.
#[derive(Clone, PartialEq)]
pub struct UseWebSocketOptions {
    /// How binary messages arrive: as bytes (`ArrayBuffer`, the default here) or as `Blob`s.
    /// Read when the socket opens.
    pub binary_type: BinaryType,
    /// Called when the connection opens.
    pub on_open: Option<Callback<()>>,
    /// Called with every message, in the order received.
    pub on_message: Option<Callback<Message>>,
    /// Called when the connection closes or fails to open.
    pub on_close: Option<Callback<CloseEvent>>,
    /// Called when the connection fails (a close event with code 1006 follows).
    pub on_error: Option<Callback<()>>,
}

impl Default for UseWebSocketOptions {
    fn default() -> Self {
        Self {
            binary_type: BinaryType::ArrayBuffer,
            on_open: None,
            on_message: None,
            on_close: None,
            on_error: None,
        }
    }
}

/// What [`use_websocket`] returns: the connection's state and the means to send and close.
#[derive(Clone)]
pub struct UseWebSocketHandle {
    /// `readyState`, kept up to date across renders.
    pub ready_state: ReadyState,
    /// Why the socket could not be created (an invalid URL, say), if it could not.
    pub open_error: Option<Error>,
    socket: Rc<RefCell<Option<WebSocket>>>,
    set_ready_state: UseStateSetter<ReadyState>,
}

impl UseWebSocketHandle {
    /// Sends a message; errors as [`WebSocket::send`], and [`Error::Closed`] when the socket
    /// could not be created at all.
    pub fn send(&self, message: &Message) -> Result<(), Error> {
        self.with_socket(|socket| socket.send(message))
    }

    /// Starts the closing handshake with no code ([`WebSocket::close`]).
    pub fn close(&self) {
        let _ = self.with_socket(|socket| {
            socket.close();
            Ok(())
        });
    }

    /// Starts the closing handshake with a code and a reason ([`WebSocket::close_with`]).
    pub fn close_with(&self, code: u16, reason: &str) -> Result<(), Error> {
        self.with_socket(|socket| socket.close_with(code, reason))
    }

    /// Runs `action` on the socket, then publishes its (possibly changed) `readyState`.
    fn with_socket(
        &self,
        action: impl FnOnce(&WebSocket) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let socket = self.socket.borrow();
        let socket = socket.as_ref().ok_or(Error::Closed(ReadyState::Closed))?;
        let result = action(socket);
        self.set_ready_state.set(socket.ready_state());
        result
    }
}

/// Opens a WebSocket to `url` (relative URLs resolve against the page) when the component
/// mounts or `url` changes, and closes it when the component unmounts or `url` changes.
///
/// ```no_run
/// use wasm_ws_yew::{use_websocket, Message, UseWebSocketOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Ticker() -> Html {
///     let last = use_state(String::new);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |message: Message| {
///             if let Message::Text(text) = message {
///                 last.set(text);
///             }
///         })
///     };
///     let socket = use_websocket("/websocket/test", UseWebSocketOptions { on_message: Some(on_message), ..Default::default() });
///     html! { <p>{ socket.ready_state.name() } { " " } { &*last }</p> }
/// }
/// ```
#[hook]
pub fn use_websocket(url: &str, options: UseWebSocketOptions) -> UseWebSocketHandle {
    let ready_state = use_state_eq(|| ReadyState::Connecting);
    let open_error = use_state_eq(|| None::<Error>);
    let socket = use_mut_ref(|| None::<WebSocket>);
    // Read at event time, so the handlers always call the newest callbacks.
    let latest_options = use_mut_ref(UseWebSocketOptions::default);
    *latest_options.borrow_mut() = options;

    {
        let (ready_state, open_error, socket) =
            (ready_state.setter(), open_error.setter(), socket.clone());
        use_effect_with(url.to_owned(), move |url| {
            match WebSocket::open(url) {
                Ok(opened) => {
                    opened.set_binary_type(latest_options.borrow().binary_type);
                    install_handlers(&opened, &latest_options, &ready_state);
                    ready_state.set(opened.ready_state());
                    open_error.set(None);
                    *socket.borrow_mut() = Some(opened);
                }
                Err(error) => {
                    ready_state.set(ReadyState::Closed);
                    open_error.set(Some(error));
                }
            }
            // Dropping the handle releases the handlers and closes the socket.
            move || drop(socket.borrow_mut().take())
        });
    }

    UseWebSocketHandle {
        ready_state: *ready_state,
        open_error: (*open_error).clone(),
        socket,
        set_ready_state: ready_state.setter(),
    }
}

fn install_handlers(
    socket: &WebSocket,
    options: &Rc<RefCell<UseWebSocketOptions>>,
    ready_state: &UseStateSetter<ReadyState>,
) {
    // Each handler reads the newest callback of its kind and emits to it.
    fn emit<T>(
        options: &RefCell<UseWebSocketOptions>,
        pick: fn(&UseWebSocketOptions) -> &Option<Callback<T>>,
        value: T,
    ) {
        let callback = pick(&options.borrow()).clone();
        if let Some(callback) = callback {
            callback.emit(value);
        }
    }

    let (options_open, state_open) = (options.clone(), ready_state.clone());
    socket.on_open(move || {
        state_open.set(ReadyState::Open);
        emit(&options_open, |o| &o.on_open, ());
    });
    let options_message = options.clone();
    socket.on_message(move |message| emit(&options_message, |o| &o.on_message, message));
    let (options_close, state_close) = (options.clone(), ready_state.clone());
    socket.on_close(move |event| {
        state_close.set(ReadyState::Closed);
        emit(&options_close, |o| &o.on_close, event);
    });
    let (options_error, state_error) = (options.clone(), ready_state.clone());
    socket.on_error(move || {
        state_error.set(ReadyState::Closed);
        emit(&options_error, |o| &o.on_error, ());
    });
}
