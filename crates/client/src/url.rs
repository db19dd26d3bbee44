//! The constructor's checks on the URL and the subprotocols (WHATWG WebSocket constructor,
//! steps 1 to 10), made in Rust so that bad input is a typed error.

use wasm_bindgen::JsCast;

use crate::Error;

/// Resolves `url` against the API base URL, maps `http:` to `ws:` and `https:` to `wss:`, and
/// rejects other schemes and any fragment, as the browser's `new WebSocket(url)` does.
///
/// The API base URL is the page's base URL (`document.baseURI`) on a page, and the worker's own
/// URL (`self.location`) in a dedicated or shared worker.
///
/// ```no_run
/// // On a page served from http://127.0.0.1:3000/ (or in a worker loaded from there):
/// assert_eq!(wasm_ws_client::resolve_url("/websocket/test").unwrap(), "ws://127.0.0.1:3000/websocket/test");
/// assert!(wasm_ws_client::resolve_url("ftp://example.com/").is_err());
/// ```
pub fn resolve_url(url: &str) -> Result<String, Error> {
    let base = api_base_url();
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    }
    .map_err(|_| Error::Syntax(quoted(url, " is not a valid URL")))?;

    match parsed.protocol().as_str() {
        "ws:" | "wss:" => {}
        "http:" => parsed.set_protocol("ws:"),
        "https:" => parsed.set_protocol("wss:"),
        other => {
            let scheme = quoted(other, "; only ws:, wss:, http: and https: are allowed");
            return Err(Error::Syntax(
                String::from("the URL's scheme is ") + &scheme,
            ));
        }
    }
    // The WHATWG URL parser percent-decodes a ws:/wss: host and then refuses forbidden domain
    // code points, `%` and space among them, so no valid host keeps a `%`. Chromium instead
    // keeps `ws://foo bar.com/` as `foo%20bar.com`; Firefox throws, as the spec says.
    let host = parsed.hostname();
    if host.contains('%') || host.split('.').any(|label| !is_valid_ace_label(label)) {
        return Err(Error::Syntax(quoted(url, " has an invalid host")));
    }
    let href = parsed.href();
    // A bare `#` leaves `hash()` empty but is still a fragment, and the serialised URL keeps it.
    if href.contains('#') {
        return Err(Error::Syntax(
            String::from("the URL ") + &quoted(&href, " has a fragment"),
        ));
    }
    Ok(href)
}

/// The WHATWG WebSocket constructor's "relevant settings object's API base URL": the document's
/// base URL in a window, the worker's location in a worker. `None` elsewhere (then only
/// absolute URLs parse).
fn api_base_url() -> Option<String> {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        return window.document()?.base_uri().ok().flatten();
    }
    let worker = global.dyn_ref::<web_sys::WorkerGlobalScope>()?;
    Some(worker.location().href())
}

/// Whether a host label is acceptable as far as Punycode goes. The URL standard's host parser
/// applies UTS 46, whose processing step 4 makes a label that starts with `xn--` an error
/// unless the rest decodes as Punycode to a non-empty label that is not only ASCII. Firefox
/// applies it; Chromium accepts `ws://xn--/`. Other labels are left to the engine.
fn is_valid_ace_label(label: &str) -> bool {
    let Some(encoded) = label
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        .and_then(|_| label.get(4..))
    else {
        return true;
    };
    punycode_insertions(encoded).is_some_and(|inserted| inserted > 0)
}

/// Decodes Punycode (RFC 3492 section 6.2) without building the result: how many code points
/// the decoder inserts into the basic ones, or `None` if it is not valid Punycode. Every
/// inserted code point is non-ASCII (they start at 128 and only grow), so a label decodes to
/// something non-empty and not only ASCII exactly when at least one is inserted. Not building
/// the label keeps this check small in every page's download.
fn punycode_insertions(input: &str) -> Option<u32> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn adapt(delta: u32, points: u32, first: bool) -> u32 {
        let mut delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + ((BASE - T_MIN + 1) * delta) / (delta + SKEW)
    }
    let (basic, encoded) = input.rsplit_once('-').unwrap_or(("", input));
    if !basic.is_ascii() {
        return None;
    }
    let mut length = basic.len() as u32;
    let (mut code_point, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = encoded.bytes();
    while digits.len() > 0 {
        let (old_i, mut weight, mut k) = (i, 1u32, BASE);
        loop {
            let digit = match digits.next()? {
                byte @ b'a'..=b'z' => byte - b'a',
                byte @ b'A'..=b'Z' => byte - b'A',
                byte @ b'0'..=b'9' => byte - b'0' + 26,
                _ => return None,
            } as u32;
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let threshold = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
            if digit < threshold {
                break;
            }
            weight = weight.checked_mul(BASE - threshold)?;
            k += BASE;
        }
        length += 1;
        bias = adapt(i - old_i, length, old_i == 0);
        code_point = code_point.checked_add(i / length)?;
        i %= length;
        // A surrogate or a value past U+10FFFF is no code point.
        char::from_u32(code_point)?;
        i += 1;
    }
    Some(length - basic.len() as u32)
}

/// Checks a list of subprotocols: each must be a non-empty HTTP token (RFC 9110 section 5.6.2),
/// and no two may be equal ignoring ASCII case.
///
/// ```
/// use wasm_ws_client::{validate_protocols, Error};
/// assert_eq!(validate_protocols(&["chat", "superchat.v2"]), Ok(()));
/// assert!(matches!(validate_protocols(&["chat", "CHAT"]), Err(Error::Syntax(_))));
/// assert!(matches!(validate_protocols(&["a b"]), Err(Error::Syntax(_))));
/// assert!(matches!(validate_protocols(&[""]), Err(Error::Syntax(_))));
/// ```
pub fn validate_protocols<S: AsRef<str>>(protocols: &[S]) -> Result<(), Error> {
    for (index, protocol) in protocols.iter().enumerate() {
        let protocol = protocol.as_ref();
        if protocol.is_empty() || !protocol.bytes().all(is_token_byte) {
            return Err(Error::Syntax(quoted(
                protocol,
                " is not a valid subprotocol (an HTTP token)",
            )));
        }
        if protocols[..index]
            .iter()
            .any(|earlier| earlier.as_ref().eq_ignore_ascii_case(protocol))
        {
            let twice = quoted(protocol, " is given twice");
            return Err(Error::Syntax(String::from("the subprotocol ") + &twice));
        }
    }
    Ok(())
}

/// `"value"` then `rest`. Built by hand rather than with `format!("{value:?}")`, whose escaping
/// brings the Unicode printability tables into every page's download (about 3 kB gzipped).
fn quoted(value: &str, rest: &str) -> String {
    let mut message = String::with_capacity(value.len() + rest.len() + 2);
    message.push('"');
    message.push_str(value);
    message.push('"');
    message.push_str(rest);
    message
}

/// `tchar` of RFC 9110: visible ASCII except separators.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_decodes_the_rfc_examples_and_refuses_garbage() {
        assert_eq!(punycode_insertions("bcher-kva"), Some(1), "bücher");
        assert_eq!(punycode_insertions("mnchen-3ya"), Some(1), "münchen");
        assert_eq!(
            punycode_insertions("ihqwcrb4cv8a8dqg056pqjye"),
            Some(9),
            "他们为什么不说中文"
        );
        assert_eq!(punycode_insertions("tda"), Some(1), "ü alone");
        assert_eq!(punycode_insertions("abc-"), Some(0), "only ASCII");
        assert_eq!(punycode_insertions(""), Some(0));
        assert_eq!(punycode_insertions("99999999999"), None, "overflow");
        assert_eq!(punycode_insertions("a_b"), None, "not a digit");
        // The same encoding of U+D800, a surrogate, which is no code point.
        assert_eq!(punycode_insertions("ib9b"), None, "a surrogate");
    }

    #[test]
    fn ace_labels_must_decode_to_something_non_ascii() {
        assert!(is_valid_ace_label("example"));
        assert!(is_valid_ace_label("xn--bcher-kva"));
        assert!(is_valid_ace_label("XN--bcher-kva"));
        assert!(!is_valid_ace_label("xn--"), "empty");
        assert!(!is_valid_ace_label("xn--abc-"), "only ASCII");
        assert!(!is_valid_ace_label("xn--a_b"), "not Punycode");
    }
}
