//! Rules 1 to 4: the constructor's URL and subprotocol checks, and the initial state
//! (WPT: Create-invalid-urls, Create-non-absolute-url, Create-protocols-repeated*,
//! Create-blocked-port, Create-valid-url-protocol*, constructor).

use wasm_bindgen_test::*;
use wasm_ws_client::{BinaryType, Error, ReadyState, WebSocket};

use crate::support::{endpoint, expect_failure, open_echo, record, SERVER};

fn assert_syntax_error(result: Result<WebSocket, Error>, what: &str) {
    match result {
        Err(Error::Syntax(_)) => {}
        Err(other) => panic!("{what}: expected SyntaxError, got {other:?}"),
        Ok(socket) => panic!("{what}: expected SyntaxError, opened {}", socket.url()),
    }
}

#[wasm_bindgen_test]
fn rule1_unparsable_urls_are_syntax_errors() {
    // Chromium's own parser accepts `foo bar.com` (as `foo%20bar.com`) and `xn--` (an empty
    // Punycode label, an error under UTS 46); the spec and Firefox do not.
    for url in [
        "ws://xn--/",
        "ws://xn--abc-.example/",
        "http://[::1",
        "ws://",
        "wss://",
        "ws://:80/",
        "ws://[zz]/",
        "ws://foo bar.com/",
        "ws://exa%mple.com/",
        "ws://a%2Fb/",
    ] {
        assert_syntax_error(WebSocket::open(url), url);
    }
}

#[wasm_bindgen_test]
fn rule1_internationalised_hosts_are_accepted() {
    let socket = WebSocket::open("ws://bücher.example/").unwrap();
    assert_eq!(socket.url(), "ws://xn--bcher-kva.example/");
    socket.close();
}

#[wasm_bindgen_test]
fn rule1_schemes_other_than_ws_wss_http_https_are_syntax_errors() {
    for url in [
        "ftp://127.0.0.1/",
        "mailto:a@b.c",
        "about:blank",
        "data:text/plain,x",
        "file:///tmp/x",
        "javascript:1",
    ] {
        assert_syntax_error(WebSocket::open(url), url);
    }
}

#[wasm_bindgen_test]
fn rule1_relative_urls_resolve_against_the_page() {
    // The API base URL: the page's, or in a worker the worker script's.
    let here = wasm_ws_test_support::here();
    let page = web_sys::Url::new(&here).unwrap();
    assert_eq!(
        WebSocket::open("/websocket/echo").unwrap().url(),
        format!("ws://{}/websocket/echo", page.host())
    );
    // A query alone keeps the base's path; an empty URL is the base itself, less its fragment.
    for relative in ["?q=1", ""] {
        let expected = web_sys::Url::new_with_base(relative, &here).unwrap();
        expected.set_hash("");
        let expected = expected.href().replacen("http:", "ws:", 1);
        assert_eq!(WebSocket::open(relative).unwrap().url(), expected, "{relative:?}");
    }
}

#[wasm_bindgen_test]
fn rule1_http_and_https_map_to_ws_and_wss() {
    let http = endpoint("echo").replacen("ws:", "http:", 1);
    assert_eq!(WebSocket::open(&http).unwrap().url(), endpoint("echo"));
    assert_eq!(
        WebSocket::open("https://127.0.0.1:9/x").unwrap().url(),
        "wss://127.0.0.1:9/x"
    );
    assert_eq!(
        WebSocket::open("HTTP://127.0.0.1:9/").unwrap().url(),
        "ws://127.0.0.1:9/"
    );
}

#[wasm_bindgen_test]
fn rule2_a_fragment_even_empty_is_a_syntax_error() {
    for url in [
        "ws://127.0.0.1/#",
        "ws://127.0.0.1/#frag",
        "http://127.0.0.1/path#x",
        "#test",
    ] {
        assert_syntax_error(WebSocket::open(url), url);
    }
}

#[wasm_bindgen_test]
fn rule3_invalid_subprotocols_are_syntax_errors() {
    let url = endpoint("echo");
    for protocols in [
        &["echo", "echo"][..],
        &["echo", "ECHO"],
        &[""],
        &["a b"],
        &["a/b"],
        &["a,b"],
        &["é"],
        &["tab\t"],
        &["\u{7f}"],
        &["{json}"],
    ] {
        assert_syntax_error(
            WebSocket::open_with_protocols(&url, protocols),
            &format!("{protocols:?}"),
        );
    }
}

#[wasm_bindgen_test]
async fn rule3_one_protocol_is_selected_by_the_server() {
    let (socket, _events) = open_echo(&["echo"]).await;
    assert_eq!(socket.protocol(), "echo");
    socket.close();
}

#[wasm_bindgen_test]
async fn rule3_the_server_picks_one_of_several() {
    let url = endpoint("protocol?name=second");
    let socket = WebSocket::open_with_protocols(&url, &["first", "second"]).unwrap();
    socket.opened().await.unwrap();
    assert_eq!(socket.protocol(), "second");
    socket.close();
}

#[wasm_bindgen_test]
async fn rule3_a_protocol_the_client_did_not_offer_fails_the_connection() {
    let socket =
        WebSocket::open_with_protocols(&endpoint("protocol?name=other"), &["mine"]).unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
    assert_eq!(socket.protocol(), "");
}

#[wasm_bindgen_test]
async fn rule3_a_server_that_selects_none_of_the_offered_protocols_fails_the_connection() {
    // The echo endpoint selects only `echo`: offered `chat`, it answers with no protocol.
    // Firefox would open the socket; the standard, Chromium and wasm-ws fail it.
    let socket = WebSocket::open_with_protocols(&endpoint("echo"), &["chat"]).unwrap();
    let mut events = record(&socket);
    expect_failure(&mut events).await;
    // As a connection the engine failed: nothing negotiated shows (the test server would have
    // agreed to compression with the engine that opened it).
    assert_eq!(socket.protocol(), "");
    assert_eq!(socket.extensions(), "");
    assert_eq!(socket.ready_state(), ReadyState::Closed);
    assert!(socket.opened().await.is_err(), "never open");
}

#[wasm_bindgen_test]
async fn rule3_without_an_offer_protocol_stays_empty() {
    let (socket, _events) = open_echo(&[]).await;
    assert_eq!(socket.protocol(), "");
    socket.close();
}

#[wasm_bindgen_test]
fn rule4_the_initial_state() {
    let socket = WebSocket::open(&endpoint("delay?ms=500")).unwrap();
    assert_eq!(socket.ready_state(), ReadyState::Connecting);
    assert_eq!(socket.binary_type(), BinaryType::Blob);
    assert_eq!(socket.protocol(), "");
    assert_eq!(socket.extensions(), "");
    assert_eq!(socket.buffered_amount(), 0);
    assert!(socket.url().starts_with(SERVER));
}
