//! `use_wanted`: whether a connection hook holds a connection, as `enabled` says or because
//! the user asked for one by hand. One rule for both connection hooks.

use std::rc::Rc;

use yew::prelude::*;

/// Whether a connection is wanted, and how many times one was asked for by hand: each ask
/// changes the value, so the hook's effect runs again even when the last attempt failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Wanted {
    pub(crate) wanted: bool,
    by_hand: u32,
}

pub(crate) enum Ask {
    /// `enabled` changed to this.
    Enabled(bool),
    /// `open()` or `reconnect()` with no connection to act on.
    ByHand,
}

impl Reducible for Wanted {
    type Action = Ask;

    fn reduce(self: Rc<Self>, ask: Ask) -> Rc<Self> {
        Rc::new(match ask {
            Ask::Enabled(wanted) => Self { wanted, ..*self },
            Ask::ByHand => Self {
                wanted: true,
                by_hand: self.by_hand.wrapping_add(1),
            },
        })
    }
}

/// Starts as `enabled` says, follows each change of `enabled` (not the first render's value:
/// an `open()` made before the first effect must not be undone by it), and takes asks by hand
/// through the returned handle's dispatcher.
#[hook]
pub(crate) fn use_wanted(enabled: bool) -> UseReducerHandle<Wanted> {
    let wanted = use_reducer_eq(move || Wanted {
        wanted: enabled,
        by_hand: 0,
    });
    let previous = use_mut_ref(|| enabled);
    {
        let ask = wanted.dispatcher();
        use_effect_with(enabled, move |enabled| {
            if previous.replace(*enabled) != *enabled {
                ask.dispatch(Ask::Enabled(*enabled));
            }
        });
    }
    wanted
}
