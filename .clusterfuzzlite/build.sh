#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script. Honours $CC $CXX $CFLAGS $CXXFLAGS
# $LIB_FUZZING_ENGINE $OUT (and $WORK for the build tree). Builds llhttp,
# libgkcore and every fuzz target with those flags through the project's own
# CMake (targets/CMakeLists.txt: GK_LIB_FUZZING_ENGINE links fuzz_<t> with
# exactly $LIB_FUZZING_ENGINE), then ships per target:
#   $OUT/fuzz_<t>, fuzz_<t>_seed_corpus.zip, fuzz_<t>.dict, fuzz_<t>.options
# GK_SRC_DIR (default $SRC/gatecrash) lets targets/cflite_local.sh run it outside Docker.
src=${GK_SRC_DIR:-$SRC/gatecrash}
work=${WORK:-/tmp}/gatecrash-cflite-build
jobs=${GK_JOBS:-$(nproc)}
targets="http path forwarded argv policy jwt x509id"
args=(-DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=None
      -DGK_FUZZ_ENGINE=none -DGK_LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
      -DGK_PLANTED_BUGS=OFF -DGK_WERROR=OFF)
# Inside the image: the OpenSSL 3 and llhttp built by the Dockerfile.
if [ -d /opt/openssl3 ]; then
  args+=(-DOPENSSL_ROOT_DIR=/opt/openssl3 -DOPENSSL_USE_STATIC_LIBS=TRUE)
fi
if [ -f "${SRC:-/nonexistent}/llhttp/src/llhttp.c" ]; then
  args+=(-DLLHTTP_SRC_DIR="$SRC/llhttp/src" -DLLHTTP_INC_DIR="$SRC/llhttp/include")
fi
cmake -S "$src" -B "$work" "${args[@]}"
bins=""
for t in $targets; do bins="$bins fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$work" -j"$jobs" --target $bins
for t in $targets; do
  cp "$work/targets/fuzz_$t" "$OUT/fuzz_$t"
  cp "$src/targets/dict/$t.dict" "$OUT/fuzz_$t.dict"
  cp "$src/targets/$t.options" "$OUT/fuzz_$t.options"
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  # Seeds and every past crash (regression inputs are never pruned).
  find "$src/corpora/seeds/$t" "$src/corpora/regression/$t" -type f ! -name README.md \
    -print0 2>/dev/null | xargs -0 -r zip -j -q "$OUT/fuzz_${t}_seed_corpus.zip"
done
