#!/usr/bin/env bash
# Builds everything and runs the main job on the built-in default platform
# (mpaimc-512, Table I). Arguments replace the default ones (vp-run --help).
#
# The main job is `vp-run` without arguments: ResNet-18, a batch of 16 images,
# full mapping, every output checked against the golden model, the report
# (images/s, TOPS, latency, per-cluster breakdown) printed and written to
# $BUILD_DIR/main-job-*. MAIN_JOB=demo runs the earlier cluster pipeline demo
# on all 512 clusters instead (each DMAs a tile through the HBM, runs
# double-buffered IMA jobs while its 16 cores requantize, and checks its
# results bit for bit).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build=${BUILD_DIR:-$root/build}
main_job=${MAIN_JOB:-resnet18}
if [ $# -eq 0 ]; then
  if [ "$main_job" = resnet18 ]; then
    set -- --stats "$build/main-job-stats.json" --breakdown "$build/main-job-breakdown.csv"
  else
    set -- --elf "$build/firmware/cl_ima_pipeline.elf" --stats "$build/main-job-stats.json"
  fi
fi
exec "$build/bin/vp-run" "$@"
