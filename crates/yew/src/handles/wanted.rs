//! Whether a connection hook holds a connection, as `enabled` says or because the user asked
//! for one by hand: the state `use_wanted` keeps, and the dispatcher a handle asks through.

use std::rc::Rc;

use yew::prelude::*;

/// Whether a connection is wanted, and how many times one was asked for by hand: each ask
/// changes the value, so the hook's effect runs again even when the last attempt failed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Wanted {
    pub(crate) wanted: bool,
    pub(crate) by_hand: u32,
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
