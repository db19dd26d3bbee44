//! `WebSocketConsole`: the tutorial's sample page as a reusable, customisable component.

use std::rc::Rc;

use wasm_ws_client::{
    CloseEvent, ConnectionEvent, ConnectionStatus, Message, ReconnectOptions, Sent,
};
use web_sys::{HtmlTextAreaElement, ScrollBehavior, ScrollToOptions};
use yew::{html::IntoPropValue, prelude::*};

use crate::{
    hooks::{
        use_reconnecting_websocket::no_reconnection, use_websocket_events::use_connection_events,
    },
    use_message_history, use_reconnecting_websocket, use_websocket_context, HistoryFilter,
    HistoryOptions, UseMessageHistoryHandle, UseReconnectingWebSocketHandle,
    UseReconnectingWebSocketOptions, WebSocketUrl,
};

/// What a line of the console's log reports. `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineKind {
    /// A message that went out on the connection (see
    /// [`WebSocketConsoleProps::own_sends_only`]).
    Sent,
    /// A message received.
    Received,
    /// The connection's life: open, closed, reconnecting.
    Info,
    /// Something that went wrong.
    Error,
}

impl LineKind {
    /// The line's class besides `wsc-line`: `wsc-sent`, `wsc-received`, `wsc-info`, `wsc-error`.
    pub fn class(self) -> &'static str {
        match self {
            Self::Sent => "wsc-sent",
            Self::Received => "wsc-received",
            Self::Info => "wsc-info",
            Self::Error => "wsc-error",
        }
    }
}

/// One line of the console's log, as [`WebSocketConsoleProps::render_line`] receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleLine {
    /// What it reports.
    pub kind: LineKind,
    /// The text shown by default: a received or sent message's text (binary ones described),
    /// or a sentence about the connection.
    pub text: String,
    /// The message itself, for sent and received lines.
    pub message: Option<Message>,
}

/// The console's texts, to change their language or tone. Default: English.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleLabels {
    /// The send button. Default: "Send".
    pub send: AttrValue,
    /// The button that closes the connection. Default: "Close connection".
    pub close: AttrValue,
    /// The button that opens it again once closed. Default: "Open connection".
    pub open: AttrValue,
    /// The button that reconnects now (reconnecting mode). Default: "Reconnect".
    pub reconnect: AttrValue,
    /// The textarea's placeholder. Default: "Message (Ctrl+Enter sends)".
    pub placeholder: AttrValue,
}

impl Default for ConsoleLabels {
    fn default() -> Self {
        Self {
            send: "Send".into(),
            close: "Close connection".into(),
            open: "Open connection".into(),
            reconnect: "Reconnect".into(),
            placeholder: "Message (Ctrl+Enter sends)".into(),
        }
    }
}

/// Element ids for the console's parts, for pages whose scripts look them up. Default: none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConsoleIds {
    /// The log of received messages.
    pub log: Option<AttrValue>,
    /// The textarea.
    pub input: Option<AttrValue>,
    /// The send button.
    pub send: Option<AttrValue>,
    /// The close button.
    pub close: Option<AttrValue>,
}

impl ConsoleIds {
    /// The ids of the tutorial's sample page (`receive-box`, `msg-need-send`, `send-btn`,
    /// `exit`), so that its scripts still find the elements.
    pub fn tutorial() -> Self {
        Self {
            log: Some("receive-box".into()),
            input: Some("msg-need-send".into()),
            send: Some("send-btn".into()),
            close: Some("exit".into()),
        }
    }
}

/// Where the console's connection comes from: its own, to a URL (anything string-like or a
/// [`WebSocketUrl`] converts into this), or the nearest
/// [`WebSocketProvider`](crate::WebSocketProvider)'s, shared with the rest of the page.
///
/// `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum ConsoleConnection {
    /// The nearest provider's connection (and its reconnect options).
    #[default]
    Shared,
    /// A connection of its own to this URL.
    Own(WebSocketUrl),
}

impl<T: Into<WebSocketUrl>> From<T> for ConsoleConnection {
    fn from(url: T) -> Self {
        Self::Own(url.into())
    }
}

impl IntoPropValue<ConsoleConnection> for &'static str {
    fn into_prop_value(self) -> ConsoleConnection {
        ConsoleConnection::Own(IntoPropValue::<WebSocketUrl>::into_prop_value(self))
    }
}

impl IntoPropValue<ConsoleConnection> for String {
    fn into_prop_value(self) -> ConsoleConnection {
        ConsoleConnection::Own(self.into())
    }
}

impl IntoPropValue<ConsoleConnection> for AttrValue {
    fn into_prop_value(self) -> ConsoleConnection {
        ConsoleConnection::Own(self.into())
    }
}

impl IntoPropValue<ConsoleConnection> for WebSocketUrl {
    fn into_prop_value(self) -> ConsoleConnection {
        ConsoleConnection::Own(self)
    }
}

/// Properties of [`WebSocketConsole`]; every optional one has a documented default.
#[derive(Properties, PartialEq, Clone)]
pub struct WebSocketConsoleProps {
    /// The socket's URL; relative URLs resolve against the page (`/websocket/test` becomes
    /// `ws://host/websocket/test` on http and `wss://...` on https). Or a function called at
    /// each attempt ([`WebSocketUrl::from_fn`]). Left out, the console shows the nearest
    /// [`WebSocketProvider`](crate::WebSocketProvider)'s connection instead (in the
    /// reconnecting mode), and `protocols` and `reconnect` are the provider's.
    #[prop_or_default]
    pub url: ConsoleConnection,
    /// How many lines the log keeps; older ones scroll out. Default: 1000.
    #[prop_or(1000)]
    pub max_lines: usize,
    /// Subprotocols to offer. Default: none.
    #[prop_or_default]
    pub protocols: Vec<String>,
    /// `Some` turns on the reconnecting mode: the connection comes back by itself as these
    /// options say, messages sent while it is away are queued (the count is shown), and a
    /// Reconnect button connects at once. `None`: a close is final until "Open connection".
    /// Default: `None`.
    #[prop_or_default]
    pub reconnect: Option<ReconnectOptions>,
    /// Called with every received message, as well as showing it. Default: none.
    #[prop_or_default]
    pub on_message: Option<Callback<Message>>,
    /// `false`: the log shows every message that goes out on the connection, whoever sent it
    /// (on a provider's connection, every component's sends; the
    /// [`hello`](wasm_ws_client::ReconnectOptions::hello); a queue flushed on open), when it
    /// goes out. `true`: only what this console sent itself, when it was sent. Default: `false`.
    #[prop_or_default]
    pub own_sends_only: bool,
    /// Renders a log line in place of the default `<p class="wsc-line ...">`. Default: none.
    #[prop_or_default]
    pub render_line: Option<Callback<ConsoleLine, Html>>,
    /// Extra classes on the outer element (which always has `wsc`). Default: none.
    #[prop_or_default]
    pub class: Classes,
    /// The buttons' and the textarea's texts. Default: [`ConsoleLabels::default`].
    #[prop_or_default]
    pub labels: ConsoleLabels,
    /// Element ids. Default: none ([`ConsoleIds::tutorial`] gives the tutorial's).
    #[prop_or_default]
    pub ids: ConsoleIds,
}

/// The tutorial's sample page as a component: the messages received, in a box that follows the
/// newest one (smoothly, and only while the reader is at the bottom: scrolling up to read stops
/// it, scrolling back down resumes it), a textarea, a send button (Ctrl+Enter also sends), a
/// "close connection" button, and the connection's state. Once closed, "open connection"
/// connects again. With [`reconnect`](WebSocketConsoleProps::reconnect) it comes back by
/// itself, shows how many messages wait, and has a Reconnect button while it is not stopped
/// (once stopped, "open connection" is the way back). Without a `url`, it shows
/// the connection of the nearest [`WebSocketProvider`](crate::WebSocketProvider).
///
/// However fast messages arrive, none is lost and the log renders at most once per animation
/// frame.
///
/// Class names, for styling: `wsc`, `wsc-header`, `wsc-url`, `wsc-state` (plus
/// `wsc-state-open`, `wsc-state-connecting`, `wsc-state-reconnecting`, `wsc-state-closed` and
/// the like), `wsc-queued`, `wsc-log`, `wsc-line` (plus [`LineKind::class`]), `wsc-input`,
/// `wsc-actions`, `wsc-send`, `wsc-close`, `wsc-open`, `wsc-reconnect`.
///
/// ```no_run
/// use wasm_ws_yew::{ConsoleIds, WebSocketConsole, WebSocketProvider};
/// use wasm_ws_client::ReconnectOptions;
/// use yew::prelude::*;
///
/// #[function_component]
/// fn App() -> Html {
///     html! {
///         <>
///             <WebSocketConsole url="/websocket/test" max_lines={200} ids={ConsoleIds::tutorial()} />
///             <WebSocketConsole url="/websocket/test" reconnect={ReconnectOptions::default()} class="dark" />
///             <WebSocketProvider url="/websocket/test">
///                 <WebSocketConsole /> // the provider's connection
///             </WebSocketProvider>
///         </>
///     }
/// }
/// ```
#[function_component]
pub fn WebSocketConsole(props: &WebSocketConsoleProps) -> Html {
    match &props.url {
        ConsoleConnection::Own(_) => html! { <OwnConsole ..props.clone() /> },
        ConsoleConnection::Shared => html! { <SharedConsole ..props.clone() /> },
    }
}

/// The console's lines: pushed by the console itself, never from messages directly.
#[hook]
fn use_console_lines(max_lines: usize) -> UseMessageHistoryHandle<ConsoleLine> {
    use_message_history(HistoryOptions {
        capacity: max_lines,
        filter: no_messages(),
    })
}

/// A callback that logs each event as a line, and passes messages on.
fn logging(
    lines: &UseMessageHistoryHandle<ConsoleLine>,
    props: &WebSocketConsoleProps,
    reconnecting: bool,
) -> Callback<ConnectionEvent> {
    let lines = lines.clone();
    let (on_message, all_sends) = (props.on_message.clone(), !props.own_sends_only);
    Callback::from(move |event: ConnectionEvent| {
        match (&event, &on_message) {
            (ConnectionEvent::Message(message), Some(on_message)) => {
                on_message.emit(message.clone())
            }
            (ConnectionEvent::Sent(_), _) if !all_sends => return,
            _ => {}
        }
        if let Some(line) = describe_event(event, reconnecting) {
            lines.push(line);
        }
    })
}

/// The console on a connection of its own.
#[function_component]
fn OwnConsole(props: &WebSocketConsoleProps) -> Html {
    let lines = use_console_lines(props.max_lines);
    let reconnecting = props.reconnect.is_some();
    let ConsoleConnection::Own(url) = props.url.clone() else {
        unreachable!("WebSocketConsole renders OwnConsole with a URL");
    };
    let reconnect = props.reconnect.clone().unwrap_or_else(no_reconnection);
    let connection = use_reconnecting_websocket(
        url.clone(),
        UseReconnectingWebSocketOptions {
            reconnect: ReconnectOptions {
                protocols: props.protocols.clone(),
                ..reconnect
            },
            on_event: Some(logging(&lines, props, reconnecting)),
            ..Default::default()
        },
    );
    let url = match url {
        WebSocketUrl::Fixed(url) => url,
        WebSocketUrl::Produced(_) => "(a URL made at each attempt)".into(),
    };
    html! { <ConsoleView {connection} {lines} {url} {reconnecting} props={props.clone()} /> }
}

/// The console on the nearest provider's connection.
#[function_component]
fn SharedConsole(props: &WebSocketConsoleProps) -> Html {
    let lines = use_console_lines(props.max_lines);
    let connection = use_websocket_context();
    use_connection_events(
        "WebSocketConsole without a url",
        logging(&lines, props, true),
    );
    let url = AttrValue::from("(shared connection)");
    html! { <ConsoleView {connection} {lines} {url} reconnecting={true} props={props.clone()} /> }
}

#[derive(Properties, PartialEq, Clone)]
struct ConsoleViewProps {
    connection: UseReconnectingWebSocketHandle,
    lines: UseMessageHistoryHandle<ConsoleLine>,
    url: AttrValue,
    reconnecting: bool,
    props: WebSocketConsoleProps,
}

/// What the console shows, whichever connection it is on.
#[function_component]
fn ConsoleView(view: &ConsoleViewProps) -> Html {
    let ConsoleViewProps {
        connection,
        lines,
        url,
        reconnecting,
        props,
    } = view;
    let reconnecting = *reconnecting;
    let log_box = use_node_ref();
    let input = use_node_ref();
    let follow = use_mut_ref(|| Follow {
        following: true,
        last_top: 0.0,
    });

    // After a render that added lines, follow the newest one if the reader is at the bottom.
    {
        let (log_box, follow) = (log_box.clone(), follow.clone());
        use_effect_with(lines.total(), move |_| {
            if let Some(element) = log_box.cast::<web_sys::Element>() {
                if follow.borrow().following {
                    let options = ScrollToOptions::new();
                    options.set_top(f64::from(element.scroll_height()));
                    options.set_behavior(ScrollBehavior::Smooth);
                    element.scroll_to_with_scroll_to_options(&options);
                }
            }
        });
    }
    let on_scroll = {
        let (log_box, follow) = (log_box.clone(), follow.clone());
        Callback::from(move |_: Event| {
            if let Some(element) = log_box.cast::<web_sys::Element>() {
                follow.borrow_mut().scrolled(&element);
            }
        })
    };

    let send = {
        let (connection, input, lines) = (connection.clone(), input.clone(), lines.clone());
        let own_sends_only = props.own_sends_only;
        Callback::from(move |()| {
            let Some(textarea) = input.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let message = Message::Text(textarea.value());
            let sent = connection.send(message.clone());
            if sent.is_ok() {
                textarea.set_value("");
            }
            let text = message.as_text().unwrap_or_default();
            let line = match sent {
                // Logged when it goes out, from the connection's `Sent` event.
                Ok(Sent::Now) if !own_sends_only => return,
                Ok(Sent::Now) => ConsoleLine {
                    kind: LineKind::Sent,
                    text: text.to_owned(),
                    message: Some(message),
                },
                Ok(_) if !own_sends_only => info(LineKind::Info, format!("{text} (queued)")),
                Ok(_) => ConsoleLine {
                    kind: LineKind::Sent,
                    text: format!("{text} (queued)"),
                    message: Some(message),
                },
                Err(error) => info(LineKind::Error, format!("not sent: {error}")),
            };
            lines.push(line);
        })
    };
    let on_send_click = send.reform(|_: MouseEvent| ());
    let on_keydown = Callback::from(move |event: KeyboardEvent| {
        if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            send.emit(());
        }
    });
    let action = |act: fn(&UseReconnectingWebSocketHandle)| {
        let connection = connection.clone();
        Callback::from(move |_: MouseEvent| act(&connection))
    };

    let status = &connection.status;
    let (state_name, state_class) = state_label(status, reconnecting);
    let live = matches!(
        status,
        ConnectionStatus::Connecting { .. } | ConnectionStatus::Open
    );
    let stopped = status.is_stopped();
    let can_send = if reconnecting {
        !stopped && !matches!(status, ConnectionStatus::Closing)
    } else {
        *status == ConnectionStatus::Open
    };
    let error = match status {
        ConnectionStatus::Failed(error) => {
            Some(html! { <p class="wsc-line wsc-error">{ error.to_string() }</p> })
        }
        _ => None,
    };
    let render_line = props.render_line.clone();
    let ids = &props.ids;
    let labels = &props.labels;
    html! {
        <section class={classes!("wsc", props.class.clone())}>
            <header class="wsc-header">
                <code class="wsc-url">{ url.clone() }</code>
                if reconnecting && connection.queued_len > 0 {
                    <span class="wsc-queued">{ format!("{} queued", connection.queued_len) }</span>
                }
                <span class={classes!("wsc-state", state_class)}>{ state_name }</span>
            </header>
            <div class="wsc-log" id={ids.log.clone()} ref={log_box} role="log" aria-live="polite"
                style="overflow-anchor: none" onscroll={on_scroll}>
                { error }
                { for lines.entries().iter().map(|entry| {
                    let line = &entry.value;
                    match &render_line {
                        Some(render) => html! {
                            <div key={entry.id} class="wsc-entry">{ render.emit(line.clone()) }</div>
                        },
                        None => html! {
                            <p key={entry.id} class={classes!("wsc-line", line.kind.class())}>{ &line.text }</p>
                        },
                    }
                }) }
            </div>
            <textarea class="wsc-input" id={ids.input.clone()} ref={input} rows="3"
                placeholder={labels.placeholder.clone()} onkeydown={on_keydown} />
            <div class="wsc-actions">
                // Once stopped, "open connection" is the one way back: no second button.
                if reconnecting && !stopped {
                    <button class="wsc-reconnect" onclick={action(|c| c.reconnect())}>{ labels.reconnect.clone() }</button>
                }
                <button class="wsc-send" id={ids.send.clone()} onclick={on_send_click} disabled={!can_send}>{ labels.send.clone() }</button>
                if stopped {
                    <button class="wsc-open" onclick={action(|c| c.open())}>{ labels.open.clone() }</button>
                } else {
                    <button class="wsc-close" id={ids.close.clone()} onclick={action(|c| c.close())}
                        disabled={!live && !reconnecting}>{ labels.close.clone() }</button>
                }
            </div>
        </section>
    }
}

/// Whether the log follows the newest line. Only the reader stops it, by scrolling up: the
/// console's own smooth scrolling only ever moves down (and `overflow-anchor: none` keeps the
/// browser from moving the view when old lines leave the top).
struct Follow {
    following: bool,
    last_top: f64,
}

impl Follow {
    fn scrolled(&mut self, element: &web_sys::Element) {
        let top = f64::from(element.scroll_top());
        let bottom = f64::from(element.scroll_height() - element.client_height());
        if top + 1.0 < self.last_top {
            self.following = false;
        }
        if top >= bottom - 2.0 {
            self.following = true;
        }
        self.last_top = top;
    }
}

/// The state badge: the `readyState` name in the plain mode, as the sample page shows it, and
/// the connection's status in the reconnecting mode.
fn state_label(status: &ConnectionStatus, reconnecting: bool) -> (String, &'static str) {
    match status {
        ConnectionStatus::Open => ("OPEN".into(), "wsc-state-open"),
        ConnectionStatus::Connecting { attempt: 0 } => {
            ("CONNECTING".into(), "wsc-state-connecting")
        }
        ConnectionStatus::Connecting { attempt } => (
            format!("CONNECTING (attempt {attempt})"),
            "wsc-state-connecting",
        ),
        ConnectionStatus::Closing => ("CLOSING".into(), "wsc-state-closing"),
        ConnectionStatus::Reconnecting { attempt, delay } if reconnecting => (
            format!("RECONNECTING (attempt {attempt} in {})", seconds(*delay)),
            "wsc-state-reconnecting",
        ),
        ConnectionStatus::GaveUp { .. } if reconnecting => ("GAVE UP".into(), "wsc-state-closed"),
        ConnectionStatus::Offline if reconnecting => ("OFFLINE".into(), "wsc-state-reconnecting"),
        _ => ("CLOSED".into(), "wsc-state-closed"),
    }
}

/// The log line an event makes, if any.
fn describe_event(event: ConnectionEvent, reconnecting: bool) -> Option<ConsoleLine> {
    Some(match event {
        ConnectionEvent::Message(message) => ConsoleLine {
            kind: LineKind::Received,
            text: describe_message(&message),
            message: Some(message),
        },
        ConnectionEvent::Sent(message) => ConsoleLine {
            kind: LineKind::Sent,
            text: describe_message(&message),
            message: Some(message),
        },
        ConnectionEvent::Open => info(LineKind::Info, "connection open".into()),
        ConnectionEvent::Closed(close) => info(LineKind::Info, describe_close(&close)),
        ConnectionEvent::Reconnecting { attempt, delay } if reconnecting => info(
            LineKind::Info,
            format!("reconnecting in {} (attempt {attempt})", seconds(delay)),
        ),
        ConnectionEvent::GaveUp { attempts } => info(
            LineKind::Error,
            format!("gave up after {attempts} attempts"),
        ),
        ConnectionEvent::Offline => info(LineKind::Info, "the browser is offline".into()),
        ConnectionEvent::Failed(error) => info(LineKind::Error, error.to_string()),
        ConnectionEvent::Error => info(LineKind::Error, "connection error".into()),
        // Connecting, Reconnecting outside the reconnecting mode, and what may come later.
        _ => return None,
    })
}

/// A delay as seconds with one decimal, `1.2 s`, in integers: formatting an `f64` would bring
/// about 14 kB of float printing into the page.
fn seconds(delay: std::time::Duration) -> String {
    let tenths = (delay.as_millis() + 50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

fn info(kind: LineKind, text: String) -> ConsoleLine {
    ConsoleLine {
        kind,
        text,
        message: None,
    }
}

fn describe_message(message: &Message) -> String {
    match message {
        Message::Text(text) => text.clone(),
        Message::Binary(bytes) => format!("[{} bytes of binary]", bytes.len()),
        Message::Blob(blob) => format!("[{} bytes of binary]", blob.size()),
    }
}

fn describe_close(event: &CloseEvent) -> String {
    let clean = if event.was_clean { "" } else { ", not clean" };
    match event.reason.as_str() {
        "" => format!("connection closed (code {}{clean})", event.code),
        reason => format!("connection closed (code {}{clean}): {reason}", event.code),
    }
}

/// The console's history keeps lines the console pushes itself, no message as such; one shared
/// filter, so that the options compare equal from one render to the next.
fn no_messages() -> HistoryFilter<ConsoleLine> {
    thread_local! {
        static NONE: HistoryFilter<ConsoleLine> = Rc::new(|_| None);
    }
    NONE.with(Rc::clone)
}
