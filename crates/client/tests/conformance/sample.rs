//! The seed's `/websocket/test`: greeting, pushes, echo, close.

use futures_channel::mpsc::UnboundedReceiver;
use wasm_bindgen_test::*;
use wasm_ws::{CloseEvent, Message, ReadyState, WebSocket};

use crate::support::{endpoint, next_event as next_any, record, Event};

const GREETING: &str = "连接成功";

/// The next event that is not one of the server's timed pushes (`0.37` and the like).
async fn next_event(events: &mut UnboundedReceiver<Event>) -> Event {
    loop {
        match next_any(events).await {
            Event::Message(Message::Text(text)) if text.len() == 4 && text.starts_with("0.") => {
                continue
            }
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
        Event::Message(Message::Text(push)) => {
            let value: f64 = push.parse().unwrap();
            assert!(push.len() == 4 && (0.0..1.0).contains(&value), "{push}");
        }
        other => panic!("expected a push, got {other:?}"),
    }
    socket.close();
}
