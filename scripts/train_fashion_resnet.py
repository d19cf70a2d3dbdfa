#!/usr/bin/python3
"""Trains the small ResNet-style CNN `fashion-resnet` on Fashion-MNIST, quantizes
it to int8 and exports it as a QDQ ONNX model (issue 17, point 5).

    scripts/train_fashion_resnet.py [--out-dir mapping/networks] [--epochs 8] [--seed 1]

Seeded (torch, data order), one thread, batches of 256: about 30 s of CPU per
epoch. (Two threads and batches of 128 took 5 minutes of CPU per epoch: this
network's layers are too small to share out.) The committed model is 8 epochs. Writes:
  fashion-resnet.onnx         the int8 model in QDQ form (QuantizeLinear /
                              DequantizeLinear around Conv, Add, Relu,
                              GlobalAveragePool, Flatten, Gemm)
  fashion-resnet.float-pred   the float (BN-folded) PyTorch model's class for each
                              of the 10000 test images, one byte each, so that
                              vp-run reports its top-1 on the same images
  fashion-resnet.calib.npy    (in --calib-dir) 512 training images as float, the
                              calibration set vp-import uses for the ADC gains
Then run vp-import on the ONNX file (scripts/import_fashion_resnet.sh does both).

Quantization (post-training, mapping/docs/numerics.md): weights per output
channel symmetric int8 (scale max|w| / 127); activations symmetric int8, zero
point 0, scale = the 99.99th percentile of |activation| on the calibration set
/ 127; the input is pixel / 255 at scale 1/127; the global average pool keeps
its input's scale.
"""
import argparse
import gzip
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

DATA = "/usr/share/datasets/fashion-mnist"


def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_split(data_dir, split):
    img = load_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    lab = load_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    return img, lab


class Net(nn.Module):
    """conv1 8 -> block(8) -> conv s2 16 -> block(16) -> global average -> fc 10."""

    def __init__(self):
        super().__init__()
        def cbn(ci, co, s=1):
            return nn.Sequential(nn.Conv2d(ci, co, 3, s, 1, bias=False), nn.BatchNorm2d(co))
        self.conv1 = cbn(1, 8)
        self.b1c1, self.b1c2 = cbn(8, 8), cbn(8, 8)
        self.down = cbn(8, 16, 2)
        self.b2c1, self.b2c2 = cbn(16, 16), cbn(16, 16)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.b1c2(F.relu(self.b1c1(x))) + x)
        x = F.relu(self.down(x))
        x = F.relu(self.b2c2(F.relu(self.b2c1(x))) + x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def fold(seq):
    """A Conv2d + BatchNorm2d pair as one conv's weight and bias (float64)."""
    conv, bn = seq[0], seq[1]
    g = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).double()
    w = conv.weight.double() * g[:, None, None, None]
    b = bn.bias.double() - bn.running_mean.double() * g
    return w.detach().numpy(), b.detach().numpy()


def folded_forward(p, x, taps=None):
    """The BN-folded float model (what the ONNX file quantizes); `taps` collects activations."""
    def conv(name, t, s=1):
        w, b = p[name]
        return F.conv2d(t, torch.from_numpy(w), torch.from_numpy(b), s, 1)
    def tap(name, t):
        if taps is not None:
            taps.setdefault(name, []).append(t.abs().flatten())
        return t
    x = tap("input", x)
    a1 = tap("conv1", F.relu(conv("conv1", x)))
    t = tap("b1c1", F.relu(conv("b1c1", a1)))
    t = tap("b1c2", conv("b1c2", t))
    a2 = tap("add1", F.relu(t + a1))
    d = tap("down", F.relu(conv("down", a2, 2)))
    t = tap("b2c1", F.relu(conv("b2c1", d)))
    t = tap("b2c2", conv("b2c2", t))
    a3 = tap("add2", F.relu(t + d))
    g = tap("gap", F.adaptive_avg_pool2d(a3, 1))
    w, b = p["fc"]
    return F.linear(torch.flatten(g, 1), torch.from_numpy(w), torch.from_numpy(b))


def to_input(images):
    return torch.from_numpy(images.astype(np.float64) / 255.0)[:, None]


def export(p, scales, path):
    """The QDQ ONNX graph of the quantized model."""
    nodes, inits = [], []
    def const(name, arr):
        inits.append(numpy_helper.from_array(arr, name))
        return name
    def scalar(name, v, dtype=np.float32):
        return const(name, np.array(v, dtype=dtype))
    def qdq(t, scale_name):
        """Quantize then dequantize tensor t at the activation scale `scale_name`."""
        s = scalar(f"{scale_name}_scale", scales[scale_name])
        z = scalar(f"{scale_name}_zp", 0, np.int8)
        nodes.append(helper.make_node("QuantizeLinear", [t, s, z], [f"{t}_q"], name=f"{t}_quant"))
        nodes.append(helper.make_node("DequantizeLinear", [f"{t}_q", s, z], [f"{t}_dq"], name=f"{t}_dequant"))
        return f"{t}_dq"
    def weights(name, w, b, s_in):
        axis_len = w.shape[0]
        sw = np.maximum(np.abs(w.reshape(axis_len, -1)).max(axis=1), 1e-12) / 127.0
        wq = np.clip(np.round(w / sw.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127).astype(np.int8)
        bscale = (s_in * sw).astype(np.float32)
        bq = np.round(b / bscale).astype(np.int32)
        wn = const(f"{name}_w_q", wq)
        ws = const(f"{name}_w_scale", sw.astype(np.float32))
        wz = const(f"{name}_w_zp", np.zeros(axis_len, np.int8))
        nodes.append(helper.make_node("DequantizeLinear", [wn, ws, wz], [f"{name}_w"], name=f"{name}_w_dequant", axis=0))
        bn = const(f"{name}_b_q", bq)
        bs = const(f"{name}_b_scale", bscale)
        bz = const(f"{name}_b_zp", np.zeros(axis_len, np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [bn, bs, bz], [f"{name}_b"], name=f"{name}_b_dequant", axis=0))
        return f"{name}_w", f"{name}_b"
    def conv(name, x, s_in, stride=1, relu=True):
        w, b = weights(name, *p[name], s_in)
        nodes.append(helper.make_node("Conv", [x, w, b], [f"{name}_conv"], name=name, kernel_shape=[3, 3],
                                      strides=[stride, stride], pads=[1, 1, 1, 1]))
        out = f"{name}_conv"
        if relu:
            nodes.append(helper.make_node("Relu", [out], [f"{name}_relu"], name=f"{name}_relu"))
            out = f"{name}_relu"
        return qdq(out, name)
    def add(name, a, b):
        nodes.append(helper.make_node("Add", [a, b], [f"{name}_sum"], name=name))
        nodes.append(helper.make_node("Relu", [f"{name}_sum"], [f"{name}_relu"], name=f"{name}_relu"))
        return qdq(f"{name}_relu", name)
    x = qdq("input", "input")
    a1 = conv("conv1", x, scales["input"])
    t = conv("b1c1", a1, scales["conv1"])
    t = conv("b1c2", t, scales["b1c1"], relu=False)
    a2 = add("add1", t, a1)
    d = conv("down", a2, scales["add1"], stride=2)
    t = conv("b2c1", d, scales["down"])
    t = conv("b2c2", t, scales["b2c1"], relu=False)
    a3 = add("add2", t, d)
    nodes.append(helper.make_node("GlobalAveragePool", [a3], ["gap_out"], name="gap"))
    g = qdq("gap_out", "gap")
    nodes.append(helper.make_node("Flatten", [g], ["flat"], name="flatten", axis=1))
    w, b = weights("fc", *p["fc"], scales["gap"])
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["fc_out"], name="fc", transB=1))
    logits = qdq("fc_out", "fc")
    graph = helper.make_graph(
        nodes, "fashion-resnet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, 28, 28])],
        [helper.make_tensor_value_info(logits, TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, producer_name="mpaimc-vp scripts/train_fashion_resnet.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out-dir", default="mapping/networks")
    ap.add_argument("--calib-dir", default=".")
    ap.add_argument("--epochs", type=int, default=8, help="epochs over the 60000 training images (the committed "
                    "model: 8)")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (results depend on it in the last bits)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(a.threads)
    try:
        xtr, ytr = load_split(a.data, "train")
        xte, yte = load_split(a.data, "t10k")
    except OSError as e:
        sys.exit(f"train_fashion_resnet: Fashion-MNIST in {a.data}: {e} (Debian: apt-get install dataset-fashion-mnist)")
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    xt = torch.from_numpy(xtr.astype(np.float32) / 255.0)[:, None]
    yt = torch.from_numpy(ytr.astype(np.int64))
    per_epoch = len(xt) // a.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=a.epochs * per_epoch)
    g = torch.Generator().manual_seed(a.seed)
    for epoch in range(a.epochs):
        net.train()
        perm = torch.randperm(len(xt), generator=g)
        total = 0.0
        for i in range(per_epoch):
            idx = perm[i * a.batch:(i + 1) * a.batch]
            loss = F.cross_entropy(net(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss)
            if (i + 1) % 100 == 0:
                print(f"epoch {epoch + 1} step {i + 1}/{per_epoch}: loss {total / (i + 1):.4f}", flush=True)
        print(f"epoch {epoch + 1}: mean loss {total / per_epoch:.4f}", flush=True)
    net.eval()
    p = {n: fold(getattr(net, n)) for n in ["conv1", "b1c1", "b1c2", "down", "b2c1", "b2c2"]}
    p["fc"] = (net.fc.weight.double().detach().numpy(), net.fc.bias.double().detach().numpy())
    with torch.no_grad():
        pred = torch.cat([folded_forward(p, to_input(xte[i:i + 1000])).argmax(1) for i in range(0, len(xte), 1000)])
        print(f"float (BN folded) top-1 on the 10000 test images: {float((pred.numpy() == yte).mean()):.4f}")
        taps = {}
        calib = xtr[:512]
        folded_forward(p, to_input(calib), taps)
    scales = {k: float(torch.quantile(torch.cat(v)[:2_000_000].float(), 0.9999)) / 127.0 for k, v in taps.items()}
    scales["input"] = 1.0 / 127.0
    scales["gap"] = scales["add2"]  # a pool keeps its input's scale
    # the logits: their own range
    with torch.no_grad():
        logits = folded_forward(p, to_input(calib))
    scales["fc"] = float(logits.abs().max()) / 127.0
    os.makedirs(a.out_dir, exist_ok=True)
    export(p, scales, os.path.join(a.out_dir, "fashion-resnet.onnx"))
    pred.numpy().astype(np.uint8).tofile(os.path.join(a.out_dir, "fashion-resnet.float-pred"))
    np.save(os.path.join(a.calib_dir, "fashion-resnet.calib.npy"), (calib.astype(np.float32) / 255.0)[:, None])
    print(f"wrote {a.out_dir}/fashion-resnet.onnx, fashion-resnet.float-pred; {a.calib_dir}/fashion-resnet.calib.npy")


if __name__ == "__main__":
    main()
