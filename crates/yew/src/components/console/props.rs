//! What a page gives the console: its props, labels and element ids, where its connection
//! comes from, and the line a custom renderer receives.

use wasm_ws_client::{Message, ReconnectOptions};
use yew::{html::IntoPropValue, prelude::*};

use crate::WebSocketUrl;

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
    pub(super) fn classes(self) -> &'static str {
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
    /// This tab leads a connection shared across tabs. Default: "leading tab".
    pub leading: AttrValue,
    /// This tab follows another's. Default: "following tab".
    pub following: AttrValue,
    /// This tab connects alone. Default: "this tab alone".
    pub alone: AttrValue,
}

impl Default for ConsoleLabels {
    fn default() -> Self {
        Self {
            send: "Send".into(),
            close: "Close connection".into(),
            open: "Open connection".into(),
            reconnect: "Reconnect".into(),
            placeholder: "Message (Ctrl+Enter sends)".into(),
            leading: "leading tab".into(),
            following: "following tab".into(),
            alone: "this tab alone".into(),
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

/// Properties of [`WebSocketConsole`](super::WebSocketConsole); every optional one has a documented default.
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
