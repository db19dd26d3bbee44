//! What the tabs of a shared connection say to each other over their `BroadcastChannel`: plain
//! JS objects (structured clones), each with the relay's version and the app's, so that tabs
//! of two versions never misread each other. A message that does not parse is dropped and
//! logged, never a panic.

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::{CloseEvent, Message};

/// The relay's own version: a tab only reads messages of the same one (its channel's name
/// carries it too).
pub(super) const RELAY_VERSION: u32 = 1;

/// What one tab says to the others.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Said {
    /// A tab took the lead (it holds the lock, and the socket).
    Leader,
    /// A following tab asks where the shared connection stands.
    Join,
    /// The leader: the shared socket opened.
    Open,
    /// The leader: a message arrived on the shared socket.
    Message(Message),
    /// The leader: the shared socket closed.
    Closed(CloseEvent),
    /// The leader: where the shared connection stands, as one of its status events
    /// (`Debug`-free: a short name and numbers).
    Status(RelayedStatus),
    /// A following tab: send this on the shared socket.
    Send(Message),
}

/// A status event of the leader's connection, as relayed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum RelayedStatus {
    Connecting { attempt: u32 },
    Reconnecting { attempt: u32, delay_ms: f64 },
    GaveUp { attempts: u32 },
    Offline,
}

/// One relayed message: who said it, and what.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Relayed {
    pub(super) from: String,
    pub(super) said: Said,
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|value| !value.is_undefined())
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key)?.as_f64()
}

fn message_value(message: &Message) -> JsValue {
    match message {
        Message::Text(text) => JsValue::from_str(text),
        // Copied out of wasm memory: the channel clones it again.
        Message::Binary(bytes) => Uint8Array::from(bytes.as_slice()).buffer().into(),
        Message::Blob(blob) => blob.clone().into(),
    }
}

fn message_of(value: &JsValue) -> Option<Message> {
    if let Some(text) = value.as_string() {
        return Some(Message::Text(text));
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Some(Message::Binary(Uint8Array::new(buffer).to_vec()));
    }
    value.clone().dyn_into::<web_sys::Blob>().ok().map(Message::Blob)
}

impl Relayed {
    /// The JS object posted on the channel, stamped with both versions.
    pub(super) fn encode(&self, app: &str) -> JsValue {
        let object = Object::new();
        set(&object, "v", RELAY_VERSION);
        set(&object, "app", app);
        set(&object, "from", self.from.as_str());
        let kind = match &self.said {
            Said::Leader => "leader",
            Said::Join => "join",
            Said::Open => "open",
            Said::Message(message) => {
                set(&object, "data", message_value(message));
                "message"
            }
            Said::Closed(close) => {
                set(&object, "code", close.code);
                set(&object, "reason", close.reason.as_str());
                set(&object, "clean", close.was_clean);
                "closed"
            }
            Said::Status(status) => {
                let (name, first, second) = match *status {
                    RelayedStatus::Connecting { attempt } => ("connecting", attempt, 0.0),
                    RelayedStatus::Reconnecting { attempt, delay_ms } => {
                        ("reconnecting", attempt, delay_ms)
                    }
                    RelayedStatus::GaveUp { attempts } => ("gave-up", attempts, 0.0),
                    RelayedStatus::Offline => ("offline", 0, 0.0),
                };
                set(&object, "status", name);
                set(&object, "n", first);
                set(&object, "ms", second);
                "status"
            }
            Said::Send(message) => {
                set(&object, "data", message_value(message));
                "send"
            }
        };
        set(&object, "kind", kind);
        object.into()
    }

    /// What a channel message says, if it is one of ours, of these versions, and whole.
    pub(super) fn decode(value: &JsValue, app: &str) -> Result<Self, String> {
        let version = number(value, "v");
        if version != Some(f64::from(RELAY_VERSION)) {
            return Err(format!("relay version {version:?}, not {RELAY_VERSION}"));
        }
        let their_app = get(value, "app").and_then(|app| app.as_string());
        if their_app.as_deref() != Some(app) {
            return Err(format!("app version {their_app:?}, not {app:?}"));
        }
        let from = get(value, "from")
            .and_then(|from| from.as_string())
            .ok_or("no sender")?;
        let kind = get(value, "kind").and_then(|kind| kind.as_string());
        let data = || get(value, "data").as_ref().and_then(message_of).ok_or("no data");
        let count = |key| number(value, key).map(|n| n as u32).ok_or("no count");
        let said = match kind.as_deref() {
            Some("leader") => Said::Leader,
            Some("join") => Said::Join,
            Some("open") => Said::Open,
            Some("message") => Said::Message(data()?),
            Some("send") => Said::Send(data()?),
            Some("closed") => Said::Closed(CloseEvent {
                code: count("code")? as u16,
                reason: get(value, "reason")
                    .and_then(|reason| reason.as_string())
                    .unwrap_or_default(),
                was_clean: get(value, "clean").and_then(|clean| clean.as_bool()) == Some(true),
            }),
            Some("status") => {
                let name = get(value, "status").and_then(|name| name.as_string());
                let (n, ms) = (count("n")?, number(value, "ms").unwrap_or(0.0));
                Said::Status(match name.as_deref() {
                    Some("connecting") => RelayedStatus::Connecting { attempt: n },
                    Some("reconnecting") => RelayedStatus::Reconnecting {
                        attempt: n,
                        delay_ms: ms,
                    },
                    Some("gave-up") => RelayedStatus::GaveUp { attempts: n },
                    Some("offline") => RelayedStatus::Offline,
                    other => return Err(format!("status {other:?}")),
                })
            }
            other => return Err(format!("kind {other:?}")),
        };
        Ok(Self { from, said })
    }
}
