//! The sample's `/websocket/test`: greeting, pushes, echo, close.

use futures_channel::mpsc::UnboundedReceiver;
use wasm_bindgen_test::*;
use wasm_ws_client::{CloseEvent, Message, ReadyState, WebSocket};

use wasm_ws_test_support::is_push;

use crate::support::{endpoint, next_event as next_any, record, Event, GREETING};

/// The next event that is not one of the server's timed pushes (`0.37` and the like).
async fn next_event(events: &mut UnboundedReceiver<Event>) -> Event {
    loop {
        match next_any(events).await {
            Event::Message(Message::Text(text)) if is_push(&text) => continue,
            event => return event,
        }
    }
}

#[wasm_bindgen_test]
async fn opens_greets_echoes_and_closes_with_the_right_states() {
    let socket = WebSocket::open(&endpoint("test")).unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
    assert_eq!(socket.url(), endpoint("test"));
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    assert_eq!(socket.ready_state(), ReadyState::Open);
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Text(GREETING.into()))
    );

    socket.send_text("hello, 世界").unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Text("hello, 世界".into()))
    );

    socket.close_with(4000, "bye").unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Closing);
    let expected = CloseEvent {
        code: 4000,
        reason: "bye".into(),
        was_clean: true,
    };
    assert_eq!(
        next_event(&mut events).await,
        Event::Close(expected, ReadyState::Closed)
    );
    assert_eq!(socket.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn pushes_arrive_while_open() {
    let socket = WebSocket::open(&endpoint("test")).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_any(&mut events).await, Event::Open(ReadyState::Open));
    assert_eq!(
        next_any(&mut events).await,
        Event::Message(Message::Text(GREETING.into()))
    );
    match next_any(&mut events).await {
        Event::Message(Message::Text(push)) => assert!(is_push(&push), "{push}"),
        other => panic!("expected a push, got {other:?}"),
    }
    socket.close();
}
