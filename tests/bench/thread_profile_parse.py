#!/usr/bin/env python3
"""bench/dataflow/thread_profile.py on a canned `perf report --sort pid,sym`:
each thread gets its role (the SystemC thread, the setup thread, the golden
model's, the workers) and its samples their categories; no samples is an error."""
import subprocess
import sys

script = sys.argv[1] + "/bench/dataflow/thread_profile.py"
report = """# comment lines are skipped
    30.00%          300     100:vp-run   [.] vp::rv::RiscvCore::execute<false>
    10.00%          100     100:vp-run   [.] vp::Tcdm::reserve
     5.00%           50     100:vp-run   [.] sc_core::sc_event::trigger
     1.00%           10     100:vp-run   [k] clear_page_erms
     4.00%           40     101:vp-run   [.] vp::map::requantize
     2.00%           20     101:vp-run   [.] vp::dataflow::prepare_job
    10.00%          100     102:vp-run   [.] ima_mvm_avx2_acc.constprop.0
     8.00%           80     102:vp-run   [.] vp::map::run_layer
    20.00%          200     103:vp-run   [.] ima_mvm_avx2_acc
     7.00%           70     103:vp-run   [.] vp::WorkerPool::work
     3.00%           30     103:vp-run   [.] vp::rv::RiscvCore::execute<false>
"""
out = subprocess.run([sys.executable, script], input=report, capture_output=True, text=True, check=True).stdout
want = [
    "### SystemC thread (main): thread 100, 460 samples",
    "| ISS | 300 | 65.2 % |",
    "| L1 (Tcdm) | 100 | 21.7 % |",
    "| SystemC kernel and TLM glue | 50 | 10.9 % |",
    "| host kernel (page faults, ...) | 10 | 2.2 % |",
    "### setup (mapping, weights, calibration): thread 101, 60 samples",
    "### golden model (idle priority): thread 102, 180 samples",
    "| golden model | 180 | 100.0 % |",
    "### worker 1: thread 103, 300 samples",
    "| IMA MVMs | 200 | 66.7 % |",
    "| waiting for work (spin, sleep, wake) | 70 | 23.3 % |",
]
missing = [w for w in want if w not in out]
assert not missing, f"missing {missing} in:\n{out}"
empty = subprocess.run([sys.executable, script], input="nothing here\n", capture_output=True, text=True)
assert empty.returncode != 0 and "no samples" in empty.stderr, empty
print("thread_profile.py ok")
