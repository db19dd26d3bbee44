//! `WebSocketConsole` rendered in a real browser against the real wasm-ws-server: type, send,
//! see the echo, close, see CLOSED. The server address comes from `WASM_WS_TEST_SERVER` at
//! compile time, as in wasm-ws's browser tests.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wasm_ws_test_support::{endpoint, wait_for_dom, GREETING};
use wasm_ws_yew::{WebSocketConsole, WebSocketConsoleProps};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Renders a console into a fresh element of the test page.
fn render(props: WebSocketConsoleProps) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<WebSocketConsole>::with_root_and_props(root.clone(), props).render();
    root
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn state(root: &Element) -> String {
    find(root, ".wsc-state")
        .and_then(|state| state.text_content())
        .unwrap_or_default()
}

fn received(root: &Element) -> Vec<String> {
    let lines = root.query_selector_all(".wsc-received").unwrap();
    (0..lines.length())
        .filter_map(|i| lines.item(i)?.text_content())
        .collect()
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn type_send_see_the_echo_then_close() {
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("test")
    }));
    wait_for_dom(&root, "OPEN", || state(&root) == "OPEN").await;
    wait_for_dom(&root, "the greeting", || {
        received(&root).first().map(String::as_str) == Some(GREETING)
    })
    .await;

    let textarea: HtmlTextAreaElement = find(&root, ".wsc-input").unwrap().unchecked_into();
    textarea.set_value("hello from the console test ✓");
    click(&root, ".wsc-send");
    wait_for_dom(&root, "the echo", || {
        received(&root)
            .iter()
            .any(|line| line == "hello from the console test ✓")
    })
    .await;
    assert_eq!(textarea.value(), "", "a sent message clears the textarea");

    click(&root, ".wsc-close");
    wait_for_dom(&root, "CLOSED", || state(&root) == "CLOSED").await;
    let send: HtmlElement = find(&root, ".wsc-send").unwrap().unchecked_into();
    assert!(
        send.has_attribute("disabled"),
        "send is disabled once closed"
    );

    // No push arrives once the connection is closed: wait longer than the push interval.
    let count = received(&root).len();
    sleep(Duration::from_millis(1500)).await;
    assert_eq!(received(&root).len(), count);
}

#[wasm_bindgen_test]
async fn the_log_keeps_at_most_max_lines() {
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("test"),
        max_lines: 3
    }));
    wait_for_dom(&root, "OPEN", || state(&root) == "OPEN").await;
    let textarea: HtmlTextAreaElement = find(&root, ".wsc-input").unwrap().unchecked_into();
    for n in 0..5 {
        textarea.set_value(&format!("line {n}"));
        click(&root, ".wsc-send");
    }
    wait_for_dom(&root, "the last echo", || {
        received(&root).last().map(String::as_str) == Some("line 4")
    })
    .await;
    assert_eq!(root.query_selector_all(".wsc-line").unwrap().length(), 3);
    click(&root, ".wsc-close");
}

#[wasm_bindgen_test]
async fn an_invalid_url_is_shown_not_panicked_on() {
    let root = render(yew::props!(WebSocketConsoleProps {
        url: "ftp://127.0.0.1/"
    }));
    wait_for_dom(&root, "CLOSED", || state(&root) == "CLOSED").await;
    let error = find(&root, ".wsc-error")
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(error.starts_with("SyntaxError"), "{error}");
}
