//! Where a socket's four browser listeners send their events: the user's handlers, the
//! streams, and the state that futures wait on. [`FanOut`] also carries the events of a
//! [`ReconnectingWebSocket`](crate::ReconnectingWebSocket).
//!
//! Why one file of this length: the four listeners, the fan-out and the failure rule are one
//! mechanism (one failure rule for every cause, issue 29); split, each piece would reach into
//! the others' state.

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

/// An in-process fan-out: delivers each item to every live stream, every listener and the
/// handler, in that order, cloning for all but the last.
pub(crate) struct FanOut<T> {
    pub(crate) handler: HandlerSlot<T>,
    /// The streams and listeners, behind a trait object made by the first
    /// [`FanOut::subscribe`] or [`FanOut::listen`]: a page that asks for neither does not
    /// download the code that feeds them.
    sinks: RefCell<Option<Rc<dyn Sinks<T>>>>,
    ended: Cell<bool>,
}

impl<T> Default for FanOut<T> {
    fn default() -> Self {
        Self {
            handler: HandlerSlot::default(),
            sinks: RefCell::new(None),
            ended: Cell::new(false),
        }
    }
}

impl<T: Clone + 'static> FanOut<T> {
    pub(crate) fn deliver(&self, item: T) {
        // Cloned out of the cell: a handler may subscribe while the item is delivered.
        let sinks = self.sinks.borrow().clone();
        match sinks {
            // The common case, a handler alone, allocates nothing.
            None => self.handler.call(item),
            Some(sinks) => sinks.deliver(item, &self.handler),
        }
    }

    fn sinks(&self) -> Rc<dyn Sinks<T>> {
        Rc::clone(
            self.sinks
                .borrow_mut()
                .get_or_insert_with(|| Rc::new(SinkList::<T>::default())),
        )
    }

    /// A new stream that receives every item from now on.
    pub(crate) fn subscribe(&self) -> Rc<StreamQueue<T>> {
        let queue = Rc::new(StreamQueue::default());
        if self.ended.get() {
            queue.end();
        }
        self.sinks().add(Sink::Stream(Rc::downgrade(&queue)));
        queue
    }

    /// A new listener, called with every item from now on for as long as the returned slot
    /// lives.
    pub(crate) fn listen(&self, handler: Handler<T>) -> Rc<HandlerSlot<T>> {
        let slot = Rc::new(HandlerSlot::default());
        slot.set(Some(handler));
        self.sinks().add(Sink::Listener(Rc::downgrade(&slot)));
        slot
    }

    /// Lets new streams receive items again after [`FanOut::end`].
    pub(crate) fn reopen(&self) {
        self.ended.set(false);
    }

    /// Ends every stream: no more items will come.
    pub(crate) fn end(&self) {
        self.ended.set(true);
        let sinks = self.sinks.borrow().clone();
        if let Some(sinks) = sinks {
            sinks.end();
        }
    }
}

/// The streams' and listeners' side of a [`FanOut`].
trait Sinks<T> {
    /// Delivers `item` to every live sink and then to `handler`.
    fn deliver(&self, item: T, handler: &HandlerSlot<T>);
    fn add(&self, sink: Sink<T>);
    fn end(&self);
}

/// Where an item goes besides the handler; held weakly, so that dropping it is leaving.
enum Sink<T> {
    Stream(Weak<StreamQueue<T>>),
    Listener(Weak<HandlerSlot<T>>),
}

/// A sink held for one delivery.
enum Held<T> {
    Stream(Rc<StreamQueue<T>>),
    Listener(Rc<HandlerSlot<T>>),
}

impl<T> Sink<T> {
    fn is_live(&self) -> bool {
        match self {
            Self::Stream(stream) => stream.strong_count() > 0,
            Self::Listener(listener) => listener.strong_count() > 0,
        }
    }

    fn upgrade(&self) -> Option<Held<T>> {
        match self {
            Self::Stream(stream) => stream.upgrade().map(Held::Stream),
            Self::Listener(listener) => listener.upgrade().map(Held::Listener),
        }
    }
}

struct SinkList<T> {
    sinks: RefCell<Vec<Sink<T>>>,
}

impl<T> Default for SinkList<T> {
    fn default() -> Self {
        Self {
            sinks: RefCell::new(Vec::new()),
        }
    }
}

impl<T: Clone> Sinks<T> for SinkList<T> {
    fn deliver(&self, item: T, handler: &HandlerSlot<T>) {
        let held: Vec<Held<T>> = {
            let mut sinks = self.sinks.borrow_mut();
            sinks.retain(Sink::is_live);
            sinks.iter().filter_map(Sink::upgrade).collect()
        };
        // Cloned for all but the last taker.
        let (count, handler_set) = (held.len(), handler.is_set());
        let mut item = Some(item);
        for (position, sink) in held.iter().enumerate() {
            let own = if handler_set || position + 1 < count {
                item.clone()
            } else {
                item.take()
            };
            let Some(own) = own else { break };
            match sink {
                Held::Stream(stream) => stream.push(own),
                // This turn's handle is the only one left when the subscription was dropped
                // while the item was delivered: it hears nothing more.
                Held::Listener(listener) if Rc::strong_count(listener) > 1 => listener.call(own),
                Held::Listener(_) => {}
            }
        }
        if let Some(item) = item {
            handler.call(item);
        }
    }

    fn add(&self, sink: Sink<T>) {
        self.sinks.borrow_mut().push(sink);
    }

    fn end(&self) {
        for sink in self.sinks.borrow().iter() {
            if let Sink::Stream(stream) = sink {
                if let Some(stream) = stream.upgrade() {
                    stream.end();
                }
            }
        }
    }
}

/// Where a socket stands, as its events have told it. The engine's own `readyState` is read
/// only while `Connecting` or `Open`: once wasm-ws has reported the close, the socket is
/// CLOSED whatever the engine says, and the engine's later events are ignored.
#[derive(Debug, Clone, Default)]
enum Lifecycle {
    #[default]
    Connecting,
    Open,
    /// The close event was delivered (the engine's, or one wasm-ws made when the connection
    /// failed); `opened` says whether the open event came first.
    Closed {
        event: CloseEvent,
        opened: bool,
    },
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
    lifecycle: RefCell<Lifecycle>,
    /// Futures waiting for the socket to leave CONNECTING (open or closed).
    open_waiters: RefCell<Vec<Waker>>,
    /// Futures waiting for the close event.
    close_waiters: RefCell<Vec<Waker>>,
}

/// The close event of a failed connection: WHATWG WebSocket, "fail the WebSocket connection",
/// then "the WebSocket connection is closed" without a closing handshake (RFC 6455 section
/// 7.1.5: 1006, not clean).
fn failure() -> CloseEvent {
    CloseEvent {
        code: 1006,
        reason: String::new(),
        was_clean: false,
    }
}

impl Dispatch {
    pub(crate) fn new(offered_protocols: Vec<String>) -> Self {
        Self {
            offered_protocols,
            ..Self::default()
        }
    }

    fn is_closed(&self) -> bool {
        matches!(*self.lifecycle.borrow(), Lifecycle::Closed { .. })
    }

    /// The engine opened `socket`. WHATWG WebSocket, "establish a WebSocket connection", and
    /// RFC 6455 section 4.1: a handshake response that selects a subprotocol the client did
    /// not offer, or none when some were offered, fails the connection. Chromium fails both;
    /// Firefox opens the socket (with an empty `protocol` in the second case). Here both fail
    /// in every engine: error, then close 1006, never open.
    pub(crate) fn opened(&self, socket: &web_sys::WebSocket) {
        if self.is_closed() {
            return;
        }
        let selected = socket.protocol();
        let acceptable = if selected.is_empty() {
            self.offered_protocols.is_empty()
        } else {
            self.offered_protocols.contains(&selected)
        };
        if !acceptable {
            let _ = socket.close();
            return self.fail();
        }
        *self.lifecycle.borrow_mut() = Lifecycle::Open;
        wake_all(&self.open_waiters);
        self.open.call(());
    }

    pub(crate) fn received(&self, message: Message) {
        if !self.is_closed() {
            self.message.deliver(message);
        }
    }

    /// The engine's close event.
    pub(crate) fn closed(&self, event: CloseEvent) {
        if !self.is_closed() {
            self.finish(event);
        }
    }

    /// The engine's error event: the connection failed. As the standard says, the socket is
    /// CLOSED when `error` fires, and `close` (1006) follows in the same task, in every engine
    /// (WebKit, for a blocked port, fires `error` while CONNECTING and never `close`).
    pub(crate) fn failed(&self) {
        if !self.is_closed() {
            self.fail();
        }
    }

    /// Fails the connection: CLOSED, `error`, then `close` with 1006.
    fn fail(&self) {
        let opened = matches!(*self.lifecycle.borrow(), Lifecycle::Open);
        let event = failure();
        self.close_now(event.clone(), opened);
        self.error.call(());
        self.deliver_close(event);
    }

    fn finish(&self, event: CloseEvent) {
        let opened = matches!(*self.lifecycle.borrow(), Lifecycle::Open);
        self.close_now(event.clone(), opened);
        self.deliver_close(event);
    }

    /// The socket is CLOSED from now on, and anything waiting hears so.
    fn close_now(&self, event: CloseEvent, opened: bool) {
        *self.lifecycle.borrow_mut() = Lifecycle::Closed { event, opened };
        self.message.end();
        wake_all(&self.open_waiters);
        wake_all(&self.close_waiters);
    }

    fn deliver_close(&self, event: CloseEvent) {
        self.close.call(event);
    }

    /// Whether the close event was delivered: the socket is CLOSED to the user, whatever the
    /// engine's own state.
    pub(crate) fn closed_already(&self) -> bool {
        self.is_closed()
    }

    /// Whether the connection ended without ever opening: its `protocol` and `extensions` are
    /// empty, as a connection the engine failed would have them.
    pub(crate) fn never_opened(&self) -> bool {
        matches!(
            *self.lifecycle.borrow(),
            Lifecycle::Closed { opened: false, .. }
        )
    }

    /// `Some(Ok)` once open (even if closed since), `Some(Err(close))` if it closed without
    /// opening, `None` while connecting.
    pub(crate) fn open_outcome(&self) -> Option<Result<(), CloseEvent>> {
        match &*self.lifecycle.borrow() {
            Lifecycle::Connecting => None,
            Lifecycle::Open | Lifecycle::Closed { opened: true, .. } => Some(Ok(())),
            Lifecycle::Closed { event, .. } => Some(Err(event.clone())),
        }
    }

    pub(crate) fn close_event(&self) -> Option<CloseEvent> {
        match &*self.lifecycle.borrow() {
            Lifecycle::Closed { event, .. } => Some(event.clone()),
            _ => None,
        }
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
