//! Where a socket's four browser listeners send their events: the user's handlers, the
//! streams, and the state that futures wait on. [`FanOut`] also carries the events of a
//! [`ReconnectingWebSocket`](crate::ReconnectingWebSocket).

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

    pub(crate) fn is_set(&self) -> bool {
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

/// Items waiting for one stream to take them: messages for a
/// [`WebSocketStream`](crate::WebSocketStream), events for
/// [`ConnectionEvents`](crate::ConnectionEvents).
pub(crate) struct StreamQueue<T = Message> {
    messages: RefCell<VecDeque<T>>,
    ended: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl<T> Default for StreamQueue<T> {
    fn default() -> Self {
        Self {
            messages: RefCell::new(VecDeque::new()),
            ended: Cell::new(false),
            waker: RefCell::new(None),
        }
    }
}

impl<T> StreamQueue<T> {
    pub(crate) fn push(&self, item: T) {
        self.messages.borrow_mut().push_back(item);
        self.wake();
    }

    pub(crate) fn end(&self) {
        self.ended.set(true);
        self.wake();
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    /// The next item; `None` once the queue ended and every item was taken.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
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

/// An in-process fan-out: delivers each item to every live stream and to the handler, cloning
/// for all but the last.
pub(crate) struct FanOut<T> {
    pub(crate) handler: HandlerSlot<T>,
    streams: RefCell<Vec<Weak<StreamQueue<T>>>>,
    ended: Cell<bool>,
}

impl<T> Default for FanOut<T> {
    fn default() -> Self {
        Self {
            handler: HandlerSlot::default(),
            streams: RefCell::new(Vec::new()),
            ended: Cell::new(false),
        }
    }
}

impl<T: Clone> FanOut<T> {
    pub(crate) fn deliver(&self, item: T) {
        // The common case, a handler and no stream, allocates nothing.
        if self.streams.borrow().is_empty() {
            return self.handler.call(item);
        }
        let streams: Vec<Rc<StreamQueue<T>>> = {
            let mut streams = self.streams.borrow_mut();
            streams.retain(|stream| stream.strong_count() > 0);
            streams.iter().filter_map(Weak::upgrade).collect()
        };
        match (streams.split_last(), self.handler.is_set()) {
            (None, _) => self.handler.call(item),
            (Some((last, others)), handler) => {
                for stream in others {
                    stream.push(item.clone());
                }
                if handler {
                    last.push(item.clone());
                    self.handler.call(item);
                } else {
                    last.push(item);
                }
            }
        }
    }

    /// A new stream that receives every item from now on.
    pub(crate) fn subscribe(&self) -> Rc<StreamQueue<T>> {
        let queue = Rc::new(StreamQueue::default());
        if self.ended.get() {
            queue.end();
        }
        self.streams.borrow_mut().push(Rc::downgrade(&queue));
        queue
    }

    /// Lets new streams receive items again after [`FanOut::end`].
    pub(crate) fn reopen(&self) {
        self.ended.set(false);
    }

    /// Ends every stream: no more items will come.
    pub(crate) fn end(&self) {
        self.ended.set(true);
        for stream in self.streams.borrow().iter().filter_map(Weak::upgrade) {
            stream.end();
        }
    }
}

/// Everything a socket's four listeners dispatch to.
#[derive(Default)]
pub(crate) struct Dispatch {
    pub(crate) open: HandlerSlot<()>,
    pub(crate) message: FanOut<Message>,
    pub(crate) close: HandlerSlot<CloseEvent>,
    pub(crate) error: HandlerSlot<()>,
    /// The subprotocols offered; the server must select one of them, or none if none.
    offered_protocols: Vec<String>,
    /// Whether the open event fired.
    has_opened: Cell<bool>,
    /// Whether wasm-ws failed the connection itself, where the engine opened a connection the
    /// standard says must fail; the engine's own later events are ignored.
    failed: Cell<bool>,
    /// Futures waiting for the socket to leave CONNECTING (open or closed).
    open_waiters: RefCell<Vec<Waker>>,
    /// Futures waiting for the close event.
    close_waiters: RefCell<Vec<Waker>>,
    /// The close event, once it fired.
    close_event: RefCell<Option<CloseEvent>>,
}

impl Dispatch {
    pub(crate) fn new(offered_protocols: Vec<String>) -> Self {
        Self {
            offered_protocols,
            ..Self::default()
        }
    }

    /// The engine opened `socket`. WHATWG WebSocket, "establish a WebSocket connection", and
    /// RFC 6455 section 4.1: a handshake response that selects a subprotocol the client did
    /// not offer, or none when some were offered, fails the connection. Chromium fails both;
    /// Firefox opens the socket (with an empty `protocol` in the second case). Here both fail
    /// in every engine: error, then close 1006, never open.
    pub(crate) fn opened(&self, socket: &web_sys::WebSocket) {
        let selected = socket.protocol();
        let acceptable = if selected.is_empty() {
            self.offered_protocols.is_empty()
        } else {
            self.offered_protocols.contains(&selected)
        };
        if !acceptable {
            self.failed.set(true);
            let _ = socket.close();
            self.error.call(());
            return self.finish(CloseEvent {
                code: 1006,
                reason: String::new(),
                was_clean: false,
            });
        }
        self.has_opened.set(true);
        wake_all(&self.open_waiters);
        self.open.call(());
    }

    pub(crate) fn received(&self, message: Message) {
        if !self.failed.get() {
            self.message.deliver(message);
        }
    }

    pub(crate) fn closed(&self, event: CloseEvent) {
        if !self.failed.get() {
            self.finish(event);
        }
    }

    fn finish(&self, event: CloseEvent) {
        *self.close_event.borrow_mut() = Some(event.clone());
        self.message.end();
        wake_all(&self.open_waiters);
        wake_all(&self.close_waiters);
        self.close.call(event);
    }

    pub(crate) fn failed(&self) {
        if !self.failed.get() {
            self.error.call(());
        }
    }

    /// Whether wasm-ws failed the connection itself (see [`Dispatch::opened`]): the socket is
    /// CLOSED to the user, whatever the engine's own state.
    pub(crate) fn failed_by_us(&self) -> bool {
        self.failed.get()
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
