#!/usr/bin/env bash
# The main job: install dependencies, build the dev preset, and run
# `gatecrash run` against the embedded gatekeeper (fixtures generated under the
# run directory, every catalogue case judged by every oracle). Writes
# reports/runs/<run id>/ (summary.json, junit.xml, results.sarif, index.html,
# a reproducer folder per finding) and points reports/latest at it.
#   ci/main.sh [--no-deps] [-- extra gatecrash run arguments]
# Exit: 0 clean, 1 findings, 2 harness or set-up error (gatecrash run's codes).
set -euo pipefail
cd "$(dirname "$0")/.."
deps=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-deps) deps=0; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "ci/main.sh: unknown option $1 (gatecrash arguments go after --)" >&2; exit 2 ;;
  esac
done
[ $deps -eq 1 ] && bash ci/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" >/dev/null
# gatekeeper drops root to nobody: its fixture dir must be reachable by nobody.
umask 022
exec build/dev/harness/gatecrash run "$@"
