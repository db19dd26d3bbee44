//! Turning the URL a user passes into the one the browser connects to (WHATWG WebSocket
//! constructor, steps 1 to 6), checked in Rust so that a bad URL is a typed error.

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
    let href = parsed.href();
    // A bare `#` leaves `hash()` empty but is still a fragment, and the serialised URL keeps it.
    if href.contains('#') {
        return Err(Error::Syntax(format!("the URL {href:?} has a fragment")));
    }
    Ok(href)
}
