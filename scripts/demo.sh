#!/usr/bin/env bash
# Builds the demo page and starts wasm-ws-server, which serves it at http://127.0.0.1:3000/
# (flags after the command go to the server: scripts/demo.sh --bind 0.0.0.0:8000).
# Installs whatever is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_demo

log "building the page (trunk build --release)"
trunk build --release
log "starting the server"
exec cargo run --release -p wasm-ws-server -- "$@"
