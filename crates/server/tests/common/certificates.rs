//! Throwaway certificates for the TLS tests: a certificate authority, and a certificate it
//! signs for `localhost` and `127.0.0.1`. Shared by the TLS tests and the `test-certificate`
//! example, which the test command runs to give the browser tests a `wss://` server.

use std::path::{Path, PathBuf};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};

/// Where [`write_throwaway_certificates`] put the files.
pub struct CertificateFiles {
    /// The authority's certificate, to trust in a client.
    pub ca: PathBuf,
    /// The server's certificate chain.
    pub cert: PathBuf,
    /// The server's private key.
    pub key: PathBuf,
}

/// Makes a certificate authority and a server certificate for `localhost` and `127.0.0.1`,
/// and writes them, PEM, into `dir`.
pub fn write_throwaway_certificates(dir: &Path) -> CertificateFiles {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = server_params.signed_by(&server_key, &issuer).unwrap();

    std::fs::create_dir_all(dir).unwrap();
    let files = CertificateFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.ca, ca.pem()).unwrap();
    std::fs::write(&files.cert, server.pem()).unwrap();
    std::fs::write(&files.key, server_key.serialize_pem()).unwrap();
    files
}
