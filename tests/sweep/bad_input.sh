# Bad input to vp-sweep: one located error, exit 2, nothing run, submitted or written.
. "$(dirname "$0")/lib.sh"
base=$'name: bad\nbase:\n  network: resnet-tiny\n  platform: mpaimc-8\n  batch: 2\n'
check() {  # check SPEC-TEXT EXPECTED-SUBSTRING...
  local text=$1; shift
  printf '%s\n' "$text" > bad.yaml
  rm -rf bad.sweep
  expect_exit 2 "$SWEEP" bad.yaml
  for want in "$@"; do expect_in "$want" "$STDERR"; done
  [ ! -e bad.sweep ] || fail "output written for: $text"
}
# Unknown keys, by line and column, with a suggestion.
check "${base}axis:
  mapping-mode: [naive]" "bad.yaml:6:1:" "unknown key 'axis'" "did you mean 'axes'"
check "${base}  colour: red" "bad.yaml:6:3:" "base: unknown key 'colour'"
check "${base}slurm:
  partion: short" "bad.yaml:7:3:" "did you mean 'partition'"
check "${base}axes:
  noc.width_bytes.0: {from: 16, to: 64, stride: 16}" "bad.yaml:7:41:" "unknown key 'stride'"
# Axes that are neither a platform key nor a vp-run option.
check "${base}axes:
  frobnicate: [1, 2]" "bad.yaml:7:3:" "axis 'frobnicate' is neither a vp-run option" "frobnicate: unknown key"
check "${base}axes:
  mapping_mode: [naive]" "bad.yaml:7:3:" "axis 'mapping_mode' is neither"
check "${base}axes:
  noc.widht_bytes.0: [16]" "bad.yaml:7:3:" "did you mean 'width_bytes'"
check "${base}axes:
  cost.bogus: [1, 2]" "bad.yaml:7:3:" "not a figure of the cost model" "input_slots"
# Values vp-run refuses, at the value.
check "${base}axes:
  noc.width_bytes.0: [16, 99999]" "bad.yaml:7:27:" "out of range"
check "${base}axes:
  mapping-mode: [naive, sideways]" "bad.yaml:7:25:" "not a mapping mode"
check "${base}axes:
  network: [resnet-tiny, no-such-net]" "bad.yaml:7:26:" "no-such-net"
check "${base}axes:
  max-time: [1ms, 10parsecs]" "bad.yaml:7:19:" "unknown unit"
check "${base}axes:
  cluster.count: [8, 16]" "bad.yaml:7:22:" "axis 'cluster.count' value '16'" "product of the quadrant factors"
# Empty products.
check "${base}axes:
  noc.width_bytes.0: []" "bad.yaml:7:22:" "empty product"
check "${base}axes:
  noc.width_bytes.0: {from: 64, to: 16, step: 16}" "bad.yaml:7:22:" "empty product"
check "${base}axes: {mapping-mode: [naive]}
runs: []" "bad.yaml:7:7:" "empty product"
# Listed runs pick values of the axes.
check "${base}axes: {mapping-mode: [naive, full]}
runs:
  - {mapping-mode: replicate}" "bad.yaml:8:20:" "not one of the axis's values"
check "${base}backend: slurmm" "bad.yaml:6:10:" "did you mean 'slurm'"
check "${base}axes: [1" "bad.yaml:" "YAML syntax"
check $'name: x\nbase: {platform: mpaimc-8}' "needs a network"
expect_exit 2 "$SWEEP" no-such-spec.yaml
expect_in "cannot read the spec" "$STDERR"
expect_exit 2 "$SWEEP" "$SRC/README.md" --jobs 0
expect_exit 2 "$SWEEP" plot no-such-folder --x a
expect_in "cannot read" "$STDERR"

# An unreachable Slurm controller: nothing submitted or written. The
# configuration names a port nothing listens on.
if ! command -v scontrol >/dev/null; then
  echo "scontrol (slurm-client) missing: cannot run (skip, exit 77)"; exit 77
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > slurm.conf <<CONF
ClusterName=unreachable
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
AuthType=auth/munge
AuthInfo=socket=$OUT/no-munge.socket
NodeName=$(hostname -s) NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
PartitionName=p Nodes=ALL Default=YES
CONF
small_spec > s.yaml
SLURM_CONF=$OUT/slurm.conf expect_exit 2 timeout 120 "$SWEEP" s.yaml --backend slurm
expect_in "the Slurm controller is unreachable" "$STDERR"
[ ! -e small.sweep ] || fail "output written with an unreachable controller"
echo "sweep bad-input ok"
