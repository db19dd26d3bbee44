//! `use_message_history`: a bounded, lossless history of messages (or of anything), rendered at
//! most once per animation frame.

use std::{
    cell::{Ref, RefCell},
    collections::VecDeque,
    fmt,
    rc::Rc,
};

use gloo_render::AnimationFrame;
use wasm_ws_client::Message;
use yew::prelude::*;

/// One kept item, with an id that stays the same for as long as it is kept: use it as the key
/// of a keyed list.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry<T> {
    /// Counts from 0 over everything ever kept, so it never repeats; `total() - len()` entries
    /// have fallen off the front (or been cleared) before the first one shown.
    pub id: u64,
    /// The item.
    pub value: T,
}

/// Which messages a history keeps, and as what: `None` skips a message.
pub type HistoryFilter<T> = Rc<dyn Fn(Message) -> Option<T>>;

/// Options for [`use_message_history`].
pub struct HistoryOptions<T> {
    /// The most entries kept; the oldest fall off the front. Default: 1000.
    pub capacity: usize,
    /// Which messages to keep, and as what. Default (for `T = Message`): every message as
    /// itself. Read when a message is recorded, so it may change between renders.
    pub filter: HistoryFilter<T>,
}

impl Default for HistoryOptions<Message> {
    fn default() -> Self {
        Self::keeping(1000, Some)
    }
}

impl<T> HistoryOptions<T> {
    /// `capacity` entries of what `filter` makes of each message (skipping those it returns
    /// `None` for).
    ///
    /// ```
    /// use wasm_ws_yew::HistoryOptions;
    /// // The numbers among the messages, the last 60 of them.
    /// let options = HistoryOptions::keeping(60, |message: wasm_ws_client::Message| {
    ///     message.as_text()?.parse::<f64>().ok()
    /// });
    /// assert_eq!(options.capacity, 60);
    /// ```
    pub fn keeping(capacity: usize, filter: impl Fn(Message) -> Option<T> + 'static) -> Self {
        Self {
            capacity,
            filter: Rc::new(filter),
        }
    }

    /// `capacity` entries of items the component [pushes](UseMessageHistoryHandle::push)
    /// itself, made from no message: a log of events, say.
    ///
    /// ```
    /// use wasm_ws_yew::HistoryOptions;
    /// let options = HistoryOptions::<String>::pushed(200);
    /// assert_eq!(options.capacity, 200);
    /// assert_eq!((options.filter)("a message".into()), None);
    /// ```
    pub fn pushed(capacity: usize) -> Self {
        Self::keeping(capacity, |_| None)
    }
}

impl<T> Clone for HistoryOptions<T> {
    fn clone(&self) -> Self {
        Self {
            capacity: self.capacity,
            filter: Rc::clone(&self.filter),
        }
    }
}

impl<T> PartialEq for HistoryOptions<T> {
    fn eq(&self, other: &Self) -> bool {
        self.capacity == other.capacity && Rc::ptr_eq(&self.filter, &other.filter)
    }
}

impl<T> fmt::Debug for HistoryOptions<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistoryOptions")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// The entries, outside Yew's state: appending never waits for a render, so nothing that
/// arrives between two renders is lost.
struct History<T> {
    entries: VecDeque<HistoryEntry<T>>,
    total: u64,
    /// Bumped by every change, so that handles made before and after compare unequal.
    version: u64,
    options: HistoryOptions<T>,
    /// The render asked for the next animation frame; `None` when none is pending.
    frame: Option<AnimationFrame>,
    render: Callback<()>,
}

impl<T> History<T> {
    fn push(&mut self, value: T) {
        self.entries.push_back(HistoryEntry {
            id: self.total,
            value,
        });
        self.total += 1;
        self.version += 1;
        while self.entries.len() > self.options.capacity {
            self.entries.pop_front();
        }
    }
}

/// What [`use_message_history`] returns. Cheap to clone; clones share the history. Handles
/// compare equal when they share it and nothing was recorded since, so a component that takes
/// one as a prop re-renders when it changes.
pub struct UseMessageHistoryHandle<T> {
    history: Rc<RefCell<History<T>>>,
    /// The history's version when this handle was made (at a render).
    seen: u64,
}

impl<T> Clone for UseMessageHistoryHandle<T> {
    fn clone(&self) -> Self {
        Self {
            history: Rc::clone(&self.history),
            seen: self.seen,
        }
    }
}

impl<T> PartialEq for UseMessageHistoryHandle<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.history, &other.history) && self.seen == other.seen
    }
}

impl<T: 'static> UseMessageHistoryHandle<T> {
    /// A callback that records each message it is given (through the filter): pass it as the
    /// `on_message` of any hook, or to [`use_websocket_subscription`](crate::use_websocket_subscription).
    pub fn record(&self) -> Callback<Message> {
        let history = Rc::clone(&self.history);
        Callback::from(move |message: Message| {
            let filter = history.borrow().options.filter.clone();
            if let Some(value) = filter(message) {
                push(&history, value);
            }
        })
    }

    /// Appends an item directly (without the filter). As with recorded messages, the item is
    /// kept at once and the component re-renders at the next animation frame, once however
    /// many are pushed before it.
    pub fn push(&self, value: T) {
        push(&self.history, value);
    }

    /// The kept entries, oldest first. Borrowed: drop it before recording more (a render
    /// function is the place).
    pub fn entries(&self) -> Ref<'_, VecDeque<HistoryEntry<T>>> {
        Ref::map(self.history.borrow(), |history| &history.entries)
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.history.borrow().entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many items were ever kept, including those that fell off the front or were cleared;
    /// it only grows.
    pub fn total(&self) -> u64 {
        self.history.borrow().total
    }

    /// Forgets every entry (the total and the ids go on counting).
    pub fn clear(&self) {
        let mut history = self.history.borrow_mut();
        history.entries.clear();
        history.version += 1;
        schedule(&self.history, &mut history);
    }
}

fn push<T: 'static>(history: &Rc<RefCell<History<T>>>, value: T) {
    let mut borrowed = history.borrow_mut();
    borrowed.push(value);
    schedule(history, &mut borrowed);
}

/// Asks for one render at the next animation frame, unless one is already asked for: a burst
/// of any size renders once per frame.
fn schedule<T: 'static>(shared: &Rc<RefCell<History<T>>>, history: &mut History<T>) {
    if history.frame.is_some() {
        return;
    }
    let weak = Rc::downgrade(shared);
    history.frame = Some(gloo_render::request_animation_frame(move |_| {
        if let Some(history) = weak.upgrade() {
            let render = {
                let mut history = history.borrow_mut();
                history.frame = None;
                history.render.clone()
            };
            render.emit(());
        }
    }));
}

/// Keeps a bounded history of messages, or of what a filter makes of them, that never loses
/// one: messages are recorded as they arrive, and the component re-renders at most once per
/// animation frame however many arrive in it. The history belongs to the component and is
/// dropped with it.
///
/// Feed it with [`UseMessageHistoryHandle::record`] as the `on_message` of any hook.
///
/// ```no_run
/// use wasm_ws_yew::{use_message_history, use_reconnecting_websocket, HistoryOptions, UseReconnectingWebSocketOptions};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn Log() -> Html {
///     let history = use_message_history(HistoryOptions::default());
///     use_reconnecting_websocket(
///         "/websocket/test",
///         UseReconnectingWebSocketOptions { on_message: Some(history.record()), ..Default::default() },
///     );
///     let dropped = history.total() - history.len() as u64;
///     html! {
///         <ul>
///             { for history.entries().iter().map(|entry| html! {
///                 <li key={entry.id}>{ format!("{:?}", entry.value) }</li>
///             }) }
///             <li>{ format!("and {dropped} older ones") }</li>
///         </ul>
///     }
/// }
/// ```
#[hook]
pub fn use_message_history<T: 'static>(options: HistoryOptions<T>) -> UseMessageHistoryHandle<T> {
    let rerender = use_force_update();
    let history = {
        let options = options.clone();
        use_memo((), move |_| {
            RefCell::new(History {
                entries: VecDeque::new(),
                total: 0,
                version: 0,
                options,
                frame: None,
                render: Callback::from(move |()| rerender.force_update()),
            })
        })
    };
    // The newest capacity and filter apply from now on.
    let history: Rc<RefCell<History<T>>> = history;
    {
        let mut current = history.borrow_mut();
        if current.options != options {
            current.options = options;
            while current.entries.len() > current.options.capacity {
                current.entries.pop_front();
            }
        }
    }
    let seen = history.borrow().version;
    UseMessageHistoryHandle { history, seen }
}
