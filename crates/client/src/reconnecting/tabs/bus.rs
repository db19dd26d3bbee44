//! What the tabs of one shared connection have in common: a lock that one of them holds at a
//! time (the leader's), and a channel on which each hears what the others say. In the browser
//! they are the Web Locks API and a `BroadcastChannel` (`browser.rs`); on a fake server's
//! network they live in memory (`memory.rs`), so that the rules run without a browser.

use std::rc::Rc;

use super::relay::Relayed;

/// One tab's membership of a group of tabs.
pub(crate) trait Bus {
    /// This tab's id in the group.
    fn id(&self) -> u64;
    /// Says `relayed` to the other tabs of the group (never to this one).
    fn post(&self, relayed: Relayed);
    /// Asks for the group's lock: [`Heard::Granted`] comes once this tab holds it, which it
    /// does until [`release_lock`](Self::release_lock), or until it goes away.
    fn ask_for_lock(&self);
    /// Lets the lock go, or stops asking for it.
    fn release_lock(&self);
    /// Runs `task` in a task of its own, as the browser runs an event's listeners: never
    /// while the connection is calling in.
    fn later(&self, task: Box<dyn FnOnce()>);
}

/// What a tab hears from its group and its page.
pub(crate) enum Heard {
    /// Another tab said this.
    Relayed(Relayed),
    /// This tab now holds the lock.
    Granted,
    /// The browser refused this tab the lock (where the page may not use locks): it cannot
    /// share.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // only a browser refuses
    Refused,
    /// The page is going into the back-forward cache.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // only a browser's page
    Hidden,
    /// The page came back from the back-forward cache.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Shown,
}

/// Hears what comes to one tab, in order.
pub(crate) type Hear = Rc<dyn Fn(Heard)>;
