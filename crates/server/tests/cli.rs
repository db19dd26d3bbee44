//! The binary's start-up errors: one clear line on stderr and a failure exit code, no backtrace.

use std::process::Command;

fn run_server(args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_wasm-ws-server"))
        .args(args)
        .env_remove("WASM_WS_BIND")
        .env_remove("WASM_WS_STATIC_DIR")
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
