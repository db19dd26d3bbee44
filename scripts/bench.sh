#!/usr/bin/env bash
# Benchmarks wasm-ws-server against the tutorial's express-ws backend and a bare Rust floor
# (crates/bench): echo, capacity (10,000 connections) and churn, each figure the median of
# several runs; and compression (permessage-deflate): bytes on the wire for the ticker's JSON
# notes, CPU and p99 for 32 B and 4 KiB JSON echoes, and memory per idle connection, for each of
# the server's --permessage-deflate modes against the tutorial backend with ws's
# perMessageDeflate on. Prints progress, then a Markdown table, also written to target/bench/results.md.
# Then wasm-ws against raw JS in headless Chromium (target/bench/browser.md), uploading 64 MiB
# with and without flow control (upload.md), an echo through the tabs' relay (relay.md), the Yew console
# under a flood keeping 1,000 and 100,000 lines (target/bench/console.md), and the bundle sizes
# with what costs what, before and after issue 22 (scripts/bundle-sizes.sh --compare; another
# baseline with WASM_WS_SIZE_BASELINE=REV; target/bench/bundles.md).
# Arguments go to the bench: scripts/bench.sh --runs 5 --capacity-connections 2000
# (--only compression for that table alone).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/harness.sh
trap 'stop_background' EXIT

if [ ! -d crates/bench/tutorial-backend/node_modules/express-ws ]; then
  log "installing the tutorial's backend (express 4.22.3, express-ws 5.0.2)"
  npm ci --silent --no-audit --no-fund --prefix crates/bench/tutorial-backend >/dev/null
fi
setup_demo
log "building the servers and the load generator (release)"
cargo build --release -q -p wasm-ws-server -p wasm-ws-bench
"$TARGET_DIR/release/wasm-ws-bench" "$@"

# Built first, so that the console can be benchmarked at the baseline too (its tree is the one
# bundle-sizes.sh extracted and built).
log "bundle sizes, and the same at ${WASM_WS_SIZE_BASELINE:=b71fe55} (built once, then kept in target/bench/rev)"
scripts/bundle-sizes.sh --compare "$WASM_WS_SIZE_BASELINE"
baseline=$(git rev-parse --short "$WASM_WS_SIZE_BASELINE")

log "in the browser: wasm-ws against raw JS, in headless Chromium"
setup_browsers
# The browser benchmark's load comes from the test endpoints (flood, echo).
start_listening wasm-ws-server "$TARGET_DIR/release/wasm-ws-server" --bind 127.0.0.1:0 --no-static-dir --allow-any-origin --workers 1 --test-endpoints
browser_bench() { # browser_bench NAME: one of crates/bench/browser/benches, its table rows
  in_browser chromium env \
    WASM_BINDGEN_TEST_TIMEOUT=900 WASM_WS_TEST_SERVER="ws://${LISTENING_LINE##*http://}" \
    cargo bench -p bench-browser --target wasm32-unknown-unknown --bench "$1" -- --nocapture 2>&1 |
    sed -n 's/^ *\(|.*\)$/\1/p'
}
browser_bench compare | tee target/bench/browser.md
log "in the browser: 64 MiB up to the echo, paced by the send buffer or not (issue 28)"
browser_bench upload | tee target/bench/upload.md
log "in the browser: an echo from a following tab, through the leading one (issue 27)"
browser_bench relay | tee target/bench/relay.md
log "in the browser: WebSocketConsole under a flood, against a raw JS counter"
browser_bench console | tee target/bench/console.md
# The same benchmark, on the console of the baseline.
log "the same, on the console at $baseline"
cp crates/bench/browser/benches/console.rs "target/bench/rev/$baseline/src/crates/bench/browser/benches/"
(cd "target/bench/rev/$baseline/src" && CARGO_TARGET_DIR="$PWD/../target" browser_bench console) |
  sed "1s/^| console metric/| before ($baseline): console metric/" | tee target/bench/console-before.md

cat target/bench/results.md <(echo) target/bench/browser.md <(echo) target/bench/upload.md <(echo) \
  target/bench/relay.md <(echo) target/bench/console.md <(echo) target/bench/console-before.md <(echo) \
  target/bench/bundles.md >target/bench/report.md
log "the whole report: target/bench/report.md"
