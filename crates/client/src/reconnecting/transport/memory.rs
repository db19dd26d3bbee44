//! A network that exists only as data: sockets whose other end is a script, and a virtual
//! clock whose deadlines come exactly when the script moves time past them. The crate's own
//! tests run the real driver on it, and [`testing`](crate::testing) hands it to apps.
//!
//! Like the browser, it never calls back while the driver is calling in: what the sockets say
//! waits as a task until the script's next step runs the tasks, one at a time, in order.
//!
//! Why one file of this length: the fake network's sockets, clock and task queue are one model
//! whose parts share one state; the script's side is `testing/`.

use std::{
    any::Any,
    cell::{Cell, RefCell},
    collections::VecDeque,
    fmt,
    rc::Rc,
};

use super::{Clock, Socket, SocketEvent, SocketListener, Transport};
use crate::{
    reconnecting::{
        core::{Time, Wake},
        tabs::memory::Groups,
    },
    BinaryType, CloseEvent, Error, Message, ReadyState, WebSocket,
};

/// The network: every socket ever opened on it (a link, numbered in the order opened), the
/// tasks waiting to run, the clock, and what the browser would say about being online.
#[derive(Clone, Default)]
pub(crate) struct Network {
    shared: Rc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: RefCell<State>,
    /// Tasks are being run further up the stack: that loop runs the ones added meanwhile.
    running: Cell<bool>,
    /// In the browser: a run of the tasks is scheduled.
    #[cfg(target_arch = "wasm32")]
    scheduled: Cell<bool>,
    /// The connections shared across tabs: each is a tab (see `tabs/memory.rs`).
    tabs: RefCell<Groups>,
}

struct State {
    now: Time,
    /// The deadlines set, one per clock, and what to call then.
    timers: Vec<Timer>,
    next_clock: u64,
    /// How many deadlines the clocks were given.
    deadlines_set: usize,
    links: Vec<Link>,
    tasks: VecDeque<Task>,
    /// Whether the server answers a client's Close frame by itself (a real server does): the
    /// client's close event comes at the next task. Without, the script ends the connection.
    answers_closes: bool,
    online: bool,
    wake_listeners: Vec<(u64, WakeListener)>,
    next_listener: u64,
    /// The next socket cannot be made.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    refuse_next_open: bool,
}

/// More deadlines than this at one instant is a busy loop: nothing real sets so many.
const BUSY_LOOP: u32 = 10_000;

/// What waits to run on a link, in order.
enum Task {
    /// An event for the client.
    Event(usize, SocketEvent),
    /// The server answers the client's Close frame: the connection ends cleanly with the
    /// client's code (1005 if it gave none).
    CloseHandshake(usize),
    /// What waited for the link's buffer to drain hears how much it holds.
    Drained(DrainCall, usize),
    /// Anything else that happens in a task of its own (what one tab says to another).
    Later(Box<dyn FnOnce()>),
}

/// A clock's deadline: the clock, when, and what to call then.
type Timer = (u64, Time, Rc<dyn Fn()>);

/// Hears how much a link's buffer holds, once drained enough.
type DrainCall = Box<dyn FnOnce(usize)>;

/// Hears the machine wake up.
type WakeListener = Rc<dyn Fn(Wake)>;

impl Default for State {
    fn default() -> Self {
        Self {
            now: Time::ZERO,
            timers: Vec::new(),
            next_clock: 0,
            deadlines_set: 0,
            links: Vec::new(),
            tasks: VecDeque::new(),
            answers_closes: true,
            online: true,
            wake_listeners: Vec::new(),
            next_listener: 0,
            #[cfg(all(test, not(target_arch = "wasm32")))]
            refuse_next_open: false,
        }
    }
}

/// One socket, as both ends see it.
pub(crate) struct Link {
    /// The URL the client connected to.
    pub(crate) url: String,
    /// The subprotocols it offered.
    pub(crate) protocols: Vec<String>,
    /// The browser's `readyState` for it.
    pub(crate) ready_state: ReadyState,
    /// How the client asked for binary messages: at the open, then as it changed.
    pub(crate) binary_type: BinaryType,
    /// The subprotocol the server selected.
    pub(crate) protocol: String,
    /// The extensions the server selected.
    pub(crate) extensions: String,
    /// The server answers nothing more: no close handshake, no automatic answer.
    pub(crate) silent: bool,
    /// What the server answers by itself: a message equal to the first, with the second.
    pub(crate) answers: Vec<(Message, Message)>,
    /// Every message the client handed to it, in order, with when.
    pub(crate) sent: Vec<(Time, Message)>,
    /// How many times the client tried to send while it was still CONNECTING.
    pub(crate) sends_while_connecting: usize,
    /// How many other sockets the client held when it opened this one.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) others_held: usize,
    /// What the client sent that the server has not read yet.
    pub(crate) unread: VecDeque<Message>,
    /// Who waits for what the client sent to drain to a number of bytes (the browser's
    /// `bufferedAmount` here: what the server has not read).
    drained: Option<(usize, DrainCall)>,
    /// The client asked to close it, with this code and reason if any.
    pub(crate) closed_by_client: Option<Option<(u16, String)>>,
    /// The client let it go: it hears nothing more.
    pub(crate) released: bool,
    listener: Option<SocketListener>,
}

impl Link {
    /// The browser's `bufferedAmount`: the bytes of what the server has not read.
    pub(crate) fn buffered(&self) -> usize {
        self.unread.iter().map(Message::byte_len).sum()
    }
}

impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Link")
            .field("url", &self.url)
            .field("ready_state", &self.ready_state)
            .field("sent", &self.sent)
            .field("closed_by_client", &self.closed_by_client)
            .field("released", &self.released)
            .finish_non_exhaustive()
    }
}

/// A failed connection's close event (WHATWG WebSocket, "fail the WebSocket connection").
fn failure() -> CloseEvent {
    CloseEvent {
        code: 1006,
        reason: String::new(),
        was_clean: false,
    }
}

impl Network {
    fn with<T>(&self, read: impl FnOnce(&mut State) -> T) -> T {
        read(&mut self.shared.state.borrow_mut())
    }

    /// Reads link `index`.
    pub(crate) fn link<T>(&self, index: usize, read: impl FnOnce(&Link) -> T) -> Option<T> {
        self.with(|state| state.links.get(index).map(read))
    }

    /// How many sockets were opened.
    pub(crate) fn links(&self) -> usize {
        self.with(|state| state.links.len())
    }

    fn task(&self, index: usize, event: SocketEvent) {
        self.queue(Task::Event(index, event));
    }

    /// Queues `task`. In the browser, the tasks then run in a task of their own, as the
    /// browser's own events do, even if the script takes no step: a socket the client closes
    /// tells it so.
    fn queue(&self, task: Task) {
        self.with(|state| state.tasks.push_back(task));
        #[cfg(target_arch = "wasm32")]
        if !self.shared.scheduled.replace(true) {
            let network = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                network.shared.scheduled.set(false);
                network.run();
            });
        }
    }

    /// Runs `task` in a task of its own, in order with the sockets' events.
    pub(crate) fn later(&self, task: Box<dyn FnOnce()>) {
        self.queue(Task::Later(task));
    }

    /// Reads or changes the groups of tabs on this network.
    pub(crate) fn tabs<T>(&self, change: impl FnOnce(&mut Groups) -> T) -> T {
        change(&mut self.shared.tabs.borrow_mut())
    }

    /// Changes link `index` (the script's business: what the server does, or says it does).
    pub(crate) fn change<T>(&self, index: usize, change: impl FnOnce(&mut Link) -> T) -> Option<T> {
        self.with(|state| state.links.get_mut(index).map(change))
    }

    // Only the crate's own tests script this.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Whether the server answers a client's Close frame by itself (by default it does).
    pub(crate) fn answer_closes(&self, answer: bool) {
        self.with(|state| state.answers_closes = answer);
    }

    /// Runs the tasks that wait, in order, with those they add, unless a run is already under
    /// way further up the stack.
    pub(crate) fn run(&self) {
        if self.shared.running.replace(true) {
            return;
        }
        while let Some(task) = self.with(|state| state.tasks.pop_front()) {
            let (index, event) = match task {
                Task::Drained(call, amount) => {
                    call(amount);
                    continue;
                }
                Task::Later(task) => {
                    task();
                    continue;
                }
                Task::Event(index, event) => (index, event),
                Task::CloseHandshake(index) => {
                    let code = self.with(|state| {
                        let link = state.links.get_mut(index)?;
                        if link.ready_state != ReadyState::Closing || link.silent {
                            return None;
                        }
                        link.ready_state = ReadyState::Closed;
                        link.closed_by_client.clone()
                    });
                    let Some(code) = code else { continue };
                    let (code, reason) = code.unwrap_or((1005, String::new()));
                    let event = CloseEvent {
                        code,
                        reason,
                        was_clean: true,
                    };
                    (index, SocketEvent::Close(event))
                }
            };
            let listener = self.with(|state| {
                let link = state.links.get(index)?;
                link.listener.clone().filter(|_| !link.released)
            });
            if let Some(listener) = listener {
                listener(event);
            }
        }
        self.shared.running.set(false);
    }

    // Only the crate's own tests script this.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// Runs `steps` as one: the tasks they make run only after the last, as when several
    /// things reach the browser before it runs the next task.
    pub(crate) fn at_once(&self, steps: impl FnOnce()) {
        let running = self.shared.running.replace(true);
        steps();
        self.shared.running.set(running);
        self.run();
    }

    // The server's side. Each step runs the tasks it makes.

    // Only the crate's own tests script this.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// The server accepts the connection, selecting `protocol`. As in a browser, a selection
    /// the client did not offer (or none when it offered some) fails the connection.
    pub(crate) fn accept(&self, index: usize, protocol: &str) {
        self.accept_with(index, protocol, "");
    }

    /// [`accept`](Self::accept), selecting `extensions` too.
    pub(crate) fn accept_with(&self, index: usize, protocol: &str, extensions: &str) {
        let accepted = self.with(|state| {
            let link = state.links.get_mut(index)?;
            if link.ready_state != ReadyState::Connecting {
                return None;
            }
            let acceptable = if protocol.is_empty() {
                link.protocols.is_empty()
            } else {
                link.protocols.iter().any(|offered| offered == protocol)
            };
            if acceptable {
                link.ready_state = ReadyState::Open;
                link.protocol = protocol.to_owned();
                link.extensions = extensions.to_owned();
            } else {
                link.ready_state = ReadyState::Closed;
            }
            Some(acceptable)
        });
        match accepted {
            Some(true) => self.task(index, SocketEvent::Open),
            Some(false) => self.fail(index),
            None => {}
        }
        self.run();
    }

    /// The connection fails (refused, or cut): `error`, then a close with 1006.
    pub(crate) fn fail(&self, index: usize) {
        let live = self.with(|state| {
            let link = state.links.get_mut(index)?;
            link.ready_state = ReadyState::Closed;
            Some(())
        });
        if live.is_some() {
            self.task(index, SocketEvent::Error);
            self.task(index, SocketEvent::Close(failure()));
        }
        self.run();
    }

    /// The server sends `message`; delivered if the socket is open, or closing (sent before a
    /// Close frame is still received).
    pub(crate) fn push(&self, index: usize, message: Message) {
        let live = self.link(index, |link| {
            matches!(link.ready_state, ReadyState::Open | ReadyState::Closing)
        });
        if live == Some(true) {
            self.task(index, SocketEvent::Message(message));
        }
        self.run();
    }

    /// The server's Close frame arrived: the browser says CLOSING, and sends are refused, but
    /// the close event comes only with [`closed`](Self::closed).
    pub(crate) fn peer_closing(&self, index: usize) {
        self.with(|state| {
            if let Some(link) = state.links.get_mut(index) {
                if link.ready_state == ReadyState::Open {
                    link.ready_state = ReadyState::Closing;
                }
            }
        });
        self.run();
    }

    /// The connection ends: with a closing handshake (`clean`), or cut.
    pub(crate) fn closed(&self, index: usize, event: CloseEvent) {
        let live = self.with(|state| {
            let link = state.links.get_mut(index)?;
            if link.ready_state == ReadyState::Closed {
                return None;
            }
            link.ready_state = ReadyState::Closed;
            Some(())
        });
        if live.is_some() {
            self.task(index, SocketEvent::Close(event));
        }
        self.run();
    }

    // Only the crate's own tests script this.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    /// The next socket the client asks for cannot be made (as the browser refuses a bad URL).
    pub(crate) fn refuse_next_open(&self, refuse: bool) {
        self.with(|state| state.refuse_next_open = refuse);
    }

    /// Takes the oldest message the client sent on link `index` that the server has not read:
    /// the client's send buffer drains by as much.
    pub(crate) fn read(&self, index: usize) -> Option<Message> {
        let (message, drained) = self.with(|state| {
            let link = state.links.get_mut(index)?;
            let message = link.unread.pop_front()?;
            let amount = link.buffered();
            let drained = link
                .drained
                .take_if(|(below, _)| amount <= *below)
                .map(|(_, call)| (call, amount));
            Some((message, drained))
        })?;
        if let Some((call, amount)) = drained {
            self.queue(Task::Drained(call, amount));
        }
        Some(message)
    }

    // The clock.

    pub(crate) fn now(&self) -> Time {
        self.with(|state| state.now)
    }

    /// A clock of its own for one connection, on this network's time.
    pub(crate) fn clock(&self) -> MemoryClock {
        let id = self.with(|state| {
            state.next_clock += 1;
            state.next_clock
        });
        MemoryClock {
            network: self.clone(),
            id,
        }
    }

    /// How many wake listeners are in place.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn wake_listeners(&self) -> usize {
        self.with(|state| state.wake_listeners.len())
    }

    /// How many deadlines the clocks were given so far.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn deadlines_set(&self) -> usize {
        self.with(|state| state.deadlines_set)
    }

    /// The earliest deadline set, if any.
    pub(crate) fn deadline(&self) -> Option<Time> {
        self.with(|state| state.timers.iter().map(|(_, at, _)| *at).min())
    }

    /// Lets `duration` pass, calling each deadline at its exact time (the earliest first, then
    /// in the order set), and running the tasks.
    ///
    /// # Panics
    ///
    /// If deadlines keep coming at one instant without end: the code on this clock is in a busy
    /// loop, which would hang a browser tab.
    pub(crate) fn advance(&self, duration: Time) {
        let target = self.now() + duration;
        self.run();
        let mut at_this_instant = (self.now(), 0u32);
        while let Some(due) = self.with(|state| {
            let (position, at) = state
                .timers
                .iter()
                .enumerate()
                .filter(|(_, (_, at, _))| *at <= target)
                .min_by_key(|(_, (_, at, _))| *at)
                .map(|(position, (_, at, _))| (position, *at))?;
            state.now = state.now.max(at);
            Some(state.timers.remove(position).2)
        }) {
            let now = self.now();
            at_this_instant = match at_this_instant {
                (instant, count) if instant == now => (instant, count + 1),
                _ => (now, 1),
            };
            assert!(
                at_this_instant.1 <= BUSY_LOOP,
                "{BUSY_LOOP} deadlines came at {now:?} without time moving: a busy loop"
            );
            due();
            self.run();
        }
        self.with(|state| state.now = target);
        self.run();
    }

    /// Runs the tasks and the deadlines due now, with no time passing (as the browser runs a
    /// timer of 0 ms in a task of its own).
    pub(crate) fn settle(&self) {
        self.advance(Time::ZERO);
    }

    /// Lets time pass to the deadline, if one is set, and calls it.
    // Only the crate's own tests script this.
    #[cfg(all(test, not(target_arch = "wasm32")))]
    pub(crate) fn next_deadline(&self) -> bool {
        let Some(at) = self.deadline() else {
            return false;
        };
        self.advance(at.saturating_sub(self.now()));
        true
    }

    // The browser's view of the network.

    /// The machine wakes up, or the network goes or comes back.
    pub(crate) fn wake(&self, wake: Wake) {
        let listeners: Vec<WakeListener> = self.with(|state| {
            match wake {
                Wake::Online => state.online = true,
                Wake::Offline => state.online = false,
                Wake::Visible | Wake::Restored => {}
            }
            state
                .wake_listeners
                .iter()
                .map(|(_, l)| l.clone())
                .collect()
        });
        for listener in listeners {
            listener(wake);
        }
        self.run();
    }
}

impl Transport for Network {
    fn resolve_url(&self, url: &str) -> Result<String, Error> {
        let scheme = url.split_once("://").map(|(scheme, _)| scheme);
        match scheme {
            Some("ws" | "wss" | "memory") if !url.contains('#') => Ok(url.to_owned()),
            _ => Err(Error::Syntax(format!(
                "{url:?}: an in-memory connection takes an absolute ws:, wss: or memory: URL without a fragment"
            ))),
        }
    }

    fn open(
        &self,
        url: &str,
        protocols: &[String],
        binary_type: BinaryType,
        listener: SocketListener,
    ) -> Result<Box<dyn Socket>, Error> {
        let url = self.resolve_url(url)?;
        #[cfg(all(test, not(target_arch = "wasm32")))]
        if self.with(|state| std::mem::take(&mut state.refuse_next_open)) {
            return Err(Error::Syntax(
                "the in-memory network refused to open it".into(),
            ));
        }
        let index = self.with(|state| {
            #[cfg(all(test, not(target_arch = "wasm32")))]
            let others_held = state.links.iter().filter(|link| !link.released).count();
            state.links.push(Link {
                url,
                protocols: protocols.to_vec(),
                ready_state: ReadyState::Connecting,
                binary_type,
                protocol: String::new(),
                extensions: String::new(),
                silent: false,
                answers: Vec::new(),
                sent: Vec::new(),
                drained: None,
                sends_while_connecting: 0,
                #[cfg(all(test, not(target_arch = "wasm32")))]
                others_held,
                unread: VecDeque::new(),
                closed_by_client: None,
                released: false,
                listener: Some(listener),
            });
            state.links.len() - 1
        });
        Ok(Box::new(MemorySocket {
            network: self.clone(),
            index,
        }))
    }

    fn online(&self) -> bool {
        self.with(|state| state.online)
    }

    fn listen_for_wake(&self, on_wake: WakeListener) -> Option<Box<dyn Any>> {
        let id = self.with(|state| {
            let id = state.next_listener;
            state.next_listener += 1;
            state.wake_listeners.push((id, on_wake));
            id
        });
        Some(Box::new(WakeGuard {
            network: self.clone(),
            id,
        }))
    }

    fn seed(&self) -> u64 {
        // Fixed, so that a run repeats.
        7
    }

    fn network(&self) -> Option<Network> {
        Some(self.clone())
    }
}

/// One connection's clock on a [`Network`]: its time, and its one deadline.
pub(crate) struct MemoryClock {
    network: Network,
    id: u64,
}

impl Clock for MemoryClock {
    fn now(&self) -> Time {
        self.network.now()
    }

    fn wake_at(&self, deadline: Time, due: Rc<dyn Fn()>) {
        self.cancel();
        let id = self.id;
        self.network.with(|state| {
            state.deadlines_set += 1;
            state.timers.push((id, deadline, due));
        });
    }

    fn cancel(&self) {
        let id = self.id;
        self.network
            .with(|state| state.timers.retain(|(held, _, _)| *held != id));
    }
}

/// Removes a wake listener when dropped.
struct WakeGuard {
    network: Network,
    id: u64,
}

impl Drop for WakeGuard {
    fn drop(&mut self) {
        let id = self.id;
        self.network
            .with(|state| state.wake_listeners.retain(|(held, _)| *held != id));
    }
}

/// The client's end of a link.
struct MemorySocket {
    network: Network,
    index: usize,
}

impl MemorySocket {
    fn with_link<T>(&self, change: impl FnOnce(&mut Link) -> T) -> T {
        self.network
            .with(|state| change(&mut state.links[self.index]))
    }
}

impl Socket for MemorySocket {
    fn send(&self, message: &Message) -> Result<(), Error> {
        let now = self.network.now();
        let (sent, answer) = self.with_link(|link| match link.ready_state {
            ReadyState::Open => {
                link.sent.push((now, message.clone()));
                let answer = link
                    .answers
                    .iter()
                    .find(|(request, _)| request == message)
                    .filter(|_| !link.silent)
                    .map(|(_, reply)| reply.clone());
                if answer.is_none() {
                    link.unread.push_back(message.clone());
                }
                (Ok(()), answer)
            }
            ReadyState::Connecting => {
                link.sends_while_connecting += 1;
                let error = Error::InvalidState("send() while the socket is CONNECTING".into());
                (Err(error), None)
            }
            closing_or_closed => (Err(Error::Closed(closing_or_closed)), None),
        });
        if let Some(answer) = answer {
            // In a task of its own, as a real server's answer comes.
            self.network.task(self.index, SocketEvent::Message(answer));
        }
        sent
    }

    fn close(&self, code: Option<(u16, &str)>) {
        let failed = self.with_link(|link| {
            let code = code.map(|(code, reason)| (code, reason.to_owned()));
            match link.ready_state {
                // Closing a socket still connecting fails it.
                ReadyState::Connecting => {
                    link.closed_by_client = Some(code);
                    link.ready_state = ReadyState::Closed;
                    true
                }
                ReadyState::Open => {
                    link.closed_by_client = Some(code);
                    link.ready_state = ReadyState::Closing;
                    false
                }
                ReadyState::Closing | ReadyState::Closed => false,
            }
        });
        if failed {
            self.network.task(self.index, SocketEvent::Error);
            self.network.task(self.index, SocketEvent::Close(failure()));
        } else if self.network.with(|state| state.answers_closes) {
            self.network.queue(Task::CloseHandshake(self.index));
        }
    }

    fn ready_state(&self) -> ReadyState {
        self.with_link(|link| link.ready_state)
    }

    fn set_binary_type(&self, binary_type: BinaryType) {
        self.with_link(|link| link.binary_type = binary_type);
    }

    fn buffered_amount(&self) -> usize {
        self.with_link(|link| link.buffered())
    }

    fn when_drained(&self, below: usize, call: Box<dyn FnOnce(usize)>) {
        let now = self.with_link(|link| {
            // A socket closing drains no more: told 0, as the browser's watch says, so that
            // the next send finds out.
            if !matches!(link.ready_state, ReadyState::Connecting | ReadyState::Open) {
                return Some((call, 0));
            }
            let amount = link.buffered();
            if amount <= below {
                return Some((call, amount));
            }
            link.drained = Some((below, call));
            None
        });
        if let Some((call, amount)) = now {
            self.network.queue(Task::Drained(call, amount));
        }
    }

    fn web_socket(&self) -> Option<WebSocket> {
        None
    }
}

impl Drop for MemorySocket {
    fn drop(&mut self) {
        self.with_link(|link| {
            link.released = true;
            link.listener = None;
            if matches!(link.ready_state, ReadyState::Connecting | ReadyState::Open) {
                link.closed_by_client.get_or_insert(None);
                link.ready_state = ReadyState::Closed;
            }
        });
    }
}
