#!/usr/bin/env bash
# Builds everything and runs the whole test suite through CTest. A skipped
# test (exit 77: something it needs is missing) fails the run: this command
# installs everything the suite needs, so a skip means a broken setup.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
cd "${BUILD_DIR:-$root/build}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --parallel "$(nproc)" --output-on-failure --timeout 600 2>&1 | tee "$log" || status=$?
if grep -q '^The following tests did not run:' "$log"; then
  echo "scripts/test.sh: the tests above did not run (skipped): every test must run here" >&2
  exit 1
fi
exit "$status"
