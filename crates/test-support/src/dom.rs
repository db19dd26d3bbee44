//! Reading what a page shows, and waiting for it to change without polling: a
//! `MutationObserver` re-checks the condition whenever the watched subtree changes.

use std::time::Duration;

use futures_util::StreamExt;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Element, MutationObserver, MutationObserverInit};

use crate::{within, PATIENCE};

/// A new empty `<div>` at the end of the page's body, to mount a component in.
pub fn new_root() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// The text of the first element under `root` that matches `selector`; empty if none does.
pub fn text_of(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// Waits until `condition` holds, checking it now and after every change to `root`'s subtree
/// (nodes, attributes, text); fails the test after [`PATIENCE`], with `what` and the end of
/// the text `root` shows in the message.
pub async fn wait_for_dom(root: &Element, what: &str, condition: impl Fn() -> bool) {
    wait_for_dom_within(root, PATIENCE, what, condition).await
}

/// [`wait_for_dom`] with another deadline.
pub async fn wait_for_dom_within(
    root: &Element,
    time: Duration,
    what: &str,
    condition: impl Fn() -> bool,
) {
    wait_for_dom_explained(root, time, what, condition, || shown_text(root)).await
}

/// [`wait_for_dom_within`], whose failure message says what `explain` returns then: what the
/// page showed, for a failure seen once in a CI log to explain itself.
pub async fn wait_for_dom_explained(
    root: &Element,
    time: Duration,
    what: &str,
    condition: impl Fn() -> bool,
    explain: impl FnOnce() -> String,
) {
    if condition() {
        return;
    }
    let (changed, mut changes) = futures_channel::mpsc::unbounded::<()>();
    let callback = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(move |_, _| {
        let _ = changed.unbounded_send(());
    });
    let observer = MutationObserver::new(callback.as_ref().unchecked_ref()).unwrap();
    let options = MutationObserverInit::new();
    options.set_subtree(true);
    options.set_child_list(true);
    options.set_attributes(true);
    options.set_character_data(true);
    observer.observe_with_options(root, &options).unwrap();
    let met = within(time, async {
        while changes.next().await.is_some() {
            if condition() {
                return;
            }
        }
    })
    .await;
    observer.disconnect();
    drop(callback);
    if met.is_none() {
        panic!(
            "nothing within {time:?} while waiting for {what}; then: {}",
            explain()
        );
    }
}

/// The last characters of the text `root` shows, for a failure message.
fn shown_text(root: &Element) -> String {
    /// Enough for a few lines of a log, short enough to read in a CI log.
    const SHOWN: usize = 400;
    let text = root.text_content().unwrap_or_default();
    let skipped = text.chars().count().saturating_sub(SHOWN);
    let tail: String = text.chars().skip(skipped).collect();
    format!("its text ends {tail:?}")
}
