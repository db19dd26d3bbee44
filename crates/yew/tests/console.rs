//! `WebSocketConsole` rendered in a real browser against the real wasm-ws-server: type, send,
//! see the echo, close, see CLOSED. The server address comes from `WASM_WS_TEST_SERVER` at
//! compile time, as in wasm-ws's browser tests.
//!
//! Why one file of this length: one browser test binary (one build, one page) of short,
//! independent tests of the console's behaviour.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc, time::Duration};

use futures_util::StreamExt;
use wasm_bindgen::{closure::Closure, JsCast};
use wasm_bindgen_test::*;
use wasm_ws_test_support::{
    endpoint, new_root, next_within, text_of, wait_for_dom, wait_for_dom_explained,
    wait_for_dom_within, within, Slot, GREETING, PATIENCE,
};
use wasm_ws_yew::{
    use_websocket_context, ConsoleIds, ConsoleLabels, ConsoleLine, LineKind, Message,
    ReconnectOptions, UseReconnectingWebSocketHandle, WebSocketConsole, WebSocketConsoleProps,
    WebSocketProvider, WebSocketUrl,
};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::{function_component, html, Callback, Html, Properties};

wasm_bindgen_test_configure!(run_in_browser);

/// Renders a console into a fresh element of the test page.
fn render(props: WebSocketConsoleProps) -> Element {
    let root = new_root();
    yew::Renderer::<WebSocketConsole>::with_root_and_props(root.clone(), props).render();
    root
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn state(root: &Element) -> String {
    text_of(root, ".wsc-state")
}

fn received(root: &Element) -> Vec<String> {
    texts(root, ".wsc-received")
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let lines = root.query_selector_all(selector).unwrap();
    (0..lines.length())
        .filter_map(|i| lines.item(i)?.text_content())
        .collect()
}

fn type_and_send(root: &Element, text: &str) {
    let textarea: HtmlTextAreaElement = find(root, ".wsc-input").unwrap().unchecked_into();
    textarea.set_value(text);
    click(root, ".wsc-send");
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

    // No push arrives once the connection is closed. Proof that a push interval went by: a
    // socket of the test's own, to the same endpoint, receives its greeting and two pushes.
    let count = received(&root).len();
    let witness = wasm_ws_client::WebSocket::open(&endpoint("test")).unwrap();
    let mut heard = witness.stream();
    for what in ["the greeting", "a push", "another push"] {
        next_within(&mut heard, Duration::from_secs(5), what).await;
    }
    witness.close();
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

#[wasm_bindgen_test]
async fn closed_it_opens_again_and_sent_lines_are_told_from_received_ones() {
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("echo")
    }));
    wait_for_dom(&root, "OPEN", || state(&root) == "OPEN").await;
    type_and_send(&root, "first");
    wait_for_dom(&root, "the echo", || received(&root) == ["first"]).await;
    assert_eq!(texts(&root, ".wsc-sent"), ["first"]);

    click(&root, ".wsc-close");
    wait_for_dom(&root, "an open button", || {
        find(&root, ".wsc-open").is_some()
    })
    .await;
    assert_eq!(state(&root), "CLOSED");
    click(&root, ".wsc-open");
    wait_for_dom(&root, "OPEN again", || state(&root) == "OPEN").await;
    type_and_send(&root, "second");
    wait_for_dom(&root, "the second echo", || {
        received(&root) == ["first", "second"]
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_reconnecting_mode_shows_the_queue_and_reconnects_on_demand() {
    let reconnect = ReconnectOptions::default();
    // The handshake waits 500 ms: messages sent meanwhile are queued, and shown as such; the
    // sent line comes when the message goes out, once open.
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("delay?ms=500"),
        reconnect: Some(reconnect),
    }));
    wait_for_dom(&root, "the first render", || {
        find(&root, ".wsc-input").is_some()
    })
    .await;
    type_and_send(&root, "early");
    wait_for_dom(&root, "one queued", || {
        texts(&root, ".wsc-queued") == ["1 queued"]
    })
    .await;
    assert_eq!(texts(&root, ".wsc-info"), ["early (queued)"]);
    assert_eq!(texts(&root, ".wsc-sent"), Vec::<String>::new());
    wait_for_dom(&root, "the queued message's echo", || {
        received(&root) == ["early"]
    })
    .await;
    assert_eq!(texts(&root, ".wsc-sent"), ["early"], "sent once open");
    assert!(find(&root, ".wsc-queued").is_none(), "the queue drained");

    click(&root, ".wsc-reconnect");
    wait_for_dom(&root, "a second open", || {
        texts(&root, ".wsc-info")
            .iter()
            .filter(|line| *line == "connection open")
            .count()
            == 2
    })
    .await;
}

#[wasm_bindgen_test]
async fn with_own_sends_only_a_queued_send_is_a_sent_line_that_carries_its_message() {
    // The handshake waits 500 ms: a message sent meanwhile is queued.
    let render_line = Callback::from(|line: ConsoleLine| {
        let message = line
            .message
            .as_ref()
            .and_then(Message::as_text)
            .unwrap_or("none");
        html! { <b class="custom">{ format!("{:?} {} / {message}", line.kind, line.text) }</b> }
    });
    // The URL function says when the connection is being made: from then on it queues what
    // is sent while it connects.
    let (attempt, mut attempts) = futures_channel::mpsc::unbounded();
    let url = WebSocketUrl::from_fn(move || {
        let _ = attempt.unbounded_send(());
        endpoint("delay?ms=500")
    });
    let root = render(yew::props!(WebSocketConsoleProps {
        url: url,
        reconnect: Some(ReconnectOptions::default()),
        own_sends_only: true,
        render_line: render_line,
    }));
    next_within(&mut attempts, PATIENCE, "the first attempt").await;
    type_and_send(&root, "early");
    wait_for_dom(&root, "the queued line", || {
        texts(&root, ".custom").contains(&"Sent early (queued) / early".to_owned())
    })
    .await;
}

#[wasm_bindgen_test]
async fn labels_ids_classes_and_a_line_renderer_customise_it() {
    let render_line = Callback::from(|line: ConsoleLine| {
        let kind = match line.kind {
            LineKind::Received => "in",
            LineKind::Sent => "out",
            _ => "note",
        };
        html! { <span class={format!("custom-{kind}")}>{ line.text }</span> }
    });
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let passed = seen.clone();
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("echo"),
        class: "dark",
        labels: ConsoleLabels {
            send: "发送".into(),
            ..ConsoleLabels::default()
        },
        ids: ConsoleIds::tutorial(),
        render_line: render_line,
        on_message: Callback::from(move |message: Message| passed.borrow_mut().push(message)),
    }));
    wait_for_dom(&root, "OPEN", || state(&root) == "OPEN").await;
    assert!(find(&root, ".wsc.dark").is_some());
    assert_eq!(texts(&root, "#send-btn"), ["发送"]);
    for id in ["#exit", "#msg-need-send", "#receive-box"] {
        assert!(find(&root, id).is_some(), "{id}");
    }
    type_and_send(&root, "custom");
    wait_for_dom(&root, "the echo, rendered by the renderer", || {
        texts(&root, ".custom-in") == ["custom"]
    })
    .await;
    assert_eq!(texts(&root, ".custom-out"), ["custom"]);
    assert_eq!(*seen.borrow(), [Message::from("custom")], "passed on");
}

#[wasm_bindgen_test]
async fn the_log_follows_the_newest_line_only_while_the_reader_is_at_the_bottom() {
    // Counted as they arrive: the log shows only the lines in view.
    let echoes = Rc::new(Cell::new(0));
    let counted = echoes.clone();
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("echo"),
        on_message: Callback::from(move |_: Message| counted.set(counted.get() + 1)),
    }));
    wait_for_dom(&root, "OPEN", || state(&root) == "OPEN").await;
    let log: HtmlElement = find(&root, ".wsc-log").unwrap().unchecked_into();
    for n in 0..40 {
        type_and_send(&root, &format!("line {n}"));
    }
    wait_for_dom(&root, "forty echoes, the last in view", || {
        echoes.get() == 40 && received(&root).last().map(String::as_str) == Some("line 39")
    })
    .await;
    assert!(
        log.scroll_height() > log.client_height(),
        "the log scrolls (its default height)"
    );
    until_at_bottom(&log, "it followed the newest line").await;

    // The reader scrolls up: new lines do not pull the view back down.
    log.set_scroll_top(0);
    wait_for_dom(&root, "the first line", || {
        texts(&root, ".wsc-line").first().map(String::as_str) == Some("connection open")
    })
    .await;
    let before = padding(&root);
    type_and_send(&root, "while reading");
    // The echo's render: two more lines below, out of view, make the lower padding grow.
    wait_for_dom(&root, "the echo rendered", || {
        echoes.get() == 41 && padding(&root) != before
    })
    .await;
    next_frame().await;
    next_frame().await;
    assert_eq!(log.scroll_top(), 0, "the reader was left where they were");

    // Back at the bottom, it follows again.
    log.set_scroll_top(log.scroll_height());
    until_at_bottom(&log, "the reader is back at the bottom").await;
    type_and_send(&root, "back");
    wait_for_dom(&root, "the echo, in view", || {
        echoes.get() == 42 && received(&root).last().map(String::as_str) == Some("back")
    })
    .await;
    until_at_bottom(&log, "it follows again").await;
}

#[derive(Properties, Clone, PartialEq)]
struct HiddenProps {
    reconnect: ReconnectOptions,
}

/// A console in a hidden box (`display: none`, as a closed tab is): every size in it reads 0.
#[function_component]
fn Hidden(props: &HiddenProps) -> Html {
    html! {
        <div class="tab" hidden=true>
            <WebSocketConsole url={endpoint("echo")} reconnect={props.reconnect.clone()} />
        </div>
    }
}

#[wasm_bindgen_test]
async fn a_log_shown_after_being_hidden_shows_its_newest_line() {
    let root = new_root();
    yew::Renderer::<Hidden>::with_root_and_props(
        root.clone(),
        HiddenProps {
            reconnect: numbered(200),
        },
    )
    .render();
    // 401 lines, kept while hidden.
    wait_for_dom(&root, "the last echo", || {
        received(&root).last().map(String::as_str) == Some("n199")
    })
    .await;
    let log: HtmlElement = find(&root, ".wsc-log").unwrap().unchecked_into();
    assert_eq!(log.client_height(), 0, "hidden");
    find(&root, ".tab")
        .unwrap()
        .remove_attribute("hidden")
        .unwrap();
    until_at_bottom(&log, "the newest line in view once shown").await;
    let newest = root
        .query_selector_all(".wsc-received")
        .unwrap()
        .item(received(&root).len() as u32 - 1)
        .unwrap()
        .unchecked_into::<Element>()
        .get_bounding_client_rect();
    let shown = log.get_bounding_client_rect();
    assert!(
        newest.top() >= shown.top() && newest.bottom() <= shown.bottom() + 1.0,
        "the newest line ({}..{}) is inside the log ({}..{})",
        newest.top(),
        newest.bottom(),
        shown.top(),
        shown.bottom()
    );
}

/// `count` numbered messages (`n0`, `n1`...), said on open to the echo endpoint: the log gets
/// "connection open", their sent lines, then their echoes.
fn numbered(count: u32) -> ReconnectOptions {
    ReconnectOptions {
        hello: Some(Rc::new(move || {
            (0..count).map(|n| Message::from(format!("n{n}"))).collect()
        })),
        ..ReconnectOptions::default()
    }
}

fn line_count(root: &Element) -> u32 {
    root.query_selector_all(".wsc-line").unwrap().length()
}

#[wasm_bindgen_test]
async fn a_long_log_renders_only_the_lines_in_view_and_scrolls_through_them_all() {
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("echo"),
        max_lines: 10_000,
        reconnect: numbered(2_500),
    }));
    log_in_view(&root, "n2499").await;
    let log: HtmlElement = find(&root, ".wsc-log").unwrap().unchecked_into();
    // 5,001 lines are kept; a screen's worth is rendered, and the log is as tall as all of them.
    let rendered = line_count(&root);
    assert!(rendered < 100, "{rendered} lines rendered of 5001");
    // As tall as all of them, to a line's height in a hundred (as the 100,000-line test
    // measures it).
    let lines = root.query_selector_all(".wsc-line").unwrap();
    let top = |i: u32| {
        let line: Element = lines.item(i).unwrap().unchecked_into();
        line.get_bounding_client_rect().top()
    };
    let pitch = top(lines.length() - 1) - top(lines.length() - 2);
    let kept = f64::from(log.scroll_height()) / pitch;
    assert!(
        (kept - 5_001.0).abs() < 50.0,
        "the log scrolls over every kept line: {kept} lines' height ({pitch} px a line)"
    );

    // Once it has followed to the bottom: the top shows the first kept lines; the middle,
    // neither the first nor the last.
    until_at_bottom(&log, "it followed the newest line").await;
    log.set_scroll_top(0);
    wait_for_dom(&root, "the first lines", || {
        first_two(&root, ".wsc-line") == ["connection open", "n0"]
    })
    .await;
    log.set_scroll_top(log.scroll_height() / 2);
    wait_for_dom(&root, "lines from the middle", || {
        let shown = texts(&root, ".wsc-line");
        !shown.is_empty()
            && !shown.iter().any(|line| line == "connection open")
            && received(&root).last().map(String::as_str) != Some("n2499")
    })
    .await;
    assert!(line_count(&root) < 100, "still a screen's worth");

    // Back at the bottom, the newest line shows, and the log follows it again.
    log.set_scroll_top(log.scroll_height());
    log_in_view(&root, "n2499").await;
    type_and_send(&root, "after");
    log_in_view(&root, "after").await;
    until_at_bottom(&log, "it follows again").await;
}

#[wasm_bindgen_test]
async fn a_line_renderer_renders_only_the_lines_in_view_too() {
    let render_line = Callback::from(|line: ConsoleLine| {
        let class = if line.kind == LineKind::Received {
            "in"
        } else {
            "other"
        };
        html! { <b {class}>{ line.text }</b> }
    });
    // 801 lines, all kept.
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("echo"),
        reconnect: numbered(400),
        render_line: render_line,
        ids: ConsoleIds::tutorial(),
    }));
    wait_for_dom(&root, "the last echo", || {
        texts(&root, "#receive-box .wsc-entry .in")
            .last()
            .map(String::as_str)
            == Some("n399")
    })
    .await;
    let rendered = root.query_selector_all(".wsc-entry").unwrap().length();
    assert!(rendered < 100, "{rendered} of 801 lines rendered");
    let log: HtmlElement = find(&root, "#receive-box").unwrap().unchecked_into();
    // Scrolled up only once the console has followed (in WebKit, the test can see the lines
    // before the console's scroll to them).
    until_at_bottom(&log, "it followed the newest line").await;
    log.set_scroll_top(0);
    wait_for_dom(&root, "the first lines", || {
        first_two(&root, ".wsc-entry") == ["connection open", "n0"]
    })
    .await;
}

#[wasm_bindgen_test]
async fn max_lines_of_100000_keeps_every_line_and_renders_a_screen() {
    // With the open and close lines, exactly 100,000 lines.
    let received = Rc::new(Cell::new(0_u32));
    let counted = received.clone();
    let root = render(yew::props!(WebSocketConsoleProps {
        url: endpoint("flood?count=99998&size=16"),
        max_lines: 100_000,
        on_message: Callback::from(move |_: Message| counted.set(counted.get() + 1)),
    }));
    wait_for_dom_within(&root, Duration::from_secs(120), "the close line", || {
        texts(&root, ".wsc-info")
            .last()
            .is_some_and(|line| line.starts_with("connection closed"))
    })
    .await;
    assert_eq!(received.get(), 99_998, "every message came");
    let rendered = line_count(&root);
    assert!(rendered < 100, "{rendered} lines rendered of 100000");
    let log: HtmlElement = find(&root, ".wsc-log").unwrap().unchecked_into();
    until_at_bottom(&log, "it followed the newest line").await;
    // The log scrolls over all of them: its height is 100,000 lines' (the rendered ones, and
    // padding for the others).
    let lines = root.query_selector_all(".wsc-line").unwrap();
    let top = |i: u32| {
        let line: Element = lines.item(i).unwrap().unchecked_into();
        line.get_bounding_client_rect().top()
    };
    let pitch = top(lines.length() - 1) - top(lines.length() - 2);
    let kept = f64::from(log.scroll_height()) / pitch;
    assert!(
        (kept - 100_000.0).abs() < 1_000.0,
        "{kept} lines' height ({pitch} px a line)"
    );
    log.set_scroll_top(0);
    wait_for_dom(&root, "the first line, none dropped", || {
        texts(&root, ".wsc-line").first().map(String::as_str) == Some("connection open")
    })
    .await;
    assert!(line_count(&root) < 100);
}

fn first_two(root: &Element, selector: &str) -> Vec<String> {
    texts(root, selector).into_iter().take(2).collect()
}

/// Waits until the last received line in view is `text`.
async fn log_in_view(root: &Element, text: &str) {
    wait_for_dom_explained(
        root,
        PATIENCE,
        text,
        || received(root).last().map(String::as_str) == Some(text),
        || log_state(root),
    )
    .await;
}

/// What the log shows and where it is scrolled, for a failure message: whether the lines did
/// not come, or came and were not followed.
fn log_state(root: &Element) -> String {
    let Some(log) = find(root, ".wsc-log") else {
        return "no log".into();
    };
    let lines = texts(root, ".wsc-line");
    format!(
        "state {:?}, {} lines rendered ({:?} to {:?}), {}",
        state(root),
        lines.len(),
        lines.first(),
        lines.last(),
        scrolled_to(&log)
    )
}

/// Where `log` is scrolled, for a failure message.
fn scrolled_to(log: &Element) -> String {
    format!(
        "the log scrolled to {} of {} ({} shown)",
        log.scroll_top(),
        log.scroll_height(),
        log.client_height()
    )
}

fn at_bottom(log: &HtmlElement) -> bool {
    log.scroll_top() + log.client_height() >= log.scroll_height() - 2
}

/// Waits, checking at each of the log's scroll events, until it shows its newest line.
async fn until_at_bottom(log: &HtmlElement, what: &str) {
    if at_bottom(log) {
        return;
    }
    let (scrolled, mut scrolls) = futures_channel::mpsc::unbounded::<()>();
    let listener = Closure::<dyn FnMut()>::new(move || {
        let _ = scrolled.unbounded_send(());
    });
    log.add_event_listener_with_callback("scroll", listener.as_ref().unchecked_ref())
        .unwrap();
    let met = within(PATIENCE, async {
        while scrolls.next().await.is_some() {
            if at_bottom(log) {
                return;
            }
        }
    })
    .await;
    log.remove_event_listener_with_callback("scroll", listener.as_ref().unchecked_ref())
        .unwrap();
    assert!(
        met.is_some(),
        "{what}: the log never reached its newest line ({})",
        scrolled_to(log)
    );
}

/// Waits for the browser's next animation frame: the first in which a scroll asked for by
/// the last render, smooth or not, would have moved the log.
async fn next_frame() {
    let (done, frame) = futures_channel::oneshot::channel::<()>();
    let _frame = gloo_render::request_animation_frame(move |_| {
        let _ = done.send(());
    });
    frame.await.unwrap();
}

/// The style of the box that holds the rendered lines: its padding stands for the others.
fn padding(root: &Element) -> String {
    find(root, ".wsc-log > div")
        .and_then(|inner| inner.get_attribute("style"))
        .unwrap_or_default()
}

#[derive(Properties, Clone, PartialEq)]
struct SharedPageProps {
    handle: Slot<UseReconnectingWebSocketHandle>,
}

/// Another component on the provider's connection: it hands its handle to the test.
#[function_component]
fn Elsewhere(props: &SharedPageProps) -> Html {
    props.handle.put(use_websocket_context());
    html! {}
}

#[function_component]
fn SharedPage(props: &SharedPageProps) -> Html {
    html! {
        <WebSocketProvider url={endpoint("echo")}>
            <Elsewhere handle={props.handle.clone()} />
            <div class="all"><WebSocketConsole /></div>
            <div class="own"><WebSocketConsole own_sends_only={true} /></div>
        </WebSocketProvider>
    }
}

#[wasm_bindgen_test]
async fn on_a_shared_connection_the_console_shows_what_every_component_sends() {
    let props = SharedPageProps {
        handle: Slot::default(),
    };
    let root = new_root();
    yew::Renderer::<SharedPage>::with_root_and_props(root.clone(), props.clone()).render();
    wait_for_dom(&root, "OPEN", || {
        texts(&root, ".all .wsc-state") == ["OPEN"]
    })
    .await;

    props
        .handle
        .get()
        .send(Message::from("from elsewhere"))
        .unwrap();
    wait_for_dom(&root, "the echo in both consoles", || {
        texts(&root, ".all .wsc-received") == ["from elsewhere"]
            && texts(&root, ".own .wsc-received") == ["from elsewhere"]
    })
    .await;
    assert_eq!(texts(&root, ".all .wsc-sent"), ["from elsewhere"]);
    assert_eq!(
        texts(&root, ".own .wsc-sent"),
        Vec::<String>::new(),
        "own sends only"
    );

    // What a console sends itself, it shows in both modes; the other console shows it too.
    let textarea: HtmlTextAreaElement = find(&root, ".own .wsc-input").unwrap().unchecked_into();
    textarea.set_value("from the console");
    click(&root, ".own .wsc-send");
    wait_for_dom(&root, "the sent line in both consoles", || {
        texts(&root, ".own .wsc-sent") == ["from the console"]
            && texts(&root, ".all .wsc-sent") == ["from elsewhere", "from the console"]
    })
    .await;
}
