# --stats echoes the resolved platform; the built-in and the file agree.
. "$(dirname "$0")/lib.sh"
expect_exit 0 "$VP" --platform "$SRC/platform/configs/mpaimc-512.yaml" --stats s.json --quiet
python3 - "$OUT/s.json" <<'PY' || fail "stats content"
import json, sys
s = json.load(open(sys.argv[1]))
p = s["platform"]
assert s["status"] == "ok" and s["exit_code"] == 0, s
assert p["name"] == "mpaimc-512" and p["kind"] == "manycore"
assert p["cluster"]["count"] == 512 and p["cluster"]["cores"] == 16
assert p["cluster"]["l1"]["size"] == 1 << 20
assert p["cluster"]["ima"]["rows"] == 256 and p["cluster"]["ima"]["cols"] == 256
assert p["cluster"]["ima"]["mvm_ns"] == 130 and p["cluster"]["ima"]["streamer_ports"] == 16
assert p["hbm"]["size"] == 1536 << 20
assert p["clock_hz"] == 1e9
assert p["noc"]["factors"] == [1, 8, 4, 4, 4]
assert p["noc"]["width_bytes"] == [64] * 5
assert p["noc"]["latency_cycles"] == [100, 4, 4, 4, 4]
PY
# Overrides land in the echoed platform (the platform named: --set alone runs the main job).
expect_exit 0 "$VP" --platform mpaimc-512 --set cluster.l1.banks=64 --set noc.latency_cycles.0=200 --stats o.json -q
python3 -c "
import json; p = json.load(open('o.json'))['platform']
assert p['cluster']['l1']['banks'] == 64 and p['noc']['latency_cycles'][0] == 200, p" || fail "override echo"
# --set alone is the main job on the changed platform (vp-run --set core.isa=rv32imc: the
# headline on those cores), not a platform run with no program: cut short here by --max-time.
expect_exit 1 "$VP" --set noc.latency_cycles.0=200 --max-time 2us --stats j.json -q
python3 -c "
import json; s = json.load(open('j.json'))
# A platform run with no program ends at once with status ok: a time limit means firmware ran.
assert s['status'] == 'time-limit' and 'of 512 cluster(s) not finished' in s['message'], s['status']
assert s['platform']['noc']['latency_cycles'][0] == 200" || fail "--set alone did not start the main job"
# The default platform is the built-in mpaimc-512.
expect_exit 0 "$VP" --print-platform
expect_in "name: mpaimc-512" "$STDOUT"
echo "stats-echo ok"
