//! At least once: what a dead socket took goes again, the window's bounds, and the queue
//! behind it.

use super::*;

/// Sends numbered messages through the proxy while it forwards nothing, cuts, restores, and
/// returns what came back once the newest message's echo arrived.
async fn through_a_silent_cut(acknowledge: bool) -> (Vec<String>, ReconnectingWebSocket) {
    proxy("restore").await;
    let options = ReconnectOptions {
        acknowledge: acknowledge
            .then(|| -> wasm_ws_client::AckMatcher { Rc::new(|incoming, sent| incoming == sent) }),
        ..quick(50)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    // The proxy keeps the connection but forwards nothing: the socket takes these, and they
    // never reach the server.
    proxy("silence").await;
    for n in 0..20 {
        assert_eq!(connection.send(Message::from(n.to_string())), Ok(Sent::Now));
    }
    proxy("cut").await;
    proxy("restore").await;
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    connection.send(Message::from("after")).unwrap();
    (echoed_until(&mut events, "after").await, connection)
}

#[wasm_bindgen_test]
async fn with_acknowledgements_what_a_dead_socket_took_is_sent_again() {
    let (echoed, connection) = through_a_silent_cut(true).await;
    let expected: Vec<String> = (0..20)
        .map(|n| n.to_string())
        .chain(["after".to_owned()])
        .collect();
    assert_eq!(echoed, expected, "every message, in order, once each here");
    assert_eq!(connection.unacknowledged_len(), 0, "all acknowledged");
    connection.close();

    // Without them, the same messages are lost: at most once.
    let (echoed, connection) = through_a_silent_cut(false).await;
    assert_eq!(
        echoed,
        ["after"],
        "the 20 taken by the dead socket are gone"
    );
    web_sys::console::log_1(
        &"resilience: 20 messages taken by a dead socket: 0 lost with acknowledgements, 20 lost without".into(),
    );
    connection.close();
}

#[wasm_bindgen_test]
async fn unacknowledged_messages_are_bounded_by_the_queue_limits() {
    let (connection, _events) = window_of_two_filled_while_silent().await;
    assert_eq!(
        connection.send(Message::from("c")),
        Err(SendError::Unacknowledged(Message::from("c")))
    );
    assert_eq!(
        connection.unacknowledged(),
        [Message::from("a"), Message::from("b")]
    );
    assert_eq!(connection.drain_unacknowledged().len(), 2);
    assert_eq!(connection.unacknowledged_len(), 0);
    connection.close();
    proxy("restore").await;
}

#[wasm_bindgen_test]
async fn draining_the_window_lets_the_queue_behind_it_go_at_once() {
    // Issue 25's second bug: `drain_unacknowledged()` changed the core without an input, and
    // the queue waiting behind a full window stayed on an open connection.
    // Nothing the echo server says acknowledges anything: the window stays full.
    let (connection, mut events) = echo_with_a_window_of_two(Rc::new(|_, _| false)).await;
    assert_eq!(connection.send(Message::from("a")), Ok(Sent::Now));
    assert_eq!(connection.send(Message::from("b")), Ok(Sent::Now));
    proxy("cut").await;
    until(&mut events, "closed", is_closed).await;
    assert_eq!(connection.send(Message::from("c")), Ok(Sent::Queued));
    assert_eq!(connection.send(Message::from("d")), Ok(Sent::Queued));
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    assert_eq!(
        (connection.unacknowledged_len(), connection.queued_len()),
        (2, 2),
        "a and b sent again fill the window; c and d wait"
    );
    assert_eq!(connection.drain_unacknowledged().len(), 2);
    assert_eq!(connection.queued_len(), 0, "c and d went at once");
    assert_eq!(
        connection.unacknowledged(),
        [Message::from("c"), Message::from("d")]
    );
    connection.close();
}

#[wasm_bindgen_test]
async fn a_send_is_answered_by_its_own_fate_not_by_a_hello_the_socket_refused_before() {
    // Issue 25's first bug: a send the socket refused (here the hello, on a socket the browser
    // is already closing) left its error behind, and the next send, which went out, was
    // answered with it.
    proxy("restore").await;
    let opened = Rc::new(Cell::new(0));
    let weak = Rc::new(std::cell::RefCell::new(
        None::<wasm_ws_client::reconnecting::WeakReconnectingWebSocket>,
    ));
    let hello = {
        let (opened, weak) = (opened.clone(), weak.clone());
        Rc::new(move || {
            opened.set(opened.get() + 1);
            if opened.get() == 1 {
                // The browser closes the socket under the connection's feet.
                let connection = weak.borrow().as_ref().and_then(|weak| weak.upgrade());
                if let Some(socket) = connection.and_then(|connection| connection.socket()) {
                    socket.close();
                }
            }
            vec![Message::from("hello")]
        })
    };
    let options = ReconnectOptions {
        hello: Some(hello),
        ..quick(50)
    };
    let connection = open(&format!("{SERVER}/websocket/echo"), options);
    *weak.borrow_mut() = Some(connection.downgrade());
    let mut events = connection.events();
    until(&mut events, "the first open", |e| {
        *e == ConnectionEvent::Open
    })
    .await;
    until(&mut events, "the second open", |e| {
        *e == ConnectionEvent::Open
    })
    .await;
    assert_eq!(opened.get(), 2);
    assert_eq!(
        connection.send(Message::from("after")),
        Ok(Sent::Now),
        "it went out on the new socket"
    );
    until(&mut events, "its echo", |e| {
        *e == ConnectionEvent::Message(Message::from("after"))
    })
    .await;
    connection.close();
}

#[wasm_bindgen_test]
async fn after_an_outage_acknowledgements_resume_the_flush_on_the_same_connection() {
    // Issue 20's first bug: the window (2) fills with what goes again after the outage, the
    // queue waits behind it, and acknowledgements must let it through without a reconnection.
    let (connection, mut events) = window_of_two_filled_while_silent().await;
    proxy("refuse").await;
    proxy("cut").await;
    until(&mut events, "closed", is_closed).await;
    assert_eq!(connection.send(Message::from("c")), Ok(Sent::Queued));
    assert_eq!(connection.send(Message::from("d")), Ok(Sent::Queued));
    proxy("restore").await;
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    assert_eq!(connection.queued_len(), 2, "behind a full window");

    let mut echoed = Vec::new();
    while echoed.len() < 4 {
        match next(&mut events, 10).await {
            ConnectionEvent::Message(Message::Text(text)) => echoed.push(text),
            ConnectionEvent::Connecting { .. } => panic!("reconnected to get {echoed:?} out"),
            _ => {}
        }
    }
    assert_eq!(echoed, ["a", "b", "c", "d"]);
    assert_eq!(
        (connection.queued_len(), connection.unacknowledged_len()),
        (0, 0)
    );
    connection.close();
}

/// An open connection to the echo endpoint through the proxy, on quick retries, whose window
/// of unacknowledged messages holds two (1 KiB), acknowledged by `acknowledge`.
async fn echo_with_a_window_of_two(
    acknowledge: wasm_ws_client::AckMatcher,
) -> (ReconnectingWebSocket, ConnectionEvents) {
    proxy("restore").await;
    let options = ReconnectOptions {
        acknowledge: Some(acknowledge),
        queue: wasm_ws_client::QueueLimits {
            max_messages: 2,
            max_bytes: 1024,
        },
        ..quick(50)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    (connection, events)
}

/// [`echo_with_a_window_of_two`], echoes as acknowledgements, whose window holds `a` and `b`:
/// sent while the proxy forwards nothing.
async fn window_of_two_filled_while_silent() -> (ReconnectingWebSocket, ConnectionEvents) {
    let (connection, events) =
        echo_with_a_window_of_two(Rc::new(|incoming, sent| incoming == sent)).await;
    proxy("silence").await;
    assert_eq!(connection.send(Message::from("a")), Ok(Sent::Now));
    assert_eq!(connection.send(Message::from("b")), Ok(Sent::Now));
    (connection, events)
}
