//! `use_websocket` at parity, in a real browser against the real server: `enabled: false` opens
//! nothing until `open()`; `open()` after `close()` connects again; `reconnect()` replaces the
//! socket; a URL function is called at each opening; a new URL function and a new callback are
//! used from the next render on without reconnecting; changed protocols make a new socket and a
//! changed binary type applies to the live one.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc};

use futures_channel::mpsc::{self, UnboundedSender};
use wasm_bindgen_test::*;
use wasm_ws_client::{BinaryType, Message, ReadyState};
use wasm_ws_test_support::{
    count_sockets, endpoint, new_root, next_within, sockets_created, text_of, wait_for_dom, Slot,
    PATIENCE,
};
use wasm_ws_yew::{use_websocket, UseWebSocketHandle, UseWebSocketOptions, WebSocketUrl};
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, Clone, PartialEq)]
struct ProbeProps {
    url: WebSocketUrl,
    enabled: bool,
    protocols: Vec<String>,
    binary_type: BinaryType,
    on_message: Option<Callback<Message>>,
    /// Shown on the page, so that a test can tell when new props have been rendered.
    label: AttrValue,
    handle: Slot<UseWebSocketHandle>,
}

#[function_component]
fn Probe(props: &ProbeProps) -> Html {
    let handle = use_websocket(
        props.url.clone(),
        UseWebSocketOptions {
            enabled: props.enabled,
            protocols: props.protocols.clone(),
            binary_type: props.binary_type,
            on_message: props.on_message.clone(),
            ..Default::default()
        },
    );
    props.handle.put(handle.clone());
    // Every socket the handle has held gets a number, shown, so that a test waiting for a new
    // socket sees the DOM change even when the new one is already open at its first render.
    let seen = use_mut_ref(|| (None::<web_sys::WebSocket>, 0_u32));
    let sockets = {
        let mut seen = seen.borrow_mut();
        if let Some(socket) = handle.socket() {
            if seen.0.as_ref() != Some(socket.as_raw()) {
                *seen = (Some(socket.as_raw().clone()), seen.1 + 1);
            }
        }
        seen.1
    };
    html! {
        <>
            <p class="state">{ handle.ready_state.name() }</p>
            <p class="sockets">{ sockets }</p>
            <p class="binary">{ props.binary_type.as_str() }</p>
            <p class="label">{ props.label.clone() }</p>
        </>
    }
}

struct Mounted {
    app: yew::AppHandle<Probe>,
    root: Element,
    props: ProbeProps,
}

impl Mounted {
    fn handle(&self) -> UseWebSocketHandle {
        self.props.handle.get()
    }

    fn shown(&self, selector: &str) -> String {
        text_of(&self.root, selector)
    }

    async fn wait_for(&self, state: ReadyState) {
        let name = state.name();
        wait_for_dom(&self.root, name, || self.shown(".state") == name).await;
    }

    /// Waits until the handle has held `count` sockets or more in all (a socket replaced before
    /// any render showed it is not counted).
    async fn wait_for_sockets(&self, count: u32) {
        wait_for_dom(&self.root, &format!("socket number {count}"), || {
            self.shown(".sockets")
                .parse::<u32>()
                .is_ok_and(|shown| shown >= count)
        })
        .await;
    }

    fn update(&mut self, change: impl FnOnce(&mut ProbeProps)) {
        change(&mut self.props);
        self.app.update(self.props.clone());
    }
}

fn mount(url: WebSocketUrl, enabled: bool) -> Mounted {
    let root = new_root();
    let props = ProbeProps {
        url,
        enabled,
        protocols: Vec::new(),
        binary_type: BinaryType::ArrayBuffer,
        on_message: None,
        label: AttrValue::default(),
        handle: Slot::default(),
    };
    let app = yew::Renderer::<Probe>::with_root_and_props(root.clone(), props.clone()).render();
    Mounted { app, root, props }
}

#[wasm_bindgen_test]
async fn disabled_opens_nothing_until_open_and_open_after_close_connects_again() {
    count_sockets();
    let probe = mount(endpoint("echo").into(), false);
    probe.wait_for(ReadyState::Closed).await;
    assert_eq!(sockets_created(), 0, "enabled: false opens nothing");
    assert!(probe.handle().socket().is_none());

    probe.handle().open();
    probe.wait_for(ReadyState::Open).await;
    assert_eq!(sockets_created(), 1);
    probe.handle().open();
    assert_eq!(sockets_created(), 1, "open() leaves a live socket alone");

    probe.handle().close();
    probe.wait_for(ReadyState::Closed).await;
    probe.handle().open();
    probe.wait_for(ReadyState::Open).await;
    assert_eq!(sockets_created(), 2, "open() after close() connects again");

    let before = probe.handle().socket().unwrap();
    probe.handle().reconnect();
    probe.wait_for_sockets(3).await;
    assert_ne!(probe.handle().socket().unwrap().as_raw(), before.as_raw());
    assert_ne!(
        before.ready_state(),
        ReadyState::Open,
        "the old socket is closed"
    );
    assert_eq!(sockets_created(), 3);
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn a_url_function_is_called_at_each_opening() {
    let calls = Rc::new(Cell::new(0));
    let counted = calls.clone();
    let url = WebSocketUrl::from_fn(move || {
        counted.set(counted.get() + 1);
        endpoint(&format!("echo?token={}", counted.get()))
    });
    let probe = mount(url, true);
    probe.wait_for(ReadyState::Open).await;
    assert!(probe.handle().socket().unwrap().url().ends_with("token=1"));
    probe.handle().reconnect();
    probe.wait_for_sockets(2).await;
    assert_eq!(calls.get(), 2);
    probe.wait_for(ReadyState::Open).await;
    assert!(probe.handle().socket().unwrap().url().ends_with("token=2"));
    probe.app.destroy();
}

/// A callback that passes every message to a channel.
fn forward(sender: UnboundedSender<Message>) -> Callback<Message> {
    Callback::from(move |message| {
        let _ = sender.unbounded_send(message);
    })
}

#[wasm_bindgen_test]
async fn a_new_url_function_and_a_new_callback_are_used_without_reconnecting() {
    count_sockets();
    let (to_first, mut first) = mpsc::unbounded();
    let (to_second, mut second) = mpsc::unbounded();
    let mut probe = mount(WebSocketUrl::from_fn(|| endpoint("echo?url=first")), true);
    probe.update(|props| props.on_message = Some(forward(to_first)));
    probe.wait_for(ReadyState::Open).await;
    probe.handle().send(&Message::from("one")).unwrap();
    assert_eq!(
        next_within(&mut first, PATIENCE, "the first echo").await,
        Message::from("one")
    );

    let socket = probe.handle().socket().unwrap();
    probe.update(|props| {
        props.url = WebSocketUrl::from_fn(|| endpoint("echo?url=second"));
        props.on_message = Some(forward(to_second));
        props.label = "second".into();
    });
    wait_for_dom(&probe.root, "the new props rendered", || {
        probe.shown(".label") == "second"
    })
    .await;
    assert_eq!(
        probe.handle().socket().unwrap().as_raw(),
        socket.as_raw(),
        "a new function does not reconnect by itself"
    );
    probe.handle().send(&Message::from("two")).unwrap();
    assert_eq!(
        next_within(&mut second, PATIENCE, "the echo, to the new callback").await,
        Message::from("two")
    );
    assert!(
        first.try_recv().is_err(),
        "nothing more to the old callback"
    );

    probe.handle().reconnect();
    probe.wait_for_sockets(2).await;
    assert_ne!(probe.handle().socket().unwrap().as_raw(), socket.as_raw());
    assert!(
        probe
            .handle()
            .socket()
            .unwrap()
            .url()
            .ends_with("url=second"),
        "the next opening calls the new function"
    );
    assert_eq!(sockets_created(), 2);
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn changed_protocols_reconnect_and_a_changed_binary_type_applies_at_once() {
    let mut probe = mount(endpoint("echo").into(), true);
    probe.wait_for(ReadyState::Open).await;
    let first = probe.handle().socket().unwrap();
    assert_eq!(first.protocol(), "");

    probe.update(|props| props.binary_type = BinaryType::Blob);
    // Once the new props are rendered, the effects that follow the render have run.
    wait_for_dom(&probe.root, "the new props rendered", || {
        probe.shown(".binary") == "blob"
    })
    .await;
    assert_eq!(
        first.binary_type(),
        BinaryType::Blob,
        "applied to the live socket"
    );
    assert_eq!(
        probe.handle().socket().unwrap().as_raw(),
        first.as_raw(),
        "same socket"
    );

    probe.update(|props| props.protocols = vec!["echo".into()]);
    probe.wait_for_sockets(2).await;
    assert_ne!(probe.handle().socket().unwrap().as_raw(), first.as_raw());
    probe.wait_for(ReadyState::Open).await;
    assert_eq!(probe.handle().socket().unwrap().protocol(), "echo");
    probe.app.destroy();
}
