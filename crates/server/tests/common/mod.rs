//! Shared by the server's integration tests: a server on its own thread, and a raw WebSocket
//! client over a plain TCP socket that can write any frame, valid or not.

#![allow(dead_code)] // each test file uses its own part of this module

#[cfg(feature = "tls")]
pub mod certificates;

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    thread,
    time::Duration,
};

use wasm_ws_server::{config::Config, server, shutdown::ShutdownHandle};

/// Starts a server with `config` on its own thread and actix system; returns its address and
/// a handle to shut it down.
pub fn spawn_server(config: Config) -> (SocketAddr, ShutdownHandle) {
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let running = server::start(&config).expect("server starts");
            sender
                .send((running.local_addr(), running.shutdown_handle()))
                .unwrap();
            running.await.expect("server runs");
        })
    });
    receiver.recv().expect("server started")
}

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

    /// Reads one frame; `None` once the server closed the TCP connection.
    pub fn read_frame(&mut self) -> Option<Frame> {
        let mut head = [0u8; 2];
        self.read_exact(&mut head)?;
        assert_eq!(head[1] & 0x80, 0, "a server must not mask its frames");
        let len = match head[1] & 0x7F {
            126 => {
                let mut len = [0u8; 2];
                self.read_exact(&mut len)?;
                u16::from_be_bytes(len) as usize
            }
            127 => {
                let mut len = [0u8; 8];
                self.read_exact(&mut len)?;
                u64::from_be_bytes(len) as usize
            }
            len => len as usize,
        };
        let mut payload = vec![0u8; len];
        self.read_exact(&mut payload)?;
        Some(Frame {
            fin: head[0] & 0x80 != 0,
            rsv: (head[0] >> 4) & 0x7,
            opcode: head[0] & 0xF,
            payload,
        })
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

/// The server binary, running as a child process; killed when dropped.
pub struct Binary {
    pub child: std::process::Child,
    pub addr: SocketAddr,
}

impl Binary {
    /// Starts `wasm-ws-server --bind 127.0.0.1:0 --static-dir <crate dir> --test-endpoints ARGS`
    /// and waits until it listens.
    pub fn start(args: &[&str]) -> Self {
        Self::start_logging_to(args, std::process::Stdio::null())
    }

    /// As [`Binary::start`], with the server's log (stderr) read line by line as it comes.
    pub fn start_logging(args: &[&str]) -> (Self, LogLines) {
        let mut server = Self::start_logging_to(args, std::process::Stdio::piped());
        let stderr = server.child.stderr.take().expect("stderr is piped");
        let (sender, lines) = std::sync::mpsc::channel();
        thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        (
            server,
            LogLines {
                lines,
                seen: Vec::new(),
            },
        )
    }

    /// As [`Binary::start`], with the server's log (stderr) sent to `log`.
    pub fn start_logging_to(args: &[&str], log: impl Into<std::process::Stdio>) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wasm-ws-server"))
            .args([
                "--bind",
                "127.0.0.1:0",
                "--static-dir",
                env!("CARGO_MANIFEST_DIR"),
                "--test-endpoints",
            ])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .rsplit("://")
            .next()
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { child, addr }
    }

    /// The server's resident memory, in KiB, from `/proc`.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }
}

/// A server's log lines, as they come.
pub struct LogLines {
    lines: std::sync::mpsc::Receiver<String>,
    /// Every line read so far.
    pub seen: Vec<String>,
}

impl LogLines {
    /// Reads lines until one contains every one of `words`, and returns it; fails the test,
    /// naming the words, if none comes within 5 s.
    pub fn until(&mut self, words: &[&str]) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| {
                panic!(
                    "no log line with {words:?} within 5 s; seen:\n{}",
                    self.seen.join("\n")
                )
            });
            self.seen.push(line.clone());
            if words.iter().all(|word| line.contains(word)) {
                return line;
            }
        }
    }

    /// Every line up to the end of the log (the server has exited).
    pub fn into_lines(mut self) -> Vec<String> {
        self.seen.extend(self.lines.iter());
        self.seen
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
