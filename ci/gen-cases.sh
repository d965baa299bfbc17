#!/usr/bin/env bash
# Regenerate docs/CASES.md from the case catalogue (harness/catalogue.c).
# Usage: ci/gen-cases.sh [BUILD_DIR]   (default build/dev; builds `gatecrash` there first)
#        GATECRASH=/path/to/gatecrash ci/gen-cases.sh   (use that binary, build nothing)
# The file is written atomically (temp file in docs/, fsync, rename). unit.catalogue
# fails while the committed file differs from `gatecrash list --markdown`.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in -h|--help) sed -n '2,6p' "$0"; exit 0 ;; esac
build="${1:-build/dev}"
bin="${GATECRASH:-}"
if [ -z "$bin" ]; then
  [ -f "$build/CMakeCache.txt" ] || cmake --preset dev -B "$build" >/dev/null
  cmake --build "$build" --target gatecrash -j2 >/dev/null
  bin="$build/harness/gatecrash"
fi
out=docs/CASES.md
tmp=$(mktemp "docs/.CASES.md.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$bin" list --markdown >"$tmp"
sync "$tmp"
chmod 0644 "$tmp"
mv -f "$tmp" "$out"
trap - EXIT
echo "gen-cases: wrote $out ($(grep -c '^| `' "$out") cases)"
