//! One connection for a whole component tree: [`WebSocketProvider`](provider::WebSocketProvider)
//! opens it, and any descendant uses it through
//! [`use_websocket_context`](crate::use_websocket_context) (status, send, close, reconnect, the
//! queued length) and [`use_websocket_subscription`](crate::use_websocket_subscription) (the
//! messages).
//!
//! The context carries only what re-renders consumers when it changes (the status and the
//! queued length); messages go to subscribers' callbacks, so a message re-renders only the
//! subscribers that set state.

pub mod provider;

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use wasm_ws_client::ConnectionEvent;
use yew::Callback;

use crate::UseReconnectingWebSocketHandle;

/// The value a [`WebSocketProvider`](provider::WebSocketProvider) gives its subtree: the type
/// that names the context, with nothing of its own to read. Components take the connection
/// from it with [`use_websocket_context`](crate::use_websocket_context) (and the other
/// `use_websocket_*` and `use_json_websocket_context*` hooks), never directly.
#[derive(Clone, PartialEq)]
pub struct WebSocketContext {
    pub(crate) handle: UseReconnectingWebSocketHandle,
    pub(crate) subscribers: Subscribers,
}

/// A subscriber's newest callback, which its component updates at every render.
pub(crate) type LatestCallback = Rc<RefCell<Callback<ConnectionEvent>>>;

/// The event callbacks of a provider's subscribers (messages and the connection's life), by
/// subscription id.
#[derive(Clone, Default)]
pub(crate) struct Subscribers {
    entries: Rc<RefCell<Vec<(u64, LatestCallback)>>>,
    next_id: Rc<Cell<u64>>,
}

impl PartialEq for Subscribers {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
}

impl Subscribers {
    /// Adds a subscriber; returns the id that removes it.
    pub(crate) fn subscribe(&self, callback: LatestCallback) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.entries.borrow_mut().push((id, callback));
        id
    }

    pub(crate) fn unsubscribe(&self, id: u64) {
        self.entries.borrow_mut().retain(|(entry, _)| *entry != id);
    }

    /// Hands `event` to every subscriber, in the order they subscribed. A subscriber may
    /// subscribe or unsubscribe from inside its callback.
    pub(crate) fn deliver(&self, event: ConnectionEvent) {
        let callbacks: Vec<Callback<ConnectionEvent>> = self
            .entries
            .borrow()
            .iter()
            .map(|(_, callback)| callback.borrow().clone())
            .collect();
        if let Some((last, others)) = callbacks.split_last() {
            for callback in others {
                callback.emit(event.clone());
            }
            last.emit(event);
        }
    }

    /// A callback that delivers each event it is given.
    pub(crate) fn dispatcher(&self) -> Callback<ConnectionEvent> {
        let subscribers = self.clone();
        Callback::from(move |event| subscribers.deliver(event))
    }
}
