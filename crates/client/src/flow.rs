//! Sends that wait for the network. `WebSocket.send()` never blocks: what the network cannot
//! take waits in the browser's memory, and the only sign is `bufferedAmount`, which has no event
//! when it shrinks. [`FlowControl`] says how much may wait there; a [`DrainWatch`] wakes what
//! waits for the buffer to drain.
//!
//! The wake-up is a timer set to when the buffer should have drained, at the rate it drained
//! since the last reading (between 1 ms and [`LONGEST_WAIT`]): one timer per wait, none while
//! nothing waits, in every engine and in workers (which have no `requestAnimationFrame`).
//! `docs/benchmarks.md` compares it with the other wake-ups a page has.

use std::{
    cell::{Cell, RefCell},
    rc::Weak,
    task::{Context, Poll, Waker},
};

use gloo_timers::callback::Timeout;

/// How much may wait in the browser's send buffer (`bufferedAmount`) before a send waits: for
/// [`WebSocketStream`](crate::WebSocketStream)'s `Sink` ([`WebSocket::set_flow_control`](crate::WebSocket::set_flow_control))
/// and for [`ReconnectingWebSocket`](crate::ReconnectingWebSocket)
/// ([`ReconnectOptions::flow_control`](crate::ReconnectOptions::flow_control)).
///
/// Above the high-water mark a send waits until the buffer has drained to the low-water mark,
/// then sends go on until the high-water mark again: at most the high-water mark plus one
/// message waits in the browser, and a producer wakes once per
/// `high_water_mark - low_water_mark` bytes, not once per message.
///
/// Engines differ in what `bufferedAmount` counts, and flow control can only follow what script
/// sees. Chromium counts the bytes that have not reached the kernel, so over a slow uplink
/// sends wait for the wire. Firefox and WebKit count the bytes that have not reached their
/// network process: the figure falls to zero at the next task even when the peer reads
/// nothing, so there flow control paces each task's burst, and what the wire cannot take waits
/// in the engine's network process (`docs/engine-differences.md`).
///
/// ```
/// use wasm_ws_client::FlowControl;
///
/// let flow = FlowControl::default();
/// assert_eq!((flow.high_water_mark, flow.low_water_mark), (1 << 20, 256 << 10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowControl {
    /// Above this many bytes in `bufferedAmount`, a send waits. Default: 1 MiB, which a
    /// loopback or a LAN drains in milliseconds, and a slow uplink in seconds.
    pub high_water_mark: usize,
    /// A waiting send resumes once the buffer has drained to this many bytes (a flush waits
    /// for it too). Default: 256 KiB, a quarter of the high-water mark, so that the network has
    /// that much to send while the producer wakes up.
    pub low_water_mark: usize,
}

impl Default for FlowControl {
    fn default() -> Self {
        Self {
            high_water_mark: 1 << 20,
            low_water_mark: 256 << 10,
        }
    }
}

/// The longest wait between two readings of `bufferedAmount`, in milliseconds: a buffer that
/// drains slower than expected is read again at least this often.
const LONGEST_WAIT: f64 = 50.0;

/// Who waits for the buffer to drain to `below` bytes.
enum Waiter {
    /// A future, woken then (it reads the buffer itself).
    Task { below: u32, waker: Waker },
    /// A callback, called once with the amount read.
    Call {
        below: u32,
        call: Box<dyn FnOnce(u32)>,
    },
}

impl Waiter {
    fn below(&self) -> u32 {
        match self {
            Self::Task { below, .. } | Self::Call { below, .. } => *below,
        }
    }
}

/// Reads a socket's send buffer: `None` once the socket is closing or closed (nothing drains
/// any more: every waiter is woken).
pub(crate) trait BufferReader {
    fn buffered(&self) -> Option<u32>;
}

/// What waits for one socket's buffer to drain, and the timer that reads it.
#[derive(Default)]
pub(crate) struct DrainWatch {
    waiters: RefCell<Vec<Waiter>>,
    timer: RefCell<Option<Timeout>>,
    /// The last reading and when it was made (`Date.now()`), for the rate.
    last: Cell<Option<(u32, f64)>>,
    /// Bytes per millisecond, as last seen; 0 before any drain was seen.
    rate: Cell<f64>,
}

impl DrainWatch {
    /// Ready once the buffer read by `reader` holds at most `below` bytes (or the socket
    /// closed); otherwise the task is woken then.
    pub(crate) fn poll_drained<R: Watched + 'static>(
        &self,
        reader: &Weak<R>,
        cx: &Context<'_>,
        below: u32,
    ) -> Poll<()> {
        let Some(amount) = reader.upgrade().and_then(|reader| reader.buffered()) else {
            return Poll::Ready(());
        };
        if amount <= below {
            return Poll::Ready(());
        }
        let waker = cx.waker().clone();
        self.waiters
            .borrow_mut()
            .push(Waiter::Task { below, waker });
        self.arm(reader, amount);
        Poll::Pending
    }

    /// Calls `call` with the amount once the buffer holds at most `below` bytes (at once if it
    /// does already), or the socket closed (then with the last amount known, or 0).
    pub(crate) fn when_drained<R: Watched + 'static>(
        &self,
        reader: &Weak<R>,
        below: u32,
        call: Box<dyn FnOnce(u32)>,
    ) {
        match reader.upgrade().and_then(|reader| reader.buffered()) {
            Some(amount) if amount > below => {
                self.waiters.borrow_mut().push(Waiter::Call { below, call });
                self.arm(reader, amount);
            }
            amount => call(amount.unwrap_or(0)),
        }
    }

    /// Sets the timer for the next reading, unless one is set.
    fn arm<R: Watched + 'static>(&self, reader: &Weak<R>, amount: u32) {
        if self.timer.borrow().is_some() {
            return;
        }
        // The rate is measured from this reading: one kept from before the producer sent
        // more would make the buffer seem to drain slower than it does.
        self.last.set(Some((amount, js_sys::Date::now())));
        let target = self
            .waiters
            .borrow()
            .iter()
            .map(Waiter::below)
            .max()
            .unwrap_or(0);
        let rate = self.rate.get();
        let wait = if rate > 0.0 {
            f64::from(amount.saturating_sub(target)) / rate
        } else {
            1.0
        };
        let wait = wait.clamp(1.0, LONGEST_WAIT);
        let reader = reader.clone();
        let timeout = Timeout::new(wait.ceil() as u32, move || {
            if let Some(owner) = reader.upgrade() {
                owner.watch().read(&reader);
            }
        });
        *self.timer.borrow_mut() = Some(timeout);
    }

    /// The timer came: reads the buffer, wakes whoever it has drained enough for, and sets the
    /// timer again if anyone still waits.
    fn read<R: Watched + 'static>(&self, reader: &Weak<R>) {
        self.timer.borrow_mut().take();
        let amount = reader.upgrade().and_then(|reader| reader.buffered());
        let now = js_sys::Date::now();
        if let (Some(amount), Some((before, then))) = (amount, self.last.get()) {
            if before > amount && now > then {
                let seen = f64::from(before - amount) / (now - then);
                let rate = self.rate.get();
                let target = self.waiters.borrow().iter().map(Waiter::below).min();
                self.rate
                    .set(if target.is_some_and(|target| amount <= target) {
                        // Drained to the mark within the wait: the buffer may have emptied at
                        // its start, so `seen` is only a floor (kept as one, lest the rate fall to
                        // whatever the wait was, and every wait after stay as long).
                        rate.max(seen)
                    } else if rate > 0.0 {
                        // Still draining: a true measure, smoothed so that one slow reading does
                        // not stall the next wait.
                        (rate + seen) / 2.0
                    } else {
                        seen
                    });
            }
        }
        self.last.set(amount.map(|amount| (amount, now)));
        let due: Vec<Waiter> = {
            let mut waiters = self.waiters.borrow_mut();
            let drained = |waiter: &Waiter| amount.map_or(true, |amount| amount <= waiter.below());
            let (due, waiting) = waiters.drain(..).partition(drained);
            *waiters = waiting;
            due
        };
        for waiter in due {
            match waiter {
                Waiter::Task { waker, .. } => waker.wake(),
                Waiter::Call { call, .. } => call(amount.unwrap_or(0)),
            }
        }
        if let Some(amount) = amount {
            if !self.waiters.borrow().is_empty() {
                self.arm(reader, amount);
            }
        }
    }
}

/// Who owns a [`DrainWatch`], and reads the buffer it watches.
pub(crate) trait Watched: BufferReader {
    fn watch(&self) -> &DrainWatch;
}
