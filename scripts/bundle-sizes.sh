#!/usr/bin/env bash
# Bundle sizes: the demo page's and the ticker example's wasm (trunk builds, as served), one
# small app (open a socket, send on open, log messages) built three ways: bare web-sys, wasm-ws,
# gloo-net; a one-button Yew app, the demo's floor; and size pieces that tell what each layer
# adds: the small app on ReconnectingWebSocket, a Yew app with use_reconnecting_websocket, and a
# Yew app with one WebSocketConsole (crates/bench/browser/examples). Same pipeline for each:
# release profile (opt-level z, LTO), wasm-bindgen, wasm-opt -Oz, gzip -9.
#
# Then what costs what: the functions and data of the demo page beyond Yew alone, and of the
# small app on wasm-ws beyond bare web-sys, grouped by what they belong to
# (crates/bench/bundles/breakdown.mjs, on the same modules built with their names kept).
#
#   scripts/bundle-sizes.sh [--compare REV]
#
# --compare REV measures the tree of git revision REV as well (extracted with git archive into
# target/bench/rev/REV, built in a target directory of its own, kept for the next run), and
# shows it as "before". Prints Markdown, also written to target/bench/bundles.md. Run by
# scripts/bench.sh; expects the tools of scripts/setup.sh (trunk, wasm-bindgen, wasm-opt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
compare=""
if [ "${1:-}" = "--compare" ]; then
  compare=${2:?--compare needs a git revision}
fi

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }

# measure SRC OUT: builds the bundles of the tree SRC (with CARGO_TARGET_DIR as set) and writes
# OUT/sizes.tsv (name, raw bytes, gzip -9 bytes) and OUT/NAME.named.wasm for the breakdown.
measure() {
  local src=$1 out=$2 target
  mkdir -p "$out"
  : >"$out/sizes.tsv"
  target=$(cd "$src" && cargo metadata --format-version 1 --no-deps |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).target_directory)')
  (cd "$src" &&
    cargo build --release -q --target wasm32-unknown-unknown -p bundle-bare -p bundle-wasm-ws \
      -p bundle-gloo-net -p bundle-yew-button &&
    cargo build --release -q --target wasm32-unknown-unknown -p bench-browser \
      --example piece_reconnecting --example piece_hook --example piece_console)
  local name wasm
  for name in bare wasm-ws gloo-net yew-button piece_reconnecting piece_hook piece_console demo; do
    case $name in
      piece_*) wasm="$target/wasm32-unknown-unknown/release/examples/$name.wasm" ;;
      demo) wasm="$target/wasm32-unknown-unknown/release/wasm-ws-demo.wasm" ;;
      *) wasm="$target/wasm32-unknown-unknown/release/bundle_${name//-/_}.wasm" ;;
    esac
    # The demo is measured as served (below); here it is built for the breakdown only.
    [ "$name" = demo ] && (cd "$src" && cargo build --release -q --target wasm32-unknown-unknown -p wasm-ws-demo)
    rm -rf "$out/$name"
    wasm-bindgen --target web --out-dir "$out/$name" "$wasm"
    local bindgen
    bindgen=$(ls "$out/$name"/*_bg.wasm)
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$bindgen" -o "$out/$name/opt.wasm"
    # The same, names kept (-g), for the breakdown.
    wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int "$bindgen" -o "$out/$name.named.wasm"
    [ "$name" = demo ] || printf '%s\t%s\t%s\n' "$name" "$(size "$out/$name/opt.wasm")" "$(gz "$out/$name/opt.wasm")" >>"$out/sizes.tsv"
  done
  # The demo page and the ticker as served: trunk's own build.
  (cd "$src" && trunk build --release >/dev/null 2>&1 && cd examples/ticker && trunk build --release >/dev/null 2>&1)
  local served
  for name in demo ticker; do
    case $name in
      demo) served=$(ls "$src"/dist/*_bg.wasm) ;;
      ticker) served=$(ls "$src"/examples/ticker/dist/*_bg.wasm) ;;
    esac
    printf '%s\t%s\t%s\n' "$name" "$(size "$served")" "$(gz "$served")" >>"$out/sizes.tsv"
  done
}

out=target/bench/bundles
measure "$root" "$out"
before=""
if [ -n "$compare" ]; then
  rev=$(git rev-parse --short "$compare")
  before=target/bench/rev/$rev
  if [ ! -s "$before/out/sizes.tsv" ]; then
    rm -rf "$before"
    mkdir -p "$before/src"
    git archive "$rev" | tar -x -C "$before/src"
    # The size pieces, if that tree predates them: the same three apps.
    pieces="$before/src/crates/bench/browser"
    if ! grep -q piece_console "$pieces/Cargo.toml"; then
      mkdir -p "$pieces/examples"
      cp crates/bench/browser/examples/piece_*.rs "$pieces/examples/"
      { echo; sed -n '/^# Size pieces/,$p' crates/bench/browser/Cargo.toml; } >>"$pieces/Cargo.toml"
    fi
    CARGO_TARGET_DIR="$PWD/$before/target" measure "$before/src" "$before/out"
  fi
  before=$before/out
fi

# get DIR NAME COLUMN: a figure of sizes.tsv (2: raw, 3: gzip).
get() { awk -F'\t' -v n="$2" -v c="$3" '$1 == n { print $c }' "$1/sizes.tsv"; }
over() { echo $(($(get "$1" "$2" 3) - $(get "$1" "$3" 3))); }

{
  if [ -n "$before" ]; then
    echo "| wasm | raw (bytes) | gzip -9 (bytes) | gzip over its floor | before ($rev): gzip -9 | before: over its floor | target |"
    echo "|---|---|---|---|---|---|---|"
  else
    echo "| wasm | raw (bytes) | gzip -9 (bytes) | gzip over its floor | target |"
    echo "|---|---|---|---|---|"
  fi
  row() { # row LABEL NAME FLOOR FLOOR_LABEL TARGET
    local label=$1 name=$2 floor=$3 floor_label=$4 target=$5 extra="-" was=""
    [ -n "$floor" ] && extra="$(over "$out" "$name" "$floor") over $floor_label"
    if [ -n "$before" ]; then
      local was_extra="-"
      [ -n "$floor" ] && was_extra="$(over "$before" "$name" "$floor")"
      was=" $(get "$before" "$name" 3) | $was_extra |"
    fi
    echo "| $label | $(get "$out" "$name" 2) | $(get "$out" "$name" 3) | $extra |$was $target |"
  }
  client=$(over "$out" wasm-ws bare) gloo=$(over "$out" gloo-net bare)
  [ "$client" -le "$gloo" ] && verdict="met" || verdict="**not met**"
  row "minimal app, bare web-sys" bare "" "" ""
  row "minimal app, wasm-ws" wasm-ws bare bare "≤ gloo-net's: $verdict"
  row "minimal app, gloo-net" gloo-net bare bare ""
  row "minimal app on ReconnectingWebSocket (size piece)" piece_reconnecting bare bare ""
  row "one-button Yew app (Yew alone: the floor below)" yew-button "" "" ""
  row "Yew + use_reconnecting_websocket (size piece)" piece_hook yew-button "Yew alone" ""
  row "Yew + one WebSocketConsole (size piece)" piece_console yew-button "Yew alone" ""
  demo=$(over "$out" demo yew-button)
  [ "$demo" -le 20000 ] && verdict="met" || verdict="**not met**"
  row "demo page, as served (trunk)" demo yew-button "Yew alone" "≤ 20 kB over Yew alone: $verdict"
  row "ticker example, as served (with json: serde_json)" ticker yew-button "Yew alone" ""
  echo
  # What each layer adds, gzipped: differences of the rows above.
  if [ -n "$before" ]; then
    echo "| what each layer adds (gzip -9 bytes) | now | before ($rev) |"
    echo "|---|---|---|"
  else
    echo "| what each layer adds (gzip -9 bytes) | now |"
    echo "|---|---|"
  fi
  piece() { # piece LABEL NAME FLOOR
    local was=""
    [ -n "$before" ] && was=" $(over "$before" "$2" "$3") |"
    echo "| $1 | $(over "$out" "$2" "$3") |$was"
  }
  piece "the client (WebSocket), in an app without Yew" wasm-ws bare
  piece "the reconnecting layer, in an app without Yew" piece_reconnecting wasm-ws
  piece "client, reconnecting layer and hook, in a Yew app" piece_hook yew-button
  piece "the console, beyond the hook" piece_console piece_hook
  piece "the demo page's own markup, beyond one console" demo piece_console
  breakdown() { # breakdown BASE APP: what APP holds beyond BASE, now and (with --compare) before
    local modules=("$out/$1.named.wasm" "$out/$2.named.wasm")
    [ -n "$before" ] && modules+=("$before/$1.named.wasm" "$before/$2.named.wasm")
    node crates/bench/bundles/breakdown.mjs "${modules[@]}"
  }
  echo
  echo "What costs what, in bytes of the optimised module (raw, before gzip): the functions and data"
  echo "of the demo page beyond Yew alone, grouped by what they belong to."
  echo
  breakdown yew-button demo
  echo
  echo "The same for the Yew app with use_reconnecting_websocket, beyond Yew alone: it does not"
  echo "share across tabs, and carries none of the code that shares."
  echo
  breakdown yew-button piece_hook
  echo
  echo "The same for the minimal app on wasm-ws, beyond bare web-sys."
  echo
  breakdown bare wasm-ws
} | tee target/bench/bundles.md
