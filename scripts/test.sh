#!/usr/bin/env bash
# Builds everything and runs the whole test suite through CTest; then the
# fault, command-line, hostile-input and fuzz tests (label `sanitize`) again
# in a second build with AddressSanitizer + UBSan, of only the targets those
# tests need (VP_SANITIZE_TESTS=0 leaves it out). A skipped test (exit 77:
# something it needs is missing) fails the run: this command installs
# everything the suite needs, so a skip means a broken setup.
# --tsan: instead, the parallel-simulation tests (label `threads`) in a
# ThreadSanitizer build (build-tsan, TSAN_BUILD_DIR): not in the default lane,
# building vp-run and the firmware under TSan takes many minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# ctest in DIR with ARGS; fails on a failed or skipped test.
run_ctest() {
  local dir=$1; shift
  local status=0
  (cd "$dir" && ctest --parallel "$(nproc)" --output-on-failure --timeout 600 "$@") 2>&1 | tee "$log" || status=$?
  if grep -q '^The following tests did not run:' "$log"; then
    echo "scripts/test.sh: the tests above did not run (skipped): every test must run here" >&2
    exit 1
  fi
  [ "$status" = 0 ] || exit "$status"
}
if [ "${1:-}" = --tsan ]; then
  tsan=${TSAN_BUILD_DIR:-$root/build-tsan}
  cmake -S "$root" -B "$tsan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DCMAKE_C_FLAGS_DEBUG="-O1 -g1" -DVP_SANITIZE=thread >/dev/null
  cmake --build "$tsan" --parallel "$(nproc)" --target vp-run test_ima test_riscv_exchange test_golden_run test_worker_pool firmware
  run_ctest "$tsan" -L threads
  exit 0
fi
"$root/scripts/build.sh"
run_ctest "${BUILD_DIR:-$root/build}"
[ "${VP_SANITIZE_TESTS:-1}" = 0 ] && exit 0
san=${SANITIZE_BUILD_DIR:-$root/build-sanitize}
# -O0 -g1: half the compile time of -O1 (the tests are small), line numbers in the reports.
cmake -S "$root" -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
  -DCMAKE_C_FLAGS_DEBUG="-O0 -g1" -DVP_SANITIZE=ON >/dev/null
cmake --build "$san" --parallel "$(nproc)" --target vp-run vp-map fuzz_loaders test_cli test_output_file firmware
run_ctest "$san" -L sanitize
