"""From a spec to a plan: each run's vp-run arguments and the hash of its
inputs (resolved platform, network file, firmware, vp-run), checked before
anything is written. The plan is kept as OUT/plan.json for the workers."""
import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .errors import SweepError
from .vprun import sha256_file

JOB_OPTIONS = ("network", "mapping-mode", "batch", "seed")
PLATFORM_OPTIONS = ("platform", "max-time")
PLAN_VERSION = 1


@dataclass
class Run:
    index: int
    values: list  # spec.Value per axis
    argv: list = None
    hash: str = ""
    resolved: str = ""

    @property
    def id(self):
        return self.hash[:12]


def _merge(run_axes, spec):
    """The run's options, --set pairs and --cost pairs: the base with the axes over it."""
    options = dict(spec.base_options)  # option -> spec.Value
    sets = [(k, v.text) for k, v in spec.base_sets]
    costs = [(k, v.text) for k, v in spec.base_costs]
    for axis, value in run_axes:
        if axis.kind == "option":
            options[axis.target] = value
        elif axis.kind == "set":
            sets = [(k, v) for k, v in sets if k != axis.target] + [(axis.target, value.text)]
        else:
            costs = [(k, v) for k, v in costs if k != axis.target] + [(axis.target, value.text)]
    return options, sets, costs


def _platform_args(options, sets):
    args = []
    if "platform" in options:
        args += ["--platform", options["platform"].arg]
    for k, v in sets:
        args += ["--set", f"{k}={v}"]
    if "max-time" in options:
        args += ["--max-time", options["max-time"].arg]
    return args


def _job_args(options, costs):
    args = []
    for k in JOB_OPTIONS:
        if k in options:
            args += [f"--{k}", options[k].arg]
    for k, v in costs:
        args += ["--cost", f"{k}={v}"]
    if "elf" in options:
        args += ["--elf", options["elf"].arg]
    return args


def is_job(options, costs):
    return any(k in options for k in JOB_OPTIONS) or bool(costs)


def _locate(text, spec):
    """Where in the base an error from vp-run points, by the argument it quotes."""
    for k, v in spec.base_sets:
        if _names_key(text, k):
            return v.where
    for k, v in spec.base_options.items():
        if f"--{k}" in text or f"'{v.text}'" in text or (len(v.text) > 3 and (v.text in text or v.arg in text)):
            return v.where
    return spec.path


def build(spec, vp, jobs=1):
    """The checked runs of a spec, with their arguments and hashes."""
    runs = [Run(i, values) for i, values in enumerate(spec.runs)]
    merged = [_merge(list(zip(spec.axes, r.values)), spec) for r in runs]
    if any("network" not in o and "elf" not in o for o, _, _ in merged):
        raise SweepError("the base job needs a network (the dataflow job) or an elf (a program to run), "
                         "in base or as an axis", spec.path)

    # The platform side: every run's platform resolved by vp-run, an error
    # blamed on the axis or base key it quotes.
    for run, (o, s, c) in zip(runs, merged):
        resolved, err = vp.resolve_platform(_platform_args(o, s))
        if err:
            raise _blame(err, spec, run, vp)
        run.argv = _platform_args(o, s) + _job_args(o, c)
        run.resolved = resolved

    # The job side (mapping mode, network, costs, batch) is checked by vp-run
    # itself in a probe: for each job-side axis value, the first run with it.
    probes = {}
    for ai, axis in enumerate(spec.axes):
        if axis.kind == "cost" or (axis.kind == "option" and axis.target not in PLATFORM_OPTIONS):
            for value in axis.values:
                run = next((r for r in runs if r.values[ai] is value), None)
                if run is not None:
                    probes.setdefault(tuple(run.argv), (axis, value))
    if not probes and runs and is_job(merged[0][0], merged[0][2]):
        probes[tuple(runs[0].argv)] = (None, None)

    def probe(item):
        argv, blame = item
        return blame, vp.probe(list(argv))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for (axis, value), err in pool.map(probe, list(probes.items())):
            if err:
                if axis is None:
                    raise SweepError(f"base: vp-run refuses the job: {err}", _locate(err, spec))
                if axis.kind == "cost" and "unknown name" in err:
                    raise SweepError(f"axis '{axis.name}': not a figure of the cost model: {err}", axis.where)
                raise SweepError(f"axis '{axis.name}' value '{value.text}': vp-run refuses it: {err}", value.where)

    for run, (o, s, c) in zip(runs, merged):
        run.hash = _hash(vp, run.resolved, o, c, is_job(o, c), spec)
    return runs


def _names_key(err, key):
    """Whether vp-run's error is about KEY or a map above it (noc.widht_bytes for noc.widht_bytes.0)."""
    parts = key.split(".")
    return any(re.search(r"(^|[\s'])" + re.escape(".".join(parts[:n])) + r"[:=]", err)
               for n in range(len(parts), 0, -1))


def _blame(err, spec, run, vp):
    for axis, value in zip(spec.axes, run.values):
        if axis.kind == "set" and _names_key(err, axis.target):
            if "unknown key" in err or "past the end" in err:
                return SweepError(f"axis '{axis.name}' is neither a vp-run option (platform, network, "
                                  f"mapping-mode, batch, seed, max-time, elf, cost.NAME) nor a platform key: {err}",
                                  axis.where)
            return SweepError(f"axis '{axis.name}' value '{value.text}': {err}", value.where)
    for axis, value in zip(spec.axes, run.values):
        if axis.kind == "option" and axis.target in PLATFORM_OPTIONS and (value.text in err or value.arg in err):
            return SweepError(f"axis '{axis.name}' value '{value.text}': {err}", value.where)
    o, s, _ = _merge([], spec)
    if vp.resolve_platform(_platform_args(o, s))[1]:
        return SweepError(f"base: vp-run refuses it: {err}", _locate(err, spec))
    # The base is fine: the run's values of the platform-side axes are not, together.
    side = [(a, v) for a, v in zip(spec.axes, run.values)
            if a.kind == "set" or (a.kind == "option" and a.target in PLATFORM_OPTIONS)]
    combo = ", ".join(f"{a.name}={v.text}" for a, v in side)
    where = side[0][1].where if len(side) == 1 else spec.runs_where
    return SweepError(f"run {run.index} ({combo}): vp-run refuses its platform: {err}", where)


def _hash(vp, resolved_platform, options, costs, job, spec):
    inputs = {
        "vp_run": {"version": vp.version, "sha256": vp.digest},
        "platform": resolved_platform,
        "options": {k: options[k].text for k in ("mapping-mode", "batch", "seed", "max-time") if k in options},
        "cost": costs,
    }
    # Files by their content (and the network by its name as written, which
    # vp-run reports), not by where they happen to be.
    if "network" in options:
        path = vp.network_file(options["network"].arg)
        if not os.path.isfile(path):
            raise SweepError(f"network '{options['network'].text}': no file {path}", options["network"].where)
        inputs["network"] = {"name": options["network"].text, "sha256": sha256_file(path)}
    elf = options["elf"].arg if "elf" in options else (vp.dataflow_elf() if job else "")
    if elf:
        if not os.path.isfile(elf):
            raise SweepError(f"the firmware {elf} does not exist (build it, or give base.elf)", spec.path)
        inputs["firmware_sha256"] = sha256_file(elf)
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def to_json(spec, vp, runs):
    return {
        "plan_version": PLAN_VERSION,
        "spec": os.path.abspath(spec.path),
        "name": spec.name,
        "vp_run": vp.path,
        "vp_run_version": vp.version,
        "axes": [a.name for a in spec.axes],
        "metrics": [[col, path] for col, path, _ in spec.metrics],
        "runs": [{"run": r.index, "id": r.id, "hash": r.hash,
                  "axes": {a.name: v.text for a, v in zip(spec.axes, r.values)}, "argv": r.argv} for r in runs],
    }


def load(out_dir):
    path = os.path.join(out_dir, "plan.json")
    try:
        with open(path, encoding="utf-8") as f:
            plan = json.load(f)
    except OSError:
        raise SweepError(f"{out_dir} is not a sweep's output folder (no plan.json)") from None
    except ValueError as e:
        raise SweepError(f"{path}: not valid JSON: {e}") from None
    if plan.get("plan_version") != PLAN_VERSION:
        raise SweepError(f"{path}: written by another version of vp-sweep")
    return plan
