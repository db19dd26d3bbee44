//! The compression table (`permessage-deflate`): each of the server's compression modes and the
//! tutorial backend with ws's deflate on, and the table.

use std::{path::Path, time::Duration};

use crate::{
    args::Args,
    compression,
    peers::{on_own_server, Peer},
    report::{self, Figure},
};

/// The compression table's columns: each of the server's modes, and the tutorial backend with
/// ws's `perMessageDeflate` on.
pub const COMPRESSION_PEERS: [Peer; 4] = [
    Peer::OursDeflate("off"),
    Peer::OursDeflate("no-context-takeover"),
    Peer::OursDeflate("context-takeover"),
    Peer::TutorialDeflate,
];

/// The compression table's figures for one peer.
#[derive(Default)]
pub struct CompressionFigures {
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

/// One run of the compression figures for `peer`, each against a server of its own.
pub async fn run(
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

/// The table's section of the report: what was measured, and the table.
pub fn section(all: &[CompressionFigures], args: &Args) -> String {
    let names: Vec<&str> = COMPRESSION_PEERS.iter().map(|peer| peer.name()).collect();
    let column = |pick: fn(&CompressionFigures) -> &Figure| {
        all.iter().map(|f| pick(f).clone()).collect::<Vec<_>>()
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
        "Compression (permessage-deflate), every client offering what Chromium offers (`{}`), compressing as the server's codec does. Ticker notes: {} echoed on one connection. Echo: {} connections × 32 B and × {large} B of JSON for {} s. Idle: {} connections.\n\n{}",
        compression::CHROMIUM_OFFER,
        args.compression_notes,
        args.echo_connections,
        args.echo_seconds,
        args.compression_idle_connections,
        report::plain_table(&names, &rows)
    )
}
