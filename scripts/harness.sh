#!/usr/bin/env bash
# What the test and benchmark commands run things with (sourced, after scripts/setup.sh has
# installed the tools): the target directory, background processes that are waited for when
# ready and stopped gracefully, a virtual display and WebKit's WebDriver, the test backends,
# and `cargo test` in one browser engine. Everything started here is recorded and stopped by
# `stop_background` (run it from an EXIT trap), and `check_no_leftovers` fails if a program
# the command started, however deep, outlived it.

HARNESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Cargo's target directory, wherever CARGO_TARGET_DIR or a config file puts it.
TARGET_DIR=$(cd "$HARNESS_ROOT" && cargo metadata --format-version 1 --no-deps |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).target_directory)')

# The engines the browser suites run in.
ENGINES=(chromium firefox webkit)

# Processes started in the background, in order; stopped in reverse by stop_background.
BACKGROUND=()

# A mark in the environment of every program this command starts, however deep and even if
# orphaned: check_no_leftovers finds what outlived the command by it. This shell's own
# environment (and its forks) does not carry it: it is exported after the shell started.
export WASM_WS_TEST_RUN="$$-$(date +%s%N)"

# The programs still running that this command started.
marked_processes() {
  # The search itself must not carry the mark: the whole pipeline runs without it.
  env -u WASM_WS_TEST_RUN MARK="WASM_WS_TEST_RUN=$WASM_WS_TEST_RUN" sh -c \
    'grep -lzx "$MARK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3' || true
}

# check_no_leftovers: fails, naming them, if programs this command started are still running;
# stops them first.
check_no_leftovers() {
  local leftovers
  leftovers=$(marked_processes)
  [ -z "$leftovers" ] && return 0
  echo "processes left running by the command (now stopped):" >&2
  # shellcheck disable=SC2086
  ps -o pid=,ppid=,etime=,args= -p "$(echo $leftovers | tr ' ' ',')" | cut -c1-200 >&2 || true
  for pid in $leftovers; do stop_pid "$pid"; done
  return 1
}

# stop_pid PID: SIGTERM, up to 5 s to exit, then SIGKILL; returns once it is gone.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "pid $pid ignored SIGTERM for 5 s: SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# stop_background: stops everything started in the background, newest first.
stop_background() {
  local i
  for ((i = ${#BACKGROUND[@]} - 1; i >= 0; i--)); do stop_pid "${BACKGROUND[i]}"; done
  BACKGROUND=()
}

# start_listening NAME COMMAND...: runs COMMAND in the background and waits (30 s at most) for
# the line in which it says "listening on ..."; sets LISTENING_PID, LISTENING_LINE and
# LISTENING_OUTPUT (the file its stdout and stderr go to), and records it for stop_background.
# If it exits or is not ready in time, it is stopped, its output shown, and this fails.
start_listening() {
  local name=$1
  shift
  LISTENING_OUTPUT=$(mktemp)
  "$@" >"$LISTENING_OUTPUT" 2>&1 &
  LISTENING_PID=$!
  BACKGROUND+=("$LISTENING_PID")
  for _ in $(seq 300); do
    LISTENING_LINE=$(grep -m1 "listening on" "$LISTENING_OUTPUT" 2>/dev/null || true)
    [ -n "$LISTENING_LINE" ] && return 0
    kill -0 "$LISTENING_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$LISTENING_PID"
  cat "$LISTENING_OUTPUT" >&2
  echo "$name did not start (or exited) within 30 s" >&2
  return 1
}

# start_display: a virtual X display for WebKit (WebKitWebDriver needs one), on a display
# number Xvfb picks itself among the free ones; exports DISPLAY.
start_display() {
  local chosen
  chosen=$(mktemp)
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$chosen" >/dev/null 2>&1 &
  BACKGROUND+=("$!")
  # Xvfb writes the number, then a newline, once it accepts connections.
  for _ in $(seq 100); do
    grep -q . "$chosen" 2>/dev/null && break
    sleep 0.1
  done
  [ -s "$chosen" ] || { echo "Xvfb did not start" >&2; return 1; }
  export DISPLAY=":$(tr -d '\n' <"$chosen")"
}

# start_webkit_driver: WebKit's WebDriver on that display, behind tests/webdriver/webkit.mjs,
# which adds acceptInsecureCerts to the runner's sessions; sets WEBKIT_DRIVER_URL.
start_webkit_driver() {
  [ -n "${DISPLAY:-}" ] || start_display
  start_listening WebKitWebDriver node "$HARNESS_ROOT/tests/webdriver/webkit.mjs"
  WEBKIT_DRIVER_URL="http://${LISTENING_LINE##*listening on }"
}

# start_test_backends: what the browser tests talk to, on free loopback ports: wasm-ws-server
# (debug build, the test endpoints on, any Origin since test pages come from the runner's own
# port, compression negotiated with context takeover, the built page from dist/), the same over
# TLS with a throwaway certificate and compression without context takeover, the
# fault-injecting proxy in front of the first, and a port with nothing listening. Sets
# TEST_SERVER (host:port), TEST_SERVER_LOG (its log file), TEST_TLS_SERVER, TEST_PROXY,
# TEST_PROXY_CONTROL and TEST_CLOSED_PORT.
start_test_backends() {
  (cd "$HARNESS_ROOT" && cargo build -q -p wasm-ws-server --features tls --bin wasm-ws-server --example test-certificate)
  local server="$TARGET_DIR/debug/wasm-ws-server" dist=()
  [ -d "$HARNESS_ROOT/dist" ] && dist=(--static-dir "$HARNESS_ROOT/dist")
  start_listening wasm-ws-server "$server" --bind 127.0.0.1:0 "${dist[@]}" \
    --allow-any-origin --test-endpoints --permessage-deflate context-takeover
  TEST_SERVER=${LISTENING_LINE##*http://}
  TEST_SERVER_LOG=$LISTENING_OUTPUT
  local certificates
  certificates=$(mktemp -d)
  "$TARGET_DIR/debug/examples/test-certificate" "$certificates" >/dev/null
  start_listening wasm-ws-server-tls "$server" --bind 127.0.0.1:0 "${dist[@]}" \
    --allow-any-origin --test-endpoints --permessage-deflate no-context-takeover \
    --tls-cert "$certificates/cert.pem" --tls-key "$certificates/key.pem"
  TEST_TLS_SERVER=${LISTENING_LINE##*https://}
  start_listening fault-proxy node "$HARNESS_ROOT/tests/fault-proxy/proxy.mjs" --target "$TEST_SERVER"
  TEST_PROXY=$(sed -n 's/.*listening on \([^ ]*\) control.*/\1/p' <<<"$LISTENING_LINE")
  TEST_PROXY_CONTROL=${LISTENING_LINE##* control }
  # Bound, then let go: nothing listens there afterwards.
  TEST_CLOSED_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  log "server at $TEST_SERVER (TLS: $TEST_TLS_SERVER), proxy at $TEST_PROXY (control $TEST_PROXY_CONTROL), nothing at port $TEST_CLOSED_PORT"
}

# in_browser ENGINE COMMAND...: runs COMMAND (a `cargo test --target wasm32-unknown-unknown`)
# with wasm-bindgen-test-runner driving ENGINE. The runner takes the first driver it finds
# (a *_REMOTE variable, then GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER): exactly one is set.
in_browser() {
  local engine=$1
  shift
  local driver
  case $engine in
    chromium) driver=(CHROMEDRIVER="$(command -v chromedriver)") ;;
    firefox) driver=(GECKODRIVER="$(command -v geckodriver)") ;;
    webkit)
      [ -n "${WEBKIT_DRIVER_URL:-}" ] || { echo "start_webkit_driver first" >&2; return 1; }
      driver=(SAFARIDRIVER_REMOTE="$WEBKIT_DRIVER_URL")
      ;;
    *) echo "no engine $engine (chromium, firefox, webkit)" >&2; return 1 ;;
  esac
  env -u GECKODRIVER -u CHROMEDRIVER -u SAFARIDRIVER -u GECKODRIVER_REMOTE -u CHROMEDRIVER_REMOTE \
    -u SAFARIDRIVER_REMOTE "${driver[@]}" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner "$@"
}

# browser_test ENGINE CARGO_TEST_ARGS...: `cargo test` for the browser, in one engine, against
# the backends of start_test_backends (their addresses go in at compile time).
browser_test() {
  local engine=$1
  shift
  if [ "$engine" = webkit ] && [ -z "${WEBKIT_DRIVER_URL:-}" ]; then start_webkit_driver; fi
  (cd "$HARNESS_ROOT" && in_browser "$engine" env \
    WASM_WS_TEST_SERVER="ws://$TEST_SERVER" \
    WASM_WS_TEST_TLS_SERVER="wss://$TEST_TLS_SERVER" \
    WASM_WS_TEST_PROXY="ws://$TEST_PROXY" \
    WASM_WS_TEST_PROXY_CONTROL="http://$TEST_PROXY_CONTROL" \
    WASM_WS_TEST_CLOSED_PORT="$TEST_CLOSED_PORT" \
    WASM_BINDGEN_TEST_TIMEOUT=90 \
    cargo test --target wasm32-unknown-unknown "$@")
}
