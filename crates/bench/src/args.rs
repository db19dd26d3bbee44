//! The command line: how many runs, and each mode's size.

use std::path::PathBuf;

use clap::Parser;

/// Benchmarks wasm-ws-server against the tutorial's express-ws backend and a bare Rust floor.
#[derive(Debug, Parser)]
pub struct Args {
    /// Runs per figure (the table shows the median and the spread).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Echo mode: concurrent connections.
    #[arg(long, default_value_t = 50)]
    pub echo_connections: usize,
    /// Echo mode: message size in bytes.
    #[arg(long, default_value_t = 32)]
    pub echo_size: usize,
    /// Echo mode: seconds per run.
    #[arg(long, default_value_t = 5)]
    pub echo_seconds: u64,
    /// Capacity mode: connections held.
    #[arg(long, default_value_t = 10_000)]
    pub capacity_connections: usize,
    /// Capacity mode: seconds of pushes measured per run.
    #[arg(long, default_value_t = 10)]
    pub capacity_seconds: u64,
    /// Churn mode: connect/close cycles per run.
    #[arg(long, default_value_t = 1000)]
    pub churn_cycles: usize,
    /// Push-after-echo mode: connections, each timing two messages to come back just before a
    /// push.
    #[arg(long, default_value_t = 20)]
    pub nagle_connections: usize,
    /// Push-after-echo mode: pushes measured per connection (each after one with no echo).
    #[arg(long, default_value_t = 3)]
    pub nagle_rounds: usize,
    /// Large-message mode: the message size in bytes (the sample's limit by default).
    #[arg(long, default_value_t = 64 * 1024)]
    pub large_message_size: usize,
    /// Compression mode: ticker notes echoed for the bytes-on-the-wire figure.
    #[arg(long, default_value_t = 200)]
    pub compression_notes: usize,
    /// Compression mode: the large JSON message's size in bytes.
    #[arg(long, default_value_t = 4096)]
    pub compression_large_size: usize,
    /// Compression mode: idle connections held for the memory figures.
    #[arg(long, default_value_t = 10_000)]
    pub compression_idle_connections: usize,
    /// Only these modes (echo, capacity, churn, push-after-echo, large-message, compression);
    /// default: all.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Where the Markdown table goes (it is also printed).
    #[arg(long, default_value = "target/bench/results.md")]
    pub out: PathBuf,
}
