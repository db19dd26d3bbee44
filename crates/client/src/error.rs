//! Typed errors for every case where the browser would throw, and for sends it would drop.

use std::fmt;

use wasm_bindgen::{JsCast, JsValue};

use crate::ReadyState;

/// What went wrong. Variants that mirror a `DOMException` carry its name in their docs and in
/// [`Error::dom_exception_name`].
///
/// ```
/// use wasm_ws_client::{Error, ReadyState};
/// let error = Error::InvalidState("send() while CONNECTING".into());
/// assert_eq!(error.dom_exception_name(), Some("InvalidStateError"));
/// assert_eq!(Error::Closed(ReadyState::Closed).dom_exception_name(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `SyntaxError`: an invalid URL (unparsable, wrong scheme, with a fragment) or a close
    /// reason longer than 123 bytes of UTF-8.
    Syntax(String),
    /// `InvalidAccessError`: a close code that is neither 1000 nor in 3000..=4999.
    InvalidAccess(String),
    /// `InvalidStateError`: sending while the socket is still CONNECTING.
    InvalidState(String),
    /// `SecurityError`: the browser refused to open the connection for a security reason, such
    /// as an insecure `ws:` URL from a page served over `https:` where the browser forbids mixed
    /// content. The WHATWG standard no longer throws it from the constructor; some engines and
    /// versions still do, and this variant keeps it apart from [`Error::Js`]. (Neither
    /// headless Chromium 156 nor Firefox ESR 153 throws it in this project's tests: a blocked
    /// port fails the connection instead, see the conformance suite.)
    Security(String),
    /// A send while the socket is CLOSING or CLOSED. The browser drops such data without a
    /// word (though `bufferedAmount` still grows); we tell the caller.
    Closed(ReadyState),
    /// Anything else the browser threw, with its message. Not expected in practice.
    Js(String),
}

impl Error {
    /// The name of the `DOMException` the browser would have thrown, if any.
    pub fn dom_exception_name(&self) -> Option<&'static str> {
        match self {
            Self::Syntax(_) => Some("SyntaxError"),
            Self::InvalidAccess(_) => Some("InvalidAccessError"),
            Self::InvalidState(_) => Some("InvalidStateError"),
            Self::Security(_) => Some("SecurityError"),
            Self::Closed(_) | Self::Js(_) => None,
        }
    }

    /// Converts an exception thrown by a web-sys call (a `DOMException` or any JS value),
    /// keeping the `DOMException` kind: for calls made through
    /// [`WebSocket::as_raw`](crate::WebSocket::as_raw).
    ///
    /// ```no_run
    /// use wasm_ws_client::Error;
    /// let exception = web_sys::DomException::new_with_message_and_name("no", "SecurityError").unwrap();
    /// assert_eq!(Error::from_js(exception.into()), Error::Security("no".into()));
    /// ```
    pub fn from_js(exception: JsValue) -> Self {
        if let Some(dom) = exception.dyn_ref::<web_sys::DomException>() {
            let message = dom.message();
            return match dom.name().as_str() {
                "SyntaxError" => Self::Syntax(message),
                "InvalidAccessError" => Self::InvalidAccess(message),
                "InvalidStateError" => Self::InvalidState(message),
                "SecurityError" => Self::Security(message),
                name => Self::Js(name.to_owned() + ": " + &message),
            };
        }
        match exception.dyn_ref::<js_sys::Error>() {
            Some(error) => Self::Js(String::from(error.message())),
            // Not an Error: a thrown string, say.
            None => Self::Js(
                exception
                    .as_string()
                    .unwrap_or_else(|| "a value that is not an Error".into()),
            ),
        }
    }
}

impl fmt::Display for Error {
    /// `SyntaxError: ...` and the like. Written piece by piece (`write_str`), which keeps the
    /// formatting machinery this brings into a page small.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (prefix, message) = match self {
            Self::Syntax(message) => ("SyntaxError: ", message.as_str()),
            Self::InvalidAccess(message) => ("InvalidAccessError: ", message.as_str()),
            Self::InvalidState(message) => ("InvalidStateError: ", message.as_str()),
            Self::Security(message) => ("SecurityError: ", message.as_str()),
            Self::Closed(state) => {
                f.write_str("the socket is ")?;
                f.write_str(state.name())?;
                return f.write_str(": the message was not sent");
            }
            Self::Js(message) => ("the browser threw: ", message.as_str()),
        };
        f.write_str(prefix)?;
        f.write_str(message)
    }
}

impl std::error::Error for Error {}
