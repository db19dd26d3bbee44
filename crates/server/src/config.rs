//! Command-line flags, each with an environment-variable fallback (see `wasm-ws-server --help`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;

use crate::client_address::Cidr;

/// How the server is configured.
#[derive(Debug, Clone, Parser)]
#[command(
    version,
    about = "The wasm-ws sample backend: WebSocket greeting, pushes and echo at /websocket/test, and the demo page at /"
)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (the chosen one is printed on start-up).
    #[arg(long, env = "WASM_WS_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// Time between two random-number pushes on `/websocket/test`, like `1s` or `250ms`.
    #[arg(long, env = "WASM_WS_PUSH_INTERVAL", default_value = "1s", value_parser = parse_interval)]
    pub push_interval: Duration,

    /// Directory holding the built page (`trunk build --release` writes `dist/`), served at `/`.
    #[arg(long, env = "WASM_WS_STATIC_DIR", default_value = "dist")]
    pub static_dir: Option<PathBuf>,

    /// Worker threads serving connections; default: one per CPU core.
    #[arg(long, env = "WASM_WS_WORKERS")]
    pub workers: Option<usize>,

    /// Also mount the endpoints that wasm-ws's own tests and benchmarks talk to (`echo`,
    /// `protocol`, `delay`, `close`, `burst`, `ping`, `flood` under `/websocket/`). Off by
    /// default: they let any client make the server work hard or misbehave on purpose. Never
    /// in production.
    #[arg(long, env = "WASM_WS_TEST_ENDPOINTS")]
    pub test_endpoints: bool,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub limits: Limits,

    /// TLS: the certificate and key to serve https:// and wss:// with (cargo feature `tls`).
    #[cfg(feature = "tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    #[command(flatten)]
    pub tls: crate::tls::TlsFiles,
}

/// Who may connect, how much they may send, and how long the server waits for them.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// An Origin allowed to open WebSockets, like `https://example.com` (repeat the flag, or
    /// separate with commas). Without any, the server's own origin (the request's Host) and its
    /// localhost forms are allowed. Other origins get HTTP 403.
    #[arg(
        long = "allowed-origin",
        env = "WASM_WS_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// Allow WebSockets from any Origin (turns the Origin check off).
    #[arg(long, env = "WASM_WS_ALLOW_ANY_ORIGIN")]
    pub allow_any_origin: bool,

    /// Refuse handshakes without an Origin header (non-browser clients send none).
    #[arg(long, env = "WASM_WS_REQUIRE_ORIGIN")]
    pub require_origin: bool,

    /// A reverse proxy whose `Forwarded` / `X-Forwarded-For` headers are believed, as an
    /// address or a range (`127.0.0.1`, `10.0.0.0/8`; repeat the flag, or separate with
    /// commas). Connections from these addresses count against, and are logged as, the client
    /// the proxy names (the rightmost address in its list that is not itself a trusted proxy);
    /// from anywhere else those headers are ignored. Default: none.
    #[arg(
        long = "trusted-proxy",
        env = "WASM_WS_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<Cidr>,

    /// Largest frame, and largest message after reassembling fragments, in bytes; a larger one
    /// closes the connection with 1009.
    #[arg(long, env = "WASM_WS_MAX_MESSAGE_SIZE", default_value_t = 64 * 1024)]
    pub max_message_size: usize,

    /// Most WebSocket connections open at once; beyond it the handshake gets HTTP 503.
    #[arg(long, env = "WASM_WS_MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,

    /// Most WebSocket connections from one IP address; beyond it the handshake gets HTTP 429.
    #[arg(long, env = "WASM_WS_MAX_CONNECTIONS_PER_IP", default_value_t = 256)]
    pub max_connections_per_ip: usize,

    /// A client silent for this long is pinged.
    #[arg(long, env = "WASM_WS_PING_INTERVAL", default_value = "20s", value_parser = parse_interval)]
    pub ping_interval: Duration,

    /// A client silent for this long (pongs count as a sign of life) is dropped.
    #[arg(long, env = "WASM_WS_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_interval)]
    pub idle_timeout: Duration,

    /// Longest wait for a client to take a message; a client that stops reading is dropped
    /// (with 1008 when a Close frame still fits).
    #[arg(long, env = "WASM_WS_SEND_TIMEOUT", default_value = "10s", value_parser = parse_interval)]
    pub send_timeout: Duration,

    /// On SIGTERM, spread the clients' 1001 Close frames at random over this window, so that
    /// thousands of clients do not all reconnect in the same instant; each client is served
    /// until its moment comes. `0s` sends them all at once.
    #[arg(long, env = "WASM_WS_DRAIN_WINDOW", default_value = "0s", value_parser = parse_duration)]
    pub drain_window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Config::parse_from(["wasm-ws-server"]).limits
    }
}

impl Config {
    /// A configuration for embedding the server in tests: a free loopback port, the given push
    /// interval, no static page, the test endpoints, and the default limits.
    pub fn for_tests(push_interval: Duration) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            push_interval,
            static_dir: None,
            workers: Some(1),
            test_endpoints: true,
            limits: Limits::default(),
            #[cfg(feature = "tls")]
            tls: crate::tls::TlsFiles {
                tls_cert: None,
                tls_key: None,
            },
        }
    }
}

/// Parses a human-readable, non-zero duration (`1s`, `250ms`).
fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text)?;
    if interval.is_zero() {
        return Err("the interval must be greater than zero".into());
    }
    Ok(interval)
}

/// Parses a human-readable duration (`0s`, `2s`, `250ms`).
fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_sample_and_are_safe() {
        let config = Config::parse_from(["wasm-ws-server"]);
        assert_eq!(config.bind, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.push_interval, Duration::from_secs(1));
        assert_eq!(config.static_dir, Some(PathBuf::from("dist")));
        assert_eq!(config.workers, None, "one worker per core");
        assert!(!config.test_endpoints, "test endpoints are off by default");
        let limits = config.limits;
        assert!(
            limits.allowed_origins.is_empty() && !limits.allow_any_origin && !limits.require_origin
        );
        assert_eq!(limits.max_message_size, 65_536);
        assert!(limits.ping_interval < limits.idle_timeout);
    }

    #[test]
    fn origins_accept_a_list() {
        let config = Config::parse_from([
            "wasm-ws-server",
            "--allowed-origin",
            "https://a.example,https://b.example",
        ]);
        assert_eq!(
            config.limits.allowed_origins,
            ["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn intervals_are_human_readable_and_positive() {
        assert_eq!(parse_interval("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("soon").is_err());
    }
}
