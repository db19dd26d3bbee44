//! What the browser-facing listeners share with the handles: the user's handlers, and the
//! state that futures and streams wait on.

use std::{
    cell::{Cell, RefCell},
    collections::VecDeque,
    rc::{Rc, Weak},
    task::{Context, Poll, Waker},
};

use crate::{CloseEvent, Message};

/// A user's handler for events carrying an `A`.
pub(crate) type Handler<A> = Box<dyn FnMut(A)>;

/// One event's handler. The listener calls [`HandlerSlot::call`]; users replace the handler
/// through [`HandlerSlot::set`], which drops (releases) the previous one.
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

    fn is_set(&self) -> bool {
        self.handler.borrow().is_some()
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

/// Messages waiting for one [`WebSocketStream`](crate::WebSocketStream) to take them.
#[derive(Default)]
pub(crate) struct StreamQueue {
    messages: RefCell<VecDeque<Message>>,
    ended: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl StreamQueue {
    fn push(&self, message: Message) {
        self.messages.borrow_mut().push_back(message);
        self.wake();
    }

    fn end(&self) {
        self.ended.set(true);
        self.wake();
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    /// The next message; `None` once the socket closed and every message was taken.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<Message>> {
        if let Some(message) = self.messages.borrow_mut().pop_front() {
            return Poll::Ready(Some(message));
        }
        if self.ended.get() {
            return Poll::Ready(None);
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Everything the four listeners dispatch to.
#[derive(Default)]
pub(crate) struct Events {
    pub(crate) open: HandlerSlot<()>,
    pub(crate) message: HandlerSlot<Message>,
    pub(crate) close: HandlerSlot<CloseEvent>,
    pub(crate) error: HandlerSlot<()>,
    /// Whether the open event fired.
    has_opened: Cell<bool>,
    /// Futures waiting for the socket to leave CONNECTING (open or closed).
    open_waiters: RefCell<Vec<Waker>>,
    /// Futures waiting for the close event.
    close_waiters: RefCell<Vec<Waker>>,
    /// The close event, once it fired.
    close_event: RefCell<Option<CloseEvent>>,
    /// The live streams, each receiving every message.
    streams: RefCell<Vec<Weak<StreamQueue>>>,
}

impl Events {
    pub(crate) fn opened(&self) {
        self.has_opened.set(true);
        wake_all(&self.open_waiters);
        self.open.call(());
    }

    /// Delivers a message to every stream and to the handler, moving it into the last of them.
    pub(crate) fn received(&self, message: Message) {
        let streams: Vec<Rc<StreamQueue>> = {
            let mut streams = self.streams.borrow_mut();
            streams.retain(|stream| stream.strong_count() > 0);
            streams.iter().filter_map(Weak::upgrade).collect()
        };
        match (streams.split_last(), self.message.is_set()) {
            (None, _) => self.message.call(message),
            (Some((last, others)), handler) => {
                for stream in others {
                    stream.push(message.clone());
                }
                if handler {
                    last.push(message.clone());
                    self.message.call(message);
                } else {
                    last.push(message);
                }
            }
        }
    }

    pub(crate) fn closed(&self, event: CloseEvent) {
        *self.close_event.borrow_mut() = Some(event.clone());
        for stream in self.streams.borrow().iter().filter_map(Weak::upgrade) {
            stream.end();
        }
        wake_all(&self.open_waiters);
        wake_all(&self.close_waiters);
        self.close.call(event);
    }

    pub(crate) fn failed(&self) {
        self.error.call(());
    }

    /// A new stream that receives every message from now on.
    pub(crate) fn subscribe(&self) -> Rc<StreamQueue> {
        let queue = Rc::new(StreamQueue::default());
        if self.close_event.borrow().is_some() {
            queue.end();
        }
        self.streams.borrow_mut().push(Rc::downgrade(&queue));
        queue
    }

    pub(crate) fn has_opened(&self) -> bool {
        self.has_opened.get()
    }

    pub(crate) fn close_event(&self) -> Option<CloseEvent> {
        self.close_event.borrow().clone()
    }

    pub(crate) fn wait_for_open(&self, cx: &Context<'_>) {
        register(&self.open_waiters, cx);
    }

    pub(crate) fn wait_for_close(&self, cx: &Context<'_>) {
        register(&self.close_waiters, cx);
    }
}

fn register(waiters: &RefCell<Vec<Waker>>, cx: &Context<'_>) {
    let mut waiters = waiters.borrow_mut();
    if !waiters.iter().any(|waker| waker.will_wake(cx.waker())) {
        waiters.push(cx.waker().clone());
    }
}

fn wake_all(waiters: &RefCell<Vec<Waker>>) {
    for waker in waiters.take() {
        waker.wake();
    }
}
