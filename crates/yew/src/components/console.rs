//! `WebSocketConsole`: the tutorial's sample page as a reusable, customisable component.

use std::{
    cell::RefCell,
    collections::VecDeque,
    rc::{Rc, Weak},
};

use gloo_render::{request_animation_frame, AnimationFrame};

use wasm_bindgen::{closure::Closure, JsCast};
use wasm_ws_client::{
    reconnecting::Subscription, CloseEvent, ConnectionEvent, ConnectionStatus, Message,
    ReconnectOptions, ReconnectingWebSocket, Sent,
};
use web_sys::HtmlTextAreaElement;
use yew::{
    html::IntoPropValue,
    prelude::*,
    virtual_dom::{AttributeOrProperty, Attributes, VTag},
};

use crate::{
    context::WebSocketContext, hooks::use_reconnecting_websocket::no_reconnection,
    use_reconnecting_websocket, UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
    WebSocketUrl,
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
        &self.classes()["wsc-line ".len()..]
    }

    /// A default line's classes: `wsc-line` and [`class`](Self::class).
    fn classes(self) -> &'static str {
        match self {
            Self::Sent => "wsc-line wsc-sent",
            Self::Received => "wsc-line wsc-received",
            Self::Info => "wsc-line wsc-info",
            Self::Error => "wsc-line wsc-error",
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
/// newest one (only while the reader is at the bottom: scrolling up to read stops it,
/// scrolling back down resumes it), a textarea, a send button (Ctrl+Enter also sends), a
/// "close connection" button, and the connection's state. Once closed, "open connection"
/// connects again. With [`reconnect`](WebSocketConsoleProps::reconnect) it comes back by
/// itself, shows how many messages wait, and has a Reconnect button while it is not stopped
/// (once stopped, "open connection" is the way back). Without a `url`, it shows
/// the connection of the nearest [`WebSocketProvider`](crate::WebSocketProvider), and its
/// buttons act on that shared connection: "close connection" closes it for every component
/// that uses it, as their `close()` would.
///
/// However fast messages arrive, none is lost and the log renders at most once per animation
/// frame; under a flood, messages render 20 times a second (what happens to the connection
/// still shows at the next frame). It renders only the lines in view (and a screen's worth on
/// either side), so a render costs the same with `max_lines` of 100 or 100,000. For that the
/// log (`wsc-log`) must be a box of its own height that scrolls: it is by default (18rem, `overflow-y: auto`, set at zero
/// specificity so that any rule of the page on `.wsc-log` wins). Lines are taken to be of
/// about one height, as the default ones are; within the rendered lines, any height works.
///
/// Class names, for styling: `wsc`, `wsc-header`, `wsc-url`, `wsc-state` (plus
/// `wsc-state-open`, `wsc-state-connecting`, `wsc-state-reconnecting`, `wsc-state-closed` and
/// the like), `wsc-queued`, `wsc-log`, `wsc-line` (plus [`LineKind::class`]), `wsc-input`,
/// `wsc-actions`, `wsc-send`, `wsc-close`, `wsc-open`, `wsc-reconnect`. The lines sit in a
/// `<div>` inside `wsc-log`, whose padding stands for the lines not rendered.
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
    // One component for both kinds of connection, with the same hooks whatever the URL, and
    // all it keeps in one of them: every component and every hook costs its share of every
    // page that uses the console.
    let console = use_mut_ref(Console::default);
    let rerender = use_force_update();
    let own_url = match &props.url {
        ConsoleConnection::Own(url) => Some(url.clone()),
        _ => None,
    };
    let reconnecting = own_url.is_none() || props.reconnect.is_some();
    let events = logging(&console, &rerender, props, reconnecting);
    {
        let mut console = console.borrow_mut();
        console.keep(props.max_lines);
        *console.events.borrow_mut() = events.clone();
    }

    // A connection of its own, held only with a URL...
    let reconnect = props.reconnect.clone().unwrap_or_else(no_reconnection);
    let own = use_reconnecting_websocket(
        own_url
            .clone()
            .unwrap_or(WebSocketUrl::Fixed(AttrValue::Static(""))),
        UseReconnectingWebSocketOptions {
            reconnect: ReconnectOptions {
                protocols: props.protocols.clone(),
                ..reconnect
            },
            enabled: own_url.is_some(),
            on_event: Some(events),
            ..Default::default()
        },
    );
    // ...or the nearest provider's.
    let shared = use_context::<WebSocketContext>().filter(|_| own_url.is_none());

    // After every render: the provider's events, and what the log shows.
    {
        let provided = shared
            .as_ref()
            .and_then(|context| context.handle.connection());
        let (console, rerender) = (console.clone(), rerender.clone());
        use_effect(move || console.borrow_mut().rendered(provided, &rerender));
    }

    let (connection, url) = match (own_url, shared) {
        (Some(WebSocketUrl::Fixed(url)), _) => (own, url),
        (Some(_), _) => (own, AttrValue::Static("(a URL made at each attempt)")),
        (None, Some(context)) => (context.handle, AttrValue::Static("(shared connection)")),
        (None, None) => {
            panic!("WebSocketConsole without a url: no WebSocketProvider above this component")
        }
    };

    let on_scroll = {
        let console = console.clone();
        let rerender = rerender.clone();
        Callback::from(move |_: Event| {
            if console.borrow_mut().scrolled() {
                rerender.force_update();
            }
        })
    };
    let send = {
        let (connection, console, rerender) =
            (connection.clone(), console.clone(), rerender.clone());
        let own_sends_only = props.own_sends_only;
        Callback::from(move |()| {
            let input = console.borrow().input.clone();
            let Some(textarea) = input.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let message = Message::Text(textarea.value());
            let sent = connection.send(message.clone());
            if sent.is_ok() {
                textarea.set_value("");
            }
            let line = match sent {
                // Logged when it goes out, from the connection's `Sent` event.
                Ok(Sent::Now) if !own_sends_only => return,
                Ok(Sent::Now) => Line::message(LineKind::Sent, message),
                // Queued: said now, with the message (a sent line later comes from the
                // connection's `Sent` event, unless only this console's sends are shown).
                Ok(_) if own_sends_only => Line::queued(LineKind::Sent, message),
                Ok(_) => Line::queued(LineKind::Info, message),
                Err(error) => Line::note(LineKind::Error, format!("not sent: {error}")),
            };
            push(&console, &rerender, line);
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

    // Only the lines in view (and a screen's worth on either side) are rendered; the padding
    // above and below stands for the others, so the log scrolls as if they were all there.
    let mut kept = console.borrow_mut();
    let Console {
        lines,
        total,
        viewport,
        log,
        shown,
        input,
        ..
    } = &mut *kept;
    let (first, end, (above, below)) = viewport.render(lines.len());
    let first_id = *total - lines.len() as u64;
    let render_line = &props.render_line;
    let shown_lines: Html = (first..end)
        .zip(lines.range(first..end))
        .map(|(index, line)| {
            let key = first_id + index as u64;
            match render_line {
                Some(render) => html! {
                    <div {key} class="wsc-entry">{ render.emit(line.to_console_line()) }</div>
                },
                None => {
                    let mut tag = tag_with_class("p", line.kind.classes());
                    tag.add_child(line.text().into());
                    tag.key = Some(key.into());
                    tag.into()
                }
            }
        })
        .collect();
    let (log, shown, input) = (log.clone(), shown.clone(), input.clone());
    drop(kept);

    let ids = &props.ids;
    let labels = &props.labels;
    let class = match props.class.is_empty() {
        true => AttrValue::Static("wsc"),
        false => format!("wsc {}", props.class.to_string()).into(),
    };
    element(
        "section",
        class,
        html! {
            <>
                <style>{ DEFAULT_STYLE }</style>
                <header class="wsc-header">
                    <code class="wsc-url">{ url }</code>
                    if reconnecting && connection.queued_len > 0 {
                        <span class="wsc-queued">{ format!("{} queued", connection.queued_len) }</span>
                    }
                    { element("span", state_class, state_name.into()) }
                </header>
                <div class="wsc-log" id={ids.log.clone()} ref={log} role="log" aria-live="polite"
                    style="overflow-anchor: none" onscroll={on_scroll}>
                    { error }
                    <div ref={shown} style={format!("padding: {above}px 0 {below}px")}>{ shown_lines }</div>
                </div>
                <textarea class="wsc-input" id={ids.input.clone()} ref={input} rows="3"
                    placeholder={labels.placeholder.clone()} onkeydown={on_keydown} />
                <div class="wsc-actions">
                    if reconnecting && !stopped {
                        <button class="wsc-reconnect" onclick={action(|c| c.reconnect())}>{ labels.reconnect.clone() }</button>
                    }
                    <button class="wsc-send" id={ids.send.clone()} onclick={on_send_click} disabled={!can_send}>{ labels.send.clone() }</button>
                    // Once stopped, "open connection" is the one way back: no second button.
                    if stopped {
                        <button class="wsc-open" onclick={action(|c| c.open())}>{ labels.open.clone() }</button>
                    } else {
                        <button class="wsc-close" id={ids.close.clone()} onclick={action(|c| c.close())}
                            disabled={!live && !reconnecting}>{ labels.close.clone() }</button>
                    }
                </div>
            </>
        },
    )
}

/// The log's defaults, at zero specificity (`:where`), so that any rule of the page on
/// `.wsc-log` wins: a box of its own height that scrolls, which is what lets the console
/// render only the lines in view.
const DEFAULT_STYLE: &str = ":where(.wsc-log){height:18rem;overflow-y:auto}";

/// What a console keeps between renders.
#[derive(Default)]
struct Console {
    /// The kept lines, oldest first: at most `capacity` (`max_lines`).
    lines: VecDeque<Line>,
    capacity: usize,
    /// How many lines were ever kept: the next line's id (its key in the log).
    total: u64,
    /// The render asked for an animation frame, if one is pending: however many lines come
    /// in a frame, they render once.
    frame: Option<AnimationFrame>,
    /// When the lines last rendered (the animation frame's time).
    rendered_at: f64,
    /// The newest event callback, which the provider's subscription calls.
    events: Rc<RefCell<Callback<ConnectionEvent>>>,
    /// The subscription to the provider's connection, which ends when dropped.
    subscription: Option<(ReconnectingWebSocket, Subscription)>,
    /// Renders again when the log's size changes, from the first render on.
    resized: Option<ResizeWatch>,
    viewport: Viewport,
    log: NodeRef,
    shown: NodeRef,
    input: NodeRef,
}

impl Console {
    /// Keeps at most `capacity` lines from now on.
    fn keep(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.lines.len() > capacity {
            self.lines.pop_front();
        }
    }

    /// After a render: subscribes to the provider's events (or not), measures the log, and
    /// follows the newest line if the reader is at the bottom.
    fn rendered(
        &mut self,
        provided: Option<ReconnectingWebSocket>,
        rerender: &UseForceUpdateHandle,
    ) {
        let subscribed = self.subscription.as_ref().map(|(held, _)| held);
        if subscribed != provided.as_ref() {
            self.subscription = provided.map(|connection| {
                let events = Rc::clone(&self.events);
                let listening = connection.subscribe(move |event| {
                    let callback = events.borrow().clone();
                    callback.emit(event);
                });
                (connection, listening)
            });
        }
        let (Some(log), Some(shown)) = (
            self.log.cast::<web_sys::Element>(),
            self.shown.cast::<web_sys::Element>(),
        ) else {
            return;
        };
        if self.resized.is_none() {
            self.resized = ResizeWatch::new(&log, rerender.clone());
        }
        // Hidden (`display: none`, a closed tab say): every size reads 0. Nothing to measure
        // or follow until it is shown, which the resize watch renders for. (A closed
        // `<details>` still lays its content out: sizes there are real.)
        if log.client_height() == 0 {
            return;
        }
        let viewport = &mut self.viewport;
        // The reader may have scrolled since the last scroll event the browser delivered.
        let unseen = viewport.scrolled(&log);
        if viewport.measure(&log, &shown) || unseen {
            return rerender.force_update();
        }
        // At once: a smooth scroll may be left unfinished by the next render (Firefox), and
        // from further up only the padding that stands for the lines not rendered would scroll
        // by.
        if viewport.following && log.scroll_top() + log.client_height() < log.scroll_height() {
            log.set_scroll_top(log.scroll_height());
            // Ours: not the reader's, whenever its scroll event comes.
            viewport.last_top = f64::from(log.scroll_top());
        }
    }

    /// The reader scrolled. Returns whether lines now in view were not rendered.
    fn scrolled(&mut self) -> bool {
        match self.log.cast::<web_sys::Element>() {
            Some(log) => self.viewport.scrolled(&log),
            None => false,
        }
    }
}

/// Renders the console again whenever its log changes size: a log shown after being hidden, or
/// given another height, must render the lines now in view and follow the newest.
struct ResizeWatch {
    observer: web_sys::ResizeObserver,
    _callback: Closure<dyn FnMut()>,
}

impl ResizeWatch {
    /// `None` where the browser has no `ResizeObserver` (it has been in every engine since
    /// 2020): the log then renders anew with the next message.
    fn new(log: &web_sys::Element, rerender: UseForceUpdateHandle) -> Option<Self> {
        let callback = Closure::<dyn FnMut()>::new(move || rerender.force_update());
        let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(log);
        Some(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for ResizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Keeps `line`, and asks for a render unless one is pending.
fn push(console: &Rc<RefCell<Console>>, rerender: &UseForceUpdateHandle, line: Line) {
    let mut kept = console.borrow_mut();
    // What happens to the connection shows at once; messages may wait for the next render.
    let urgent = matches!(line.kind, LineKind::Info | LineKind::Error);
    kept.lines.push_back(line);
    kept.total += 1;
    if kept.lines.len() > kept.capacity {
        kept.lines.pop_front();
    }
    if kept.frame.is_none() || urgent {
        kept.frame = Some(next_render(
            Rc::downgrade(console),
            rerender.clone(),
            urgent,
        ));
    }
}

/// The least time between two renders for new messages, in milliseconds. A message that comes
/// after a quiet spell renders at the next animation frame; under a flood the log renders 20
/// times a second rather than at every frame: each render makes the browser lay out and paint
/// the log again, which costs more than all the messages of a frame.
const RENDER_INTERVAL: f64 = 50.0;

/// Renders at the first animation frame, or unless `urgent` at the first one at least
/// [`RENDER_INTERVAL`] after the last render.
fn next_render(
    console: Weak<RefCell<Console>>,
    rerender: UseForceUpdateHandle,
    urgent: bool,
) -> AnimationFrame {
    request_animation_frame(move |time| {
        let Some(shared) = console.upgrade() else {
            return;
        };
        let mut kept = shared.borrow_mut();
        if !urgent && time - kept.rendered_at < RENDER_INTERVAL {
            kept.frame = Some(next_render(console, rerender, false));
            return;
        }
        kept.rendered_at = time;
        kept.frame = None;
        drop(kept);
        rerender.force_update();
    })
}

/// A kept line. A message's text is not copied into it: the [`ConsoleLine`] (or the default
/// line's text) is made when the line is shown, and only the lines in view are.
struct Line {
    kind: LineKind,
    /// The message, for sent and received lines (and a queued one).
    message: Option<Message>,
    /// The text shown: a sentence, or in place of the message's own text ("... (queued)");
    /// empty for the message's own.
    note: String,
}

impl Line {
    fn note(kind: LineKind, note: String) -> Self {
        Self {
            kind,
            message: None,
            note,
        }
    }

    /// A message queued until the connection opens, said as `text (queued)`.
    fn queued(kind: LineKind, message: Message) -> Self {
        Self {
            kind,
            note: format!("{} (queued)", message.as_text().unwrap_or_default()),
            message: Some(message),
        }
    }

    fn message(kind: LineKind, message: Message) -> Self {
        Self {
            kind,
            message: Some(message),
            note: String::new(),
        }
    }

    fn text(&self) -> String {
        match &self.message {
            Some(message) if self.note.is_empty() => describe_message(message),
            _ => self.note.clone(),
        }
    }

    fn to_console_line(&self) -> ConsoleLine {
        ConsoleLine {
            kind: self.kind,
            text: self.text(),
            message: self.message.clone(),
        }
    }
}

/// A callback that logs each event as a line, and passes messages on.
fn logging(
    console: &Rc<RefCell<Console>>,
    rerender: &UseForceUpdateHandle,
    props: &WebSocketConsoleProps,
    reconnecting: bool,
) -> Callback<ConnectionEvent> {
    // Weak: the console keeps this callback for the provider's subscription.
    let (console, rerender) = (Rc::downgrade(console), rerender.clone());
    let (on_message, all_sends) = (props.on_message.clone(), !props.own_sends_only);
    Callback::from(move |event: ConnectionEvent| {
        match (&event, &on_message) {
            (ConnectionEvent::Message(message), Some(on_message)) => {
                on_message.emit(message.clone())
            }
            (ConnectionEvent::Sent(_), _) if !all_sends => return,
            _ => {}
        }
        if let (Some(line), Some(console)) =
            (describe_event(event, reconnecting), console.upgrade())
        {
            push(&console, &rerender, line);
        }
    })
}

/// `<name class={class}>children</name>`. `class={..}` in `html!` makes a set of classes at
/// each render, whose hash table costs every page that uses the console.
fn element(name: &'static str, class: impl Into<AttrValue>, children: Html) -> Html {
    let mut tag = tag_with_class(name, class);
    tag.add_child(children);
    tag.into()
}

fn tag_with_class(name: &'static str, class: impl Into<AttrValue>) -> VTag {
    let mut tag = VTag::new(name);
    tag.attributes = Attributes::Dynamic {
        keys: &["class"],
        values: Box::new([Some(AttributeOrProperty::Attribute(class.into()))]),
    };
    tag
}

/// The log's scrolling: which lines are in view, and whether it follows the newest one.
///
/// Lines are taken to be of one height, `pitch`, measured on the lines rendered while the log
/// follows the newest line, and kept while the reader scrolls (so that the lines in view do not
/// move under them). The rendered window is what the scroll position shows plus a screen's
/// worth on either side: its size depends on the log's height, never on how many lines are kept.
struct Viewport {
    /// Whether the log follows the newest line. Only the reader stops it, by scrolling up: the
    /// console's own scrolling only ever moves down (and `overflow-anchor: none` keeps the
    /// browser from moving the view when lines leave the top).
    following: bool,
    last_top: f64,
    /// The log's visible height and a line's height, in CSS pixels, as last measured.
    height: f64,
    pitch: f64,
    /// Whether `pitch` was measured yet.
    measured: bool,
    /// The last render: how many lines were kept, the rendered ones (`first..end`), and the
    /// padding that stood for the others above and below, in whole pixels.
    len: usize,
    first: usize,
    end: usize,
    padding: (u32, u32),
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            following: true,
            last_top: 0.0,
            // Guesses until the first measurement: a tall log, short lines.
            height: 1000.0,
            pitch: 16.0,
            measured: false,
            len: 0,
            first: 0,
            end: 0,
            padding: (0, 0),
        }
    }
}

impl Viewport {
    /// How many lines fill the log's height.
    fn screen(&self) -> usize {
        (self.height / self.pitch) as usize + 1
    }

    /// The first line in view, out of `len`.
    fn top_line(&self, len: usize) -> usize {
        let last_screen = len.saturating_sub(self.screen());
        if self.following {
            return last_screen;
        }
        ((self.last_top / self.pitch) as usize).min(last_screen)
    }

    /// The lines to render out of `len`: `first..end`.
    fn range(&self, len: usize) -> (usize, usize) {
        let (top, screen) = (self.top_line(len), self.screen());
        (top.saturating_sub(screen), (top + 2 * screen).min(len))
    }

    /// The lines to render out of `len`, and the padding above and below them; remembered as
    /// the last render.
    fn render(&mut self, len: usize) -> (usize, usize, (u32, u32)) {
        let (first, end) = self.range(len);
        let pixels = |lines: usize| (lines as f64 * self.pitch) as u32;
        self.padding = (pixels(first), pixels(len - end));
        (self.len, self.first, self.end) = (len, first, end);
        (first, end, self.padding)
    }

    /// Measures the log after a render; `shown` holds the rendered lines. Returns whether the
    /// first measurement calls for another window than the guesses rendered.
    fn measure(&mut self, log: &web_sys::Element, shown: &web_sys::Element) -> bool {
        let height = f64::from(log.client_height());
        // A hidden log (`display: none`) measures 0: keep what was known. A log
        // without a height of its own grows with its lines: no more than the page's viewport
        // is seen of it.
        if height > 0.0 {
            let viewport = log
                .owner_document()
                .and_then(|document| document.document_element())
                .map_or(0.0, |root| f64::from(root.client_height()));
            self.height = if viewport > 0.0 {
                height.min(viewport)
            } else {
                height
            };
        }
        let rendered = self.end - self.first;
        let (above, below) = self.padding;
        let block = f64::from(shown.client_height()) - f64::from(above) - f64::from(below);
        if !self.following || rendered == 0 || block <= 0.0 {
            return false;
        }
        self.pitch = (block / rendered as f64).max(1.0);
        let first = !std::mem::replace(&mut self.measured, true);
        first && self.range(self.len) != (self.first, self.end)
    }

    /// Notes the reader's scrolling. Returns whether lines now in view were not rendered:
    /// against the lines of the last render, since lines kept since have their own render
    /// coming in the next animation frame.
    fn scrolled(&mut self, log: &web_sys::Element) -> bool {
        let len = self.len;
        let top = f64::from(log.scroll_top());
        let bottom = f64::from(log.scroll_height() - log.client_height());
        if top + 1.0 < self.last_top {
            self.following = false;
        }
        if top >= bottom - 2.0 {
            self.following = true;
        }
        self.last_top = top;
        let wanted = self.top_line(len);
        wanted < self.first || (wanted + self.screen()).min(len) > self.end
    }
}

/// The state badge: the `readyState` name in the plain mode, as the sample page shows it, and
/// the connection's status in the reconnecting mode; and its classes.
fn state_label(status: &ConnectionStatus, reconnecting: bool) -> (AttrValue, &'static str) {
    let (name, class): (AttrValue, _) = match status {
        ConnectionStatus::Open => ("OPEN".into(), "wsc-state wsc-state-open"),
        ConnectionStatus::Connecting { attempt: 0 } => {
            ("CONNECTING".into(), "wsc-state wsc-state-connecting")
        }
        ConnectionStatus::Connecting { attempt } => (
            format!("CONNECTING (attempt {attempt})").into(),
            "wsc-state wsc-state-connecting",
        ),
        ConnectionStatus::Closing => ("CLOSING".into(), "wsc-state wsc-state-closing"),
        ConnectionStatus::Reconnecting { attempt, delay } if reconnecting => (
            format!("RECONNECTING (attempt {attempt} in {})", seconds(*delay)).into(),
            "wsc-state wsc-state-reconnecting",
        ),
        ConnectionStatus::GaveUp { .. } if reconnecting => {
            ("GAVE UP".into(), "wsc-state wsc-state-closed")
        }
        ConnectionStatus::Offline if reconnecting => {
            ("OFFLINE".into(), "wsc-state wsc-state-reconnecting")
        }
        _ => ("CLOSED".into(), "wsc-state wsc-state-closed"),
    };
    (name, class)
}

/// The log line an event makes, if any.
fn describe_event(event: ConnectionEvent, reconnecting: bool) -> Option<Line> {
    let info = Line::note;
    Some(match event {
        ConnectionEvent::Message(message) => Line::message(LineKind::Received, message),
        ConnectionEvent::Sent(message) => Line::message(LineKind::Sent, message),
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
    // In u64, not the u128 of `as_millis`: printing a u128 costs its own division routines.
    let tenths = (delay.as_millis() as u64 + 50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

fn describe_message(message: &Message) -> String {
    let bytes = match message {
        Message::Text(text) => return text.clone(),
        Message::Binary(bytes) => bytes.len() as u64,
        // `size()` is an `f64`: printed as one, it would bring float formatting into the page.
        Message::Blob(blob) => blob.size() as u64,
    };
    format!("[{bytes} bytes of binary]")
}

fn describe_close(event: &CloseEvent) -> String {
    let clean = if event.was_clean { "" } else { ", not clean" };
    let colon = if event.reason.is_empty() { "" } else { ": " };
    // The code as a u32, which the page prints anyway: a u16 would bring its own printing.
    let (code, reason) = (u32::from(event.code), &event.reason);
    format!("connection closed (code {code}{clean}){colon}{reason}")
}
