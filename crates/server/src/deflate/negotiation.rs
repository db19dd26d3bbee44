//! `permessage-deflate` negotiation (RFC 7692 sections 5 and 7.1): parse the client's offers
//! from `Sec-WebSocket-Extensions` (RFC 6455 section 9.1 grammar), accept the first one whose
//! every parameter the server can honour, and build the response.
//!
//! What a server may answer (RFC 7692):
//! - 7: decline an offer with an unknown parameter, an invalid value, a repeated parameter, or
//!   a configuration the server does not support.
//! - 7.1.1.1: `server_no_context_takeover`, if offered, must be in the response; the server may
//!   add it even when not offered.
//! - 7.1.1.2: `client_no_context_takeover` may be in the response whether offered or not.
//! - 7.1.2.1: `server_max_window_bits=N` offered: the response carries it with a value <= N;
//!   not offered: the server may still include it.
//! - 7.1.2.2: `client_max_window_bits` not offered: the response MUST NOT include it; offered
//!   (with or without a value): the response may include it, with a value (<= the offered one).

use super::{Mode, Settings, MIN_WINDOW_BITS};

/// The extension's name (RFC 7692 section 7).
pub const NAME: &str = "permessage-deflate";

/// The largest LZ77 window, 32 KiB (RFC 7692 section 7.1.2).
pub const MAX_WINDOW_BITS: u8 = 15;

/// One `permessage-deflate` offer, its parameters checked (RFC 7692 section 7.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offer {
    /// `server_no_context_takeover`.
    pub server_no_context_takeover: bool,
    /// `client_no_context_takeover`.
    pub client_no_context_takeover: bool,
    /// `server_max_window_bits=N`.
    pub server_max_window_bits: Option<u8>,
    /// `client_max_window_bits`: `Some(None)` without a value.
    pub client_max_window_bits: Option<Option<u8>>,
}

/// What both sides use once an offer is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreement {
    /// The server starts every message afresh (nothing kept between messages).
    pub server_no_context_takeover: bool,
    /// The client starts every message afresh.
    pub client_no_context_takeover: bool,
    /// The window the server compresses with, and keeps between messages with context
    /// takeover.
    pub server_window_bits: u8,
    /// The window the client compresses with (at most): what the server keeps of the client's
    /// messages with context takeover.
    pub client_window_bits: u8,
    /// Whether the response names `server_max_window_bits`.
    announce_server_window_bits: bool,
    /// Whether the response names `client_max_window_bits`.
    announce_client_window_bits: bool,
}

impl Agreement {
    /// The `Sec-WebSocket-Extensions` response: the extension and its parameters, values
    /// unquoted (Firefox reads them unquoted).
    pub fn response(&self) -> String {
        let mut response = String::from(NAME);
        if self.server_no_context_takeover {
            response.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            response.push_str("; client_no_context_takeover");
        }
        if self.announce_server_window_bits {
            response.push_str(&format!(
                "; server_max_window_bits={}",
                self.server_window_bits
            ));
        }
        if self.announce_client_window_bits {
            response.push_str(&format!(
                "; client_max_window_bits={}",
                self.client_window_bits
            ));
        }
        response
    }
}

/// The agreement for the first offer in `headers` (every `Sec-WebSocket-Extensions` value, in
/// order) that the server accepts under `settings`, or `None`: the server declines them all
/// and answers without the extension.
pub fn negotiate<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    settings: &Settings,
) -> Option<Agreement> {
    if settings.mode == Mode::Off {
        return None;
    }
    headers
        .into_iter()
        .flat_map(split_elements)
        .filter_map(|element| parse_offer(element).ok().flatten())
        .find_map(|offer| accept(&offer, settings))
}

/// Decides one offer (RFC 7692 section 7.1): the agreement, or `None` to decline it.
pub fn accept(offer: &Offer, settings: &Settings) -> Option<Agreement> {
    let takeover = settings.mode == Mode::ContextTakeover;
    // zlib cannot compress raw DEFLATE with a 256-byte window (it uses 512): an offer that
    // limits the server to 8 bits cannot be honoured (7.1.2.1: decline it).
    if offer
        .server_max_window_bits
        .is_some_and(|bits| bits < MIN_WINDOW_BITS)
    {
        return None;
    }
    // The server's side: without context takeover nothing is kept between messages, and each
    // message may use the whole window; with it, the window kept per connection is bounded by
    // the settings.
    let server_no_context_takeover = !takeover || offer.server_no_context_takeover;
    let server_limit = if server_no_context_takeover {
        MAX_WINDOW_BITS
    } else {
        settings.window_bits
    };
    let server_window_bits = offer
        .server_max_window_bits
        .map_or(server_limit, |offered| offered.min(server_limit));
    let announce_server_window_bits =
        offer.server_max_window_bits.is_some() || server_window_bits < MAX_WINDOW_BITS;

    // The client's side: what the server must keep of the client's messages. A client that
    // does not accept `client_max_window_bits` (Firefox) may use a 32 KiB window: beyond the
    // bound, it is asked not to take context over (7.1.1.2 allows that to any offer).
    let (client_no_context_takeover, client_window_bits, announce_client_window_bits) =
        match offer.client_max_window_bits {
            _ if !takeover || offer.client_no_context_takeover => (true, MAX_WINDOW_BITS, false),
            None if settings.window_bits < MAX_WINDOW_BITS => (true, MAX_WINDOW_BITS, false),
            None => (false, MAX_WINDOW_BITS, false),
            Some(offered) => {
                let bits = offered.unwrap_or(MAX_WINDOW_BITS).min(settings.window_bits);
                (false, bits, bits < MAX_WINDOW_BITS || offered.is_some())
            }
        };
    Some(Agreement {
        server_no_context_takeover,
        client_no_context_takeover,
        server_window_bits,
        client_window_bits,
        announce_server_window_bits,
        announce_client_window_bits,
    })
}

/// Why an offer is not even considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declined {
    /// Not RFC 6455 section 9.1's grammar.
    Syntax,
    /// A parameter RFC 7692 does not define for an offer, or one with a value it forbids.
    Parameter(String),
    /// A parameter given twice.
    Repeated(String),
}

/// Parses one element of the extension list: `Ok(None)` for another extension, the offer for
/// `permessage-deflate`, or why this offer must be declined (RFC 7692 section 7).
pub fn parse_offer(element: &str) -> Result<Option<Offer>, Declined> {
    let mut parts = split_outside_quotes(element, ';').into_iter();
    let name = parts.next().map(str::trim).unwrap_or_default();
    if !is_token(name) {
        return Err(Declined::Syntax);
    }
    if name != NAME {
        return Ok(None);
    }
    let mut offer = Offer::default();
    for param in parts {
        let (key, value) = match param.split_once('=') {
            Some((key, value)) => (key.trim(), Some(unquote(value.trim())?)),
            None => (param.trim(), None),
        };
        if !is_token(key) {
            return Err(Declined::Syntax);
        }
        let repeated = || Declined::Repeated(key.to_owned());
        let invalid = || Declined::Parameter(key.to_owned());
        match (key, value) {
            ("server_no_context_takeover", None) => {
                if std::mem::replace(&mut offer.server_no_context_takeover, true) {
                    return Err(repeated());
                }
            }
            ("client_no_context_takeover", None) => {
                if std::mem::replace(&mut offer.client_no_context_takeover, true) {
                    return Err(repeated());
                }
            }
            ("server_max_window_bits", Some(value)) => {
                let bits = window_bits(&value).ok_or_else(invalid)?;
                if offer.server_max_window_bits.replace(bits).is_some() {
                    return Err(repeated());
                }
            }
            ("client_max_window_bits", value) => {
                let bits = match value {
                    Some(value) => Some(window_bits(&value).ok_or_else(invalid)?),
                    None => None,
                };
                if offer.client_max_window_bits.replace(bits).is_some() {
                    return Err(repeated());
                }
            }
            _ => return Err(invalid()),
        }
    }
    Ok(Some(offer))
}

/// A window size: a decimal integer from 8 to 15 without leading zeroes (RFC 7692 sections
/// 7.1.2.1 and 7.1.2.2).
fn window_bits(value: &str) -> Option<u8> {
    let valid = !value.is_empty()
        && !value.starts_with('0')
        && value.bytes().all(|byte| byte.is_ascii_digit());
    let bits: u8 = value.parse().ok().filter(|_| valid)?;
    (8..=MAX_WINDOW_BITS).contains(&bits).then_some(bits)
}

/// The elements of one header value's list (RFC 6455 section 9.1: `1#extension`), empty ones
/// skipped as RFC 7230's list rule allows.
fn split_elements(value: &str) -> impl Iterator<Item = &str> {
    split_outside_quotes(value, ',')
        .into_iter()
        .filter(|element| !element.trim().is_empty())
}

/// Splits at `separator` outside quoted strings.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (at, char) in text.char_indices() {
        match char {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            _ if char == separator && !quoted => {
                parts.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A parameter's value: a token, or a quoted string whose content is a token once unescaped
/// (RFC 6455 section 9.1).
fn unquote(value: &str) -> Result<String, Declined> {
    let unquoted = match value.strip_prefix('"') {
        Some(rest) => {
            let inner = rest.strip_suffix('"').ok_or(Declined::Syntax)?;
            let mut unescaped = String::new();
            let mut chars = inner.chars();
            while let Some(char) = chars.next() {
                unescaped.push(if char == '\\' {
                    chars.next().ok_or(Declined::Syntax)?
                } else {
                    char
                });
            }
            unescaped
        }
        None => value.to_owned(),
    };
    if is_token(&unquoted) {
        Ok(unquoted)
    } else {
        Err(Declined::Syntax)
    }
}

/// RFC 7230 section 3.2.6's `token`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

#[cfg(test)]
mod tests;
