//! The socket's four events as they happen, timestamped: `open`, `message`, `error`, `close`
//! (with its code, reason and `wasClean`), and the reconnecting layer's own lines between
//! connections.

use wasm_ws_yew::{
    use_message_history, use_websocket_events, ConnectionEvent, HistoryOptions, Message,
};
use yew::prelude::*;

use crate::mdn;

/// What the log keeps.
const KEPT: usize = 200;

/// One line of the log.
#[derive(Clone, PartialEq)]
struct Entry {
    at: String,
    /// `open`, `message`, `error`, `close`, or `info` for the reconnecting layer's own.
    kind: &'static str,
    text: String,
}

#[function_component]
pub fn EventLog() -> Html {
    // Lines the component pushes itself; none made from messages directly.
    let entries = use_message_history(HistoryOptions::pushed(KEPT));
    {
        let entries = entries.clone();
        use_websocket_events(Callback::from(move |event| {
            if let Some((kind, text)) = describe(event) {
                entries.push(Entry {
                    at: now(),
                    kind,
                    text,
                });
            }
        }));
    }
    let legend = ["open", "message", "error", "close"].map(|kind| {
        let page = mdn::page(&(String::from("WebSocket/") + kind + "_event"));
        html! { <a class="event" data-kind={kind} href={page}>{ String::from("on") + kind }</a> }
    });
    html! {
        <section class="card events" aria-label="Events">
            <h2>{ "Events " }<span class="legend">{ for legend }</span></h2>
            <ol id="event-log" class="event-log" reversed=true>
                { for entries.entries().iter().rev().map(|entry| html! {
                    <li key={entry.id} class="event" data-kind={entry.value.kind}>
                        <time>{ &entry.value.at }</time>
                        <b>{ entry.value.kind }</b>
                        <span>{ &entry.value.text }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}

/// The log line for an event, if it has one (messages sent show in the sample's box).
fn describe(event: ConnectionEvent) -> Option<(&'static str, String)> {
    Some(match event {
        ConnectionEvent::Open => ("open", "readyState is OPEN".into()),
        ConnectionEvent::Message(message) => ("message", describe_message(&message)),
        ConnectionEvent::Error => ("error", "the connection failed; close follows".into()),
        ConnectionEvent::Closed(close) => {
            let clean = if close.was_clean {
                "clean"
            } else {
                "not clean"
            };
            let reason = match close.reason.as_str() {
                "" => String::from("no reason"),
                reason => format!("reason \"{reason}\""),
            };
            ("close", format!("code {}, {reason}, {clean}", close.code))
        }
        ConnectionEvent::Connecting { attempt: 0 } => ("info", "new WebSocket(url)".into()),
        ConnectionEvent::Connecting { attempt } => {
            ("info", format!("new WebSocket(url), attempt {attempt}"))
        }
        ConnectionEvent::Reconnecting { attempt, delay } => (
            "info",
            format!("attempt {attempt} in {} ms", delay.as_millis() as u64),
        ),
        ConnectionEvent::Offline => ("info", "offline: waiting for the network".into()),
        ConnectionEvent::GaveUp { attempts } => {
            ("info", format!("gave up after {attempts} attempts"))
        }
        _ => return None,
    })
}

/// What `event.data` was: a string, or binary as the `binaryType` in force made it.
fn describe_message(message: &Message) -> String {
    match message {
        Message::Text(text) => format!("data is a string: \"{text}\""),
        Message::Binary(bytes) => format!("data is an ArrayBuffer of {} bytes", bytes.len()),
        Message::Blob(blob) => format!("data is a Blob of {} bytes", blob.size() as u64),
    }
}

/// The time of day, `12:03:04.567`.
fn now() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds(),
        date.get_milliseconds()
    )
}
