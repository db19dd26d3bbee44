//! One connection for a component tree, in a real browser against the real server: ten
//! consumers under one `WebSocketProvider` open one socket; every subscriber gets every
//! message; a status change re-renders consumers; unmounting a subscriber unsubscribes it; the
//! provider's unmount closes the socket; `enabled` holds the connection back.
//!
//! Why one file of this length: one browser test binary (one build, one page) of short,
//! independent tests of the provider.

// Browser tests: they build and run for wasm32 only (scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::{rc::Rc, time::Duration};

use futures_channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use wasm_bindgen_test::*;
use wasm_ws_test_support::{
    count_sockets, endpoint, new_root, next_within, sockets_created, text_of, wait_for_dom, within,
    Slot, GREETING, PATIENCE,
};
use wasm_ws_yew::{
    use_websocket_context, use_websocket_subscription, Backoff, BinaryType, Heartbeat, Message,
    QueueLimits, ReconnectOptions, UseReconnectingWebSocketHandle, WebSocketProvider,
};
use web_sys::Element;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A consumer: shows the status, and reports every message it receives (tagged with its
/// number) and each of its renders.
#[derive(Properties, Clone, PartialEq)]
struct ConsumerProps {
    number: usize,
    received: Sender<(usize, Message)>,
    renders: Sender<usize>,
    /// Where consumer 0 leaves the context's handle, for the test to act through.
    handle: Slot<UseReconnectingWebSocketHandle>,
}

/// A channel sender as a prop (equal to itself only).
#[derive(Clone)]
struct Sender<T>(Rc<UnboundedSender<T>>);

impl<T> PartialEq for Sender<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[function_component]
fn Consumer(props: &ConsumerProps) -> Html {
    let connection = use_websocket_context();
    let _ = props.renders.0.unbounded_send(props.number);
    if props.number == 0 {
        props.handle.put(connection.clone());
    }
    let (received, number) = (props.received.clone(), props.number);
    use_websocket_subscription(Callback::from(move |message| {
        let _ = received.0.unbounded_send((number, message));
    }));
    html! { <p class={format!("consumer-{number}")}>{ format!("{:?}", connection.status) }</p> }
}

#[derive(Properties, Clone, PartialEq)]
struct TreeProps {
    url: AttrValue,
    consumers: usize,
    enabled: bool,
    received: Sender<(usize, Message)>,
    renders: Sender<usize>,
    handle: Slot<UseReconnectingWebSocketHandle>,
}

#[function_component]
fn Tree(props: &TreeProps) -> Html {
    html! {
        <WebSocketProvider url={props.url.clone()} enabled={props.enabled}>
            { for (0..props.consumers).map(|number| html! {
                <Consumer {number} received={props.received.clone()} renders={props.renders.clone()}
                    handle={props.handle.clone()} />
            }) }
        </WebSocketProvider>
    }
}

struct Mounted {
    app: yew::AppHandle<Tree>,
    root: Element,
    received: UnboundedReceiver<(usize, Message)>,
    renders: UnboundedReceiver<usize>,
    handle: Slot<UseReconnectingWebSocketHandle>,
}

impl Mounted {
    fn handle(&self) -> UseReconnectingWebSocketHandle {
        self.handle.get()
    }

    /// The renders reported so far, forgotten.
    fn take_renders(&mut self) -> Vec<usize> {
        let mut renders = Vec::new();
        while let Ok(render) = self.renders.try_recv() {
            renders.push(render);
        }
        renders
    }
}

fn mount(url: String, consumers: usize, enabled: bool) -> Mounted {
    let (received_sender, received) = mpsc::unbounded();
    let (renders_sender, renders) = mpsc::unbounded();
    let root = new_root();
    let handle = Slot::default();
    let props = TreeProps {
        url: url.into(),
        consumers,
        enabled,
        received: Sender(Rc::new(received_sender)),
        renders: Sender(Rc::new(renders_sender)),
        handle: handle.clone(),
    };
    let app = yew::Renderer::<Tree>::with_root_and_props(root.clone(), props).render();
    Mounted {
        app,
        root,
        received,
        renders,
        handle,
    }
}

fn shown(root: &Element, number: usize) -> String {
    text_of(root, &format!(".consumer-{number}"))
}

#[wasm_bindgen_test]
async fn ten_consumers_share_one_socket_and_each_gets_every_message() {
    count_sockets();
    let mut tree = mount(endpoint("test"), 10, true);
    let mut greeted = std::collections::BTreeSet::new();
    while greeted.len() < 10 {
        let (number, message) = next_within(
            &mut tree.received,
            PATIENCE,
            "the greeting, in every consumer",
        )
        .await;
        assert_eq!(message, Message::from(GREETING), "consumer {number}");
        assert!(
            greeted.insert(number),
            "consumer {number} got the greeting twice"
        );
    }
    assert_eq!(sockets_created(), 1, "one socket for the whole tree");
    for number in 0..10 {
        wait_for_dom(&tree.root, "Open in every consumer", || {
            shown(&tree.root, number) == "Open"
        })
        .await;
    }
    tree.app.destroy();
}

#[wasm_bindgen_test]
async fn a_message_re_renders_no_consumer_and_a_status_change_re_renders_them_all() {
    let mut tree = mount(endpoint("echo"), 3, true);
    for number in 0..3 {
        wait_for_dom(&tree.root, "Open", || shown(&tree.root, number) == "Open").await;
    }
    tree.take_renders();

    // A message reaches every subscriber but renders nobody: the callbacks set no state.
    tree.handle().send(Message::from("to all")).unwrap();
    for _ in 0..3 {
        let (_, message) = next_within(&mut tree.received, PATIENCE, "the echo").await;
        assert_eq!(message, Message::from("to all"));
    }
    assert_eq!(
        tree.take_renders(),
        Vec::<usize>::new(),
        "no render for a message"
    );

    // A status change renders every consumer.
    tree.handle().close();
    for number in 0..3 {
        wait_for_dom(&tree.root, "Closed", || {
            shown(&tree.root, number) == "Closed"
        })
        .await;
    }
    let mut rendered = tree.take_renders();
    rendered.sort();
    rendered.dedup();
    assert_eq!(rendered, [0, 1, 2]);
    tree.app.destroy();
}

#[wasm_bindgen_test]
async fn an_unmounted_subscriber_gets_nothing_more_and_the_provider_closes_on_unmount() {
    count_sockets();
    let mut tree = mount(endpoint("echo"), 2, true);
    wait_for_dom(&tree.root, "Open", || shown(&tree.root, 1) == "Open").await;
    let socket = tree.handle().socket().expect("a socket");
    tree.app.destroy();
    let closed = within(PATIENCE, socket.closed())
        .await
        .expect("the provider's unmount closes its socket");
    assert_eq!(closed.code, 1005, "closed by the client, without a code");
    // Nothing was delivered to the unmounted subscribers.
    assert!(tree.received.try_recv().is_err(), "nothing received");
    assert_eq!(sockets_created(), 1);
}

#[wasm_bindgen_test]
async fn enabled_false_holds_the_connection_back() {
    count_sockets();
    let tree = mount(endpoint("test"), 2, false);
    wait_for_dom(&tree.root, "Closed", || shown(&tree.root, 0) == "Closed").await;
    assert_eq!(sockets_created(), 0);
    tree.app.destroy();
}

/// A provider whose options, closures and hello are all built anew at every render, as an app
/// writes them inline; the test re-renders it through the slot's setter.
#[derive(Properties, Clone, PartialEq)]
struct InlineProps {
    rerender: Slot<UseStateSetter<u32>>,
    handle: Slot<UseReconnectingWebSocketHandle>,
    received: Sender<(usize, Message)>,
    renders: Sender<usize>,
}

#[function_component]
fn Inline(props: &InlineProps) -> Html {
    let render = use_state(|| 0u32);
    props.rerender.put(render.setter());
    let reconnect = ReconnectOptions {
        should_reconnect: Rc::new(|close| close.code != 1000),
        heartbeat: Some(Heartbeat {
            is_reply: Some(Rc::new(|message| message.as_text() == Some("pong"))),
            ..Heartbeat::ping_pong(Duration::from_secs(30), Duration::from_secs(10))
        }),
        backoff: Backoff {
            initial: Duration::from_millis(100 + u64::from(*render)),
            ..Backoff::default()
        },
        ..ReconnectOptions::default()
    };
    let said = format!("hello from render {}", *render);
    let hello = Callback::from(move |()| vec![Message::from(said.clone())]);
    let binary_type = if *render == 5 {
        BinaryType::Blob
    } else {
        BinaryType::ArrayBuffer
    };
    html! {
        <WebSocketProvider url={endpoint("echo")} reconnect={Some(reconnect)} {hello} {binary_type}>
            <p class="render">{ *render }</p>
            <Consumer number={0} received={props.received.clone()} renders={props.renders.clone()}
                handle={props.handle.clone()} />
        </WebSocketProvider>
    }
}

#[wasm_bindgen_test]
async fn options_built_inline_at_every_render_do_not_reconnect_and_the_newest_hello_is_said() {
    count_sockets();
    let (received_tx, mut received) = mpsc::unbounded();
    let (renders_tx, _renders) = mpsc::unbounded();
    let props = InlineProps {
        rerender: Slot::default(),
        handle: Slot::default(),
        received: Sender(Rc::new(received_tx)),
        renders: Sender(Rc::new(renders_tx)),
    };
    let root = new_root();
    yew::Renderer::<Inline>::with_root_and_props(root.clone(), props.clone()).render();
    let (_, hello) = next_within(&mut received, PATIENCE, "the hello's echo").await;
    assert_eq!(hello, Message::from("hello from render 0"));
    for render in 1..=4 {
        props.rerender.get().set(render);
        wait_for_dom(&root, "the next render", || {
            text_of(&root, ".render") == render.to_string()
        })
        .await;
        // An echo after each render: a connection made by that render would be open by then.
        let probe = Message::from(format!("probe {render}"));
        props.handle.get().send(probe.clone()).unwrap();
        until_message(&mut received, |message| *message == probe).await;
    }
    assert_eq!(
        sockets_created(),
        1,
        "four renders with new closures: still one socket"
    );
    assert_eq!(
        props.handle.get().status,
        wasm_ws_yew::ConnectionStatus::Open
    );

    // The newest hello is the one said at the next open.
    props.handle.get().reconnect();
    let (_, hello) = until_message(&mut received, |m| {
        m.as_text().is_some_and(|t| t.starts_with("hello"))
    })
    .await;
    assert_eq!(hello, Message::from("hello from render 4"));
    assert_eq!(sockets_created(), 2, "reconnect() made one more");

    // A different binary type applies to the live socket, as `binaryType` does: no new one.
    props.rerender.get().set(5);
    wait_for_dom(&root, "render 5", || text_of(&root, ".render") == "5").await;
    let socket = props.handle.get().socket().expect("a socket");
    assert_eq!(socket.binary_type(), BinaryType::Blob);
    assert_eq!(sockets_created(), 2, "no reconnection for a binary type");
}

/// The next message a subscriber received that `matches`.
async fn until_message(
    received: &mut UnboundedReceiver<(usize, Message)>,
    matches: impl Fn(&Message) -> bool,
) -> (usize, Message) {
    loop {
        let next = next_within(received, PATIENCE, "a matching message").await;
        if matches(&next.1) {
            return next;
        }
    }
}

#[derive(Properties, Clone, PartialEq)]
struct EarlyProps {
    received: Sender<Message>,
    /// What the child's first send returned, `Debug`-printed.
    sent: Sender<String>,
}

/// Sends from its first effect, which runs before the provider's has made the connection.
#[function_component]
fn EarlyChild(props: &EarlyProps) -> Html {
    let connection = use_websocket_context();
    let received = props.received.clone();
    use_websocket_subscription(Callback::from(move |message| {
        let _ = received.0.unbounded_send(message);
    }));
    let sent = props.sent.clone();
    use_effect_with((), move |_| {
        let result = connection.send(Message::from("said on mount"));
        let _ = sent.0.unbounded_send(format!("{result:?}"));
    });
    html! {}
}

#[function_component]
fn EarlyPage(props: &EarlyProps) -> Html {
    html! {
        <WebSocketProvider url={endpoint("echo")}>
            <EarlyChild ..props.clone() />
        </WebSocketProvider>
    }
}

#[wasm_bindgen_test]
async fn a_child_that_sends_from_its_first_effect_is_queued_and_heard() {
    let (received_tx, mut received) = mpsc::unbounded();
    let (sent_tx, mut sent) = mpsc::unbounded();
    let props = EarlyProps {
        received: Sender(Rc::new(received_tx)),
        sent: Sender(Rc::new(sent_tx)),
    };
    yew::Renderer::<EarlyPage>::with_root_and_props(new_root(), props).render();
    assert_eq!(
        next_within(&mut sent, PATIENCE, "the first effect's send").await,
        "Ok(Queued)"
    );
    assert_eq!(
        next_within(&mut received, PATIENCE, "its echo").await,
        Message::from("said on mount")
    );
}

#[derive(Properties, Clone, PartialEq)]
struct EagerProps {
    received: Sender<Message>,
    /// What each of the child's first sends returned, `Debug`-printed.
    sent: Sender<String>,
    handle: Slot<UseReconnectingWebSocketHandle>,
}

/// Sends twice from its first effect, under a queue that holds one message.
#[function_component]
fn EagerChild(props: &EagerProps) -> Html {
    let connection = use_websocket_context();
    props.handle.put(connection.clone());
    let received = props.received.clone();
    use_websocket_subscription(Callback::from(move |message| {
        let _ = received.0.unbounded_send(message);
    }));
    let sent = props.sent.clone();
    use_effect_with((), move |_| {
        for text in ["first", "second"] {
            let result = connection.send(Message::from(text));
            let _ = sent.0.unbounded_send(format!("{result:?}"));
        }
    });
    html! {}
}

#[function_component]
fn EagerPage(props: &EagerProps) -> Html {
    let reconnect = ReconnectOptions {
        queue: QueueLimits {
            max_messages: 1,
            ..QueueLimits::default()
        },
        ..ReconnectOptions::default()
    };
    html! {
        <WebSocketProvider url={endpoint("echo")} reconnect={Some(reconnect)}>
            <EagerChild ..props.clone() />
        </WebSocketProvider>
    }
}

#[wasm_bindgen_test]
async fn sends_before_the_first_effect_keep_to_the_queue_limits_and_arrive_once() {
    // Issue 25's third bug: the hook kept an early buffer of its own before its first effect,
    // which ignored the queue limits and told every send `Ok(Queued)`.
    let (received_tx, mut received) = mpsc::unbounded();
    let (sent_tx, mut sent) = mpsc::unbounded();
    let handle = Slot::default();
    let props = EagerProps {
        received: Sender(Rc::new(received_tx)),
        sent: Sender(Rc::new(sent_tx)),
        handle: handle.clone(),
    };
    yew::Renderer::<EagerPage>::with_root_and_props(new_root(), props).render();
    assert_eq!(
        next_within(&mut sent, PATIENCE, "the first send").await,
        "Ok(Queued)"
    );
    assert_eq!(
        next_within(&mut sent, PATIENCE, "the second send").await,
        r#"Err(QueueFull(Text("second")))"#,
        "one message fits"
    );
    assert_eq!(
        next_within(&mut received, PATIENCE, "the echo").await,
        Message::from("first")
    );
    // The echo server answers in order: a second copy of anything would come before this.
    let marker = Message::from("marker");
    handle.get().send(marker.clone()).unwrap();
    assert_eq!(
        next_within(&mut received, PATIENCE, "the marker's echo").await,
        marker,
        "only the first went out, once"
    );
}
