#!/usr/bin/env bash
# Benchmarks (figures only, never pass/fail; docs/PERFORMANCE.md): build the dev
# preset and run `gatecrash bench`, which prints one table (catalogue, full
# mTLS handshake cases/s, kept-alive cases/s, openssl s_time -new / -reuse
# against the same gatekeeper) and writes it as reports/bench/<UTC date>.json.
#   ci/bench.sh [--build-dir DIR] [-- extra gatecrash bench arguments]
# e.g. ci/bench.sh -- --time 10 --window 32
# Exit: gatecrash bench's (0, or 2 on a set-up error).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/dev
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "ci/bench.sh: unknown option $1 (gatecrash arguments go after --)" >&2; exit 2 ;;
  esac
done
if [ "$build" = build/dev ]; then
  cmake --preset dev >/dev/null
else
  cmake --preset dev -B "$build" >/dev/null
fi
# Two build jobs at most: the machine is shared (and benchmarks want it quiet).
cmake --build "$build" --target gatecrash gatekeeper gk-echo -j 2 >/dev/null
# gatekeeper drops root to nobody: its fixture dir must be reachable by nobody.
umask 022
mkdir -p reports/bench
out="reports/bench/$(date -u +%Y%m%dT%H%M%SZ).json"
"$build/harness/gatecrash" bench --json "$out" "$@"
echo "ci/bench.sh: wrote $out"
