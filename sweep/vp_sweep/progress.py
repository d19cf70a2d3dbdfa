"""The progress of a sweep: one line rewritten in place on a terminal (done,
failed, running, elapsed and ETA), a line per finished run otherwise."""
import sys
import time


def duration(s):
    s = int(round(s))
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 60}m{s % 60:02d}s"


class Progress:
    def __init__(self, total, stream=None, quiet=False):
        self.total = total
        self.done = 0
        self.failed = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.quiet = quiet
        self.t0 = time.monotonic()
        self.last_width = 0

    def eta(self):
        if self.done == 0:
            return "?"
        elapsed = time.monotonic() - self.t0
        return duration(elapsed / self.done * (self.total - self.done))

    def line(self, running=None):
        elapsed = duration(time.monotonic() - self.t0)
        parts = [f"{self.done}/{self.total} done"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if running is not None:
            parts.append(f"{running} running")
        parts.append(f"elapsed {elapsed}")
        if self.done < self.total:
            parts.append(f"ETA {self.eta()}")
        return "vp-sweep: " + ", ".join(parts)

    def show(self, running=None):
        if self.tty and not self.quiet:
            text = self.line(running)
            self.stream.write("\r" + text.ljust(self.last_width))
            self.stream.flush()
            self.last_width = len(text)

    def finished(self, record, label, running=None):
        self.done += 1
        if record.get("status") != "ok":
            self.failed += 1
        if not self.tty and not self.quiet:
            what = "ok" if record.get("status") == "ok" else f"FAILED ({record.get('error', '')})"
            self.stream.write(f"vp-sweep: [{self.done}/{self.total}] run {label}: {what}, "
                              f"{record.get('host_s', 0):.1f} s; ETA {self.eta() if self.done < self.total else '-'}\n")
            self.stream.flush()
        self.show(running)

    def close(self):
        if self.tty and not self.quiet and self.last_width:
            self.stream.write("\r" + self.line().ljust(self.last_width) + "\n")
            self.stream.flush()
