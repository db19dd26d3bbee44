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

# The end-to-end test's node packages (playwright-core drives the system Chromium).
setup_e2e() {
  local dir="$ROOT/tests/e2e"
  if [ ! -d "$dir/node_modules/playwright-core" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing the end-to-end test's npm packages"
    npm ci --silent --no-audit --no-fund --prefix "$dir" >/dev/null
  fi
}

# start_listening NAME COMMAND...: runs COMMAND in the background and waits for the line in
# which it says "listening on ..."; sets LISTENING_PID and LISTENING_LINE. The caller stops it.
start_listening() {
  local name=$1
  shift
  local output
  output=$(mktemp)
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
  setup_e2e
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_tests
  log "all tools present"
fi
