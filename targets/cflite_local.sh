#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh outside Docker the way ClusterFuzzLite would
# (clang-14, ASan + libFuzzer), then each shipped binary once over its seed
# corpus zip (-runs=0). ctest `fuzz.cflite_build` (labels fuzz, cflite); also
# called by ci/fuzz.sh. Takes about 10 s on 2 cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out" "$tmp/work"
export CC=clang-14 CXX=clang++-14
export CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export OUT=$tmp/out WORK=$tmp/work SRC=$(dirname "$repo") GK_SRC_DIR=$repo GK_JOBS=2
bash "$repo/.clusterfuzzlite/build.sh" >"$tmp/build.log" 2>&1 || { tail -40 "$tmp/build.log"; exit 1; }
fail=0
for bin in "$OUT"/fuzz_*; do
  case "$bin" in *.dict|*.options|*.zip) continue ;; esac
  t=$(basename "$bin")
  for f in "$OUT/$t.dict" "$OUT/$t.options" "$OUT/${t}_seed_corpus.zip"; do
    [ -s "$f" ] || { echo "cflite_local: missing $f"; fail=1; }
  done
  mkdir -p "$tmp/corpus/$t"
  (cd "$tmp/corpus/$t" && unzip -q -o "$OUT/${t}_seed_corpus.zip")
  if "$bin" -runs=0 -dict="$OUT/$t.dict" "$tmp/corpus/$t" >"$tmp/$t.log" 2>&1; then
    echo "cflite_local: $t ok ($(ls "$tmp/corpus/$t" | wc -l) seeds)"
  else
    echo "cflite_local: $t FAILED"; tail -20 "$tmp/$t.log"; fail=1
  fi
done
exit $fail
