//! `WebSocketConsole`: the tutorial's sample page as a reusable component.

use std::{collections::VecDeque, rc::Rc};

use wasm_ws::{CloseEvent, Message, ReadyState};
use web_sys::{HtmlTextAreaElement, ScrollBehavior, ScrollToOptions};
use yew::prelude::*;

use crate::{use_websocket, UseWebSocketOptions};

/// Properties of [`WebSocketConsole`].
#[derive(Properties, PartialEq, Clone)]
pub struct WebSocketConsoleProps {
    /// The socket's URL; relative URLs resolve against the page (`/websocket/test` becomes
    /// `ws://host/websocket/test` on http and `wss://...` on https).
    pub url: AttrValue,
    /// How many log lines the box keeps; older ones scroll out. Default: 1000.
    #[prop_or(1000)]
    pub max_lines: usize,
}

/// The tutorial's sample page: received messages in a box that scrolls smoothly to the newest, a
/// textarea, a send button (Ctrl+Enter also sends), a "close connection" button and the
/// current `readyState` by name.
///
/// Class names, for styling: `wsc`, `wsc-header`, `wsc-state` (plus `wsc-state-open` and the
/// like), `wsc-log`, `wsc-line` (plus `wsc-received`, `wsc-info` or `wsc-error`), `wsc-input`,
/// `wsc-send`, `wsc-close`.
///
/// ```no_run
/// use wasm_ws_yew::WebSocketConsole;
/// use yew::prelude::*;
///
/// #[function_component]
/// fn App() -> Html {
///     html! { <WebSocketConsole url="/websocket/test" max_lines={200} /> }
/// }
/// ```
#[function_component]
pub fn WebSocketConsole(props: &WebSocketConsoleProps) -> Html {
    let log = use_mut_ref(Log::default);
    let rerender = use_force_update();
    let log_box = use_node_ref();
    let input = use_node_ref();
    let append = {
        let (log, rerender, max_lines) = (log.clone(), rerender.clone(), props.max_lines);
        Rc::new(move |kind: LineKind, text: String| {
            log.borrow_mut().push(kind, text, max_lines);
            rerender.force_update();
        })
    };

    let options = UseWebSocketOptions {
        on_open: Some(logger(&append, LineKind::Info, |()| {
            "connection open".into()
        })),
        on_message: Some(logger(&append, LineKind::Received, describe_message)),
        on_close: Some(logger(&append, LineKind::Info, describe_close)),
        on_error: Some(logger(&append, LineKind::Error, |()| {
            "connection failed".into()
        })),
        ..UseWebSocketOptions::default()
    };
    let socket = use_websocket(&props.url, options);

    // After every new line, scroll the box smoothly to the newest one.
    {
        let log_box = log_box.clone();
        use_effect_with(log.borrow().next_id, move |_| {
            if let Some(element) = log_box.cast::<web_sys::Element>() {
                let options = ScrollToOptions::new();
                options.set_top(f64::from(element.scroll_height()));
                options.set_behavior(ScrollBehavior::Smooth);
                element.scroll_to_with_scroll_to_options(&options);
            }
        });
    }

    let send = {
        let (socket, input) = (socket.clone(), input.clone());
        Callback::from(move |()| {
            let Some(textarea) = input.cast::<HtmlTextAreaElement>() else {
                return;
            };
            match socket.send(&Message::Text(textarea.value())) {
                Ok(()) => textarea.set_value(""),
                Err(error) => append(LineKind::Error, format!("not sent: {error}")),
            }
        })
    };
    let on_send_click = send.reform(|_: MouseEvent| ());
    let on_keydown = Callback::from(move |event: KeyboardEvent| {
        if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
            event.prevent_default();
            send.emit(());
        }
    });
    let on_close_click = {
        let socket = socket.clone();
        Callback::from(move |_: MouseEvent| socket.close())
    };

    let state = socket.ready_state;
    let error = socket
        .open_error
        .as_ref()
        .map(|error| html! { <p class="wsc-line wsc-error">{ error.to_string() }</p> });
    html! {
        <section class="wsc">
            <header class="wsc-header">
                <code class="wsc-url">{ &props.url }</code>
                <span class={classes!("wsc-state", format!("wsc-state-{}", state.name().to_lowercase()))}>{ state.name() }</span>
            </header>
            <div class="wsc-log" ref={log_box} role="log" aria-live="polite">
                { error }
                { for log.borrow().lines.iter().map(|(id, line)| html! {
                    <p key={*id} class={classes!("wsc-line", line.kind.class())}>{ &line.text }</p>
                }) }
            </div>
            <textarea class="wsc-input" ref={input} rows="3" placeholder="Message (Ctrl+Enter sends)" onkeydown={on_keydown} />
            <div class="wsc-actions">
                <button class="wsc-send" onclick={on_send_click} disabled={state != ReadyState::Open}>{ "Send" }</button>
                <button class="wsc-close" onclick={on_close_click} disabled={!matches!(state, ReadyState::Connecting | ReadyState::Open)}>{ "Close connection" }</button>
            </div>
        </section>
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

#[derive(Clone, Copy, PartialEq)]
enum LineKind {
    Received,
    Info,
    Error,
}

impl LineKind {
    fn class(self) -> &'static str {
        match self {
            Self::Received => "wsc-received",
            Self::Info => "wsc-info",
            Self::Error => "wsc-error",
        }
    }
}

/// The lines on screen, each with a stable id for keyed rendering.
#[derive(Default)]
struct Log {
    lines: VecDeque<(u64, LoggedLine)>,
    next_id: u64,
}

struct LoggedLine {
    kind: LineKind,
    text: String,
}

impl Log {
    /// Appends a line, dropping the oldest ones beyond `max_lines`.
    fn push(&mut self, kind: LineKind, text: String, max_lines: usize) {
        self.lines
            .push_back((self.next_id, LoggedLine { kind, text }));
        self.next_id += 1;
        while self.lines.len() > max_lines {
            self.lines.pop_front();
        }
    }
}

/// A callback that appends one line, of `kind`, describing each value it receives.
fn logger<T: 'static>(
    append: &Rc<impl Fn(LineKind, String) + 'static>,
    kind: LineKind,
    describe: fn(&T) -> String,
) -> Callback<T> {
    let append = Rc::clone(append);
    Callback::from(move |value: T| append(kind, describe(&value)))
}
