"""The Slurm backend: one array job with a task per pending run, and a
collecting job that starts when the array has ended well
(--dependency=afterok) and writes the CSV. The batch scripts are kept under
OUT/slurm/NNN/ as submitted. The output folder must be visible from the
compute nodes (a shared filesystem, as on any cluster)."""
import getpass
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

from . import execute
from .errors import SweepError
from .progress import Progress

TOOLS = ("sbatch", "squeue", "scontrol", "scancel", "sinfo")
CMD_TIMEOUT_S = 60


def _cmd(argv, timeout=CMD_TIMEOUT_S):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"{argv[0]} did not answer in {timeout} s"
    except OSError as e:
        return None, "", f"cannot run {argv[0]}: {e}"


def settings(spec, args):
    """Partition, time, memory, ... : an option beats the spec; (value, where) pairs."""
    out = {}
    for key in ("partition", "time", "mem", "cpus-per-task", "account", "max-parallel"):
        opt = getattr(args, key.replace("-", "_"), None)
        if opt is not None:
            out[key] = (str(opt), f"--{key}")
        elif key in spec.slurm:
            out[key] = (spec.slurm[key].text, spec.slurm[key].where)
    extra = [(v.text, v.where) for v in spec.slurm.get("extra", [])]
    extra += [(x, "--sbatch-option") for x in (args.sbatch_option or [])]
    out["extra"] = extra
    return out


def preflight(conf):
    """Fails (exit 2, nothing submitted or written) unless a controller answers
    and the partition asked for exists."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        raise SweepError(f"the slurm backend needs {', '.join(missing)} on PATH (Debian: slurm-client)")
    code, out, err = _cmd(["scontrol", "ping"])
    if code != 0 or " is UP" not in out:
        lines = [ln.strip() for ln in (out + err).splitlines() if ln.strip().strip("*").strip()]
        text = "; ".join(ln for ln in lines if not ln.startswith("**")) or f"exit {code}"
        raise SweepError(f"the Slurm controller is unreachable (scontrol ping: {text})")
    if "partition" in conf:
        part, where = conf["partition"]
        code, out, err = _cmd(["sinfo", "-h", "-p", part, "-o", "%P"])
        if code != 0:
            raise SweepError(f"sinfo failed: {(out + err).strip()}")
        if not out.strip():
            raise SweepError(f"partition '{part}' is not known to the Slurm controller", where)
    for text, where in conf["extra"]:
        if not text.startswith("--"):
            raise SweepError(f"'{text}' is not an sbatch option (--name=value)", where)


def _directives(conf, job_name, output):
    lines = [f"#SBATCH --job-name={job_name}", f"#SBATCH --output={output}",
             f"#SBATCH --cpus-per-task={conf.get('cpus-per-task', ('1', ''))[0]}"]
    for key in ("partition", "time", "mem", "account"):
        if key in conf:
            lines.append(f"#SBATCH --{key}={conf[key][0]}")
    lines += [f"#SBATCH {text}" for text, _ in conf["extra"]]
    return lines


def _tool_argv():
    return [sys.executable, os.path.realpath(sys.argv[0])]


def submit(out_dir, plan, pending, conf, token):
    """Writes and submits the array and the collecting job; returns (folder, array id, collect id)."""
    if any(c.isspace() for c in out_dir):
        raise SweepError(f"the slurm backend needs an output folder without spaces (#SBATCH lines): {out_dir}")
    base = os.path.join(out_dir, "slurm")
    os.makedirs(base, exist_ok=True)
    n = 1 + max([int(x) for x in os.listdir(base) if x.isdigit()] or [0])
    sub = os.path.join(base, f"{n:03d}")
    os.makedirs(os.path.join(sub, "logs"))
    tasks = os.path.join(sub, "tasks.txt")
    execute.write_atomically(tasks, "".join(r["id"] + "\n" for r in pending))
    name = plan["name"].replace(" ", "_")
    array = f"0-{len(pending) - 1}"
    if "max-parallel" in conf:
        array += f"%{conf['max-parallel'][0]}"
    q = shlex.quote
    tool = " ".join(q(a) for a in _tool_argv())
    run_script = "\n".join(
        ["#!/bin/bash",
         f"# vp-sweep {name}: one array task per run, {len(pending)} runs (tasks.txt: task index -> run id).",
         f"#SBATCH --array={array}"]
        + _directives(conf, f"vp-sweep-{name}", os.path.join(sub, "logs", "run-%A_%a.log"))
        + ["set -eu",
           f"exec {tool} exec {q(out_dir)} --tasks {q(tasks)} --task \"$SLURM_ARRAY_TASK_ID\" --token {q(token)}",
           ""])
    run_path = os.path.join(sub, "run.sbatch")
    execute.write_atomically(run_path, run_script)
    array_id = _sbatch(run_path)
    collect_script = "\n".join(
        ["#!/bin/bash",
         f"# vp-sweep {name}: writes results.csv once every task of array job {array_id} has ended well.",
         f"#SBATCH --dependency=afterok:{array_id}"]
        + _directives(conf, f"vp-sweep-{name}-collect", os.path.join(sub, "logs", "collect-%j.log"))
        + ["set -eu", f"exec {tool} collect {q(out_dir)}", ""])
    collect_path = os.path.join(sub, "collect.sbatch")
    execute.write_atomically(collect_path, collect_script)
    try:
        collect_id = _sbatch(collect_path)
    except SweepError:
        _cmd(["scancel", array_id])
        raise
    execute.write_atomically(os.path.join(sub, "jobs.json"),
                             json.dumps({"array": array_id, "collect": collect_id, "token": token}) + "\n")
    return sub, array_id, collect_id


def in_flight(out_dir):
    """Run ids of earlier submissions whose array job is still queued or running."""
    base = os.path.join(out_dir, "slurm")
    if not os.path.isdir(base):
        return {}
    jobs = _queue()
    if jobs is None:
        return {}
    active = {j[1] for j in jobs} | {j[0] for j in jobs}
    out = {}
    for sub in sorted(os.listdir(base)):
        try:
            with open(os.path.join(base, sub, "jobs.json"), encoding="utf-8") as f:
                array = json.load(f)["array"]
            with open(os.path.join(base, sub, "tasks.txt"), encoding="utf-8") as f:
                ids = [ln.strip() for ln in f if ln.strip()]
        except (OSError, ValueError, KeyError):
            continue
        if array in active:
            out.update({i: array for i in ids})
    return out


def _sbatch(path):
    code, out, err = _cmd(["sbatch", "--parsable", path])
    if code != 0:
        raise SweepError(f"sbatch {path} failed: {(out + err).strip()}")
    return out.strip().split(";")[0]


def _queue():
    """[(job id, array job id, state, reason)] of our jobs, or None if squeue failed."""
    code, out, _ = _cmd(["squeue", "-h", "-u", getpass.getuser(), "-o", "%A %F %t %r"])
    if code != 0:
        return None
    jobs = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) >= 3:
            jobs.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
    return jobs


def wait(out_dir, pending, array_id, collect_id, token, timeout_s, poll_s=2.0, quiet=False):
    """Waits for the array and the collecting job. Returns "done", or
    "collect-cancelled" (a task failed, so afterok can never hold), or "timeout"."""
    progress = Progress(len(pending), quiet=quiet)
    seen = set()
    t0 = time.monotonic()
    status = "timeout"
    while timeout_s is None or time.monotonic() - t0 < timeout_s:
        for run in pending:
            if run["id"] in seen:
                continue
            rec = execute.read_result(out_dir, run["id"])
            if rec is not None and rec.get("token") == token:
                seen.add(run["id"])
                progress.finished(rec, f"{run['run']} ({run['id']})")
        jobs = _queue()
        if jobs is not None:
            array_active = [j for j in jobs if j[1] == array_id or j[0] == array_id]
            collect = [j for j in jobs if j[0] == collect_id]
            progress.show(sum(1 for j in array_active if j[2] == "R"))
            if not array_active and not collect:
                status = "done"
                break
            if not array_active and collect and "DependencyNeverSatisfied" in collect[0][3]:
                _cmd(["scancel", collect_id])
                status = "collect-cancelled"
                break
        time.sleep(poll_s)
    progress.close()
    return status
