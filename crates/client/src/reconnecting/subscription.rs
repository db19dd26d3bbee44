//! One listener among any number: see [`ReconnectingWebSocket::subscribe`](super::ReconnectingWebSocket::subscribe).

use std::rc::Rc;

use super::ConnectionEvent;
use crate::dispatch::HandlerSlot;

/// A listener to a connection's events, listening until dropped (as gloo's `EventListener`).
/// Made by [`ReconnectingWebSocket::subscribe`](super::ReconnectingWebSocket::subscribe); it
/// does not keep the connection alive.
#[must_use = "the listener is removed when the subscription is dropped"]
pub struct Subscription {
    _listener: Rc<HandlerSlot<ConnectionEvent>>,
}

impl Subscription {
    pub(super) fn new(listener: Rc<HandlerSlot<ConnectionEvent>>) -> Self {
        Self {
            _listener: listener,
        }
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subscription")
    }
}
