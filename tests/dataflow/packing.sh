# Packing (mapping/docs/mapping-format.md): with --cost max_pack=0 the balancer packs both
# convs of packed.yaml 3 pixels per MVM (the crossbars bind them); the run is bit-exact with
# the golden model, and the crossbars really did 3 pixels per MVM: conv_a's IMA jobs are
# batch x 9 rows x (3 + 2) groups (tiles of 9 and 5 columns) instead of batch x 9 x 14.
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
MAP=$(dirname "$VP")/vp-map
NET=$SRC/tests/dataflow/packed.yaml
expect_exit 0 "$MAP" -n "$NET" -p mpaimc-8 --cost max_pack=0 --out-yaml m.yaml -q
[ "$(grep -c '^    pack: 3$' m.yaml)" = 2 ] || fail "both convs should be packed 3 pixels per MVM: $(grep 'pack:' m.yaml)"
expect_exit 0 "$VP" -q --network "$NET" --platform mpaimc-8 --batch 3 --cost max_pack=0 --stats s.json
expect_in "outputs           bit-exact: 3 images" "$STDOUT"
python3 - <<'PY' || fail "IMA jobs of the packed convs: $(python3 -c "import json; print([c.get('ima_jobs') for c in json.load(open('s.json'))['results']['per_cluster']])")"
import json, yaml
m = yaml.safe_load(open("m.yaml"))
per = json.load(open("s.json"))["results"]["per_cluster"]
for name in ("conv_a", "conv_b"):
    ids = [c["id"] for c in m["clusters"] if c.get("layer") == name and c["role"] == "analog"]
    jobs = sum(per[i]["ima_jobs"] for i in ids)
    assert jobs == 3 * 9 * 5, (name, jobs)
PY
# Unpacked (the paper's modes): one MVM per pixel, the same outputs.
expect_exit 0 "$VP" -q --network "$NET" --platform mpaimc-8 --batch 3 --mapping-mode naive --stats u.json
expect_in "outputs           bit-exact: 3 images" "$STDOUT"
echo "packing ok"
