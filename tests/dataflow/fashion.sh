# The trained network on the real data set (issue 17.5): vp-run --network
# fashion-resnet --dataset fashion-mnist --images N classifies the first N
# test images bit-exact; the report and --stats give top-1 of the VP, the int8
# golden model and the float model; a wrong data set is a located error.
. "$2/tests/cli/lib.sh"
DATA=/usr/share/datasets/fashion-mnist
[ -f "$DATA/t10k-images-idx3-ubyte.gz" ] || { echo "dataset-fashion-mnist missing (skip, exit 77)"; exit 77; }

expect_exit 0 "$VP" --network fashion-resnet --dataset fashion-mnist --images 6 --platform mpaimc-64 --stats s.json
expect_in "bit-exact: 6 images, 60 bytes, 0 mismatches" "$STDOUT"
expect_in "accuracy          top-1 on 6 images of $DATA: VP " "$STDOUT"
/usr/bin/python3 - s.json <<'PY' || fail "accuracy statistics"
import json, sys
a = json.load(open(sys.argv[1]))["dataflow"]["accuracy"]
assert a["images"] == 6 and a["top1"] == a["golden_top1"], a   # VP = golden: the outputs are bit-exact
assert a["top1"] >= 0.5 and a["float_top1"] >= 0.5, a          # a trained network, not chance (0.1)
assert abs(a["top1"] * 6 - round(a["top1"] * 6)) < 1e-9, a
PY

# The same from a folder of uncompressed files.
mkdir -p plain
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do gunzip -c "$DATA/$f.gz" > plain/$f; done
expect_exit 0 "$VP" --network fashion-resnet --dataset plain --images 2 --platform mpaimc-64 --quiet
expect_in "accuracy          top-1 on 2 images of plain:" "$STDOUT"

# The committed network and weights are what vp-import makes of the committed
# ONNX file with the calibration set (the first 512 training images).
VPI=$(dirname "$VP")/vp-import
/usr/bin/python3 - <<'PY' || fail "calibration set"
import gzip, numpy as np
d = gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").read()
np.save("calib.npy", np.frombuffer(d, np.uint8, 512 * 784, 16).reshape(512, 1, 28, 28).astype(np.float32) / 255.0)
PY
NETS=$SRC/mapping/networks
cp "$NETS/fashion-resnet.onnx" "$NETS/fashion-resnet.float-pred" .
expect_exit 0 "$VPI" fashion-resnet.onnx --out-network fashion-resnet.yaml --out-weights fashion-resnet.vpwt \
  --calibration calib.npy --float-predictions fashion-resnet.float-pred
cmp fashion-resnet.yaml "$NETS/fashion-resnet.yaml" || fail "mapping/networks/fashion-resnet.yaml is not vp-import's"
cmp fashion-resnet.vpwt "$NETS/fashion-resnet.vpwt" || fail "mapping/networks/fashion-resnet.vpwt is not vp-import's"

# Errors: located, exit 2, nothing run.
expect_exit 2 "$VP" --network fashion-resnet --dataset "$OUT/nowhere" --images 2 --platform mpaimc-64
expect_in "--dataset $OUT/nowhere: $OUT/nowhere: no t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte" "$STDERR"
mkdir -p broken && echo junk > broken/t10k-images-idx3-ubyte && cp plain/t10k-labels-idx1-ubyte broken/
expect_exit 2 "$VP" --network fashion-resnet --dataset broken --images 2 --platform mpaimc-64
expect_in "broken/t10k-images-idx3-ubyte: not an IDX file" "$STDERR"
mkdir -p three
/usr/bin/python3 - <<'PY' || fail "writing a 3-image data set"
import struct
img, lab = open("plain/t10k-images-idx3-ubyte", "rb").read(), open("plain/t10k-labels-idx1-ubyte", "rb").read()
open("three/t10k-images-idx3-ubyte", "wb").write(struct.pack(">4I", 0x803, 3, 28, 28) + img[16:16 + 3 * 784])
open("three/t10k-labels-idx1-ubyte", "wb").write(struct.pack(">2I", 0x801, 3) + lab[8:11])
PY
expect_exit 2 "$VP" --network fashion-resnet --dataset three --images 5 --platform mpaimc-64
expect_in "--dataset three: three: 5 images asked, the test set has 3" "$STDERR"
expect_exit 2 "$VP" --network resnet-tiny --dataset fashion-mnist --images 2 --platform mpaimc-8
expect_in "images are 1x28x28, network resnet-tiny takes 3x16x16" "$STDERR"
expect_exit 2 "$VP" --network fashion-resnet --images 2
expect_in "--images counts a data set's images: give --dataset" "$STDERR"
echo ok
