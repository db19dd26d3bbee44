//! `use_latest`: the newest value a hook was given, for what an earlier render set up.

use std::{cell::RefCell, rc::Rc};

use yew::prelude::*;

/// A cell holding `value` as of the latest render. Socket handlers, timers and subscriptions
/// set up once read it when they run, so they always call the newest callbacks and options,
/// and a new closure never has to reconnect anything.
#[hook]
pub(crate) fn use_latest<T: 'static>(value: T) -> Rc<RefCell<T>> {
    let mut value = Some(value);
    // On the first render the cell is made with the value; on later ones it takes the new one.
    let latest = use_mut_ref(|| value.take().expect("a value for the first render"));
    if let Some(value) = value {
        *latest.borrow_mut() = value;
    }
    latest
}
