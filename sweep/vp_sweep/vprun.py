"""What vp-sweep asks of vp-run: where it is, what it is (version and bytes),
the platform a run resolves to, and whether a job's options are accepted."""
import hashlib
import json
import os
import shutil
import subprocess

from .errors import SweepError

EXIT_USAGE = 2
# A probe stops the simulation at once: vp-run has checked the job by then
# (mapping mode, cost figures, network, batch) and exits 2 if it was bad.
PROBE_MAX_TIME = "1ns"
PROBE_TIMEOUT_S = 600


def env():
    e = dict(os.environ)
    e["SC_COPYRIGHT_MESSAGE"] = "DISABLE"
    return e


def locate(explicit=None, tool_dir=None):
    """vp-run: --vp-run, else $VP_RUN, else beside vp-sweep, else on PATH."""
    for cand in (explicit, os.environ.get("VP_RUN")):
        if cand:
            if not (os.path.isfile(cand) and os.access(cand, os.X_OK)):
                raise SweepError(f"vp-run '{cand}' is not an executable file")
            return os.path.abspath(cand)
    if tool_dir:
        cand = os.path.join(tool_dir, "vp-run")
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    found = shutil.which("vp-run")
    if found:
        return os.path.abspath(found)
    raise SweepError("vp-run not found beside vp-sweep nor on PATH: give --vp-run PATH")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class VpRun:
    def __init__(self, path):
        self.path = path
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True, env=env(), timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise SweepError(f"cannot run {path} --version: {e}") from None
        if out.returncode != 0:
            raise SweepError(f"{path} --version failed: {out.stderr.strip()}")
        self.version = out.stdout.strip()
        # The version string does not change with every model change; the
        # executable's bytes do.
        self.digest = sha256_file(path)
        self.info = self._build_info()
        self._platforms = {}

    def _build_info(self):
        """Where this vp-run takes the networks and the dataflow firmware from,
        by its own rule (core/paths/data_dirs): <exe>/../share/mpaimc-vp when
        installed, else its build tree's folders, which the build writes next
        to the vp-sweep of the same tree."""
        bindir = os.path.dirname(os.path.realpath(self.path))
        share = os.path.join(bindir, "..", "share", "mpaimc-vp")
        if os.path.isdir(os.path.join(share, "networks")):
            return {"networks_dir": os.path.normpath(os.path.join(share, "networks")),
                    "dataflow_elf": os.path.normpath(os.path.join(share, "firmware", "dataflow.elf"))}
        info = os.path.join(bindir, "..", "share", "vp-sweep", "build-info.json")
        try:
            with open(info, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def network_file(self, network):
        """The file vp-run reads for --network (map::network_file's rule)."""
        if "/" in network or ".yaml" in network:
            return network
        d = self.info.get("networks_dir")
        if not d:
            raise SweepError(f"cannot tell which file the network '{network}' is for this vp-run "
                             "(no share/vp-sweep/build-info.json beside it): give a network file")
        return os.path.join(d, network + ".yaml")

    def dataflow_elf(self):
        return self.info.get("dataflow_elf", "")

    def resolve_platform(self, args):
        """The resolved platform of the given --platform/--set/--max-time
        arguments (--print-platform), or (None, error text) when vp-run refuses them."""
        key = tuple(args)
        if key not in self._platforms:
            try:
                out = subprocess.run([self.path, *args, "--print-platform"], capture_output=True, text=True,
                                     env=env(), timeout=120)
            except subprocess.TimeoutExpired:
                raise SweepError(f"{self.path} --print-platform did not answer in 120 s") from None
            if out.returncode == 0:
                self._platforms[key] = (out.stdout, None)
            elif out.returncode == EXIT_USAGE:
                self._platforms[key] = (None, _first_error(out.stderr))
            else:
                raise SweepError(f"{self.path} {' '.join(args)} --print-platform: exit {out.returncode}: "
                                 f"{out.stderr.strip()}")
        return self._platforms[key]

    def probe(self, args):
        """None if vp-run accepts the job of these arguments, else its error."""
        argv = [self.path, *strip_max_time(args), "--max-time", PROBE_MAX_TIME, "--quiet"]
        try:
            out = subprocess.run(argv, capture_output=True, text=True, env=env(), timeout=PROBE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise SweepError(f"checking the job took over {PROBE_TIMEOUT_S} s: {' '.join(argv)}") from None
        return _first_error(out.stderr) if out.returncode == EXIT_USAGE else None


def strip_max_time(args):
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--max-time":
            skip = True
        else:
            out.append(a)
    return out


def _first_error(stderr):
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and not ln.startswith("(try ")]
    for ln in lines:
        if "error" in ln:
            return ln
    return lines[0] if lines else "(no message)"
