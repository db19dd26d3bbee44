//! Messages waiting their turn: the outbound queue, and the window of messages that await
//! acknowledgement. Each message comes with its size, measured by the driver (a `Blob`'s size
//! is the browser's to tell), so that the core never asks the browser anything.

use std::collections::VecDeque;

use crate::Message;

/// How much the outbound queue may hold. A send that would exceed either bound is refused
/// with [`SendError::QueueFull`](crate::SendError::QueueFull), never dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// The most messages. Default: 1000.
    pub max_messages: usize,
    /// The most bytes (UTF-8 bytes of text, bytes of binary; a Blob counts its size).
    /// Default: 1 MiB.
    pub max_bytes: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        Self {
            max_messages: 1000,
            max_bytes: 1024 * 1024,
        }
    }
}

/// An application message on its way out, with the bytes it counts for (as `bufferedAmount`
/// counts them: UTF-8 bytes of text, bytes of binary, a Blob's size).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outgoing {
    pub(crate) message: Message,
    pub(crate) bytes: usize,
    /// Sent for the tab of this id, which follows this one (see `tabs/`): that tab keeps it
    /// until acknowledged, so it never enters this connection's window; and that tab paces
    /// it (its flow control counts it until it is on the wire here), so this queue's limits
    /// do not refuse it.
    pub(crate) relayed: Option<u64>,
}

impl Outgoing {
    /// `message`, measured.
    pub(crate) fn new(message: Message) -> Self {
        let bytes = message.byte_len();
        Self {
            message,
            bytes,
            relayed: None,
        }
    }

    /// `message`, measured, sent for the following tab `from`.
    pub(crate) fn relayed(message: Message, from: u64) -> Self {
        Self {
            relayed: Some(from),
            ..Self::new(message)
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Queue {
    messages: VecDeque<Outgoing>,
    bytes: usize,
}

impl Queue {
    /// Whether `outgoing` would fit within `limits`.
    pub(crate) fn fits(&self, outgoing: &Outgoing, limits: QueueLimits) -> bool {
        self.messages.len() < limits.max_messages
            && self.bytes.saturating_add(outgoing.bytes) <= limits.max_bytes
    }

    /// Adds a message at the back, or gives it back if it does not fit (a following tab's
    /// always fits: that tab paces it).
    pub(crate) fn push(&mut self, outgoing: Outgoing, limits: QueueLimits) -> Result<(), Outgoing> {
        if outgoing.relayed.is_none() && !self.fits(&outgoing, limits) {
            return Err(outgoing);
        }
        self.bytes += outgoing.bytes;
        self.messages.push_back(outgoing);
        Ok(())
    }

    /// Adds at the back a message already accepted (the caller checked that it fits).
    pub(crate) fn push_accepted(&mut self, outgoing: Outgoing) {
        self.bytes += outgoing.bytes;
        self.messages.push_back(outgoing);
    }

    /// Puts back at the front a message taken from this queue (or accepted into it) earlier:
    /// it was within the limits then, and an accepted message is never dropped.
    pub(crate) fn put_back(&mut self, outgoing: Outgoing) {
        self.bytes += outgoing.bytes;
        self.messages.push_front(outgoing);
    }

    /// The oldest message, if any.
    pub(crate) fn front(&self) -> Option<&Outgoing> {
        self.messages.front()
    }

    pub(crate) fn pop(&mut self) -> Option<Outgoing> {
        let outgoing = self.messages.pop_front()?;
        self.bytes -= outgoing.bytes;
        Some(outgoing)
    }

    pub(crate) fn len(&self) -> usize {
        self.messages.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Removes the oldest message `matches` accepts, if any.
    pub(crate) fn remove_first(&mut self, matches: impl Fn(&Message) -> bool) -> Option<Message> {
        let position = self
            .messages
            .iter()
            .position(|held| matches(&held.message))?;
        let outgoing = self.messages.remove(position)?;
        self.bytes -= outgoing.bytes;
        Some(outgoing.message)
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// The messages, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Outgoing> {
        self.messages.iter()
    }

    pub(crate) fn snapshot(&self) -> Vec<Message> {
        self.iter().map(|held| held.message.clone()).collect()
    }

    pub(crate) fn drain(&mut self) -> Vec<Message> {
        self.bytes = 0;
        self.messages.drain(..).map(|held| held.message).collect()
    }
}
