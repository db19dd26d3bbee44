//! `use_reconnecting_websocket` in a real browser: against the real server, a message sent
//! before the connection opens arrives once it does, messages that change nothing the handle
//! shows do not re-render, and a new callback and a new reconnect predicate are used from the
//! next render on, without reconnecting; against the testing kit's fake server (logic only), a
//! server that keeps closing is retried as configured, then given up on, and `reconnect()`
//! starts over, and what awaits acknowledgement shows and survives a cut. The tests follow the
//! hook's events on a channel and its rendered status through the page, never by polling.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{rc::Rc, time::Duration};

use futures_channel::mpsc::{self, UnboundedReceiver};
use wasm_bindgen_test::*;
use wasm_ws_client::Backoff;
use wasm_ws_test_support::{
    endpoint, new_root, next_within, text_of, until, wait_for_dom, Slot, PATIENCE,
};
use wasm_ws_yew::{
    testing::FakeServer, use_reconnecting_websocket, ConnectionEvent, ConnectionStatus, Message,
    ReconnectOptions, Sent, UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
};
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One mounted probe: its own options in, its own handle out; it renders its status.
#[derive(Properties, Clone, PartialEq)]
struct ProbeProps {
    url: AttrValue,
    options: UseReconnectingWebSocketOptions,
    /// Shown on the page, so that a test can tell when new props have been rendered.
    label: AttrValue,
    handle: Slot<UseReconnectingWebSocketHandle>,
}

#[function_component]
fn Probe(props: &ProbeProps) -> Html {
    let handle = use_reconnecting_websocket(&props.url, props.options.clone());
    props.handle.put(handle.clone());
    let renders = use_mut_ref(|| 0u32);
    *renders.borrow_mut() += 1;
    html! {
        <>
            <p class="renders">{ *renders.borrow() }</p>
            <p class="status">{ format!("{:?}", handle.status) }</p>
            <p class="queued">{ handle.queued_len }</p>
            <p class="unacknowledged">{ handle.unacknowledged_len }</p>
            <p class="label">{ props.label.clone() }</p>
        </>
    }
}

struct Mounted {
    app: yew::AppHandle<Probe>,
    root: Element,
    props: ProbeProps,
    events: UnboundedReceiver<ConnectionEvent>,
}

impl Mounted {
    /// The hook's handle as of the latest render.
    fn handle(&self) -> UseReconnectingWebSocketHandle {
        self.props.handle.get()
    }

    /// Renders the probe again with changed props.
    fn update(&mut self, change: impl FnOnce(&mut ProbeProps)) {
        change(&mut self.props);
        self.app.update(self.props.clone());
    }

    fn rendered(&self, selector: &str) -> String {
        text_of(&self.root, selector)
    }

    /// Waits until the page shows `status`.
    async fn wait_for_status(&self, status: &ConnectionStatus) {
        let shown = format!("{status:?}");
        wait_for_dom(&self.root, &shown, || self.rendered(".status") == shown).await;
    }
}

async fn mount(url: String, reconnect: ReconnectOptions) -> Mounted {
    let (sender, events) = mpsc::unbounded();
    let on_event = Callback::from(move |event: ConnectionEvent| {
        let _ = sender.unbounded_send(event);
    });
    let props = ProbeProps {
        url: url.into(),
        options: UseReconnectingWebSocketOptions {
            reconnect,
            on_event: Some(on_event),
            ..Default::default()
        },
        label: AttrValue::default(),
        handle: Slot::default(),
    };
    let root = new_root();
    let app = yew::Renderer::<Probe>::with_root_and_props(root.clone(), props.clone()).render();
    let mounted = Mounted {
        app,
        root,
        props,
        events,
    };
    wait_for_dom(&mounted.root, "the first render", || {
        mounted.props.handle.is_filled()
    })
    .await;
    mounted
}

#[wasm_bindgen_test]
async fn a_message_sent_before_open_arrives_once_open() {
    // The handshake waits 300 ms: the socket is surely still connecting when we send.
    let mut probe = mount(endpoint("delay?ms=300"), ReconnectOptions::default()).await;
    assert_eq!(
        probe.handle().send(Message::from("sent early")),
        Ok(Sent::Queued)
    );
    // The queued length is state: the page shows it, and shows it drain.
    wait_for_dom(&probe.root, "one queued", || {
        probe.rendered(".queued") == "1"
    })
    .await;
    until(&mut probe.events, "the echo", |event| {
        *event == ConnectionEvent::Message(Message::from("sent early"))
    })
    .await;
    probe.wait_for_status(&ConnectionStatus::Open).await;
    wait_for_dom(&probe.root, "none queued", || {
        probe.rendered(".queued") == "0"
    })
    .await;
    assert_eq!(probe.handle().queued_len, 0);
    probe.handle().close();
    probe.wait_for_status(&ConnectionStatus::Closed).await;
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn messages_that_change_nothing_shown_do_not_re_render() {
    let mut probe = mount(endpoint("echo"), ReconnectOptions::default()).await;
    probe.wait_for_status(&ConnectionStatus::Open).await;
    let renders = |probe: &Mounted| probe.rendered(".renders").parse::<u32>().unwrap();
    let before = renders(&probe);
    // Sent and echoed: each event leaves the status, the lengths and the role as they were.
    for n in 0..10 {
        probe.handle().send(Message::from(format!("{n}"))).unwrap();
    }
    until(&mut probe.events, "the tenth echo", |event| {
        *event == ConnectionEvent::Message(Message::from("9"))
    })
    .await;
    // One render that is asked for, and shown: any render a message asked for came first.
    probe.update(|props| props.label = "relabelled".into());
    wait_for_dom(&probe.root, "the new label", || {
        probe.rendered(".label") == "relabelled"
    })
    .await;
    assert_eq!(renders(&probe), before + 1);
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn a_new_callback_and_a_new_predicate_are_used_without_reconnecting() {
    let mut probe = mount(endpoint("echo"), ReconnectOptions::default()).await;
    probe.wait_for_status(&ConnectionStatus::Open).await;
    let socket = probe.handle().socket().unwrap();
    let (to_messages, mut messages) = mpsc::unbounded();
    probe.update(|props| {
        props.options.on_message = Some(Callback::from(move |message| {
            let _ = to_messages.unbounded_send(message);
        }));
        props.options.reconnect.should_reconnect = Rc::new(|_| false);
        props.label = "updated".into();
    });
    wait_for_dom(&probe.root, "the new props rendered", || {
        probe.rendered(".label") == "updated"
    })
    .await;
    assert_eq!(
        probe.handle().socket().unwrap().as_raw(),
        socket.as_raw(),
        "new closures do not reconnect by themselves"
    );
    assert_eq!(probe.handle().send(Message::from("hello")), Ok(Sent::Now));
    assert_eq!(
        next_within(&mut messages, PATIENCE, "the echo, to the new callback").await,
        Message::from("hello")
    );

    // A close the connection did not ask for: the new predicate declines to reconnect.
    socket.close_with(4000, "").unwrap();
    until(&mut probe.events, "the close", |event| {
        matches!(event, ConnectionEvent::Closed(_))
    })
    .await;
    assert!(
        probe.events.try_recv().is_err(),
        "no reconnection follows the close"
    );
    probe.wait_for_status(&ConnectionStatus::Closed).await;
    probe.app.destroy();
}

// The hook's own logic needs no server: these two run against the testing kit's fake server,
// with its virtual clock (cargo feature `testing`).

#[wasm_bindgen_test]
async fn a_server_that_keeps_closing_is_retried_then_given_up_on() {
    let server = FakeServer::new();
    let reconnect = ReconnectOptions {
        backoff: Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(4),
            factor: 2.0,
            jitter: 0.0,
        },
        max_attempts: Some(2),
        min_uptime: Duration::from_secs(60),
        ..ReconnectOptions::default()
    };
    let mut probe = mount(server.url(), reconnect).await;
    for wait in [0, 1, 2] {
        server.advance(Duration::from_secs(wait)).await;
        server.accept().await.close(4001, "go away");
    }
    until(&mut probe.events, "the second reconnection", |event| {
        matches!(event, ConnectionEvent::Reconnecting { attempt: 2, .. })
    })
    .await;
    until(&mut probe.events, "giving up", |event| {
        matches!(event, ConnectionEvent::GaveUp { attempts: 2 })
    })
    .await;
    probe
        .wait_for_status(&ConnectionStatus::GaveUp { attempts: 2 })
        .await;
    assert_eq!(server.connections(), 3, "the first, and two more");

    probe.handle().reconnect();
    until(&mut probe.events, "connecting again", |event| {
        *event == ConnectionEvent::Connecting { attempt: 0 }
    })
    .await;
    probe.handle().close();
    until(&mut probe.events, "the last close", |event| {
        matches!(event, ConnectionEvent::Closed(_))
    })
    .await;
    probe.wait_for_status(&ConnectionStatus::Closed).await;
    probe.app.destroy();
}

#[wasm_bindgen_test]
async fn acknowledgements_show_what_awaits_one_and_survive_a_cut() {
    let server = FakeServer::new();
    let reconnect = ReconnectOptions {
        acknowledge: Some(Rc::new(|incoming: &Message, sent: &Message| {
            incoming == sent
        })),
        backoff: Backoff::constant(Duration::from_secs(1)),
        ..ReconnectOptions::default()
    };
    let mut probe = mount(server.url(), reconnect).await;
    let mut socket = server.accept().await;
    probe.wait_for_status(&ConnectionStatus::Open).await;
    // The server takes the message and says nothing: it awaits its acknowledgement.
    assert_eq!(probe.handle().send(Message::from("kept")), Ok(Sent::Now));
    assert_eq!(socket.next_text().await, "kept");
    wait_for_dom(&probe.root, "one unacknowledged", || {
        probe.rendered(".unacknowledged") == "1"
    })
    .await;
    socket.drop_connection();
    server.advance(Duration::from_secs(1)).await;
    let mut again = server.accept().await;
    assert_eq!(again.next_text().await, "kept", "sent again");
    again.send("kept"); // the echo acknowledges it
    until(
        &mut probe.events,
        "the echo after the reconnection",
        |event| *event == ConnectionEvent::Message(Message::from("kept")),
    )
    .await;
    wait_for_dom(&probe.root, "none unacknowledged", || {
        probe.rendered(".unacknowledged") == "0"
    })
    .await;
    probe.handle().close();
    probe.app.destroy();
}
