"""Reading a sweep spec: the base job, the axes and the runs, each value with
its place in the file so that every error names file, line and column.

The spec format is described in docs/sweeps.md.
"""
import difflib
import math
import os
from dataclasses import dataclass, field

import yaml

from .errors import SweepError

# vp-run options a spec may give, by their vp-run names. `set` and `cost` are maps.
OPTION_KEYS = ("platform", "network", "mapping-mode", "batch", "seed", "max-time", "elf")
BASE_KEYS = OPTION_KEYS + ("set", "cost")
TOP_KEYS = ("name", "output", "base", "axes", "runs", "metrics", "backend", "jobs", "slurm")
SLURM_KEYS = ("partition", "time", "mem", "cpus-per-task", "account", "max-parallel", "extra")
BACKENDS = ("local", "slurm")
RANGE_KEYS = ("from", "to", "step", "times")
# Options whose value is a path (always for elf; for platform and network when
# it looks like one, as vp-run tells names from files), taken relative to the spec's folder.
PATH_OPTIONS = ("elf", "platform", "network")


@dataclass
class Value:
    """A scalar of the spec: its text as written (the CSV's), its place, and
    what vp-run gets (the text, or a path made absolute)."""
    text: str
    where: str
    path: str = None

    @property
    def arg(self):
        return self.path or self.text


@dataclass
class Axis:
    name: str
    kind: str  # "set" (a platform key), "cost" (a cost-model figure) or "option"
    target: str  # the platform key, the cost name or the vp-run option
    values: list
    where: str


@dataclass
class Spec:
    path: str
    name: str
    output: str
    base_options: dict  # option -> Value
    base_sets: list  # [(key, Value)]
    base_costs: list  # [(name, Value)]
    axes: list
    runs: list  # [[Value per axis]], in order
    runs_where: str
    metrics: list  # [(column, stats path, where)]
    backend: str = "local"
    jobs: int = 0
    slurm: dict = field(default_factory=dict)  # key -> Value or list of Value

    @property
    def folder(self):
        return os.path.dirname(os.path.abspath(self.path))


def _where(path, node):
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _suggest(word, choices):
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _Reader:
    """Walks PyYAML's node tree, which keeps the marks that plain loading drops."""

    def __init__(self, path):
        self.path = path

    def where(self, node):
        return _where(self.path, node)

    def mapping(self, node, what, allowed=None):
        if not isinstance(node, yaml.MappingNode):
            raise SweepError(f"{what}: expected a map", self.where(node))
        out = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise SweepError(f"{what}: a key must be a plain word", self.where(knode))
            key = knode.value
            if key in out:
                raise SweepError(f"{what}: key '{key}' given twice", self.where(knode))
            if allowed is not None and key not in allowed:
                raise SweepError(f"{what}: unknown key '{key}'{_suggest(key, allowed)}; "
                                 f"allowed: {', '.join(allowed)}", self.where(knode))
            out[key] = (knode, vnode)
        return out

    def scalar(self, node, what):
        if not isinstance(node, yaml.ScalarNode):
            raise SweepError(f"{what}: expected a single value", self.where(node))
        if node.value == "" or node.tag.endswith(":null"):
            raise SweepError(f"{what}: missing value", self.where(node))
        return Value(node.value, self.where(node))

    def integer(self, node, what, minimum):
        v = self.scalar(node, what)
        try:
            n = int(v.text, 0)
        except ValueError:
            raise SweepError(f"{what}: '{v.text}' is not an integer", v.where) from None
        if n < minimum:
            raise SweepError(f"{what}: {n} is below the minimum {minimum}", v.where)
        return n

    def values(self, node, what):
        """An axis's values: a list of scalars or a range map."""
        if isinstance(node, yaml.SequenceNode):
            return [self.scalar(item, f"{what}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self.range(node, what)
        raise SweepError(f"{what}: expected a list of values or a range {{from, to, step|times}}", self.where(node))

    def range(self, node, what):
        m = self.mapping(node, what, RANGE_KEYS)
        for k in ("from", "to"):
            if k not in m:
                raise SweepError(f"{what}: a range needs '{k}'", self.where(node))
        if ("step" in m) == ("times" in m):
            raise SweepError(f"{what}: a range needs one of 'step' (arithmetic) or 'times' (geometric)",
                             self.where(node))
        nums = {}
        for k, (_, vnode) in m.items():
            v = self.scalar(vnode, f"{what}.{k}")
            try:
                nums[k] = int(v.text, 0)
            except ValueError:
                try:
                    nums[k] = float(v.text)
                except ValueError:
                    raise SweepError(f"{what}.{k}: '{v.text}' is not a number", v.where) from None
            if not math.isfinite(nums[k]):
                raise SweepError(f"{what}.{k}: '{v.text}' is not a finite number", v.where)
        lo, hi = nums["from"], nums["to"]
        out = []
        if "step" in m:
            step = nums["step"]
            if step <= 0:
                raise SweepError(f"{what}.step: must be positive", self.where(m["step"][1]))
            count = math.floor((hi - lo) / step + 1e-9) + 1
            if count > 100000:
                raise SweepError(f"{what}: {count} values is too many", self.where(node))
            out = [lo + i * step for i in range(max(count, 0))]
        else:
            factor = nums["times"]
            if factor <= 1:
                raise SweepError(f"{what}.times: must be above 1", self.where(m["times"][1]))
            if lo <= 0:
                raise SweepError(f"{what}.from: a geometric range starts above 0", self.where(m["from"][1]))
            v = lo
            while v <= hi * (1 + 1e-9):
                out.append(v)
                v *= factor
                if len(out) > 100000:
                    raise SweepError(f"{what}: too many values", self.where(node))
        where = self.where(node)
        return [Value(_number_text(x), where) for x in out]


def _number_text(x):
    if isinstance(x, int):
        return str(x)
    return str(int(x)) if float(x).is_integer() else repr(round(x, 12))


def _fix_path(option, value, folder):
    """A path-valued option's value, relative to the spec's folder."""
    t = value.text
    if option == "elf" or (option in PATH_OPTIONS and ("/" in t or t.endswith(".yaml"))):
        value.path = os.path.normpath(os.path.join(folder, t))
    return value


def classify_axis(name):
    """(kind, target) of an axis name: a vp-run option, a cost figure or a platform key."""
    if name in OPTION_KEYS:
        return "option", name
    if name.startswith("cost."):
        return "cost", name[len("cost."):]
    if name.startswith("set."):
        return "set", name[len("set."):]
    return "set", name


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SweepError(f"cannot read the spec {path}: {e.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise SweepError(f"YAML syntax: {getattr(e, 'problem', None) or e}", where) from None
    if root is None:
        raise SweepError("the spec is empty", path)
    r = _Reader(path)
    top = r.mapping(root, "spec", TOP_KEYS)

    def scalar_of(key, default=None):
        return r.scalar(top[key][1], key).text if key in top else default

    name = scalar_of("name", os.path.splitext(os.path.basename(path))[0])
    folder = os.path.dirname(os.path.abspath(path))
    output = scalar_of("output", f"{name}.sweep")
    output = os.path.normpath(os.path.join(folder, output))

    base_options, base_sets, base_costs = {}, [], []
    if "base" in top:
        for key, (knode, vnode) in r.mapping(top["base"][1], "base", BASE_KEYS).items():
            if key == "set":
                for k, (kn, vn) in r.mapping(vnode, "base.set").items():
                    base_sets.append((k, r.scalar(vn, f"base.set.{k}")))
            elif key == "cost":
                for k, (kn, vn) in r.mapping(vnode, "base.cost").items():
                    base_costs.append((k, r.scalar(vn, f"base.cost.{k}")))
            else:
                base_options[key] = _fix_path(key, r.scalar(vnode, f"base.{key}"), folder)

    axes = []
    if "axes" in top:
        amap = r.mapping(top["axes"][1], "axes")
        for aname, (knode, vnode) in amap.items():
            kind, target = classify_axis(aname)
            if kind == "cost" and not target:
                raise SweepError(f"axis '{aname}': give the cost figure's name, e.g. cost.input_slots", r.where(knode))
            values = r.values(vnode, f"axes.{aname}")
            if not values:
                raise SweepError(f"empty product: axis '{aname}' has no values", r.where(vnode))
            if kind == "option":
                values = [_fix_path(target, v, folder) for v in values]
            seen = set()
            for v in values:
                if v.text in seen:
                    raise SweepError(f"axis '{aname}': value '{v.text}' given twice", v.where)
                seen.add(v.text)
            axes.append(Axis(aname, kind, target, values, r.where(knode)))
        # An axis overriding what the base sets is fine (the axis wins), but two
        # axes naming one thing are not.
        targets = {}
        for a in axes:
            t = (a.kind, a.target)
            if t in targets:
                raise SweepError(f"axis '{a.name}' sets the same thing as axis '{targets[t]}'", a.where)
            targets[t] = a.name

    runs, runs_where = _runs(r, top, axes)

    metrics = []
    if "metrics" in top:
        for col, (knode, vnode) in r.mapping(top["metrics"][1], "metrics").items():
            metrics.append((col, r.scalar(vnode, f"metrics.{col}").text, r.where(knode)))

    backend = "local"
    if "backend" in top:
        b = r.scalar(top["backend"][1], "backend")
        if b.text not in BACKENDS:
            raise SweepError(f"backend: '{b.text}' is not one of {', '.join(BACKENDS)}{_suggest(b.text, BACKENDS)}",
                             b.where)
        backend = b.text
    jobs = r.integer(top["jobs"][1], "jobs", 1) if "jobs" in top else 0

    slurm = {}
    if "slurm" in top:
        for key, (knode, vnode) in r.mapping(top["slurm"][1], "slurm", SLURM_KEYS).items():
            if key == "extra":
                if not isinstance(vnode, yaml.SequenceNode):
                    raise SweepError("slurm.extra: expected a list of sbatch options", r.where(vnode))
                slurm[key] = [r.scalar(n, f"slurm.extra[{i}]") for i, n in enumerate(vnode.value)]
            elif key in ("cpus-per-task", "max-parallel"):
                slurm[key] = Value(str(r.integer(vnode, f"slurm.{key}", 1)), r.where(vnode))
            else:
                slurm[key] = r.scalar(vnode, f"slurm.{key}")

    return Spec(path=path, name=name, output=output, base_options=base_options, base_sets=base_sets,
                base_costs=base_costs, axes=axes, runs=runs, runs_where=runs_where, metrics=metrics,
                backend=backend, jobs=jobs, slurm=slurm)


def _runs(r, top, axes):
    """The runs: the cross product of the axes, or the listed subset of it."""
    if "runs" not in top:
        return _product(axes), r.where(top["axes"][1]) if "axes" in top else r.path
    knode, vnode = top["runs"]
    if isinstance(vnode, yaml.ScalarNode):
        if vnode.value != "product":
            raise SweepError(f"runs: '{vnode.value}' is neither 'product' nor a list of runs", r.where(vnode))
        return _product(axes), r.where(vnode)
    if not isinstance(vnode, yaml.SequenceNode):
        raise SweepError("runs: expected 'product' or a list of runs (maps of axis: value)", r.where(vnode))
    if not vnode.value:
        raise SweepError("empty product: 'runs' lists no run", r.where(vnode))
    if not axes:
        raise SweepError("runs: a listed run picks values of the axes, but there are none", r.where(vnode))
    names = [a.name for a in axes]
    runs = []
    for i, item in enumerate(vnode.value):
        m = r.mapping(item, f"runs[{i}]", names)
        run = []
        for a in axes:
            if a.name not in m:
                raise SweepError(f"runs[{i}]: no value for axis '{a.name}'", r.where(item))
            v = r.scalar(m[a.name][1], f"runs[{i}].{a.name}")
            if a.kind == "option":
                v = _fix_path(a.target, v, os.path.dirname(os.path.abspath(r.path)))
            match = [x for x in a.values if x.text == v.text]
            if not match:
                raise SweepError(f"runs[{i}].{a.name}: '{v.text}' is not one of the axis's values "
                                 f"({', '.join(x.text for x in a.values)})", v.where)
            run.append(match[0])
        runs.append(run)
    return runs, r.where(vnode)


MAX_RUNS = 100000


def _product(axes):
    count = 1
    for a in axes:
        count *= len(a.values)
    if count > MAX_RUNS:
        raise SweepError(f"the product of the axes has {count} runs, more than {MAX_RUNS}: "
                         "list a subset under 'runs'", axes[0].where)
    runs = [[]]
    for a in axes:
        runs = [run + [v] for run in runs for v in a.values]
    return runs
