//! Rule 9: events on failure, and their order (WPT: Create-on-worker-shutdown, constructor,
//! Close-server-initiated-close, opening-handshake/*).

use wasm_bindgen_test::*;
use wasm_ws_client::{Error, Message, ReadyState, WebSocket};
use wasm_ws_test_support::CLOSED_PORT;

use crate::support::{endpoint, expect_failure, next_event, record, Event, SERVER};

#[wasm_bindgen_test]
async fn rule9_a_refused_connection_fires_error_then_close_1006() {
    // A loopback port with nothing listening: the operating system refuses the connection.
    let socket = WebSocket::open(&format!("ws://127.0.0.1:{CLOSED_PORT}/")).unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
}

#[wasm_bindgen_test]
async fn rule9_a_blocked_port_fails_the_connection_without_an_exception() {
    // Ports on the Fetch standard's list of bad ports: browsers refuse to dial them. The
    // WHATWG standard makes that a connection failure, not a SecurityError from the
    // constructor: error (with readyState CLOSED), then close 1006, whichever the port. WebKit
    // fires `error` alone, while it still says CONNECTING: wasm-ws fails the connection then.
    for port in [1, 7, 9, 25, 110, 6000, 6667] {
        let socket = WebSocket::open(&format!("ws://127.0.0.1:{port}/")).expect("no exception");
        let mut events = record(&socket);
        expect_failure(&mut events).await;
        assert_eq!(socket.ready_state(), ReadyState::Closed, "port {port}");
    }
}

#[wasm_bindgen_test]
async fn rule9_a_late_answer_that_selects_none_of_the_protocols_fails_the_connection() {
    // The server answers after 600 ms, selecting no subprotocol, though the client offered one
    // or several: a failure, whatever the delay (Firefox and WebKit open such a socket; wasm-ws
    // fails it, CLOSED during `error`, as when the answer comes at once).
    for offered in [&["chat"][..], &["chat.v2", "chat"][..]] {
        let socket = WebSocket::open_with_protocols(&endpoint("delay?ms=600"), offered).unwrap();
        let mut events = record(&socket);
        expect_failure(&mut events).await;
        assert_eq!(socket.protocol(), "", "{offered:?}");
    }
}

#[wasm_bindgen_test]
fn a_security_error_from_the_browser_is_its_own_variant() {
    // Neither engine under test throws one from the constructor (see above), so the mapping of
    // the exception itself is what can be checked.
    let exception =
        web_sys::DomException::new_with_message_and_name("refused", "SecurityError").unwrap();
    let error = Error::from_js(exception.into());
    assert_eq!(error, Error::Security("refused".into()));
    assert_eq!(error.dom_exception_name(), Some("SecurityError"));
}

#[wasm_bindgen_test]
async fn rule9_a_failed_handshake_fires_error_then_close_1006() {
    // The server answers 404: no upgrade.
    let socket = WebSocket::open(&format!("{SERVER}/no-such-endpoint")).unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
}

#[wasm_bindgen_test]
async fn rule9_pings_are_answered_by_the_browser_and_invisible_to_script() {
    let socket = WebSocket::open(&crate::support::endpoint("ping")).unwrap();
    let mut events = record(&socket);
    assert_eq!(next_event(&mut events).await, Event::Open(ReadyState::Open));
    // The server pinged on open; the first thing script sees is its report of our pong.
    assert_eq!(
        next_event(&mut events).await,
        Event::Message(Message::from("pong: are you there?"))
    );
    socket.close();
}
