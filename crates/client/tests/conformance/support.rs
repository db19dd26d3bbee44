//! What every conformance module uses: an event recorder and the expectations built on it.
//! Where the server is comes from the workspace's shared test support.

use std::time::Duration;

use futures_channel::mpsc::{self, UnboundedReceiver};
use wasm_ws_client::{CloseEvent, Message, ReadyState, WebSocket};
pub use wasm_ws_test_support::{endpoint, GREETING, SERVER};
use wasm_ws_test_support::{next_within, PATIENCE};

/// Every event a socket fires, with the readyState seen when it fired.
#[derive(Debug, PartialEq)]
pub enum Event {
    Open(ReadyState),
    Message(Message),
    Error(ReadyState),
    Close(CloseEvent, ReadyState),
}

/// Records a socket's events into a channel, with wasm-ws's `readyState` at each. The handlers
/// hold a weak handle, not a clone (which would keep the socket alive through its own
/// handlers); the test holds the socket while it records.
pub fn record(socket: &WebSocket) -> UnboundedReceiver<Event> {
    let (sender, receiver) = mpsc::unbounded();
    let weak = socket.downgrade();
    let state = move || {
        weak.upgrade()
            .expect("the test holds the socket")
            .ready_state()
    };
    let (open, message, error, close) = (sender.clone(), sender.clone(), sender.clone(), sender);
    let (state_open, state_error, state_close) = (state.clone(), state.clone(), state);
    socket.on_open(move || open.unbounded_send(Event::Open(state_open())).unwrap());
    socket.on_message(move |m| message.unbounded_send(Event::Message(m)).unwrap());
    socket.on_error(move || error.unbounded_send(Event::Error(state_error())).unwrap());
    socket.on_close(move |e| {
        close
            .unbounded_send(Event::Close(e, state_close()))
            .unwrap()
    });
    receiver
}

/// The socket's next event; fails the test if none comes within [`PATIENCE`].
pub async fn next_event(events: &mut UnboundedReceiver<Event>) -> Event {
    next_within(events, PATIENCE, "the socket's next event").await
}

/// Opens `/websocket/echo` (with the given subprotocols) and waits for the open event.
pub async fn open_echo(protocols: &[&str]) -> (WebSocket, UnboundedReceiver<Event>) {
    let socket = WebSocket::open_with_protocols(&endpoint("echo"), protocols).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    (socket, events)
}

/// The next event is a clean close with this code and reason, seen in state CLOSED.
pub async fn expect_clean_close(events: &mut UnboundedReceiver<Event>, code: u16, reason: &str) {
    let expected = CloseEvent {
        code,
        reason: reason.into(),
        was_clean: true,
    };
    assert_eq!(
        next_event(events).await,
        Event::Close(expected, ReadyState::Closed)
    );
}

/// A connection failure: error (with readyState already CLOSED), then close 1006, not clean.
pub async fn expect_failure(events: &mut UnboundedReceiver<Event>) {
    assert_eq!(next_event(events).await, Event::Error(ReadyState::Closed));
    let expected = CloseEvent {
        code: 1006,
        reason: String::new(),
        was_clean: false,
    };
    assert_eq!(
        next_event(events).await,
        Event::Close(expected, ReadyState::Closed)
    );
}

/// Nothing more arrives within `ms` milliseconds.
pub async fn expect_quiet(events: &mut UnboundedReceiver<Event>, ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
    if let Ok(event) = events.try_recv() {
        panic!("unexpected {event:?}");
    }
}
