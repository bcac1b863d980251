#!/usr/bin/env bash
# Builds the reader fuzz targets with clang (ASan + UBSan + libFuzzer) in their own build directory
# and runs each for a short while, seeded with the files in tests/data. Exits non-zero on the first
# crash, leak, sanitizer report or timeout; the input that did it is left in $BUILD/artifacts/.
#   tests/fuzz/smoke.sh                  # 20 s per target, build dir build-fuzz/ (CI: 60 s)
#   GFS_FUZZ_SECONDS=300 GFS_FUZZ_BUILD_DIR=/tmp/fz tests/fuzz/smoke.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${GFS_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${GFS_FUZZ_SECONDS:-20}"
jobs="${GFS_FUZZ_JOBS:-2}"

cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_C_COMPILER="${CC:-clang}" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" >/dev/null
cmake --build "$build" -j "$jobs"

seed() {  # seed <target> <file>...: copy seeds into the target's corpus
  local dir="$build/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
  return 0
}
data="$root/tests/data"
seed csv "$data"/*.csv "$data"/bad/*.csv "$data"/bad/*.csv.gz "$data"/bad/*.txt
seed npy "$data"/*.npy "$data"/bad/*.npy "$data"/bad/*.npy.gz
seed idx "$data"/*-ubyte.gz "$data"/bad/*-ubyte
seed libsvm "$data"/*.libsvm "$data"/bad/*.libsvm
# Seeds for the hostile inputs of issue 13 (tests/fuzz/corpus/make_corpus.py writes them).
for t in csv npy idx libsvm; do seed "$t" "$root/tests/fuzz/corpus/$t"/*; done
mkdir -p "$build/artifacts"

for t in csv npy idx libsvm; do
  echo "== fuzz_$t for ${seconds}s"
  "$build/fuzz_$t" "$build/corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" 2>&1 | tail -n 12
  status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    echo "fuzz_$t failed (exit $status); reproducer in $build/artifacts/" >&2
    exit "$status"
  fi
done
echo "fuzz smoke: all targets ran ${seconds}s without a finding"
