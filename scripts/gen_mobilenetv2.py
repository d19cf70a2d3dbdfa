#!/usr/bin/env python3
"""Writes mapping/networks/mobilenetv2.yaml: MobileNetV2 (Sandler et al., CVPR
2018), width 1.0, 224x224x3 input, 1000 classes, the layer sequence of its
Table 2 (torchvision's mobilenet_v2 has the same). Weights are seeded like
resnet18's (vp-map --seed); `calibration: per-channel` gives every conv and
dwconv a per-output-channel multiplier and bias, as a BN-folded int8 model has.
ReLU6 is the clamp `act_max: 96`: 6.0 at an activation scale of 1/16, the
seeded calibration's rms being 32 codes (mapping/docs/numerics.md).

Usage: scripts/gen_mobilenetv2.py [OUT.yaml] [--resolution R] [--name NAME]"""
import argparse

# (expansion t, output channels c, repeats n, first stride s): the paper's Table 2.
BLOCKS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
RELU6 = "relu: true, quant: {act_max: 96}"


def layers(resolution):
    out = [f"  - {{name: conv1, op: conv, out_channels: 32, kernel: 3, stride: 2, padding: 1, {RELU6}}}"]
    prev, cin, b = "conv1", 32, 0
    for t, c, n, s in BLOCKS:
        for i in range(n):
            b += 1
            stride = s if i == 0 else 1
            src = prev
            if t != 1:
                out.append(f"  - {{name: b{b}ex, op: conv, input: {src}, out_channels: {cin * t}, kernel: 1, {RELU6}}}")
                src = f"b{b}ex"
            out.append(f"  - {{name: b{b}dw, op: dwconv, input: {src}, kernel: 3, stride: {stride}, padding: 1, {RELU6}}}")
            out.append(f"  - {{name: b{b}pw, op: conv, out_channels: {c}, kernel: 1}}")
            if stride == 1 and cin == c:
                out.append(f"  - {{name: b{b}add, op: add, input: [b{b}pw, {prev}]}}")
                prev = f"b{b}add"
            else:
                prev = f"b{b}pw"
            cin = c
    out.append(f"  - {{name: conv_last, op: conv, input: {prev}, out_channels: 1280, kernel: 1, {RELU6}}}")
    out.append("  - {name: gap, op: avgpool, global: true}")
    out.append("  - {name: fc, op: fc, out_channels: 1000}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="mapping/networks/mobilenetv2.yaml")
    ap.add_argument("--resolution", type=int, default=224)
    ap.add_argument("--name", default="mobilenetv2")
    a = ap.parse_args()
    head = [
        f"# MobileNetV2 (Sandler et al., CVPR 2018), width 1.0, {a.resolution}x{a.resolution}x3, 1000 classes:",
        "# conv 3x3/2 32, 17 inverted-residual bottlenecks (expand 1x1 + ReLU6, depthwise 3x3 + ReLU6,",
        "# project 1x1, an add where stride 1 keeps the channels), conv 1x1 1280, global average pool, fc.",
        "# ReLU6 is act_max 96 (6.0 at a scale of 1/16). Seeded per-channel weights, as resnet18's are seeded.",
        "# Written by scripts/gen_mobilenetv2.py; format: mapping/docs/network-format.md.",
        f"name: {a.name}",
        "calibration: per-channel",
        f"input: {{channels: 3, height: {a.resolution}, width: {a.resolution}}}",
        "layers:",
    ]
    with open(a.out, "w") as f:
        f.write("\n".join(head + layers(a.resolution)) + "\n")


if __name__ == "__main__":
    main()
