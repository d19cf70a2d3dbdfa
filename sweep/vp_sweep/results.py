"""The sweep's table: one CSV row per planned run, from the runs' records and
--stats files. A figure a run does not report is left empty, never invented."""
import csv
import io
import os

from . import execute

CSV_NAME = "results.csv"

# CSV column, --stats key (dotted), scale. A run that does not report a key
# (energy of a non-manycore platform, say) leaves its column empty.
METRICS = [
    ("images_per_s", "dataflow.images_per_s", 1.0),
    ("tops", "dataflow.tops", 1.0),
    ("latency_us", "dataflow.batch_latency_ns", 1e-3),
    ("end_to_end_us", "dataflow.end_to_end_ns", 1e-3),
    ("clusters_used", "dataflow.clusters_used", 1.0),
    ("clusters_total", "dataflow.clusters_total", 1.0),
    ("output_mismatches", "dataflow.output_check.mismatches", 1.0),
    ("simulated_us", "simulated_ns", 1e-3),
    ("mj_per_image", "energy.mj_per_image", 1.0),
    ("tops_per_w", "energy.tops_per_w", 1.0),
]
# Columns whose value changes from one execution to the next (not a result of the model).
HOST_COLUMNS = ("host_s",)


def lookup(stats, dotted):
    node = stats
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def fmt(value, scale=1.0):
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        v = value * scale
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.6g}" if isinstance(v, float) else str(v)
    return str(value)


def columns(plan):
    extra = [col for col, _ in plan.get("metrics", [])]
    return (["run", "id"] + plan["axes"] + ["status"] + [m[0] for m in METRICS] + extra
            + ["host_s", "error"])


def rows(plan, out_dir):
    """(column names, row dicts) in the plan's order."""
    cols = columns(plan)
    out = []
    for run in plan["runs"]:
        row = {"run": run["run"], "id": run["id"], **run["axes"]}
        rec = execute.read_result(out_dir, run["id"])
        if rec is None or rec.get("hash") != run["hash"]:
            row["status"] = "missing"
        else:
            row["status"] = rec["status"]
            row["host_s"] = fmt(rec.get("host_s"))
            row["error"] = rec.get("error", "")
            stats = execute.read_stats(out_dir, run["id"]) if rec["status"] == "ok" else None
            if stats is not None:
                for col, key, scale in METRICS:
                    row[col] = fmt(lookup(stats, key), scale)
                for col, key in plan.get("metrics", []):
                    row[col] = fmt(lookup(stats, key))
        out.append({c: row.get(c, "") for c in cols})
    return cols, out


def csv_text(cols, table):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    w.writerows(table)
    return buf.getvalue()


def collect(plan, out_dir):
    """Writes OUT/results.csv; returns the rows."""
    cols, table = rows(plan, out_dir)
    execute.write_atomically(os.path.join(out_dir, CSV_NAME), csv_text(cols, table))
    return table


def summary(table):
    counts = {}
    for row in table:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
