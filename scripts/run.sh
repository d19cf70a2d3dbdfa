#!/usr/bin/env bash
# Builds everything and runs the main job on the built-in default platform
# (mpaimc-512, Table I). Until the ResNet-18 dataflow lands, the main job is
# the cluster pipeline demo on all 512 clusters: each DMAs a tile through the
# HBM, runs double-buffered IMA jobs while its 16 cores requantize, and checks
# its results bit for bit. Arguments replace the default ones (vp-run --help).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build=${BUILD_DIR:-$root/build}
if [ $# -eq 0 ]; then
  set -- --elf "$build/firmware/cl_ima_pipeline.elf" --stats "$build/main-job-stats.json"
fi
exec "$build/bin/vp-run" "$@"
