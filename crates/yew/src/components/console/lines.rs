//! The log's lines: what each event of the connection says, and the lines kept, at most
//! `max_lines`, oldest first. A message's text is not copied into its line: it is made when the
//! line is shown, and only the lines in view are.

use std::collections::VecDeque;

use wasm_ws_client::{CloseEvent, ConnectionEvent, Message};

use super::{
    props::{ConsoleLine, LineKind},
    size::{binary_size, printed_code, seconds},
};

/// The lines kept, oldest first, and how many were ever kept (the next line's id, its key in
/// the log).
#[derive(Default)]
pub(super) struct Lines {
    pub(super) lines: VecDeque<Line>,
    capacity: usize,
    pub(super) total: u64,
}

impl Lines {
    /// Keeps at most `capacity` lines from now on.
    pub(super) fn keep(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.lines.len() > capacity {
            self.lines.pop_front();
        }
    }

    pub(super) fn push(&mut self, line: Line) {
        self.lines.push_back(line);
        self.total += 1;
        if self.lines.len() > self.capacity {
            self.lines.pop_front();
        }
    }

    /// The id of the oldest line kept.
    pub(super) fn first_id(&self) -> u64 {
        self.total - self.lines.len() as u64
    }
}

/// A kept line.
pub(super) struct Line {
    pub(super) kind: LineKind,
    /// The message, for sent and received lines (and a queued one).
    message: Option<Message>,
    /// The text shown: a sentence, or in place of the message's own text ("... (queued)");
    /// empty for the message's own.
    note: String,
}

impl Line {
    pub(super) fn note(kind: LineKind, note: String) -> Self {
        Self {
            kind,
            message: None,
            note,
        }
    }

    /// A message queued until the connection opens, said as `text (queued)`.
    pub(super) fn queued(kind: LineKind, message: Message) -> Self {
        Self {
            kind,
            note: format!("{} (queued)", message.as_text().unwrap_or_default()),
            message: Some(message),
        }
    }

    pub(super) fn message(kind: LineKind, message: Message) -> Self {
        Self {
            kind,
            message: Some(message),
            note: String::new(),
        }
    }

    pub(super) fn text(&self) -> String {
        match &self.message {
            Some(message) if self.note.is_empty() => describe_message(message),
            _ => self.note.clone(),
        }
    }

    pub(super) fn to_console_line(&self) -> ConsoleLine {
        ConsoleLine {
            kind: self.kind,
            text: self.text(),
            message: self.message.clone(),
        }
    }
}

/// The log line an event makes, if any.
pub(super) fn describe_event(event: ConnectionEvent, reconnecting: bool) -> Option<Line> {
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

fn describe_message(message: &Message) -> String {
    match binary_size(message) {
        Some(bytes) => format!("[{bytes} bytes of binary]"),
        None => message.as_text().unwrap_or_default().to_owned(),
    }
}

fn describe_close(event: &CloseEvent) -> String {
    let clean = if event.was_clean { "" } else { ", not clean" };
    let colon = if event.reason.is_empty() { "" } else { ": " };
    let (code, reason) = (printed_code(event.code), &event.reason);
    format!("connection closed (code {code}{clean}){colon}{reason}")
}
