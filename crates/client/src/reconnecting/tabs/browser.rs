//! The browser's parts for sharing: the Web Locks API elects the leader (the browser hands the
//! lock to a waiting tab when its holder closes, navigates away or crashes), a
//! `BroadcastChannel` carries what the tabs say (structured clones, see `relay.rs`), and the
//! page's `pagehide`/`pageshow` tell when it goes into the back-forward cache and comes back.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::{closure::Closure, prelude::*, JsCast};

use super::{
    bus::{Bus, Hear, Heard},
    relay::Relayed,
    warn,
};

#[wasm_bindgen(inline_js = r#"
export function can_share() {
  return typeof BroadcastChannel === "function" &&
    typeof navigator === "object" && !!navigator.locks && typeof navigator.locks.request === "function";
}
// Asks for the exclusive lock `name`; `granted()` is called once it is held, which it stays
// until `release()` of the returned object is called, or the page goes away. Released or
// aborted before it is granted, the request is withdrawn and `granted` never called. Refused
// (a SecurityError where the page may not use locks: an opaque origin, a frame denied
// storage), `refused()` is called.
export function ask_for_lock(name, granted, refused) {
  let release = () => {};
  let released = false;
  const held = new Promise((resolve) => { release = resolve; });
  const controller = new AbortController();
  navigator.locks.request(name, { signal: controller.signal }, () => {
    if (released) return undefined;
    granted();
    return held;
  }).catch(() => { if (!released) refused(); });
  return { release: () => { released = true; release(); controller.abort(); } };
}
export function lock_release(lock) { lock.release(); }
"#)]
extern "C" {
    fn can_share() -> bool;
    fn ask_for_lock(name: &str, granted: &Function, refused: &Function) -> JsValue;
    fn lock_release(lock: &JsValue);
}

/// A `pagehide` or `pageshow` listener.
type PageListener = Closure<dyn FnMut(web_sys::PageTransitionEvent)>;

/// A tab's membership, in the browser.
pub(super) struct BrowserBus {
    /// Random: tabs have no other id in common.
    id: u64,
    name: String,
    /// The app's version, stamped on every message.
    app: String,
    channel: web_sys::BroadcastChannel,
    /// The lock, asked for or held.
    lock: RefCell<Option<JsValue>>,
    /// Called when the lock is granted.
    granted: Closure<dyn FnMut()>,
    /// Called when the browser refuses the lock.
    refused: Closure<dyn FnMut()>,
    /// The channel's listener, kept alive.
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    /// `pagehide` and `pageshow`, removed on drop.
    page: Vec<(&'static str, PageListener)>,
}

impl BrowserBus {
    /// Joins the group `name` for a tab of app version `app`; `None` where the browser lacks
    /// Web Locks or `BroadcastChannel` (the tab connects alone).
    pub(super) fn join(name: &str, app: &str, hear: Hear) -> Option<Self> {
        if !can_share() {
            return None;
        }
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let granted = {
            let hear = hear.clone();
            Closure::new(move || hear(Heard::Granted))
        };
        let refused = {
            let hear = hear.clone();
            Closure::new(move || hear(Heard::Refused))
        };
        let on_message = {
            let (hear, app) = (hear.clone(), app.to_owned());
            Closure::new(move |event: web_sys::MessageEvent| {
                match Relayed::decode(&event.data(), &app) {
                    Ok(relayed) => hear(Heard::Relayed(relayed)),
                    Err(what) => warn(&format!("relay message dropped: {what}")),
                }
            })
        };
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let page_event = |heard: fn() -> Heard| {
            let hear = hear.clone();
            Closure::new(move |event: web_sys::PageTransitionEvent| {
                // Only a page going into (or out of) the back-forward cache: one that is
                // unloaded lets its lock go anyway.
                if event.persisted() {
                    hear(heard());
                }
            })
        };
        let page = vec![
            ("pagehide", page_event(|| Heard::Hidden)),
            ("pageshow", page_event(|| Heard::Shown)),
        ];
        if let Some(window) = web_sys::window() {
            for (event, listener) in &page {
                let _ = window
                    .add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
        }
        Some(Self {
            // Below 2^53, so that a JS number holds it exactly.
            id: (js_sys::Math::random() * 2f64.powi(53)) as u64,
            name: name.to_owned(),
            app: app.to_owned(),
            channel,
            lock: RefCell::new(None),
            granted,
            refused,
            _on_message: on_message,
            page,
        })
    }
}

impl Bus for BrowserBus {
    fn id(&self) -> u64 {
        self.id
    }

    fn post(&self, relayed: Relayed) {
        let _ = self.channel.post_message(&relayed.encode(&self.app));
    }

    fn ask_for_lock(&self) {
        self.release_lock();
        let lock = ask_for_lock(
            &self.name,
            self.granted.as_ref().unchecked_ref(),
            self.refused.as_ref().unchecked_ref(),
        );
        *self.lock.borrow_mut() = Some(lock);
    }

    fn release_lock(&self) {
        if let Some(lock) = self.lock.borrow_mut().take() {
            lock_release(&lock);
        }
    }

    fn later(&self, task: Box<dyn FnOnce()>) {
        wasm_bindgen_futures::spawn_local(async move { task() });
    }
}

impl Drop for BrowserBus {
    fn drop(&mut self) {
        self.release_lock();
        self.channel.set_onmessage(None);
        self.channel.close();
        if let Some(window) = web_sys::window() {
            for (event, listener) in &self.page {
                let _ = window
                    .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
        }
    }
}
