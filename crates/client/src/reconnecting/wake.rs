//! What the browser says about the machine waking up: the page becoming visible again, and the
//! network going away and coming back. The listeners are owned and removed when dropped.

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Document, EventTarget, VisibilityState, Window};

/// A change worth acting on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wake {
    /// The page became visible (a laptop opened, a tab brought back).
    Visible,
    /// The browser came back online.
    Online,
    /// The browser went offline.
    Offline,
}

/// One listener: where it listens, for which event, and the callback.
struct Listener {
    target: EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

/// Listeners for `visibilitychange` on the document and `online`/`offline` on the window.
pub(super) struct WakeListeners {
    registered: Vec<Listener>,
}

impl WakeListeners {
    /// Starts listening; `None` outside a page (no window or document).
    pub(super) fn install(on_wake: impl Fn(Wake) + Clone + 'static) -> Option<Self> {
        let window: Window = web_sys::window()?;
        let document: Document = window.document()?;
        let mut registered = Vec::new();
        let mut listen =
            |target: EventTarget, event: &'static str, wake: Box<dyn Fn() -> Option<Wake>>| {
                let on_wake = on_wake.clone();
                let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    if let Some(wake) = wake() {
                        on_wake(wake);
                    }
                });
                let _ = target
                    .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
                registered.push(Listener {
                    target,
                    event,
                    callback: closure,
                });
            };
        let visible = document.clone();
        listen(
            document.into(),
            "visibilitychange",
            Box::new(move || {
                (visible.visibility_state() == VisibilityState::Visible).then_some(Wake::Visible)
            }),
        );
        listen(
            window.clone().into(),
            "online",
            Box::new(|| Some(Wake::Online)),
        );
        listen(window.into(), "offline", Box::new(|| Some(Wake::Offline)));
        Some(Self { registered })
    }
}

impl Drop for WakeListeners {
    fn drop(&mut self) {
        for Listener {
            target,
            event,
            callback,
        } in &self.registered
        {
            let _ = target
                .remove_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        }
    }
}

/// Whether the browser says it has no network (`navigator.onLine` is false).
pub(super) fn browser_is_offline() -> bool {
    web_sys::window().is_some_and(|window| !window.navigator().on_line())
}
