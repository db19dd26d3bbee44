#!/usr/bin/env bash
# Runs every test, installing whatever is missing first (scripts/setup.sh):
#  1. wasm-ws-server's unit and integration tests (a real native WebSocket client), and the
#     browser crates' native tests (pure logic, server-side rendering);
#  2. the browser tests of wasm-ws (its WHATWG conformance suite, and the resilience tests
#     through a fault-injecting proxy) and wasm-ws-yew, in headless Chromium and then in headless
#     Firefox, against a real wasm-ws-server this script starts on a free loopback port;
#  3. the end-to-end tests of the demo page, built by trunk and served by that same server, and
#     of the ticker example (examples/ticker) on its own server behind the proxy;
#  4. a rolling restart of three server instances behind nginx (tests/deploy), with native
#     clients and the demo page;
#  5. packaging: `cargo package` (verified) for wasm-ws, wasm-ws-yew and wasm-ws-server, and an
#     app outside the workspace built from the packaged crates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_tests

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*" >&2; }

step "wasm-ws-server tests, and the native tests of the browser crates"
cargo test -p wasm-ws-server -p wasm-ws-client -p wasm-ws-yew -p wasm-ws-test-support --all-features

step "building the demo page, and the ticker example"
trunk build --release
(cd examples/ticker && trunk build --release)

BACKGROUND=()
trap 'kill "${BACKGROUND[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

step "starting wasm-ws-server, the fault-injecting proxy in front of it, on free ports"
start_test_backends

step "browser tests (wasm-ws, wasm-ws-yew) in headless Chromium"
browser_test chromium -p wasm-ws-client -p wasm-ws-yew --all-features

step "browser tests (wasm-ws, wasm-ws-yew) in headless Firefox"
browser_test firefox -p wasm-ws-client -p wasm-ws-yew --all-features

step "end-to-end tests: the demo page (and leaving it, in both engines), the ticker example"
(cd tests/e2e && WASM_WS_DEMO_URL="http://$TEST_SERVER/" WASM_WS_SERVER_LOG="$TEST_SERVER_LOG" \
  WASM_WS_SERVER_BIN="$PWD/../../target/debug/wasm-ws-server" node --test --test-concurrency=1)

step "deployment: a rolling restart of three instances behind nginx"
(cd tests/deploy && WASM_WS_SERVER_BIN="$PWD/../../target/debug/wasm-ws-server" \
  WASM_WS_DEMO_DIST="$PWD/../../dist" node --experimental-websocket --test)

step "packaging: the three crates, and an app outside the workspace built from them"
tests/packaging/outside-app.sh
