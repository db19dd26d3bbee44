//! The compression benchmark (`permessage-deflate`, RFC 7692): a client that negotiates it as
//! Chromium does, and the loads measured with it: bytes on the wire for the ticker's JSON
//! notes, echo CPU and round trips for JSON messages, and memory per idle connection.
//!
//! tokio-tungstenite has no `permessage-deflate`, so this client speaks the frames itself and
//! compresses with wasm-ws-server's codec (`wasm_ws_server::deflate`, zlib-rs), every message
//! as Chromium does: against the tutorial backend (node's zlib) that is also an
//! interoperability check.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::web::BytesMut;
use hdrhistogram::Histogram;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::{mpsc, watch, Mutex, Semaphore},
};
use wasm_ws_server::{
    deflate::{Inbound, Outbound},
    protocol::frame,
};

use crate::{load::Echo, procfs};

/// What Chromium offers (net/websockets/websocket_handshake_stream_create_helper.cc).
pub const CHROMIUM_OFFER: &str = "permessage-deflate; client_max_window_bits";

/// A WebSocket client over TCP that may negotiate `permessage-deflate`.
pub struct Client {
    stream: TcpStream,
    received: BytesMut,
    inbound: Option<Inbound>,
    outbound: Option<Outbound>,
    /// Bytes of the frames written and read by `send_text` and `next_text` (headers included).
    pub frame_bytes_sent: usize,
    pub frame_bytes_received: usize,
}

impl Client {
    /// Connects to `/websocket/test`, offering `permessage-deflate` if `offer`.
    pub async fn connect(addr: SocketAddr, offer: bool) -> std::io::Result<Self> {
        let mut stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let extensions = if offer {
            format!("Sec-WebSocket-Extensions: {CHROMIUM_OFFER}\r\n")
        } else {
            String::new()
        };
        let request = format!(
            "GET /websocket/test HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extensions}\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut received = BytesMut::with_capacity(1024);
        let head_end = loop {
            if stream.read_buf(&mut received).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
        let _ = received.split_to(head_end);
        if !head.starts_with("HTTP/1.1 101") {
            return Err(std::io::Error::other(head));
        }
        let accepted = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-extensions")
                .then(|| value.trim().to_owned())
        });
        let (inbound, outbound) = match accepted {
            Some(response) => {
                let params: Vec<&str> = response.split(';').map(str::trim).collect();
                let bits = |name: &str| {
                    params
                        .iter()
                        .find_map(|p| p.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
                        .unwrap_or(15)
                };
                let has = |name: &str| params.contains(&name);
                (
                    Some(Inbound::new(
                        !has("server_no_context_takeover"),
                        bits("server_max_window_bits"),
                    )),
                    Some(Outbound::new(
                        !has("client_no_context_takeover"),
                        bits("client_max_window_bits"),
                    )),
                )
            }
            None => (None, None),
        };
        Ok(Self {
            stream,
            received,
            inbound,
            outbound,
            frame_bytes_sent: 0,
            frame_bytes_received: 0,
        })
    }

    /// Sends a text message, compressed when negotiated and it gains.
    pub async fn send_text(&mut self, text: &[u8]) -> std::io::Result<()> {
        // Every message, however short, as Chromium does.
        let compressed = self.outbound.as_mut().and_then(|o| o.compress_always(text));
        let (rsv1, payload) = match &compressed {
            Some(compressed) => (0x40, &compressed[..]),
            None => (0, text),
        };
        let frame = masked_frame(0x80 | rsv1 | 0x1, payload);
        self.frame_bytes_sent += frame.len();
        self.stream.write_all(&frame).await
    }

    /// The next text message that is not the greeting or a push, inflated; pings answered.
    pub async fn next_echo(&mut self) -> std::io::Result<Vec<u8>> {
        loop {
            let (first, payload, size) = self.next_frame().await?;
            match first & 0x0F {
                0x9 => {
                    let pong = masked_frame(0x8A, &payload);
                    self.stream.write_all(&pong).await?;
                }
                0x1 => {
                    let text = if first & 0x40 != 0 {
                        self.inflate(&payload)?
                    } else {
                        payload
                    };
                    // A push: "0.42", or "1.00" from the tutorial's toFixed(2).
                    let push = text.len() == 4 && text[1] == b'.';
                    if !push && text != "连接成功".as_bytes() {
                        self.frame_bytes_received += size;
                        return Ok(text);
                    }
                }
                0x8 => return Err(std::io::ErrorKind::ConnectionAborted.into()),
                _ => {}
            }
        }
    }

    /// Reads frames until told to stop, answering pings: an idle client.
    pub async fn idle(&mut self, stop: &mut watch::Receiver<bool>) {
        loop {
            tokio::select! {
                frame = self.next_frame() => match frame {
                    Ok((first, payload, _)) if first & 0x0F == 0x9 => {
                        if self.stream.write_all(&masked_frame(0x8A, &payload)).await.is_err() {
                            return;
                        }
                    }
                    Ok((first, payload, _)) if first & 0x40 != 0 => {
                        if self.inflate(&payload).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => return,
                },
                _ = stop.changed() => return,
            }
        }
    }

    fn inflate(&mut self, payload: &[u8]) -> std::io::Result<Vec<u8>> {
        let inbound = self
            .inbound
            .as_mut()
            .ok_or_else(|| std::io::Error::other("RSV1 without permessage-deflate"))?;
        let mut out = BytesMut::new();
        let mut inflating = inbound
            .start()
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        inflating
            .inflate(payload, &mut out, 16 << 20)
            .and_then(|()| inflating.finish(&mut out, 16 << 20))
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        inbound.finish(&out);
        Ok(out.to_vec())
    }

    /// The next whole frame from the server: its first byte, payload, and size on the wire.
    async fn next_frame(&mut self) -> std::io::Result<(u8, Vec<u8>, usize)> {
        loop {
            if let Some(header) = frame::header(&self.received) {
                let (header, length) = (header.size, header.length as usize);
                if self.received.len() >= header + length {
                    let frame = self.received.split_to(header + length);
                    if frame[0] & 0x80 == 0 {
                        return Err(std::io::Error::other("a fragmented message"));
                    }
                    return Ok((frame[0], frame[header..].to_vec(), header + length));
                }
            }
            if self.stream.read_buf(&mut self.received).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
    }
}

/// A client frame: masked (RFC 6455 section 5.3), with a fixed key (its value costs nothing
/// here); the header written by the server's own code, with the mask bit set.
fn masked_frame(first: u8, payload: &[u8]) -> Vec<u8> {
    const MASK: [u8; 4] = [0x6D, 0x61, 0x73, 0x6B];
    let mut frame = BytesMut::new();
    frame::write_header(
        &mut frame,
        first & 0x80 != 0,
        first & 0x40 != 0,
        first & 0x0F,
        payload.len(),
    );
    frame[1] |= 0x80;
    frame.extend_from_slice(&MASK);
    let start = frame.len();
    frame.extend_from_slice(payload);
    // Masking and unmasking are the same XOR.
    frame::unmask(&mut frame[start..], MASK, 0);
    frame.to_vec()
}

/// The ticker's JSON note (examples/ticker: `Note { text, sent_at }`), the `n`th of a session:
/// a short typed text and a millisecond timestamp.
pub fn ticker_note(n: usize) -> Vec<u8> {
    const TYPED: [&str; 6] = [
        "hello",
        "ping",
        "how is the line?",
        "ok",
        "nice spike at 0.97",
        "brb",
    ];
    format!(
        "{{\"text\":\"{}\",\"sent_at\":{}.{}}}",
        TYPED[n % TYPED.len()],
        1_764_000_000_000u64 + (n as u64) * 1_733 + (n as u64 * 7919) % 997,
        n % 10
    )
    .into_bytes()
}

/// JSON of exactly `size` bytes: one short note, or an array of ticker notes (a dashboard's
/// or a chat's batch), padded with spaces.
pub fn json_of(size: usize) -> Vec<u8> {
    const SMALL: &str = "{\"text\":\"\",\"sent_at\":1764000}";
    if size < 64 {
        let text: String = "hi there, how is it going"
            .chars()
            .cycle()
            .take(size.saturating_sub(SMALL.len()))
            .collect();
        return format!("{{\"text\":\"{text}\",\"sent_at\":1764000}}").into_bytes();
    }
    let mut json = b"[".to_vec();
    for n in 0.. {
        let note = ticker_note(n);
        if json.len() + note.len() + 2 > size {
            break;
        }
        if n > 0 {
            json.push(b',');
        }
        json.extend(note);
    }
    json.resize(size - 1, b' ');
    json.push(b']');
    json
}

/// Bytes on the wire (frames, both ways) per note, for `notes` ticker notes echoed on one
/// connection: (client to server, server to client).
pub async fn wire_bytes(addr: SocketAddr, offer: bool, notes: usize) -> (f64, f64) {
    let mut client = Client::connect(addr, offer).await.expect("connects");
    for n in 0..notes {
        let note = ticker_note(n);
        client.send_text(&note).await.expect("sent");
        let echo = client.next_echo().await.expect("echoed");
        assert_eq!(echo, note, "the echo is the note");
    }
    (
        client.frame_bytes_sent as f64 / notes as f64,
        client.frame_bytes_received as f64 / notes as f64,
    )
}

/// As `load::echo`, with `message` (JSON) and this client, `offer`ing compression or not.
pub async fn echo(
    addr: SocketAddr,
    pid: u32,
    connections: usize,
    message: Vec<u8>,
    duration: Duration,
    offer: bool,
) -> Echo {
    let histogram = Arc::new(Mutex::new(Histogram::<u64>::new(3).unwrap()));
    let mut clients = Vec::new();
    for _ in 0..connections {
        clients.push(Client::connect(addr, offer).await.expect("connects"));
    }
    let cpu_before = procfs::cpu_micros(pid);
    let started = Instant::now();
    let deadline = started + duration;
    let message = Arc::new(message);
    let mut tasks = Vec::new();
    for mut client in clients {
        let (histogram, message) = (histogram.clone(), message.clone());
        tasks.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new(3).unwrap();
            let mut count = 0u64;
            while Instant::now() < deadline {
                let sent = Instant::now();
                if client.send_text(&message).await.is_err() {
                    break;
                }
                match client.next_echo().await {
                    Ok(echo) => assert_eq!(echo.len(), message.len(), "an echo of the message"),
                    Err(_) => break,
                }
                local.record(sent.elapsed().as_micros() as u64).unwrap();
                count += 1;
            }
            histogram.lock().await.add(&local).unwrap();
            count
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = procfs::cpu_micros(pid) - cpu_before;
    let histogram = histogram.lock().await;
    Echo {
        messages_per_second: total as f64 / elapsed,
        p50_us: histogram.value_at_quantile(0.5) as f64,
        p99_us: histogram.value_at_quantile(0.99) as f64,
        p999_us: histogram.value_at_quantile(0.999) as f64,
        server_cpu_us_per_echo: cpu as f64 / total.max(1) as f64,
    }
}

/// Server RSS per connection, in KiB, holding `connections` idle clients that offer
/// compression or not (accepted where the server accepts it); each first echoes `first`, if
/// given (what context takeover then keeps).
pub async fn idle_memory(
    addr: SocketAddr,
    pid: u32,
    connections: usize,
    offer: bool,
    first: Option<Vec<u8>>,
) -> f64 {
    const HANDSHAKES_AT_ONCE: usize = 256;
    let rss_before = procfs::rss_kib(pid);
    let gate = Arc::new(Semaphore::new(HANDSHAKES_AT_ONCE));
    let (stop, stopped) = watch::channel(false);
    let (ready, mut readies) = mpsc::unbounded_channel::<bool>();
    let first = first.map(Arc::new);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (gate, mut stopped, ready, first) =
            (gate.clone(), stopped.clone(), ready.clone(), first.clone());
        tasks.push(tokio::spawn(async move {
            let permit = gate.acquire_owned().await.unwrap();
            let mut client = match Client::connect(addr, offer).await {
                Ok(client) => client,
                Err(_) => {
                    let _ = ready.send(false);
                    return;
                }
            };
            if let Some(first) = &first {
                let echoed = async {
                    client.send_text(first).await?;
                    client.next_echo().await
                };
                if echoed.await.is_err() {
                    let _ = ready.send(false);
                    return;
                }
            }
            drop(permit);
            let _ = ready.send(true);
            client.idle(&mut stopped).await;
        }));
    }
    let mut opened = 0usize;
    for _ in 0..connections {
        opened += usize::from(readies.recv().await.expect("every task reports"));
    }
    // Let the first pushes go out, so that every connection has sent and received once.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_held = procfs::rss_kib(pid);
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }
    assert_eq!(opened, connections, "every connection opened");
    rss_held.saturating_sub(rss_before) as f64 / opened.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_of_has_the_size_asked() {
        for size in [32, 100, 4096] {
            assert_eq!(
                json_of(size).len(),
                size,
                "{}",
                String::from_utf8_lossy(&json_of(size))
            );
        }
        assert!(String::from_utf8(ticker_note(3))
            .unwrap()
            .starts_with("{\"text\":"));
    }

    #[test]
    fn client_frames_are_what_the_servers_receiver_reads() {
        use wasm_ws_server::protocol::{Message, Receiver};
        let json = json_of(300);
        let mut bytes = BytesMut::from(&masked_frame(0x81, &json)[..]);
        let received = Receiver::new(1 << 20, None).receive(&mut bytes);
        assert!(
            matches!(&received, Ok(Some(Message::Text(text))) if text.as_bytes()[..] == json[..]),
            "{received:?}"
        );
        assert!(bytes.is_empty(), "one whole frame");
    }
}
