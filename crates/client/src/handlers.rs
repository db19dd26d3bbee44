//! Replaceable event handlers that can be called, replaced or cleared from inside themselves.

use std::cell::{Cell, RefCell};

/// A user's handler for events carrying an `A`.
pub(crate) type Handler<A> = Box<dyn FnMut(A)>;

/// One event's handler. The browser-facing listener calls [`HandlerSlot::call`]; users replace
/// the handler through [`HandlerSlot::set`], which drops (releases) the previous one.
pub(crate) struct HandlerSlot<A> {
    handler: RefCell<Option<Handler<A>>>,
    /// Bumped by every `set`, so `call` knows whether the running handler was replaced.
    generation: Cell<u64>,
}

impl<A> Default for HandlerSlot<A> {
    fn default() -> Self {
        Self {
            handler: RefCell::new(None),
            generation: Cell::new(0),
        }
    }
}

impl<A> HandlerSlot<A> {
    pub(crate) fn set(&self, handler: Option<Handler<A>>) {
        self.generation.set(self.generation.get() + 1);
        // Drop the old handler after the borrow ends, in case its drop touches this slot.
        let previous = self.handler.replace(handler);
        drop(previous);
    }

    /// Runs the handler, if any. The handler is taken out while it runs, so it may send, close,
    /// or set a new handler for this very event without a double borrow.
    pub(crate) fn call(&self, argument: A) {
        let Some(mut handler) = self.handler.borrow_mut().take() else {
            return;
        };
        let generation = self.generation.get();
        handler(argument);
        if self.generation.get() == generation {
            *self.handler.borrow_mut() = Some(handler);
        }
    }
}
