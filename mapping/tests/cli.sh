# vp-map as a user runs it: outputs, determinism, and every error class
# (exit 2, located message, nothing written). Args: vp-map, source dir, scratch dir.
set -u
MAP=$1; SRC=$2; OUT=$3
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
fail() { echo "FAIL: $*" >&2; exit 1; }
run() {  # run WANTED-EXIT ARGS...: keeps stdout/stderr in $STDOUT/$STDERR
  local want=$1; shift
  "$MAP" "$@" >stdout 2>stderr; local got=$?
  STDOUT=$(cat stdout); STDERR=$(cat stderr)
  [ "$got" = "$want" ] || fail "exit $got, wanted $want: vp-map $*
stdout: $STDOUT
stderr: $STDERR"
}
has() { case "$2" in *"$1"*) ;; *) fail "expected '$1' in: $2";; esac; }
TINY="--network resnet-tiny --platform mpaimc-8"
ALL="--out-yaml m.yaml --out-bin m.bin --report r.txt --report-json r.json"

# Outputs, and the same bits on a second run.
run 0 $TINY --mode naive $ALL --reference 2 --ref-out a.bin --ref-layers all --weights-out w.bin
has "clusters used: 8 of 8" "$STDOUT"
has "reference image 1: output 300 values" "$STDOUT"
for f in m.yaml m.bin r.txt r.json a.bin w.bin; do [ -s $f ] || fail "$f not written"; mv $f first-$f; done
run 0 $TINY --mode naive $ALL --reference 2 --ref-out a.bin --ref-layers all --weights-out w.bin
for f in m.yaml m.bin r.txt r.json a.bin w.bin; do cmp -s $f first-$f || fail "$f differs between two runs"; done
# Weights read back give the same reference activations.
run 0 $TINY --mode naive --weights w.bin --reference 2 --ref-out b.bin --ref-layers all -q --threads 1
cmp -s a.bin b.bin || fail "reference from the weights file (one thread) differs"
[ -z "$STDOUT" ] || fail "--quiet printed: $STDOUT"
run 0 --print-layers
has "l1b1add" "$STDOUT"; has "2369245184 MACs" "$STDOUT"
run 0 --compare-modes
has "replicate" "$STDOUT"; has "paper (Fig. 5A)" "$STDOUT"

# Errors: located, exit 2, no output file.
nothing_written() { for f in x.yaml x.bin x.txt; do [ ! -e $f ] && [ ! -e $f.tmp ] || fail "$f written on error"; done; }
X="--out-yaml x.yaml --out-bin x.bin --report x.txt"
printf 'input: {channels: 3, height: 8, width: 8}\nlayers:\n  - {name: c, op: conv, out_channels: 4, kernal: 3}\n' > bad.yaml
run 2 --network ./bad.yaml $X
has "bad.yaml:3:42: error: layers.0.kernal: unknown key (did you mean 'kernel'?)" "$STDERR"; nothing_written
run 2 --network resnet18 --platform mpaimc-64 $X
has "network resnet18 needs 235 clusters" "$STDERR"; has "the platform mpaimc-64 has 64" "$STDERR"; nothing_written
run 2 $TINY --set cluster.ima.cols=16 $X
has "needs" "$STDERR"; has "(IMA size)" "$STDERR"; nothing_written
run 2 --network resnet18 --set cluster.l1.size=128KiB $X
has "a tile of one output column needs" "$STDERR"; has "available 65536" "$STDERR"; nothing_written
run 2 $TINY --set cluster.cors=8 $X
has "did you mean 'cores'" "$STDERR"; nothing_written
run 2 $TINY --mode fastest $X
has "unknown mode 'fastest'" "$STDERR"; nothing_written
run 2 $TINY --cost reqant=3 $X
has "unknown name" "$STDERR"; nothing_written
printf 'VPWT' > w-bad.bin
run 2 $TINY --weights w-bad.bin $X
has "w-bad.bin: byte 4" "$STDERR"; nothing_written
run 2 --network no-such-net $X
has "cannot open network file" "$STDERR"; nothing_written
# Reload mode (docs/dataflow.md "Weight reloading"): the layer groups printed and
# written with --report, the reload file and its YAML (the same bits twice); the
# outputs of a single mapping refused; the located error.
run 0 $TINY --set cluster.ima.cols=16 --mode reload --report g.txt --out-bin g.bin --out-yaml g.yaml
has "mode reload, 4 layer groups" "$STDOUT"; has "fc[14:19]" "$STDOUT"; has "images/s at 1000 MHz" "$STDOUT"; cmp -s g.txt stdout || fail "reload --report differs from stdout"
[ "$(head -c 4 g.bin)" = "VPRL" ] || fail "g.bin is not a reload file"
has "{layer: fc, col_groups: [14, 19], whole: false}" "$(cat g.yaml)"
mv g.bin first-g.bin; mv g.yaml first-g.yaml
run 0 $TINY --set cluster.ima.cols=16 --mode reload --out-bin g.bin --out-yaml g.yaml -q
cmp -s g.bin first-g.bin && cmp -s g.yaml first-g.yaml || fail "the reload file differs between two runs"
run 2 $TINY --mode reload $X --report-json x.json
has "--report-json with --mode reload" "$STDERR"; nothing_written
run 2 --network resnet-tiny --platform mpaimc-512-mixed --mode reload $X
has "reload mode maps on a platform whose clusters are alike" "$STDERR"; nothing_written
run 2 --network resnet18 --platform mpaimc-8 --mode reload --report x.txt
has "resnet18.yaml:26:5: layer l3b1c2 (2304x256 weights): one column group needs 10 clusters" "$STDERR"; nothing_written
echo "cli ok"
