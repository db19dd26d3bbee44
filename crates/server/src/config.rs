//! Command-line flags, each with an environment-variable fallback (see `wasm-ws-server --help`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;

use crate::{
    client_address::Cidr,
    deflate::{self, Mode},
};

// The defaults, as constants: `Limits::default()` and `Config::for_tests` are built from these,
// never from the environment; only the binary's command line reads `WASM_WS_*`. The clap
// defaults below are these values written out (checked by a test).

/// `--bind`: the sample's port, on loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";
/// `--push-interval`: the sample pushes once a second.
pub const DEFAULT_PUSH_INTERVAL: Duration = Duration::from_secs(1);
/// `--static-dir` when not given: where `trunk build --release` writes the page. Served if it
/// exists; if not, the server serves WebSockets and `/healthz` only.
pub const DEFAULT_STATIC_DIR: &str = "dist";
/// `--max-message-size`: 64 KiB, far above what the sample's messages need.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024;
/// `--max-connections`: what the benchmark holds at 4.7 KiB each (about 50 MiB).
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// `--max-connections-per-ip`: a busy NAT's worth, well below the total.
pub const DEFAULT_MAX_CONNECTIONS_PER_IP: usize = 256;
/// `--ping-interval`: a third of the idle timeout, so a live client answers in time.
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(20);
/// `--idle-timeout`: under common proxies' 75 s read timeout.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// `--send-timeout`: a client that takes nothing for this long is not reading.
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// `--drain-window`: all 1001s at once unless asked to spread them.
pub const DEFAULT_DRAIN_WINDOW: Duration = Duration::ZERO;

/// How the server is configured.
#[derive(Debug, Clone, Parser)]
#[command(
    version,
    about = "The wasm-ws sample backend: WebSocket greeting, pushes and echo at /websocket/test, and the demo page at /"
)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port (the chosen one is printed on start-up).
    #[arg(long, env = "WASM_WS_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,

    /// Time between two random-number pushes on `/websocket/test`, like `1s` or `250ms`.
    #[arg(long, env = "WASM_WS_PUSH_INTERVAL", default_value = "1s", value_parser = parse_interval)]
    pub push_interval: Duration,

    /// Directory holding the built page, served at `/`; it must exist. Without this flag,
    /// `dist` (where `trunk build --release` writes the page) is served if it exists; if it
    /// does not, the server serves WebSockets and `/healthz` only, and says so.
    #[arg(long, env = "WASM_WS_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Serve no page at `/`: WebSockets and `/healthz` only.
    #[arg(long, env = "WASM_WS_NO_STATIC_DIR", conflicts_with = "static_dir")]
    pub no_static_dir: bool,

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

    #[command(flatten)]
    #[allow(missing_docs)]
    pub compression: Compression,

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
    #[arg(long, env = "WASM_WS_MAX_MESSAGE_SIZE", default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
    pub max_message_size: usize,

    /// Most WebSocket connections open at once; beyond it the handshake gets HTTP 503.
    #[arg(long, env = "WASM_WS_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Most WebSocket connections from one IP address; beyond it the handshake gets HTTP 429.
    #[arg(long, env = "WASM_WS_MAX_CONNECTIONS_PER_IP", default_value_t = DEFAULT_MAX_CONNECTIONS_PER_IP)]
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
    /// The defaults, from the constants above (never from the environment).
    fn default() -> Self {
        Self {
            allowed_origins: Vec::new(),
            allow_any_origin: false,
            require_origin: false,
            trusted_proxies: Vec::new(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_ip: DEFAULT_MAX_CONNECTIONS_PER_IP,
            ping_interval: DEFAULT_PING_INTERVAL,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            send_timeout: DEFAULT_SEND_TIMEOUT,
            drain_window: DEFAULT_DRAIN_WINDOW,
        }
    }
}

/// Compression: `permessage-deflate` (RFC 7692).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct Compression {
    /// `permessage-deflate` (RFC 7692): `off` declines every offer; `no-context-takeover`
    /// compresses each message on its own, and a connection keeps nothing between messages;
    /// `context-takeover` lets messages refer to earlier ones (small JSON messages shrink much
    /// more), each connection keeping up to 2^--deflate-window-bits bytes per direction.
    #[arg(long, env = "WASM_WS_PERMESSAGE_DEFLATE", default_value_t = Mode::default())]
    pub permessage_deflate: Mode,

    /// With `--permessage-deflate context-takeover`: the LZ77 window, 9 to 15 (512 B to
    /// 32 KiB), which bounds what a connection keeps per direction between messages.
    #[arg(
        long,
        env = "WASM_WS_DEFLATE_WINDOW_BITS",
        default_value_t = deflate::DEFAULT_WINDOW_BITS,
        value_parser = clap::value_parser!(u8).range(9..=15)
    )]
    pub deflate_window_bits: u8,
}

impl Compression {
    /// The settings the connections use.
    pub fn settings(&self) -> deflate::Settings {
        deflate::Settings {
            mode: self.permessage_deflate,
            window_bits: self.deflate_window_bits,
        }
    }
}

impl Default for Compression {
    /// The defaults (never from the environment).
    fn default() -> Self {
        let settings = deflate::Settings::default();
        Self {
            permessage_deflate: settings.mode,
            deflate_window_bits: settings.window_bits,
        }
    }
}

impl Config {
    /// A configuration for embedding the server in tests: a free loopback port, the given push
    /// interval, no static page, the test endpoints, and the default limits and compression
    /// (whatever the environment says).
    pub fn for_tests(push_interval: Duration) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            push_interval,
            static_dir: None,
            no_static_dir: true,
            workers: Some(1),
            test_endpoints: true,
            limits: Limits::default(),
            compression: Compression::default(),
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

/// Parses `argv` as the binary would, but with no `WASM_WS_*` variable in the way: unit tests
/// give the same results whatever the developer's shell exports.
#[cfg(test)]
pub(crate) fn from_args_only(argv: &[&str]) -> Config {
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Config::command();
    let ids: Vec<_> = command
        .get_arguments()
        .map(|arg| arg.get_id().clone())
        .collect();
    for id in ids {
        command = command.mut_arg(id, |arg| arg.env(None::<&str>));
    }
    Config::from_arg_matches(&command.get_matches_from(argv)).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line's defaults, with no `WASM_WS_*` variable in the way.
    fn command_line_defaults() -> Config {
        from_args_only(&["wasm-ws-server"])
    }

    #[test]
    fn the_command_line_defaults_are_the_constants() {
        let config = command_line_defaults();
        let defaults = Limits::default();
        assert_eq!(config.bind, DEFAULT_BIND.parse().unwrap());
        assert_eq!(config.push_interval, DEFAULT_PUSH_INTERVAL);
        let limits = &config.limits;
        assert_eq!(limits.max_message_size, defaults.max_message_size);
        assert_eq!(limits.max_connections, defaults.max_connections);
        assert_eq!(
            limits.max_connections_per_ip,
            defaults.max_connections_per_ip
        );
        assert_eq!(limits.ping_interval, defaults.ping_interval);
        assert_eq!(limits.idle_timeout, defaults.idle_timeout);
        assert_eq!(limits.send_timeout, defaults.send_timeout);
        assert_eq!(limits.drain_window, defaults.drain_window);
        assert_eq!(
            config.compression.settings(),
            Compression::default().settings()
        );
    }

    #[test]
    fn defaults_match_the_sample_and_are_safe() {
        let config = command_line_defaults();
        assert_eq!(config.bind, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.push_interval, Duration::from_secs(1));
        assert_eq!(config.static_dir, None, "dist/ if it exists");
        assert!(!config.no_static_dir);
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
        let config = from_args_only(&[
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
