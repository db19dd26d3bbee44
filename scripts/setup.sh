#!/usr/bin/env bash
# Installs what building and testing wasm-ws needs, skipping whatever is already present at the
# right version: installing only (running the tests is scripts/harness.sh's). Sourced by
# scripts/demo.sh, scripts/test.sh and .ci/run; by itself, `scripts/setup.sh` installs what the
# tests need.
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
CARGO_MUTANTS_VERSION=27.1.0

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

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

# cargo_install_at OPT_LEVEL BINARY CRATE VERSION [EXTRA_ARGS...]: cargo_install, with the
# crate's release profile overridden: no LTO, 16 codegen units, at OPT_LEVEL. For tools whose
# install is a first demo's longest wait, and which run as fast without the profile's care.
cargo_install_at() {
  local opt_level=$1
  shift
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt_level" cargo_install "$@"
}

# apt_packages COMMAND=PACKAGE...: installs, with one `apt-get update`, the packages whose
# command is missing (a command with a / is a path checked as it is).
apt_packages() {
  local wanted=() pair cmd package
  for pair in "$@"; do
    cmd=${pair%%=*} package=${pair#*=}
    if [[ $cmd == */* ]]; then [ -x "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    wanted+=("$package")
  done
  [ ${#wanted[@]} -eq 0 ] && return
  log "installing ${wanted[*]} (apt)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${wanted[@]}" >/dev/null
}

setup_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

setup_wasm_bindgen() {
  # Not --locked: one of the CLI's locked dependencies is missing from the registry. At
  # opt-level 1: it installs in 120 s rather than 149 here, and processes a 45 MB test module
  # in the same 0.58 s.
  cargo_install_at 1 wasm-bindgen wasm-bindgen-cli "$(locked_wasm_bindgen_version)"
}

setup_wasm_opt() {
  if has_version wasm-opt "version $BINARYEN_VERSION" || has_version wasm-opt "version ${BINARYEN_VERSION%%.*}"; then return; fi
  log "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null
}

setup_trunk() {
  # trunk 0.22 needs a newer rustc than this toolchain. Without its default features (TLS for
  # downloading tools and proxying to https backends, and the update check): an offline build
  # never downloads, the demo's backend is plain ws://, and the install compiles a minute less.
  # Its release profile asks for fat LTO in one codegen unit: minutes of a single core for a
  # tool that mostly waits on cargo. Overridden for the install, it builds in parallel, and
  # unoptimised: trunk is the longest install of a first demo (172 s here at opt-level 0, 326 s
  # at 1), and it builds the demo in the same 5 s either way, to the same files.
  cargo_install_at 0 trunk trunk "$TRUNK_VERSION" --locked --no-default-features
}

setup_wasm_pack() {
  cargo_install wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
}

# The three engines (Chromium, Firefox ESR, WebKitGTK with its WebDriver and a virtual display
# for it) and nginx (the rolling-restart test; in /usr/sbin, not on every user's PATH), in one
# apt transaction. The nginx package starts no daemon here.
setup_browser_packages() {
  apt_packages chromium=chromium chromedriver=chromium-driver firefox-esr=firefox-esr \
    /usr/bin/WebKitWebDriver=webkit2gtk-driver Xvfb=xvfb /usr/sbin/nginx=nginx
}

# On demand only (scripts/mutants.sh): mutation testing of the reconnecting layer's rules.
setup_cargo_mutants() {
  # It answers `--version` only as a cargo subcommand.
  if cargo mutants --version 2>/dev/null | grep -qF "$CARGO_MUTANTS_VERSION"; then return; fi
  log "installing cargo-mutants $CARGO_MUTANTS_VERSION (cargo install, a few minutes on a cold machine)"
  cargo install cargo-mutants --version "=$CARGO_MUTANTS_VERSION" --locked
}

setup_geckodriver() {
  cargo_install geckodriver geckodriver "$GECKODRIVER_VERSION"
}

setup_browsers() {
  together setup_browser_packages setup_geckodriver
}

# Everything the demo needs.
setup_demo() {
  setup_wasm_target
  setup_wasm_opt
  together setup_wasm_bindgen setup_trunk
}

# together STEP...: runs the steps side by side and fails if one failed. Compiles overlap well:
# each leaves a core idle while it links or builds one large crate alone, and another fills
# it; apt mostly waits on the network.
together() {
  local pids=() pid status=0
  for step in "$@"; do
    "$step" &
    pids+=("$!")
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
  return $status
}

# Everything the test suite needs: the demo's tools and the browsers, all side by side.
setup_tests() {
  setup_wasm_target
  setup_wasm_opt
  together setup_wasm_bindgen setup_trunk setup_geckodriver setup_browser_packages
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_tests
  log "all tools present"
fi
