#!/usr/bin/env bash
# Runs every in-process fuzz target for SECONDS under ENGINE (docs/FUZZING.md).
# Usage: ci/fuzz.sh [SECONDS] [ENGINE]     (defaults: 60 libfuzzer; ENGINE: libfuzzer|afl)
#   GK_FUZZ_TARGETS   space-separated subset (default: all but the canary)
#   GK_FUZZ_BUILD     build dir (default build/libfuzzer or build/afl, from the preset)
#   GK_FUZZ_MERGE_BUILD libFuzzer build used to merge AFL++ queues (default build/libfuzzer)
#   GK_FUZZ_NO_CFLITE=1 skip the local ClusterFuzzLite build check (targets/cflite_local.sh)
# Builds the engine's preset, fuzzes one target at a time (the machine is shared),
# merges new coverage into corpora/seeds/<t>, copies any crash to
# corpora/regression/<t>/ and prints the reproduce command, enforces a minimum
# feature count per target, writes reports/fuzz/summary.json and prints a table.
# Exit status: 0 clean, 1 crash or coverage below the minimum, 2 usage/build.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
engine=${2:-libfuzzer}
case "$engine" in libfuzzer|afl) ;; *) echo "fuzz.sh: ENGINE is libfuzzer or afl" >&2; exit 2 ;; esac
case "$secs" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a number" >&2; exit 2 ;; esac
targets=${GK_FUZZ_TARGETS:-"http path forwarded argv policy jwt x509id"}
build=${GK_FUZZ_BUILD:-build/$engine}
merge_build=${GK_FUZZ_MERGE_BUILD:-build/libfuzzer}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=reports/fuzz/$stamp
mkdir -p "$out"

# Minimum coverage per target after a run: about 70% of what a 60 s run
# measured (features `ft` for libFuzzer, edges_found for AFL++). A run below it
# means the target lost reach (a broken seed corpus, a new early exit).
declare -A MIN_FT=([http]=2400 [path]=335 [forwarded]=1300 [argv]=300 [policy]=345 [jwt]=270 [x509id]=140)
declare -A MIN_EDGES=([http]=950 [path]=80 [forwarded]=290 [argv]=85 [policy]=110 [jwt]=145 [x509id]=68)

echo "== fuzz.sh: $engine, ${secs}s per target, build $build, reports $out =="
tlist=""
for t in $targets; do tlist="$tlist fuzz_$t"; [ "$engine" = afl ] && tlist="$tlist fuzz_${t}_cmplog"; done
if [ "$engine" = afl ]; then
  for t in jwt x509id; do case " $targets " in *" $t "*) tlist="$tlist fz_mutator_$t" ;; esac; done
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake --preset "$engine" -B "$build" >/dev/null || exit 2
fi
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $tlist >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 2; }

# merge_capped BIN SEEDS NEW WORKDIR: libFuzzer -merge=1 of NEW into a copy of
# SEEDS; of the inputs that add coverage, the smallest are committed until
# SEEDS holds MAX_SEED_FILES files / MAX_SEED_BYTES bytes. The full merged
# corpus stays in WORKDIR/merged (uploaded with the reports).
MAX_SEED_FILES=200
MAX_SEED_BYTES=$((2 * 1024 * 1024))
merge_capped() {
  local bin=$1 seeds=$2 new=$3 wd=$4 f n bytes added=0
  mkdir -p "$wd/merged"
  cp "$seeds"/* "$wd/merged"/ 2>/dev/null || true
  "$bin" -merge=1 "$wd/merged" "$new" >"$wd/merge.log" 2>&1 || { echo "   merge failed"; return; }
  n=$(find "$seeds" -type f | wc -l)
  bytes=$(du -sb "$seeds" | cut -f1)
  while IFS= read -r f; do
    [ -e "$seeds/$(basename "$f")" ] && continue
    local sz; sz=$(stat -c %s "$f")
    [ $((n + 1)) -le $MAX_SEED_FILES ] && [ $((bytes + sz)) -le $MAX_SEED_BYTES ] || break
    cp "$f" "$seeds"/ && n=$((n + 1)) && bytes=$((bytes + sz)) && added=$((added + 1))
  done < <(find "$wd/merged" -type f -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
  echo "   merged: $(find "$wd/merged" -type f | wc -l) inputs cover it; $added added to $seeds ($n files)"
}

rc=0
declare -A R_EPS R_COV R_FT R_CORPUS R_CRASH
for t in $targets; do
  bin=$build/targets/fuzz_$t
  dict=targets/dict/$t.dict
  seeds=corpora/seeds/$t
  regr=corpora/regression/$t
  mkdir -p "$seeds" "$regr" "$out/$t"
  log=$out/$t/fuzz.log
  crashed=0
  echo "-- $t"
  if [ "$engine" = libfuzzer ]; then
    # New inputs go to a scratch corpus (first dir); seeds + regression are read.
    mkdir -p "$out/$t/corpus"
    max_len=$(sed -n 's/^max_len = //p' "targets/$t.options" 2>/dev/null)
    "$bin" -max_total_time="$secs" -dict="$dict" -artifact_prefix="$out/$t/" \
      -print_final_stats=1 ${max_len:+-max_len=$max_len} -timeout=10 -rss_limit_mb=2048 \
      "$out/$t/corpus" "$seeds" "$regr" >"$log" 2>&1
    st=$?
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    R_COV[$t]=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    R_FT[$t]=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    R_EPS[$t]=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    artifacts=$(find "$out/$t" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \))
    [ $st -ne 0 ] && crashed=1
    min=${MIN_FT[$t]:-0}; have=${R_FT[$t]:-0}
    [ $crashed -eq 0 ] && merge_capped "$bin" "$seeds" "$out/$t/corpus" "$out/$t"
  else
    in=$out/$t/in
    mkdir -p "$in"
    cp "$seeds"/* "$regr"/* "$in"/ 2>/dev/null || true
    rm -f "$in/README.md"
    [ -n "$(ls -A "$in")" ] || printf 'x' >"$in/empty"
    mut=""
    [ -f "$build/targets/libfz_mutator_$t.so" ] && mut=$PWD/$build/targets/libfz_mutator_$t.so
    # Note: AFL++ tests these variables for presence, not value.
    env AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
      AFL_NO_AFFINITY=1 ${mut:+AFL_CUSTOM_MUTATOR_LIBRARY=$mut} \
      timeout -k 10 $((secs + 60)) afl-fuzz -i "$in" -o "$out/$t/afl" -V "$secs" -x "$dict" \
      -c "$build/targets/fuzz_${t}_cmplog" -t 2000 -- "$bin" >"$log" 2>&1
    st=$?
    stats=$out/$t/afl/default/fuzzer_stats
    R_EPS[$t]=$(sed -n 's/^execs_per_sec *: *//p' "$stats" 2>/dev/null)
    R_FT[$t]=$(sed -n 's/^edges_found *: *//p' "$stats" 2>/dev/null)
    R_COV[$t]=$(sed -n 's/^bitmap_cvg *: *//p' "$stats" 2>/dev/null)
    ncrash=$(sed -n 's/^\(saved\|unique\)_crashes *: *//p' "$stats" 2>/dev/null | head -1)
    artifacts=$(find "$out/$t/afl/default/crashes" -type f -name 'id:*' 2>/dev/null)
    { [ -n "$artifacts" ] || [ "${ncrash:-0}" != 0 ]; } && crashed=1
    [ -f "$stats" ] || { echo "   afl-fuzz did not start (see $log)"; tail -5 "$log"; crashed=1; }
    min=${MIN_EDGES[$t]:-0}; have=${R_FT[$t]:-0}
    if [ $crashed -eq 0 ] && [ -x "$merge_build/targets/fuzz_$t" ]; then
      merge_capped "$merge_build/targets/fuzz_$t" "$seeds" "$out/$t/afl/default/queue" "$out/$t"
    fi
  fi
  if [ $crashed -eq 1 ]; then
    rc=1
    for a in $artifacts; do
      # "regr-" prefix: .gitignore ignores crash-* artifacts elsewhere.
      name=regr-$(basename "$a" | tr ':,' '__')
      cp "$a" "$regr/$name"
      echo "   CRASH: $regr/$name"
      echo "   reproduce: build/asan/targets/replay_$t $regr/$name"
    done
    [ -n "$artifacts" ] || echo "   engine failed without an artifact; see $log"
  fi
  if [ "${have:-0}" -lt "$min" ]; then
    echo "   coverage below minimum: $have < $min"
    rc=1
  fi
  R_CORPUS[$t]=$(find "$seeds" -type f | wc -l)
  R_CRASH[$t]=$crashed
done

# summary.json (atomic: temp + rename) and a table.
tmp=$(mktemp reports/fuzz/.summary.XXXXXX)
{
  printf '{"date":"%s","engine":"%s","seconds":%s,"targets":{' "$stamp" "$engine" "$secs"
  sep=""
  for t in $targets; do
    printf '%s"%s":{"exec_per_sec":%s,"cov":"%s","features":%s,"corpus":%s,"crashed":%s}' "$sep" "$t" \
      "${R_EPS[$t]:-0}" "${R_COV[$t]:-}" "${R_FT[$t]:-0}" "${R_CORPUS[$t]:-0}" \
      "$([ "${R_CRASH[$t]}" = 1 ] && echo true || echo false)"
    sep=","
  done
  printf '}}\n'
} >"$tmp"
sync "$tmp" 2>/dev/null || true
cp "$tmp" "$out/summary.json"
mv "$tmp" reports/fuzz/summary.json
printf '\n%-10s %12s %10s %10s %8s %s\n' target exec/s cov features corpus result
for t in $targets; do
  printf '%-10s %12s %10s %10s %8s %s\n' "$t" "${R_EPS[$t]:-?}" "${R_COV[$t]:-?}" "${R_FT[$t]:-?}" \
    "${R_CORPUS[$t]:-?}" "$([ "${R_CRASH[$t]}" = 1 ] && echo CRASH || echo ok)"
done
echo "(features: libFuzzer ft / AFL++ edges_found; cov: libFuzzer cov / AFL++ bitmap %)"

# The ClusterFuzzLite build, checked locally (also ctest fuzz.cflite_build).
if [ "${GK_FUZZ_NO_CFLITE:-0}" != 1 ] && command -v clang-14 >/dev/null; then
  echo "-- ClusterFuzzLite build.sh (local)"
  bash targets/cflite_local.sh >"$out/cflite.log" 2>&1 && echo "   ok" ||
    { echo "   FAILED (see $out/cflite.log)"; rc=1; }
fi
exit $rc
