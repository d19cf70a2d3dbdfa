# vp-sweep on a real Slurm: a private single-node cluster (munged, slurmctld,
# slurmd on localhost, minislurm.sh) runs the 4-run sweep as a job array with
# a collecting job; its table must equal the local backend's. The daemons are
# stopped on every exit path; every wait is bounded.
. "$(dirname "$0")/lib.sh"
. "$HERE/minislurm.sh"
missing=$(minislurm_missing)
if [ -n "$missing" ]; then
  echo "cannot start a Slurm cluster here, missing: $missing (scripts/setup-deps.sh installs slurm-wlm and munge; root is needed) (skip, exit 77)"
  exit 77
fi
# The munge socket path must be short (a UNIX socket path has at most 107 bytes).
cluster=$(mktemp -d /tmp/vp-sweep-slurm.XXXXXX)
finish() {
  local status=$?
  [ "$status" = 0 ] || minislurm_logs
  minislurm_stop
  rm -rf "$cluster"
  exit "$status"
}
trap finish EXIT
trap 'exit 1' INT TERM
minislurm_start "$cluster" || fail "the Slurm cluster did not start"
partition=vptest

small_spec > s.yaml
expect_exit 0 "$SWEEP" s.yaml -j 2 --out local
expect_exit 0 timeout 240 "$SWEEP" s.yaml --backend slurm --out slurm --partition "$partition" --time 5 --mem 1G \
  --wait-timeout 180
expect_in "submitted array job" "$STDERR"
expect_in "4 ok" "$STDERR"
sub=slurm/slurm/001
grep -q '^#SBATCH --array=0-3$' "$sub/run.sbatch" || fail "run.sbatch: $(cat "$sub/run.sbatch")"
grep -q "^#SBATCH --partition=$partition\$" "$sub/run.sbatch" || fail "no partition in run.sbatch"
grep -q '^#SBATCH --mem=1G$' "$sub/run.sbatch" || fail "no memory limit in run.sbatch"
array=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["array"])' "$sub/jobs.json")
grep -q "^#SBATCH --dependency=afterok:$array\$" "$sub/collect.sbatch" || fail "collect.sbatch: $(cat "$sub/collect.sbatch")"
# Each task ran one run through Slurm, and the collecting job wrote the table.
[ "$(ls "$sub"/logs/run-"${array}"_*.log | wc -l)" = 4 ] || fail "task logs: $(ls "$sub/logs")"
grep -q "4 ok" "$sub"/logs/collect-*.log || fail "the collecting job did not write the table: $(cat "$sub"/logs/collect-*.log)"
diff <(csv_without_host local/results.csv) <(csv_without_host slurm/results.csv) \
  || fail "the Slurm table differs from the local one"
[ "$(grep -c ',ok,' slurm/results.csv)" = 4 ] || fail "$(cat slurm/results.csv)"

# Resuming on Slurm: nothing left to run, nothing submitted.
expect_exit 0 timeout 120 "$SWEEP" s.yaml --backend slurm --out slurm --partition "$partition" --wait-timeout 60
expect_in "0 to run" "$STDERR"
[ ! -e slurm/slurm/002 ] || fail "submitted again though every run was done"
# Submitting again while an earlier submission still holds the runs submits
# nothing (the jobs are held so that they are surely still queued), and
# without waiting the collecting job writes the table.
expect_exit 0 "$SWEEP" s.yaml --backend slurm --out held --partition "$partition" --no-wait --sbatch-option=--hold
expect_in "not waiting" "$STDERR"
expect_exit 1 "$SWEEP" s.yaml --backend slurm --out held --partition "$partition" --no-wait
expect_in "4 runs are still queued or running" "$STDERR"
expect_in "0 already done, 4 queued earlier, 0 to run" "$STDERR"
expect_in "4 missing" "$STDERR"
[ ! -e held/slurm/002 ] || fail "the held runs were submitted twice"
read -r array collect < <(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["array"], j["collect"])' held/slurm/001/jobs.json)
timeout 30 scontrol release "$array" "$collect" || fail "scontrol release"
minislurm_wait 120 "the held sweep's table" grep -q "4 ok" held/slurm/001/logs/collect-"$collect".log \
  || fail "no table from the collecting job"
diff <(csv_without_host local/results.csv) <(csv_without_host held/results.csv) || fail "the held sweep's table differs"

# A partition the controller does not know: exit 2, nothing submitted.
expect_exit 2 timeout 120 "$SWEEP" s.yaml --backend slurm --out other --partition no-such-partition
expect_in "partition 'no-such-partition' is not known" "$STDERR"
[ ! -e other ] || fail "output written for an unknown partition"
echo "sweep slurm ok"
