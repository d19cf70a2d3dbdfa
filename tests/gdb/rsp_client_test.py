#!/usr/bin/env python3
"""vp-run --gdb spoken to directly in the remote serial protocol: the
features GDB relies on, checked packet by packet. Every socket read has a
timeout and vp-run runs under one too, so nothing can hang.
usage: rsp_client_test.py VP_RUN GDB_SPIN_ELF WORKDIR"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

vp, elf, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
syms = {}
for line in subprocess.run(["riscv64-unknown-elf-nm", elf], check=True, capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3:
        syms[f[2]] = int(f[0], 16)
entry = int(re.search(r"Entry point address:\s+0x([0-9a-f]+)", subprocess.run(
    ["riscv64-unknown-elf-readelf", "-h", elf], check=True, capture_output=True, text=True).stdout).group(1), 16)


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def le32(v):
    return v.to_bytes(4, "little").hex()


class Vp:
    def __init__(self, *args, program=elf):
        self.err = open(os.path.join(work, "vp.err"), "w+")
        self.proc = subprocess.Popen(["timeout", "60", vp, "--elf", program, "--gdb", "0", *args],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        port = None
        for _ in range(200):
            self.err.seek(0)
            m = re.search(r"gdb: listening on 127\.0\.0\.1:(\d+)", self.err.read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.05)
        if port is None:
            fail("no port printed")
        self.s = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.buf = b""

    def send(self, payload):
        self.s.sendall(b"$" + payload.encode() + b"#" + b"%02x" % (sum(payload.encode()) & 0xff))

    def recv(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                body, self.buf = self.buf[i + 1:j], self.buf[j + 3:]
                return body.decode()
            chunk = self.s.recv(4096)
            if not chunk:
                fail("connection closed")
            self.buf += chunk

    def ask(self, payload):
        self.send(payload)
        return self.recv()

    def expect(self, payload, want):
        got = self.ask(payload)
        if not (want(got) if callable(want) else got == want):
            fail(f"{payload!r} -> {got!r}")
        return got

    def finish(self):
        self.s.close()
        rc = self.proc.wait(timeout=60)
        self.err.seek(0)
        return rc, self.err.read()


# --- session 1: one cluster of 16 cores -------------------------------------
v = Vp("--platform", "cluster-1")
v.expect("qSupported:multiprocess+;swbreak+;hwbreak+", lambda r: "PacketSize=" in r and "qXfer:features:read+" in r)
v.expect("?", lambda r: r.startswith("T05") and "thread:1;" in r)
v.expect("qXfer:features:read:target.xml:0,fff", lambda r: r[0] == "l" and "riscv:rv32" in r and 'name="pc"' in r)
v.expect("qfThreadInfo", "m" + ",".join("%x" % t for t in range(1, 17)))
v.expect("qsThreadInfo", "l")
v.expect("qXfer:threads:read::0,fff", lambda r: 'name="cluster 0 core 15"' in r)
v.expect("qThreadExtraInfo,3", "cluster 0 core 2".encode().hex())
g = v.expect("g", lambda r: len(r) == 33 * 8)
if g[-8:] != le32(entry):
    fail(f"pc {g[-8:]} is not the entry {entry:x}")
word = subprocess.run(["riscv64-unknown-elf-objdump", "-d", f"--start-address={entry}", f"--stop-address={entry + 4}", elf],
                      check=True, capture_output=True, text=True).stdout
enc = re.search(r"^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s", word, re.M).group(1)
v.expect(f"m{entry:x},4", le32(int(enc, 16)))
# Registers are per thread.
v.expect("Hg2", "OK")
v.expect("P5=78563412", "OK")
v.expect("p5", "78563412")
v.expect("Hg1", "OK")
v.expect("p5", "00000000")
v.expect("Hg2", "OK")
v.expect("P5=00000000", "OK")
v.expect("T1", "OK")
v.expect("T99", "E01")
# A hardware breakpoint: core 0 spins, the others reach compute().
compute = syms["compute"]
v.expect(f"Z1,{compute:x},2", "OK")
stop = v.ask("vCont;c")
m = re.match(r"T05thread:([0-9a-f]+);", stop)
if not m:
    fail(f"breakpoint stop: {stop!r}")
tid = int(m.group(1), 16)
if tid == 1:
    fail("core 0 should be spinning, not in compute()")
v.expect(f"Hg{tid:x}", "OK")
v.expect("p20", le32(compute))
v.expect(f"z1,{compute:x},2", "OK")
# Single step of that thread: stops on it, one instruction further.
v.expect(f"vCont;s:{tid:x};c", lambda r: r.startswith(f"T05thread:{tid:x};"))
pc = int.from_bytes(bytes.fromhex(v.ask("p20")), "little")
if pc not in (compute + 2, compute + 4):
    fail(f"after one step pc is {pc:x}, compute at {compute:x}")
# Ctrl-C while core 0 spins.
v.send("vCont;c")
time.sleep(0.3)
v.s.sendall(b"\x03")
stop = v.recv()
if not stop.startswith("T02"):
    fail(f"Ctrl-C stop: {stop!r}")
# Memory: release core 0 (M), check with m; the result core 2 stored.
rel = syms["release"]
v.expect(f"m{rel:x},4", "00000000")
v.expect(f"M{rel:x},4:01000000", "OK")
v.expect(f"m{rel:x},4", "01000000")
v.expect(f"m{syms['counter']:x},4", le32(55))
v.expect("m0,4", lambda r: r.startswith("E"))  # unmapped
stop = v.ask("vCont;c")
if stop != "W00":
    fail(f"end of run: {stop!r}")
rc, err = v.finish()
if rc != 0 or "vp-run: ok" not in err:
    fail(f"vp-run exit {rc}: {err}")

# --- session 2: eight clusters, cluster 1 exposed, then kill -----------------
v = Vp("--platform", "mpaimc-8", "--gdb-clusters", "1")
v.expect("qfThreadInfo", "m" + ",".join("%x" % t for t in range(17, 33)))
v.expect("?", lambda r: r.startswith("T05thread:11;"))
v.expect("qThreadExtraInfo,11", "cluster 1 core 0".encode().hex())
v.send("k")
rc, err = v.finish()
if rc != 1 or "killed by the debugger" not in err:
    fail(f"kill: vp-run exit {rc}: {err}")
# --- more than 16 clusters: cluster 0 only by default --------------------------
v = Vp("--platform", "mpaimc-64")
v.expect("qfThreadInfo", "m" + ",".join("%x" % t for t in range(1, 17)))
v.send("k")
rc, err = v.finish()
if rc != 1:
    fail(f"kill on mpaimc-64: vp-run exit {rc}: {err}")

# --- bad addresses: a usage error before anything runs; a busy port ----------
r = subprocess.run([vp, "--platform", "cluster-1", "--elf", elf, "--gdb", "0", "--gdb-host", "localhost:1"],
                   capture_output=True, text=True, timeout=60)
if r.returncode != 2 or "--gdb-host" not in r.stderr:
    fail(f"bad --gdb-host: exit {r.returncode}: {r.stderr}")
busy = socket.socket()
busy.bind(("127.0.0.1", 0))
busy.listen(1)
r = subprocess.run([vp, "--platform", "cluster-1", "--elf", elf, "--gdb", str(busy.getsockname()[1])],
                   capture_output=True, text=True, timeout=60)
busy.close()
if r.returncode != 1 or "cannot listen" not in r.stderr:
    fail(f"busy port: exit {r.returncode}: {r.stderr}")

# --- session 3: a firmware fault stops in GDB before the run ends ------------
fault_elf = os.path.join(os.path.dirname(elf), "cl_fault.elf")  # core 5: illegal instruction
v = Vp("--platform", "cluster-1", program=fault_elf)
v.expect("?", lambda r: r.startswith("T05"))
out = v.ask("vCont;c")
if not (out.startswith("O") and "illegal instruction" in bytes.fromhex(out[1:]).decode()):
    fail(f"fault report: {out!r}")
stop = v.recv()
if not stop.startswith("T04thread:6;"):  # SIGILL on cluster 0 core 5
    fail(f"fault stop: {stop!r}")
v.expect("Hg6", "OK")
pc = int.from_bytes(bytes.fromhex(v.ask("p20")), "little")
v.expect(f"m{pc:x},2", "0000")  # the illegal all-zero halfword
v.expect("vCont;c", "X06")
rc, err = v.finish()
if rc != 1 or f"at pc 0x{pc:08x}" not in err:
    fail(f"fault: vp-run exit {rc}: {err}")
# --- session 4: a single step over a cv.elw that sleeps (the CORE-V waits) ----
# The step completes when the event arrives: the stop comes on that thread, one
# instruction further, with the events the load returned in its register.
elw_elf = os.path.join(os.path.dirname(elf), "cl_sleep_xcv.elf")
trace = os.path.join(work, "elw.txt")
subprocess.run(["timeout", "60", vp, "-q", "--platform", "cluster-1", "--elf", elw_elf, "--itrace", trace,
                "--itrace-cores", "0:1"], check=True, capture_output=True)
# core 1's wait for software event 0 (the first cv.elw that returns 0x1), e.g.
# "9926 0.1 1c000174 0007b78b cv.elw a5,0(a5)  a5=0x00000001 load 0x10100064"
elw = [l.split() for l in open(trace) if " cv.elw " in l and "=0x00000001 " in l]
if not elw:
    fail("no cv.elw returning software event 0 in the trace")
elw_pc = int(elw[0][2], 16)
rd = elw[0][5].split(",")[0]
abi = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + ["a%d" % i for i in range(8)] + \
      ["s%d" % i for i in range(2, 12)] + ["t3", "t4", "t5", "t6"]
v = Vp("--platform", "cluster-1", program=elw_elf)
v.expect(f"Z1,{elw_pc:x},4", "OK")
stop = v.ask("vCont;c")
m = re.match(r"T05thread:([0-9a-f]+);", stop)
if not m or int(m.group(1), 16) == 1:  # core 0 never waits there
    fail(f"cv.elw breakpoint stop: {stop!r}")
tid = int(m.group(1), 16)
v.expect(f"Hg{tid:x}", "OK")
v.expect("p20", le32(elw_pc))
v.expect(f"z1,{elw_pc:x},4", "OK")
v.expect(f"vCont;s:{tid:x};c", lambda r: r.startswith(f"T05thread:{tid:x};"))
v.expect("p20", le32(elw_pc + 4))
v.expect("p%x" % abi.index(rd), le32(1))  # EU_LINE_SW(0): the event that woke it
v.expect("vCont;c", "W00")
rc, err = v.finish()
if rc != 0:
    fail(f"cv.elw session: vp-run exit {rc}: {err}")
print("gdb protocol ok")
