#!/usr/bin/env bash
# gfs developer entry point. On a fresh Debian machine it installs what is missing, then:
#   ./dev.sh demo       build, then run `gfs demo` (embedded synthetic data, a few seconds)
#   ./dev.sh test       build (CUDA too when nvcc is present) and run the whole test suite
#   ./dev.sh sanitize   build with AddressSanitizer + UndefinedBehaviorSanitizer and run the suite
#   ./dev.sh fuzz       build the libFuzzer targets with clang and run each briefly
#   ./dev.sh deps       only install the Debian packages
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), GFS_CUDA (AUTO|ON|OFF).
set -euo pipefail
cd "$(dirname "$0")"

JOBS=${JOBS:-$(nproc)}
PACKAGES=(cmake g++ make libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev zlib1g-dev)

deps() {
  local missing=()
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# configure_build DIR [cmake args...]
configure_build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DGFS_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
}

# Tests check results, not speed: passive OpenMP waits keep parallel test processes from
# spinning against each other on a small machine.
run_tests() {
  local dir=$1
  OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 600
}

cmd=${1:-test}
case "$cmd" in
  deps) deps ;;
  demo)
    deps
    dir=${BUILD_DIR:-build}
    configure_build "$dir" -DGFS_CUDA="${GFS_CUDA:-AUTO}" -DGFS_BUILD_TESTS=OFF
    "$dir/src/cli/gfs" demo "${@:2}"
    ;;
  test)
    deps
    dir=${BUILD_DIR:-build}
    configure_build "$dir" -DGFS_CUDA="${GFS_CUDA:-AUTO}" -DGFS_BUILD_BENCH=ON  # + a benchmark smoke test
    run_tests "$dir"
    ;;
  sanitize)
    deps
    dir=${BUILD_DIR:-build-asan}
    configure_build "$dir" -DGFS_CUDA=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGFS_SANITIZE=address,undefined
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_tests "$dir"
    ;;
  fuzz)
    deps clang libclang-rt-14-dev
    bash tests/fuzz/smoke.sh "${@:2}"
    ;;
  *)
    echo "usage: ./dev.sh demo|test|sanitize|fuzz|deps" >&2
    exit 2
    ;;
esac
