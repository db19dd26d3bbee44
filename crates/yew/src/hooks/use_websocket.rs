//! `use_websocket`: a [`wasm_ws_client::WebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws_client::{BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket};
use yew::prelude::*;

use super::{
    use_latest::use_latest,
    use_wanted::{use_wanted, Ask, Wanted},
};
use crate::url::{self, LatestUrl, WebSocketUrl};

/// Options for [`use_websocket`]; every field has a documented default.
///
/// The hook keeps no messages itself: a component re-renders for a message only if its
/// `on_message` changes state, and no message is skipped because only "the latest" is kept.
///
/// Which changes make a new socket: a different fixed URL, and different `protocols`.
/// `binary_type` applies to the live socket at once. The callbacks and a URL function are
/// always called in their newest version and never reconnect by themselves. `enabled` going to
/// `false` closes the socket; to `true`, opens one.
#[derive(Clone, PartialEq)]
pub struct UseWebSocketOptions {
    /// Whether to hold a socket. With `false`, none is opened until `enabled` becomes `true` or
    /// [`UseWebSocketHandle::open`] is called. Default: `true`.
    pub enabled: bool,
    /// Subprotocols to offer, in order of preference. Default: none.
    pub protocols: Vec<String>,
    /// How binary messages arrive: as bytes (`ArrayBuffer`) or as `Blob`s. Default:
    /// [`BinaryType::ArrayBuffer`].
    pub binary_type: BinaryType,
    /// Called when the socket opens; the messages it returns are sent first, before
    /// `on_open` is called (see
    /// [`ReconnectOptions::hello`](wasm_ws_client::ReconnectOptions::hello)). Default: none.
    pub hello: Option<Callback<(), Vec<Message>>>,
    /// Called when the connection opens. Default: none.
    pub on_open: Option<Callback<()>>,
    /// Called with every message, in the order received. Default: none.
    pub on_message: Option<Callback<Message>>,
    /// Called when the connection closes or fails to open. Default: none.
    pub on_close: Option<Callback<CloseEvent>>,
    /// Called when the connection fails (a close event with code 1006 follows). Default: none.
    pub on_error: Option<Callback<()>>,
}

impl Default for UseWebSocketOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            protocols: Vec::new(),
            binary_type: BinaryType::ArrayBuffer,
            hello: None,
            on_open: None,
            on_message: None,
            on_close: None,
            on_error: None,
        }
    }
}

/// What [`use_websocket`] returns: the connection's state and the means to send, close and
/// open again. Handles compare equal when they show the same socket in the same state.
#[derive(Clone)]
pub struct UseWebSocketHandle {
    /// `readyState`, kept up to date across renders.
    pub ready_state: ReadyState,
    /// Why the socket could not be created (an invalid URL, say), if it could not.
    pub open_error: Option<Error>,
    socket: Rc<RefCell<Option<WebSocket>>>,
    set_ready_state: UseStateSetter<ReadyState>,
    ask: UseReducerDispatcher<Wanted>,
}

impl PartialEq for UseWebSocketHandle {
    fn eq(&self, other: &Self) -> bool {
        self.ready_state == other.ready_state
            && self.open_error == other.open_error
            && Rc::ptr_eq(&self.socket, &other.socket)
    }
}

impl UseWebSocketHandle {
    /// Sends a message; errors as [`WebSocket::send`], and [`Error::Closed`] while there is
    /// no socket.
    pub fn send(&self, message: &Message) -> Result<(), Error> {
        self.with_socket(|socket| socket.send(message))
    }

    /// Starts the closing handshake with no code ([`WebSocket::close`]). The socket stays
    /// closed until [`open`](Self::open).
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

    /// Opens a socket if there is none, or if the last one is closing or closed (after
    /// [`close`](Self::close), say, or while `enabled` is `false`).
    pub fn open(&self) {
        let live = self.socket.borrow().as_ref().is_some_and(|socket| {
            matches!(
                socket.ready_state(),
                ReadyState::Connecting | ReadyState::Open
            )
        });
        if !live {
            self.ask.dispatch(Ask::ByHand);
        }
    }

    /// Closes the current socket, if any, and opens a new one.
    pub fn reconnect(&self) {
        self.ask.dispatch(Ask::ByHand);
    }

    /// The socket itself, while there is one: for what this handle does not offer
    /// (`buffered_amount()`, `protocol()`, streams...).
    pub fn socket(&self) -> Option<WebSocket> {
        self.socket.borrow().clone()
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

/// Opens a WebSocket to `url` (relative URLs resolve against the page; or a function called
/// at each opening, see [`WebSocketUrl`]) when the component mounts, and closes it when the
/// component unmounts. It does not reconnect by itself: see
/// [`use_reconnecting_websocket`](crate::use_reconnecting_websocket) for that.
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
///     let reopen = { let socket = socket.clone(); Callback::from(move |_: MouseEvent| socket.open()) };
///     html! { <p>{ socket.ready_state.name() } { " " } { &*last } <button onclick={reopen}>{ "open" }</button></p> }
/// }
/// ```
#[hook]
pub fn use_websocket(
    url: impl Into<WebSocketUrl>,
    options: UseWebSocketOptions,
) -> UseWebSocketHandle {
    let url = url.into();
    let enabled = options.enabled;
    let ready_state = use_state_eq(move || {
        if enabled {
            ReadyState::Connecting
        } else {
            ReadyState::Closed
        }
    });
    let open_error = use_state_eq(|| None::<Error>);
    let wanted = use_wanted(enabled);
    let socket = use_mut_ref(|| None::<WebSocket>);
    // Read at event time, so the handlers always call the newest callbacks.
    let latest_url: LatestUrl = use_latest(url.clone());
    let protocols = options.protocols.clone();
    let binary_type = options.binary_type;
    let latest_options = use_latest(options);

    {
        let socket = socket.clone();
        use_effect_with(binary_type, move |binary_type| {
            if let Some(socket) = socket.borrow().as_ref() {
                socket.set_binary_type(*binary_type);
            }
        });
    }
    {
        let (ready_state, open_error, socket) =
            (ready_state.setter(), open_error.setter(), socket.clone());
        use_effect_with(
            (url.key(), protocols, *wanted),
            move |(_, protocols, wanted)| {
                if wanted.wanted {
                    match WebSocket::open_with_protocols(&url::produce(&latest_url), protocols) {
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
                } else {
                    ready_state.set(ReadyState::Closed);
                }
                // Released and closed now, even if someone still holds a clone of the socket.
                move || {
                    if let Some(socket) = socket.borrow_mut().take() {
                        socket.clear_handlers();
                        socket.close();
                    }
                }
            },
        );
    }

    UseWebSocketHandle {
        ready_state: *ready_state,
        open_error: (*open_error).clone(),
        socket,
        set_ready_state: ready_state.setter(),
        ask: wanted.dispatcher(),
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
    let opened = socket.downgrade();
    socket.on_open(move || {
        state_open.set(ReadyState::Open);
        let hello = options_open.borrow().hello.clone();
        if let (Some(hello), Some(socket)) = (hello, opened.upgrade()) {
            for message in hello.emit(()) {
                let _ = socket.send(&message);
            }
        }
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
