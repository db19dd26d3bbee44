//! The endpoints wasm-ws's conformance suite talks to, checked with a native client so that a
//! regression here is not mistaken for a client bug; and that a server started without
//! `--test-endpoints` does not serve them.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::{
    connect_async,
    tungstenite::{
        client::IntoClientRequest,
        http::HeaderValue,
        protocol::{frame::coding::CloseCode, CloseFrame},
        Message,
    },
};
use wasm_ws_server::{config::Config, server};
use wasm_ws_test_support::{next_within, PATIENCE};

mod common;

/// Starts a server and returns the base URL of its WebSocket endpoints.
fn start() -> String {
    let running =
        server::start(&Config::for_tests(Duration::from_secs(3600))).expect("server starts");
    let base = format!("ws://{}/websocket", running.local_addr());
    actix_web::rt::spawn(running);
    base
}

async fn next(
    client: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Message {
    next_within(client, PATIENCE, "the next message")
        .await
        .expect("a valid frame")
}

#[test]
fn without_the_flag_the_test_endpoints_answer_404_and_the_sample_still_serves() {
    let config = Config {
        test_endpoints: false,
        ..Config::for_tests(Duration::from_secs(3600))
    };
    let (addr, _) = common::spawn_server(config);
    for path in [
        "echo",
        "protocol?name=x",
        "delay?ms=1",
        "close",
        "burst?count=1&size=4",
        "ping",
        "flood?count=1&size=1",
    ] {
        let (status, _) = common::http_get(addr, &format!("/websocket/{path}"));
        assert_eq!(status, 404, "{path}");
        let mut raw = common::Raw::connect_with_headers(addr, &format!("/websocket/{path}"), "");
        let response = raw.read_handshake_response();
        assert!(response.starts_with("HTTP/1.1 404"), "{path}: {response}");
    }
    common::Raw::connect(addr, "/websocket/test")
        .expect_text(wasm_ws_test_support::GREETING.as_bytes());
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    }))
}

#[actix_web::test]
async fn echo_selects_the_echo_protocol_when_offered() {
    let mut request = format!("{}/echo", start()).into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("other, echo"),
    );
    let (mut client, response) = connect_async(request).await.unwrap();
    assert_eq!(response.headers()["Sec-WebSocket-Protocol"], "echo");
    client.send(Message::text("hi")).await.unwrap();
    assert_eq!(next(&mut client).await, Message::text("hi"));
}

#[actix_web::test]
async fn echo_closes_after_goodbye_and_echoes_close_reasons() {
    let base = start();
    let (mut client, response) = connect_async(format!("{base}/echo")).await.unwrap();
    assert!(
        response.headers().get("Sec-WebSocket-Protocol").is_none(),
        "nothing offered, nothing selected"
    );
    client.send(Message::text("Goodbye")).await.unwrap();
    assert_eq!(next(&mut client).await, close_frame(1000, ""));

    let (mut client, _) = connect_async(format!("{base}/echo")).await.unwrap();
    client
        .send(close_frame(3123, "with a reason"))
        .await
        .unwrap();
    assert_eq!(next(&mut client).await, close_frame(3123, "with a reason"));
}

#[actix_web::test]
async fn protocol_answers_with_the_named_protocol() {
    let mut request = format!("{}/protocol?name=chosen", start())
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("chosen"));
    let (_client, response) = connect_async(request).await.unwrap();
    assert_eq!(response.headers()["Sec-WebSocket-Protocol"], "chosen");
}

#[actix_web::test]
async fn delay_holds_the_handshake() {
    let started = Instant::now();
    let (mut client, _) = connect_async(format!("{}/delay?ms=300", start()))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    client.send(Message::binary(vec![1u8, 2])).await.unwrap();
    assert_eq!(next(&mut client).await, Message::binary(vec![1u8, 2]));
}

#[actix_web::test]
async fn close_closes_with_the_given_code_and_reason() {
    let (mut client, _) = connect_async(format!("{}/close?code=4001&reason=bye", start()))
        .await
        .unwrap();
    assert_eq!(next(&mut client).await, close_frame(4001, "bye"));
}

#[actix_web::test]
async fn burst_sends_numbered_pairs_in_order_then_closes() {
    let (mut client, _) = connect_async(format!("{}/burst?count=20&size=1000", start()))
        .await
        .unwrap();
    for index in 0..40u32 {
        match next(&mut client).await {
            Message::Binary(bytes) if index % 2 == 0 => {
                assert_eq!(bytes.len(), 1000);
                assert_eq!(u32::from_be_bytes(bytes[..4].try_into().unwrap()), index);
            }
            Message::Text(text) if index % 2 == 1 => assert_eq!(text.as_str(), index.to_string()),
            other => panic!("message {index}: unexpected {other:?}"),
        }
    }
    assert_eq!(next(&mut client).await, close_frame(1000, ""));
}

#[actix_web::test]
async fn ping_pings_on_open_and_reports_the_pong() {
    let (mut client, _) = connect_async(format!("{}/ping", start())).await.unwrap();
    // tungstenite answers the ping by itself, as a browser does, after showing it to us.
    assert_eq!(
        next(&mut client).await,
        Message::Ping("are you there?".into())
    );
    client.flush().await.unwrap();
    assert_eq!(
        next(&mut client).await,
        Message::text("pong: are you there?")
    );
}

#[actix_web::test]
async fn flood_sends_count_messages_of_size_then_closes() {
    let (mut client, _) = connect_async(format!("{}/flood?count=500&size=16", start()))
        .await
        .unwrap();
    for _ in 0..500 {
        assert_eq!(next(&mut client).await, Message::text("x".repeat(16)));
    }
    assert_eq!(next(&mut client).await, close_frame(1000, ""));
}
