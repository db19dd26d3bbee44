//! `wss://` and `https://` from the server itself (cargo feature `tls`), with a throwaway
//! certificate authority: the sample endpoint greets over TLS, `/healthz` answers over https, a
//! plain-text client gets nothing, and a bad key is a one-line start-up error.

mod common;

use std::{io::Read, net::TcpStream, sync::Arc, time::Duration};

use common::{certificates::write_throwaway_certificates, server_command, Binary};
use rustls_pki_types::{pem::PemObject, CertificateDer, ServerName};
use tokio_rustls::{rustls, TlsConnector};
use tokio_tungstenite::{client_async, tungstenite::Message};
use wasm_ws_test_support::{next_within, GREETING, PATIENCE};

fn connector(ca: &std::path::Path) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

fn serving_tls() -> (Binary, common::certificates::CertificateFiles) {
    let dir = std::env::temp_dir().join(format!("wasm-ws-tls-{}", std::process::id()));
    let files = write_throwaway_certificates(&dir);
    let server = Binary::start(&[
        "--tls-cert",
        files.cert.to_str().unwrap(),
        "--tls-key",
        files.key.to_str().unwrap(),
    ]);
    (server, files)
}

#[tokio::test(flavor = "current_thread")]
async fn the_sample_endpoint_greets_over_wss_and_healthz_answers_over_https() {
    let (server, files) = serving_tls();
    let connector = connector(&files.ca);
    let name = ServerName::try_from("localhost").unwrap();

    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let tls = connector.connect(name.clone(), tcp).await.unwrap();
    let url = format!("wss://localhost:{}/websocket/test", server.addr.port());
    let (mut socket, _) = client_async(url, tls).await.expect("the wss handshake");
    let greeting = next_within(&mut socket, PATIENCE, "the greeting")
        .await
        .unwrap();
    assert_eq!(greeting, Message::text(GREETING));

    let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    tls.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""connections":1"#), "{response}");
}

#[test]
fn a_plain_text_client_gets_no_answer_it_can_read() {
    let (server, _files) = serving_tls();
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        !String::from_utf8_lossy(&answer).contains("HTTP/1.1 200"),
        "TLS only"
    );
}

#[test]
fn a_key_that_is_not_a_key_is_a_one_line_error() {
    let dir = std::env::temp_dir().join(format!("wasm-ws-tls-bad-{}", std::process::id()));
    let files = write_throwaway_certificates(&dir);
    std::fs::write(&files.key, "not a key").unwrap();
    let output = server_command()
        .args([
            "--bind",
            "127.0.0.1:0",
            "--static-dir",
            env!("CARGO_MANIFEST_DIR"),
        ])
        .args([
            "--tls-cert",
            files.cert.to_str().unwrap(),
            "--tls-key",
            files.key.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: cannot read the private key"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
