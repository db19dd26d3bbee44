//! Silent clients pinged and dropped, and slow readers dropped.

use super::*;

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
