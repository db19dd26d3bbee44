//! Medians with their spread, and the Markdown table.

use std::fmt::Write;

/// A figure measured over several runs.
#[derive(Debug, Clone, Default)]
pub struct Figure(pub Vec<f64>);

impl Figure {
    pub fn median(&self) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort_by(|a, b| a.total_cmp(b));
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    fn cell(&self) -> String {
        let min = self.0.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.0.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if self.0.is_empty() {
            "-".into()
        } else if (max - min).abs() < f64::EPSILON {
            format_number(self.median())
        } else {
            format!(
                "{} ({}–{})",
                format_number(self.median()),
                format_number(min),
                format_number(max)
            )
        }
    }
}

fn format_number(value: f64) -> String {
    match value.abs() {
        v if v >= 1000.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

/// One row: a metric, its figure for each peer, and the target it has, as a check on
/// ours/tutorial or ours/floor.
pub struct Row {
    pub metric: &'static str,
    pub figures: Vec<Figure>,
    pub target: Option<Target>,
}

/// A target for "ours" (the first column).
pub enum Target {
    /// ours / tutorial backend at most this.
    TutorialRatio(f64),
    /// ours / floor at most this.
    FloorRatio(f64),
    /// ours at most this, absolutely.
    AtMost(f64),
}

/// The table; `peers` names the columns, in the same order as every row's figures, "ours"
/// first, then the tutorial backend, then the floor.
pub fn table(peers: &[&str], rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| metric | {} | ours/tutorial | ours/floor | target |",
        peers.join(" | ")
    );
    let _ = writeln!(out, "|---|{}---|---|---|", "---|".repeat(peers.len()));
    for row in rows {
        let ratio = |other: usize| {
            let (ours, theirs) = (
                row.figures.first().map(Figure::median),
                row.figures.get(other).map(Figure::median),
            );
            match (ours, theirs) {
                (Some(ours), Some(theirs)) if theirs > 0.0 => Some(ours / theirs),
                _ => None,
            }
        };
        let (to_tutorial, to_floor) = (ratio(1), ratio(2));
        let verdict = row.target.as_ref().map(|target| {
            let (limit, actual, label) = match target {
                Target::TutorialRatio(limit) => {
                    (*limit, to_tutorial, format!("≤ {limit} × tutorial"))
                }
                Target::FloorRatio(limit) => (*limit, to_floor, format!("≤ {limit} × floor")),
                Target::AtMost(limit) => (
                    *limit,
                    row.figures.first().map(Figure::median),
                    format!("≤ {limit}"),
                ),
            };
            match actual {
                Some(actual) if actual <= limit => format!("{label}: met"),
                Some(_) => format!("{label}: **not met**"),
                None => format!("{label}: not measured"),
            }
        });
        let cells: Vec<String> = row.figures.iter().map(Figure::cell).collect();
        let show = |ratio: Option<f64>| ratio.map_or("-".into(), |r| format!("{r:.2}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.metric,
            cells.join(" | "),
            show(to_tutorial),
            show(to_floor),
            verdict.unwrap_or_default()
        );
    }
    out
}

/// A table without ratios or targets: one column per peer.
pub fn plain_table(peers: &[&str], rows: &[(&str, Vec<Figure>)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| metric | {} |", peers.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(peers.len()));
    for (metric, figures) in rows {
        let cells: Vec<String> = figures.iter().map(Figure::cell).collect();
        let _ = writeln!(out, "| {metric} | {} |", cells.join(" | "));
    }
    out
}

/// The machine the figures were measured on: cores, CPU model, memory.
pub fn machine() -> String {
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
