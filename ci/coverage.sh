#!/usr/bin/env bash
# Source-based coverage of libgkcore reached by the fuzz corpora (docs/FUZZING.md).
# Usage: ci/coverage.sh [THRESHOLD]    (default 85: minimum libgkcore line coverage, %)
#   GK_COV_BUILD  build dir (default build/coverage, preset coverage)
# Builds the replay binaries with -fprofile-instr-generate -fcoverage-mapping,
# replays corpora/seeds/<t> and corpora/regression/<t> through each, merges the
# profiles (llvm-profdata-14) and writes reports/coverage/index.html (llvm-cov-14
# show) and reports/coverage/summary.txt (llvm-cov-14 report). Prints libgkcore's
# line coverage and fails below THRESHOLD.
set -euo pipefail
cd "$(dirname "$0")/.."
threshold=${1:-85}
build=${GK_COV_BUILD:-build/coverage}
targets="http path forwarded argv policy jwt x509id"
out=reports/coverage
profdir=$build/fuzz-profiles
[ -f "$build/CMakeCache.txt" ] || cmake --preset coverage -B "$build" >/dev/null
bins=""
for t in $targets; do bins="$bins replay_$t"; done
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $bins >/dev/null
rm -rf "$profdir"
mkdir -p "$profdir" "$out"
objects=()
for t in $targets; do
  LLVM_PROFILE_FILE="$profdir/$t-%p.profraw" "$build/targets/replay_$t" \
    "corpora/seeds/$t" "corpora/regression/$t" 2>"$profdir/$t.log" ||
    { echo "coverage: replay_$t failed (see $profdir/$t.log)"; tail -5 "$profdir/$t.log"; exit 1; }
  objects+=(-object "$build/targets/replay_$t")
done
llvm-profdata-14 merge -sparse "$profdir"/*.profraw -o "$profdir/fuzz.profdata"
core_src=reference-server/core/src
rm -rf "$out.tmp"
# The first -object is positional for llvm-cov; the rest are -object flags.
first=${objects[1]}
rest=("${objects[@]:2}")
llvm-cov-14 show "$first" "${rest[@]}" -instr-profile="$profdir/fuzz.profdata" \
  -format=html -output-dir="$out.tmp" -show-line-counts-or-regions "$core_src" >/dev/null
rm -rf "$out/coverage" "$out/index.html" "$out/style.css" "$out/control.js"
mv "$out.tmp"/* "$out"/ && rm -rf "$out.tmp"
llvm-cov-14 report "$first" "${rest[@]}" -instr-profile="$profdir/fuzz.profdata" "$core_src" \
  >"$out/summary.txt.tmp"
mv "$out/summary.txt.tmp" "$out/summary.txt"
cat "$out/summary.txt"
# TOTAL row: Regions Missed Cover Functions Missed Executed Lines Missed Cover ...
line_cov=$(awk '/^TOTAL/ {print $10}' "$out/summary.txt" | tr -d '%')
echo "coverage: libgkcore line coverage ${line_cov}% (threshold ${threshold}%); HTML: $out/index.html"
awk -v c="$line_cov" -v t="$threshold" 'BEGIN { exit !(c + 0 >= t + 0) }' ||
  { echo "coverage: below threshold"; exit 1; }
