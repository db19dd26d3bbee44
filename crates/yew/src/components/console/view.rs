//! The console itself: its connection (its own, or the nearest provider's), its state between
//! renders, and its markup.

use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::{closure::Closure, JsCast};
use wasm_ws_client::{
    reconnecting::Subscription, ConnectionEvent, ConnectionStatus, Message, ReconnectOptions,
    ReconnectingWebSocket, TabRole,
};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::{
    clock::RenderClock,
    lines::{self, Line, Lines},
    props::{ConsoleConnection, LineKind, WebSocketConsoleProps},
    send,
    size::{element, tag_with_class},
    status,
    viewport::{Measurements, Viewport, Window},
};
use crate::{
    handles::{
        context::WebSocketContext,
        reconnecting::{
            no_reconnection, UseReconnectingWebSocketHandle, UseReconnectingWebSocketOptions,
        },
    },
    use_reconnecting_websocket, WebSocketUrl,
};

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
/// the like), `wsc-role` (whether this tab leads a connection shared across tabs, follows one,
/// or connects alone; its `data-role` is `leading`, `following` or `alone`), `wsc-queued`, `wsc-log`, `wsc-line` (plus [`LineKind::class`]), `wsc-input`,
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
        console.log.keep(props.max_lines);
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
            let Some(line) = send::reported(sent, message, own_sends_only) else {
                return;
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
    let (state_name, state_class) = status::state_label(status, reconnecting);
    let live = status::is_live(status);
    let stopped = status.is_stopped();
    let can_send = status::can_send(status, reconnecting);
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
        log: kept_lines,
        viewport,
        log_ref: log,
        shown,
        input,
        ..
    } = &mut *kept;
    let lines = &kept_lines.lines;
    let Window {
        first,
        end,
        above,
        below,
    } = viewport.render(lines.len());
    let first_id = kept_lines.first_id();
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
    // Whether this tab leads a connection shared across tabs, follows one, or connects alone.
    let (role_name, role_label) = match connection.role {
        TabRole::Leading => ("leading", &labels.leading),
        TabRole::Following => ("following", &labels.following),
        _ => ("alone", &labels.alone),
    };
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
                    <span class="wsc-role" data-role={role_name}>{ role_label.clone() }</span>
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
    /// The kept lines, at most `max_lines`.
    log: Lines,
    clock: RenderClock,
    /// The newest event callback, which the provider's subscription calls.
    events: Rc<RefCell<Callback<ConnectionEvent>>>,
    /// The subscription to the provider's connection, which ends when dropped.
    subscription: Option<(ReconnectingWebSocket, Subscription)>,
    /// Renders again when the log's size changes, from the first render on.
    resized: Option<ResizeWatch>,
    viewport: Viewport,
    log_ref: NodeRef,
    shown: NodeRef,
    input: NodeRef,
}

impl Console {
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
            self.log_ref.cast::<web_sys::Element>(),
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
        // The reader may have scrolled since the last scroll event the browser delivered.
        let unseen = self.scrolled();
        let page = log
            .owner_document()
            .and_then(|document| document.document_element())
            .map_or(0.0, |root| f64::from(root.client_height()));
        let measured = Measurements {
            log: f64::from(log.client_height()),
            page,
            shown: f64::from(shown.client_height()),
        };
        let viewport = &mut self.viewport;
        if viewport.measure(measured) || unseen {
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
        let Some(log) = self.log_ref.cast::<web_sys::Element>() else {
            return false;
        };
        let top = f64::from(log.scroll_top());
        let bottom = f64::from(log.scroll_height() - log.client_height());
        self.viewport.scrolled(top, bottom)
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
    kept.log.push(line);
    kept.clock.request(rerender, urgent);
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
        if let (Some(line), Some(console)) = (
            lines::describe_event(event, reconnecting),
            console.upgrade(),
        ) {
            push(&console, &rerender, line);
        }
    })
}
