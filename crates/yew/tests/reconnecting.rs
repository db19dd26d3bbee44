//! `use_reconnecting_websocket` in a real browser against the real server: a message sent
//! before the connection opens arrives once it does; a server that keeps closing is retried as
//! configured, then given up on, and `reconnect()` starts over.

use std::{cell::RefCell, rc::Rc, time::Duration};

use gloo_timers::future::sleep;
use wasm_bindgen_test::*;
use wasm_ws::Backoff;
use wasm_ws_yew::{
    use_reconnecting_websocket, ConnectionStatus, Message, ReconnectOptions, Sent,
    UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const SERVER: &str = match option_env!("WASM_WS_TEST_SERVER") {
    Some(server) => server,
    None => "ws://127.0.0.1:3000",
};

/// One mounted probe: its own options in, its own handle and messages out.
#[derive(Properties, Clone)]
struct ProbeProps {
    url: AttrValue,
    options: UseReconnectingWebSocketOptions,
    handle: Rc<RefCell<Option<UseReconnectingWebSocketHandle>>>,
}

impl PartialEq for ProbeProps {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url && Rc::ptr_eq(&self.handle, &other.handle)
    }
}

#[function_component]
fn Probe(props: &ProbeProps) -> Html {
    let handle = use_reconnecting_websocket(&props.url, props.options.clone());
    *props.handle.borrow_mut() = Some(handle.clone());
    html! { <p>{ format!("{:?}", handle.status) }</p> }
}

struct Mounted {
    app: yew::AppHandle<Probe>,
    handle: Rc<RefCell<Option<UseReconnectingWebSocketHandle>>>,
    received: Rc<RefCell<Vec<String>>>,
}

impl Mounted {
    /// The hook's handle as of the latest render.
    fn handle(&self) -> UseReconnectingWebSocketHandle {
        self.handle.borrow().clone().expect("rendered")
    }

    fn rendered(&self) -> bool {
        self.handle.borrow().is_some()
    }
}

async fn mount(url: String, reconnect: ReconnectOptions) -> Mounted {
    let received = Rc::new(RefCell::new(Vec::new()));
    let sink = received.clone();
    let on_message = Callback::from(move |message: Message| {
        if let Message::Text(text) = message {
            sink.borrow_mut().push(text);
        }
    });
    let handle = Rc::new(RefCell::new(None));
    let props = ProbeProps {
        url: url.into(),
        options: UseReconnectingWebSocketOptions {
            reconnect,
            on_message: Some(on_message),
            on_event: None,
        },
        handle: handle.clone(),
    };
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<Probe>::with_root_and_props(root, props).render();
    let mounted = Mounted {
        app,
        handle,
        received,
    };
    wait_for("the first render", || mounted.rendered()).await;
    mounted
}

async fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..250 {
        if condition() {
            return;
        }
        sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[wasm_bindgen_test]
async fn a_message_sent_before_open_arrives_once_open() {
    // The handshake waits 300 ms: the socket is surely still connecting when we send.
    let probe = mount(
        format!("{SERVER}/websocket/delay?ms=300"),
        ReconnectOptions::default(),
    )
    .await;
    assert_eq!(
        probe.handle().send(Message::from("sent early")),
        Ok(Sent::Queued)
    );
    wait_for("the echo", || {
        probe.received.borrow().contains(&"sent early".to_owned())
    })
    .await;
    assert_eq!(probe.handle().status, ConnectionStatus::Open);
    assert_eq!(probe.handle().queued_len(), 0);
    probe.handle().close();
    wait_for("closed", || {
        probe.handle().status == ConnectionStatus::Closed
    })
    .await;
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn a_server_that_keeps_closing_is_retried_then_given_up_on() {
    let reconnect = ReconnectOptions {
        backoff: Backoff {
            initial: Duration::from_millis(50),
            max: Duration::from_millis(200),
            factor: 2.0,
            jitter: 0.0,
        },
        max_attempts: Some(2),
        min_uptime: Duration::from_secs(60),
        ..ReconnectOptions::default()
    };
    let probe = mount(format!("{SERVER}/websocket/close?code=4001"), reconnect).await;
    let mut seen = Vec::new();
    wait_for("giving up", || {
        let status = probe.handle().status;
        if seen.last() != Some(&status) {
            seen.push(status);
        }
        status == ConnectionStatus::GaveUp
    })
    .await;
    assert!(
        seen.iter()
            .any(|status| matches!(status, ConnectionStatus::Reconnecting { attempt: 2, .. })),
        "{seen:?}"
    );
    probe.handle().reconnect();
    wait_for("connecting again", || {
        probe.handle().status != ConnectionStatus::GaveUp
    })
    .await;
    probe.handle().close();
    probe.app.destroy();
}
