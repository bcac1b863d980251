#!/usr/bin/env bash
# gpu_check.sh — one command on a GPU machine checks the CUDA build end to end:
#   configure + build (Release, CUDA on, warnings as errors, benchmarks on), the whole ctest suite,
#   the CUDA tests under compute-sanitizer memcheck and racecheck, the GPU micro-benchmarks
#   (JSON), and the Figure 3 harness with --gpu when it is present.
# Everything goes to bench/results/gpu-<date>-<device>/: nvidia-smi.txt, one log per step,
# *.json results and summary.json (each step's exit status and duration).
# Every step runs even after an earlier one fails; the script exits non-zero if any step failed.
#
# Usage: bench/gpu_check.sh [--quick] [--build-dir DIR] [--jobs N]
#   --quick   skip racecheck and run the Figure 3 harness in its --quick mode
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ROOT}/build-gpu-check"
JOBS="$(nproc 2>/dev/null || echo 4)"
QUICK=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --build-dir) BUILD="$2"; shift ;;
    --jobs) JOBS="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check.sh: no NVIDIA GPU or driver here (nvidia-smi failed); run it on a GPU machine" >&2
  exit 3
fi
DEVICE="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n1 | tr -cs 'A-Za-z0-9' '-' | sed 's/-*$//')"
OUT="${ROOT}/bench/results/gpu-$(date +%Y%m%d-%H%M%S)-${DEVICE}"
mkdir -p "${OUT}"
nvidia-smi > "${OUT}/nvidia-smi.txt" 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv \
  > "${OUT}/gpu.csv" 2>&1
{ nvcc --version; cmake --version; git -C "${ROOT}" rev-parse HEAD 2>/dev/null || true; } > "${OUT}/toolchain.txt" 2>&1

FAILED=0
SUMMARY="${OUT}/summary.json"
echo "[" > "${SUMMARY}"
FIRST=1
# step NAME CMD...: runs CMD with output to NAME.log, records status and duration, never aborts.
step() {
  local name="$1"; shift
  local log="${OUT}/${name}.log" start end rc
  echo "== ${name}: $*" | tee "${log}"
  start=$(date +%s.%N)
  "$@" >> "${log}" 2>&1
  rc=$?
  end=$(date +%s.%N)
  if [[ ${rc} -ne 0 ]]; then
    FAILED=1
    echo "!! ${name} FAILED (exit ${rc}); last lines of ${log}:" >&2
    tail -n 20 "${log}" >&2
  else
    echo "   ok (${name})"
  fi
  [[ ${FIRST} -eq 1 ]] || echo "," >> "${SUMMARY}"
  FIRST=0
  printf '  {"step": "%s", "exit": %d, "seconds": %.1f, "log": "%s.log"}' \
    "${name}" "${rc}" "$(awk -v a="${start}" -v b="${end}" 'BEGIN{print b - a}')" "${name}" >> "${SUMMARY}"
  return 0
}

step configure cmake -S "${ROOT}" -B "${BUILD}" -DCMAKE_BUILD_TYPE=Release -DGFS_CUDA=ON -DGFS_WERROR=ON \
  -DGFS_BUILD_BENCH=ON -DGFS_BUILD_TESTS=ON
step build cmake --build "${BUILD}" -j "${JOBS}"
step ctest ctest --test-dir "${BUILD}" --output-on-failure --output-junit "${OUT}/ctest-junit.xml"

CUDA_TESTS="$(find "${BUILD}" -type f -name gfs_cuda_tests -perm -u+x | head -n1)"
if [[ -n "${CUDA_TESTS}" ]]; then
  step cuda_tests "${CUDA_TESTS}" --gtest_output="json:${OUT}/cuda_tests.json"
  if command -v compute-sanitizer >/dev/null 2>&1; then
    step memcheck compute-sanitizer --tool memcheck --leak-check full --error-exitcode 1 "${CUDA_TESTS}"
    if [[ ${QUICK} -eq 0 ]]; then
      step racecheck compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 1 "${CUDA_TESTS}"
      step synccheck compute-sanitizer --tool synccheck --error-exitcode 1 "${CUDA_TESTS}"
    fi
  else
    step compute_sanitizer_missing false
  fi
else
  step cuda_tests_missing false  # the build did not produce gfs_cuda_tests
fi

BENCH="$(find "${BUILD}" -type f -name gfs_cuda_bench -perm -u+x | head -n1)"
if [[ -n "${BENCH}" ]]; then
  step micro_bench "${BENCH}" --benchmark_out="${OUT}/cuda_micro.json" --benchmark_out_format=json \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
else
  # bench/micro/CMakeLists.txt must build bench/micro/cuda_*.cu into gfs_cuda_bench under CUDA.
  step micro_bench_missing false
fi

FIG3="${ROOT}/bench/fig3/run_fig3.py"
GFS_CLI="$(find "${BUILD}" -type f -name gfs -perm -u+x | head -n1)"
if [[ -f "${FIG3}" && -n "${GFS_CLI}" ]]; then
  FIG3_ARGS=(--gpu --gfs "${GFS_CLI}" --out "${OUT}/fig3")
  [[ ${QUICK} -eq 1 ]] && FIG3_ARGS+=(--quick)
  step fig3 /usr/bin/python3 "${FIG3}" "${FIG3_ARGS[@]}"
else
  echo "== fig3: skipped (bench/fig3/run_fig3.py or the gfs CLI is absent)" | tee "${OUT}/fig3.log"
fi

echo "" >> "${SUMMARY}"
echo "]" >> "${SUMMARY}"
echo "results in ${OUT}"
if [[ ${FAILED} -ne 0 ]]; then
  echo "gpu_check.sh: at least one step FAILED (see ${SUMMARY})" >&2
  exit 1
fi
echo "gpu_check.sh: all steps passed"
