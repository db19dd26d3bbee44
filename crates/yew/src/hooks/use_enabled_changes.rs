//! `use_enabled_changes`: what the connection hooks do when their `enabled` option changes.

use yew::prelude::*;

/// Calls `on_change` with the new value each time `enabled` changes, and not on the first
/// render: the first value is already in the hook's initial state, and an `open()` made before
/// the effect first runs must not be undone by it.
#[hook]
pub(crate) fn use_enabled_changes(enabled: bool, on_change: impl Fn(bool) + 'static) {
    let previous = use_mut_ref(|| enabled);
    use_effect_with(enabled, move |enabled| {
        if previous.replace(*enabled) != *enabled {
            on_change(*enabled);
        }
    });
}
