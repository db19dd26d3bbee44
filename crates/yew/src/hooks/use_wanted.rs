//! `use_wanted`: whether a connection hook holds a connection, as `enabled` says or because
//! the user asked for one by hand. One rule for both connection hooks.

use yew::prelude::*;

pub(crate) use crate::handles::wanted::{Ask, Wanted};

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
