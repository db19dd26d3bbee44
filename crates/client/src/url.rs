//! The constructor's checks on the URL and the subprotocols (WHATWG WebSocket constructor,
//! steps 1 to 10), made in Rust so that bad input is a typed error.

use crate::Error;

/// Resolves `url` against the page's base URL, maps `http:` to `ws:` and `https:` to `wss:`, and
/// rejects other schemes and any fragment, as the browser's `new WebSocket(url)` does.
///
/// ```no_run
/// // On a page served from http://127.0.0.1:3000/:
/// assert_eq!(wasm_ws::resolve_url("/websocket/test").unwrap(), "ws://127.0.0.1:3000/websocket/test");
/// assert!(wasm_ws::resolve_url("ftp://example.com/").is_err());
/// ```
pub fn resolve_url(url: &str) -> Result<String, Error> {
    let base = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.base_uri().ok().flatten());
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    }
    .map_err(|_| Error::Syntax(format!("{url:?} is not a valid URL")))?;

    match parsed.protocol().as_str() {
        "ws:" | "wss:" => {}
        "http:" => parsed.set_protocol("ws:"),
        "https:" => parsed.set_protocol("wss:"),
        other => {
            return Err(Error::Syntax(format!(
                "the URL's scheme is {other:?}; only ws:, wss:, http: and https: are allowed"
            )))
        }
    }
    // The WHATWG URL parser percent-decodes a ws:/wss: host and then refuses forbidden domain
    // code points, `%` and space among them, so no valid host keeps a `%`. Chromium instead
    // keeps `ws://foo bar.com/` as `foo%20bar.com`; Firefox throws, as the spec says.
    if parsed.hostname().contains('%') {
        return Err(Error::Syntax(format!("{url:?} has an invalid host")));
    }
    let href = parsed.href();
    // A bare `#` leaves `hash()` empty but is still a fragment, and the serialised URL keeps it.
    if href.contains('#') {
        return Err(Error::Syntax(format!("the URL {href:?} has a fragment")));
    }
    Ok(href)
}

/// Checks a list of subprotocols: each must be a non-empty HTTP token (RFC 9110 section 5.6.2),
/// and no two may be equal ignoring ASCII case.
///
/// ```
/// use wasm_ws::{validate_protocols, Error};
/// assert_eq!(validate_protocols(&["chat", "superchat.v2"]), Ok(()));
/// assert!(matches!(validate_protocols(&["chat", "CHAT"]), Err(Error::Syntax(_))));
/// assert!(matches!(validate_protocols(&["a b"]), Err(Error::Syntax(_))));
/// assert!(matches!(validate_protocols(&[""]), Err(Error::Syntax(_))));
/// ```
pub fn validate_protocols<S: AsRef<str>>(protocols: &[S]) -> Result<(), Error> {
    for (index, protocol) in protocols.iter().enumerate() {
        let protocol = protocol.as_ref();
        if protocol.is_empty() || !protocol.bytes().all(is_token_byte) {
            return Err(Error::Syntax(format!(
                "{protocol:?} is not a valid subprotocol (an HTTP token)"
            )));
        }
        if protocols[..index]
            .iter()
            .any(|earlier| earlier.as_ref().eq_ignore_ascii_case(protocol))
        {
            return Err(Error::Syntax(format!(
                "the subprotocol {protocol:?} is given twice"
            )));
        }
    }
    Ok(())
}

/// `tchar` of RFC 9110: visible ASCII except separators.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}
