# Each class of bad input: one clear located error, exit 2, no output file.
. "$(dirname "$0")/lib.sh"
check() {  # check FILE-CONTENT EXPECTED-SUBSTRING... (runs with --stats)
  local text=$1; shift
  printf '%s\n' "$text" > bad.yaml
  rm -f out.json
  expect_exit 2 "$VP" --platform bad.yaml --stats out.json
  for want in "$@"; do expect_in "$want" "$STDERR"; done
  [ ! -e out.json ] || fail "partial output written for: $text"
  [ ! -e out.json.tmp ] || fail "temporary output left for: $text"
}
check $'name: x\ncluster:\n  cores: 16\n  l1:\n    bnks: 8' "bad.yaml:5:5" "cluster.l1.bnks" "unknown key" "did you mean 'banks'"
check $'name: x\ncluster:\n  cores: sixteen' "bad.yaml:3:10" "cluster.cores" "expected an integer"
check $'name: x\ncluster:\n  cores: 999' "bad.yaml:3:10" "cluster.cores" "out of range [1, 32]"
check $'name: x\ncluster:\n  count: 100' "noc.factors" "product of the quadrant factors is 512 but cluster.count is 100"
check $'name: x\nkind: manycor' "bad.yaml:2:7" "'manycor' is not one of" "did you mean 'manycore'"
check $'name: x\ncluster: [1, 2]' "bad.yaml:2:10" "expected a map"
check $'name: x\ncluster:\n  cores: [16' "bad.yaml" "YAML syntax"
check $'kind: bare' "name" "missing required key"
check $'name: x\nhbm:\n  size: 1.5 parsecs' "bad.yaml:3:9" "hbm.size" "expected a size"
# Overrides are located at the command line.
expect_exit 2 "$VP" --set cluster.cors=8 --stats out.json
expect_in "--set cluster.cors=8" "$STDERR"; expect_in "did you mean 'cores'" "$STDERR"
expect_exit 2 "$VP" --set noc.factors.9=1
expect_in "past the end" "$STDERR"
expect_exit 2 "$VP" --set cluster.cores
expect_in "key.path=value" "$STDERR"
expect_exit 2 "$VP" --platform no-such-platform.yaml
expect_in "cannot open platform file" "$STDERR"
expect_exit 2 "$VP" --max-time 10parsecs
expect_in "unknown unit" "$STDERR"
[ ! -e out.json ] || fail "output written on error"
echo "config-errors ok"
