# The firmware console: hidden for a dataflow job (its report comes first and
# alone on stdout), shown with --verbose, kept in a file with --console; a
# program's (--elf) console on stdout. --version and --help by topic.
. "$(dirname "$0")/lib.sh"
FW=$(dirname "$VP")/../firmware
[ -f "$FW/dataflow.elf" ] && [ -f "$FW/ex_hello.elf" ] || { echo "firmware not built: cannot run (skip, exit 77)"; exit 77; }
JOB=("$VP" --network resnet-tiny --platform mpaimc-8 --batch 1)
expect_exit 0 "${JOB[@]}"
[ "$(echo "$STDOUT" | head -1 | cut -c1-13)" = "dataflow job:" ] || fail "the report is not first: $(echo "$STDOUT" | head -3)"
echo "$STDOUT" | grep -q '^\[c' && fail "console lines among the report: $STDOUT"
expect_in "firmware console line(s) not shown" "$STDERR"
expect_exit 0 "${JOB[@]}" --verbose
echo "$STDOUT" | grep -q '^\[c[0-9]*\.0\] dataflow: cluster' || fail "--verbose shows no console: $STDOUT"
expect_exit 0 "${JOB[@]}" --console con.txt
echo "$STDOUT" | grep -q '^\[c' && fail "--console still prints the lines"
grep -q '^\[c[0-9]*\.0\] dataflow: cluster' con.txt || fail "--console FILE lacks the lines: $(head -3 con.txt)"
expect_exit 0 "$VP" -q --platform cluster-1 --elf "$FW/ex_hello.elf"
expect_in "[c0.15] hello from core 15 of cluster 0" "$STDOUT"
expect_exit 2 "${JOB[@]}" --console ""
expect_exit 0 "$VP" --version
case "$STDOUT" in "vp-run "*"(commit "*", SystemC "*")") ;; *) fail "--version: $STDOUT";; esac
expect_exit 0 "$VP" --help
for group in "Platform and program:" "The dataflow job" "Results:" "Traces and waveforms" "Debugging" "Information:"; do
  expect_in "$group" "$STDOUT"
done
echo "console ok"
