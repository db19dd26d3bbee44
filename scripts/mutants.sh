#!/usr/bin/env bash
# Mutation testing of the reconnecting layer's rules: cargo-mutants changes the core, the queue,
# the driver and the sharing across tabs one small way at a time (a `<` for a `<=`, a branch
# deleted, a function that returns a default), and runs the native tests (the scenarios and the property tests, through
# the real driver over the in-memory network) against each change. A mutant the tests catch is
# a rule they check; one they miss is a rule nothing checks. The report is written to
# docs/mutants.md; cargo-mutants' own output stays in target/mutants.
#
#   scripts/mutants.sh                 # every file (about an hour on 2 cores)
#   scripts/mutants.sh --in-diff FILE  # only the mutants in the lines a diff changed
#
# Not part of the test command: a full run takes far longer than its 5-minute budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
setup_cargo_mutants

out=target/mutants
mkdir -p "$out"
started=$(date +%s)
# The property tests play fewer cases per mutant than the test command's 2000: enough to
# catch what they catch at all, in a quarter of the time. The native tests only (the lib's, the
# testing kit's and the tabs', with the feature that routes a connection to a fake server): the
# crate's other test targets are browser tests, which do not build natively.
status=0
PROPTEST_CASES="${PROPTEST_CASES:-500}" cargo mutants --package wasm-ws-client --features testing \
  --file crates/client/src/reconnecting/core/mod.rs \
  --file crates/client/src/reconnecting/queue.rs \
  --file crates/client/src/reconnecting/driver.rs \
  --file crates/client/src/reconnecting/tabs/mod.rs \
  --file crates/client/src/reconnecting/tabs/group.rs \
  --file crates/client/src/reconnecting/tabs/relay.rs \
  --file crates/client/src/reconnecting/tabs/transport.rs \
  --output "$out" --timeout 60 --jobs 2 --no-shuffle "$@" -- --lib --test testing_kit --test tabs || status=$?
# cargo-mutants exits 2 when mutants were missed, 3 when some timed out: the report says which.
[ "$status" -le 3 ] || exit "$status"

results="$out/mutants.out"
count() { [ -f "$results/$1.txt" ] && grep -c . "$results/$1.txt" || echo 0; }
caught=$(count caught) missed=$(count missed) unviable=$(count unviable) timeout=$(count timeout)
viable=$((caught + missed + timeout))
took=$(($(date +%s) - started))
{
  echo "# Mutation testing of the reconnecting layer"
  echo
  echo "\`scripts/mutants.sh\` (cargo-mutants $CARGO_MUTANTS_VERSION) over"
  echo "\`crates/client/src/reconnecting/\`: \`core/mod.rs\`, \`queue.rs\`, \`driver.rs\` and \`tabs/\` (\`mod.rs\`, \`group.rs\`,"
  echo "\`relay.rs\`, \`transport.rs\`: the browser's bus is not built natively), against the native"
  echo "tests (scenarios and property tests through the real driver, the testing kit's and the tabs'"
  echo "tests on the in-memory network, ${PROPTEST_CASES:-500} random cases"
  echo "per mutant). Run on $(date -u +%Y-%m-%d) in ${took} s on $(nproc) cores."
  echo
  echo "| caught | missed | timed out | unviable | caught of viable |"
  echo "|---|---|---|---|---|"
  echo "| $caught | $missed | $timeout | $unviable | $(awk -v c="$caught" -v v="$viable" 'BEGIN { printf "%.1f %%", v ? 100 * c / v : 0 }') |"
  echo
  echo "A mutant is *viable* when it builds; *timed out* counts as caught by cargo-mutants (a"
  echo "mutant that loops forever), and is listed apart here."
  echo
  echo "## Missed, and why"
  echo
  if [ "$missed" -eq 0 ]; then
    echo "None."
  else
    sed 's/^/- `/; s/$/`/' "$results/missed.txt"
  fi
  if [ -f docs/mutants-missed.md ]; then
    echo
    cat docs/mutants-missed.md
  fi
} >docs/mutants.md
echo "caught $caught, missed $missed, timed out $timeout, unviable $unviable ($took s): docs/mutants.md" >&2
