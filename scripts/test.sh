#!/usr/bin/env bash
# Runs every test, installing whatever is missing first (scripts/setup.sh; skip that with
# --no-setup when it just ran). The suites, in order:
#   native     wasm-ws-server's tests (a real native WebSocket client, raw frames, a fuzzer),
#              and the browser crates' native tests (the reconnecting core's scenarios and
#              property tests, server-side rendering);
#   browser    the browser tests of wasm-ws-client (WHATWG conformance, on the page and in a
#              dedicated worker; the differential probe; resilience through a fault-injecting
#              proxy; wss://; the reconnecting layer in dedicated and shared workers) and
#              wasm-ws-yew, in each engine, against a real wasm-ws-server started here;
#   e2e        the demo page, the examples, page unload and tabs sharing a connection, end to
#              end, in each engine;
#   deploy     a rolling restart of three instances behind nginx;
#   packaging  `cargo package` of the three crates, and an app outside the workspace on them.
# The engines: chromium, firefox, webkit (WebKitGTK's MiniBrowser, on a virtual display this
# script starts).
#
#   scripts/test.sh                      # everything
#   scripts/test.sh --only webkit        # every browser suite, in WebKit only
#   scripts/test.sh --only browser,firefox
#   scripts/test.sh --only native,packaging
#
# Whatever it starts it stops, and it fails if any process it started is still running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUITES_ALL=(native browser e2e deploy packaging)
only="" setup=true
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=$2; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --no-setup) setup=false; shift ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

source scripts/setup.sh
$setup && setup_tests
source scripts/harness.sh

# --only: suite names pick suites, engine names pick engines; what is not named is all.
suites=() engines=()
IFS=, read -r -a picked <<<"$only"
for name in "${picked[@]}"; do
  if [[ " ${SUITES_ALL[*]} " == *" $name "* ]]; then suites+=("$name")
  elif [[ " ${ENGINES[*]} " == *" $name "* ]]; then engines+=("$name")
  else echo "--only: no suite or engine named $name" >&2; exit 2; fi
done
[ ${#suites[@]} -eq 0 ] && suites=("${SUITES_ALL[@]}")
[ ${#engines[@]} -eq 0 ] && engines=("${ENGINES[@]}")
# Naming only engines means their browser suites.
[ -n "$only" ] && [ ${#suites[@]} -eq ${#SUITES_ALL[@]} ] && [ ${#engines[@]} -lt ${#ENGINES[@]} ] && suites=(browser e2e)
runs() { [[ " ${suites[*]} " == *" $1 "* ]]; }

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*" >&2; }
started_at=$(date +%s)
trap 'status=$?; stop_background; check_no_leftovers || status=1; exit $status' EXIT

if runs native; then
  step "wasm-ws-server tests, and the native tests of the browser crates"
  cargo test -p wasm-ws-server -p wasm-ws-client -p wasm-ws-yew -p wasm-ws-test-support --all-features
fi

if runs browser || runs e2e; then
  step "building the demo page, and the examples (ticker, tabs)"
  trunk build --release
  (cd examples/ticker && trunk build --release)
  (cd examples/tabs && trunk build --release)
  step "starting wasm-ws-server, the fault-injecting proxy in front of it, on free ports"
  start_test_backends
fi

if runs browser; then
  for engine in "${engines[@]}"; do
    step "browser tests (wasm-ws-client, wasm-ws-yew) in $engine"
    browser_test "$engine" -p wasm-ws-client -p wasm-ws-yew --all-features
  done
fi

if runs e2e; then
  step "end-to-end tests: the demo page, leaving it, the examples, tabs sharing a connection, in ${engines[*]}"
  [[ " ${engines[*]} " == *" webkit "* ]] && [ -z "${DISPLAY:-}" ] && start_display
  (cd tests/e2e && WASM_WS_ENGINES="${engines[*]}" WASM_WS_DEMO_URL="http://$TEST_SERVER/" \
    WASM_WS_SERVER_LOG="$TEST_SERVER_LOG" WASM_WS_SERVER_BIN="$TARGET_DIR/debug/wasm-ws-server" \
    node --test --test-concurrency=1)
fi

if runs deploy; then
  step "deployment: a rolling restart of three instances behind nginx"
  cargo build -q -p wasm-ws-server --bin wasm-ws-server
  [ -d dist ] || trunk build --release
  (cd tests/deploy && WASM_WS_SERVER_BIN="$TARGET_DIR/debug/wasm-ws-server" \
    WASM_WS_DEMO_DIST="$PWD/../../dist" node --experimental-websocket --test)
fi

if runs packaging; then
  step "packaging: the three crates, and an app outside the workspace built from them"
  tests/packaging/outside-app.sh
fi

step "done in $(($(date +%s) - started_at)) s: ${suites[*]} (engines: ${engines[*]})"
