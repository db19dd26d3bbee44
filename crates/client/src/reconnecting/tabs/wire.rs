//! How what the tabs say crosses a `BroadcastChannel`: plain JS objects (structured clones),
//! each stamped with the relay's version and the app's, so that tabs of two versions never
//! misread each other. A message that does not parse is dropped and logged, never a panic.
//!
//! An object per message, `{v, app, from, kind, ...}`. An event is its name (`event`) with a
//! count `n`, milliseconds `ms`, a close (`code`, `reason`, `clean`) or an error (`error`,
//! `text`) as it needs; a status is an object of its own (`status`), its `name` with the same
//! fields: an event and the status after it may carry different counts.

use std::time::Duration;

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::relay::{self, Relayed, Said, RELAY_VERSION};
use crate::{CloseEvent, ConnectionEvent, ConnectionStatus, Error, Message, ReadyState};

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|value| !value.is_undefined())
}

fn number(object: &JsValue, key: &str) -> Result<f64, String> {
    get(object, key)
        .and_then(|value| value.as_f64())
        .ok_or_else(|| format!("no number {key:?}"))
}

fn text(object: &JsValue, key: &str) -> Result<String, String> {
    get(object, key)
        .and_then(|value| value.as_string())
        .ok_or_else(|| format!("no text {key:?}"))
}

/// A number as JavaScript writes it: Rust's `f64` formatting would add 13 kB to the module
/// for three error messages.
fn shown(n: f64) -> String {
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

fn count(object: &JsValue, key: &str) -> Result<u32, String> {
    let n = number(object, key)?;
    (n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n))
        .then_some(n as u32)
        .ok_or_else(|| format!("{key:?} is not a count: {}", shown(n)))
}

fn message_value(message: &Message) -> JsValue {
    match message {
        Message::Text(text) => JsValue::from_str(text),
        // Copied out of wasm memory: the channel clones it again.
        Message::Binary(bytes) => Uint8Array::from(bytes.as_slice()).buffer().into(),
        Message::Blob(blob) => blob.clone().into(),
    }
}

fn message_of(object: &JsValue) -> Result<Message, String> {
    let value = get(object, "data").ok_or("no data")?;
    if let Some(text) = value.as_string() {
        return Ok(Message::Text(text));
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Message::Binary(Uint8Array::new(buffer).to_vec()));
    }
    let blob = value.dyn_into::<web_sys::Blob>();
    blob.map(Message::Blob)
        .map_err(|_| "data is neither text, an ArrayBuffer nor a Blob".into())
}

fn set_error(object: &Object, error: &Error) {
    let (kind, text) = match error {
        Error::Syntax(text) => ("syntax", text.clone()),
        Error::InvalidAccess(text) => ("invalid-access", text.clone()),
        Error::InvalidState(text) => ("invalid-state", text.clone()),
        Error::Security(text) => ("security", text.clone()),
        Error::Closed(state) => ("closed", (*state as u16).to_string()),
        Error::Js(text) => ("js", text.clone()),
    };
    set(object, "error", kind);
    set(object, "text", text);
}

fn error_of(object: &JsValue) -> Result<Error, String> {
    let body = text(object, "text")?;
    Ok(match text(object, "error")?.as_str() {
        "syntax" => Error::Syntax(body),
        "invalid-access" => Error::InvalidAccess(body),
        "invalid-state" => Error::InvalidState(body),
        "security" => Error::Security(body),
        "closed" => Error::Closed(
            body.parse()
                .ok()
                .and_then(ReadyState::from_u16)
                .ok_or("a closed error without a readyState")?,
        ),
        "js" => Error::Js(body),
        other => return Err(format!("error {other:?}")),
    })
}

fn millis(delay: Duration) -> f64 {
    delay.as_secs_f64() * 1000.0
}

fn duration_of(object: &JsValue) -> Result<Duration, String> {
    let ms = number(object, "ms")?;
    Duration::try_from_secs_f64(ms / 1000.0).map_err(|_| format!("not a delay: {} ms", shown(ms)))
}

/// A status goes as the event that tells it, or by name where none does (idle, closed), in an
/// object of its own under `status`.
fn set_status(object: &Object, status: &ConnectionStatus) {
    let fields = Object::new();
    let name = match relay::event_of(status) {
        Some(event) => set_event_fields(&fields, &event),
        // The two that no event tells.
        None if matches!(status, ConnectionStatus::Idle) => "idle",
        None => "closed",
    };
    set(&fields, "name", name);
    set(object, "status", fields);
}

fn status_of(object: &JsValue) -> Result<ConnectionStatus, String> {
    let fields = get(object, "status").ok_or("no status")?;
    let name = text(&fields, "name")?;
    match name.as_str() {
        "idle" => Ok(ConnectionStatus::Idle),
        "closed" => Ok(ConnectionStatus::Closed),
        name => event_named(&fields, name)?
            .and_then(relay::status_after)
            .ok_or_else(|| format!("status {name:?}")),
    }
}

fn set_event(object: &Object, event: &ConnectionEvent) {
    let name = set_event_fields(object, event);
    set(object, "event", name);
}

/// Sets what `event` carries; returns its name.
fn set_event_fields(object: &Object, event: &ConnectionEvent) -> &'static str {
    match event {
        ConnectionEvent::Connecting { attempt } => {
            set(object, "n", *attempt);
            "connecting"
        }
        ConnectionEvent::Open => "open",
        ConnectionEvent::Error => "error",
        ConnectionEvent::Closed(close) => {
            set(object, "code", close.code);
            set(object, "reason", close.reason.as_str());
            set(object, "clean", close.was_clean);
            "closed"
        }
        ConnectionEvent::Reconnecting { attempt, delay } => {
            set(object, "n", *attempt);
            set(object, "ms", millis(*delay));
            "reconnecting"
        }
        ConnectionEvent::GaveUp { attempts } => {
            set(object, "n", *attempts);
            "gave-up"
        }
        ConnectionEvent::Offline => "offline",
        ConnectionEvent::Closing => "closing",
        ConnectionEvent::Failed(error) => {
            set_error(object, error);
            "failed"
        }
        // Not relayed (see `is_relayed`).
        _ => "none",
    }
}

fn event_of(object: &JsValue) -> Result<ConnectionEvent, String> {
    let name = text(object, "event")?;
    event_named(object, &name)?.ok_or_else(|| format!("event {name:?}"))
}

/// The event called `name`, with what it carries read from `object`; `None` for a name that is
/// no event's.
fn event_named(object: &JsValue, name: &str) -> Result<Option<ConnectionEvent>, String> {
    Ok(Some(match name {
        "connecting" => ConnectionEvent::Connecting {
            attempt: count(object, "n")?,
        },
        "open" => ConnectionEvent::Open,
        "error" => ConnectionEvent::Error,
        "closed" => ConnectionEvent::Closed(CloseEvent {
            code: u16::try_from(count(object, "code")?).map_err(|_| "not a close code")?,
            reason: text(object, "reason")?,
            was_clean: get(object, "clean").and_then(|clean| clean.as_bool()) == Some(true),
        }),
        "reconnecting" => ConnectionEvent::Reconnecting {
            attempt: count(object, "n")?,
            delay: duration_of(object)?,
        },
        "gave-up" => ConnectionEvent::GaveUp {
            attempts: count(object, "n")?,
        },
        "offline" => ConnectionEvent::Offline,
        "closing" => ConnectionEvent::Closing,
        "failed" => ConnectionEvent::Failed(error_of(object)?),
        _ => return Ok(None),
    }))
}

impl Relayed {
    /// The JS object posted on the channel, stamped with both versions.
    pub(super) fn encode(&self, app: &str) -> JsValue {
        let object = Object::new();
        set(&object, "v", RELAY_VERSION);
        set(&object, "app", app);
        // A tab's id is below 2^53: a JS number holds it exactly.
        set(&object, "from", self.from as f64);
        let kind = match &self.said {
            Said::Leader => "leader",
            Said::Join => "join",
            Said::Stands(status) => {
                set_status(&object, status);
                "stands"
            }
            Said::Event(event, status) => {
                set_event(&object, event);
                set_status(&object, status);
                "event"
            }
            Said::Message(message) => {
                set(&object, "data", message_value(message));
                "message"
            }
            Said::Send(message) => {
                set(&object, "data", message_value(message));
                "send"
            }
            Said::Taken { to, bytes } => {
                set(&object, "to", *to as f64);
                set(&object, "bytes", *bytes as f64);
                "taken"
            }
        };
        set(&object, "kind", kind);
        object.into()
    }

    /// What a channel message says, if it is one of ours, of these versions, and whole.
    pub(super) fn decode(value: &JsValue, app: &str) -> Result<Self, String> {
        if !value.is_object() {
            return Err("not an object".into());
        }
        let version = number(value, "v")?;
        if version != f64::from(RELAY_VERSION) {
            return Err(format!(
                "relay version {}, not {RELAY_VERSION}",
                shown(version)
            ));
        }
        let their_app = text(value, "app")?;
        if their_app != app {
            return Err(format!("app version {their_app:?}, not {app:?}"));
        }
        let from = number(value, "from")? as u64;
        let said = match text(value, "kind")?.as_str() {
            "leader" => Said::Leader,
            "join" => Said::Join,
            "stands" => Said::Stands(status_of(value)?),
            "event" => Said::Event(event_of(value)?, status_of(value)?),
            "message" => Said::Message(message_of(value)?),
            "send" => Said::Send(message_of(value)?),
            "taken" => Said::Taken {
                to: number(value, "to")? as u64,
                bytes: number(value, "bytes")? as usize,
            },
            other => return Err(format!("kind {other:?}")),
        };
        Ok(Self { from, said })
    }
}
