#!/usr/bin/env bash
# Builds the demo page and starts wasm-ws-server, which serves it at http://127.0.0.1:3000/
# (flags after the command go to the server: scripts/demo.sh --bind 0.0.0.0:8000).
# Installs whatever is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_demo

# The page (release, for its size) and the server (a debug build: it serves one page, and
# compiles in half the time) side by side.
log "building the page (trunk build --release) and the server"
cargo build -q -p wasm-ws-server &
server=$!
trunk build --release
wait "$server"
log "starting the server"
exec "$(cargo metadata --format-version 1 --no-deps |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).target_directory)')/debug/wasm-ws-server" "$@"
