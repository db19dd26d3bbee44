//! Where a hook or the provider connects: a fixed URL, or a function called at each attempt.

use std::{cell::RefCell, fmt, rc::Rc};

use wasm_ws_client::{Error, ReconnectingWebSocket};
use yew::{html::IntoPropValue, AttrValue};

/// The URL of a connection: fixed, or produced anew at each attempt (to put a fresh token in
/// it, or pick another server). Relative URLs resolve against the page.
///
/// Anything string-like converts into it; [`WebSocketUrl::from_fn`] makes the other kind.
///
/// ```
/// use wasm_ws_yew::WebSocketUrl;
/// let fixed = WebSocketUrl::from("/websocket/test");
/// let fresh = WebSocketUrl::from_fn(|| format!("/websocket/test?token={}", 42));
/// assert_ne!(fixed, fresh);
/// assert_eq!(fixed, WebSocketUrl::from("/websocket/test"));
/// ```
///
/// `#[non_exhaustive]`: match with a wildcard arm.
#[derive(Clone)]
#[non_exhaustive]
pub enum WebSocketUrl {
    /// The same URL at every attempt.
    Fixed(AttrValue),
    /// A function called at every attempt. A hook always calls the newest function it was
    /// given, and a new function does not reconnect by itself; two functions are equal only
    /// when they are the same `Rc`.
    Produced(Rc<dyn Fn() -> String>),
}

impl WebSocketUrl {
    /// A URL produced by `url` at each attempt.
    pub fn from_fn(url: impl Fn() -> String + 'static) -> Self {
        Self::Produced(Rc::new(url))
    }

    /// What decides whether a hook must reconnect: the URL itself, or only that it is produced
    /// (the newest function is called anyway).
    pub(crate) fn key(&self) -> Option<AttrValue> {
        match self {
            Self::Fixed(url) => Some(url.clone()),
            Self::Produced(_) => None,
        }
    }
}

/// The newest [`WebSocketUrl`] a hook was given, read at each attempt.
pub(crate) type LatestUrl = Rc<RefCell<WebSocketUrl>>;

/// Connects `connection` (or starts it over) where `latest` says: a fixed URL, checked now, or
/// the newest function, asked at each attempt.
pub(crate) fn connect(latest: &LatestUrl, connection: &ReconnectingWebSocket) -> Result<(), Error> {
    let current = latest.borrow().clone();
    match current {
        WebSocketUrl::Fixed(url) => connection.connect(&url),
        WebSocketUrl::Produced(_) => {
            let latest = Rc::clone(latest);
            connection.connect_with(move || produce(&latest));
            Ok(())
        }
    }
}

/// The URL for one attempt.
pub(crate) fn produce(latest: &LatestUrl) -> String {
    match &*latest.borrow() {
        WebSocketUrl::Fixed(url) => url.to_string(),
        WebSocketUrl::Produced(url) => url(),
    }
}

impl PartialEq for WebSocketUrl {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Fixed(a), Self::Fixed(b)) => a == b,
            (Self::Produced(a), Self::Produced(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for WebSocketUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(url) => f.debug_tuple("Fixed").field(url).finish(),
            Self::Produced(_) => f.write_str("Produced(..)"),
        }
    }
}

impl From<&str> for WebSocketUrl {
    fn from(url: &str) -> Self {
        Self::Fixed(AttrValue::from(url.to_owned()))
    }
}

impl From<String> for WebSocketUrl {
    fn from(url: String) -> Self {
        Self::Fixed(url.into())
    }
}

impl From<AttrValue> for WebSocketUrl {
    fn from(url: AttrValue) -> Self {
        Self::Fixed(url)
    }
}

impl From<&AttrValue> for WebSocketUrl {
    fn from(url: &AttrValue) -> Self {
        Self::Fixed(url.clone())
    }
}

impl From<&WebSocketUrl> for WebSocketUrl {
    fn from(url: &WebSocketUrl) -> Self {
        url.clone()
    }
}

impl IntoPropValue<WebSocketUrl> for &'static str {
    fn into_prop_value(self) -> WebSocketUrl {
        WebSocketUrl::Fixed(AttrValue::Static(self))
    }
}

impl IntoPropValue<WebSocketUrl> for String {
    fn into_prop_value(self) -> WebSocketUrl {
        self.into()
    }
}

impl IntoPropValue<WebSocketUrl> for AttrValue {
    fn into_prop_value(self) -> WebSocketUrl {
        self.into()
    }
}
