//! permessage-deflate (RFC 7692) from the client's side, with an encoder and a decoder other
//! than the server's (miniz_oxide).

use std::net::SocketAddr;

use super::raw::Raw;

/// What Chromium offers (net/websockets/websocket_handshake_stream_create_helper.cc).
pub const CHROMIUM_OFFER: &str = "permessage-deflate; client_max_window_bits";
/// What Firefox offers (netwerk/protocol/websocket/WebSocketChannel.cpp).
pub const FIREFOX_OFFER: &str = "permessage-deflate";
/// What WebKit offers through libsoup (soup-websocket-extension-deflate.c).
pub const WEBKIT_OFFER: &str = "permessage-deflate; client_max_window_bits";

/// The empty stored block RFC 7692 section 7.2.1 removes and 7.2.2 appends.
pub const DEFLATE_TRAILER: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];

impl Raw {
    /// Connects to `path` offering `extensions` (a `Sec-WebSocket-Extensions` value); returns
    /// the client and the extensions the server accepted, if any.
    pub fn connect_offering(
        addr: SocketAddr,
        path: &str,
        extensions: &str,
    ) -> (Self, Option<String>) {
        let mut raw = Self::connect_with_headers(
            addr,
            path,
            &format!("Sec-WebSocket-Extensions: {extensions}\r\n"),
        );
        let response = raw.read_handshake_response();
        assert!(response.starts_with("HTTP/1.1 101"), "{response}");
        let accepted = response.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-extensions")
                .then(|| value.trim().to_owned())
        });
        (raw, accepted)
    }

    /// Writes a compressed message in one frame (RSV1 set).
    pub fn compressed(&mut self, opcode: u8, message: &[u8]) {
        self.frame(true, 0b100, opcode, &deflate_message(message));
    }
}

/// A message compressed as RFC 7692 section 7.2.1 says, by an encoder other than the server's
/// (miniz_oxide): DEFLATE with a sync flush, the trailing empty block removed.
pub fn deflate_message(message: &[u8]) -> Vec<u8> {
    use miniz_oxide::{
        deflate::{core::CompressorOxide, stream::deflate},
        MZFlush,
    };
    let mut compressor = CompressorOxide::new(
        miniz_oxide::deflate::core::create_comp_flags_from_zip_params(6, -15, 0),
    );
    let mut out = vec![0; message.len() + 1024];
    let result = deflate(&mut compressor, message, &mut out, MZFlush::Sync);
    assert_eq!(result.bytes_consumed, message.len());
    out.truncate(result.bytes_written);
    assert!(out.ends_with(&DEFLATE_TRAILER));
    out.truncate(out.len() - DEFLATE_TRAILER.len());
    out
}

/// Inflates a compressed message as RFC 7692 section 7.2.2 says (trailer appended), with a
/// decoder other than the server's (miniz_oxide), continuing `state` (context takeover) or
/// a fresh one.
pub fn inflate_message(
    state: Option<&mut miniz_oxide::inflate::stream::InflateState>,
    compressed: &[u8],
) -> Vec<u8> {
    use miniz_oxide::{
        inflate::stream::{inflate, InflateState},
        DataFormat, MZFlush,
    };
    let mut fresh = InflateState::new_boxed(DataFormat::Raw);
    let state = state.unwrap_or(&mut fresh);
    let input = [compressed, &DEFLATE_TRAILER].concat();
    let mut out = vec![0; 1 << 20];
    let result = inflate(state, &input, &mut out, MZFlush::Sync);
    assert!(result.status.is_ok(), "not DEFLATE: {:?}", result.status);
    assert_eq!(result.bytes_consumed, input.len());
    out.truncate(result.bytes_written);
    out
}
