//! The transport every connection runs on in the browser: `WebSocket`, `Date.now()`,
//! `setTimeout`, and the page's and the network's wake-up events. Nothing here is called before
//! a connection is told where to connect, so a connection can be made where there is no
//! browser (in server-side rendering).

use std::{
    any::Any,
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use gloo_timers::callback::Timeout;

use super::{wake, Clock, Socket, SocketEvent, SocketListener, Transport};
use crate::{
    reconnecting::core::{Time, Wake},
    resolve_url, BinaryType, Error, Message, ReadyState, WebSocket,
};

/// The browser's sockets and network.
pub(crate) struct BrowserTransport;

impl Transport for BrowserTransport {
    fn resolve_url(&self, url: &str) -> Result<String, Error> {
        resolve_url(url)
    }

    fn open(
        &self,
        url: &str,
        protocols: &[String],
        binary_type: BinaryType,
        listener: SocketListener,
    ) -> Result<Box<dyn Socket>, Error> {
        let socket = WebSocket::open_with_protocols(url, protocols)?;
        socket.set_binary_type(binary_type);
        let on = |event: fn() -> SocketEvent| {
            let listener = Rc::clone(&listener);
            move || listener(event())
        };
        socket.on_open(on(|| SocketEvent::Open));
        socket.on_error(on(|| SocketEvent::Error));
        let on_message = Rc::clone(&listener);
        socket.on_message(move |message| on_message(SocketEvent::Message(message)));
        socket.on_close(move |event| listener(SocketEvent::Close(event)));
        Ok(Box::new(BrowserSocket(socket)))
    }

    fn online(&self) -> bool {
        !wake::browser_is_offline()
    }

    fn listen_for_wake(&self, on_wake: Rc<dyn Fn(Wake)>) -> Option<Box<dyn Any>> {
        let listeners = wake::WakeListeners::install(move |wake| on_wake(wake))?;
        Some(Box::new(listeners))
    }

    fn seed(&self) -> u64 {
        (js_sys::Math::random() * u64::MAX as f64) as u64
    }
}

/// A browser socket, with the handlers the transport set.
struct BrowserSocket(WebSocket);

impl Socket for BrowserSocket {
    fn send(&self, message: &Message) -> Result<(), Error> {
        self.0.send(message)
    }

    fn close(&self, code: Option<(u16, &str)>) {
        match code {
            // Checked by `close_with` already.
            Some((code, reason)) => drop(self.0.close_with(code, reason)),
            None => self.0.close(),
        }
    }

    fn ready_state(&self) -> ReadyState {
        self.0.ready_state()
    }

    fn buffered_amount(&self) -> usize {
        self.0.buffered_amount() as usize
    }

    fn when_drained(&self, below: usize, call: Box<dyn FnOnce(usize)>) {
        let below = u32::try_from(below).unwrap_or(u32::MAX);
        self.0
            .when_drained(below, Box::new(move |amount| call(amount as usize)));
    }

    fn set_binary_type(&self, binary_type: BinaryType) {
        self.0.set_binary_type(binary_type);
    }

    fn web_socket(&self) -> Option<WebSocket> {
        Some(self.0.clone())
    }
}

impl Drop for BrowserSocket {
    fn drop(&mut self) {
        // The handlers hold the driver weakly; without them the socket calls back no more.
        self.0.clear_handlers();
        self.0.close();
    }
}

/// `Date.now()` since the first reading, and one `setTimeout` at a time.
#[derive(Default)]
pub(crate) struct BrowserClock {
    /// `Date.now()` at the first reading.
    origin: Cell<Option<f64>>,
    /// The last time read, which never goes back even if the wall clock does.
    last: Cell<Time>,
    timer: RefCell<Option<Timeout>>,
}

impl Clock for BrowserClock {
    fn now(&self) -> Time {
        let wall = wall_clock();
        let origin = *self.origin.get().get_or_insert(wall);
        self.origin.set(Some(origin));
        // `Date.now()` counts whole milliseconds: taken as such, without the conversion of a
        // fraction of seconds (and its panics) into every page.
        let elapsed = Duration::from_millis((wall - origin).max(0.0) as u64);
        let now = elapsed.max(self.last.get());
        self.last.set(now);
        now
    }

    fn wake_at(&self, deadline: Time, due: Rc<dyn Fn()>) {
        let after = deadline.saturating_sub(self.now());
        let timeout = Timeout::new(ceil_millis(after), move || due());
        // Replacing a timer drops, and so cancels, the one it replaces.
        let replaced = self.timer.borrow_mut().replace(timeout);
        drop(replaced);
    }

    fn cancel(&self) {
        let cancelled = self.timer.borrow_mut().take();
        drop(cancelled);
    }
}

/// `Date.now()`. Where there is no browser (server-side rendering, a native test), time stands
/// still: nothing there runs on this clock but a connection not connected yet.
fn wall_clock() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    return 0.0;
}

/// A duration as the `u32` milliseconds timers take, rounded up (a timer must not fire before
/// the core's deadline) and saturating.
fn ceil_millis(duration: Duration) -> u32 {
    let millis = duration.as_micros().div_ceil(1000);
    millis.min(u128::from(u32::MAX)) as u32
}
