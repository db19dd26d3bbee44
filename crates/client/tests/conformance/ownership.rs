//! Handles and handlers: who owns what, and when it is released.

use std::{cell::Cell, rc::Rc};

use futures_util::StreamExt;
use wasm_bindgen_test::*;
use wasm_ws_client::{Message, ReadyState, WebSocket};

use crate::support::{endpoint, next_event, open_echo, Event};

#[wasm_bindgen_test]
fn replacing_a_handler_releases_the_old_one() {
    let socket = WebSocket::open(&endpoint("delay?ms=500")).unwrap();
    // Each handler only holds a clone of `captured`: its strong count tells whether the handler
    // is still alive.
    let captured = Rc::new(());
    let held = captured.clone();
    socket.on_message(move |_| {
        let _alive = &held;
    });
    assert_eq!(Rc::strong_count(&captured), 2);
    socket.on_message(|_| {});
    assert_eq!(
        Rc::strong_count(&captured),
        1,
        "the old handler was dropped"
    );

    let held = captured.clone();
    socket.on_close(move |_| {
        let _alive = &held;
    });
    assert_eq!(Rc::strong_count(&captured), 2);
    socket.clear_handlers();
    assert_eq!(
        Rc::strong_count(&captured),
        1,
        "clear_handlers releases them"
    );
}

#[wasm_bindgen_test]
async fn dropping_the_last_handle_releases_the_handlers_and_closes_the_socket() {
    let (socket, _events) = open_echo(&[]).await;
    let captured = Rc::new(());
    let held = captured.clone();
    socket.on_error(move || {
        let _alive = &held;
    });
    let clone = socket.clone();
    let raw = socket.as_raw().clone();
    drop(socket);
    assert_eq!(
        raw.ready_state(),
        ReadyState::Open as u16,
        "a clone still holds it open"
    );
    assert_eq!(Rc::strong_count(&captured), 2);
    drop(clone);
    assert_eq!(raw.ready_state(), ReadyState::Closing as u16);
    assert_eq!(Rc::strong_count(&captured), 1);
    assert!(raw.onmessage().is_none(), "the listeners are detached");
}

#[wasm_bindgen_test]
async fn any_clone_controls_the_same_connection() {
    let (socket, mut events) = open_echo(&[]).await;
    let clone = socket.clone();
    clone.send_text("via the clone").unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::from("via the clone"))
    );
    clone.close();
    assert_eq!(socket.ready_state(), ReadyState::Closing);
}

#[wasm_bindgen_test]
async fn a_weak_handle_does_not_keep_the_socket() {
    let (socket, _events) = open_echo(&[]).await;
    let weak = socket.downgrade();
    assert!(weak.upgrade().is_some());
    drop(socket);
    assert!(weak.upgrade().is_none());
}

#[wasm_bindgen_test]
async fn a_handler_may_send_from_on_open() {
    let socket = WebSocket::open(&endpoint("echo")).unwrap();
    let weak = socket.downgrade();
    socket.on_open(move || weak.upgrade().unwrap().send_text("subscribe").unwrap());
    let mut messages = socket.stream();
    assert_eq!(messages.next().await, Some(Message::from("subscribe")));
    socket.close();
}

#[wasm_bindgen_test]
async fn a_handler_may_replace_itself_and_send_from_inside() {
    let (socket, _events) = open_echo(&[]).await;
    let replaced = Rc::new(Cell::new(0));
    let weak = socket.downgrade();
    let seen = replaced.clone();
    // The first message replaces the handler from inside it; later ones reach the new one.
    socket.on_message(move |_first| {
        let socket = weak.upgrade().unwrap();
        let seen = seen.clone();
        socket.on_message(move |_| seen.set(seen.get() + 1));
        socket.send_text("from inside").unwrap();
    });
    let mut stream = socket.stream();
    socket.send_text("trigger").unwrap();
    assert_eq!(stream.next().await, Some(Message::from("trigger")));
    assert_eq!(stream.next().await, Some(Message::from("from inside")));
    assert_eq!(replaced.get(), 1);
    socket.close();
}
