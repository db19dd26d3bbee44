//! What the browser says about the machine waking up: the page becoming visible again, coming
//! back from the back-forward cache, and the network going away and coming back. In a worker,
//! only the network (workers have no visibility). The listeners are owned and removed when
//! dropped.

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventTarget, VisibilityState};

use crate::reconnecting::core::Wake;

/// One listener: where it listens, for which event, and the callback.
struct Listener {
    target: EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

/// Listeners for `online` and `offline` on the global scope (the window, or the worker), and on
/// a page for `visibilitychange` on the document and `pageshow` on the window.
pub(crate) struct WakeListeners {
    registered: Vec<Listener>,
}

impl WakeListeners {
    /// Starts listening on the global scope.
    pub(crate) fn install(on_wake: impl Fn(Wake) + Clone + 'static) -> Option<Self> {
        let global = js_sys::global();
        let mut registered = Vec::new();
        let mut listen = |target: &EventTarget,
                          event: &'static str,
                          wake: fn(&web_sys::Event) -> Option<Wake>| {
            let on_wake = on_wake.clone();
            let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |event| {
                if let Some(wake) = wake(&event) {
                    on_wake(wake);
                }
            });
            let _ =
                target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
            registered.push(Listener {
                target: target.clone(),
                event,
                callback: closure,
            });
        };
        // Both a window and a worker's global scope are event targets that hear these.
        let scope: &EventTarget = global.dyn_ref()?;
        listen(scope, "online", |_| Some(Wake::Online));
        listen(scope, "offline", |_| Some(Wake::Offline));
        if let Some(window) = global.dyn_ref::<web_sys::Window>() {
            if let Some(document) = window.document() {
                listen(&document, "visibilitychange", |event| {
                    let document: web_sys::Document = event.target()?.dyn_into().ok()?;
                    (document.visibility_state() == VisibilityState::Visible)
                        .then_some(Wake::Visible)
                });
            }
            // A page restored from the back-forward cache comes back with its sockets closed
            // (WHATWG HTML: a document's WebSockets are closed when it is made inactive).
            listen(window, "pageshow", |event| {
                let shown: &web_sys::PageTransitionEvent = event.dyn_ref()?;
                shown.persisted().then_some(Wake::Restored)
            });
        }
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

/// Whether the browser says it has no network (`navigator.onLine` is false), on a page or in a
/// worker.
pub(crate) fn browser_is_offline() -> bool {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        return !window.navigator().on_line();
    }
    global
        .dyn_ref::<web_sys::WorkerGlobalScope>()
        .is_some_and(|worker| !worker.navigator().on_line())
}
