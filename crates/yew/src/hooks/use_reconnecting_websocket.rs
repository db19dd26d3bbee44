//! `use_reconnecting_websocket`: a [`ReconnectingWebSocket`] owned by a component.

use std::{cell::RefCell, rc::Rc};

use wasm_ws::{
    ConnectionEvent, ConnectionStatus, Message, ReconnectOptions, ReconnectingWebSocket, SendError,
    Sent,
};
use yew::prelude::*;

/// Options for [`use_reconnecting_websocket`]. Defaults: [`ReconnectOptions::default`] and no
/// callbacks.
///
/// `reconnect` is read when the connection is made (on mount and when the URL changes); the
/// callbacks may change between renders, and the newest ones are always called.
#[derive(Clone, Default)]
pub struct UseReconnectingWebSocketOptions {
    /// Backoff, attempts, queue, heartbeat and the rest (see [`ReconnectOptions`]).
    pub reconnect: ReconnectOptions,
    /// Called with every message, in order (heartbeat replies filtered as configured).
    pub on_message: Option<Callback<Message>>,
    /// Called with every lifecycle event, messages included.
    pub on_event: Option<Callback<ConnectionEvent>>,
}

/// What [`use_reconnecting_websocket`] returns.
#[derive(Clone)]
pub struct UseReconnectingWebSocketHandle {
    /// Where the connection stands ([`ReconnectingWebSocket::status`]), kept up to date across
    /// renders.
    pub status: ConnectionStatus,
    connection: Rc<RefCell<Option<ReconnectingWebSocket>>>,
}

impl UseReconnectingWebSocketHandle {
    fn with_connection<T>(&self, action: impl FnOnce(&ReconnectingWebSocket) -> T) -> Option<T> {
        self.connection.borrow().as_ref().map(action)
    }

    /// Sends now if open, or queues until the connection is back ([`ReconnectingWebSocket::send`]).
    pub fn send(&self, message: Message) -> Result<Sent, SendError> {
        let connection = self.connection.borrow();
        match connection.as_ref() {
            Some(connection) => connection.send(message),
            None => Err(SendError::Closed(message)),
        }
    }

    /// How many messages wait to go out.
    pub fn queued_len(&self) -> usize {
        self.with_connection(ReconnectingWebSocket::queued_len)
            .unwrap_or(0)
    }

    /// Closes and stops reconnecting.
    pub fn close(&self) {
        self.with_connection(ReconnectingWebSocket::close);
    }

    /// Connects again now, with the attempt counter reset.
    pub fn reconnect(&self) {
        self.with_connection(ReconnectingWebSocket::reconnect);
    }
}

/// Keeps a connection to `url` (relative URLs resolve against the page) that reconnects by
/// itself and queues what is sent while it is away; closed when the component unmounts or
/// `url` changes.
///
/// ```no_run
/// use wasm_ws_yew::{use_reconnecting_websocket, ConnectionStatus, Message, UseReconnectingWebSocketOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Feed() -> Html {
///     let last = use_state(String::new);
///     let on_message = {
///         let last = last.clone();
///         Callback::from(move |message: Message| {
///             if let Message::Text(text) = message {
///                 last.set(text);
///             }
///         })
///     };
///     let feed = use_reconnecting_websocket(
///         "/websocket/test",
///         UseReconnectingWebSocketOptions { on_message: Some(on_message), ..Default::default() },
///     );
///     let status = match feed.status {
///         ConnectionStatus::Open => "live".to_string(),
///         ConnectionStatus::Reconnecting { attempt, .. } => format!("reconnecting (attempt {attempt})"),
///         other => format!("{other:?}"),
///     };
///     html! { <p>{ status } { " " } { &*last }</p> }
/// }
/// ```
#[hook]
pub fn use_reconnecting_websocket(
    url: &str,
    options: UseReconnectingWebSocketOptions,
) -> UseReconnectingWebSocketHandle {
    let status = use_state_eq(|| ConnectionStatus::Connecting { attempt: 0 });
    let connection = use_mut_ref(|| None::<ReconnectingWebSocket>);
    // Read at event time, so the newest callbacks are called.
    let latest = use_mut_ref(UseReconnectingWebSocketOptions::default);
    *latest.borrow_mut() = options;

    {
        let (status, connection) = (status.setter(), connection.clone());
        use_effect_with(url.to_owned(), move |url| {
            let reconnect = latest.borrow().reconnect.clone();
            match ReconnectingWebSocket::open(url, reconnect) {
                Ok(opened) => {
                    let weak = opened.downgrade();
                    opened.on_event(move |event| {
                        // The connection's own status, mirrored after every event.
                        if let Some(connection) = weak.upgrade() {
                            status.set(connection.status());
                        }
                        let (on_message, on_event) = {
                            let latest = latest.borrow();
                            (latest.on_message.clone(), latest.on_event.clone())
                        };
                        if let (Some(on_message), ConnectionEvent::Message(message)) =
                            (&on_message, &event)
                        {
                            on_message.emit(message.clone());
                        }
                        if let Some(on_event) = on_event {
                            on_event.emit(event);
                        }
                    });
                    *connection.borrow_mut() = Some(opened);
                }
                Err(error) => status.set(ConnectionStatus::Failed(error)),
            }
            // Dropping the last handle closes the socket and cancels every timer.
            move || drop(connection.borrow_mut().take())
        });
    }

    UseReconnectingWebSocketHandle {
        status: (*status).clone(),
        connection,
    }
}
