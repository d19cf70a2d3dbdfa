"""vp-sweep's command line: run a sweep spec, look at its status, plot its table."""
import argparse
import json
import os
import shutil
import sys
import uuid

from . import execute, local, plan as planmod, plot, results, slurm, spec as specmod
from .errors import EXIT_FAILED_RUNS, EXIT_OK, EXIT_USAGE, SweepError
from .vprun import VpRun, locate

SUBCOMMANDS = ("run", "status", "plot", "collect", "exec")

USAGE = """vp-sweep SPEC.yaml [options]     run a sweep (the cross product of the spec's axes, or its listed runs)
vp-sweep status SPEC.yaml|OUT      list the runs: done, failed (with the error), missing
vp-sweep plot OUT|CSV --metric M --x AXIS [--series AXIS] [--where AXIS=VALUE]... [-o PNG]
vp-sweep collect OUT               write OUT/results.csv from the runs done so far
The spec format, backends and files: docs/sweeps.md. Exit: 0 all runs ok, 1 some run failed
or did not finish, 2 bad input (nothing run, submitted or written)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise SweepError(message)


def _run_parser():
    p = _Parser(prog="vp-sweep", usage=USAGE, add_help=True)
    p.add_argument("spec", help="the sweep spec (YAML)")
    p.add_argument("--backend", choices=specmod.BACKENDS, help="local (default) or slurm; overrides the spec")
    p.add_argument("-j", "--jobs", type=int, help="local backend: runs at a time (default: the spec's, else the host cores)")
    p.add_argument("-o", "--out", help="output folder (default: the spec's 'output', else NAME.sweep beside the spec)")
    p.add_argument("--vp-run", help="the vp-run to use (default: beside vp-sweep, $VP_RUN, or on PATH)")
    p.add_argument("--retry-failed", action="store_true", help="run again the runs that failed before")
    p.add_argument("--only", help="run exactly these runs again (run numbers or ids, comma-separated)")
    p.add_argument("--force", action="store_true", help="run every run again, even those whose result exists")
    p.add_argument("--dry-run", action="store_true", help="check the spec, print the runs and their commands, write nothing")
    p.add_argument("--run-timeout", type=float, help="local backend: stop a run after this many seconds (a failure)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    g = p.add_argument_group("slurm backend (override the spec's slurm: section)")
    g.add_argument("--partition")
    g.add_argument("--time", help="time limit of a run, e.g. 00:30:00")
    g.add_argument("--mem", help="memory of a run, e.g. 4G")
    g.add_argument("--cpus-per-task", type=int)
    g.add_argument("--account")
    g.add_argument("--max-parallel", type=int, help="array tasks running at a time (sbatch --array=...%%N)")
    g.add_argument("--sbatch-option", action="append", help="an extra #SBATCH line, e.g. --qos=long (repeatable)")
    g.add_argument("--no-wait", action="store_true", help="submit and return; the collecting job writes results.csv")
    g.add_argument("--wait-timeout", type=float, help="stop waiting after this many seconds (the jobs go on)")
    g.add_argument("--poll", type=float, default=2.0, help=argparse.SUPPRESS)
    return p


def _tool_dir():
    return os.path.dirname(os.path.realpath(sys.argv[0]))


def _say(args, text):
    if not getattr(args, "quiet", False):
        print(f"vp-sweep: {text}", file=sys.stderr)


def _select(runs, args, out_dir):
    """The unique runs to execute now, and the reason the others are left alone."""
    unique = {}
    for r in runs:
        unique.setdefault(r["id"], r)
    if args.only:
        wanted = []
        for token in args.only.split(","):
            token = token.strip()
            match = [r for r in unique.values() if token == str(r["run"]) or (len(token) >= 4 and r["id"].startswith(token))]
            if not match:
                raise SweepError(f"--only {token}: no such run (give a run number or id from results.csv)")
            wanted += [m for m in match if m not in wanted]
        return wanted
    pending = []
    for r in unique.values():
        rec = execute.read_result(out_dir, r["id"])
        fresh = rec is not None and rec.get("hash") == r["hash"]
        if args.force or not fresh or (rec["status"] != "ok" and args.retry_failed):
            pending.append(r)
    return pending


def cmd_run(argv):
    args = _run_parser().parse_args(argv)
    spec = specmod.load(args.spec)
    backend = args.backend or spec.backend
    if args.jobs is not None and args.jobs < 1:
        raise SweepError("--jobs must be at least 1")
    jobs = args.jobs or spec.jobs or local.default_jobs()
    vp = VpRun(locate(args.vp_run, _tool_dir()))
    runs = planmod.build(spec, vp, jobs)
    out_dir = os.path.abspath(args.out) if args.out else spec.output
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise SweepError(f"the output folder {out_dir} is a file")
    plan = planmod.to_json(spec, vp, runs)
    pending = _select(plan["runs"], args, out_dir)
    conf, queued = None, []
    if backend == "slurm" and pending and not args.dry_run:
        conf = slurm.settings(spec, args)
        slurm.preflight(conf)
        # Runs an earlier submission still has queued are not submitted twice.
        flying = slurm.in_flight(out_dir)
        queued = [r for r in pending if r["id"] in flying]
        if queued:
            _say(args, f"{len(queued)} runs are still queued or running in array job(s) "
                       f"{', '.join(sorted({flying[r['id']] for r in queued}))}: not submitted again")
            pending = [r for r in pending if r not in queued]
    if args.dry_run:
        for r in plan["runs"]:
            state = "to run" if r in pending else "done"
            print(f"run {r['run']} {r['id']} [{state}] vp-run " + " ".join(r["argv"]))
        print(f"{len(plan['runs'])} runs, {len(pending)} to run, output {out_dir}")
        return EXIT_OK

    os.makedirs(out_dir, exist_ok=True)
    execute.write_atomically(os.path.join(out_dir, "plan.json"), json.dumps(plan, indent=1) + "\n")
    shutil.copyfile(args.spec, os.path.join(out_dir, "spec.yaml"))
    done = len({r["id"] for r in plan["runs"]}) - len(pending) - len(queued)
    flying = f", {len(queued)} queued earlier" if queued else ""
    _say(args, f"{len(plan['runs'])} runs, {done} already done{flying}, {len(pending)} to run ({backend}), "
               f"output {out_dir}")
    token = uuid.uuid4().hex
    status = "done"
    if pending and backend == "local":
        local.run(out_dir, plan, pending, jobs, token, args.run_timeout, args.quiet)
    elif pending:
        sub, array_id, collect_id = slurm.submit(out_dir, plan, pending, conf, token)
        _say(args, f"submitted array job {array_id} ({len(pending)} tasks) and collecting job {collect_id} "
                   f"(afterok); scripts in {sub}")
        if args.no_wait:
            _say(args, f"not waiting: job {collect_id} writes {os.path.join(out_dir, results.CSV_NAME)}; "
                       f"see progress with: vp-sweep status {out_dir}")
            return EXIT_OK
        status = slurm.wait(out_dir, pending, array_id, collect_id, token, args.wait_timeout, args.poll, args.quiet)
        if status == "collect-cancelled":
            _say(args, f"a task of array job {array_id} failed, so the collecting job cannot start: "
                       f"cancelled it and collected here")
    table = results.collect(plan, out_dir)
    _report(args, out_dir, table)
    if status == "timeout":
        _say(args, f"stopped waiting after {args.wait_timeout:g} s; the jobs go on (vp-sweep status {out_dir})")
        return EXIT_FAILED_RUNS
    return EXIT_OK if all(r["status"] == "ok" for r in table) else EXIT_FAILED_RUNS


def _report(args, out_dir, table):
    _say(args, f"{results.summary(table)}; table {os.path.join(out_dir, results.CSV_NAME)}")
    failed = [r for r in table if r["status"] == "failed"]
    for r in failed:
        print(f"vp-sweep: run {r['run']} ({r['id']}) failed: {r['error']}; log "
              f"{os.path.join(execute.run_dir(out_dir, r['id']), execute.LOG)}", file=sys.stderr)
    if failed:
        spec = getattr(args, "spec", "SPEC.yaml")
        print(f"vp-sweep: retry them with: vp-sweep {spec} --retry-failed, or one alone: "
              f"vp-sweep {spec} --only {failed[0]['id']}", file=sys.stderr)


def _out_of(target):
    if os.path.isdir(target):
        return target
    if os.path.isfile(target) and target.endswith((".yaml", ".yml")):
        return specmod.load(target).output
    raise SweepError(f"{target}: neither a sweep's output folder nor a spec")


def cmd_status(argv):
    p = _Parser(prog="vp-sweep status")
    p.add_argument("target", help="the spec or the output folder")
    args = p.parse_args(argv)
    out_dir = _out_of(args.target)
    plan = planmod.load(out_dir)
    _, table = results.rows(plan, out_dir)
    for r in table:
        axes = ", ".join(f"{a}={r[a]}" for a in plan["axes"])
        line = f"run {r['run']} {r['id']} {r['status']}" + (f" ({axes})" if axes else "")
        if r["status"] == "failed":
            line += f": {r['error']}"
        print(line)
    print(f"{results.summary(table)}")
    return EXIT_OK


def cmd_collect(argv):
    p = _Parser(prog="vp-sweep collect")
    p.add_argument("out", help="the sweep's output folder")
    args = p.parse_args(argv)
    plan = planmod.load(args.out)
    table = results.collect(plan, args.out)
    print(f"vp-sweep: {results.summary(table)}; table {os.path.join(args.out, results.CSV_NAME)}")
    return EXIT_OK


def cmd_exec(argv):
    """One Slurm array task: the run on line TASK of the tasks file."""
    p = _Parser(prog="vp-sweep exec")
    p.add_argument("out")
    p.add_argument("--tasks", required=True)
    p.add_argument("--task", type=int, required=True)
    p.add_argument("--token", default="")
    args = p.parse_args(argv)
    plan = planmod.load(args.out)
    with open(args.tasks, encoding="utf-8") as f:
        ids = [ln.strip() for ln in f if ln.strip()]
    if not 0 <= args.task < len(ids):
        raise SweepError(f"task {args.task}: {args.tasks} has {len(ids)} tasks")
    run = next((r for r in plan["runs"] if r["id"] == ids[args.task]), None)
    if run is None:
        raise SweepError(f"run {ids[args.task]} is not in {args.out}/plan.json (the plan changed after submission)")
    rec = execute.execute(args.out, plan["vp_run"], run, args.token)
    print(f"vp-sweep: run {run['run']} ({run['id']}) {rec['status']}" + (f": {rec['error']}" if "error" in rec else ""))
    # The task ends well when the run was recorded, failed or not: a failed run
    # is a result, and the collecting job (afterok) should still write the table.
    return EXIT_OK


def cmd_plot(argv):
    p = _Parser(prog="vp-sweep plot")
    p.add_argument("source", help="the sweep's output folder or its results.csv")
    p.add_argument("--metric", "-m", default="images_per_s", help="a column of the CSV (default images_per_s)")
    p.add_argument("--x", required=True, help="the axis along x")
    p.add_argument("--series", help="a second axis: one line (or bar group) per value")
    p.add_argument("--where", action="append", default=[], help="fix another axis: AXIS=VALUE (repeatable)")
    p.add_argument("--logx", action="store_true", help="logarithmic x (base 2)")
    p.add_argument("--title")
    p.add_argument("-o", "--out", help="the PNG (default: beside the CSV, named after metric and axes)")
    args = p.parse_args(argv)
    out, n, left = plot.draw(args.source, args.metric, args.x, args.series, args.where, args.out, args.logx, args.title)
    print(f"vp-sweep: {out}: {n} runs drawn" + (f", {left} without a value left out" if left else ""))
    return EXIT_OK


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv or argv[0] in ("-h", "--help"):
            print(USAGE)
            return EXIT_OK if argv else EXIT_USAGE
        cmd = argv[0] if argv[0] in SUBCOMMANDS else "run"
        rest = argv[1:] if argv[0] in SUBCOMMANDS else argv
        return {"run": cmd_run, "status": cmd_status, "plot": cmd_plot, "collect": cmd_collect,
                "exec": cmd_exec}[cmd](rest)
    except SweepError as e:
        print(f"vp-sweep: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nvp-sweep: interrupted; finished runs are kept, run the same command to go on", file=sys.stderr)
        return 130
