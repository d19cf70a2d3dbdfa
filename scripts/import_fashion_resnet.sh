#!/usr/bin/env bash
# Reproduces mapping/networks/fashion-resnet.{onnx,float-pred,yaml,vpwt}:
# trains and quantizes the network (scripts/train_fashion_resnet.py, seeded),
# then imports the ONNX file with the training set's calibration images.
# usage: scripts/import_fashion_resnet.sh [BUILD_DIR]   (default build)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
out=$src/mapping/networks
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$src/scripts/train_fashion_resnet.py" --out-dir "$out" --calib-dir "$tmp"
"$build/bin/vp-import" "$out/fashion-resnet.onnx" --out-network "$out/fashion-resnet.yaml" \
  --out-weights "$out/fashion-resnet.vpwt" --calibration "$tmp/fashion-resnet.calib.npy" \
  --float-predictions "$out/fashion-resnet.float-pred"
