#!/usr/bin/env bash
# Checks that the public API of wasm-ws-client and wasm-ws-yew is the one recorded in their
# public-api.txt, so that a change of the public API shows up in review. With --bless, records
# the current API instead.
#
# The list comes from rustdoc's JSON output (scripts/public-api.mjs reads it). That output is
# still unstable in rustdoc: RUSTC_BOOTSTRAP=1 lets the installed stable toolchain produce it,
# offline, with nothing to install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bless=false
[ "${1:-}" = "--bless" ] && bless=true
status=0
for crate in wasm-ws-client wasm-ws-yew; do
  dir=$(cargo metadata --format-version 1 --no-deps |
    node -e 'const m=JSON.parse(require("fs").readFileSync(0,"utf8"));const p=m.packages.find(p=>p.name===process.argv[1]);console.log(require("path").dirname(p.manifest_path))' "$crate")
  RUSTC_BOOTSTRAP=1 cargo rustdoc -q -p "$crate" --all-features --target wasm32-unknown-unknown -- \
    -Z unstable-options --output-format json
  current=$(node scripts/public-api.mjs "target/wasm32-unknown-unknown/doc/${crate//-/_}.json")
  if $bless; then
    printf '%s\n' "$current" >"$dir/public-api.txt"
    echo "recorded the public API of $crate in ${dir#"$PWD"/}/public-api.txt"
  elif ! diff -u "$dir/public-api.txt" <(printf '%s\n' "$current") >&2; then
    echo "the public API of $crate changed (above: - recorded, + now). If it is meant to, run scripts/public-api.sh --bless and commit the file." >&2
    status=1
  fi
done
exit $status
