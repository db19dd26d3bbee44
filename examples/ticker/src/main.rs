//! Ticker: a second app on wasm-ws-yew, through its public API only.
//!
//! One `WebSocketProvider` holds the page's only connection, to the sample endpoint of
//! wasm-ws-server. Everything on the page shares it: a status badge (status, attempt, queued
//! count), a sparkline of the numbers the server pushes every second (a message history with a
//! filter that parses them), a form that sends a typed JSON note and shows it coming back (the
//! endpoint echoes it; its greeting and pushes are not notes, which shows how decode errors
//! surface), and the console, restyled, in a collapsible drawer.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use wasm_ws_yew::{
    json::JsonDecodeError, use_json_websocket_context, use_message_history, use_websocket_context,
    use_websocket_subscription, Backoff, ConnectionStatus, HistoryOptions, Message,
    ReconnectOptions, Sent, WebSocketConsole, WebSocketProvider,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The endpoint, relative to the page: the server that serves the app.
const URL: &str = "/websocket/test";
/// How many pushed numbers the sparkline shows.
const POINTS: usize = 60;

/// What the form sends, as JSON, and expects back from the echo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Note {
    text: String,
    sent_at: f64,
}

/// Back quickly after a cut (1 s, doubling to 10 s), and at once when the laptop wakes or the
/// network returns.
fn reconnect_options() -> ReconnectOptions {
    ReconnectOptions {
        backoff: Backoff {
            max: Duration::from_secs(10),
            ..Backoff::default()
        },
        reconnect_on_wake: true,
        ..ReconnectOptions::default()
    }
}

#[function_component]
fn App() -> Html {
    // Built at every render: only a new URL, protocols or binary type would reconnect.
    html! {
        <WebSocketProvider url={URL} reconnect={Some(reconnect_options())}>
            <main>
                <header>
                    <h1>{ "Ticker" }</h1>
                    <StatusBadge />
                </header>
                <Sparkline />
                <EchoForm />
                <details class="drawer panel">
                    <summary>{ "Console" }</summary>
                    // No url: the console shows the provider's connection.
                    <WebSocketConsole max_lines={200} class="ticker-console" />
                </details>
            </main>
        </WebSocketProvider>
    }
}

/// The connection's status, attempt and queued count.
#[function_component]
fn StatusBadge() -> Html {
    let connection = use_websocket_context();
    let (text, class) = match &connection.status {
        ConnectionStatus::Open => ("open".to_owned(), "open"),
        ConnectionStatus::Connecting { attempt: 0 } => ("connecting".to_owned(), ""),
        ConnectionStatus::Connecting { attempt } => (format!("connecting (attempt {attempt})"), ""),
        ConnectionStatus::Reconnecting { attempt, delay } => (
            format!(
                "reconnecting (attempt {attempt} in {:.1} s)",
                delay.as_secs_f64()
            ),
            "down",
        ),
        ConnectionStatus::Offline => ("offline".to_owned(), "down"),
        ConnectionStatus::GaveUp { .. } => ("gave up".to_owned(), "down"),
        // Closing, Closed, Failed, and whatever a later version adds.
        _ => ("closed".to_owned(), "down"),
    };
    html! {
        <span class={classes!("badge", class)}>
            <span class="status">{ text }</span>
            if connection.queued_len > 0 {
                <span class="queued">{ format!("{} queued", connection.queued_len) }</span>
            }
        </span>
    }
}

/// The last pushed numbers, as a line.
#[function_component]
fn Sparkline() -> Html {
    let history = use_message_history(HistoryOptions::keeping(POINTS, |message: Message| {
        message
            .as_text()?
            .parse::<f64>()
            .ok()
            .filter(|value| (0.0..1.0).contains(value))
    }));
    use_websocket_subscription(history.record());
    let entries = history.entries();
    let points: String = entries
        .iter()
        .enumerate()
        .map(|(x, entry)| format!("{x},{:.3} ", 1.0 - entry.value))
        .collect();
    let latest = entries
        .back()
        .map_or_else(|| "–".to_owned(), |entry| format!("{:.2}", entry.value));
    html! {
        <section class="panel">
            <h2>{ "Pushed numbers" }</h2>
            <div class="latest">{ latest }</div>
            <svg class="sparkline" viewBox={format!("0 0 {} 1", POINTS - 1)} preserveAspectRatio="none"
                data-points={entries.len().to_string()}>
                <polyline points={points} />
            </svg>
            <p class="muted">{ format!("{} received", history.total()) }</p>
        </section>
    }
}

/// Messages that were not notes: how many, and the last one.
#[derive(Default, PartialEq)]
struct NotNotes {
    count: u64,
    last: String,
}

impl Reducible for NotNotes {
    type Action = Message;

    fn reduce(self: std::rc::Rc<Self>, message: Message) -> std::rc::Rc<Self> {
        std::rc::Rc::new(Self {
            count: self.count + 1,
            last: match message {
                Message::Text(text) => text,
                other => format!("{other:?}"),
            },
        })
    }
}

/// Sends a typed note as JSON over the shared connection and shows the echo.
#[function_component]
fn EchoForm() -> Html {
    let echoed = use_state(|| None::<Note>);
    let outcome = use_state(String::new);
    let not_notes = use_reducer(NotNotes::default);
    let input = use_node_ref();
    let on_message = {
        let echoed = echoed.setter();
        Callback::from(move |note: Note| echoed.set(Some(note)))
    };
    let on_decode_error = {
        let not_notes = not_notes.dispatcher();
        Callback::from(move |error: JsonDecodeError| not_notes.dispatch(error.message))
    };
    let notes = use_json_websocket_context::<Note, Note>(on_message, Some(on_decode_error));
    let onsubmit = {
        let (input, outcome) = (input.clone(), outcome.setter());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(field) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let note = Note {
                text: field.value(),
                sent_at: js_sys::Date::now(),
            };
            outcome.set(match notes.send(&note) {
                Ok(Sent::Now) => "sent".to_owned(),
                Ok(_) => "queued: it goes out once the connection is back".to_owned(),
                Err(error) => format!("not sent: {error}"),
            });
            field.set_value("");
        })
    };
    html! {
        <section class="panel">
            <h2>{ "Typed JSON, echoed" }</h2>
            <form {onsubmit}>
                <input ref={input} class="note" placeholder="A note to send as JSON" />
                <button type="submit">{ "Send" }</button>
            </form>
            <p class="muted outcome">{ (*outcome).clone() }</p>
            if let Some(note) = &*echoed {
                <p class="echo">{ format!("echoed: {:?} (sent at {:.0})", note.text, note.sent_at) }</p>
            }
            <p class="muted decode-errors">
                { format!("{} messages were not notes; the last: {:?}", not_notes.count, not_notes.last) }
            </p>
        </section>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
