#!/usr/bin/env bash
# Fuzzes the server's sans-IO protocol with cargo-fuzz (libFuzzer, AddressSanitizer, debug
# assertions and overflow checks on): each target runs for a fixed time, then the executions,
# the executions per second and the findings are reported. The targets and their oracles are in
# crates/server/fuzz:
#
# - receiver: the frame receiver fed each input whole, a byte at a time and cut in two at every
#   point: the same messages and the same violation every way, every message within limits.
# - inflater: the permessage-deflate inflater, whole and cut at every point, never past its
#   limit; the server's compressor read back by it.
#
#   scripts/fuzz.sh                    # 60 s per target, both targets
#   scripts/fuzz.sh 300 receiver       # 5 minutes of the receiver
#
# Not part of the test command (`cargo test -p wasm-ws-server` replays the seed corpus through
# the same oracles, tests/fuzz_seeds.rs, without a fuzzer). cargo-fuzz is installed on demand.
# A finding is saved in crates/server/fuzz/artifacts/TARGET/ and the script exits 1; replay it
# with `cd crates/server && cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-...`. Inputs
# that add coverage are kept in crates/server/fuzz/corpus/ (not committed) for the next run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(receiver inflater)
# The receiver's oracle runs the receiver once per cut point: inputs up to 1 KiB keep it at
# thousands of executions a second, and a kilobyte holds several frames of every kind.
MAX_LEN=1024

setup_cargo_fuzz() {
  # Like cargo-mutants, it answers `--version` as a cargo subcommand.
  if cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then return; fi
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install, about a minute)"
  cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
}
setup_cargo_fuzz

# libFuzzer's instrumentation and the sanitizer take `-Z` flags: a nightly compiler if rustup
# has one (none can be fetched here), or else the stable one told to accept them
# (RUSTC_BOOTSTRAP=1, which is what makes a stable rustc take nightly flags; both seen to work).
toolchain=()
if rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
  log "cargo-fuzz with $(rustup run nightly rustc --version)"
else
  export RUSTC_BOOTSTRAP=1
  log "no nightly toolchain: cargo-fuzz with the stable $(rustc --version) and RUSTC_BOOTSTRAP=1"
fi

cd "$ROOT/crates/server"
log "building the fuzz targets (the first time, several minutes: every dependency instrumented)"
for target in "${TARGETS[@]}"; do
  cargo "${toolchain[@]}" fuzz build "$target"
done

status=0
report=()
for target in "${TARGETS[@]}"; do
  corpus="fuzz/corpus/$target"
  artifacts="fuzz/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  before=$(find "$artifacts" -type f | wc -l)
  logfile="$ROOT/target/fuzz-$target.log"
  mkdir -p "$ROOT/target"
  log "fuzzing $target for $SECONDS_PER_TARGET s (log: $logfile)"
  # The corpus first (new inputs are written there), then the committed seeds.
  target_status=0
  cargo "${toolchain[@]}" fuzz run "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="$MAX_LEN" -print_final_stats=1 \
    >"$logfile" 2>&1 || target_status=$?
  executions=$(awk '/stat::number_of_executed_units/ { print $2 }' "$logfile" | tail -1)
  per_second=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$logfile" | tail -1)
  coverage=$(grep -oE 'cov: [0-9]+' "$logfile" | tail -1 || true)
  findings=$(( $(find "$artifacts" -type f | wc -l) - before ))
  if [ "$target_status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    # libFuzzer stopped without saving an input: report it rather than a clean run.
    findings=1
  fi
  [ "$findings" -gt 0 ] && status=1
  report+=("$target: ${executions:-?} executions (${per_second:-?}/s) within $SECONDS_PER_TARGET s, ${coverage:-cov: ?}, corpus $(find "$corpus" -type f | wc -l) inputs, findings: $findings")
  if [ "$findings" -gt 0 ]; then
    grep -E 'panicked at|ERROR: AddressSanitizer|SUMMARY|Test unit written' "$logfile" | head -5 | sed 's/^/    /' >&2 || true
  fi
done

printf '%s\n' "${report[@]}"
exit $status
