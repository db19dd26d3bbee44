//! The main table: each load mode (echo, capacity, churn, push after an echo, one large
//! message) against each peer, and the table's rows.

use std::{path::Path, time::Duration};

use crate::{
    args::Args,
    load,
    peers::{on_own_server, Peer},
    report::{Figure, Row, Target},
};

/// The main table's columns.
pub const PEERS: [Peer; 3] = [Peer::Ours, Peer::Tutorial, Peer::Floor];

/// The main table's figures for one peer.
#[derive(Default)]
pub struct Figures {
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

/// One run of every mode `wants` for `peer`, each against a server of its own.
pub async fn run(
    peer: Peer,
    root: &Path,
    args: &Args,
    run: usize,
    wants: impl Fn(&str) -> bool,
    figures: &mut Figures,
) {
    // Each mode against a server of its own, started for it and stopped after.
    let mode = |what: String| format!("run {run}/{}: {} {what}", args.runs, peer.name());
    if wants("echo") {
        let what = format!(
            "echo ({} connections, {} B, {} s)",
            args.echo_connections, args.echo_size, args.echo_seconds
        );
        let echo = on_own_server(peer, root, mode(what), |server| {
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
        let capacity = on_own_server(peer, root, mode(what), |server| {
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
            (capacity.pushes_lost + missing * args.capacity_seconds.saturating_sub(1)) as f64,
        );
    }

    if wants("churn") {
        let what = format!("churn ({} cycles)", args.churn_cycles);
        let churn = on_own_server(peer, root, mode(what), |server| {
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
        let measured = on_own_server(peer, root, mode(what), |server| {
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
        let peak = on_own_server(peer, root, mode(what), |server| {
            load::large_message(server.addr, server.pid, args.large_message_size)
        })
        .await;
        eprintln!("  server RSS peak +{peak} KiB");
        figures.large_message_peak.0.push(peak);
    }
}

/// The table's rows, one per metric, with a column per peer.
pub fn rows(all: &[Figures]) -> Vec<Row> {
    let column = |pick: fn(&Figures) -> &Figure| {
        all.iter()
            .map(|figures| pick(figures).clone())
            .collect::<Vec<_>>()
    };
    vec![
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
    ]
}
