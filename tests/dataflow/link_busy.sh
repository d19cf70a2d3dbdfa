# scripts/link_busy.py: the busy time of a link channel in a --vcd file agrees with the
# busiest_links statistic of the same run (resnet-tiny on mpaimc-8, every link traced).
. "$2/tests/cli/lib.sh"
[ -f "$(dirname "$VP")/../firmware/dataflow.elf" ] || { echo "firmware not built: skipped"; exit 77; }
expect_exit 0 "$VP" -q --network resnet-tiny --platform mpaimc-8 --batch 2 --stats s.json --vcd w.vcd
sim=$(/usr/bin/python3 -c "import json; print(json.load(open('s.json'))['simulated_ns'])")
expect_exit 0 /usr/bin/python3 "$SRC/scripts/link_busy.py" w.vcd --from-ns 0 --to-ns "$sim" --match noc.
echo "$STDOUT" > busy.md
/usr/bin/python3 - <<'PY' || fail "link_busy disagrees with the statistics"
import json, re
s = json.load(open("s.json"))
rows = dict(re.findall(r"^\| (\S+) \| ([\d.]+) \|$", open("busy.md").read(), re.M))
checked = 0
for level in s["results"]["noc"]["levels"]:
    for b in level["busiest_links"]:
        node = "hbm_link_0" if b["link"] == "hbm" else b["link"]
        if b["link"].startswith("cluster_"):
            continue
        got = float(rows[f"soc.noc.{node}.{b['channel']}"])
        assert abs(got - 100 * b["busy_fraction"]) <= 0.05 + 0.01 * got, (b, got)
        checked += 1
assert checked >= 3, checked
PY
expect_exit 0 /usr/bin/python3 "$SRC/scripts/link_busy.py" w.vcd --stats s.json
expect_in "| link channel | busy % |" "$STDOUT"
expect_exit 1 /usr/bin/python3 "$SRC/scripts/link_busy.py" s.json
expect_in "is not a VCD file" "$STDERR"
echo "link_busy ok"
