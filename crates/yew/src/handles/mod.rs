//! The types the hooks take and hand out, and the context a provider gives its subtree: the
//! layer below the hooks (`hooks/`), which sit below the components (`components/`). No
//! module imports from a layer above its own.

pub(crate) mod context;
pub(crate) mod reconnecting;
pub(crate) mod tab_sharing;
pub(crate) mod wanted;
