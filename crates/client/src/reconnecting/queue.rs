//! Messages sent while the connection is not open, waiting to go out in order.

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

#[derive(Debug, Default)]
pub(crate) struct Queue {
    messages: VecDeque<Message>,
    bytes: usize,
}

impl Queue {
    /// Whether `message` would fit within `limits`.
    pub(crate) fn fits(&self, message: &Message, limits: QueueLimits) -> bool {
        self.messages.len() < limits.max_messages
            && (self.bytes + message.byte_len() <= limits.max_bytes
                || super::core::sabotaged!(IgnoreByteLimit))
    }

    /// Adds a message at the back, or gives it back if it does not fit.
    pub(crate) fn push(&mut self, message: Message, limits: QueueLimits) -> Result<(), Message> {
        if !self.fits(&message, limits) {
            return Err(message);
        }
        let size = message.byte_len();
        self.bytes += size;
        self.messages.push_back(message);
        Ok(())
    }

    /// The oldest message, if any.
    pub(crate) fn front(&self) -> Option<&Message> {
        self.messages.front()
    }

    pub(crate) fn pop(&mut self) -> Option<Message> {
        let message = self.messages.pop_front()?;
        self.bytes -= message.byte_len();
        Some(message)
    }

    pub(crate) fn len(&self) -> usize {
        self.messages.len()
    }

    /// Removes the oldest message `matches` accepts, if any.
    pub(crate) fn remove_first(&mut self, matches: impl Fn(&Message) -> bool) -> Option<Message> {
        let position = self.messages.iter().position(matches)?;
        let message = self.messages.remove(position)?;
        self.bytes -= message.byte_len();
        Some(message)
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn snapshot(&self) -> Vec<Message> {
        self.messages.iter().cloned().collect()
    }

    pub(crate) fn drain(&mut self) -> Vec<Message> {
        self.bytes = 0;
        self.messages.drain(..).collect()
    }
}
