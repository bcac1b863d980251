#!/usr/bin/env bash
# gpu_check.sh — the one command to run when a GPU is lent (budget: one device call, < 8 minutes).
# In order of what matters most, each step with its own time limit out of a total budget:
#   configure + build (CUDA on, warnings as errors incl. ptxas spills, benchmarks on), the CUDA
#   tests, the GPU micro-benchmarks (step time at batch 1/32/1024, graph node latency), Figure 3
#   on the GPU (gfs CUDA batch 1 and 256, D = 1e2..1e5), the step model's prediction beside the
#   measurement, compute-sanitizer memcheck, synccheck and racecheck on the CUDA kernel tests,
#   then the rest of the ctest suite (label cuda already ran) with what is left of the budget.
# Everything goes to bench/results/gpu/<date>/: nvidia-smi.txt, toolchain.txt, one log per step,
# *.json results, model_vs_measured.md and summary.json (each step's exit status and duration).
# Every step runs even after an earlier one fails (a step whose input is missing is skipped and
# says why); the script exits non-zero if any step failed.
#
# Usage: bench/gpu_check.sh [--dry-run] [--budget SECONDS] [--build-dir DIR] [--jobs N] [--out DIR]
#   --dry-run   print the plan (every command, its time limit) without running anything; needs no GPU
#   --budget    total seconds for all steps (default 460: an 8-minute call with 20 s to spare)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${ROOT}/build-gpu-check"
JOBS="$(nproc 2>/dev/null || echo 4)"
BUDGET=460
DRY=0
OUT=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) DRY=1 ;;
    --budget) BUDGET="$2"; shift ;;
    --build-dir) BUILD="$2"; shift ;;
    --jobs) JOBS="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

PY=/usr/bin/python3
[[ -x ${PY} ]] || PY="$(command -v python3)"
START=$(date +%s)
OUT="${OUT:-${ROOT}/bench/results/gpu/$(date -u +%Y-%m-%d_%H%M%S)}"

if [[ ${DRY} -eq 0 ]]; then
  if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
    echo "gpu_check.sh: no NVIDIA GPU or driver here (nvidia-smi failed); run it on a GPU machine (or --dry-run)" >&2
    exit 3
  fi
  mkdir -p "${OUT}"
  nvidia-smi > "${OUT}/nvidia-smi.txt" 2>&1
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv \
    > "${OUT}/gpu.csv" 2>&1
  { nvcc --version; cmake --version; git -C "${ROOT}" rev-parse HEAD 2>/dev/null || true; } > "${OUT}/toolchain.txt" 2>&1
  echo "[" > "${OUT}/summary.json"
else
  echo "gpu_check.sh --dry-run: results would go to ${OUT}; budget ${BUDGET} s; build ${BUILD}; jobs ${JOBS}"
fi

FAILED=0
FIRST=1
PLANNED=0
# step NAME LIMIT CMD...: runs CMD (at most LIMIT seconds, and never past the budget) with its
# output in NAME.log; records exit status and duration; never aborts the script.
step() {
  local name="$1" limit="$2"; shift 2
  local left=$(( BUDGET - ($(date +%s) - START) ))
  [[ ${DRY} -eq 1 ]] && left=$(( BUDGET - PLANNED ))
  (( limit > left )) && limit=${left}
  if [[ ${DRY} -eq 1 ]]; then
    PLANNED=$(( PLANNED + limit ))
    printf '  [%3s s, by %3s s] %-18s %s\n' "${limit}" "${PLANNED}" "${name}" "$*"
    return 0
  fi
  local log="${OUT}/${name}.log" start end rc
  if (( limit < 10 )); then
    echo "== ${name}: skipped, the ${BUDGET} s budget is spent" | tee "${log}"
    rc=124
  else
    echo "== ${name} (limit ${limit} s): $*" | tee "${log}"
    start=$(date +%s.%N)
    timeout --kill-after=5 "${limit}" "$@" >> "${log}" 2>&1
    rc=$?
    end=$(date +%s.%N)
  fi
  if [[ ${rc} -ne 0 ]]; then
    FAILED=1
    echo "!! ${name} FAILED (exit ${rc}$([[ ${rc} -eq 124 ]] && echo ', time limit')); last lines of ${log}:" >&2
    tail -n 15 "${log}" >&2
  else
    echo "   ok (${name})"
  fi
  [[ ${FIRST} -eq 1 ]] || echo "," >> "${OUT}/summary.json"
  FIRST=0
  printf '  {"step": "%s", "exit": %d, "seconds": %.1f, "log": "%s.log"}' "${name}" "${rc}" \
    "$(awk -v a="${start:-0}" -v b="${end:-0}" 'BEGIN{print b - a}')" "${name}" >> "${OUT}/summary.json"
  return 0
}
# need FILE NAME: true when FILE exists (in a dry run: always), else records a failed step.
need() {
  [[ ${DRY} -eq 1 || -e "$1" ]] && return 0
  step "$2" 10 false
  return 1
}

CUDA_TESTS="${BUILD}/tests/cuda/gfs_cuda_tests"
BENCH="${BUILD}/bench/micro/gfs_cuda_bench"
GFS_CLI="${BUILD}/src/cli/gfs"
# The kernel tests the sanitizers run (the whole-fit tests are covered by the plain run).
KERNEL_TESTS='StepKernels*:Philox*:LaunchConfig*:CudaBackendErrors*'

step configure 30 cmake -S "${ROOT}" -B "${BUILD}" -DCMAKE_BUILD_TYPE=Release -DGFS_CUDA=ON -DGFS_WERROR=ON \
  -DGFS_BUILD_BENCH=ON -DGFS_BUILD_TESTS=ON -DCMAKE_CUDA_ARCHITECTURES=90-real
# The GPU's targets first; the rest of the suite is built at the end, with what is left.
step build 170 cmake --build "${BUILD}" -j "${JOBS}" --target gfs_cuda_tests gfs_cuda_bench gfs_cli
# The ptxas resource report of every kernel (registers, spills: the build fails on a spill).
[[ ${DRY} -eq 1 ]] || grep -E "Compiling entry|registers|spill" "${OUT}/build.log" > "${OUT}/ptxas_resources.txt" 2>/dev/null
if need "${CUDA_TESTS}" cuda_tests_missing; then
  step cuda_tests 40 "${CUDA_TESTS}" --gtest_output="json:${OUT}/cuda_tests.json"
fi
if need "${BENCH}" micro_bench_missing; then
  step micro_bench 40 "${BENCH}" --benchmark_out="${OUT}/cuda_micro.json" --benchmark_out_format=json \
    --benchmark_min_time=0.1
fi
if need "${GFS_CLI}" fig3_missing; then
  step fig3 50 "${PY}" "${ROOT}/bench/fig3/run_fig3.py" --gpu --gfs "${GFS_CLI}" --out "${OUT}/fig3" \
    --methods gfs_cuda_b1,gfs_cuda_b256 --sizes 100,1000,10000,100000 --repeats 2 --epochs 1 --cap 15 --no-reference
fi
step model 15 "${PY}" "${ROOT}/bench/gpu_model.py" --out "${OUT}/model"
step model_vs_measured 10 "${PY}" - "${OUT}" <<'PYEOF'
# The model's step time beside the micro-benchmark's (same D, B), and the measured graph-node cost.
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
model = json.loads((out / "model" / "gpu_model.json").read_text())
pred = {(s["D"], s["B"]): s["step_us"] for s in model["steps"] if s["gpu"] == "H200-SXM"}
rows, node = [], None
micro = out / "cuda_micro.json"
if micro.exists():
    for b in json.loads(micro.read_text()).get("benchmarks", []):
        name = b.get("name", "")
        if name.startswith("BM_GraphNodeLatency/6"):
            node = b.get("us_per_node")
        if "us_per_step" in b:
            D, B = int(b["features"]), int(b.get("batch", 1))
            rows.append((D, B, b["us_per_step"], pred.get((D, B))))
lines = ["# Model (H200-SXM) vs measurement", "",
         f"graph node, measured: {node if node is None else round(node, 2)} us (model assumes {model['assumptions']['node'] * 1e6} us)",
         "", "| D | B | measured us/step | model us/step | measured / model |", "|---|---|---|---|---|"]
for D, B, m, p in sorted(rows, key=lambda r: (r[1], r[0])):
    lines.append(f"| {D} | {B} | {m:.1f} | {'' if p is None else f'{p:.1f}'} | {'' if p is None else f'{m / p:.2f}'} |")
lines += ["", "Model verdict: " + model["verdict"]]
(out / "model_vs_measured.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PYEOF
if command -v compute-sanitizer >/dev/null 2>&1 || [[ ${DRY} -eq 1 ]]; then
  if need "${CUDA_TESTS}" sanitizer_input_missing; then
    step memcheck 40 compute-sanitizer --tool memcheck --leak-check full --error-exitcode 1 \
      "${CUDA_TESTS}" --gtest_filter="${KERNEL_TESTS}"
    step synccheck 25 compute-sanitizer --tool synccheck --error-exitcode 1 "${CUDA_TESTS}" --gtest_filter="${KERNEL_TESTS}"
    step racecheck 35 compute-sanitizer --tool racecheck --racecheck-report all --error-exitcode 1 \
      "${CUDA_TESTS}" --gtest_filter="StepKernels*"
  fi
else
  step compute_sanitizer_missing 10 false
fi
# The rest of the suite (CPU tests, simt emulator, packaging; CI runs them too): what is left.
step build_rest 120 cmake --build "${BUILD}" -j "${JOBS}"
step ctest 150 ctest --test-dir "${BUILD}" --output-on-failure -j "${JOBS}" -LE cuda \
  --output-junit "${OUT}/ctest-junit.xml"

if [[ ${DRY} -eq 1 ]]; then
  echo "gpu_check.sh --dry-run: plan printed; nothing was run"
  exit 0
fi
echo "" >> "${OUT}/summary.json"
echo "]" >> "${OUT}/summary.json"
echo "results in ${OUT} ($(( $(date +%s) - START )) s)"
if [[ ${FAILED} -ne 0 ]]; then
  echo "gpu_check.sh: at least one step FAILED (see ${OUT}/summary.json)" >&2
  exit 1
fi
echo "gpu_check.sh: all steps passed"
