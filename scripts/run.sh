#!/usr/bin/env bash
# Builds everything and runs the main job: vp-run on the built-in default
# platform (mpaimc-512) and workload. Arguments go to vp-run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
exec "${BUILD_DIR:-$root/build}/bin/vp-run" "$@"
