//! Command-line flags, each with an environment-variable fallback (see `wasm-ws-server --help`).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Parser;

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
}

impl Config {
    /// A configuration for embedding the server in tests: a free loopback port, the given push
    /// interval and no static page.
    pub fn for_tests(push_interval: Duration) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            push_interval,
            static_dir: None,
        }
    }
}

/// Parses a human-readable, non-zero duration (`1s`, `250ms`).
fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = humantime::parse_duration(text).map_err(|error| error.to_string())?;
    if interval.is_zero() {
        return Err("the interval must be greater than zero".into());
    }
    Ok(interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_seed() {
        let config = Config::parse_from(["wasm-ws-server"]);
        assert_eq!(config.bind, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(config.push_interval, Duration::from_secs(1));
        assert_eq!(config.static_dir, Some(PathBuf::from("dist")));
    }

    #[test]
    fn intervals_are_human_readable_and_positive() {
        assert_eq!(parse_interval("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("soon").is_err());
    }
}
