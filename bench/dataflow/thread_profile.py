#!/usr/bin/env python3
"""Where each host thread of a vp-run spends its time, by model: reads
`perf report --sort pid,sym -n --no-children -g none --stdio` (stdin) and
prints a markdown table per thread (samples and share per category).
Used by bench/dataflow/thread_profile.sh; the categories are regular
expressions on symbol names, first match wins."""
import collections
import re
import sys

CATEGORIES = [
    ("IMA MVMs", r"ima_mvm|Ima::Mvm::body|Mvm::copy_input|InputCopy"),
    ("golden model", r"vp::map::|GoldenModel|GoldenRun|Reference::"),
    ("ISS", r"rv::RiscvCore|rv::DecodeCache|rv::\(anonymous namespace\)::run_local|SharedCode"),
    ("IMA model", r"vp::Ima::|L1Streamer|DeferredData"),
    ("L1 (Tcdm)", r"vp::Tcdm|BankTimeline|BankCalendar"),
    ("network", r"AxiNode|NocPort|ClusterBus|Hbm|Noc|Quadrant"),
    ("DMA", r"vp::Dma"),
    ("event unit", r"EventUnit"),
    ("exchange bookkeeping", r"QuantumExchange|CoreGroup"),
    ("waiting for work (spin, sleep, wake)", r"WorkerPool::|wait_step|sched_yield|futex|__schedule|pthread_mutex|"
     r"pthread_cond|_raw_spin|finish_task_switch|lll_lock|do_syscall|entry_SYSCALL"),
    ("SystemC kernel and TLM glue", r"sc_core::|tlm::|tlm_utils|sc_cor|qt_|_qt_|sc_dt::"),
    ("malloc, shared_ptr, memmove", r"malloc|free|_int_|memmove|memcpy|memset|_Sp_counted|operator new|"
     r"operator delete|unlink_chunk"),
    ("mapping and setup", r"prepare_job|workload::|dataflow::|YAML|Config::"),
    ("host kernel (page faults, ...)", r"^\[k\]"),
]
LINE = re.compile(r"^\s*([0-9.]+)%\s+(\d+)\s+(\d+):(\S+)\s+(\[[.k]\])\s+(.*)$")


def main():
    threads = collections.defaultdict(collections.Counter)
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        samples, tid, kind, sym = int(m.group(2)), int(m.group(3)), m.group(5), m.group(6).strip()
        key = "[k] " + sym if kind == "[k]" else sym
        for name, rx in CATEGORIES:
            if re.search(rx, key):
                threads[tid][name] += samples
                break
        else:
            threads[tid]["other"] += samples
    if not threads:
        sys.exit("thread_profile.py: no samples in the input (perf report --sort pid,sym -n ...)")
    # Roles: the main thread runs SystemC; of the others, the one with the most
    # reference-model samples is the golden model's, others with reference or
    # setup samples but no pool waiting are the setup thread (its calibration
    # image runs the reference too), the rest are the pool's workers.
    main_tid = min(threads)
    others = [t for t in threads if t != main_tid]
    golden = max(others, key=lambda t: threads[t]["golden model"], default=None)
    if golden is not None and threads[golden]["golden model"] == 0:
        golden = None
    roles, workers = {main_tid: "SystemC thread (main)"}, 0
    for tid in sorted(others):
        c = threads[tid]
        if tid == golden:
            roles[tid] = "golden model (idle priority)"
            c["golden model"] += c.pop("IMA MVMs", 0)  # the reference's own MVMs
        elif c["golden model"] + c["mapping and setup"] > 0 and c["waiting for work (spin, sleep, wake)"] == 0:
            roles[tid] = "setup (mapping, weights, calibration)"
        else:
            workers += 1
            roles[tid] = f"worker {workers}"
    for tid in sorted(threads, key=lambda t: -sum(threads[t].values())):
        c = threads[tid]
        total = sum(c.values())
        print(f"\n### {roles[tid]}: thread {tid}, {total} samples\n")
        print("| category | samples | share |\n|---|---|---|")
        for name, n in c.most_common():
            if n:
                print(f"| {name} | {n} | {100.0 * n / total:.1f} % |")

if __name__ == "__main__":
    main()
