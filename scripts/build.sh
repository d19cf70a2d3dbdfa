#!/usr/bin/env bash
# Installs dependencies, configures and builds into ${BUILD_DIR:-build}.
# Extra arguments go to CMake (e.g. -DVP_SANITIZE=ON).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup-deps.sh"
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
