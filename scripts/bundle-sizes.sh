#!/usr/bin/env bash
# Bundle sizes: the demo page's and the ticker example's wasm, one small app (open a socket, send on open, log
# messages) built three ways: bare web-sys, wasm-ws, gloo-net; and a one-button Yew app, the
# demo's floor. Same pipeline for each:
# release profile (opt-level z, LTO), wasm-bindgen, wasm-opt -Oz. Prints a Markdown table,
# also written to target/bench/bundles.md. Run by scripts/bench.sh; expects the tools of
# scripts/setup.sh and a built dist/ (scripts/demo.sh or trunk build --release) and
# examples/ticker/dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=target/bench/bundles
mkdir -p "$out"
cargo build --release -q --target wasm32-unknown-unknown -p bundle-bare -p bundle-wasm-ws -p bundle-gloo-net -p bundle-yew-button

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }

declare -A raw gzipped
for app in bare wasm-ws gloo-net yew-button; do
  crate="bundle_${app//-/_}"
  wasm-bindgen --target web --out-dir "$out/$app" "target/wasm32-unknown-unknown/release/$crate.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$out/$app/${crate}_bg.wasm" -o "$out/$app/opt.wasm"
  raw[$app]=$(size "$out/$app/opt.wasm")
  gzipped[$app]=$(gz "$out/$app/opt.wasm")
done
demo=$(ls dist/*_bg.wasm 2>/dev/null | head -1 || true)
ticker=$(ls examples/ticker/dist/*_bg.wasm 2>/dev/null | head -1 || true)

{
  echo "| wasm | raw (bytes) | gzip -9 (bytes) | gzip over bare web-sys | target |"
  echo "|---|---|---|---|---|"
  for app in bare wasm-ws gloo-net; do
    extra=$(( gzipped[$app] - gzipped[bare] ))
    target=""
    [ "$app" = wasm-ws ] && { [ "$extra" -le 15000 ] && target="≤ 15 kB over bare: met" || target="≤ 15 kB over bare: **not met**"; }
    echo "| minimal app, $app | ${raw[$app]} | ${gzipped[$app]} | $extra | $target |"
  done
  echo "| one-button Yew app (the demo's floor: Yew alone) | ${raw[yew-button]} | ${gzipped[yew-button]} | - | |"
  if [ -n "$demo" ]; then
    demo_gz=$(gz "$demo")
    [ "$demo_gz" -le 75000 ] && target="≤ 75 kB: met" || target="≤ 75 kB: **not met**"
    echo "| demo page (Yew + wasm-ws-yew) | $(size "$demo") | $demo_gz | $(( demo_gz - gzipped[yew-button] )) over Yew alone | $target |"
  fi
  if [ -n "$ticker" ]; then
    ticker_gz=$(gz "$ticker")
    echo "| ticker example (Yew + wasm-ws-yew with json + serde_json) | $(size "$ticker") | $ticker_gz | $(( ticker_gz - gzipped[yew-button] )) over Yew alone | |"
  fi
} | tee target/bench/bundles.md
