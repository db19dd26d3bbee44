//! What the log records, and the closing handshake's order.

use super::*;

// Logs.

#[test]
fn logs_record_connects_closes_and_violations_but_never_contents() {
    let (server, mut log) = Binary::start_logging(&[]);
    let mut client = Raw::connect(server.addr, "/websocket/echo");
    client.text(b"top-secret-payload");
    client.expect_text(b"top-secret-payload");
    client.close(4321, b"secret-reason-too");
    client.expect_close_with(4321, b"secret-reason-too");
    log.until(&["connection opened"]);
    // Logged just after the hang-up the client saw: waited for before the next connection,
    // whose lines would otherwise race it.
    log.until(&["connection closed", "4321"]);
    let mut offender = Raw::connect(server.addr, "/websocket/echo");
    offender.text(b"secret \xFF bytes");
    offender.expect_close(1007);
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
