//! What is sent while the connection is down: queued, bounded, in order, once, after the
//! hello.

use super::*;

#[wasm_bindgen_test]
async fn messages_sent_while_down_arrive_once_in_order_before_newer_ones() {
    proxy("restore").await;
    let connection = open(&format!("{PROXY}/websocket/echo"), quick(50));
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;

    proxy("refuse").await;
    proxy("cut").await;
    until(&mut events, "closed", is_closed).await;
    for n in 0..100 {
        assert_eq!(
            connection.send(Message::from(n.to_string())),
            Ok(Sent::Queued)
        );
    }
    assert_eq!(connection.queued_len(), 100);
    // A few refused attempts go by while the messages wait.
    until(&mut events, "a second reconnection", |e| {
        matches!(e, ConnectionEvent::Reconnecting { attempt: 2, .. })
    })
    .await;
    assert_eq!(connection.queued_len(), 100);

    proxy("restore").await;
    until(&mut events, "open again", |e| *e == ConnectionEvent::Open).await;
    assert_eq!(connection.queued_len(), 0, "flushed on open");
    assert_eq!(connection.send(Message::from("after")), Ok(Sent::Now));

    // Whatever of the 100 is missing once the newer message is echoed was lost.
    let echoed = echoed_until(&mut events, "after").await;
    let expected: Vec<String> = (0..100)
        .map(|n| n.to_string())
        .chain(["after".to_owned()])
        .collect();
    let lost = expected.iter().filter(|m| !echoed.contains(m)).count();
    let mut distinct = echoed.clone();
    distinct.sort();
    distinct.dedup();
    let duplicated = echoed.len() - distinct.len();
    web_sys::console::log_1(
        &format!("resilience: 100 messages across a cut: {lost} lost, {duplicated} duplicated")
            .into(),
    );
    assert_eq!((lost, duplicated), (0, 0), "lost, duplicated");
    assert_eq!(echoed, expected, "in order, before the newer one");
    connection.close();
}

#[wasm_bindgen_test]
async fn the_queue_is_bounded_and_can_be_inspected_and_drained() {
    proxy("refuse").await;
    let options = ReconnectOptions {
        queue: wasm_ws_client::QueueLimits {
            max_messages: 3,
            max_bytes: 10,
        },
        ..quick(1000)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    assert_eq!(connection.send(Message::from("aaaa")), Ok(Sent::Queued));
    assert_eq!(connection.send(Message::from("bbbb")), Ok(Sent::Queued));
    assert_eq!(
        connection.send(Message::from("ccc")),
        Err(SendError::QueueFull(Message::from("ccc"))),
        "11 bytes > 10"
    );
    assert_eq!(connection.send(Message::from("cc")), Ok(Sent::Queued));
    assert_eq!(
        connection.send(Message::from("")),
        Err(SendError::QueueFull(Message::from(""))),
        "4 messages > 3"
    );
    assert_eq!(
        (connection.queued_len(), connection.queued_bytes()),
        (3, 10)
    );
    assert_eq!(
        connection.queued(),
        [
            Message::from("aaaa"),
            Message::from("bbbb"),
            Message::from("cc")
        ]
    );
    assert_eq!(connection.drain_queue().len(), 3);
    assert_eq!((connection.queued_len(), connection.queued_bytes()), (0, 0));
    connection.close();
    proxy("restore").await;
}

#[wasm_bindgen_test]
async fn the_hello_goes_first_on_every_connection_before_the_queue() {
    proxy("restore").await;
    let hellos = Rc::new(Cell::new(0));
    let counted = hellos.clone();
    let options = ReconnectOptions {
        hello: Some(Rc::new(move || {
            counted.set(counted.get() + 1);
            vec![Message::from(format!("hello {}", counted.get()))]
        })),
        ..quick(50)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    // Queued before the first open: it goes after the hello.
    assert_eq!(connection.send(Message::from("early")), Ok(Sent::Queued));
    let mut seen = Vec::new();
    while seen.len() < 5 {
        match next(&mut events, 10).await {
            ConnectionEvent::Open => seen.push("open".to_owned()),
            ConnectionEvent::Sent(Message::Text(text)) => seen.push(format!("sent {text}")),
            ConnectionEvent::Message(Message::Text(text)) => seen.push(format!("echo {text}")),
            _ => {}
        }
    }
    assert_eq!(
        seen,
        [
            "open",
            "sent hello 1",
            "sent early",
            "echo hello 1",
            "echo early"
        ]
    );

    // While away, a message waits; the next connection says its own hello first.
    proxy("refuse").await;
    proxy("cut").await;
    until(&mut events, "closed", is_closed).await;
    assert_eq!(
        connection.send(Message::from("while away")),
        Ok(Sent::Queued)
    );
    proxy("restore").await;
    let mut echoed = Vec::new();
    while echoed.len() < 2 {
        if let ConnectionEvent::Message(Message::Text(text)) = next(&mut events, 10).await {
            echoed.push(text);
        }
    }
    assert_eq!(
        echoed,
        ["hello 2", "while away"],
        "the first hello is not sent again"
    );
    assert_eq!(hellos.get(), 2);
    connection.close();
}
