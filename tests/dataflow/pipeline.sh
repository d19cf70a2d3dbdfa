# The pipeline diagnosis names a deliberately slow stage: a 7x7 max-pool on the
# cores between two cheap 1x1 convolutions (slow_pool.yaml). The pool is the
# bottleneck, the conv before it is blocked (waits for credit), the one after
# it starved (waits for input); the report, --stats and the picture say so.
# On RV32IMC cores: with the CORE-V kernels (mpaimc-8's default core.isa) the
# pool is about 3x faster and no longer slow enough to block its producer.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
expect_exit 0 "$VP" -q --network "$SRC/tests/dataflow/slow_pool.yaml" --platform mpaimc-8 --mapping-mode naive \
  --set core.isa=rv32imc --batch 4 --stats s.json --pipeline-png vp.png
[ "$(head -c 8 vp.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "--pipeline-png wrote no PNG"
expect_in "pipeline          bottleneck pool" "$STDOUT"
expect_in "critical chain conv_a -> pool -> conv_b" "$STDOUT"
python3 - <<'PY' || fail "diagnosis wrong: $(python3 -c "import json; print(json.load(open('s.json'))['dataflow']['pipeline'])")"
import json
p = json.load(open("s.json"))["dataflow"]["pipeline"]
v = {s["stage"]: s for s in p["stages"]}
assert p["bottleneck"] == "pool" and p["critical_chain"] == ["conv_a", "pool", "conv_b"], p
assert v["conv_a"]["verdict"] == "blocked" and v["conv_a"]["wait_credit_share"] > 0.3, v["conv_a"]
assert v["conv_b"]["verdict"] == "starved" and v["conv_b"]["wait_input_share"] > v["conv_b"]["wait_credit_share"], v["conv_b"]
assert v["pool"]["busy_share"] > 0.8, v["pool"]
for s in p["stages"]:
    assert abs(s["busy_share"] + s["wait_input_share"] + s["wait_credit_share"] - 1) < 1e-9, s
    # The slowest replica (one cluster per stage here: the mean).
    assert s["slowest_cluster"] >= 0 and abs(s["max_measured_ns"] - s["measured_ns"]) < 1e-6 * s["measured_ns"], s
PY
expect_exit 0 "$SRC/scripts/plot_pipeline.py" s.json p.png
[ -s p.png ] || fail "no picture"
# Replicas with unequal work: one_conv.yaml spread over all 8 clusters (--cost efficiency=0):
# 8 replicas of a 20-column conv, tiles dealt round-robin, some replicas get more or wider tiles.
# The slowest replica (max_measured_ns) is busy well above the stage's mean (measured_ns), and
# the report's pipeline line gives it and its cluster.
expect_exit 0 "$VP" -q --network "$SRC/tests/dataflow/one_conv.yaml" --platform mpaimc-8 --cost efficiency=0 \
  --batch 3 --stats u.json
expect_in "pipeline          bottleneck conv (busy " "$STDOUT"
expect_in "; slowest replica cluster " "$STDOUT"
expect_in "mean of 8 replicas" "$STDOUT"
python3 - <<'PY' || fail "slowest replica wrong: $(python3 -c "import json; print(json.load(open('u.json'))['dataflow']['pipeline'])")"
import json
p = json.load(open("u.json"))["dataflow"]["pipeline"]
(s,) = p["stages"]
assert s["clusters"] == 8 and p["bottleneck"] == "conv", p
assert s["max_measured_ns"] > 1.2 * s["measured_ns"] and 0 <= s["slowest_cluster"] < 8, s
PY
echo "pipeline diagnosis ok"
