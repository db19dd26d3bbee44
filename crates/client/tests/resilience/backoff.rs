//! The backoff between attempts, giving up, `close()` at any moment, and URLs that cannot be
//! used.

use super::*;

#[wasm_bindgen_test]
async fn the_backoff_grows_as_configured_gives_up_and_reconnect_starts_over() {
    proxy("refuse").await;
    let options = ReconnectOptions {
        max_attempts: Some(4),
        // Firefox itself delays a new connection to a host whose last attempts failed
        // (RFC 6455 section 7.2.3), by seconds after a few: leave room for that after reconnect().
        connect_timeout: Some(Duration::from_secs(8)),
        ..quick(100)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();

    // Stamped when emitted (a handler runs synchronously); the stream only tells when to stop,
    // and reading it may lag the emission by a few milliseconds.
    let stamped = Rc::new(std::cell::RefCell::new(Vec::new()));
    let log = stamped.clone();
    connection.on_event(move |event| log.borrow_mut().push((now(), event)));
    let gave_up = loop {
        if let ConnectionEvent::GaveUp { attempts } = next(&mut events, 10).await {
            break attempts;
        }
    };
    let mut announced = Vec::new();
    let mut measured = Vec::new();
    let mut waiting_since = None;
    for (at, event) in stamped.borrow().iter() {
        match event {
            ConnectionEvent::Reconnecting { attempt, delay } => {
                announced.push((*attempt, delay.as_millis() as u64));
                waiting_since = Some(*at);
            }
            ConnectionEvent::Connecting { .. } => {
                if let Some(since) = waiting_since.take() {
                    measured.push(at - since);
                }
            }
            _ => {}
        }
    }
    assert_eq!(announced, [(1, 100), (2, 200), (3, 400), (4, 800)]);
    assert_eq!(gave_up, 4);
    for ((_, delay), waited) in announced.iter().zip(&measured) {
        // Timers never fire early (Date.now() has 1 ms steps); a busy page may make them late.
        assert!(
            *waited >= *delay as f64 - 1.0 && *waited < *delay as f64 * 1.5 + 100.0,
            "waited {waited} ms for {delay} ms"
        );
    }
    web_sys::console::log_1(
        &format!("resilience: backoff announced {announced:?} ms, measured {measured:.0?} ms")
            .into(),
    );

    // After giving up nothing more happens, until reconnect() (that nothing comes however
    // long one waits is shown in virtual time: testing_kit.rs).
    assert_eq!(
        connection.status(),
        ConnectionStatus::GaveUp { attempts: 4 }
    );
    assert!(connection.socket().is_none());
    proxy("restore").await;
    connection.reconnect();
    assert_eq!(
        next(&mut events, 5).await,
        ConnectionEvent::Connecting { attempt: 0 }
    );
    assert_eq!(next(&mut events, 9).await, ConnectionEvent::Open);
    connection.close();
}

#[wasm_bindgen_test]
async fn close_during_backoff_stops_everything() {
    proxy("refuse").await;
    let connection = open(&format!("{PROXY}/websocket/echo"), quick(200));
    let mut events = connection.events();
    until(&mut events, "a reconnection", |e| {
        matches!(e, ConnectionEvent::Reconnecting { .. })
    })
    .await;
    connection.close();
    assert_eq!(next(&mut events, 1).await, stopped(), "the last event");
    assert_eq!(events.next().await, None, "the events end");
    assert_eq!(connection.status(), ConnectionStatus::Closed);
    // That no attempt comes however long one waits is shown in virtual time (testing_kit.rs).
    assert!(connection.socket().is_none(), "no attempt after close()");
    assert!(matches!(
        connection.send(Message::from("late")),
        Err(SendError::Closed(_))
    ));
    proxy("restore").await;
}

#[wasm_bindgen_test]
async fn close_before_the_first_attempt_or_after_giving_up_ends_with_a_closed_event() {
    // Before the first attempt has even started.
    let connection = open(&format!("{PROXY}/websocket/echo"), quick(50));
    let mut events = connection.events();
    assert_eq!(
        connection.status(),
        ConnectionStatus::Connecting { attempt: 0 }
    );
    connection.close();
    assert_eq!(next(&mut events, 1).await, stopped());
    assert_eq!(events.next().await, None, "the events end");

    // After giving up.
    proxy("refuse").await;
    let options = ReconnectOptions {
        max_attempts: Some(0),
        ..quick(50)
    };
    let connection = open(&format!("{PROXY}/websocket/echo"), options);
    let mut events = connection.events();
    until(&mut events, "giving up", |e| {
        matches!(e, ConnectionEvent::GaveUp { attempts: 0 })
    })
    .await;
    connection.close();
    assert_eq!(next(&mut events, 1).await, stopped());
    assert_eq!(events.next().await, None, "the events end");
    assert_eq!(connection.status(), ConnectionStatus::Closed);
    proxy("restore").await;

    // While open: the socket's own close event is the last one.
    let connection = open(&format!("{SERVER}/websocket/echo"), quick(50));
    let mut events = connection.events();
    until(&mut events, "open", |e| *e == ConnectionEvent::Open).await;
    connection.close();
    assert_eq!(connection.status(), ConnectionStatus::Closing);
    assert_eq!(next(&mut events, 1).await, ConnectionEvent::Closing);
    assert_eq!(next(&mut events, 5).await, stopped());
    assert_eq!(events.next().await, None, "the events end");
}

#[wasm_bindgen_test]
async fn an_invalid_url_is_an_error_and_a_bad_produced_url_is_reported_not_retried() {
    for bad in [
        "ftp://example.com/",
        "ws://example.com/#fragment",
        "http://[::1",
    ] {
        assert!(
            matches!(
                ReconnectingWebSocket::open(bad, ReconnectOptions::default()),
                Err(Error::Syntax(_))
            ),
            "{bad}"
        );
    }
    let invalid_protocols = ReconnectOptions {
        protocols: vec!["a b".into()],
        ..ReconnectOptions::default()
    };
    assert!(matches!(
        ReconnectingWebSocket::open(&format!("{SERVER}/websocket/echo"), invalid_protocols),
        Err(Error::Syntax(_))
    ));

    // A URL function whose second URL is bad: the failure is reported as such, once.
    let calls = Rc::new(Cell::new(0));
    let counted = calls.clone();
    let connection = ReconnectingWebSocket::open_with(
        move || {
            counted.set(counted.get() + 1);
            match counted.get() {
                1 => format!("{SERVER}/websocket/close?code=4001"),
                _ => "ftp://example.com/".to_owned(),
            }
        },
        quick(20),
    )
    .unwrap();
    let mut events = connection.events();
    let failed = until(&mut events, "the failure", |e| {
        matches!(e, ConnectionEvent::Failed(_))
    })
    .await;
    assert!(
        matches!(failed, ConnectionEvent::Failed(Error::Syntax(_))),
        "{failed:?}"
    );
    assert!(matches!(
        connection.status(),
        ConnectionStatus::Failed(Error::Syntax(_))
    ));
    // That no retry comes however long one waits is shown in virtual time (testing_kit.rs).
    assert_eq!(calls.get(), 2, "not retried");
    connection.close();
    assert_eq!(next(&mut events, 1).await, stopped());
}
