#!/usr/bin/python3
"""vp-import: an ONNX model as a network file and a weights file of the VP.

    vp-import MODEL.onnx --out-network NET.yaml --out-weights W.vpwt
              [--calibration X.npy] [--ima-rows 256] [--adc-bits 8] [--dac-bits 8]
              [--float-predictions FILE] [--name NAME]

Reads three forms (mapping/docs/onnx-import.md):
  QDQ        QuantizeLinear/DequantizeLinear around Conv (depthwise too: group =
             channels becomes op dwconv), Gemm/MatMul, Add,
             MaxPool, AveragePool, GlobalAveragePool, Relu/Clip (ReLU6 forms, Max/Min
             with a scalar), Flatten/Reshape;
  QOperator  QLinearConv, QLinearMatMul, QLinearAdd (com.microsoft);
  float      the same float ops, quantized here: weights per output channel
             symmetric int8 (scale max|w| / 127), activations symmetric int8 with
             the scale max|x| / 127 on the calibration set (--calibration, float
             NCHW .npy; without it, 64 seeded uniform images in [0, 1]).
The numerics are mapping/docs/numerics.md: activations symmetric (a non-zero
zero point is refused), per-channel 31-bit multipliers and int32 biases, ReLU6 and
Clip as act_max and act_min (any lower bound), adds rescaling both inputs, pools keeping their input's scale.
Each analog layer's ADC gain (adc_shift) is calibrated on the calibration set
(or the seeded images): the 99.99th percentile of the crossbar sums onto the ADC's range.

Exit codes: 0 written; 2 the model cannot be imported (unsupported operator,
attribute or shape: the error names the node, its op and why); 1 a file
cannot be read or written. Nothing is written unless everything imported.
"""
import argparse
import math
import os
import re
import struct
import sys
import tempfile

import numpy as np

try:
    import onnx
    from onnx import numpy_helper
except ImportError:  # pragma: no cover
    sys.exit("vp-import: the Python ONNX package is missing (Debian: apt-get install python3-onnx)")

VPWT_MAGIC, VPWT_VERSION, NAME_MAX = 0x54575056, 2, 23


class ImportError_(Exception):
    """The model cannot be imported: exit 2."""


def fail(node, why):
    raise ImportError_(f"node '{node.name or '(unnamed)'}' ({node.op_type}): {why}")


class Act:
    """An activation: the VP layer that produces it (-1: the network input)."""

    def __init__(self, layer, shape, scale=None, quantized=False, flat=False):
        self.layer, self.shape, self.scale, self.quantized, self.flat = layer, shape, scale, quantized, flat
        self.is_q = False  # the output of a QuantizeLinear (or a QLinear op): int8 codes


class Importer:
    def __init__(self, model, args):
        self.m, self.a = model, args
        self.inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
        self.env = {}        # tensor name -> Act or numpy constant
        self.layers = []     # dicts, network order
        self.names = set()
        self.input_scale = None
        self.uses, self.dq_of = {}, {}  # readers per tensor; a DequantizeLinear's output -> its int8 input

    # --- helpers ----------------------------------------------------------
    def const(self, node, name, what):
        v = self.env.get(name, self.inits.get(name))
        if not isinstance(v, np.ndarray):
            fail(node, f"{what} '{name}' must be a constant (an initializer)")
        return v

    def act(self, node, name):
        v = self.env.get(name)
        if not isinstance(v, Act):
            fail(node, f"input '{name}' is not an activation the VP computes (a constant or an unsupported producer)")
        return v

    def attr(self, node, key, default=None):
        for a in node.attribute:
            if a.name == key:
                return onnx.helper.get_attribute_value(a)
        return default

    def check_attrs(self, node, allowed):
        for a in node.attribute:
            if a.name not in allowed:
                fail(node, f"attribute '{a.name}' is not supported (supported: {', '.join(sorted(allowed)) or 'none'})")

    def layer_name(self, node, fallback):
        base = re.sub(r"[^A-Za-z0-9_-]", "_", node.name or fallback)[:NAME_MAX] or fallback
        if base == "input":
            base = "input_"
        name, k = base, 1
        while name in self.names:
            suffix = f"_{k}"
            name, k = base[:NAME_MAX - len(suffix)] + suffix, k + 1
        self.names.add(name)
        return name

    def new_layer(self, node, fallback, **kw):
        kw["name"] = self.layer_name(node, fallback)
        kw.setdefault("relu", False)
        kw.setdefault("act_max", None)  # float upper bound of a Clip / Relu6
        kw.setdefault("act_min", None)  # float lower bound of a Clip other than 0 (Relu)
        kw.setdefault("scale", None)
        kw["node"] = node
        self.layers.append(kw)
        return len(self.layers) - 1

    def open_layer(self, x):
        """The layer of activation x, if its output is not quantized yet (a Relu/Clip/Q may follow)."""
        return self.layers[x.layer] if x.layer >= 0 and not x.quantized else None

    def close(self, node, x, scale):
        """Activation x gets its (symmetric) scale; returns the quantized activation."""
        if x.quantized:
            if x.layer >= 0 and self.layers[x.layer]["op"] in ("maxpool", "avgpool") and \
                    not math.isclose(scale, x.scale, rel_tol=1e-6):
                fail(node, f"output scale {scale:g} of pool '{self.layers[x.layer]['name']}' differs from its input's "
                           f"{x.scale:g}: the VP's pools keep the scale")
            if not math.isclose(scale, x.scale, rel_tol=1e-6):
                fail(node, f"requantizes an activation from scale {x.scale:g} to {scale:g}; the VP requantizes only at a "
                           "conv, dwconv, fc or add output")
            return x
        if x.layer < 0:
            self.input_scale = scale
        else:
            L = self.layers[x.layer]
            if L["scale"] is not None and not math.isclose(scale, L["scale"], rel_tol=1e-6):
                fail(node, f"requantizes the output of '{L['name']}' from scale {L['scale']:g} to {scale:g} after a "
                           "Relu / Clip; the VP requantizes only at a conv, dwconv, fc or add output")
            if L["op"] in ("maxpool", "avgpool"):
                src = L["in_scale"]
                if src is not None and not math.isclose(scale, src, rel_tol=1e-6):
                    fail(node, f"output scale {scale:g} of pool '{L['name']}' differs from its input's {src:g}: the "
                               "VP's pools keep the scale")
            L["scale"] = scale
        return Act(x.layer, x.shape, scale, True, x.flat)

    def qparams(self, node, s_name, z_name, what):
        s = self.const(node, s_name, f"{what} scale")
        if s.size != 1:
            fail(node, f"{what} scale has {s.size} values; activations are quantized per tensor")
        if z_name:
            z = self.const(node, z_name, f"{what} zero point")
            if np.any(z != 0):
                fail(node, f"{what} zero point {int(z.flatten()[0])}: the VP's activations are symmetric int8 "
                           "(zero point 0, mapping/docs/numerics.md)")
            if z.dtype != np.int8:
                fail(node, f"{what} is {z.dtype}; the VP's activations are int8")
        return float(s.flatten()[0])

    # --- the graph --------------------------------------------------------
    def run(self):
        g = self.m.graph
        ins = [i for i in g.input if i.name not in self.inits]
        if len(ins) != 1:
            raise ImportError_(f"the graph has {len(ins)} inputs; the VP runs networks with one input image")
        dims = [d.dim_value if d.HasField("dim_value") else None for d in ins[0].type.tensor_type.shape.dim]
        if len(dims) != 4 or any(d is None or d <= 0 for d in dims[1:]) or dims[0] not in (None, 1):
            raise ImportError_(f"input '{ins[0].name}' has shape {dims}; the VP needs N x C x H x W with N 1")
        self.input_shape = tuple(dims[1:])
        self.uses = {}  # tensor name -> nodes reading it
        for node in g.node:
            for n in node.input:
                if n:
                    self.uses[n] = self.uses.get(n, 0) + 1
        for o in g.output:
            self.uses[o.name] = self.uses.get(o.name, 0) + 1
        self.env[ins[0].name] = Act(-1, self.input_shape)
        for node in g.node:
            handler = getattr(self, "op_" + node.op_type, None)
            if handler is None or (node.domain not in ("", "ai.onnx") and node.op_type != "QLinearAdd"):
                fail(node, "operator not supported (mapping/docs/onnx-import.md lists the supported ones)")
            handler(node)
        if len(g.output) != 1:
            raise ImportError_(f"the graph has {len(g.output)} outputs; the VP's network has one")
        out = self.env.get(g.output[0].name)
        if not isinstance(out, Act) or out.layer != len(self.layers) - 1 or out.layer < 0:
            raise ImportError_(f"output '{g.output[0].name}' is not the last layer's activation")
        used = {i for L in self.layers for i in L["inputs"]}
        for i, L in enumerate(self.layers[:-1]):
            if i not in used:
                fail(L["node"], "its output is never used: the VP's network has one output, the last layer")

    # Quantization nodes.
    def op_QuantizeLinear(self, node):
        self.check_attrs(node, {"axis"})
        x = self.act(node, node.input[0])
        s = self.qparams(node, node.input[1], node.input[2] if len(node.input) > 2 and node.input[2] else None,
                         "output")
        if len(node.input) < 3 or not node.input[2]:
            fail(node, "no zero point: QuantizeLinear then gives uint8; the VP's activations are int8")
        q = self.close(node, x, s)
        self.env[node.output[0]] = Act(q.layer, q.shape, q.scale, True, q.flat)
        self.env[node.output[0]].is_q = True

    def op_DequantizeLinear(self, node):
        self.check_attrs(node, {"axis"})
        src = node.input[0]
        if src in self.inits or isinstance(self.env.get(src), np.ndarray):  # a weight or a bias
            q = self.const(node, src, "input")
            s = self.const(node, node.input[1], "scale").astype(np.float64)
            z = self.const(node, node.input[2], "zero point") if len(node.input) > 2 and node.input[2] else 0
            if np.any(z != 0):
                fail(node, "a weight or bias zero point other than 0: the VP's weights are symmetric")
            axis = self.attr(node, "axis", 1)
            if s.size > 1:
                shape = [1] * q.ndim
                shape[axis] = s.size
                s = s.reshape(shape)
            self.env[node.output[0]] = q.astype(np.float64) * s
            self.wscale = getattr(self, "wscale", {})
            self.wscale[node.output[0]] = (s, q.dtype)
            return
        x = self.act(node, src)
        if not getattr(x, "is_q", False):
            fail(node, "dequantizes a tensor that no QuantizeLinear produced")
        self.qparams(node, node.input[1], node.input[2] if len(node.input) > 2 and node.input[2] else None, "input")
        self.env[node.output[0]] = Act(x.layer, x.shape, x.scale, True, x.flat)
        self.dq_of[node.output[0]] = src

    # Analog layers.
    def conv_geometry(self, node, k_shape, x):
        ks = self.attr(node, "kernel_shape", list(k_shape))
        if len(ks) != 2 or ks[0] != ks[1]:
            fail(node, f"kernel {ks}: the VP's kernels are square")
        st = self.attr(node, "strides", [1, 1])
        if st[0] != st[1]:
            fail(node, f"strides {st}: the VP's strides are equal in both directions")
        pads = self.attr(node, "pads", [0, 0, 0, 0])
        if len(set(pads)) != 1:
            fail(node, f"pads {pads}: the VP pads every side by the same amount")
        if self.attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            fail(node, "auto_pad: give explicit pads")
        if any(d != 1 for d in self.attr(node, "dilations", [1, 1])):
            fail(node, "dilations other than 1 are not supported")
        if self.attr(node, "ceil_mode", 0):
            fail(node, "ceil_mode 1 is not supported (the VP's output size rounds down)")
        k, s, p = ks[0], st[0], pads[0]
        if p > k - 1:
            fail(node, f"padding {p} exceeds kernel - 1 = {k - 1}")
        c, h, w = x.shape
        if x.flat:
            fail(node, "input is flattened")
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        if oh < 1 or ow < 1:
            fail(node, f"kernel {k} is larger than the padded input {h + 2 * p}x{w + 2 * p}")
        return k, s, p, oh, ow

    def quantize_close_input(self, node, x):
        """An analog or add layer's input must be quantized (QDQ) or, in a float model, gets calibrated."""
        if x.quantized:
            return x
        if self.form == "qdq":
            fail(node, "its input is not quantized (no QuantizeLinear/DequantizeLinear before it)")
        L = self.open_layer(x)
        return Act(x.layer, x.shape, None, True, x.flat)  # float model: the scale is calibrated later

    def weight_scale(self, node, name, w, co_axis):
        """Per-output-channel weight scales: from the DequantizeLinear, or max|w| / 127."""
        ws = getattr(self, "wscale", {}).get(name)
        if ws is not None:
            s, dtype = ws
            if dtype != np.int8:
                fail(node, f"weights are {dtype}; the VP's crossbars hold int8")
            s = np.broadcast_to(s, w.shape)
            s = np.moveaxis(s, co_axis, 0).reshape(w.shape[co_axis], -1)[:, 0]
            return np.asarray(s, np.float64)
        m = np.abs(np.moveaxis(w, co_axis, 0).reshape(w.shape[co_axis], -1)).max(axis=1)
        return np.where(m > 0, m / 127.0, 1.0)

    def depthwise(self, node, x, co, w_in):
        """Whether a conv of `group` is depthwise (group = input channels = output channels, one
        filter of one channel each: the VP's dwconv); any other grouping is an error."""
        g = self.attr(node, "group", 1)
        if g == 1:
            return False
        if g == x.shape[0] and co == g and w_in == 1:
            return True
        fail(node, f"group {g} with {x.shape[0]} input and {co} output channels: the VP runs grouped convolutions only "
                   "as depthwise ones (group = input channels = output channels, op dwconv)")

    def dwconv_layer(self, node, x, w, sw, b):
        """w: C x 1 x K x K (float); the record's K*K rows (ky, kx), one column per channel."""
        k, s, p, oh, ow = self.conv_geometry(node, w.shape[2:], x)
        c = w.shape[0]
        mat = np.transpose(w[:, 0], (1, 2, 0)).reshape(-1, c).astype(np.float64)
        return self.new_layer(node, "dwconv", op="dwconv", inputs=[x.layer], w=mat, sw=sw, b=b.astype(np.float64),
                              kernel=k, stride=s, padding=p, out=(c, oh, ow), in_scale=x.scale, adc_shift=0)

    def op_Conv(self, node):
        self.check_attrs(node, {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"})
        x = self.quantize_close_input(node, self.act(node, node.input[0]))
        w = self.const(node, node.input[1], "weight")
        if w.ndim == 4 and self.depthwise(node, x, w.shape[0], w.shape[1]):
            b = self.const(node, node.input[2], "bias") if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
            i = self.dwconv_layer(node, x, w, self.weight_scale(node, node.input[1], w, 0), b)
            self.env[node.output[0]] = Act(i, self.layers[i]["out"])
            return
        if w.ndim != 4 or w.shape[1] != x.shape[0]:
            fail(node, f"weight shape {list(w.shape)} does not match the input's {x.shape[0]} channels")
        b = self.const(node, node.input[2], "bias") if len(node.input) > 2 and node.input[2] else np.zeros(w.shape[0])
        k, s, p, oh, ow = self.conv_geometry(node, w.shape[2:], x)
        sw = self.weight_scale(node, node.input[1], w, 0)
        # rows (ky, kx, c_in), one column per output channel
        mat = np.transpose(w, (2, 3, 1, 0)).reshape(-1, w.shape[0]).astype(np.float64)
        i = self.new_layer(node, "conv", op="conv", inputs=[x.layer], w=mat, sw=sw, b=b.astype(np.float64),
                           kernel=k, stride=s, padding=p, out=(w.shape[0], oh, ow), in_scale=x.scale)
        self.env[node.output[0]] = Act(i, (w.shape[0], oh, ow))

    def fc(self, node, x, w_io, b, sw):
        """w_io: in_features x out_features, rows in the ONNX (C, H, W) flattening order."""
        c, h, wd = x.shape
        if not x.flat and h * wd > 1:
            fail(node, f"input of shape {list(x.shape)} is not flattened (Flatten or Reshape first)")
        if w_io.shape[0] != c * h * wd:
            fail(node, f"weight has {w_io.shape[0]} input features where the input has {c * h * wd}")
        rows = np.arange(c * h * wd).reshape(c, h, wd).transpose(1, 2, 0).reshape(-1)  # HWC row r <- CHW feature
        i = self.new_layer(node, "fc", op="fc", inputs=[x.layer], w=w_io[rows].astype(np.float64), sw=sw, b=b.astype(np.float64),
                           out=(w_io.shape[1], 1, 1), in_scale=x.scale)
        self.env[node.output[0]] = Act(i, (w_io.shape[1], 1, 1), flat=True)

    def op_Gemm(self, node):
        self.check_attrs(node, {"alpha", "beta", "transA", "transB"})
        if self.attr(node, "alpha", 1.0) != 1.0 or self.attr(node, "beta", 1.0) != 1.0 or self.attr(node, "transA", 0):
            fail(node, "alpha, beta other than 1 or transA are not supported")
        x = self.quantize_close_input(node, self.act(node, node.input[0]))
        w = self.const(node, node.input[1], "weight")
        tb = self.attr(node, "transB", 0)
        w_io = w.T if tb else w
        b = self.const(node, node.input[2], "bias").reshape(-1) if len(node.input) > 2 and node.input[2] else \
            np.zeros(w_io.shape[1])
        self.fc(node, x, w_io, b, self.weight_scale(node, node.input[1], w, 0 if tb else 1))

    def op_MatMul(self, node):
        self.check_attrs(node, set())
        x = self.quantize_close_input(node, self.act(node, node.input[0]))
        w = self.const(node, node.input[1], "weight")
        if w.ndim != 2:
            fail(node, f"weight of rank {w.ndim}: the VP's fc takes a matrix")
        self.fc(node, x, w, np.zeros(w.shape[1]), self.weight_scale(node, node.input[1], w, 1))

    # Digital layers.
    def op_Add(self, node):
        self.check_attrs(node, set())
        a, b = (self.act(node, t) for t in node.input[:2])
        if a.shape != b.shape:
            fail(node, f"shapes {list(a.shape)} and {list(b.shape)}: the VP's add takes equal shapes (no broadcast)")
        if a.flat or a.shape[1:] == (1, 1) and a.layer >= 0 and self.layers[a.layer]["op"] == "fc":
            fail(node, "an add of fully connected outputs is not supported")
        a, b = self.quantize_close_input(node, a), self.quantize_close_input(node, b)
        i = self.new_layer(node, "add", op="add", inputs=[a.layer, b.layer], out=a.shape, in_scales=(a.scale, b.scale))
        self.env[node.output[0]] = Act(i, a.shape)

    def pool(self, node, op, glob):
        x = self.act(node, node.input[0])
        if x.flat:
            fail(node, "input is flattened")
        if glob:
            self.check_attrs(node, set())
            c, h, w = x.shape
            if h != w:
                fail(node, f"a global pool over {h}x{w}: the VP's global pools take square maps")
            k, s, p, oh, ow = h, 1, 0, 1, 1
        else:
            self.check_attrs(node, {"kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad",
                                    "count_include_pad", "storage_order"})
            if self.attr(node, "storage_order", 0):
                fail(node, "storage_order 1 is not supported")
            k, s, p, oh, ow = self.conv_geometry(node, self.attr(node, "kernel_shape"), x)
            if op == "avgpool" and p > 0 and self.attr(node, "count_include_pad", 0):
                fail(node, "count_include_pad 1 with padding: the VP's average divides by the in-map elements")
        if not x.quantized and self.form == "qdq":
            fail(node, "its input is not quantized")
        i = self.new_layer(node, op, op=op, inputs=[x.layer], kernel=k, stride=s, padding=p, glob=glob,
                           out=(x.shape[0], oh, ow), in_scale=x.scale)
        self.layers[i]["scale"] = x.scale
        # A pool keeps its input's scale: its output is quantized already (a
        # QuantizeLinear after it must keep the scale).
        self.env[node.output[0]] = Act(i, (x.shape[0], oh, ow), x.scale, True)

    def op_MaxPool(self, node):
        if len(node.output) > 1 and node.output[1]:
            fail(node, "the Indices output is not supported")
        self.pool(node, "maxpool", False)

    def op_AveragePool(self, node):
        self.pool(node, "avgpool", False)

    def op_GlobalAveragePool(self, node):
        self.pool(node, "avgpool", True)

    def requantized_output(self, node, x):
        """The layer whose output x is, already quantized, when this node alone reads it: a Relu or Clip
        there (conv -> Q -> DQ -> Clip -> Q(same scale) -> DQ, or a Clip on a QLinear op's int8 codes)
        clamps the same codes as it would before the quantization (ReLU6 forms)."""
        if x.layer < 0 or not x.quantized or self.uses.get(node.input[0], 0) != 1:
            return None
        src = self.dq_of.get(node.input[0])
        if src is not None and self.uses.get(src, 0) != 1:
            return None
        return self.layers[x.layer]

    def activation(self, node, lo, hi, codes=False):
        """Relu / Clip(lo, hi) / Max / Min: the producing layer's ReLU (lo 0) and act_max (hi). `codes`: the
        bounds are int8 codes (a Clip on int8 tensors), else real values."""
        x = self.act(node, node.input[0])
        L = self.open_layer(x)
        after_q = L is None and self.requantized_output(node, x) is not None
        if after_q:
            L = self.layers[x.layer]
        if L is None or L["op"] not in ("conv", "dwconv", "fc", "add"):
            fail(node, "follows no conv, dwconv, fc or add output (before its quantization, or after it when this "
                       "node alone reads it): the VP applies ReLU and clips there")
        if codes:
            if getattr(x, "is_q", False) is not True:
                fail(node, "int8 bounds on a tensor that is not int8 codes")
            lo = None if lo is None or lo <= -128 else lo * x.scale
            hi = None if hi is None or hi >= 127 else hi * x.scale
        if lo is not None and lo >= 0:
            L["relu"] = True  # the kernels' floor 0; a positive lower bound is act_min above it
        if lo is not None and lo != 0:  # act_min: the real lower bound, a code once the output scale is known
            L["act_min"] = lo if L.get("act_min") is None else max(lo, L["act_min"])
        if hi is not None:
            if hi <= 0:
                fail(node, f"Clip max {hi:g} <= 0 is not supported")
            L["act_max"] = hi if L["act_max"] is None else min(hi, L["act_max"])
        if after_q and not codes:  # real values again: the QuantizeLinear that follows must keep the scale
            self.env[node.output[0]] = Act(x.layer, x.shape, x.scale, False, x.flat)
        else:
            self.env[node.output[0]] = x

    def op_Relu(self, node):
        self.check_attrs(node, set())
        self.activation(node, 0.0, None)

    def op_Clip(self, node):
        self.check_attrs(node, {"min", "max"})
        codes = False
        def bound(idx, key):
            nonlocal codes
            if len(node.input) > idx and node.input[idx]:
                c = self.const(node, node.input[idx], key)
                if c.size != 1:
                    fail(node, f"{key} has {c.size} values; a Clip's bounds are scalars")
                codes = codes or c.dtype == np.int8
                return float(c.reshape(-1)[0])
            v = self.attr(node, key)  # opset < 11: attributes
            return None if v is None else float(v)
        lo, hi = bound(1, "min"), bound(2, "max")
        self.activation(node, lo, hi, codes)

    def scalar_bound(self, node):
        """Max / Min of an activation and a scalar constant: (activation input, the constant)."""
        self.check_attrs(node, set())
        if len(node.input) != 2:
            fail(node, f"{len(node.input)} inputs: the VP takes Max / Min of an activation and one scalar constant")
        consts = [isinstance(self.env.get(n, self.inits.get(n)), np.ndarray) for n in node.input]
        if consts.count(True) != 1:
            fail(node, "needs one activation and one scalar constant (a ReLU / ReLU6 bound)")
        k = consts.index(True)
        c = self.const(node, node.input[k], "bound")
        if c.size != 1:
            fail(node, f"bound has {c.size} values; the VP clamps with one scalar")
        if k == 0:  # the activation first, as activation() reads it
            node = onnx.helper.make_node(node.op_type, [node.input[1], node.input[0]], list(node.output), name=node.name)
        return node, float(c.reshape(-1)[0]), c.dtype == np.int8

    def op_Max(self, node):  # Max(x, 0): ReLU
        node, c, codes = self.scalar_bound(node)
        self.activation(node, c, None, codes)

    def op_Min(self, node):  # Min(x, 6): the upper bound of ReLU6
        node, c, codes = self.scalar_bound(node)
        self.activation(node, None, c, codes)

    def flatten_to(self, node, x):
        if x.flat:
            self.env[node.output[0]] = x
            return
        self.env[node.output[0]] = Act(x.layer, x.shape, x.scale, x.quantized, True)
        self.env[node.output[0]].is_q = getattr(x, "is_q", False)

    def op_Flatten(self, node):
        self.check_attrs(node, {"axis"})
        if self.attr(node, "axis", 1) != 1:
            fail(node, "axis other than 1: the VP flattens an image's C x H x W")
        self.flatten_to(node, self.act(node, node.input[0]))

    def op_Reshape(self, node):
        self.check_attrs(node, {"allowzero"})
        x = self.act(node, node.input[0])
        shape = [int(v) for v in self.const(node, node.input[1], "shape").reshape(-1)]
        n = int(np.prod(x.shape))
        if len(shape) != 2 or shape[0] not in (1, -1, 0) or shape[1] not in (n, -1):
            fail(node, f"shape {shape}: only a flatten to [N, {n}] is supported")
        self.flatten_to(node, x)

    # QOperator form.
    def q_input(self, node, name):
        x = self.act(node, name)
        if not getattr(x, "is_q", False):
            fail(node, f"input '{name}' is not a quantized tensor (QuantizeLinear or a QLinear op)")
        return x

    def q_output(self, node, i, scale):
        L = self.layers[i]
        L["scale"] = scale
        out = Act(i, L["out"], scale, True, L["op"] == "fc")
        out.is_q = True
        self.env[node.output[0]] = out

    def qweights(self, node, idx_w, idx_s, idx_z):
        wq = self.const(node, node.input[idx_w], "weight")
        if wq.dtype != np.int8:
            fail(node, f"weights are {wq.dtype}; the VP's crossbars hold int8")
        z = self.const(node, node.input[idx_z], "weight zero point")
        if np.any(z != 0):
            fail(node, "a weight zero point other than 0: the VP's weights are symmetric")
        return wq.astype(np.float64), self.const(node, node.input[idx_s], "weight scale").astype(np.float64).reshape(-1)

    def op_QLinearConv(self, node):
        self.check_attrs(node, {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"})
        x = self.q_input(node, node.input[0])
        self.qparams(node, node.input[1], node.input[2], "input")
        wq, ws = self.qweights(node, 3, 4, 5)
        ys = self.qparams(node, node.input[6], node.input[7], "output")
        co = wq.shape[0]
        sw = np.broadcast_to(ws, (co,)).astype(np.float64)
        w = wq * sw[:, None, None, None]
        bq = self.const(node, node.input[8], "bias").astype(np.float64) if len(node.input) > 8 and node.input[8] \
            else np.zeros(co)
        if wq.ndim == 4 and self.depthwise(node, x, co, wq.shape[1]):
            self.q_output(node, self.dwconv_layer(node, x, w, sw, bq * x.scale * sw), ys)
            return
        k, s, p, oh, ow = self.conv_geometry(node, wq.shape[2:], x)
        mat = np.transpose(w, (2, 3, 1, 0)).reshape(-1, co)
        i = self.new_layer(node, "conv", op="conv", inputs=[x.layer], w=mat, sw=sw, b=bq * x.scale * sw,
                           kernel=k, stride=s, padding=p, out=(co, oh, ow), in_scale=x.scale)
        self.q_output(node, i, ys)

    def op_QLinearMatMul(self, node):
        self.check_attrs(node, set())
        x = self.q_input(node, node.input[0])
        self.qparams(node, node.input[1], node.input[2], "input")
        wq, ws = self.qweights(node, 3, 4, 5)
        ys = self.qparams(node, node.input[6], node.input[7], "output")
        sw = np.broadcast_to(ws, (wq.shape[1],)).astype(np.float64)
        self.fc(node, x, wq * sw[None, :], np.zeros(wq.shape[1]), sw)
        self.q_output(node, len(self.layers) - 1, ys)

    def op_QLinearAdd(self, node):
        self.check_attrs(node, set())
        a, b = self.q_input(node, node.input[0]), self.q_input(node, node.input[3])
        self.qparams(node, node.input[1], node.input[2], "input A")
        self.qparams(node, node.input[4], node.input[5], "input B")
        ys = self.qparams(node, node.input[6], node.input[7], "output")
        if a.shape != b.shape:
            fail(node, f"shapes {list(a.shape)} and {list(b.shape)}: the VP's add takes equal shapes (no broadcast)")
        i = self.new_layer(node, "add", op="add", inputs=[a.layer, b.layer], out=a.shape, in_scales=(a.scale, b.scale))
        self.q_output(node, i, ys)


# --- calibration: activations and crossbar sums -----------------------------
def forward(imp, images, collect):
    """Runs the imported layers on float NCHW images with the quantization known
    so far (unknown scales: float); records max |output| per layer and, with
    `collect`, the exact crossbar sums of each analog layer's int8 input codes."""
    import torch
    import torch.nn.functional as F
    x = torch.from_numpy(images.astype(np.float64))
    def quant(t, s):
        return t if s is None else torch.clamp(torch.round(t / s), -128, 127) * s
    outs, maxabs, sums = {}, {}, {}
    x = quant(x, imp.input_scale)
    def get(i):
        return x if i < 0 else outs[i]
    for i, L in enumerate(imp.layers):
        t = get(L["inputs"][0])
        if L["op"] in ("conv", "fc"):
            C = L["w"].shape[1]
            if L["op"] == "conv":
                c_in = t.shape[1]
                k = L["kernel"]
                w4 = torch.from_numpy(L["w"].reshape(k, k, c_in, C).transpose(3, 2, 0, 1).copy())
                y = F.conv2d(t, w4, torch.from_numpy(L["b"]), L["stride"], L["padding"])
                if collect:
                    s_in = L.get("in_scale_cal")
                    cols = F.unfold(t / s_in, k, padding=L["padding"], stride=L["stride"])  # N x (c_in*k*k) x P
                    # unfold orders rows (c_in, ky, kx); the crossbar's rows are (ky, kx, c_in)
                    n, _, P = cols.shape
                    cols = cols.reshape(n, c_in, k, k, P).permute(0, 2, 3, 1, 4).reshape(n, k * k * c_in, P)
                    wq = torch.from_numpy(np.round(L["w"] / L["sw"][None, :]))
                    sums[i] = chunk_sums(torch.round(cols).permute(0, 2, 1).reshape(-1, k * k * c_in), wq, imp.a.ima_rows)
            else:
                flat = t.permute(0, 2, 3, 1).reshape(t.shape[0], -1)  # HWC order: the rows of L["w"]
                y = flat @ torch.from_numpy(L["w"]) + torch.from_numpy(L["b"])
                y = y[:, :, None, None]
                if collect:
                    wq = torch.from_numpy(np.round(L["w"] / L["sw"][None, :]))
                    sums[i] = chunk_sums(torch.round(flat / L["in_scale_cal"]), wq, imp.a.ima_rows)
        elif L["op"] == "dwconv":  # digital: exact sums, no crossbar and no ADC
            k, c = L["kernel"], L["w"].shape[1]
            w4 = torch.from_numpy(L["w"].reshape(k, k, c).transpose(2, 0, 1)[:, None].copy())
            y = F.conv2d(t, w4, torch.from_numpy(L["b"]), L["stride"], L["padding"], groups=c)
        elif L["op"] == "add":
            y = t + get(L["inputs"][1])
        elif L["op"] == "maxpool":
            y = F.max_pool2d(t, L["kernel"], L["stride"], L["padding"])
        else:
            y = F.avg_pool2d(t, L["kernel"], L["stride"], L["padding"], count_include_pad=False)
        if L.get("relu"):
            y = torch.clamp(y, min=0)
        if L.get("act_min") is not None:
            y = torch.clamp(y, min=L["act_min"])
        if L.get("act_max") is not None:
            y = torch.clamp(y, max=L["act_max"])
        maxabs[i] = float(y.abs().max())
        outs[i] = quant(y, L["scale"])
    return maxabs, sums


def chunk_sums(codes, wq, rows):
    """|exact crossbar sums| of int8 input codes (vectors x rows) on crossbars of `rows` rows."""
    out = []
    for r0 in range(0, wq.shape[0], rows):
        out.append((codes[:, r0:r0 + rows] @ wq[r0:r0 + rows]).abs().flatten())
    import torch
    return torch.cat(out)


def fit_mult(m, bits):
    """m ~ mult / 2^shift with mult of `bits` bits (normalised), shift 0..62 (31 for adds)."""
    if m <= 0:
        return 1, 0
    shift = bits - 1 - math.floor(math.log2(m))
    shift = max(0, min(62 if bits == 31 else 31, shift))
    mult = int(round(m * 2 ** shift))
    return max(1, min(mult, 2 ** (bits) - 1)), shift


def calibrate(imp):
    a = imp.a
    if a.calibration:
        try:
            images = np.load(a.calibration).astype(np.float64)
        except (OSError, ValueError) as e:
            raise IOError(f"{a.calibration}: cannot read a calibration set (.npy): {e}")
        if images.ndim != 4 or tuple(images.shape[1:]) != imp.input_shape:
            raise ImportError_(f"calibration set {a.calibration}: shape {list(images.shape)}, the model's input is "
                               f"N x {' x '.join(map(str, imp.input_shape))}")
    else:
        images = np.random.default_rng(a.seed).uniform(0, 1, (64,) + imp.input_shape)
    import torch
    with torch.no_grad():
        if imp.form == "float":  # scales from the float model, layer by layer
            if imp.input_scale is None:
                imp.input_scale = max(float(np.abs(images).max()), 1e-12) / 127.0
            maxabs, _ = forward(imp, images, False)
            for i, L in enumerate(imp.layers):
                if L["op"] in ("maxpool", "avgpool"):
                    continue
                L["scale"] = max(maxabs[i], 1e-12) / 127.0
            for L in imp.layers:  # pools keep their input's scale
                if L["op"] in ("maxpool", "avgpool"):
                    src = L["inputs"][0]
                    L["scale"] = imp.input_scale if src < 0 else imp.layers[src]["scale"]
        for L in imp.layers:
            src = L["inputs"]
            L["in_scale_cal"] = imp.input_scale if src[0] < 0 else imp.layers[src[0]]["scale"]
            if L["op"] == "add":
                L["in_scales_cal"] = tuple(imp.input_scale if s < 0 else imp.layers[s]["scale"] for s in src)
        _, sums = forward(imp, images, True)
    limit = 2 ** (a.adc_bits - 1) - 1
    for i, L in enumerate(imp.layers):
        if i in sums:
            s = sums[i].double()
            p = float(torch.quantile(s[:4_000_000], 0.9999)) if s.numel() else 0.0
            L["adc_shift"] = max(0, min(31, math.ceil(math.log2(p / limit)))) if p > limit else 0


# --- output -------------------------------------------------------------
def emit(imp, net_path, w_path):
    a = imp.a
    lines = [f"# Imported by vp-import from {os.path.basename(a.model)} ({imp.form} form); mapping/docs/onnx-import.md.",
             f"name: {a.name}",
             "input: {channels: %d, height: %d, width: %d}" % imp.input_shape]
    if a.float_predictions:
        lines.append(f"float_predictions: {os.path.relpath(os.path.abspath(a.float_predictions), os.path.dirname(os.path.abspath(net_path)))}")
    lines.append(f"weights: {os.path.relpath(os.path.abspath(w_path), os.path.dirname(os.path.abspath(net_path)))}")
    lines.append(f"input_scale: {imp.input_scale!r}")
    lines.append("layers:")
    records = []
    for i, L in enumerate(imp.layers):
        node = L["node"]
        ins = ["input" if k < 0 else imp.layers[k]["name"] for k in L["inputs"]]
        f = {"name": L["name"], "op": L["op"]}
        if not (len(ins) == 1 and L["inputs"][0] == i - 1):
            f["input"] = ins[0] if len(ins) == 1 else "[" + ", ".join(ins) + "]"
        s_out = L["scale"]
        if s_out is None:
            fail(node, "its output has no quantization scale")
        quant = {}
        if L["op"] in ("conv", "fc"):
            f["out_channels"] = L["out"][0]
        if L["op"] in ("conv", "dwconv") or L["op"] in ("maxpool", "avgpool") and not L.get("glob"):
            f["kernel"], f["stride"], f["padding"] = L["kernel"], L["stride"], L["padding"]
        if L.get("glob"):
            f["global"] = "true"
        if L["op"] == "avgpool":
            f["rounding"] = "half_even"  # QuantizeLinear rounds the float average half to even
        if L["op"] in ("conv", "fc", "add", "dwconv"):
            f["relu"] = "true" if L["relu"] else "false"
            floor = 0 if L["relu"] else -128  # the kernels' own lower clamp
            hi_code = 127
            if L["act_max"] is not None:
                am = int(round(L["act_max"] / s_out))
                if am < 127:
                    hi_code = quant["act_max"] = max(am, floor)
            if L.get("act_min") is not None:
                # QuantizeLinear is monotone, so Q(max(y, lo)) = max(Q(y), Q(lo)): the bound's code (rounded half
                # to even as QuantizeLinear does) clamps the requantized codes exactly
                lo_code = min(127, int(round(L["act_min"] / s_out)))
                if lo_code > hi_code:
                    fail(node, f"Clip min {L['act_min']:g} is above its max (codes {lo_code} > {hi_code} at scale "
                               f"{s_out:g})")
                if lo_code > floor:
                    quant["act_min"] = lo_code
        if L["op"] == "add":
            sa, sb = L["in_scales"] if None not in L["in_scales"] else L["in_scales_cal"]
            ma, mb = sa / s_out, sb / s_out
            top = max(ma, mb)
            shift = max(0, min(31, 14 - math.floor(math.log2(top))))
            mult_a, mult_b = int(round(ma * 2 ** shift)), int(round(mb * 2 ** shift))
            if max(mult_a, mult_b) > 32767 or min(mult_a, mult_b) < 1:
                fail(node, f"input scales {sa:g}, {sb:g} and output scale {s_out:g}: rescaling factors out of range")
            quant.update({"mult_a": mult_a, "mult_b": mult_b, "shift": shift})
        if L["op"] in ("conv", "fc", "dwconv"):
            s_in = L["in_scale"] if L["in_scale"] is not None else L["in_scale_cal"]
            adc = L["adc_shift"]
            wq = np.round(L["w"] / L["sw"][None, :])
            if np.abs(wq).max() > 127:
                fail(node, "weights do not fit int8 at their scales")
            chans = []
            for c in range(wq.shape[1]):
                unit = s_in * L["sw"][c] * 2 ** adc  # one accumulator step in real units
                mult, shift = fit_mult(unit / s_out, 31)
                bias = int(round(L["b"][c] / unit))
                if abs(bias) >= 2 ** 31:
                    fail(node, f"bias of channel {c} does not fit int32 in accumulator units")
                chans.append((bias, mult, shift))
            records.append((L["name"], wq.astype(np.int8), adc, chans))
        if quant:
            f["quant"] = "{" + ", ".join(f"{k}: {v}" for k, v in quant.items()) + "}"
        lines.append("  - {" + ", ".join(f"{k}: {v}" for k, v in f.items()) + "}")
    blob = bytearray(struct.pack("<4I", VPWT_MAGIC, VPWT_VERSION, len(records), 0))
    for name, wq, adc, chans in records:
        rows, cols = wq.shape
        b0, m0, s0 = chans[0]
        uniform = int(all(b == 0 and m == m0 and s == s0 for b, m, s in chans))
        blob += name.encode().ljust(32, b"\0")
        blob += struct.pack("<II3iI", rows, cols, adc, m0, s0, uniform)
        blob += wq.tobytes()
        blob += b"\0" * ((-rows * cols) % 4)
        for b, m, s in chans:
            blob += struct.pack("<3i", b, m, s)
    return "\n".join(lines) + "\n", bytes(blob)


def write_atomic(path, data):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".vp-import-")
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # as a plain open() would create it
    with os.fdopen(fd, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return tmp


def main(argv=None):
    ap = argparse.ArgumentParser(prog="vp-import", description="An ONNX model as a VP network and weights file.")
    ap.add_argument("model")
    ap.add_argument("--out-network", required=True)
    ap.add_argument("--out-weights", required=True)
    ap.add_argument("--name", help="the network's name (default: the model file's)")
    ap.add_argument("--calibration", help="float N x C x H x W .npy images for scales and ADC gains")
    ap.add_argument("--float-predictions", help="a file of the float model's classes, recorded in the network file")
    ap.add_argument("--ima-rows", type=int, default=256, help="crossbar rows (cluster.ima.rows; default 256)")
    ap.add_argument("--adc-bits", type=int, default=8, help="cluster.ima.adc_bits (default 8)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the calibration images without --calibration")
    a = ap.parse_args(argv)
    a.name = a.name or os.path.splitext(os.path.basename(a.model))[0]
    try:
        try:
            model = onnx.load(a.model)
        except FileNotFoundError as e:
            raise IOError(f"{a.model}: {e.strerror}")
        except Exception as e:  # protobuf's DecodeError and friends
            raise ImportError_(f"not an ONNX model: {e}")
        imp = Importer(model, a)
        ops = {n.op_type for n in model.graph.node}
        imp.form = "qoperator" if ops & {"QLinearConv", "QLinearMatMul", "QLinearAdd"} else \
            "qdq" if "QuantizeLinear" in ops else "float"
        imp.run()
        calibrate(imp)
        net_text, blob = emit(imp, a.out_network, a.out_weights)
        tmp_n = write_atomic(a.out_network, net_text)
        tmp_w = write_atomic(a.out_weights, blob)
        os.replace(tmp_w, a.out_weights)
        os.replace(tmp_n, a.out_network)
    except ImportError_ as e:
        print(f"vp-import: {a.model}: {e}", file=sys.stderr)
        return 2
    except (IOError, OSError) as e:
        print(f"vp-import: {e}", file=sys.stderr)
        return 1
    print(f"vp-import: {a.model} ({imp.form}): {len(imp.layers)} layers -> {a.out_network}, {a.out_weights}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
