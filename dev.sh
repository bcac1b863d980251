#!/usr/bin/env bash
# gfs developer entry point. On a fresh Debian machine it installs what is missing, then:
#   ./dev.sh demo       build, then run `gfs demo` (embedded synthetic data, a few seconds)
#   ./dev.sh test       build (CUDA too when nvcc is present) and run the whole test suite, then `python`
#   ./dev.sh python     pip-install the Python package (gfs._core) into a venv and run its pytest suite
#   ./dev.sh sanitize   build with AddressSanitizer + UndefinedBehaviorSanitizer and run the suite
#   ./dev.sh fuzz       build the libFuzzer targets with clang and run each briefly
#   ./dev.sh deps       only install the Debian packages
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), GFS_CUDA (AUTO|ON|OFF),
# GFS_PYTHON_CUDA (AUTO|ON|OFF, default OFF: the CUDA backend is tested by the C++ suite, and compiling
# it again for the extension would add minutes to every test run).
set -euo pipefail
cd "$(dirname "$0")"

JOBS=${JOBS:-$(nproc)}
PACKAGES=(cmake g++ make libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
          libopenmpi-dev openmpi-bin)  # MPI: feature-parallel fits and their 2-rank tests
# The Python package's build and tests: Debian's interpreter and scientific stack (the venv sees them).
PYTHON_PACKAGES=(python3 python3-dev python3-venv python3-pip python3-numpy python3-sklearn python3-pandas
                 python3-pytest python3-matplotlib python3-tqdm)

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

# python_tests: builds and installs the package with pip into build-python/venv (Debian's
# /usr/bin/python3, --system-site-packages for numpy/scikit-learn/pandas/pytest/matplotlib; the build
# tools scikit-build-core and nanobind come from PyPI), reusing build-python/cmake so that a rebuild is
# incremental, then runs python/tests from outside the source tree (so `import gfs` is the installed one).
python_tests() {
  deps "${PYTHON_PACKAGES[@]}"
  local venv=build-python/venv
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv"
  # pip >= 23.1 for -C (config settings); satisfied requirements are not downloaded again.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "pip>=23.1" "scikit-build-core>=0.10.7" "nanobind>=2.4"
  CMAKE_BUILD_PARALLEL_LEVEL=$JOBS "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall \
    -C build-dir=build-python/cmake -C cmake.define.GFS_CUDA="${GFS_PYTHON_CUDA:-OFF}" -C cmake.define.GFS_WERROR=ON .
  (cd build-python && OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive} "venv/bin/python" -m pytest -q -p no:cacheprovider \
    ../python/tests)
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
    python_tests
    ;;
  python) python_tests ;;
  sanitize)
    deps
    dir=${BUILD_DIR:-build-asan}
    # MPI off: Open MPI's own allocations read as leaks; the MPI code is tested by `test`.
    configure_build "$dir" -DGFS_CUDA=OFF -DGFS_MPI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGFS_SANITIZE=address,undefined
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_tests "$dir"
    ;;
  fuzz)
    deps clang libclang-rt-14-dev
    bash tests/fuzz/smoke.sh "${@:2}"
    ;;
  *)
    echo "usage: ./dev.sh demo|test|python|sanitize|fuzz|deps" >&2
    exit 2
    ;;
esac
