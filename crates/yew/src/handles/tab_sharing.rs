//! `TabSharing`: whether a hook's or a provider's connection is shared across tabs, as a value
//! that only sharing makes, so that an app that does not share does not carry the code.

use std::fmt;

use wasm_ws_client::ReconnectingWebSocket;
use yew::{html::IntoPropValue, AttrValue};

/// Whether a connection is shared with the other tabs of the origin, and under which app
/// version ([`ReconnectingWebSocket::share_across_tabs`]): the value of
/// [`WebSocketProviderProps::share_across_tabs`](crate::WebSocketProviderProps::share_across_tabs)
/// and [`UseReconnectingWebSocketOptions::share_across_tabs`](crate::UseReconnectingWebSocketOptions::share_across_tabs).
///
/// Made from the app's version ([`TabSharing::new`], or a string where a prop is written);
/// [`TabSharing::default`] shares nothing. Only a shared value names the code that shares
/// (Web Locks, `BroadcastChannel`, the relay), so an app that never makes one does not carry
/// it: 10.4 kB gzipped in a Yew app with one hook (see the project's `docs/benchmarks.md`).
///
/// ```no_run
/// use wasm_ws_yew::{TabSharing, UseReconnectingWebSocketOptions, WebSocketProvider};
/// use yew::prelude::*;
///
/// #[function_component]
/// fn App() -> Html {
///     // A string is enough for the prop: the build's version keeps two deploys apart.
///     html! { <WebSocketProvider url="/websocket/test" share_across_tabs={env!("CARGO_PKG_VERSION")} /> }
/// }
///
/// let options = UseReconnectingWebSocketOptions {
///     share_across_tabs: TabSharing::new(env!("CARGO_PKG_VERSION")),
///     ..Default::default()
/// };
/// assert_eq!(options.share_across_tabs.app_version(), Some(env!("CARGO_PKG_VERSION")));
/// ```
#[derive(Clone, Default)]
pub struct TabSharing(Option<Shared>);

#[derive(Clone)]
struct Shared {
    app_version: AttrValue,
    /// [`ReconnectingWebSocket::share_across_tabs`], named only here: a function pointer that
    /// exists only in a value [`TabSharing::new`] made, so that the linker keeps the sharing
    /// code only in an app that makes one.
    start: fn(&ReconnectingWebSocket, &str),
}

impl TabSharing {
    /// Shared with the tabs that run the same `app_version` of the app (tabs of two versions
    /// never share), on the same URL with the same subprotocols.
    pub fn new(app_version: impl Into<AttrValue>) -> Self {
        Self(Some(Shared {
            app_version: app_version.into(),
            start: ReconnectingWebSocket::share_across_tabs,
        }))
    }

    /// The app version shared under, or `None` when not shared.
    pub fn app_version(&self) -> Option<&str> {
        self.0.as_ref().map(|shared| shared.app_version.as_str())
    }

    /// Tells a connection not connected yet to share (nothing when not shared).
    pub(crate) fn apply(&self, connection: &ReconnectingWebSocket) {
        if let Some(Shared { app_version, start }) = &self.0 {
            start(connection, app_version);
        }
    }
}

/// Two values are equal when they share under the same version (or both share nothing).
impl PartialEq for TabSharing {
    fn eq(&self, other: &Self) -> bool {
        self.app_version() == other.app_version()
    }
}

impl fmt::Debug for TabSharing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.app_version() {
            Some(version) => f.debug_tuple("TabSharing").field(&version).finish(),
            None => f.write_str("TabSharing(off)"),
        }
    }
}

impl From<&'static str> for TabSharing {
    fn from(app_version: &'static str) -> Self {
        Self::new(app_version)
    }
}

impl From<String> for TabSharing {
    fn from(app_version: String) -> Self {
        Self::new(app_version)
    }
}

impl From<AttrValue> for TabSharing {
    fn from(app_version: AttrValue) -> Self {
        Self::new(app_version)
    }
}

/// `None` shares nothing: `Some(version)` and `None` as before this type existed.
impl<T: Into<TabSharing>> From<Option<T>> for TabSharing {
    fn from(app_version: Option<T>) -> Self {
        app_version.map_or_else(Self::default, Into::into)
    }
}

/// `share_across_tabs={env!("CARGO_PKG_VERSION")}` in `html!` (and a `String`, an
/// [`AttrValue`], or an `Option` of one of them).
macro_rules! prop_from {
    ($($from:ty),*) => {$(
        impl IntoPropValue<TabSharing> for $from {
            fn into_prop_value(self) -> TabSharing {
                self.into()
            }
        }
    )*};
}
prop_from!(
    &'static str,
    String,
    AttrValue,
    Option<&'static str>,
    Option<String>,
    Option<AttrValue>
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_version_shares() {
        assert_eq!(TabSharing::default().app_version(), None);
        assert_eq!(TabSharing::from(None::<String>), TabSharing::default());
        assert_eq!(TabSharing::new("1.2").app_version(), Some("1.2"));
        assert_eq!(TabSharing::from(Some("1.2")), TabSharing::new("1.2"));
        assert_ne!(TabSharing::new("1.2"), TabSharing::new("1.3"));
        assert_ne!(TabSharing::new("1.2"), TabSharing::default());
        let prop: TabSharing = String::from("1.2").into_prop_value();
        assert_eq!(format!("{prop:?}"), "TabSharing(\"1.2\")");
        assert_eq!(format!("{:?}", TabSharing::default()), "TabSharing(off)");
    }
}
