"""Running one planned run: vp-run with --stats into the run's folder, its
output in a log, and a small record of how it went (result.json). The local
pool and the Slurm array tasks both come here, so a run is the same run
wherever it executes."""
import json
import os
import socket
import subprocess
import time

from . import vprun

RESULT = "result.json"
STATS = "stats.json"
LOG = "vp-run.log"


def run_dir(out_dir, run_id):
    return os.path.join(out_dir, "runs", run_id)


def write_atomically(path, text):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def read_result(out_dir, run_id):
    try:
        with open(os.path.join(run_dir(out_dir, run_id), RESULT), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_stats(out_dir, run_id):
    try:
        with open(os.path.join(run_dir(out_dir, run_id), STATS), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def is_done(out_dir, run):
    """The run's result exists for exactly these inputs."""
    r = read_result(out_dir, run["id"])
    return r is not None and r.get("hash") == run["hash"]


def execute(out_dir, vp_run_path, run, token, timeout=None):
    d = run_dir(out_dir, run["id"])
    os.makedirs(d, exist_ok=True)
    for name in (RESULT, STATS):
        try:
            os.remove(os.path.join(d, name))
        except FileNotFoundError:
            pass
    stats = os.path.join(d, STATS)
    argv = [vp_run_path, *run["argv"], "--stats", stats]
    t0 = time.monotonic()
    timed_out = False
    with open(os.path.join(d, LOG), "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(_quote(a) for a in argv) + "\n")
        log.flush()
        try:
            proc = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, env=vprun.env(), timeout=timeout)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            code, timed_out = -1, True
        except OSError as e:
            log.write(f"vp-sweep: cannot start vp-run: {e}\n")
            code = -1
    host_s = time.monotonic() - t0
    record = {"id": run["id"], "hash": run["hash"], "run": run["run"], "exit_code": code,
              "host_s": round(host_s, 3), "host": socket.gethostname(), "token": token}
    if code == 0 and os.path.isfile(stats):
        record["status"] = "ok"
    else:
        record["status"] = "failed"
        record["error"] = (f"no result after {timeout} s (--run-timeout)" if timed_out
                           else _error_of(stats, os.path.join(d, LOG), code))
    write_atomically(os.path.join(d, RESULT), json.dumps(record, indent=1) + "\n")
    return record


def _error_of(stats, log, code):
    """One line saying why a run failed: vp-run's own message when it wrote one."""
    try:
        with open(stats, encoding="utf-8") as f:
            msg = json.load(f).get("message")
        if msg:
            return f"exit {code}: {msg.splitlines()[0].rstrip(':')}"
    except (OSError, ValueError):
        pass
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = [ln.strip() for ln in f.readlines()[1:]]
    except OSError:
        lines = []
    for ln in lines:
        if ln.startswith("vp-run:") or "error" in ln:
            return f"exit {code}: {ln}"
    return f"exit {code}" + (f": {lines[-1]}" if lines else "")


def _quote(a):
    return a if a and all(c.isalnum() or c in "-_./=:,+" for c in a) else "'" + a.replace("'", "'\\''") + "'"
