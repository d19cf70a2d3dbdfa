"""vp-sweep plot: a metric of the sweep's CSV against one axis, or two (one
line or bar group per value of the second), as a PNG. Axes not drawn must
have a single value among the rows drawn (fix them with --where)."""
import csv
import os

from .errors import SweepError


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def _suggest(word, names):
    import difflib
    close = difflib.get_close_matches(word, names, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "results.csv")
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            table = list(reader)
            cols = reader.fieldnames or []
    except OSError as e:
        raise SweepError(f"cannot read {path}: {e.strerror}") from None
    if "status" not in cols or "run" not in cols:
        raise SweepError(f"{path} is not a vp-sweep results.csv")
    return path, cols, table


def axis_columns(cols):
    """The axes are the columns between 'id' and 'status'."""
    return cols[cols.index("id") + 1:cols.index("status")]


def draw(source, metric, x, series=None, where=(), out=None, logx=False, title=None):
    path, cols, table = load(source)
    axes = axis_columns(cols)
    for name, what in ((metric, "metric"), (x, "axis"), (series, "axis")):
        if name is None:
            continue
        pool = cols if what == "metric" else axes
        if name not in pool:
            raise SweepError(f"{name}: not a{'n' if what == 'axis' else ''} {what} of {path}{_suggest(name, pool)}; "
                             f"{what}s: {', '.join(pool)}")
    if series == x:
        raise SweepError("--series must differ from --x")
    for cond in where:
        if "=" not in cond:
            raise SweepError(f"--where {cond}: expected AXIS=VALUE")
        k, v = cond.split("=", 1)
        if k not in axes:
            raise SweepError(f"--where {cond}: '{k}' is not an axis{_suggest(k, axes)}")
        table = [r for r in table if r[k] == v]
        if not table:
            raise SweepError(f"--where {cond}: no run has {k}={v}")
    fixed = {k for k in axes if k not in (x, series) and len({r[k] for r in table}) > 1}
    if fixed:
        raise SweepError(f"axes {', '.join(sorted(fixed))} vary too: choose one value of each with --where AXIS=VALUE")
    ok = [r for r in table if r["status"] == "ok" and _number(r[metric]) is not None]
    if not ok:
        raise SweepError(f"no successful run has a value for {metric}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def ordered(values):
        vals = list(dict.fromkeys(values))
        if all(_number(v) is not None for v in vals):
            return sorted(vals, key=float), True
        return vals, False

    xs, numeric = ordered(r[x] for r in table)
    groups, _ = ordered(r[series] for r in table) if series else ([None], False)
    fig, ax = plt.subplots(figsize=(7, 4.2))
    width = 0.8 / len(groups)
    for gi, g in enumerate(groups):
        rows = [r for r in ok if series is None or r[series] == g]
        by_x = {r[x]: float(r[metric]) for r in rows}
        label = f"{series}={g}" if series else None
        if numeric:
            pts = [(float(v), by_x[v]) for v in xs if v in by_x]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
        else:
            idx = [i for i, v in enumerate(xs) if v in by_x]
            ax.bar([i + (gi - (len(groups) - 1) / 2) * width for i in idx], [by_x[xs[i]] for i in idx],
                   width=width, label=label)
    if numeric:
        if logx:
            ax.set_xscale("log", base=2)
        ax.set_xticks([float(v) for v in xs])
        ax.set_xticklabels(xs)
    else:
        ax.set_xticks(range(len(xs)))
        ax.set_xticklabels(xs)
    ax.set_xlabel(x)
    ax.set_ylabel(metric)
    ax.grid(True, alpha=0.3)
    if series:
        ax.legend(title=None, fontsize="small")
    failed = len(table) - len(ok)
    note = f" ({failed} run(s) without a value left out)" if failed else ""
    ax.set_title((title or f"{metric} vs {x}" + (f" by {series}" if series else "")) + note, fontsize="medium")
    fig.tight_layout()
    if out is None:
        stem = f"{metric}-vs-{x}" + (f"-by-{series}" if series else "")
        out = os.path.join(os.path.dirname(os.path.abspath(path)), stem.replace("/", "_") + ".png")
    tmp = f"{out}.{os.getpid()}.tmp.png"
    fig.savefig(tmp, dpi=120, metadata={"Software": None})
    plt.close(fig)
    os.replace(tmp, out)
    return out, len(ok), failed
