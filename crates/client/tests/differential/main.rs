//! The differential probe: each scenario of the conformance suite that a raw
//! `web_sys::WebSocket` can also play, run both ways in the same page, in whichever engine runs
//! the tests. Each case asserts that wasm-ws does what the WHATWG standard says (or, where
//! wasm-ws reports more than the browser does, what it documents), and prints one line,
//! `PROBE|case|raw|wasm-ws|spec`, from which `scripts/engine-differences.sh` builds the table
//! in `docs/engine-differences.md`.
//!
//! Outcomes are short strings: the `DOMException` a constructor or method throws ("no
//! exception" otherwise), or the events a connection fires until it opens or closes, with
//! `readyState` at `error` (as `error(CLOSED)`) and the close event's code and cleanliness.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

mod outcome;

use outcome::{connect_raw, connect_wasm_ws, constructor_raw, constructor_wasm_ws, exception_name};
use wasm_bindgen_test::*;
use wasm_ws_client::{Error, WebSocket};
use wasm_ws_test_support::{endpoint, CLOSED_PORT};

wasm_bindgen_test_configure!(run_in_browser);

/// Prints the case's line and checks wasm-ws against the standard (a note in brackets after
/// the standard's outcome names where it comes from).
fn report(case: &str, raw: &str, wasm_ws: &str, spec: &str, wasm_ws_documented: Option<&str>) {
    web_sys::console::log_1(&format!("PROBE|{case}|{raw}|{wasm_ws}|{spec}").into());
    let expected = spec.split(" (").next().unwrap_or(spec);
    assert_eq!(
        wasm_ws,
        wasm_ws_documented.unwrap_or(expected),
        "{case}: wasm-ws (raw engine: {raw})"
    );
}

const FAILED: &str = "error(CLOSED), close 1006 unclean";
const SYNTAX: &str = "SyntaxError";
const NO_EXCEPTION: &str = "no exception";

/// A constructor case: the URL and protocols, and what the standard says it throws.
async fn constructor_case(case: &str, url: &str, protocols: &[&str], spec: &str) {
    let raw = constructor_raw(url, protocols);
    let ours = constructor_wasm_ws(url, protocols);
    report(case, &raw, &ours, spec, None);
}

#[wasm_bindgen_test]
async fn url_unparsable() {
    constructor_case("URL that does not parse (`ws://[`)", "ws://[", &[], SYNTAX).await;
}

#[wasm_bindgen_test]
async fn url_with_a_space_in_the_host() {
    constructor_case(
        "space in the host (`ws://foo bar.com/`)",
        "ws://foo bar.com/",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_an_empty_punycode_label() {
    // UTS 46 (which the URL standard's host parser applies): a label starting with `xn--` must
    // decode as Punycode to something non-empty and not only ASCII.
    constructor_case(
        "empty Punycode label (`ws://xn--/`)",
        "ws://xn--/",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_an_ascii_only_punycode_label() {
    constructor_case(
        "ASCII-only Punycode label (`ws://xn--abc-.example/`)",
        "ws://xn--abc-.example/",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_an_internationalised_host() {
    constructor_case(
        "internationalised host (`ws://bücher.example/`)",
        "ws://bücher.example/",
        &[],
        NO_EXCEPTION,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_another_scheme() {
    constructor_case(
        "scheme other than ws/wss/http/https (`ftp:`)",
        "ftp://example.com/",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_an_empty_fragment() {
    constructor_case(
        "empty fragment (`ws://host/#`)",
        "ws://example.com/#",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_with_a_fragment() {
    constructor_case(
        "fragment (`ws://host/#x`)",
        "ws://example.com/#x",
        &[],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn url_http_becomes_ws() {
    constructor_case(
        "`http:` URL (becomes `ws:`)",
        "http://127.0.0.1:9/",
        &[],
        NO_EXCEPTION,
    )
    .await;
}

#[wasm_bindgen_test]
async fn protocols_repeated_ignoring_case() {
    // The standard says "occur more than once"; the Web Platform Tests
    // (`Create-protocols-repeated-case-insensitive`) read that as ignoring ASCII case.
    constructor_case(
        "protocols repeated ignoring case (`a`, `A`)",
        "ws://127.0.0.1:9/",
        &["a", "A"],
        "SyntaxError (WPT)",
    )
    .await;
}

#[wasm_bindgen_test]
async fn protocols_empty() {
    constructor_case("empty protocol", "ws://127.0.0.1:9/", &[""], SYNTAX).await;
}

#[wasm_bindgen_test]
async fn protocols_not_a_token() {
    constructor_case(
        "protocol that is not a token (`a b`)",
        "ws://127.0.0.1:9/",
        &["a b"],
        SYNTAX,
    )
    .await;
}

#[wasm_bindgen_test]
async fn protocols_non_ascii() {
    constructor_case(
        "non-ASCII protocol (`ü`)",
        "ws://127.0.0.1:9/",
        &["ü"],
        SYNTAX,
    )
    .await;
}

/// A connection case: where to connect, what to offer, what the standard says happens.
async fn connection_case(case: &str, url: &str, protocols: &[&str], spec: &str) {
    let raw = connect_raw(url, protocols).await;
    let ours = connect_wasm_ws(url, protocols).await;
    report(case, &raw, &ours, spec, None);
}

#[wasm_bindgen_test]
async fn handshake_selecting_none_of_the_offered_protocols() {
    connection_case(
        "offered `chat`, the server selects none",
        &endpoint("echo"),
        &["chat"],
        FAILED,
    )
    .await;
}

#[wasm_bindgen_test]
async fn handshake_selecting_a_protocol_not_offered() {
    // Firefox ignores the server's choice when nothing was offered and reports `protocol` as
    // "": nothing in the API shows the header, so wasm-ws cannot tell, and passes the engine's
    // behaviour through (documented on `WebSocket::protocol`).
    let url = endpoint("protocol?name=x");
    let raw = connect_raw(&url, &[]).await;
    let ours = connect_wasm_ws(&url, &[]).await;
    report(
        "nothing offered, the server selects `x`",
        &raw,
        &ours,
        FAILED,
        Some(&raw),
    );
}

#[wasm_bindgen_test]
async fn handshake_selecting_a_protocol_other_than_the_offered_one() {
    connection_case(
        "offered `mine`, the server selects `other`",
        &endpoint("protocol?name=other"),
        &["mine"],
        FAILED,
    )
    .await;
}

#[wasm_bindgen_test]
async fn handshake_selecting_the_offered_protocol() {
    connection_case(
        "offered `echo`, the server selects it",
        &endpoint("echo"),
        &["echo"],
        "open, protocol echo",
    )
    .await;
}

#[wasm_bindgen_test]
async fn connection_refused() {
    connection_case(
        "connection refused (nothing listens)",
        &format!("ws://127.0.0.1:{CLOSED_PORT}/"),
        &[],
        FAILED,
    )
    .await;
}

#[wasm_bindgen_test]
async fn connection_to_a_blocked_port() {
    connection_case("blocked port (9)", "ws://127.0.0.1:9/", &[], FAILED).await;
}

#[wasm_bindgen_test]
async fn handshake_answered_404() {
    connection_case(
        "handshake answered 404",
        &endpoint("no-such-endpoint"),
        &[],
        FAILED,
    )
    .await;
}

#[wasm_bindgen_test]
async fn close_codes_outside_the_allowed_ranges() {
    for code in [0, 999, 1005, 2999, 5000] {
        let url = endpoint("delay?ms=2000");
        let raw = web_sys::WebSocket::new(&url).unwrap();
        let raw_outcome = exception_name(raw.close_with_code(code));
        let _ = raw.close();
        let ours = WebSocket::open(&url).unwrap();
        let ours_outcome = error_name(ours.close_with_code(code));
        report(
            &format!("`close({code})`"),
            &raw_outcome,
            &ours_outcome,
            "InvalidAccessError",
            None,
        );
    }
}

#[wasm_bindgen_test]
async fn close_reason_of_124_bytes() {
    let url = endpoint("delay?ms=2000");
    let reason = "a".repeat(124);
    let raw = web_sys::WebSocket::new(&url).unwrap();
    let raw_outcome = exception_name(raw.close_with_code_and_reason(1000, &reason));
    let _ = raw.close();
    let ours = WebSocket::open(&url).unwrap();
    let ours_outcome = error_name(ours.close_with(1000, &reason));
    report(
        "`close(1000, reason)` with a 124-byte reason",
        &raw_outcome,
        &ours_outcome,
        SYNTAX,
        None,
    );
}

#[wasm_bindgen_test]
async fn send_while_connecting() {
    let url = endpoint("delay?ms=2000");
    let raw = web_sys::WebSocket::new(&url).unwrap();
    let raw_outcome = exception_name(raw.send_with_str("early"));
    let _ = raw.close();
    let ours = WebSocket::open(&url).unwrap();
    let ours_outcome = error_name(ours.send_text("early"));
    report(
        "`send()` while CONNECTING",
        &raw_outcome,
        &ours_outcome,
        "InvalidStateError",
        None,
    );
}

#[wasm_bindgen_test]
async fn send_after_close() {
    // The standard drops the data without an exception (and counts it in bufferedAmount);
    // wasm-ws counts it too but tells the caller: documented on `WebSocket::send_text`.
    let raw = outcome::open_raw(&endpoint("echo")).await;
    raw.close().unwrap();
    let raw_outcome = format!(
        "{}, bufferedAmount +{}",
        exception_name(raw.send_with_str("late!")),
        raw.buffered_amount()
    );
    let ours = WebSocket::open(&endpoint("echo")).unwrap();
    ours.opened().await.unwrap();
    ours.close();
    let ours_outcome = format!(
        "{}, bufferedAmount +{}",
        error_name(ours.send_text("late!")),
        ours.buffered_amount()
    );
    report(
        "`send()` after `close()`",
        &raw_outcome,
        &ours_outcome,
        "no exception, bufferedAmount +5",
        Some("Error::Closed, bufferedAmount +5"),
    );
}

#[wasm_bindgen_test]
async fn close_while_connecting() {
    let url = endpoint("delay?ms=2000");
    let raw = outcome::record_raw(web_sys::WebSocket::new(&url).unwrap());
    raw.socket.close().unwrap();
    let raw_outcome = raw.until_settled().await;
    let ours = outcome::record_wasm_ws(WebSocket::open(&url).unwrap());
    ours.socket.close();
    let ours_outcome = ours.until_settled().await;
    report(
        "`close()` while CONNECTING",
        &raw_outcome,
        &ours_outcome,
        FAILED,
        None,
    );
}

#[wasm_bindgen_test]
async fn close_without_a_code() {
    let raw = outcome::record_raw(outcome::open_raw(&endpoint("echo")).await);
    raw.socket.close().unwrap();
    let raw_outcome = raw.until_settled().await;
    let socket = WebSocket::open(&endpoint("echo")).unwrap();
    socket.opened().await.unwrap();
    let ours = outcome::record_wasm_ws(socket);
    ours.socket.close();
    let ours_outcome = ours.until_settled().await;
    report(
        "`close()` without a code, once open",
        &raw_outcome,
        &ours_outcome,
        "close 1005 clean",
        None,
    );
}

#[wasm_bindgen_test]
fn initial_attributes() {
    let url = endpoint("delay?ms=2000");
    let raw = web_sys::WebSocket::new(&url).unwrap();
    let binary = match raw.binary_type() {
        web_sys::BinaryType::Blob => "blob",
        _ => "arraybuffer",
    };
    let raw_outcome = format!(
        "readyState {}, binaryType {binary}, protocol {:?}, extensions {:?}",
        raw.ready_state(),
        raw.protocol(),
        raw.extensions()
    );
    let _ = raw.close();
    let ours = WebSocket::open(&url).unwrap();
    let ours_outcome = format!(
        "readyState {}, binaryType {}, protocol {:?}, extensions {:?}",
        ours.ready_state() as u16,
        ours.binary_type().as_str(),
        ours.protocol(),
        ours.extensions()
    );
    report(
        "attributes before open",
        &raw_outcome,
        &ours_outcome,
        "readyState 0, binaryType blob, protocol \"\", extensions \"\"",
        None,
    );
}

fn error_name(result: Result<(), Error>) -> String {
    match result {
        Ok(()) => NO_EXCEPTION.into(),
        Err(Error::Closed(_)) => "Error::Closed".into(),
        Err(error) => error
            .dom_exception_name()
            .map_or_else(|| error.to_string(), str::to_owned),
    }
}
