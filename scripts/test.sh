#!/usr/bin/env bash
# Runs every test, installing whatever is missing first (scripts/setup.sh):
#  1. wasm-ws-server's unit and integration tests (a real native WebSocket client);
#  2. the browser tests of wasm-ws (its WHATWG conformance suite, and the resilience tests
#     through a fault-injecting proxy) and wasm-ws-yew, in headless Chromium and then in headless
#     Firefox, against a real wasm-ws-server this script starts on a free loopback port;
#  3. the end-to-end test of the demo page, built by trunk and served by that same server;
#  4. packaging: `cargo package` (verified) for wasm-ws, wasm-ws-yew and wasm-ws-server, and an
#     app outside the workspace built from the packaged crates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_tests

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*" >&2; }

step "wasm-ws-server tests"
cargo test -p wasm-ws-server

step "building the demo page"
trunk build --release

background=()
trap 'kill "${background[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

step "starting wasm-ws-server on a free port"
cargo build -q -p wasm-ws-server
# The browser tests' pages come from the test runner's own random port: allow any Origin. The
# conformance suite talks to the test endpoints, which production servers do not mount.
start_listening wasm-ws-server target/debug/wasm-ws-server --bind 127.0.0.1:0 --static-dir dist --allow-any-origin --test-endpoints
background+=("$LISTENING_PID")
address=${LISTENING_LINE##*http://}
log "server at $address"

step "starting the fault-injecting proxy in front of it"
start_listening fault-proxy node tests/fault-proxy/proxy.mjs --target "$address"
background+=("$LISTENING_PID")
proxy_address=$(sed -n 's/.*listening on \([^ ]*\) control.*/\1/p' <<<"$LISTENING_LINE")
proxy_control=${LISTENING_LINE##* control }
log "proxy at $proxy_address, control at $proxy_control"

# A loopback port with nothing listening, for the refused-connection case: bound, then let go.
closed_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

browser_tests() { # browser_tests DRIVER_VARIABLE DRIVER_PATH
  in_browser "$1" "$2" env \
    WASM_WS_TEST_SERVER="ws://$address" \
    WASM_WS_TEST_PROXY="ws://$proxy_address" \
    WASM_WS_TEST_PROXY_CONTROL="http://$proxy_control" \
    WASM_WS_TEST_CLOSED_PORT="$closed_port" \
    WASM_BINDGEN_TEST_TIMEOUT=90 \
    cargo test --target wasm32-unknown-unknown -p wasm-ws -p wasm-ws-yew
}

step "browser tests (wasm-ws, wasm-ws-yew) in headless Chromium"
browser_tests CHROMEDRIVER "$(command -v chromedriver)"

step "browser tests (wasm-ws, wasm-ws-yew) in headless Firefox"
browser_tests GECKODRIVER "$(command -v geckodriver)"

step "end-to-end test of the demo page"
(cd tests/e2e && WASM_WS_DEMO_URL="http://$address/" node --test)

step "packaging: the three crates, and an app outside the workspace built from them"
tests/packaging/outside-app.sh
