"""The local backend: the pending runs on a pool of host cores, one vp-run each."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

from . import execute
from .progress import Progress


def default_jobs():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run(out_dir, plan, pending, jobs, token, run_timeout=None, quiet=False):
    """Runs the pending plan entries; returns their records."""
    progress = Progress(len(pending), quiet=quiet)
    lock = threading.Lock()
    running = [0]

    def one(run):
        with lock:
            running[0] += 1
            progress.show(running[0])
        try:
            return execute.execute(out_dir, plan["vp_run"], run, token, run_timeout)
        finally:
            with lock:
                running[0] -= 1

    records = []
    progress.show(0)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(one, r): r for r in pending}
        for fut in as_completed(futures):
            rec = fut.result()
            records.append(rec)
            with lock:
                progress.finished(rec, f"{futures[fut]['run']} ({rec['id']})", running[0])
    except KeyboardInterrupt:
        # The vp-runs share our terminal's process group and got the same SIGINT.
        pool.shutdown(wait=True, cancel_futures=True)
        progress.close()
        raise
    pool.shutdown(wait=True)
    progress.close()
    return records
