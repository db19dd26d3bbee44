//! `wasm-ws-bench`: wasm-ws-server against the tutorial's express-ws backend and a bare Rust floor,
//! side by side under the same load, each figure the median of several runs with its spread.
//!
//! - [`load`]: the load modes (echo, capacity, churn, push after an echo, one large message).
//! - [`compression`]: `permessage-deflate`: bytes on the wire, JSON echoes and idle memory, for
//!   each of the server's compression modes and the tutorial backend with ws's deflate on.
//! - [`peers`]: starting and stopping the servers under test.
//! - [`procfs`]: what is read about a server from `/proc` (CPU time, memory, fds).
//! - [`report`]: medians, spreads, ratios and the Markdown table.
//!
//! Run it with `scripts/bench.sh`, which builds and installs what it needs.

mod compression;
mod load;
mod peers;
mod procfs;
mod report;

use std::{
    future::Future,
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Parser;
use peers::{Peer, Running};
use report::{Figure, Row, Target};

/// Benchmarks wasm-ws-server against the tutorial's express-ws backend and a bare Rust floor.
#[derive(Debug, Parser)]
struct Args {
    /// Runs per figure (the table shows the median and the spread).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Echo mode: concurrent connections.
    #[arg(long, default_value_t = 50)]
    echo_connections: usize,
    /// Echo mode: message size in bytes.
    #[arg(long, default_value_t = 32)]
    echo_size: usize,
    /// Echo mode: seconds per run.
    #[arg(long, default_value_t = 5)]
    echo_seconds: u64,
    /// Capacity mode: connections held.
    #[arg(long, default_value_t = 10_000)]
    capacity_connections: usize,
    /// Capacity mode: seconds of pushes measured per run.
    #[arg(long, default_value_t = 10)]
    capacity_seconds: u64,
    /// Churn mode: connect/close cycles per run.
    #[arg(long, default_value_t = 1000)]
    churn_cycles: usize,
    /// Push-after-echo mode: connections, each timing two messages to come back just before a
    /// push.
    #[arg(long, default_value_t = 20)]
    nagle_connections: usize,
    /// Push-after-echo mode: pushes measured per connection (each after one with no echo).
    #[arg(long, default_value_t = 3)]
    nagle_rounds: usize,
    /// Large-message mode: the message size in bytes (the sample's limit by default).
    #[arg(long, default_value_t = 64 * 1024)]
    large_message_size: usize,
    /// Compression mode: ticker notes echoed for the bytes-on-the-wire figure.
    #[arg(long, default_value_t = 200)]
    compression_notes: usize,
    /// Compression mode: the large JSON message's size in bytes.
    #[arg(long, default_value_t = 4096)]
    compression_large_size: usize,
    /// Compression mode: idle connections held for the memory figures.
    #[arg(long, default_value_t = 10_000)]
    compression_idle_connections: usize,
    /// Only these modes (echo, capacity, churn, push-after-echo, large-message, compression);
    /// default: all.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Where the Markdown table goes (it is also printed).
    #[arg(long, default_value = "target/bench/results.md")]
    out: PathBuf,
}

const PEERS: [Peer; 3] = [Peer::Ours, Peer::Tutorial, Peer::Floor];

/// The compression table's columns: each of the server's modes, and the tutorial backend with
/// ws's `perMessageDeflate` on.
const COMPRESSION_PEERS: [Peer; 4] = [
    Peer::OursDeflate("off"),
    Peer::OursDeflate("no-context-takeover"),
    Peer::OursDeflate("context-takeover"),
    Peer::TutorialDeflate,
];

/// The compression table's figures for one peer.
#[derive(Default)]
struct CompressionFigures {
    note_up: Figure,
    note_down: Figure,
    small_cpu: Figure,
    small_p99: Figure,
    large_cpu: Figure,
    large_p99: Figure,
    large_rate: Figure,
    idle_unused: Figure,
    idle_negotiated: Figure,
    idle_after_large: Figure,
}

#[derive(Default)]
struct Figures {
    rate: Figure,
    p50: Figure,
    p99: Figure,
    p999: Figure,
    cpu: Figure,
    rss_per_connection: Figure,
    lateness_p50: Figure,
    lateness_p99: Figure,
    lost: Figure,
    churn_fds: Figure,
    churn_rss: Figure,
    push_after_echo_p50: Figure,
    push_after_echo_p99: Figure,
    large_message_peak: Figure,
}

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
                compression_run(*peer, &root, &args, run, figures).await;
            }
        }
        for (peer, figures) in PEERS.iter().zip(&mut all) {
            // Each mode against a server of its own, started for it and stopped after.
            let mode = |what: String| format!("run {run}/{}: {} {what}", args.runs, peer.name());
            if wants("echo") {
                let what = format!(
                    "echo ({} connections, {} B, {} s)",
                    args.echo_connections, args.echo_size, args.echo_seconds
                );
                let echo = on_own_server(*peer, &root, mode(what), |server| {
                    load::echo(
                        server.addr,
                        server.pid,
                        args.echo_connections,
                        args.echo_size,
                        Duration::from_secs(args.echo_seconds),
                    )
                })
                .await;
                eprintln!(
                    "  {:.0} msg/s, p99 {:.0} µs, server CPU {:.1} µs/echo",
                    echo.messages_per_second, echo.p99_us, echo.server_cpu_us_per_echo
                );
                figures.rate.0.push(echo.messages_per_second);
                figures.p50.0.push(echo.p50_us);
                figures.p99.0.push(echo.p99_us);
                figures.p999.0.push(echo.p999_us);
                figures.cpu.0.push(echo.server_cpu_us_per_echo);
            }

            if wants("capacity") {
                let what = format!(
                    "capacity ({} connections, {} s)",
                    args.capacity_connections, args.capacity_seconds
                );
                let capacity = on_own_server(*peer, &root, mode(what), |server| {
                    load::capacity(
                        server.addr,
                        server.pid,
                        args.capacity_connections,
                        Duration::from_secs(args.capacity_seconds),
                    )
                })
                .await;
                eprintln!(
                    "  {} connected, {:.2} KiB/connection, lateness p99 {:.1} ms, {} pushes lost",
                    capacity.connected,
                    capacity.rss_kib_per_connection,
                    capacity.lateness_p99_ms,
                    capacity.pushes_lost
                );
                figures
                    .rss_per_connection
                    .0
                    .push(capacity.rss_kib_per_connection);
                figures.lateness_p50.0.push(capacity.lateness_p50_ms);
                figures.lateness_p99.0.push(capacity.lateness_p99_ms);
                let missing = (args.capacity_connections - capacity.connected) as u64;
                figures.lost.0.push(
                    (capacity.pushes_lost + missing * args.capacity_seconds.saturating_sub(1))
                        as f64,
                );
            }

            if wants("churn") {
                let what = format!("churn ({} cycles)", args.churn_cycles);
                let churn = on_own_server(*peer, &root, mode(what), |server| {
                    load::churn(server.addr, server.pid, args.churn_cycles)
                })
                .await;
                eprintln!(
                    "  fds {} -> {}, RSS {} -> {} KiB",
                    churn.fds_before, churn.fds_after, churn.rss_kib_before, churn.rss_kib_after
                );
                figures
                    .churn_fds
                    .0
                    .push(churn.fds_after as f64 - churn.fds_before as f64);
                figures
                    .churn_rss
                    .0
                    .push(churn.rss_kib_after as f64 - churn.rss_kib_before as f64);
            }

            if wants("push-after-echo") {
                let what = format!(
                    "push after echo ({} connections × {} pushes)",
                    args.nagle_connections, args.nagle_rounds
                );
                let measured = on_own_server(*peer, &root, mode(what), |server| {
                    load::push_after_echo(server.addr, args.nagle_connections, args.nagle_rounds)
                })
                .await;
                eprintln!(
                    "  a push after an echo: late by p50 {:.1} ms, p99 {:.1} ms",
                    measured.p50_ms, measured.p99_ms
                );
                figures.push_after_echo_p50.0.push(measured.p50_ms);
                figures.push_after_echo_p99.0.push(measured.p99_ms);
            }

            if wants("large-message") {
                let what = format!(
                    "one connection echoing a {} B message",
                    args.large_message_size
                );
                let peak = on_own_server(*peer, &root, mode(what), |server| {
                    load::large_message(server.addr, server.pid, args.large_message_size)
                })
                .await;
                eprintln!("  server RSS peak +{peak} KiB");
                figures.large_message_peak.0.push(peak);
            }
        }
    }

    let column = |pick: fn(&Figures) -> &Figure| {
        all.iter()
            .map(|figures| pick(figures).clone())
            .collect::<Vec<_>>()
    };
    let rows = vec![
        Row {
            metric: "echo: messages/s",
            figures: column(|f| &f.rate),
            target: None,
        },
        Row {
            metric: "echo: round trip p50 (µs)",
            figures: column(|f| &f.p50),
            target: None,
        },
        Row {
            metric: "echo: round trip p99 (µs)",
            figures: column(|f| &f.p99),
            target: Some(Target::TutorialRatio(0.5)),
        },
        Row {
            metric: "echo: round trip p99.9 (µs)",
            figures: column(|f| &f.p999),
            target: None,
        },
        Row {
            metric: "echo: server CPU per echo (µs), vs tutorial",
            figures: column(|f| &f.cpu),
            target: Some(Target::TutorialRatio(0.4)),
        },
        Row {
            metric: "echo: server CPU per echo (µs), vs floor",
            figures: column(|f| &f.cpu),
            target: Some(Target::FloorRatio(1.3)),
        },
        Row {
            metric: "capacity: server RSS per connection (KiB)",
            figures: column(|f| &f.rss_per_connection),
            target: Some(Target::TutorialRatio(0.75)),
        },
        Row {
            metric: "capacity: push lateness p50 (ms)",
            figures: column(|f| &f.lateness_p50),
            target: None,
        },
        Row {
            metric: "capacity: push lateness p99 (ms)",
            figures: column(|f| &f.lateness_p99),
            target: Some(Target::AtMost(20.0)),
        },
        Row {
            metric: "capacity: pushes lost",
            figures: column(|f| &f.lost),
            target: Some(Target::AtMost(0.0)),
        },
        Row {
            metric: "churn: server fds after − before",
            figures: column(|f| &f.churn_fds),
            target: None,
        },
        Row {
            metric: "churn: server RSS after − before (KiB)",
            figures: column(|f| &f.churn_rss),
            target: None,
        },
        Row {
            metric: "push after an echo: lateness p50 (ms)",
            figures: column(|f| &f.push_after_echo_p50),
            target: None,
        },
        Row {
            metric: "push after an echo: lateness p99 (ms)",
            figures: column(|f| &f.push_after_echo_p99),
            target: None,
        },
        Row {
            metric: "one large message echoed: server RSS peak growth (KiB)",
            figures: column(|f| &f.large_message_peak),
            target: None,
        },
    ];
    // Only the modes that ran.
    let rows: Vec<Row> = rows
        .into_iter()
        .filter(|row| row.figures.iter().any(|figure| !figure.0.is_empty()))
        .collect();
    let names: Vec<&str> = PEERS.iter().map(|peer| peer.name()).collect();
    let machine = machine();
    let table = report::table(&names, &rows);
    let report = format!(
        "Machine: {machine}. The load generator (1 thread) and the server (1 thread; node is single-threaded) share it. {} runs per figure: median (min–max).\n\
         Echo: {} connections × {} B for {} s. Capacity: {} connections, {} s of 1 s pushes. Churn: {} cycles. Large message: {} B.\n\n{table}",
        args.runs, args.echo_connections, args.echo_size, args.echo_seconds, args.capacity_connections, args.capacity_seconds, args.churn_cycles, args.large_message_size
    );
    let report = if wants("compression") {
        let names: Vec<&str> = COMPRESSION_PEERS.iter().map(|peer| peer.name()).collect();
        let column = |pick: fn(&CompressionFigures) -> &Figure| {
            compressed
                .iter()
                .map(|f| pick(f).clone())
                .collect::<Vec<_>>()
        };
        let large = args.compression_large_size;
        let rows = vec![
            (
                "ticker note echoed: bytes on the wire, client → server",
                column(|f| &f.note_up),
            ),
            (
                "ticker note echoed: bytes on the wire, server → client",
                column(|f| &f.note_down),
            ),
            (
                "echo 32 B JSON: server CPU per echo (µs)",
                column(|f| &f.small_cpu),
            ),
            (
                "echo 32 B JSON: round trip p99 (µs)",
                column(|f| &f.small_p99),
            ),
            (
                "echo large JSON: server CPU per echo (µs)",
                column(|f| &f.large_cpu),
            ),
            (
                "echo large JSON: round trip p99 (µs)",
                column(|f| &f.large_p99),
            ),
            ("echo large JSON: messages/s", column(|f| &f.large_rate)),
            (
                "idle, no client offers compression: server RSS per connection (KiB)",
                column(|f| &f.idle_unused),
            ),
            (
                "idle, compression negotiated: server RSS per connection (KiB)",
                column(|f| &f.idle_negotiated),
            ),
            (
                "idle after one large JSON echo each: server RSS per connection (KiB)",
                column(|f| &f.idle_after_large),
            ),
        ];
        format!(
            "{report}\nCompression (permessage-deflate), every client offering what Chromium offers (`{}`), compressing as the server's codec does. Ticker notes: {} echoed on one connection. Echo: {} connections × 32 B and × {large} B of JSON for {} s. Idle: {} connections.\n\n{}",
            compression::CHROMIUM_OFFER,
            args.compression_notes,
            args.echo_connections,
            args.echo_seconds,
            args.compression_idle_connections,
            report::plain_table(&names, &rows)
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

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total = memory
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse::<u64>().ok())
        .unwrap_or(0);
    format!("{cores} cores ({model}), {} GiB", total / 1024 / 1024)
}

/// One run of the compression figures for `peer`, each against a server of its own.
async fn compression_run(
    peer: Peer,
    root: &Path,
    args: &Args,
    run: usize,
    figures: &mut CompressionFigures,
) {
    let mode = |what: &str| format!("run {run}/{}: {} {what}", args.runs, peer.name());
    let notes = args.compression_notes;
    let (up, down) = on_own_server(peer, root, mode("ticker notes"), |server| {
        compression::wire_bytes(server.addr, true, notes)
    })
    .await;
    eprintln!("  {up:.1} B up, {down:.1} B down per note");
    figures.note_up.0.push(up);
    figures.note_down.0.push(down);
    let duration = Duration::from_secs(args.echo_seconds);
    for (size, cpu, p99, rate) in [
        (32, &mut figures.small_cpu, &mut figures.small_p99, None),
        (
            args.compression_large_size,
            &mut figures.large_cpu,
            &mut figures.large_p99,
            Some(&mut figures.large_rate),
        ),
    ] {
        let echo = on_own_server(peer, root, mode(&format!("echo {size} B JSON")), |server| {
            compression::echo(
                server.addr,
                server.pid,
                args.echo_connections,
                compression::json_of(size),
                duration,
                true,
            )
        })
        .await;
        eprintln!(
            "  {:.0} msg/s, p99 {:.0} µs, server CPU {:.1} µs/echo",
            echo.messages_per_second, echo.p99_us, echo.server_cpu_us_per_echo
        );
        cpu.0.push(echo.server_cpu_us_per_echo);
        p99.0.push(echo.p99_us);
        if let Some(rate) = rate {
            rate.0.push(echo.messages_per_second);
        }
    }
    let connections = args.compression_idle_connections;
    let large = compression::json_of(args.compression_large_size);
    for (what, offer, first, figure) in [
        ("idle, no offer", false, None, &mut figures.idle_unused),
        ("idle, negotiated", true, None, &mut figures.idle_negotiated),
        (
            "idle after a large echo",
            true,
            Some(large),
            &mut figures.idle_after_large,
        ),
    ] {
        let kib = on_own_server(peer, root, mode(what), |server| {
            compression::idle_memory(server.addr, server.pid, connections, offer, first)
        })
        .await;
        eprintln!("  {kib:.2} KiB/connection");
        figure.0.push(kib);
    }
}

/// Runs one mode against a server of its own, so that no mode inherits another's connections
/// or memory: says what runs, starts the server, applies `load` to it, stops it.
async fn on_own_server<F: Future>(
    peer: Peer,
    root: &Path,
    what: String,
    load: impl FnOnce(&Running) -> F,
) -> F::Output {
    eprintln!("{what}");
    let server = Running::start(peer, root).await;
    let measured = load(&server).await;
    server.stop().await;
    measured
}
