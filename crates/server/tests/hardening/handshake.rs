//! The handshake, `/healthz`, and a bad frame closing only its own connection.

use super::*;

// The handshake.

#[test]
fn frames_sent_along_with_the_handshake_are_answered() {
    // A client may pipeline its first frames behind the request; they arrive in the same read
    // as the handshake and must survive the hand-over from the HTTP layer.
    let (addr, _) = spawn_server(config(&[]));
    let mut first = encode(true, 0, TEXT, b"first", Some([9, 8, 7, 6]));
    first.extend(encode(true, 0, BINARY, b"second", Some([1, 2, 3, 4])));
    let mut raw = Raw::connect_sending(addr, "/websocket/echo", &first);
    raw.expect_text(b"first");
    raw.expect_binary(b"second");
}

#[test]
fn http_without_a_handshake_and_handshakes_to_no_endpoint_are_answered_plainly() {
    let (addr, _) = spawn_server(config(&[]));
    // A browser opening the WebSocket's URL as a page: the handshake's error, not a 404.
    let (status, body) = http_get(addr, "/websocket/test");
    assert_eq!(status, 400, "{body}");
    // A WebSocket handshake where no endpoint is mounted.
    let mut raw = Raw::connect_with_headers(addr, "/websocket/nowhere", "");
    let response = raw.read_handshake_response();
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    // A handshake that is not one (no key) gets the handshake's error.
    let (status, _held) = handshake_status_without_key(addr);
    assert_eq!(status, 400);
    // None of them cost a connection slot.
    assert_eq!(open_connections(addr), 0);
}

fn handshake_status_without_key(addr: std::net::SocketAddr) -> (u16, std::net::TcpStream) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET /websocket/echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    let status = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
    (status, stream)
}

// Healthz, and isolation.

#[test]
fn healthz_reports_ok_and_the_open_connections() {
    let (addr, _) = spawn_server(config(&[]));
    assert_eq!(open_connections(addr), 0);
    let _open = Raw::connect(addr, "/websocket/echo");
    assert_eq!(open_connections(addr), 1);
}

#[test]
fn a_bad_frame_closes_only_its_own_connection() {
    let (addr, _) = spawn_server(config(&[]));
    let mut bystander = Raw::connect(addr, "/websocket/echo");
    let mut offender = Raw::connect(addr, "/websocket/echo");
    offender.send_bytes(&encode(true, 0, TEXT, b"unmasked", None));
    offender.expect_close(1002);
    bystander.text(b"unaffected");
    bystander.expect_text(b"unaffected");
}
