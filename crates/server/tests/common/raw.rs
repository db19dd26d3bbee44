//! A raw WebSocket client over a plain TCP socket that can write any frame, valid or not, and
//! reads the server's frames with the server's own header parser.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    time::Duration,
};

use wasm_ws_server::protocol::frame;

pub const TEXT: u8 = 0x1;
pub const BINARY: u8 = 0x2;
pub const CONTINUATION: u8 = 0x0;
pub const CLOSE: u8 = 0x8;
pub const PING: u8 = 0x9;
pub const PONG: u8 = 0xA;

/// A frame as the server sent it.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame {
    pub fin: bool,
    pub rsv: u8,
    pub opcode: u8,
    pub payload: Vec<u8>,
}

impl Frame {
    /// The frame whose header starts with `first` and whose (unmasked) payload is `payload`.
    pub fn new(first: u8, payload: Vec<u8>) -> Self {
        Self {
            fin: first & 0x80 != 0,
            rsv: (first >> 4) & 0x7,
            opcode: first & 0xF,
            payload,
        }
    }

    /// The code of a Close frame, if it has one.
    pub fn close_code(&self) -> Option<u16> {
        let code = self.payload.first_chunk::<2>()?;
        (self.opcode == CLOSE).then(|| u16::from_be_bytes(*code))
    }
}

/// The frames `bytes` holds, unmasked, as far as they are complete.
pub fn frames(mut bytes: &[u8]) -> Vec<Frame> {
    let mut frames = Vec::new();
    while let Some(header) = frame::header(bytes) {
        let Some(payload) = bytes.get(header.size..header.size + header.length as usize) else {
            break;
        };
        let mut payload = payload.to_vec();
        frame::unmask(&mut payload, header.mask, 0);
        frames.push(Frame::new(bytes[0], payload));
        bytes = &bytes[header.size + header.length as usize..];
    }
    frames
}

/// Encodes a frame; `mask` is `None` for an (invalid, from a client) unmasked frame.
pub fn encode(fin: bool, rsv: u8, opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut frame = vec![(u8::from(fin) << 7) | (rsv << 4) | opcode];
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        len @ 0..=125 => frame.push(mask_bit | len as u8),
        len @ 126..=0xFFFF => {
            frame.push(mask_bit | 126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
        len => {
            frame.push(mask_bit | 127);
            frame.extend_from_slice(&(len as u64).to_be_bytes());
        }
    }
    match mask {
        Some(mask) => {
            frame.extend_from_slice(&mask);
            frame.extend(
                payload
                    .iter()
                    .enumerate()
                    .map(|(i, byte)| byte ^ mask[i % 4]),
            );
        }
        None => frame.extend_from_slice(payload),
    }
    frame
}

/// A client speaking WebSocket by hand.
pub struct Raw {
    stream: TcpStream,
}

impl Raw {
    /// Connects to `path` (like `/websocket/echo`) and completes the handshake.
    pub fn connect(addr: SocketAddr, path: &str) -> Self {
        let mut raw = Self::connect_with_headers(addr, path, "");
        let response = raw.read_handshake_response();
        assert!(response.starts_with("HTTP/1.1 101"), "{response}");
        raw
    }

    /// Connects to `path` with `first_bytes` sent in the same write as the handshake (the
    /// client does not wait for the 101), and completes the handshake.
    pub fn connect_sending(addr: SocketAddr, path: &str, first_bytes: &[u8]) -> Self {
        let mut raw = Self::connect_with_headers_and(addr, path, "", first_bytes);
        let response = raw.read_handshake_response();
        assert!(response.starts_with("HTTP/1.1 101"), "{response}");
        raw
    }

    /// Sends a handshake with extra header lines (each ending in `\r\n`), without reading
    /// the response.
    pub fn connect_with_headers(addr: SocketAddr, path: &str, extra_headers: &str) -> Self {
        Self::connect_with_headers_and(addr, path, extra_headers, b"")
    }

    /// Sends a handshake with extra header lines and then `after`, in one write.
    fn connect_with_headers_and(
        addr: SocketAddr,
        path: &str,
        extra_headers: &str,
        after: &[u8],
    ) -> Self {
        let stream = TcpStream::connect(addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        let mut raw = Self { stream };
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra_headers}\r\n"
        );
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(after);
        raw.send_bytes(&bytes);
        raw
    }

    /// Reads the HTTP response head, up to the blank line.
    pub fn read_handshake_response(&mut self) -> String {
        let mut head = Vec::new();
        let mut byte = [0u8];
        while !head.ends_with(b"\r\n\r\n") {
            match self.stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&head).into_owned()
    }

    pub fn socket(&self) -> &TcpStream {
        &self.stream
    }

    pub fn send_bytes(&mut self, bytes: &[u8]) {
        // The server may already have closed after an earlier violation: that is its right.
        let _ = self.stream.write_all(bytes);
    }

    /// Writes a masked frame.
    pub fn frame(&mut self, fin: bool, rsv: u8, opcode: u8, payload: &[u8]) {
        self.send_bytes(&encode(
            fin,
            rsv,
            opcode,
            payload,
            Some([0x37, 0xFA, 0x21, 0x3D]),
        ));
    }

    pub fn text(&mut self, payload: &[u8]) {
        self.frame(true, 0, TEXT, payload);
    }

    pub fn binary(&mut self, payload: &[u8]) {
        self.frame(true, 0, BINARY, payload);
    }

    pub fn close(&mut self, code: u16, reason: &[u8]) {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason);
        self.frame(true, 0, CLOSE, &payload);
    }

    /// Reads one frame; `None` once the server closed the TCP connection. The header is read
    /// a byte at a time until the server's own parser (`protocol::frame::header`, unit-tested
    /// on literal bytes) finds it complete, so that nothing past the frame is read.
    pub fn read_frame(&mut self) -> Option<Frame> {
        let mut head = Vec::with_capacity(14);
        let header = loop {
            let mut byte = [0u8];
            self.read_exact(&mut byte)?;
            head.push(byte[0]);
            if let Some(header) = frame::header(&head) {
                break header;
            }
        };
        assert!(!header.start.masked, "a server must not mask its frames");
        let mut payload = vec![0u8; header.length as usize];
        self.read_exact(&mut payload)?;
        Some(Frame::new(head[0], payload))
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Option<()> {
        match self.stream.read_exact(buf) {
            Ok(()) => Some(()),
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => None,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(error) => panic!("reading a frame: {error}"),
        }
    }

    fn next(&mut self) -> Frame {
        self.read_frame()
            .expect("a frame, not the end of the connection")
    }

    /// The next frame is a final text frame with this payload.
    pub fn expect_text(&mut self, payload: &[u8]) {
        let frame = self.next();
        assert_eq!((frame.fin, frame.opcode), (true, TEXT), "{frame:?}");
        assert_eq!(frame.payload, payload);
    }

    /// The next frame is a final binary frame with this payload.
    pub fn expect_binary(&mut self, payload: &[u8]) {
        let frame = self.next();
        assert_eq!((frame.fin, frame.opcode), (true, BINARY), "{frame:?}");
        assert_eq!(frame.payload, payload);
    }

    /// The next frame is a pong with this payload.
    pub fn expect_pong(&mut self, payload: &[u8]) {
        let frame = self.next();
        assert_eq!(
            (frame.opcode, &frame.payload[..]),
            (PONG, payload),
            "{frame:?}"
        );
    }

    /// The next frame is a Close with this code (and reason), and then the server hangs up.
    pub fn expect_close_with(&mut self, code: u16, reason: &[u8]) {
        let frame = self.next();
        assert_eq!(frame.opcode, CLOSE, "expected Close {code}, got {frame:?}");
        assert!(
            frame.payload.len() >= 2,
            "a Close without a code: {frame:?}"
        );
        let got = u16::from_be_bytes([frame.payload[0], frame.payload[1]]);
        assert_eq!(
            got,
            code,
            "close code (reason {:?})",
            String::from_utf8_lossy(&frame.payload[2..])
        );
        assert_eq!(&frame.payload[2..], reason);
        self.expect_hang_up();
    }

    /// The next frame is a Close with this code, whatever its reason.
    pub fn expect_close(&mut self, code: u16) {
        let frame = self.next();
        assert_eq!(frame.opcode, CLOSE, "expected Close {code}, got {frame:?}");
        assert!(
            frame.payload.len() >= 2,
            "a Close without a code: {frame:?}"
        );
        assert_eq!(
            u16::from_be_bytes([frame.payload[0], frame.payload[1]]),
            code
        );
    }

    /// After its Close, the server sends nothing more and closes the TCP connection.
    pub fn expect_hang_up(&mut self) {
        if let Some(frame) = self.read_frame() {
            panic!("a frame after the Close: {frame:?}");
        }
    }
}

/// A fresh connection to `/websocket/echo` on `addr` still echoes.
pub fn assert_serves(addr: SocketAddr) {
    let mut raw = Raw::connect(addr, "/websocket/echo");
    raw.text(b"still there?");
    raw.expect_text(b"still there?");
}

/// A plain HTTP GET; returns the status code and the body.
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The status of a WebSocket handshake to `/websocket/echo` with the given extra headers.
pub fn handshake_status(addr: SocketAddr, extra_headers: &str) -> (u16, Raw) {
    let mut raw = Raw::connect_with_headers(addr, "/websocket/echo", extra_headers);
    let response = raw.read_handshake_response();
    (response[9..12].parse().unwrap_or(0), raw)
}
