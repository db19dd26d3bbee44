//! `wasm-ws-bench`: wasm-ws-server against the tutorial's express-ws backend and a bare Rust floor,
//! side by side under the same load, each figure the median of several runs with its spread.
//!
//! - [`args`]: the command line.
//! - [`load`]: the load modes (echo, capacity, churn, push after an echo, one large message);
//!   [`load_table`]: running them against each peer, and their table.
//! - [`compression`]: `permessage-deflate`: a client that negotiates it, bytes on the wire, JSON
//!   echoes and idle memory; [`compression_table`]: running them for each of the server's
//!   compression modes and the tutorial backend with ws's deflate on, and their table.
//! - [`peers`]: starting and stopping the servers under test, one per mode.
//! - [`procfs`]: what is read about a server from `/proc` (CPU time, memory, fds).
//! - [`report`]: medians, spreads, ratios and the Markdown tables.
//!
//! Run it with `scripts/bench.sh`, which builds and installs what it needs.

mod args;
mod compression;
mod compression_table;
mod load;
mod load_table;
mod peers;
mod procfs;
mod report;

use std::path::PathBuf;

use args::Args;
use clap::Parser;
use compression_table::{CompressionFigures, COMPRESSION_PEERS};
use load_table::{Figures, PEERS};
use report::Row;

// One thread for the load; the server under test has the other core.
#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() {
    let args = Args::parse();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let fd_limit = procfs::raise_fd_limit();
    eprintln!("open-file limit: {fd_limit}");

    let wants = |mode: &str| args.only.is_empty() || args.only.iter().any(|m| m == mode);
    let mut all: Vec<Figures> = PEERS.iter().map(|_| Figures::default()).collect();
    let mut compressed: Vec<CompressionFigures> = COMPRESSION_PEERS
        .iter()
        .map(|_| CompressionFigures::default())
        .collect();
    for run in 1..=args.runs {
        if wants("compression") {
            for (peer, figures) in COMPRESSION_PEERS.iter().zip(&mut compressed) {
                compression_table::run(*peer, &root, &args, run, figures).await;
            }
        }
        for (peer, figures) in PEERS.iter().zip(&mut all) {
            load_table::run(*peer, &root, &args, run, wants, figures).await;
        }
    }

    // Only the modes that ran.
    let rows: Vec<Row> = load_table::rows(&all)
        .into_iter()
        .filter(|row| row.figures.iter().any(|figure| !figure.0.is_empty()))
        .collect();
    let names: Vec<&str> = PEERS.iter().map(|peer| peer.name()).collect();
    let machine = report::machine();
    let table = report::table(&names, &rows);
    let report = format!(
        "Machine: {machine}. The load generator (1 thread) and the server (1 thread; node is single-threaded) share it. {} runs per figure: median (min–max).\n\
         Echo: {} connections × {} B for {} s. Capacity: {} connections, {} s of 1 s pushes. Churn: {} cycles. Large message: {} B.\n\n{table}",
        args.runs, args.echo_connections, args.echo_size, args.echo_seconds, args.capacity_connections, args.capacity_seconds, args.churn_cycles, args.large_message_size
    );
    let report = if wants("compression") {
        format!(
            "{report}\n{}",
            compression_table::section(&compressed, &args)
        )
    } else {
        report
    };
    println!("{report}");
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&args.out, &report).unwrap();
    eprintln!("written to {}", args.out.display());
}
