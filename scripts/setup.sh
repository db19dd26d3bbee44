#!/usr/bin/env bash
# Installs what building and testing wasm-ws needs, skipping whatever is already present at the
# right version. Sourced by scripts/demo.sh and scripts/test.sh; safe to run by itself.
#
# Only package registries are assumed reachable (crates.io, npm, Debian apt): nothing here
# downloads a prebuilt binary from a vendor site.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# wasm-opt comes from npm (Debian's binaryen is too old to parse today's wasm); keep it outside
# the work tree so fresh clones on the same machine reuse it.
TOOLS_DIR="${WASM_WS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wasm-ws-tools}"
BINARYEN_VERSION=132.0.0
TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1

export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }

# The wasm-bindgen-cli version must equal the wasm-bindgen crate in Cargo.lock, or the generated
# JS glue and the wasm disagree at run time.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

has_version() { # has_version COMMAND VERSION: true when COMMAND --version mentions VERSION
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

cargo_install() { # cargo_install BINARY CRATE VERSION [EXTRA_ARGS...]
  local bin=$1 crate=$2 version=$3
  shift 3
  if has_version "$bin" "$version"; then return; fi
  log "installing $crate $version (cargo install, a few minutes on a cold machine)"
  cargo install "$crate" --version "=$version" "$@"
}

apt_install() { # apt_install COMMAND PACKAGE...: installs the packages when COMMAND is missing
  local cmd=$1
  shift
  if command -v "$cmd" >/dev/null 2>&1; then return; fi
  log "installing $* (apt)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

setup_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

setup_wasm_bindgen() {
  # Not --locked: one of the CLI's locked dependencies is missing from the registry.
  cargo_install wasm-bindgen wasm-bindgen-cli "$(locked_wasm_bindgen_version)"
}

setup_wasm_opt() {
  if has_version wasm-opt "version $BINARYEN_VERSION" || has_version wasm-opt "version ${BINARYEN_VERSION%%.*}"; then return; fi
  log "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null
}

setup_trunk() {
  # trunk 0.22 needs a newer rustc than this toolchain.
  cargo_install trunk trunk "$TRUNK_VERSION" --locked
}

setup_wasm_pack() {
  cargo_install wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
}

setup_chromium() {
  apt_install chromium chromium
  apt_install chromedriver chromium-driver
}

setup_firefox() {
  apt_install firefox-esr firefox-esr
  cargo_install geckodriver geckodriver "$GECKODRIVER_VERSION"
}

# nginx, for the rolling-restart test behind a real reverse proxy (run from a temporary
# prefix by the test itself; the package starts no daemon here).
setup_nginx() {
  # In /usr/sbin, which is not on every user's PATH.
  [ -x /usr/sbin/nginx ] || apt_install nginx nginx
}

# The end-to-end test's node packages (playwright-core drives the system Chromium).
setup_e2e() {
  local dir="$ROOT/tests/e2e"
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing the end-to-end test's npm packages"
    npm ci --silent --no-audit --no-fund --prefix "$dir" >/dev/null
  fi
}

# start_listening NAME COMMAND...: runs COMMAND in the background and waits for the line in
# which it says "listening on ..."; sets LISTENING_PID, LISTENING_LINE and LISTENING_OUTPUT (the
# file its stdout and stderr go to). The caller stops it.
start_listening() {
  local name=$1
  shift
  local output
  output=$(mktemp)
  LISTENING_OUTPUT=$output
  "$@" >"$output" 2>&1 &
  LISTENING_PID=$!
  for _ in $(seq 300); do
    LISTENING_LINE=$(grep -m1 "listening on" "$output" 2>/dev/null || true)
    [ -n "$LISTENING_LINE" ] && return 0
    kill -0 "$LISTENING_PID" 2>/dev/null || { cat "$output" >&2; echo "$name exited" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not start within 30 s" >&2
  return 1
}

# in_browser DRIVER_VARIABLE DRIVER_PATH COMMAND...: runs COMMAND (a `cargo test --target
# wasm32-unknown-unknown`) with wasm-bindgen-test-runner driving one browser. The runner takes the
# first driver variable it finds, GECKODRIVER before CHROMEDRIVER: exactly one is set.
in_browser() {
  local variable=$1 driver=$2
  shift 2
  env -u GECKODRIVER -u CHROMEDRIVER "$variable=$driver" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner "$@"
}

# start_test_backends: what the browser tests talk to, on free loopback ports: wasm-ws-server
# (debug build, the test endpoints on, any Origin since test pages come from the runner's own
# port, the built page from dist/), the same over TLS with a throwaway certificate, the
# fault-injecting proxy in front of the first, and a port with nothing listening. Sets
# TEST_SERVER (host:port), TEST_SERVER_LOG (its log file), TEST_TLS_SERVER, TEST_PROXY,
# TEST_PROXY_CONTROL and TEST_CLOSED_PORT, and adds the pids to the array BACKGROUND, which the
# caller stops.
start_test_backends() {
  cargo build -q -p wasm-ws-server --features tls --bin wasm-ws-server --example test-certificate
  start_listening wasm-ws-server target/debug/wasm-ws-server --bind 127.0.0.1:0 --static-dir dist \
    --allow-any-origin --test-endpoints
  BACKGROUND+=("$LISTENING_PID")
  TEST_SERVER=${LISTENING_LINE##*http://}
  TEST_SERVER_LOG=$LISTENING_OUTPUT
  local certificates
  certificates=$(mktemp -d)
  target/debug/examples/test-certificate "$certificates" >/dev/null
  start_listening wasm-ws-server-tls target/debug/wasm-ws-server --bind 127.0.0.1:0 --static-dir dist \
    --allow-any-origin --test-endpoints \
    --tls-cert "$certificates/cert.pem" --tls-key "$certificates/key.pem"
  BACKGROUND+=("$LISTENING_PID")
  TEST_TLS_SERVER=${LISTENING_LINE##*https://}
  start_listening fault-proxy node "$ROOT/tests/fault-proxy/proxy.mjs" --target "$TEST_SERVER"
  BACKGROUND+=("$LISTENING_PID")
  TEST_PROXY=$(sed -n 's/.*listening on \([^ ]*\) control.*/\1/p' <<<"$LISTENING_LINE")
  TEST_PROXY_CONTROL=${LISTENING_LINE##* control }
  # Bound, then let go: nothing listens there afterwards.
  TEST_CLOSED_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  log "server at $TEST_SERVER (TLS: $TEST_TLS_SERVER), proxy at $TEST_PROXY (control $TEST_PROXY_CONTROL), nothing at port $TEST_CLOSED_PORT"
}

# browser_test ENGINE CARGO_TEST_ARGS...: `cargo test` for the browser, in one engine
# (chromium or firefox), against the backends of start_test_backends (their addresses go in at
# compile time).
browser_test() {
  local engine=$1
  shift
  local variable driver
  case $engine in
    chromium) variable=CHROMEDRIVER driver=$(command -v chromedriver) ;;
    firefox) variable=GECKODRIVER driver=$(command -v geckodriver) ;;
    *) echo "browser_test: no engine $engine" >&2; return 1 ;;
  esac
  in_browser "$variable" "$driver" env \
    WASM_WS_TEST_SERVER="ws://$TEST_SERVER" \
    WASM_WS_TEST_TLS_SERVER="wss://$TEST_TLS_SERVER" \
    WASM_WS_TEST_PROXY="ws://$TEST_PROXY" \
    WASM_WS_TEST_PROXY_CONTROL="http://$TEST_PROXY_CONTROL" \
    WASM_WS_TEST_CLOSED_PORT="$TEST_CLOSED_PORT" \
    WASM_BINDGEN_TEST_TIMEOUT=90 \
    cargo test --target wasm32-unknown-unknown "$@"
}

# Everything the demo needs.
setup_demo() {
  setup_wasm_target
  setup_wasm_bindgen
  setup_wasm_opt
  setup_trunk
}

# Everything the test suite needs.
setup_tests() {
  setup_demo
  setup_chromium
  setup_firefox
  setup_nginx
  setup_e2e
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_tests
  log "all tools present"
fi
