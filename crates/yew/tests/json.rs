//! Typed JSON (cargo feature `json`) in a real browser against the real server: values sent as
//! JSON come back through the echo decoded; a message that is not the expected JSON (the
//! sample's greeting) reaches `on_decode_error` with the raw message, never a made-up default;
//! a value that cannot be encoded is a typed error; the same through a provider's context.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::collections::HashMap;

use futures_channel::mpsc::{self, UnboundedSender};
use serde::{Deserialize, Serialize};
use wasm_bindgen_test::*;
use wasm_ws_test_support::{endpoint, new_root, next_within, GREETING, PATIENCE};
use wasm_ws_yew::{
    json::{JsonDecodeError, JsonSendError, UseJsonWebSocketHandle, UseJsonWebSocketOptions},
    use_json_websocket, use_json_websocket_context, ConnectionStatus, Message, Sent,
    WebSocketProvider,
};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Point {
    x: i32,
    y: i32,
}

/// What a probe saw: a decoded value, or a decode error's raw message.
#[derive(Debug, PartialEq)]
enum Seen {
    Value(Point),
    NotJson(Message),
}

#[derive(Properties, Clone)]
struct ProbeProps {
    url: AttrValue,
    seen: UnboundedSender<Seen>,
    handle: UnboundedSender<UseJsonWebSocketHandle<Point>>,
    through_context: bool,
}

impl PartialEq for ProbeProps {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

fn callbacks(seen: &UnboundedSender<Seen>) -> (Callback<Point>, Callback<JsonDecodeError>) {
    let (values, errors) = (seen.clone(), seen.clone());
    (
        Callback::from(move |point| {
            let _ = values.unbounded_send(Seen::Value(point));
        }),
        Callback::from(move |error: JsonDecodeError| {
            let _ = errors.unbounded_send(Seen::NotJson(error.message));
        }),
    )
}

#[function_component]
fn Direct(props: &ProbeProps) -> Html {
    let (on_message, on_decode_error) = callbacks(&props.seen);
    let handle = use_json_websocket::<Point, Point>(
        props.url.clone(),
        UseJsonWebSocketOptions {
            on_message: Some(on_message),
            on_decode_error: Some(on_decode_error),
            ..Default::default()
        },
    );
    if handle.status == ConnectionStatus::Open {
        let _ = props.handle.unbounded_send(handle);
    }
    html! {}
}

#[function_component]
fn Consumer(props: &ProbeProps) -> Html {
    let (on_message, on_decode_error) = callbacks(&props.seen);
    let handle = use_json_websocket_context::<Point, Point>(on_message, Some(on_decode_error));
    if handle.status == ConnectionStatus::Open {
        let _ = props.handle.unbounded_send(handle);
    }
    html! {}
}

#[function_component]
fn Probe(props: &ProbeProps) -> Html {
    if props.through_context {
        html! {
            <WebSocketProvider url={props.url.clone()}>
                <Consumer ..props.clone() />
            </WebSocketProvider>
        }
    } else {
        html! { <Direct ..props.clone() /> }
    }
}

async fn round_trip(through_context: bool) {
    let (seen_sender, mut seen) = mpsc::unbounded();
    let (handle_sender, mut handles) = mpsc::unbounded();
    let root = new_root();
    let app = yew::Renderer::<Probe>::with_root_and_props(
        root,
        ProbeProps {
            url: endpoint("test").into(),
            seen: seen_sender,
            handle: handle_sender,
            through_context,
        },
    )
    .render();

    // The sample greets in plain text: a decode error carrying the raw message.
    assert_eq!(
        next_within(&mut seen, PATIENCE, "the greeting").await,
        Seen::NotJson(Message::from(GREETING))
    );
    let handle = next_within(&mut handles, PATIENCE, "an open connection").await;
    assert_eq!(handle.send(&Point { x: 3, y: -4 }).unwrap(), Sent::Now);
    loop {
        // Pushes (`0.42`) are JSON numbers, not points: decode errors too.
        match next_within(&mut seen, PATIENCE, "the echoed point").await {
            Seen::Value(point) => {
                assert_eq!(point, Point { x: 3, y: -4 });
                break;
            }
            Seen::NotJson(Message::Text(text)) => assert!(
                wasm_ws_test_support::is_push(&text),
                "only pushes fail to decode here: {text}"
            ),
            other => panic!("{other:?}"),
        }
    }
    app.destroy();
}

#[wasm_bindgen_test]
async fn json_round_trip_and_decode_errors_with_the_hook() {
    round_trip(false).await;
}

#[wasm_bindgen_test]
async fn json_round_trip_and_decode_errors_through_the_context() {
    round_trip(true).await;
}

#[wasm_bindgen_test]
fn a_value_that_cannot_be_encoded_is_a_typed_error() {
    // JSON object keys must be strings: a map keyed by tuples does not encode.
    let mut map = HashMap::new();
    map.insert((1, 2), "a");
    let error = wasm_ws_yew::json::encode(&map).unwrap_err();
    let error = JsonSendError::Encode(error);
    assert!(error.to_string().contains("encoded as JSON"), "{error}");
}
