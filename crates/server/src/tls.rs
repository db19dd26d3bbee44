//! Serving `https://` and `wss://` directly (cargo feature `tls`): a certificate chain and its
//! private key, both PEM, loaded into a rustls configuration with the `ring` provider.
//!
//! In most deployments TLS ends at the reverse proxy in front (see the README's "Deploying");
//! this is for a single box that serves itself.

use std::{path::PathBuf, sync::Arc};

use rustls::ServerConfig;
use rustls_pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};

/// Where the certificate chain and the key are.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsFiles {
    /// The certificate chain to serve, PEM (the server's certificate first). With `--tls-key`,
    /// the server speaks only https:// and wss://.
    #[arg(long, env = "WASM_WS_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of that certificate, PEM (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "WASM_WS_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl TlsFiles {
    /// The rustls configuration, if TLS was asked for; a readable error otherwise.
    pub fn server_config(&self) -> Result<Option<ServerConfig>, String> {
        let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) else {
            return Ok(None);
        };
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|error| format!("cannot read the certificate {}: {error}", cert.display()))?;
        if chain.is_empty() {
            return Err(format!("no certificate in {}", cert.display()));
        }
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|error| format!("cannot read the private key {}: {error}", key.display()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| builder.with_no_client_auth().with_single_cert(chain, key))
            .map(Some)
            .map_err(|error| format!("cannot use the certificate and key: {error}"))
    }
}
