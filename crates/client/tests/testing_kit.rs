//! The testing kit (`wasm_ws_client::testing`), as an app uses it: a scripted server and a
//! virtual clock, no server running. These are the examples of `docs/testing.md`; each runs
//! natively (`cargo test -p wasm-ws-client --features testing`) and in the three browsers (the
//! test command's browser suites), except where it says.

#[macro_use]
mod common;

use std::{rc::Rc, time::Duration};

use futures_util::StreamExt;
use wasm_ws_client::{
    testing::FakeServer, Backoff, ConnectionEvent, ConnectionStatus, Heartbeat, Message,
    ReconnectOptions, ReconnectingWebSocket, SendError, Sent,
};

use common::{report, wall_ms};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The app's code under test: a chat client that joins its room on every connection and keeps
/// what the server has not acknowledged (`ok <text>`) to say it again after a reconnection.
struct Chat {
    connection: ReconnectingWebSocket,
}

impl Chat {
    fn join(url: &str, room: &str) -> Result<Self, wasm_ws_client::Error> {
        let join = format!("join {room}");
        let options = ReconnectOptions {
            hello: Some(Rc::new(move || vec![Message::from(join.as_str())])),
            acknowledge: Some(Rc::new(|incoming: &Message, sent: &Message| {
                let acknowledged = incoming.as_text().and_then(|text| text.strip_prefix("ok "));
                acknowledged.is_some() && acknowledged == sent.as_text()
            })),
            backoff: Backoff::default(), // 1 s, doubling, ±20 %
            ..ReconnectOptions::default()
        };
        Ok(Self {
            connection: ReconnectingWebSocket::open(url, options)?,
        })
    }

    fn say(&self, text: &str) -> Result<Sent, SendError> {
        self.connection.send(Message::from(text))
    }
}

kit_test! {
    async fn a_chat_client_rejoins_after_a_drop_and_resends_what_was_not_acknowledged() {
        let started = wall_ms();
        let server = FakeServer::new();
        let chat = Chat::join(&server.url_for("/chat"), "rust").unwrap();

        let mut socket = server.accept().await;
        assert_eq!(socket.next_text().await, "join rust");
        chat.say("hello").unwrap();
        chat.say("anyone?").unwrap();
        assert_eq!(socket.next_text().await, "hello");
        socket.send("ok hello"); // acknowledged; "anyone?" is not
        assert_eq!(socket.next_text().await, "anyone?");
        socket.drop_connection();

        // The backoff (a second, ±20 %) plays out at once.
        server.advance(Duration::from_secs(2)).await;
        let mut again = server.accept().await;
        assert_eq!(again.next_text().await, "join rust", "the hello first");
        assert_eq!(again.next_text().await, "anyone?", "then what was not acknowledged");
        assert_eq!(again.try_next_message(), None, "and nothing twice");
        assert_eq!(server.connections(), 2);
        report(&format!(
            "testing kit: a drop and a re-join, {:?} of virtual time, in {:.1} ms",
            server.elapsed(),
            wall_ms() - started
        ));
    }
}

kit_test! {
    async fn a_heartbeat_finds_a_silent_server_dead_in_virtual_time() {
        let started = wall_ms();
        let server = FakeServer::new();
        let options = ReconnectOptions {
            heartbeat: Some(Heartbeat::ping_pong(Duration::from_secs(30), Duration::from_secs(10))),
            ..ReconnectOptions::default()
        };
        let connection = ReconnectingWebSocket::open(&server.url(), options).unwrap();
        let mut events = connection.events();
        let socket = server.accept().await;
        socket.answer("ping", "pong");

        // Ten minutes of a healthy connection: a ping after every 30 s of silence, answered.
        server.advance(Duration::from_secs(600)).await;
        assert_eq!(socket.received().len(), 20, "20 pings");
        assert!(connection.status().is_open());

        // The server freezes: the next ping goes unanswered, and 10 s later the connection is
        // given up as dead, 40 s after the last thing heard.
        socket.go_silent();
        server.advance(Duration::from_secs(40)).await;
        let mut closed = None;
        while let Some(event) = events.next().await {
            if let ConnectionEvent::Closed(close) = event {
                closed = Some(close);
                break;
            }
        }
        let closed = closed.expect("a close");
        assert_eq!((closed.code, closed.reason.as_str()), (1006, "heartbeat timeout"));
        assert!(matches!(connection.status(), ConnectionStatus::Reconnecting { attempt: 1, .. }));
        let took = wall_ms() - started;
        report(&format!(
            "testing kit: {:?} of virtual time (a heartbeat finding a silent server dead) in {took:.1} ms",
            server.elapsed()
        ));
        assert!(server.elapsed() >= Duration::from_secs(300), "at least five minutes of it");
    }
}

kit_test! {
    async fn a_client_gives_up_after_its_attempts_through_minutes_of_backoff() {
        let started = wall_ms();
        let server = FakeServer::new();
        let options = ReconnectOptions {
            max_attempts: Some(6),
            backoff: Backoff { jitter: 0.0, ..Backoff::default() }, // 1, 2, 4, 8, 16, 30 s
            connect_timeout: None,
            ..ReconnectOptions::default()
        };
        let connection = ReconnectingWebSocket::open(&server.url(), options).unwrap();
        server.next_connection().await.refuse();
        for _ in 0..6 {
            server.advance(Duration::from_secs(30)).await;
            server.next_connection().await.refuse();
        }
        server.settle().await;
        assert_eq!(connection.status(), ConnectionStatus::GaveUp { attempts: 6 });
        assert_eq!(server.connections(), 7, "the first, and six more");
        assert_eq!(
            connection.send(Message::from("late")),
            Ok(Sent::Queued),
            "sends still wait, for a reconnect()"
        );
        report(&format!(
            "testing kit: giving up after {:?} of backoff, in {:.1} ms",
            server.elapsed(),
            wall_ms() - started
        ));
    }
}

kit_test! {
    async fn the_server_chooses_the_protocol_and_a_wrong_choice_fails_the_connection() {
        let server = FakeServer::new();
        let options = ReconnectOptions {
            protocols: vec!["chat.v2".into(), "chat".into()],
            ..ReconnectOptions::default()
        };
        let connection = ReconnectingWebSocket::open(&server.url(), options).unwrap();
        let mut events = connection.events();
        let incoming = server.next_connection().await;
        assert_eq!(incoming.protocols(), ["chat.v2", "chat"]);
        incoming.accept_with("graphql-ws", "");
        // As in a browser: `error`, then a close with 1006, never an open.
        let mut heard = Vec::new();
        while let Some(event) = events.next().await {
            let closed = matches!(event, ConnectionEvent::Closed(_));
            heard.push(event);
            if closed {
                break;
            }
        }
        assert!(matches!(&heard[..], [ConnectionEvent::Connecting { .. }, ConnectionEvent::Error, ConnectionEvent::Closed(close)] if close.code == 1006), "{heard:?}");
        server.advance(Duration::from_secs(2)).await;
        let socket = server.next_connection().await.accept();
        assert_eq!(socket.protocol(), "chat.v2", "accept() takes the client's first choice");
    }
}

kit_test! {
    async fn a_close_from_the_client_is_answered_and_told_to_the_server() {
        let server = FakeServer::new();
        let connection = ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
        let socket = server.accept().await;
        connection.close_with(4000, "signed out").unwrap();
        server.settle().await;
        assert_eq!(socket.closed_by_client(), Some((4000, "signed out".to_owned())));
        assert_eq!(connection.status(), ConnectionStatus::Closed, "the handshake answered");
    }
}

// Misuse fails at once, saying what happened (natively: `should_panic` takes no async test in
// the browser runner).

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[should_panic(
    expected = "next_message: the client sent nothing more on connection #1 (Open, the client sent [Text(\"hello\")])"
)]
fn waiting_for_a_message_that_never_comes_fails_with_what_was_sent() {
    futures_executor::block_on(async {
        let server = FakeServer::new();
        let connection =
            ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
        let mut socket = server.accept().await;
        connection.send(Message::from("hello")).unwrap();
        assert_eq!(socket.next_text().await, "hello");
        socket.next_message().await;
    });
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
#[should_panic(expected = "next_connection: the client made no new connection attempt (1 so far")]
fn waiting_for_an_attempt_before_its_backoff_fails_and_says_to_advance_the_clock() {
    futures_executor::block_on(async {
        let server = FakeServer::new();
        let _connection =
            ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
        server.accept().await.drop_connection();
        let _never = server.next_connection().await;
    });
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_url_of_a_server_that_is_gone_is_an_error() {
    let url = FakeServer::new().url();
    let error = ReconnectingWebSocket::open(&url, ReconnectOptions::default())
        .err()
        .expect("refused");
    assert!(
        error.to_string().contains("no fake server has this URL"),
        "{error}"
    );
}

/// A plain `WebSocket` on the fake server: in the browser only (natively there is no
/// `WebSocket`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn a_plain_websocket_talks_to_the_fake_server_as_to_a_real_one() {
    use wasm_ws_client::{BinaryType, ReadyState, WebSocket};

    let server = FakeServer::new();
    let socket =
        WebSocket::open_with_protocols(&server.url_for("/plain"), &["chat.v2", "chat"]).unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
    socket.set_binary_type(BinaryType::ArrayBuffer);
    let incoming = server.next_connection().await;
    assert!(incoming.url().ends_with("/plain"));
    let mut remote = incoming.accept_with("chat", "permessage-deflate");
    socket.opened().await.expect("open");
    assert_eq!(socket.ready_state(), ReadyState::Open);
    assert_eq!(
        (socket.protocol(), socket.extensions()),
        ("chat".to_owned(), "permessage-deflate".to_owned())
    );

    socket.send_text("hi").unwrap();
    socket.send_bytes(&[1, 2, 3]).unwrap();
    assert_eq!(remote.next_text().await, "hi");
    assert_eq!(remote.next_binary().await, [1, 2, 3]);
    let mut messages = socket.stream();
    remote.send("hello");
    remote.send(vec![4u8, 5]);
    assert_eq!(messages.next().await, Some(Message::from("hello")));
    assert_eq!(messages.next().await, Some(Message::Binary(vec![4, 5])));

    remote.close(4001, "bye");
    let close = socket.closed().await;
    assert_eq!(
        (close.code, close.reason.as_str(), close.was_clean),
        (4001, "bye", true)
    );
    assert_eq!(socket.ready_state(), ReadyState::Closed);
}

/// `docs/testing.md` shows these examples (and the Yew ones) as they are: each of its code
/// blocks that names a file is found in that file, word for word.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_guide_shows_the_examples_as_they_are() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let guide = std::fs::read_to_string(root.join("docs/testing.md")).unwrap();
    let mut checked = 0;
    for block in guide.split("```rust,ignore\n").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        let Some((path, body)) = code
            .strip_prefix("// ")
            .and_then(|rest| rest.split_once('\n'))
        else {
            continue;
        };
        let file = std::fs::read_to_string(root.join(path)).unwrap();
        assert!(
            file.contains(body),
            "docs/testing.md shows code that is not in {path}:\n{body}"
        );
        checked += 1;
    }
    assert!(
        checked >= 6,
        "only {checked} examples found in docs/testing.md"
    );
}

// What does not happen, shown in virtual time rather than by sleeping: an hour passes at once.

const AN_HOUR: Duration = Duration::from_secs(3600);

kit_test! {
    async fn after_close_during_a_backoff_no_attempt_comes_in_an_hour() {
        let server = FakeServer::new();
        let connection = ReconnectingWebSocket::open(&server.url(), ReconnectOptions::default()).unwrap();
        server.accept().await.drop_connection();
        server.settle().await;
        assert!(matches!(connection.status(), ConnectionStatus::Reconnecting { .. }));
        connection.close();
        server.advance(AN_HOUR).await;
        assert_eq!(server.connections(), 1);
        assert_eq!(connection.status(), ConnectionStatus::Closed);
    }
}

kit_test! {
    async fn after_giving_up_no_attempt_comes_in_an_hour_until_reconnect() {
        let server = FakeServer::new();
        let options = ReconnectOptions {
            max_attempts: Some(1),
            ..ReconnectOptions::default()
        };
        let connection = ReconnectingWebSocket::open(&server.url(), options).unwrap();
        server.next_connection().await.refuse();
        server.advance(Duration::from_secs(2)).await;
        server.next_connection().await.refuse();
        server.advance(AN_HOUR).await;
        assert_eq!(connection.status(), ConnectionStatus::GaveUp { attempts: 1 });
        assert_eq!(server.connections(), 2);
        connection.reconnect();
        server.accept().await;
        assert_eq!(server.connections(), 3);
    }
}

kit_test! {
    async fn a_url_that_cannot_be_used_is_not_retried_in_an_hour() {
        let server = FakeServer::new();
        let calls = Rc::new(std::cell::Cell::new(0));
        let counted = calls.clone();
        let connection = server.connection(ReconnectOptions::default()).unwrap();
        connection.connect_with(move || {
            counted.set(counted.get() + 1);
            "not a URL".to_owned()
        });
        server.settle().await;
        assert!(matches!(connection.status(), ConnectionStatus::Failed(_)));
        let tried = calls.get();
        server.advance(AN_HOUR).await;
        assert_eq!(calls.get(), tried, "not retried");
        assert_eq!(server.connections(), 0);
    }
}

kit_test! {
    async fn while_offline_no_attempt_comes_in_an_hour_and_online_connects_at_once() {
        let server = FakeServer::new();
        let options = ReconnectOptions {
            reconnect_on_wake: true,
            ..ReconnectOptions::default()
        };
        let connection = ReconnectingWebSocket::open(&server.url(), options).unwrap();
        server.accept().await.drop_connection();
        server.go_offline();
        server.advance(AN_HOUR).await;
        assert_eq!(connection.status(), ConnectionStatus::Offline);
        assert_eq!(server.connections(), 1, "no attempt while offline");
        let started = server.elapsed();
        server.go_online();
        server.accept().await;
        assert_eq!(server.elapsed(), started, "at once");
    }
}
