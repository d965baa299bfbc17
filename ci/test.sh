#!/usr/bin/env bash
# The test command: installs dependencies, builds the dev preset (gcc, -Werror)
# and the asan preset (clang, ASan + UBSan), and runs every ctest suite in both.
# Usage: ci/test.sh [--no-deps] [--dev-only]
set -euo pipefail
cd "$(dirname "$0")/.."
deps=1; presets="dev asan"
for a in "$@"; do
  case "$a" in
    --no-deps) deps=0 ;;
    --dev-only) presets="dev" ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "ci/test.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
[ $deps -eq 1 ] && bash ci/deps.sh
bash ci/style.sh
jobs=$(nproc)
for p in $presets; do
  echo "== preset $p =="
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  ctest --preset "$p" -j "$jobs"
done
