//! Tabs: one WebSocket connection shared by every tab of the origin, on wasm-ws-yew's public
//! API only.
//!
//! One `WebSocketProvider` connects to the sample endpoint of wasm-ws-server (a greeting, a
//! number pushed every second, an echo of everything sent) and shares the connection across
//! the tabs that run this version of the app: one tab leads and holds the socket, the others
//! follow through it. Each tab shows its own random id, its role, the shared status, the
//! pushed numbers, and what came of its bursts of `burst <tab-id> <n>` messages, which the
//! server's echo acknowledges. The elements' ids and texts are what the end-to-end test reads.

use std::{
    collections::{BTreeSet, VecDeque},
    rc::Rc,
    time::Duration,
};

use wasm_ws_yew::{
    use_websocket_context, use_websocket_subscription, ConnectionStatus, Message, QueueLimits,
    ReconnectOptions, TabRole, WebSocketProvider,
};
use web_sys::HtmlInputElement;
use yew::{
    platform::{spawn_local, time::sleep},
    prelude::*,
};

/// The endpoint, relative to the page: the server that serves the app.
const URL: &str = "/websocket/test";
/// Tabs share only with tabs of the same build: after a deploy, old and new tabs keep apart.
const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
/// How many messages one click on "burst" sends.
const BURST_LENGTH: u32 = 100;
/// The time between two messages of a burst: 100 of them span about two seconds, long enough
/// for a test to act (close the leading tab, say) in the middle of one.
const BURST_SPACING: Duration = Duration::from_millis(20);
/// The first word of a burst message: `burst <tab-id> <n>`.
const BURST_WORD: &str = "burst";
/// How many pushed numbers the page shows.
const PUSHES_SHOWN: usize = 30;
/// How many echoed burst messages the page keeps: ten bursts.
const ECHOES_KEPT: usize = 1000;

/// A random id for this tab, 6 hex digits, so that a test (and a person) tells tabs apart and
/// sees whose burst an echo belongs to.
fn new_tab_id() -> AttrValue {
    let random_24_bits = (js_sys::Math::random() * f64::from(1u32 << 24)) as u32;
    AttrValue::from(format!("{random_24_bits:06x}"))
}

/// The connection's behaviour: the server echoes everything, so the echo of a message is its
/// acknowledgement (what is not echoed yet goes again after a reconnection or a change of
/// leading tab); and the queue holds a burst of 200 messages (two tabs bursting at once) with
/// room to spare.
fn reconnect_options() -> ReconnectOptions {
    ReconnectOptions {
        acknowledge: Some(Rc::new(|incoming: &Message, sent: &Message| {
            incoming == sent
        })),
        queue: QueueLimits {
            max_messages: 1_000,
            max_bytes: 1024 * 1024,
        },
        ..ReconnectOptions::default()
    }
}

/// The text of burst message `n` of tab `tab_id`.
fn burst_message(tab_id: &str, n: u32) -> String {
    format!("{BURST_WORD} {tab_id} {n}")
}

/// The tab id and number of a burst message, if `text` is one.
fn parse_burst(text: &str) -> Option<(&str, u32)> {
    let mut words = text.split(' ');
    let (word, tab_id, n) = (words.next()?, words.next()?, words.next()?);
    if word != BURST_WORD || words.next().is_some() {
        return None;
    }
    Some((tab_id, n.parse().ok()?))
}

/// What the page shows of a status: the four words the test knows.
fn status_word(status: &ConnectionStatus) -> &'static str {
    match status {
        ConnectionStatus::Open => "open",
        ConnectionStatus::Connecting { .. } => "connecting",
        ConnectionStatus::Reconnecting { .. } => "reconnecting",
        _ => "closed",
    }
}

/// What the page shows of this tab's role.
fn role_word(role: TabRole) -> &'static str {
    match role {
        TabRole::Leading => "leading",
        TabRole::Following => "following",
        _ => "alone",
    }
}

/// Pushes `item` at the back of `items`, dropping the oldest beyond `capacity`.
fn push_bounded(items: &mut VecDeque<String>, item: String, capacity: usize) {
    items.push_back(item);
    while items.len() > capacity {
        items.pop_front();
    }
}

/// The items joined by a single space, oldest first, as the test reads them.
fn joined(items: &VecDeque<String>) -> String {
    items
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Everything this tab has seen and done. A reducer rather than states: several messages may
/// arrive in one task, and each must add to the newest value.
#[derive(Clone, PartialEq)]
struct Observed {
    /// This tab's id, to tell its own burst echoes from other tabs'.
    tab_id: AttrValue,
    /// The last pushed numbers, oldest first.
    pushes: VecDeque<String>,
    /// Every echoed burst message of any tab as `<tab-id>:<n>`, in arrival order.
    echoes: VecDeque<String>,
    /// The numbers of this tab's burst messages seen echoed: each counts once.
    acknowledged: BTreeSet<u32>,
    /// How many of this tab's burst messages `send` took.
    burst_sent: u32,
    /// Texts this tab sent by hand whose echo has not come yet: their echo is not a push,
    /// even when the text is a number.
    awaiting_echo: Vec<String>,
}

impl Observed {
    /// Nothing seen yet, in the tab `tab_id`.
    fn new(tab_id: AttrValue) -> Self {
        Self {
            tab_id,
            pushes: VecDeque::new(),
            echoes: VecDeque::new(),
            acknowledged: BTreeSet::new(),
            burst_sent: 0,
            awaiting_echo: Vec::new(),
        }
    }

    /// Files a text message from the connection: a burst echo, the echo of a text sent by
    /// hand, a pushed number, or (the greeting) nothing.
    fn receive(&mut self, text: String) {
        if let Some((tab_id, n)) = parse_burst(&text) {
            if tab_id == self.tab_id.as_str() {
                self.acknowledged.insert(n);
            }
            push_bounded(&mut self.echoes, format!("{tab_id}:{n}"), ECHOES_KEPT);
        } else if let Some(index) = self.awaiting_echo.iter().position(|sent| *sent == text) {
            self.awaiting_echo.remove(index);
        } else if text.parse::<f64>().is_ok_and(f64::is_finite) {
            push_bounded(&mut self.pushes, text, PUSHES_SHOWN);
        }
    }
}

/// What changes [`Observed`].
enum Observation {
    /// A text message arrived.
    Received(String),
    /// `send` took one of this tab's burst messages.
    BurstSent,
    /// `send` took a text typed by hand.
    SentByHand(String),
}

impl Reducible for Observed {
    type Action = Observation;

    fn reduce(self: Rc<Self>, observation: Observation) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        match observation {
            Observation::Received(text) => next.receive(text),
            Observation::BurstSent => next.burst_sent += 1,
            Observation::SentByHand(text) => next.awaiting_echo.push(text),
        }
        Rc::new(next)
    }
}

/// Properties of [`App`]: made once, before the first render.
#[derive(Properties, PartialEq)]
struct AppProps {
    /// This tab's id, for the whole life of the page.
    tab_id: AttrValue,
}

/// The page: the shared connection, and what this tab shows of it.
#[function_component]
fn App(props: &AppProps) -> Html {
    html! {
        <WebSocketProvider url={URL} reconnect={Some(reconnect_options())} share_across_tabs={APP_VERSION}>
            <main>
                <h1>{ "Tabs" }</h1>
                <Dashboard tab_id={props.tab_id.clone()} />
            </main>
        </WebSocketProvider>
    }
}

/// Properties of [`Dashboard`].
#[derive(Properties, PartialEq)]
struct DashboardProps {
    /// This tab's id.
    tab_id: AttrValue,
}

/// The burst button and the hand-typed send, then the tab's view of the shared connection.
#[function_component]
fn Dashboard(props: &DashboardProps) -> Html {
    let connection = use_websocket_context();
    let observed = {
        let tab_id = props.tab_id.clone();
        use_reducer(move || Observed::new(tab_id))
    };
    let bursting = use_state(|| false);

    {
        let record = observed.dispatcher();
        use_websocket_subscription(Callback::from(move |message: Message| {
            if let Message::Text(text) = message {
                record.dispatch(Observation::Received(text));
            }
        }));
    }

    let start_burst = {
        let (connection, record) = (connection.clone(), observed.dispatcher());
        let (tab_id, bursting) = (props.tab_id.clone(), bursting.clone());
        Callback::from(move |_: MouseEvent| {
            if *bursting {
                return;
            }
            bursting.set(true);
            let (connection, record) = (connection.clone(), record.clone());
            let (tab_id, bursting) = (tab_id.clone(), bursting.clone());
            spawn_local(async move {
                for n in 1..=BURST_LENGTH {
                    if n > 1 {
                        sleep(BURST_SPACING).await;
                    }
                    let message = Message::from(burst_message(&tab_id, n));
                    if connection.send(message).is_ok() {
                        record.dispatch(Observation::BurstSent);
                    }
                }
                bursting.set(false);
            });
        })
    };
    let sent_by_hand = {
        let record = observed.dispatcher();
        Callback::from(move |text: String| record.dispatch(Observation::SentByHand(text)))
    };

    // The controls first: the lists below grow with every echo, and a button under them would
    // move while a person (or WebDriver, between finding it and clicking) aims at it.
    html! {
        <>
            <div class="actions">
                <button id="burst" onclick={start_burst} disabled={*bursting}>
                    { format!("burst {BURST_LENGTH}") }
                </button>
            </div>
            <SendForm on_sent={sent_by_hand} />
            <dl>
                <dt>{ "tab" }</dt><dd id="tab-id">{ props.tab_id.clone() }</dd>
                <dt>{ "role" }</dt><dd id="role">{ role_word(connection.role) }</dd>
                <dt>{ "status" }</dt><dd id="status">{ status_word(&connection.status) }</dd>
                <dt>{ "pushes" }</dt><dd id="pushes">{ joined(&observed.pushes) }</dd>
                <dt>{ "burst sent" }</dt><dd id="sent">{ observed.burst_sent }</dd>
                <dt>{ "burst echoed" }</dt><dd id="acknowledged">{ observed.acknowledged.len() }</dd>
                <dt>{ "unacknowledged" }</dt><dd id="unacknowledged">{ connection.unacknowledged_len }</dd>
                <dt>{ "echoes" }</dt><dd id="echoes">{ joined(&observed.echoes) }</dd>
            </dl>
        </>
    }
}

/// Properties of [`SendForm`].
#[derive(Properties, PartialEq)]
struct SendFormProps {
    /// Called with each text that `send` took, so that its echo is not taken for a push.
    on_sent: Callback<String>,
}

/// A text field and a button that sends its text on the shared connection, for trying by hand.
#[function_component]
fn SendForm(props: &SendFormProps) -> Html {
    let connection = use_websocket_context();
    let input = use_node_ref();
    let onsubmit = {
        let (input, on_sent) = (input.clone(), props.on_sent.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = field.value();
            if connection.send(Message::from(text.clone())).is_ok() {
                on_sent.emit(text);
                field.set_value("");
            }
        })
    };
    html! {
        <form {onsubmit}>
            <input id="text" ref={input} placeholder="a message" />
            <button id="send" type="submit">{ "send" }</button>
        </form>
    }
}

/// Starts the app, with this tab's id made once for the page's life.
fn main() {
    yew::Renderer::<App>::with_props(AppProps {
        tab_id: new_tab_id(),
    })
    .render();
}
