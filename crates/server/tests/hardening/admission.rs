//! Who may connect: origins, connection caps, and clients behind reverse proxies.

use super::*;

// Origin.

#[test]
fn origin_the_servers_own_and_localhost_forms_are_allowed() {
    let (addr, _) = spawn_server(config(&[]));
    let port = addr.port();
    for origin in [
        format!("http://{addr}"),
        format!("http://localhost:{port}"),
        format!("https://[::1]:{port}"),
    ] {
        let (status, _) = handshake_status(addr, &format!("Origin: {origin}\r\n"));
        assert_eq!(status, 101, "{origin}");
    }
}

#[test]
fn origin_a_foreign_one_gets_403_and_no_socket() {
    let (addr, _) = spawn_server(config(&[]));
    for origin in [
        "http://evil.example",
        "null",
        &format!("http://localhost:{}", addr.port() + 1),
    ] {
        let (status, _) = handshake_status(addr, &format!("Origin: {origin}\r\n"));
        assert_eq!(status, 403, "{origin}");
    }
    assert_eq!(open_connections(addr), 0);
}

#[test]
fn origin_missing_is_allowed_by_default_and_refusable() {
    let (addr, _) = spawn_server(config(&[]));
    assert_eq!(handshake_status(addr, "").0, 101);
    let (strict, _) = spawn_server(config(&["--require-origin"]));
    assert_eq!(handshake_status(strict, "").0, 403);
}

#[test]
fn origin_an_explicit_list_and_any() {
    let (addr, _) = spawn_server(config(&["--allowed-origin", "https://app.example"]));
    assert_eq!(
        handshake_status(addr, "Origin: https://app.example\r\n").0,
        101
    );
    assert_eq!(
        handshake_status(addr, &format!("Origin: http://{addr}\r\n")).0,
        403,
        "the list replaces the default"
    );
    let (any, _) = spawn_server(config(&["--allow-any-origin"]));
    assert_eq!(
        handshake_status(any, "Origin: http://evil.example\r\n").0,
        101
    );
}

// Connection caps.

#[test]
fn caps_beyond_the_total_get_503_and_the_accepted_are_undisturbed() {
    let (addr, _) = spawn_server(config(&["--max-connections", "2"]));
    let mut first = Raw::connect(addr, "/websocket/echo");
    let mut second = Raw::connect(addr, "/websocket/echo");
    assert_eq!(handshake_status(addr, "").0, 503);
    first.text(b"one");
    first.expect_text(b"one");
    second.text(b"two");
    second.expect_text(b"two");
    // A freed slot is available again.
    second.close(1000, b"");
    second.expect_close_with(1000, b"");
    let deadline = Instant::now() + Duration::from_secs(2);
    while open_connections(addr) > 1 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(handshake_status(addr, "").0, 101);
}

#[test]
fn caps_beyond_the_per_address_limit_get_429() {
    let (addr, _) = spawn_server(config(&["--max-connections-per-ip", "1"]));
    let mut first = Raw::connect(addr, "/websocket/echo");
    assert_eq!(handshake_status(addr, "").0, 429);
    first.text(b"still fine");
    first.expect_text(b"still fine");
}

// Behind reverse proxies.

#[test]
fn forwarding_headers_from_an_untrusted_peer_change_nothing() {
    let (addr, _) = spawn_server(config(&["--max-connections-per-ip", "1"]));
    let (first, _held) = handshake_status(addr, "X-Forwarded-For: 10.0.0.1\r\n");
    assert_eq!(first, 101);
    for spoof in [
        "X-Forwarded-For: 10.0.0.2\r\n",
        "Forwarded: for=10.0.0.3\r\n",
    ] {
        assert_eq!(
            handshake_status(addr, spoof).0,
            429,
            "the same peer, whatever it claims: {spoof}"
        );
    }
}

#[test]
fn through_a_trusted_proxy_each_forwarded_client_has_its_own_cap() {
    let (addr, _) = spawn_server(config(&[
        "--max-connections-per-ip",
        "1",
        "--trusted-proxy",
        "127.0.0.0/8",
    ]));
    let (one, _one) = handshake_status(addr, "X-Forwarded-For: 10.0.0.1\r\n");
    let (two, _two) = handshake_status(addr, "Forwarded: for=10.0.0.2\r\n");
    assert_eq!((one, two), (101, 101), "two clients behind one proxy");
    assert_eq!(
        handshake_status(addr, "X-Forwarded-For: 10.0.0.1\r\n").0,
        429,
        "the first client again"
    );
    // A client that writes its own header before the proxy's: the rightmost untrusted hop
    // counts, which is what the proxy saw.
    assert_eq!(
        handshake_status(addr, "X-Forwarded-For: 10.0.0.9, 10.0.0.1\r\n").0,
        429,
        "10.0.0.9 was written by the client (10.0.0.1)"
    );
}

#[test]
fn logs_name_the_forwarded_client() {
    let (server, mut log) = Binary::start_logging(&["--trusted-proxy", "127.0.0.1"]);
    let (status, _held) = handshake_status(server.addr, "X-Forwarded-For: 198.51.100.7\r\n");
    assert_eq!(status, 101);
    let line = log.until(&["connection opened"]);
    assert!(line.contains("198.51.100.7"), "{line}");
}
