//! `/websocket/test` against a real native WebSocket client (tokio-tungstenite), with the server
//! running in-process on a free loopback port.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::{
    net::TcpStream,
    time::{timeout, Instant},
};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{
        protocol::{
            frame::{
                coding::{CloseCode, Data, OpCode},
                Frame,
            },
            CloseFrame,
        },
        Message,
    },
    MaybeTlsStream, WebSocketStream,
};
use wasm_ws_server::{config::Config, endpoints::sample::GREETING, server};
use wasm_ws_test_support::{is_push, next_within, PATIENCE};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Long enough that no push lands in the middle of an echo test.
const NO_PUSHES: Duration = Duration::from_secs(3600);

/// Starts a server with the given push interval and connects a client to `/websocket/test`.
async fn connect(push_interval: Duration) -> Client {
    let running = server::start(&Config::for_tests(push_interval)).expect("server starts");
    let url = format!("ws://{}/websocket/test", running.local_addr());
    actix_web::rt::spawn(running);
    let (client, _response) = connect_async(url).await.expect("handshake succeeds");
    client
}

/// The next data or close message, skipping nothing.
async fn next(client: &mut Client) -> Message {
    next_within(client, PATIENCE, "the next message")
        .await
        .expect("a valid frame")
}

/// Connects with no pushes and consumes the greeting.
async fn connect_quiet() -> Client {
    let mut client = connect(NO_PUSHES).await;
    assert_eq!(next(&mut client).await, Message::text(GREETING));
    client
}

#[test]
fn the_tests_greeting_is_the_servers() {
    assert_eq!(wasm_ws_test_support::GREETING, GREETING);
}

#[actix_web::test]
async fn greeting_comes_first_then_a_push_every_second() {
    let started = Instant::now();
    let mut client = connect(Duration::from_secs(1)).await;
    assert_eq!(next(&mut client).await, Message::text(GREETING));

    let deadline = started + Duration::from_millis(2500);
    let mut pushes = Vec::new();
    while let Ok(Some(message)) = tokio::time::timeout_at(deadline, client.next()).await {
        match message.expect("a valid frame") {
            Message::Text(text) => pushes.push(text.to_string()),
            other => panic!("unexpected message {other:?}"),
        }
    }
    assert!(pushes.len() >= 2, "only {pushes:?} within 2.5 s");
    for push in &pushes {
        assert!(
            is_push(push),
            "{push:?} does not match ^[0-9]\\.[0-9]{{2}}$"
        );
        assert!(push.parse::<f64>().unwrap() < 1.0, "{push} is not below 1");
    }
}

#[actix_web::test]
async fn text_unicode_and_binary_are_echoed_unchanged() {
    let mut client = connect_quiet().await;
    let messages = [
        Message::text("hello"),
        Message::text(""),
        Message::text("你好，世界 · привет · 👋🏽"),
        Message::binary(vec![0u8, 1, 2, 127, 128, 254, 255]),
        Message::binary(vec![]),
        Message::binary(vec![0xA5; 60 * 1024]),
    ];
    for message in messages {
        client.send(message.clone()).await.unwrap();
        assert_eq!(next(&mut client).await, message);
    }
}

#[actix_web::test]
async fn fragmented_messages_are_echoed_whole() {
    let mut client = connect_quiet().await;

    // "ö" is C3 B6 in UTF-8: split inside the code point, which must survive reassembly.
    for frame in [
        Frame::message(&b"Hello, "[..], OpCode::Data(Data::Text), false),
        Frame::message(&b"w\xC3"[..], OpCode::Data(Data::Continue), false),
        Frame::message(&b"\xB6rld"[..], OpCode::Data(Data::Continue), true),
    ] {
        client.send(Message::Frame(frame)).await.unwrap();
    }
    assert_eq!(next(&mut client).await, Message::text("Hello, wörld"));

    for frame in [
        Frame::message(vec![1u8, 2], OpCode::Data(Data::Binary), false),
        Frame::message(vec![3u8], OpCode::Data(Data::Continue), false),
        Frame::message(vec![4u8, 5], OpCode::Data(Data::Continue), true),
    ] {
        client.send(Message::Frame(frame)).await.unwrap();
    }
    assert_eq!(
        next(&mut client).await,
        Message::binary(vec![1u8, 2, 3, 4, 5])
    );
}

#[actix_web::test]
async fn a_ping_gets_a_pong_with_the_same_payload() {
    let mut client = connect_quiet().await;
    client
        .send(Message::Ping("are you there?".into()))
        .await
        .unwrap();
    assert_eq!(
        next(&mut client).await,
        Message::Pong("are you there?".into())
    );
}

#[actix_web::test]
async fn the_client_close_code_is_echoed_and_pushes_stop() {
    let push_interval = Duration::from_millis(100);
    let mut client = connect(push_interval).await;
    assert_eq!(next(&mut client).await, Message::text(GREETING));
    assert!(matches!(next(&mut client).await, Message::Text(text) if is_push(&text)));

    let close = CloseFrame {
        code: CloseCode::from(4000),
        reason: "done".into(),
    };
    client
        .send(Message::Close(Some(close.clone())))
        .await
        .unwrap();
    // Pushes already on the wire when the server read our Close may still arrive before its reply.
    let reply = loop {
        match next(&mut client).await {
            Message::Text(text) if is_push(&text) => continue,
            Message::Close(reply) => break reply,
            other => panic!("unexpected message {other:?}"),
        }
    };
    assert_eq!(reply, Some(close));

    // After the closing handshake nothing more arrives, however long we wait for the next push.
    match timeout(push_interval * 4, client.next()).await {
        Ok(None) | Err(_) => {}
        Ok(Some(after)) => assert!(
            !matches!(after, Ok(Message::Text(_))),
            "a message arrived after the close: {after:?}"
        ),
    }
}

#[actix_web::test]
async fn a_missing_static_directory_is_reported() {
    let config = Config {
        static_dir: Some("/definitely/not/here".into()),
        ..Config::for_tests(NO_PUSHES)
    };
    let error = server::start(&config).err().expect("start fails");
    assert_eq!(
        error.to_string(),
        "static directory /definitely/not/here not found: build the page with `trunk build --release`, or pass --static-dir"
    );
}

#[actix_web::test]
async fn a_port_in_use_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = Config {
        bind: taken.local_addr().unwrap(),
        ..Config::for_tests(NO_PUSHES)
    };
    let error = server::start(&config).err().expect("start fails");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot listen on {}: ", config.bind)),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");
}
