//! wasm-ws in a real browser against the real wasm-ws-server.
//!
//! The server address comes from `WASM_WS_TEST_SERVER` at compile time (the test command starts
//! the server on a free port and sets it); by hand: start `wasm-ws-server` on 127.0.0.1:3000 and
//! run `wasm-pack test --headless --chrome crates/client`.

use futures_channel::mpsc::{self, UnboundedReceiver};
use futures_util::StreamExt;
use wasm_bindgen_test::*;
use wasm_ws::{CloseEvent, Error, Message, ReadyState, WebSocket};

wasm_bindgen_test_configure!(run_in_browser);

const SERVER: &str = match option_env!("WASM_WS_TEST_SERVER") {
    Some(server) => server,
    None => "ws://127.0.0.1:3000",
};
const GREETING: &str = "连接成功";

fn sample_url() -> String {
    format!("{SERVER}/websocket/test")
}

/// Every event the socket fires, with the readyState seen when it fired.
#[derive(Debug, PartialEq)]
enum Event {
    Open(ReadyState),
    Message(Message),
    Error(ReadyState),
    Close(CloseEvent, ReadyState),
}

/// Records the socket's events into a channel the test awaits.
fn record(socket: &WebSocket) -> UnboundedReceiver<Event> {
    let (sender, receiver) = mpsc::unbounded();
    // The handlers hold the raw socket, not a handle clone (which would keep itself alive).
    let raw = socket.as_raw().clone();
    let state = move || ReadyState::from_u16(raw.ready_state()).unwrap();
    let (open, message, error, close) = (sender.clone(), sender.clone(), sender.clone(), sender);
    let (state_open, state_error, state_close) = (state.clone(), state.clone(), state);
    socket.on_open(move || open.unbounded_send(Event::Open(state_open())).unwrap());
    socket.on_message(move |m| message.unbounded_send(Event::Message(m)).unwrap());
    socket.on_error(move || error.unbounded_send(Event::Error(state_error())).unwrap());
    socket.on_close(move |e| {
        close
            .unbounded_send(Event::Close(e, state_close()))
            .unwrap()
    });
    receiver
}

/// The next event that is not one of the server's timed pushes (`0.37` and the like).
async fn next_event(events: &mut UnboundedReceiver<Event>) -> Event {
    loop {
        let event = events
            .next()
            .await
            .expect("the socket's handlers are alive");
        match &event {
            Event::Message(Message::Text(text)) if text.len() == 4 && text.starts_with("0.") => {
                continue
            }
            _ => return event,
        }
    }
}

async fn open_sample() -> (WebSocket, UnboundedReceiver<Event>) {
    let socket = WebSocket::open(&sample_url()).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Text(GREETING.into()))
    );
    (socket, events)
}

#[wasm_bindgen_test]
async fn opens_greets_echoes_and_closes_with_the_right_states() {
    let socket = WebSocket::open(&sample_url()).unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
    assert_eq!(socket.url(), sample_url());
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
    socket.send_bytes(&[0, 1, 2, 254, 255]).unwrap();
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::Binary(vec![0, 1, 2, 254, 255]))
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
async fn a_send_after_close_is_reported_not_dropped_silently() {
    let (socket, mut events) = open_sample().await;
    socket.close();
    assert_eq!(
        socket.send_text("too late"),
        Err(Error::Closed(ReadyState::Closing))
    );
    // Without a code, the close event reports 1005 (no status received).
    match next_event(&mut events).await {
        Event::Close(event, ReadyState::Closed) => {
            assert_eq!((event.code, event.was_clean), (1005, true))
        }
        other => panic!("expected a close event, got {other:?}"),
    }
    assert_eq!(
        socket.send_bytes(b"later"),
        Err(Error::Closed(ReadyState::Closed))
    );
}

#[wasm_bindgen_test]
fn sending_while_connecting_is_an_invalid_state_error() {
    let socket = WebSocket::open(&sample_url()).unwrap();
    let error = socket.send_text("early").unwrap_err();
    assert_eq!(error.dom_exception_name(), Some("InvalidStateError"));
}

#[wasm_bindgen_test]
fn invalid_close_arguments_are_rejected_before_anything_else() {
    let socket = WebSocket::open(&sample_url()).unwrap();
    for code in [0, 999, 1001, 1005, 2999, 5000] {
        assert!(
            matches!(socket.close_with(code, ""), Err(Error::InvalidAccess(_))),
            "code {code}"
        );
    }
    let reason_124_bytes = "é".repeat(62);
    assert!(matches!(
        socket.close_with(1000, &reason_124_bytes),
        Err(Error::Syntax(_))
    ));
    assert_eq!(
        socket.ready_state(),
        ReadyState::Connecting,
        "a rejected close changes nothing"
    );
    socket.close_with(4999, &"é".repeat(61)).unwrap();
}

#[wasm_bindgen_test]
fn bad_urls_are_syntax_errors() {
    for url in [
        "http://[::1",
        "ws://",
        "ftp://127.0.0.1/",
        "ws://127.0.0.1/#",
        "ws://127.0.0.1/#frag",
        "mailto:a@b.c",
    ] {
        match WebSocket::open(url) {
            Err(Error::Syntax(_)) => {}
            other => panic!("{url:?} gave {:?}", other.map(|socket| socket.url())),
        }
    }
}

#[wasm_bindgen_test]
fn relative_and_http_urls_become_ws_urls() {
    // An empty URL is relative too: it resolves to the page itself, less the page's fragment.
    let page_url = web_sys::window().unwrap().location().href().unwrap();
    let page_url = page_url.split('#').next().unwrap();
    assert_eq!(
        WebSocket::open("").unwrap().url(),
        page_url.replacen("http:", "ws:", 1)
    );
    let page = web_sys::window().unwrap().location();
    let expected = format!("ws://{}/websocket/test", page.host().unwrap());
    assert_eq!(WebSocket::open("/websocket/test").unwrap().url(), expected);
    let http = format!("{}/websocket/test", SERVER.replacen("ws:", "http:", 1));
    assert_eq!(WebSocket::open(&http).unwrap().url(), sample_url());
}

#[wasm_bindgen_test]
async fn a_refused_connection_fires_error_then_close_1006() {
    // Port 9 (discard) is not listened on here: the connection is refused.
    let socket = WebSocket::open("ws://127.0.0.1:9/").unwrap();
    let mut events = record(&socket);
    assert_eq!(
        next_event(&mut events).await,
        Event::Error(ReadyState::Closed)
    );
    let expected = CloseEvent {
        code: 1006,
        reason: String::new(),
        was_clean: false,
    };
    assert_eq!(
        next_event(&mut events).await,
        Event::Close(expected, ReadyState::Closed)
    );
}

#[wasm_bindgen_test]
async fn dropping_the_last_handle_closes_the_socket() {
    let (socket, _events) = open_sample().await;
    let clone = socket.clone();
    let raw = socket.as_raw().clone();
    drop(socket);
    assert_eq!(
        raw.ready_state(),
        ReadyState::Open as u16,
        "a clone still holds it open"
    );
    drop(clone);
    assert_eq!(raw.ready_state(), ReadyState::Closing as u16);
    assert!(raw.onmessage().is_none(), "the listeners are detached");
}

#[wasm_bindgen_test]
async fn a_handler_may_replace_itself_and_send_from_inside() {
    let (socket, mut events) = open_sample().await;
    let (sender, mut replaced) = mpsc::unbounded();
    let raw = socket.as_raw().clone();
    let handle = socket.clone();
    // The first message replaces the handler from inside it; the echo reaches the new one.
    socket.on_message(move |_first| {
        let sender = sender.clone();
        handle.on_message(move |second| sender.unbounded_send(second).unwrap());
        raw.send_with_str("from inside").unwrap();
    });
    socket.send_text("trigger").unwrap();
    loop {
        match replaced.next().await.unwrap() {
            Message::Text(text) if text == "from inside" => break,
            _ => continue,
        }
    }
    socket.close();
    events.close();
}
