//! The server under hostile or careless clients: foreign origins, too many connections, slow
//! readers, silent clients, and shutdown.

mod common;

use std::{
    io::Write,
    thread,
    time::{Duration, Instant},
};

use common::*;
use wasm_ws_server::config::Config;

fn config(args: &[&str]) -> Config {
    use clap::Parser;
    let mut argv = vec![
        "wasm-ws-server",
        "--bind",
        "127.0.0.1:0",
        "--push-interval",
        "1h",
        "--test-endpoints",
    ];
    argv.extend_from_slice(args);
    let mut config = Config::parse_from(argv);
    config.static_dir = None;
    config
}

fn open_connections(addr: std::net::SocketAddr) -> u64 {
    let (status, body) = http_get(addr, "/healthz");
    assert_eq!(status, 200);
    let count = body
        .split("\"connections\":")
        .nth(1)
        .expect("a connection count");
    count
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap()
}

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

// Liveness.

#[test]
fn idle_a_silent_client_is_pinged_then_dropped_with_1001() {
    let (addr, _) = spawn_server(config(&[
        "--ping-interval",
        "100ms",
        "--idle-timeout",
        "400ms",
    ]));
    // Started before the handshake: the server's idle clock starts during it, and the bound
    // below must not depend on how long the 101 took to reach the client.
    let started = Instant::now();
    let mut silent = Raw::connect(addr, "/websocket/echo");
    let mut pings = 0;
    loop {
        let frame = silent.read_frame().expect("a ping or the Close");
        match frame.opcode {
            PING => pings += 1,
            CLOSE => {
                assert_eq!(
                    u16::from_be_bytes([frame.payload[0], frame.payload[1]]),
                    1001
                );
                break;
            }
            other => panic!("unexpected opcode {other}"),
        }
    }
    let waited = started.elapsed();
    assert!(pings >= 1, "pinged before being dropped");
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    silent.expect_hang_up();
}

#[test]
fn idle_a_client_that_answers_pings_stays() {
    let (addr, _) = spawn_server(config(&[
        "--ping-interval",
        "100ms",
        "--idle-timeout",
        "400ms",
    ]));
    let mut alive = Raw::connect(addr, "/websocket/echo");
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        let frame = alive.read_frame().expect("a ping");
        assert_eq!(frame.opcode, PING, "{frame:?}");
        alive.frame(true, 0, PONG, &frame.payload);
    }
    alive.text(b"still here");
    loop {
        let frame = alive.read_frame().expect("the echo");
        if frame.opcode == TEXT {
            assert_eq!(frame.payload, b"still here");
            break;
        }
    }
}

// Slow readers.

#[test]
fn slow_reader_is_dropped_without_stalling_others_or_growing_memory() {
    let server = Binary::start(&["--send-timeout", "500ms"]);
    let addr = server.addr;
    let rss_before = server.rss_kib();

    // The slow client sends 60 KiB messages to be echoed, and never reads a byte.
    let slow = Raw::connect(addr, "/websocket/echo");
    let mut writer = slow.socket().try_clone().unwrap();
    writer
        .set_write_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let frame = encode(true, 0, BINARY, &vec![0x5A; 60 * 1024], Some([1, 2, 3, 4]));
    let flooder = thread::spawn(move || {
        let mut written = 0usize;
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            match writer.write_all(&frame) {
                Ok(()) => written += frame.len(),
                Err(_) => break, // the server stopped reading from us: backpressure works
            }
        }
        written
    });

    // Meanwhile a well-behaved client is served promptly.
    let mut polite = Raw::connect(addr, "/websocket/echo");
    let mut peak_rss = rss_before;
    let mut slowest_echo = Duration::ZERO;
    for n in 0..20 {
        let started = Instant::now();
        polite.text(format!("ping {n}").as_bytes());
        polite.expect_text(format!("ping {n}").as_bytes());
        slowest_echo = slowest_echo.max(started.elapsed());
        peak_rss = peak_rss.max(server.rss_kib());
        thread::sleep(Duration::from_millis(50));
    }
    let written = flooder.join().unwrap();

    // The slow client is dropped once a send has waited the send timeout.
    let deadline = Instant::now() + Duration::from_secs(3);
    while open_connections(addr) > 1 && Instant::now() < deadline {
        peak_rss = peak_rss.max(server.rss_kib());
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        open_connections(addr),
        1,
        "the slow reader is gone, the polite one stays"
    );
    polite.text(b"after");
    polite.expect_text(b"after");

    let growth = peak_rss.saturating_sub(rss_before);
    println!(
        "slow reader: wrote {} KiB before backpressure; server RSS {rss_before} KiB -> peak {peak_rss} KiB (+{growth} KiB); slowest polite echo {slowest_echo:?}",
        written / 1024
    );
    assert!(
        written < 64 * 1024 * 1024,
        "the server kept reading a client that does not read: {written} bytes"
    );
    assert!(growth < 32 * 1024, "server memory grew by {growth} KiB");
    assert!(
        slowest_echo < Duration::from_millis(250),
        "a polite client waited {slowest_echo:?}"
    );
}

// Shutdown.

#[test]
fn sigterm_closes_every_client_with_1001_within_a_second_and_exits() {
    let mut server = Binary::start(&[]);
    let mut clients: Vec<Raw> = (0..5)
        .map(|_| Raw::connect(server.addr, "/websocket/test"))
        .collect();
    for client in &mut clients {
        client.expect_text("连接成功".as_bytes());
    }
    let sent = Instant::now();
    sigterm(&server);
    for client in &mut clients {
        assert_eq!(close_code(client), 1001);
    }
    let closed_after = sent.elapsed();
    assert!(
        closed_after < Duration::from_secs(1),
        "the last Close came after {closed_after:?}"
    );
    assert!(wait_for_exit(&mut server).success());
}

#[test]
fn after_sigterm_a_client_that_just_got_an_echo_sees_1001_within_milliseconds() {
    // A frame written right after another waits, under Nagle's algorithm, until the client
    // acknowledges the first: up to a delayed acknowledgement (tens of milliseconds). The
    // server sets TCP_NODELAY, so the 1001 that follows an echo leaves at once.
    let mut server = Binary::start(&[]);
    let mut client = Raw::connect(server.addr, "/websocket/echo");
    client.text(b"just before");
    client.expect_text(b"just before");
    let signalled = Instant::now();
    sigterm(&server);
    client.expect_close(1001);
    let took = signalled.elapsed();
    println!("1001 after an echo: {took:?} after SIGTERM");
    // Nagle held it ~40 ms here; the 2 ms last call and the signal's delivery take a few.
    assert!(
        took < Duration::from_millis(15),
        "the 1001 came {took:?} after SIGTERM"
    );
    let _ = server.child.wait();
}

fn sigterm(server: &Binary) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Reads frames until a Close; returns its code.
fn close_code(client: &mut Raw) -> u16 {
    loop {
        let frame = client
            .read_frame()
            .expect("a Close before the connection ends");
        if frame.opcode == CLOSE {
            return u16::from_be_bytes([frame.payload[0], frame.payload[1]]);
        }
    }
}

fn wait_for_exit(server: &mut Binary) -> std::process::ExitStatus {
    let (sender, exited) = std::sync::mpsc::channel();
    let pid = server.child.id();
    // `wait` blocks: a thread waits, the test waits on the channel with a deadline.
    let mut child = std::mem::replace(
        &mut server.child,
        std::process::Command::new("true").spawn().unwrap(),
    );
    thread::spawn(move || sender.send(child.wait()));
    exited
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("the server (pid {pid}) did not exit"))
        .unwrap()
}

#[test]
fn while_draining_healthz_says_so_new_handshakes_get_503_and_the_server_exits_0() {
    // Each open connection gets its 1001 at a random moment within the window: with a minute
    // and two connections, that both moments fall within the test's first steps (it failed
    // once so with one connection and 2 s, under load) has a chance of a few in a million.
    let (mut server, mut log) = Binary::start_logging(&["--drain-window", "60s"]);
    let mut clients = [0, 1].map(|_| Raw::connect(server.addr, "/websocket/echo"));
    assert_eq!(http_get(server.addr, "/healthz").0, 200);
    sigterm(&server);
    log.until(&["shutting down"]);
    let (status, body) = http_get(server.addr, "/healthz");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains(r#""status":"draining""#), "{body}");
    assert_eq!(
        handshake_status(server.addr, "").0,
        503,
        "a new handshake is refused, never a 101 then a 1001"
    );
    // The connections that were open are still served until their moment; then each leaves
    // by itself (its 1001, if it came first, is what `sigterm_closes_every_client...` checks).
    let mut served = 0;
    for client in &mut clients {
        client.text(b"still served");
        let frame = client.read_frame().expect("the echo or the 1001");
        match frame.opcode {
            TEXT => {
                assert_eq!(frame.payload, b"still served");
                served += 1;
                client.close(1000, b"");
                client.expect_close(1000);
            }
            CLOSE => {
                assert_eq!(
                    u16::from_be_bytes([frame.payload[0], frame.payload[1]]),
                    1001
                );
                client.close(1001, b"");
            }
            other => panic!("unexpected opcode {other}"),
        }
    }
    assert!(served > 0, "served while draining");
    // No connection left: the server exits without waiting out the window.
    assert!(wait_for_exit(&mut server).success());
}

#[test]
fn messages_already_received_are_answered_before_the_1001() {
    // Enough that echoing them takes longer than the signal takes to arrive: the shutdown comes
    // while most still wait in the server's buffers. All of it is written before the signal.
    const MESSAGES: usize = 200;
    let payload = vec![0x42; 8 * 1024];
    let mut server = Binary::start(&[]);
    let mut client = Raw::connect(server.addr, "/websocket/echo");
    let mut writer = client.socket().try_clone().unwrap();
    let frame = encode(true, 0, BINARY, &payload, Some([1, 2, 3, 4]));
    let (written, all_written) = std::sync::mpsc::channel();
    thread::spawn(move || {
        for _ in 0..MESSAGES {
            writer.write_all(&frame).unwrap();
        }
        written.send(()).unwrap();
    });
    all_written.recv_timeout(Duration::from_secs(10)).unwrap();
    sigterm(&server);
    let mut echoed = 0;
    let code = loop {
        let frame = client
            .read_frame()
            .expect("a Close before the connection ends");
        match frame.opcode {
            BINARY => echoed += 1,
            CLOSE => break u16::from_be_bytes([frame.payload[0], frame.payload[1]]),
            other => panic!("unexpected opcode {other}"),
        }
    };
    assert_eq!(code, 1001);
    assert_eq!(
        echoed, MESSAGES,
        "every message sent before the signal was answered"
    );
    assert!(wait_for_exit(&mut server).success());
}

/// SIGTERM with `--drain-window`, 20 clients: when each saw its 1001, after the signal.
fn closes_after_sigterm(window: &str) -> Vec<Duration> {
    let mut server = Binary::start(&["--drain-window", window]);
    let mut clients: Vec<Raw> = (0..20)
        .map(|_| Raw::connect(server.addr, "/websocket/echo"))
        .collect();
    for client in &mut clients {
        client.text(b"ready");
        client.expect_text(b"ready");
    }
    let signalled = Instant::now();
    sigterm(&server);
    let readers: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            thread::spawn(move || {
                assert_eq!(close_code(&mut client), 1001);
                signalled.elapsed()
            })
        })
        .collect();
    let closes = readers.into_iter().map(|r| r.join().unwrap()).collect();
    assert!(wait_for_exit(&mut server).success());
    closes
}

#[test]
fn a_drain_window_spreads_the_1001s_over_it() {
    let spread = |closes: &[Duration]| {
        closes
            .iter()
            .max()
            .unwrap()
            .saturating_sub(*closes.iter().min().unwrap())
    };
    let at_once = closes_after_sigterm("0s");
    let spread_out = closes_after_sigterm("1s");
    println!(
        "1001s to 20 clients after SIGTERM: spread {:?} without a window (last {:?}), {:?} with --drain-window 1s (last {:?})",
        spread(&at_once), at_once.iter().max().unwrap(), spread(&spread_out), spread_out.iter().max().unwrap()
    );
    // 20 moments uniform over 1 s: a spread under 200 ms has odds of about 1 in 10^12.
    assert!(
        spread(&spread_out) >= Duration::from_millis(200),
        "{spread_out:?}"
    );
    assert!(
        *spread_out.iter().max().unwrap() < Duration::from_secs(2),
        "every 1001 within the window and the grace period: {spread_out:?}"
    );
}

// Logs.

#[test]
fn logs_record_connects_closes_and_violations_but_never_contents() {
    let (server, mut log) = Binary::start_logging(&[]);
    let mut client = Raw::connect(server.addr, "/websocket/echo");
    client.text(b"top-secret-payload");
    client.expect_text(b"top-secret-payload");
    client.close(4321, b"secret-reason-too");
    client.expect_close_with(4321, b"secret-reason-too");
    let mut offender = Raw::connect(server.addr, "/websocket/echo");
    offender.text(b"secret \xFF bytes");
    offender.expect_close(1007);

    log.until(&["connection opened"]);
    log.until(&["connection closed", "4321"]);
    log.until(&["protocol violation", "Invalid"]);
    drop(server);
    let log = log.into_lines().join("\n");
    assert!(
        !log.contains("secret"),
        "message contents leaked into the log:\n{log}"
    );
}

#[test]
fn the_server_hangs_up_first_after_the_closing_handshake() {
    // RFC 6455 section 7.1.1; browsers report `close` only once the server has hung up. A
    // server that lingers waits for the browser, which waits for the server (actix's default
    // lingers a full second).
    let (addr, _) = spawn_server(config(&[]));
    let mut client = Raw::connect(addr, "/websocket/echo");
    client.close(1000, b"");
    client.expect_close(1000);
    client
        .socket()
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    client.expect_hang_up();
}

#[test]
fn a_server_initiated_close_waits_for_the_clients_reply_before_hanging_up() {
    // RFC 6455 section 7.1.1: a clean close needs both Close frames; hanging up before the
    // client's reply makes browsers report `wasClean: false` (Firefox does).
    let (addr, _) = spawn_server(config(&[]));
    let mut client = Raw::connect(addr, "/websocket/echo");
    client.text(b"Goodbye");
    client.expect_close(1000);
    client
        .socket()
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut probe = [0u8; 1];
    let still_open = matches!(
        std::io::Read::read(&mut client.socket().try_clone().unwrap(), &mut probe),
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock || error.kind() == std::io::ErrorKind::TimedOut
    );
    assert!(still_open, "the server hung up before the client's Close");
    client.close(1000, b"");
    client.expect_hang_up();
}
