//! The binary's start-up errors: one clear line on stderr and a failure exit code, no backtrace.

mod common;

use common::{server_command, Binary};

fn run_server(args: &[&str]) -> (bool, String) {
    let output = server_command()
        .args(args)
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_missing_static_directory_is_one_line() {
    let (success, stderr) = run_server(&[
        "--bind",
        "127.0.0.1:0",
        "--static-dir",
        "/definitely/not/here",
    ]);
    assert!(!success);
    assert_eq!(
        stderr,
        "error: static directory /definitely/not/here not found: build the page with `trunk build --release`, or pass --static-dir\n"
    );
}

#[test]
fn a_port_in_use_is_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let static_dir = env!("CARGO_MANIFEST_DIR");
    let (success, stderr) = run_server(&["--bind", &addr, "--static-dir", static_dir]);
    assert!(!success);
    assert!(
        stderr.starts_with(&format!("error: cannot listen on {addr}: ")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// On a fresh clone there is no `dist/` until the page is built: without `--static-dir`, the
/// server still starts, serves WebSockets and `/healthz`, and says once that there is no page.
#[test]
fn without_a_static_directory_the_server_serves_websockets_and_healthz() {
    use std::io::{BufRead, BufReader, Read, Write};
    let empty = std::env::temp_dir().join(format!("wasm-ws-no-dist-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let mut child = server_command()
        .args(["--bind", "127.0.0.1:0", "--test-endpoints"])
        .current_dir(&empty)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().rsplit("://").next().unwrap().to_owned();

    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    assert!(get("/healthz").starts_with("HTTP/1.1 200"), "healthz");
    assert!(get("/").starts_with("HTTP/1.1 404"), "no page");
    let mut socket = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        socket,
        "GET /websocket/echo HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut head = [0u8; 12];
    socket.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 101", "the WebSocket handshake succeeds");

    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let said: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("no static page"))
        .collect();
    assert_eq!(said.len(), 1, "one log line says so: {stderr}");
    assert!(said[0].contains("dist/ not found"), "{}", said[0]);
    let _ = std::fs::remove_dir_all(&empty);
}

/// A developer with a `WASM_WS_*` variable exported still sees the tests pass: the server the
/// tests start does not inherit it (here, one it would refuse to start with).
#[test]
fn the_callers_wasm_ws_variables_do_not_reach_the_server() {
    // Safe in this edition; the other tests of this file start their servers through
    // `server_command` too, so they do not see it either.
    std::env::set_var("WASM_WS_MAX_MESSAGE_SIZE", "not a size");
    let server = Binary::start(&[]);
    common::assert_serves(server.addr);
}
