"""The declaration part of a VCD file, shared by the trace checks."""
import re


def vcd_ids(text):
    """Splits a VCD text into ({hierarchical.name: id}, body after $enddefinitions)."""
    head, body = text.split("$enddefinitions $end", 1)
    ids, scope = {}, []
    for line in head.splitlines():
        m = re.match(r"\$scope module (\S+) \$end", line)
        if m:
            scope.append(m.group(1))
        elif line.startswith("$upscope"):
            scope.pop()
        m = re.match(r"\$var wire (\d+) (\S+) (\S+)(?: \[\d+:\d+\])? \$end", line)
        if m:
            ids[".".join(scope + [m.group(3)])] = m.group(2)
    return ids, body
