//! Closing: the close event's payload, and the checks `close(code, reason)` makes first.

use crate::Error;

/// The longest close reason, in bytes of UTF-8: a Close frame's payload is at most 125 bytes,
/// two of which hold the code (RFC 6455 section 5.5).
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// What the `close` event reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseEvent {
    /// The close code: the server's, 1005 when its Close frame had none, 1006 when the
    /// connection failed or dropped without a closing handshake.
    pub code: u16,
    /// The close reason, possibly empty.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
}

impl From<&web_sys::CloseEvent> for CloseEvent {
    fn from(event: &web_sys::CloseEvent) -> Self {
        Self {
            code: event.code(),
            reason: event.reason(),
            was_clean: event.was_clean(),
        }
    }
}

/// The WHATWG checks on `close(code, reason)`, in the spec's order: the code must be 1000 or in
/// 3000..=4999 (`InvalidAccessError`), the reason at most 123 bytes (`SyntaxError`).
///
/// ```
/// use wasm_ws_client::{validate_close, Error};
/// assert_eq!(validate_close(1000, "bye"), Ok(()));
/// assert!(matches!(validate_close(1001, ""), Err(Error::InvalidAccess(_))));
/// assert!(matches!(validate_close(4000, &"x".repeat(124)), Err(Error::Syntax(_))));
/// ```
pub fn validate_close(code: u16, reason: &str) -> Result<(), Error> {
    if code != 1000 && !(3000..=4999).contains(&code) {
        // As a u32, whose printing a page has anyway; a u16's would be one more.
        let code = u32::from(code).to_string();
        return Err(Error::InvalidAccess(
            "close code ".to_owned() + &code + " is neither 1000 nor in 3000..=4999",
        ));
    }
    if reason.len() > MAX_CLOSE_REASON_BYTES {
        let bytes = (reason.len() as u32).to_string();
        return Err(Error::Syntax(
            "close reason is ".to_owned() + &bytes + " bytes of UTF-8, more than 123",
        ));
    }
    Ok(())
}
