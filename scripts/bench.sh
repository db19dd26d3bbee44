#!/usr/bin/env bash
# Benchmarks wasm-ws-server against the seed's express-ws backend and a bare Rust floor
# (crates/bench): echo, capacity (10,000 connections) and churn, each figure the median of
# several runs. Prints progress, then a Markdown table, also written to target/bench/results.md.
# Then the bundle sizes (scripts/bundle-sizes.sh, table in target/bench/bundles.md).
# Arguments go to the bench: scripts/bench.sh --runs 5 --capacity-connections 2000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

if [ ! -d crates/bench/seed/node_modules/express-ws ]; then
  log "installing the seed's backend (express 4.22.3, express-ws 5.0.2)"
  npm ci --silent --no-audit --no-fund --prefix crates/bench/seed >/dev/null
fi
setup_demo
log "building the servers and the load generator (release)"
cargo build --release -q -p wasm-ws-server -p wasm-ws-bench
target/release/wasm-ws-bench "$@"

log "bundle sizes"
trunk build --release >/dev/null 2>&1
scripts/bundle-sizes.sh
