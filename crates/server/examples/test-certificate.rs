//! Writes throwaway TLS certificates for the tests into a directory:
//! `cargo run -p wasm-ws-server --features tls --example test-certificate -- DIR` writes
//! `DIR/ca.pem`, `DIR/cert.pem` and `DIR/key.pem` (for `localhost` and `127.0.0.1`). Never for
//! production: the key is written in the clear and the authority is made up.

#[path = "../tests/common/certificates.rs"]
mod certificates;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .expect("usage: test-certificate DIR");
    let files = certificates::write_throwaway_certificates(std::path::Path::new(&dir));
    println!("{}", files.cert.display());
}
