#!/usr/bin/python3
"""vp-import on small ONNX graphs built here with onnx's helper API: each
supported op in QDQ, QOperator and float form (the files load in vp-map and
run bit-exact through vp-run), the numbers it writes against hand-computed
ones, and every import error (exit 2, the node, its op and why, nothing
written). Arguments: vp-import, vp-map, vp-run, scratch dir. Exit 77 when
python3-onnx or python3-torch is missing (scripts/deps.txt installs them)."""
import os
import struct
import subprocess
import sys

try:
    import numpy as np
    import onnx
    import torch  # noqa: F401  (vp-import calibrates with it)
    from onnx import TensorProto, helper, numpy_helper
except ImportError as e:
    print(f"skip: {e} (apt-get install python3-onnx python3-torch)")
    sys.exit(77)

VPI, VPMAP, VPRUN, WORK = sys.argv[1:5]
os.makedirs(WORK, exist_ok=True)
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


class G:
    """A graph under construction."""

    def __init__(self, name, in_shape):
        self.name, self.nodes, self.inits, self.k = name, [], [], 0
        self.in_shape = in_shape

    def c(self, arr, name=None):
        self.k += 1
        name = name or f"c{self.k}"
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def n(self, op, ins, name=None, outs=1, domain=None, **attrs):
        self.k += 1
        name = name or f"{op.lower()}{self.k}"
        o = [f"{name}_out{i}" for i in range(outs)]
        self.nodes.append(helper.make_node(op, ins, o, name=name, domain=domain, **attrs))
        return o[0]

    def qdq(self, t, s, zp=0):
        sc, z = self.c(np.float32(s)), self.c(np.int8(zp))
        q = self.n("QuantizeLinear", [t, sc, z])
        return self.n("DequantizeLinear", [q, sc, z])

    def wdq(self, wq, s, axis=0):
        return self.n("DequantizeLinear", [self.c(wq.astype(np.int8)), self.c(np.asarray(s, np.float32)),
                                           self.c(np.zeros(np.asarray(s).shape, np.int8))], axis=axis)

    def bdq(self, bq, s):
        return self.n("DequantizeLinear", [self.c(bq.astype(np.int32)), self.c(np.asarray(s, np.float32)),
                                           self.c(np.zeros(len(bq), np.int32))], axis=0)

    def save(self, out, out_shape, opsets=(("", 13),)):
        g = helper.make_graph(self.nodes, self.name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1] + list(self.in_shape))],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
        path = os.path.join(WORK, self.name + ".onnx")
        onnx.save(m, path)
        return path


def vp_import(path, *extra):
    stem = os.path.splitext(path)[0]
    net, w = stem + ".yaml", stem + ".vpwt"
    for f in (net, w):
        if os.path.exists(f):
            os.remove(f)
    r = subprocess.run([VPI, path, "--out-network", net, "--out-weights", w, *extra], capture_output=True, text=True)
    return r, net, w


def read_vpwt(path):
    b = open(path, "rb").read()
    magic, ver, n, _ = struct.unpack_from("<4I", b, 0)
    assert magic == 0x54575056 and ver == 2, (hex(magic), ver)
    off, recs = 16, []
    for _ in range(n):
        name = b[off:off + 32].rstrip(b"\0").decode()
        rows, cols, adc, m0, s0, uni = struct.unpack_from("<II3iI", b, off + 32)
        off += 56
        w = np.frombuffer(b, np.int8, rows * cols, off).reshape(rows, cols)
        off += (rows * cols + 3) // 4 * 4
        ch = np.frombuffer(b, "<i4", 3 * cols, off).reshape(cols, 3)
        off += 12 * cols
        recs.append(dict(name=name, rows=rows, cols=cols, adc=adc, w=w, ch=ch, uniform=uni))
    assert off == len(b)
    return recs


def runs(net, platform="mpaimc-8"):
    r = subprocess.run([VPMAP, "--network", net, "--platform", platform, "--reference", "1"], capture_output=True,
                       text=True)
    check(r.returncode == 0, f"vp-map on {net}: {r.stderr[-400:]}")
    r = subprocess.run([VPRUN, "--network", net, "--platform", platform, "--mapping-mode", "naive", "--batch", "2",
                        "--quiet"], capture_output=True, text=True)
    check(r.returncode == 0 and "0 mismatches" in r.stdout, f"vp-run on {net}: {r.stdout[-400:]} {r.stderr[-400:]}")


rng = np.random.default_rng(1)

# --- 1. QDQ conv + ReLU: the numbers by hand ----------------------------------
g = G("qdq_conv", (2, 6, 6))
s_in, s_out = 1 / 64, 0.05
wq = rng.integers(-127, 128, (3, 2, 3, 3))
sw = np.array([0.01, 0.02, 0.005])
bq = np.array([100, -50, 7])
x = g.qdq("input", s_in)
y = g.n("Conv", [x, g.wdq(wq, sw), g.bdq(bq, s_in * sw)], name="conv_a", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
y = g.n("Relu", [y], name="relu_a")
y = g.qdq(y, s_out)
gap = g.n("GlobalAveragePool", [y], name="gap")
gap = g.qdq(gap, s_out)
fl = g.n("Flatten", [gap], name="flat", axis=1)
fw = rng.integers(-127, 128, (4, 3))
out = g.n("Gemm", [fl, g.wdq(fw, [0.02] * 4), g.bdq(np.array([1, 2, 3, 4]), s_out * 0.02)], name="fc", transB=1)
out = g.qdq(out, 0.1)
r, net, w = vp_import(g.save(out, [1, 4]))
check(r.returncode == 0, f"qdq_conv: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    text = open(net).read()
    check("{name: conv_a, op: conv, out_channels: 3, kernel: 3, stride: 1, padding: 1, relu: true}" in text, text)
    check("rounding: half_even" in text and "global: true" in text, text)
    check("input_scale: 0.015625" in text, text)
    conv, fc = read_vpwt(w)
    check(conv["rows"] == 18 and conv["cols"] == 3 and not conv["uniform"], str(conv))
    # row (ky, kx, c_in), column c_out
    check(all(conv["w"][(ky * 3 + kx) * 2 + ci, co] == wq[co, ci, ky, kx]
              for co in range(3) for ci in range(2) for ky in range(3) for kx in range(3)), "conv weight order")
    for c in range(3):
        unit = s_in * np.float32(sw[c]) * 2 ** conv["adc"]
        b, m, s = conv["ch"][c]
        check(abs(m / 2 ** s / (unit / s_out) - 1) < 1e-6 and 2 ** 30 <= m < 2 ** 31, f"channel {c}: mult {m} shift {s}")
        check(b == round(bq[c] * np.float32(s_in * sw[c]) / unit), f"channel {c}: bias {b}")
    check(fc["rows"] == 3 and fc["cols"] == 4 and (fc["w"] == fw.T).all(), "fc weights")
    runs(net)

# --- 2. QDQ: Clip (ReLU6), add rescaling both inputs, max and average pools, Reshape + MatMul
g = G("qdq_blocks", (4, 8, 8))
x = g.qdq("input", 1 / 100)
a = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (4, 4, 1, 1)), [0.01] * 4)], name="conv_b", kernel_shape=[1, 1])
a = g.n("Clip", [a, g.c(np.float32(0)), g.c(np.float32(0.6))], name="relu6")
a = g.qdq(a, 0.01)  # ReLU6 at 0.6 -> code 60
b = g.n("Conv", [a, g.wdq(rng.integers(-127, 128, (4, 4, 3, 3)), [0.004] * 4)], name="conv_c", kernel_shape=[3, 3],
        pads=[1, 1, 1, 1])
b = g.qdq(b, 0.02)
s = g.n("Add", [b, a], name="add_d")
s = g.n("Relu", [s], name="relu_d")
s = g.qdq(s, 0.03)
p = g.qdq(g.n("MaxPool", [s], name="max_e", kernel_shape=[2, 2], strides=[2, 2]), 0.03)
p = g.qdq(g.n("AveragePool", [p], name="avg_f", kernel_shape=[3, 3], pads=[1, 1, 1, 1]), 0.03)
f = g.n("Reshape", [p, g.c(np.array([1, -1], np.int64))], name="reshape")
m = g.n("MatMul", [f, g.wdq(rng.integers(-127, 128, (64, 5)), [0.01] * 5, axis=1)], name="mm")
m = g.qdq(m, 0.2)
r, net, w = vp_import(g.save(m, [1, 5]))
check(r.returncode == 0, f"qdq_blocks: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    text = open(net).read()
    check("quant: {act_max: 60}" in text, text)
    # add: (0.02 b + 0.01 a) / 0.03: mult_b / 2^shift = 2/3, mult_a / 2^shift = 1/3, 15-bit
    check("{name: add_d, op: add, input: [conv_c, conv_b], relu: true, quant: {mult_a: 21845, mult_b: 10923, shift: 15}}"
          in text, text)
    check("{name: max_e, op: maxpool, kernel: 2, stride: 2, padding: 0}" in text, text)
    check("{name: avg_f, op: avgpool, kernel: 3, stride: 1, padding: 1, rounding: half_even}" in text, text)
    recs = read_vpwt(w)
    check([x["name"] for x in recs] == ["conv_b", "conv_c", "mm"] and recs[2]["rows"] == 64, str([x["name"] for x in recs]))
    runs(net)

# --- 3. QOperator: QLinearConv, QLinearAdd (com.microsoft), QLinearMatMul
g = G("qop", (3, 6, 6))
sc = lambda v: g.c(np.float32(v))
z8 = lambda: g.c(np.int8(0))
q = g.n("QuantizeLinear", ["input", sc(1 / 50), z8()], name="q_in")
c1 = g.n("QLinearConv", [q, sc(1 / 50), z8(), g.c(rng.integers(-127, 128, (8, 3, 3, 3)).astype(np.int8)),
                         g.c(np.full(8, 0.01, np.float32)), g.c(np.zeros(8, np.int8)), sc(0.05), z8(),
                         g.c(rng.integers(-300, 300, 8).astype(np.int32))], name="qconv1", kernel_shape=[3, 3],
         pads=[1, 1, 1, 1])
c2 = g.n("QLinearConv", [c1, sc(0.05), z8(), g.c(rng.integers(-127, 128, (8, 8, 1, 1)).astype(np.int8)),
                         g.c(np.float32(0.01)), g.c(np.int8(0)), sc(0.04), z8()], name="qconv2", kernel_shape=[1, 1])
ad = g.n("QLinearAdd", [c2, sc(0.04), z8(), c1, sc(0.05), z8(), sc(0.08), z8()], name="qadd", domain="com.microsoft")
dq = g.n("DequantizeLinear", [ad, sc(0.08), z8()], name="dq")
gp = g.n("GlobalAveragePool", [dq], name="qgap")
gq = g.n("QuantizeLinear", [gp, sc(0.08), z8()], name="q_gap")
fl = g.n("Flatten", [gq], name="qflat")
mm = g.n("QLinearMatMul", [fl, sc(0.08), z8(), g.c(rng.integers(-127, 128, (8, 3)).astype(np.int8)), sc(0.02), z8(),
                           sc(0.3), z8()], name="qmm")
o = g.n("DequantizeLinear", [mm, sc(0.3), z8()], name="dq_out")
r, net, w = vp_import(g.save(o, [1, 3], opsets=(("", 13), ("com.microsoft", 1))))
check(r.returncode == 0, f"qop: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    text = open(net).read()
    check("{name: qadd, op: add, input: [qconv2, qconv1]" in text and "qgap, op: avgpool" in text, text)
    recs = read_vpwt(w)
    check(recs[1]["uniform"] == 1 or recs[1]["ch"][:, 2].min() == recs[1]["ch"][:, 2].max(), "per-tensor scale")
    runs(net)

# --- 4. Float model with a calibration set
g = G("float_net", (1, 8, 8))
c1 = g.n("Conv", ["input", g.c(rng.normal(0, 0.3, (6, 1, 3, 3)).astype(np.float32)),
                  g.c(rng.normal(0, 0.1, 6).astype(np.float32))], name="f_conv1", kernel_shape=[3, 3],
         pads=[1, 1, 1, 1])
c1 = g.n("Relu", [c1], name="f_relu1")
c2 = g.n("Conv", [c1, g.c(rng.normal(0, 0.2, (6, 6, 3, 3)).astype(np.float32))], name="f_conv2", kernel_shape=[3, 3],
         pads=[1, 1, 1, 1])
ad = g.n("Add", [c2, c1], name="f_add")
ad = g.n("Relu", [ad], name="f_relu2")
gp = g.n("GlobalAveragePool", [ad], name="f_gap")
fl = g.n("Flatten", [gp], name="f_flat")
fc = g.n("Gemm", [fl, g.c(rng.normal(0, 0.5, (3, 6)).astype(np.float32)), g.c(np.zeros(3, np.float32))], name="f_fc",
         transB=1)
calib = os.path.join(WORK, "calib.npy")
np.save(calib, rng.uniform(0, 1, (16, 1, 8, 8)).astype(np.float32))
r, net, w = vp_import(g.save(fc, [1, 3]), "--calibration", calib)
check(r.returncode == 0 and "(float)" in r.stdout, f"float_net: exit {r.returncode}: {r.stdout} {r.stderr}")
if r.returncode == 0:
    text = open(net).read()
    check("{name: f_add, op: add, input: [f_conv2, f_conv1], relu: true, quant:" in text, text)
    recs = read_vpwt(w)
    check(all(np.abs(x["w"]).max() == 127 for x in recs), "per-channel symmetric: each layer's largest weight is 127")
    runs(net)
bad, _, _ = vp_import(os.path.join(WORK, "float_net.onnx"), "--calibration", os.path.join(WORK, "missing.npy"))
check(bad.returncode == 1 and "missing.npy" in bad.stderr, f"missing calibration: {bad.returncode} {bad.stderr}")


# --- 4b. Depthwise convolutions (group = channels) in the three forms, as MobileNetV2's blocks
g = G("qdq_dw", (4, 8, 8))
x = g.qdq("input", 1 / 64)
dwq = rng.integers(-127, 128, (4, 1, 3, 3))
dws = np.array([0.01, 0.02, 0.005, 0.03])
dwb = np.array([40, -20, 5, 0])
y = g.n("Conv", [x, g.wdq(dwq, dws), g.bdq(dwb, np.float32(1 / 64) * dws)], name="dw_a", kernel_shape=[3, 3],
        pads=[1, 1, 1, 1], strides=[2, 2], group=4)
y = g.n("Clip", [y, g.c(np.float32(0)), g.c(np.float32(0.6))], name="dw_relu6")
y = g.qdq(y, 0.01)
y = g.qdq(g.n("Conv", [y, g.wdq(rng.integers(-127, 128, (6, 4, 1, 1)), [0.01] * 6)], name="pw_b", kernel_shape=[1, 1]),
          0.05)
r, net, w = vp_import(g.save(y, [1, 6, 4, 4]))
check(r.returncode == 0, f"qdq_dw: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    text = open(net).read()
    check("{name: dw_a, op: dwconv, kernel: 3, stride: 2, padding: 1, relu: true, quant: {act_max: 60}}" in text, text)
    dw, pw = read_vpwt(w)
    check(dw["rows"] == 9 and dw["cols"] == 4 and dw["adc"] == 0, str(dw))
    # rows (ky, kx), one column per channel
    check(all(dw["w"][ky * 3 + kx, c] == dwq[c, 0, ky, kx] for c in range(4) for ky in range(3) for kx in range(3)),
          "dwconv weight order")
    for c in range(4):
        unit = (1 / 64) * np.float32(dws[c])
        b, m, s = dw["ch"][c]
        check(abs(m / 2 ** s / (unit / 0.01) - 1) < 1e-6, f"dw channel {c}: mult {m} shift {s}")
        check(b == round(dwb[c] * np.float32(np.float32(1 / 64) * dws[c]) / unit), f"dw channel {c}: bias {b}")
    runs(net)

g = G("qop_dw", (3, 6, 6))
sc = lambda v: g.c(np.float32(v))
z8 = lambda: g.c(np.int8(0))
q = g.n("QuantizeLinear", ["input", sc(1 / 50), z8()], name="q_in")
c1 = g.n("QLinearConv", [q, sc(1 / 50), z8(), g.c(rng.integers(-127, 128, (3, 1, 3, 3)).astype(np.int8)),
                         g.c(np.full(3, 0.01, np.float32)), g.c(np.zeros(3, np.int8)), sc(0.05), z8(),
                         g.c(rng.integers(-300, 300, 3).astype(np.int32))], name="qdw", kernel_shape=[3, 3],
         pads=[1, 1, 1, 1], group=3)
o = g.n("DequantizeLinear", [c1, sc(0.05), z8()], name="dq_out")
r, net, w = vp_import(g.save(o, [1, 3, 6, 6]))
check(r.returncode == 0 and "{name: qdw, op: dwconv, kernel: 3" in (open(net).read() if r.returncode == 0 else ""),
      f"qop_dw: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    runs(net)

g = G("float_dw", (4, 8, 8))
c1 = g.n("Conv", ["input", g.c(rng.normal(0, 0.3, (4, 1, 3, 3)).astype(np.float32)),
                  g.c(rng.normal(0, 0.1, 4).astype(np.float32))], name="f_dw", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
         group=4)
c1 = g.n("Relu", [c1], name="f_dw_relu")
c2 = g.n("Conv", [c1, g.c(rng.normal(0, 0.2, (5, 4, 1, 1)).astype(np.float32))], name="f_pw", kernel_shape=[1, 1])
r, net, w = vp_import(g.save(c2, [1, 5, 8, 8]))
check(r.returncode == 0 and "{name: f_dw, op: dwconv" in (open(net).read() if r.returncode == 0 else ""),
      f"float_dw: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    check(np.abs(read_vpwt(w)[0]["w"]).max() == 127, "dwconv per-channel symmetric")
    runs(net)

# --- 5. Every import error: exit 2, the node, its op and why; nothing written
def conv_graph(name, **conv_attrs):
    g = G(name, (2, 6, 6))
    x = g.qdq("input", 1 / 64)
    y = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (4, 2 // conv_attrs.get("group", 1), 3, 3)), [0.01] * 4)],
            name="bad_conv", kernel_shape=[3, 3], **conv_attrs)
    return g, g.qdq(y, 0.1)


def expect_error(path, *words, code=2, extra=()):
    r, net, w = vp_import(path, *extra)
    ok = r.returncode == code and all(wd in r.stderr for wd in words) and not os.path.exists(net) and \
        not os.path.exists(w)
    check(ok, f"{os.path.basename(path)}: want exit {code} with {words}, got {r.returncode}: {r.stderr.strip()}")


g, y = conv_graph("err_group", group=2, pads=[1, 1, 1, 1])  # 2 -> 4 channels: a channel multiplier of 2
expect_error(g.save(y, [1, 4, 6, 6]), "node 'bad_conv' (Conv)", "group 2", "only as depthwise")
g, y = conv_graph("err_dilation", dilations=[2, 2])
expect_error(g.save(y, [1, 4, 2, 2]), "node 'bad_conv' (Conv)", "dilations")
g, y = conv_graph("err_pads", pads=[1, 0, 1, 0])
expect_error(g.save(y, [1, 4, 6, 4]), "node 'bad_conv' (Conv)", "pads [1, 0, 1, 0]")
g, y = conv_graph("err_stride", strides=[1, 2], pads=[1, 1, 1, 1])
expect_error(g.save(y, [1, 4, 6, 3]), "node 'bad_conv' (Conv)", "strides [1, 2]")

g = G("err_op", (2, 4, 4))
y = g.n("Sigmoid", [g.qdq("input", 0.1)], name="sig")
expect_error(g.save(g.qdq(y, 0.1), [1, 2, 4, 4]), "node 'sig' (Sigmoid)", "operator not supported")

g = G("err_zero_point", (2, 4, 4))
x = g.qdq("input", 0.1, zp=3)
expect_error(g.save(x, [1, 2, 4, 4]), "(QuantizeLinear)", "zero point 3", "symmetric")

g = G("err_uint8", (2, 4, 4))
q = g.n("QuantizeLinear", ["input", g.c(np.float32(0.1))], name="q_u8")
expect_error(g.save(g.n("DequantizeLinear", [q, g.c(np.float32(0.1))], name="dq_u8"), [1, 2, 4, 4]),
             "node 'q_u8' (QuantizeLinear)", "uint8")

g = G("err_broadcast", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.qdq(g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="cv", kernel_shape=[1, 1],
              strides=[2, 2]), 0.1)
expect_error(g.save(g.qdq(g.n("Add", [y, x], name="add_bc"), 0.1), [1, 2, 4, 4]), "node 'add_bc' (Add)",
             "equal shapes")

g = G("err_include_pad", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.n("AveragePool", [x], name="avg_pad", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)
expect_error(g.save(g.qdq(y, 0.1), [1, 2, 4, 4]), "node 'avg_pad' (AveragePool)", "count_include_pad")

g = G("err_pool_scale", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.n("MaxPool", [x], name="mp", kernel_shape=[2, 2], strides=[2, 2])
expect_error(g.save(g.qdq(y, 0.2), [1, 2, 2, 2]), "(QuantizeLinear)", "pool 'mp'", "keep the scale")

g = G("err_clip_min_max", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="cv", kernel_shape=[1, 1])
y = g.n("Relu", [y], name="r")
y = g.n("Clip", [y, "", g.c(np.float32(0.6))], name="clip_hi")
y = g.n("Max", [y, g.c(np.float32(0.7))], name="floor7")  # a lower bound above the upper one
expect_error(g.save(g.qdq(y, 0.01), [1, 2, 4, 4]), "node 'cv' (Conv)", "Clip min 0.7 is above its max",
             "codes 70 > 60")

g = G("err_unflattened", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.n("Gemm", [x, g.wdq(rng.integers(-127, 128, (3, 32)), [0.01] * 3), g.c(np.zeros(3, np.float32))], name="gm",
        transB=1)
expect_error(g.save(g.qdq(y, 0.1), [1, 3]), "node 'gm' (Gemm)", "not flattened")

g = G("err_unused", (2, 4, 4))
x = g.qdq("input", 0.1)
y1 = g.qdq(g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="dead", kernel_shape=[1, 1]), 0.1)
y2 = g.qdq(g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="live", kernel_shape=[1, 1]), 0.1)
expect_error(g.save(y2, [1, 2, 4, 4]), "node 'dead' (Conv)", "never used")

g = G("err_float_input", (2, 4, 4))
y = g.n("Conv", [g.qdq("input", 0.1), g.c(rng.normal(0, 1, (2, 2, 1, 1)).astype(np.float32))], name="cv",
        kernel_shape=[1, 1])
y = g.n("Conv", [y, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="unq", kernel_shape=[1, 1])
expect_error(g.save(g.qdq(y, 0.1), [1, 2, 4, 4]), "node 'unq' (Conv)", "not quantized")

# --- ReLU6 forms: a Clip after the output's quantization (same scale), Max/Min with scalars, opset-6
# Clip attributes, a Clip on int8 codes (QOperator); each gives relu and act_max 60 and runs bit-exact.
def relu6_graph(name, form):
    g = G(name, (4, 6, 6))
    x = g.qdq("input", 1 / 100)
    y = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (4, 4, 3, 3)), [0.004] * 4)], name="c6", kernel_shape=[3, 3],
            pads=[1, 1, 1, 1])
    opsets = (("", 13),)
    if form == "after_qdq":
        y = g.qdq(y, 0.01)
        y = g.n("Clip", [y, g.c(np.float32(0)), g.c(np.float32(0.6))], name="relu6")
    elif form == "max_min":
        y = g.n("Max", [g.c(np.float32(0)), y], name="floor0")
        y = g.n("Min", [y, g.c(np.float32(0.6))], name="ceil6")
    elif form == "relu_clip":
        y = g.n("Relu", [y], name="r")
        y = g.n("Clip", [y, "", g.c(np.float32(0.6))], name="relu6")
    elif form == "attrs":
        y = g.n("Clip", [y], name="relu6", min=0.0, max=0.6)
        opsets = (("", 6),)
    y = g.qdq(y, 0.01)
    y = g.n("Conv", [y, g.wdq(rng.integers(-127, 128, (2, 4, 1, 1)), [0.01] * 2)], name="c7", kernel_shape=[1, 1])
    return g, g.qdq(y, 0.05), opsets


for form in ("after_qdq", "max_min", "relu_clip", "attrs"):
    g, y, ops = relu6_graph("relu6_" + form, form)
    r, net, w = vp_import(g.save(y, [1, 2, 6, 6], opsets=ops))
    check(r.returncode == 0, f"relu6 {form}: exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        text = open(net).read()
        check("{name: c6, op: conv, out_channels: 4, kernel: 3, stride: 1, padding: 1, relu: true, quant: {act_max: 60}}"
              in text, f"relu6 {form}: {text}")
        runs(net)

g = G("relu6_codes", (3, 6, 6))
sc = lambda v: g.c(np.float32(v))
z8 = lambda: g.c(np.int8(0))
q = g.n("QuantizeLinear", ["input", sc(1 / 50), z8()], name="q_in")
c1 = g.n("QLinearConv", [q, sc(1 / 50), z8(), g.c(rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)),
                         g.c(np.full(4, 0.01, np.float32)), g.c(np.zeros(4, np.int8)), sc(0.05), z8()], name="qc1",
         kernel_shape=[3, 3], pads=[1, 1, 1, 1])
c1 = g.n("Clip", [c1, g.c(np.int8(0)), g.c(np.int8(60))], name="clip_codes")
c2 = g.n("QLinearConv", [c1, sc(0.05), z8(), g.c(rng.integers(-127, 128, (2, 4, 1, 1)).astype(np.int8)),
                         g.c(np.float32(0.01)), g.c(np.int8(0)), sc(0.04), z8()], name="qc2", kernel_shape=[1, 1])
o = g.n("DequantizeLinear", [c2, sc(0.04), z8()], name="dq_out")
r, net, w = vp_import(g.save(o, [1, 2, 6, 6]))
check(r.returncode == 0, f"relu6_codes: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    check("{name: qc1, op: conv, out_channels: 4, kernel: 3, stride: 1, padding: 1, relu: true, quant: {act_max: 60}}"
          in open(net).read(), open(net).read())
    runs(net)

# Clip with any lower bound (quant.act_min): Clip(0.2, 0.6) in QDQ form, Max(x, 0.2) with Min, hardtanh's
# Clip(-1, 1) (act_min -64 at scale 1/64), a Clip(-0.3, 0.6) after the Q/DQ pair, and int8 bounds on a
# QLinear op's codes; each runs bit-exact on the VP.
def clip_graph(name, form):
    g = G(name, (4, 6, 6))
    x = g.qdq("input", 1 / 100)
    y = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (4, 4, 3, 3)), [0.004] * 4)], name="cl", kernel_shape=[3, 3],
            pads=[1, 1, 1, 1])
    s_out = 0.01
    if form == "clip":
        y = g.n("Clip", [y, g.c(np.float32(0.2)), g.c(np.float32(0.6))], name="clip")
    elif form == "max_min":
        y = g.n("Min", [g.n("Max", [y, g.c(np.float32(0.2))], name="floor2"), g.c(np.float32(0.6))], name="ceil6")
    elif form == "hardtanh":
        s_out = 1 / 64
        y = g.n("Clip", [y, g.c(np.float32(-1)), g.c(np.float32(1))], name="hardtanh")
    elif form == "after_qdq":
        y = g.qdq(y, s_out)
        y = g.n("Clip", [y, g.c(np.float32(-0.3)), g.c(np.float32(0.6))], name="clip")
    y = g.qdq(y, s_out)
    y = g.n("Conv", [y, g.wdq(rng.integers(-127, 128, (2, 4, 1, 1)), [0.01] * 2)], name="c7", kernel_shape=[1, 1])
    return g, g.qdq(y, 0.05)


clip_want = {"clip": "relu: true, quant: {act_max: 60, act_min: 20}",
             "max_min": "relu: true, quant: {act_max: 60, act_min: 20}",
             "hardtanh": "relu: false, quant: {act_max: 64, act_min: -64}",
             "after_qdq": "relu: false, quant: {act_max: 60, act_min: -30}"}
for form, want in clip_want.items():
    g, y = clip_graph("clipmin_" + form, form)
    r, net, w = vp_import(g.save(y, [1, 2, 6, 6]))
    check(r.returncode == 0, f"clip min {form}: exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        text = open(net).read()
        check("{name: cl, op: conv, out_channels: 4, kernel: 3, stride: 1, padding: 1, " + want + "}" in text,
              f"clip min {form}: {text}")
        runs(net)

g = G("clipmin_codes", (3, 6, 6))
sc = lambda v: g.c(np.float32(v))
z8 = lambda: g.c(np.int8(0))
q = g.n("QuantizeLinear", ["input", sc(1 / 50), z8()], name="q_in")
c1 = g.n("QLinearConv", [q, sc(1 / 50), z8(), g.c(rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8)),
                         g.c(np.full(4, 0.01, np.float32)), g.c(np.zeros(4, np.int8)), sc(0.05), z8()], name="qm1",
         kernel_shape=[3, 3], pads=[1, 1, 1, 1])
c1 = g.n("Clip", [c1, g.c(np.int8(-40)), g.c(np.int8(60))], name="clip_codes")
c2 = g.n("QLinearConv", [c1, sc(0.05), z8(), g.c(rng.integers(-127, 128, (2, 4, 1, 1)).astype(np.int8)),
                         g.c(np.float32(0.01)), g.c(np.int8(0)), sc(0.04), z8()], name="qm2", kernel_shape=[1, 1])
r, net, w = vp_import(g.save(g.n("DequantizeLinear", [c2, sc(0.04), z8()], name="dq_out"), [1, 2, 6, 6]))
check(r.returncode == 0, f"clipmin_codes: exit {r.returncode}: {r.stderr}")
if r.returncode == 0:
    check("{name: qm1, op: conv, out_channels: 4, kernel: 3, stride: 1, padding: 1, relu: false, "
          "quant: {act_max: 60, act_min: -40}}" in open(net).read(), open(net).read())
    runs(net)

# ReLU6 forms the VP cannot take: located errors.
g, y, _ = relu6_graph("err_relu6_rescale", "after_qdq")
g.nodes[-6].input[1] = g.c(np.float32(0.02))  # the QuantizeLinear after the Clip: another scale
g.nodes[-5].input[1] = g.nodes[-6].input[1]
expect_error(g.save(y, [1, 2, 6, 6]), "(QuantizeLinear)", "requantizes the output of 'c6' from scale 0.01 to 0.02")
g = G("err_clip_shared", (2, 4, 4))
y = g.qdq(g.n("Conv", [g.qdq("input", 0.1), g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="cs",
              kernel_shape=[1, 1]), 0.1)
a = g.qdq(g.n("Clip", [y, g.c(np.float32(0)), g.c(np.float32(6))], name="clip_shared"), 0.1)
expect_error(g.save(g.qdq(g.n("Add", [a, y], name="ad"), 0.1), [1, 2, 4, 4]), "node 'clip_shared' (Clip)",
             "when this node alone reads it")
g = G("err_min_two", (2, 4, 4))
x = g.qdq("input", 0.1)
y = g.n("Conv", [x, g.wdq(rng.integers(-127, 128, (2, 2, 1, 1)), [0.01] * 2)], name="cm", kernel_shape=[1, 1])
expect_error(g.save(g.qdq(g.n("Min", [y, x], name="min2"), 0.1), [1, 2, 4, 4]), "node 'min2' (Min)",
             "one activation and one scalar constant")

junk = os.path.join(WORK, "junk.onnx")
open(junk, "wb").write(b"this is not protobuf \xff\xff\xff")
expect_error(junk, "not an ONNX model")
expect_error(os.path.join(WORK, "absent.onnx"), "absent.onnx", code=1)

if failures:
    print(f"{len(failures)} failed")
    sys.exit(1)
print("vp-import: all cases passed")
