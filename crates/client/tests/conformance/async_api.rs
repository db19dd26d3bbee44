//! The async side: `opened`, `closed`, `close_and_wait`, and the Stream and Sink.

use futures_util::{SinkExt, StreamExt};
use wasm_bindgen_test::*;
use wasm_ws_client::{Error, Message, ReadyState, WebSocket};

use crate::support::{endpoint, open_echo};

#[wasm_bindgen_test]
async fn opened_resolves_on_open_and_reports_a_failure() {
    let socket = WebSocket::open(&endpoint("echo")).unwrap();
    assert_eq!(socket.opened().await, Ok(()));
    assert_eq!(socket.opened().await, Ok(()), "again, at once");

    let refused = WebSocket::open("ws://127.0.0.1:9/").unwrap();
    let event = refused.opened().await.unwrap_err();
    assert_eq!((event.code, event.was_clean), (1006, false));
    socket.close();
}

#[wasm_bindgen_test]
async fn close_and_wait_resolves_to_the_close_event() {
    let (socket, _events) = open_echo(&[]).await;
    let event = socket.close_and_wait(4321, "async").await.unwrap();
    assert_eq!(
        (event.code, event.reason.as_str(), event.was_clean),
        (4321, "async", true)
    );
    assert_eq!(
        socket.closed().await,
        event,
        "closed() after the fact resolves at once"
    );
    assert!(matches!(
        socket.close_and_wait(999, "").await,
        Err(Error::InvalidAccess(_))
    ));
}

#[wasm_bindgen_test]
async fn the_sink_waits_while_connecting() {
    let socket = WebSocket::open(&endpoint("delay?ms=300")).unwrap();
    let mut stream = socket.stream();
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
    stream.send(Message::from("sent once open")).await.unwrap();
    assert_eq!(stream.next().await, Some(Message::from("sent once open")));
    socket.close();
}

#[wasm_bindgen_test]
async fn the_sink_fails_once_closing_or_closed() {
    let (socket, _events) = open_echo(&[]).await;
    let mut stream = socket.stream();
    socket.close();
    assert_eq!(
        stream.send(Message::from("late")).await,
        Err(Error::Closed(ReadyState::Closing))
    );
    socket.closed().await;
    assert_eq!(
        stream.send(Message::from("later")).await,
        Err(Error::Closed(ReadyState::Closed))
    );
}

#[wasm_bindgen_test]
async fn closing_the_sink_closes_the_socket() {
    let (socket, _events) = open_echo(&[]).await;
    let mut stream = socket.stream();
    stream.close().await.unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Closed);
    assert_eq!(socket.closed().await.code, 1005);
}

#[wasm_bindgen_test]
async fn after_split_the_handle_still_closes_and_the_reader_ends() {
    let (socket, _events) = open_echo(&[]).await;
    let (mut writer, mut reader) = socket.stream().split();
    writer.send(Message::from("one")).await.unwrap();
    assert_eq!(reader.next().await, Some(Message::from("one")));
    socket.close();
    assert_eq!(
        reader.next().await,
        None,
        "the stream ends after the close event"
    );
    assert_eq!(socket.ready_state(), ReadyState::Closed);
}

#[wasm_bindgen_test]
async fn every_stream_sees_every_message() {
    let (socket, _events) = open_echo(&[]).await;
    let (mut first, mut second) = (socket.stream(), socket.stream());
    socket.send_text("shared").unwrap();
    assert_eq!(first.next().await, Some(Message::from("shared")));
    assert_eq!(second.next().await, Some(Message::from("shared")));
    socket.close();
}
