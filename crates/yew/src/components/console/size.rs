//! What keeps the console small: every page that shows one downloads this code, so each tweak
//! here trades a little directness for bytes (measured with `scripts/bundle-sizes.sh`):
//!
//! - [`element`] and [`tag_with_class`]: a class given as one attribute value, where
//!   `class={..}` in `html!` builds a set of classes (a hash table) at each render;
//! - [`seconds`]: a delay printed from integers, not an `f64` (float printing is about 14 kB);
//! - [`binary_size`]: a `Blob`'s size as an integer, for the same reason;
//! - [`printed_code`]: a close code printed as a `u32`, which the page prints anyway (a `u16`
//!   brings its own printing routine).

use wasm_ws_client::Message;
use yew::{
    prelude::*,
    virtual_dom::{AttributeOrProperty, Attributes, VTag},
};

/// `<name class={class}>children</name>`. `class={..}` in `html!` makes a set of classes at
/// each render, whose hash table costs every page that uses the console.
pub(super) fn element(name: &'static str, class: impl Into<AttrValue>, children: Html) -> Html {
    let mut tag = tag_with_class(name, class);
    tag.add_child(children);
    tag.into()
}

pub(super) fn tag_with_class(name: &'static str, class: impl Into<AttrValue>) -> VTag {
    let mut tag = VTag::new(name);
    tag.attributes = Attributes::Dynamic {
        keys: &["class"],
        values: Box::new([Some(AttributeOrProperty::Attribute(class.into()))]),
    };
    tag
}

/// A delay as seconds with one decimal, `1.2 s`, in integers: formatting an `f64` would bring
/// about 14 kB of float printing into the page.
pub(super) fn seconds(delay: std::time::Duration) -> String {
    // In u64, not the u128 of `as_millis`: printing a u128 costs its own division routines.
    let tenths = (delay.as_millis() as u64 + 50) / 100;
    format!("{}.{} s", tenths / 10, tenths % 10)
}

/// The size of a binary message, as an integer; `None` for text.
pub(super) fn binary_size(message: &Message) -> Option<u64> {
    match message {
        Message::Text(_) => None,
        Message::Binary(bytes) => Some(bytes.len() as u64),
        // `size()` is an `f64`: printed as one, it would bring float formatting into the page.
        Message::Blob(blob) => Some(blob.size() as u64),
    }
}

/// A close code, to print.
pub(super) fn printed_code(code: u16) -> u32 {
    u32::from(code)
}
