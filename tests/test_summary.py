"""convlab.summary: shapes, parameters, MACs and receptive fields of whole networks.

Oracles: torch (when installed) for output shapes and parameter counts, a hand formula
per layer type for MACs, a one-hot gradient pushed back through convlab's backward
passes for the receptive field, and the published table of Araujo et al. (Distill 2019,
google-research/receptive_field RECEPTIVE_FIELD_TABLE.md) for VGG-16 and ResNet-50.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest

import convlab as cl
from convlab import nn as cnn
from convlab.cli import main

try:
    import torch
    from torch import nn
except ImportError:
    torch = nn = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


def conv(out, k, **kw):
    return {"type": "conv", "out_channels": out, "kernel_size": k, **kw}


def vgg16():
    """torchvision's VGG-16 layout: 13 convs, 5 pools, adaptive pool to 7×7, 3 linears."""
    layers = []
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"]:  # fmt: skip
        if v == "M":
            layers.append({"type": "max_pool", "kernel_size": 2, "stride": 2})
        else:
            layers += [conv(v, 3, padding=1), {"type": "relu"}]
    layers += [{"type": "adaptive_avg_pool", "output_size": 7}, {"type": "flatten"}]
    for out in (4096, 4096):
        layers += [{"type": "linear", "out_features": out}, {"type": "relu"}, {"type": "dropout"}]
    return [*layers, {"type": "linear", "out_features": 1000}]


def mobilenet():
    """MobileNet-v1 style: a strided stem, then depthwise 3×3 + pointwise 1×1 blocks."""
    layers = [conv(32, 3, stride=2, padding=1, bias=False), {"type": "batchnorm"},
              {"type": "relu6"}]  # fmt: skip
    c = 32
    for out, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (1024, 2)]:
        layers += [
            conv(c, 3, stride=stride, padding=1, groups=c, bias=False), {"type": "batchnorm"},
            {"type": "relu6"}, conv(out, 1, bias=False), {"type": "batchnorm"}, {"type": "relu6"},
        ]  # fmt: skip
        c = out
    head = [{"type": "adaptive_avg_pool", "output_size": 1}, {"type": "flatten"},
            {"type": "linear", "out_features": 1000}]  # fmt: skip
    return [*layers, *head]


def dilated():
    """A context module: 3×3 convs with dilations 1, 2, 5 twice, 'same' and explicit pads."""
    layers = [conv(16, 3, padding="same", dilation=d) for d in (1, 2, 5)]
    return layers + [conv(16, 3, padding=d, dilation=d) for d in (1, 2, 5)]


def to_torch(layers, c, nd=2):
    """The torch.nn.Sequential a spec list describes (torch's own keyword names)."""
    mods = []
    for spec in layers:
        kw = {k: v for k, v in spec.items() if k != "type"}
        kind = spec["type"]
        if kind == "conv":
            mods.append(getattr(nn, f"Conv{nd}d")(c, **kw))
            c = kw["out_channels"]
        elif kind == "conv_transpose":
            mods.append(getattr(nn, f"ConvTranspose{nd}d")(c, **kw))
            c = kw["out_channels"]
        elif kind == "batchnorm":
            mods.append(getattr(nn, f"BatchNorm{nd}d")(c))
        elif kind == "linear":
            mods.append(None)  # sized by torch_model, which knows the flattened width
        else:
            name = {"max_pool": f"MaxPool{nd}d", "avg_pool": f"AvgPool{nd}d", "relu": "ReLU",
                    "relu6": "ReLU6", "dropout": "Dropout", "flatten": "Flatten",
                    "adaptive_avg_pool": f"AdaptiveAvgPool{nd}d"}[kind]  # fmt: skip
            mods.append(getattr(nn, name)(**kw))
    return mods, c


def torch_model(layers, shape):
    """Build on the meta device (no memory, no init time); linear sizes from the summary."""
    rows = cl.summary(layers, shape).rows
    with torch.device("meta"):
        mods, _ = to_torch(layers, shape[1], len(shape) - 2)
        for i, spec in enumerate(layers):
            if spec["type"] == "linear":
                f_in = (rows[i - 1]["output_shape"] if i else shape)[-1]
                mods[i] = nn.Linear(f_in, spec["out_features"])
        return nn.Sequential(*mods)


def hand_macs(m, x_shape, y_shape):
    """Multiply-accumulates by layer type, written from the definitions."""
    if isinstance(m, nn.modules.conv._ConvTransposeNd):
        per_input = m.in_channels * (m.out_channels // m.groups) * math.prod(m.kernel_size)
        return x_shape[0] * math.prod(x_shape[2:]) * per_input
    if isinstance(m, nn.modules.conv._ConvNd):
        per_output = m.out_channels * (m.in_channels // m.groups) * math.prod(m.kernel_size)
        return y_shape[0] * math.prod(y_shape[2:]) * per_output
    if isinstance(m, nn.Linear):
        return math.prod(x_shape[:-1]) * m.in_features * m.out_features
    if isinstance(m, nn.modules.batchnorm._BatchNorm):
        return math.prod(x_shape)
    return 0


def torch_truth(model, shape):
    """(name, output shape, hand MACs) of every leaf-module call, from a meta forward pass."""
    calls, names = [], {m: n for n, m in model.named_modules()}

    def hook(m, args, out):
        calls.append((names[m], tuple(out.shape), hand_macs(m, tuple(args[0].shape), out.shape)))

    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    with torch.no_grad():
        model(torch.empty(shape, device="meta"))
    for h in handles:
        h.remove()
    return calls


def assert_matches_torch(s, model, shape):
    """Every module row of the summary: torch's output shape and the hand MAC formula."""
    truth = torch_truth(model, shape)
    rows = [r for r in s.rows if r["name"] in {n for n, *_ in truth}]
    assert [(r["name"], r["output_shape"], r["macs"]) for r in rows] == truth
    assert s.total_params == sum(p.numel() for p in model.parameters())


# ----------------------------------------------------------------------------- totals


def test_vgg16_totals_and_hand_macs():
    s = cl.summary(vgg16(), (1, 3, 224, 224))
    assert s.total_params == 138_357_544  # torchvision's VGG16_Weights.num_params
    assert round(s.total_macs / 1e9, 2) == 15.47  # torchvision's documented GFLOPS (MACs)
    convs = [r for r in s.rows if r["type"].startswith("conv")]
    shape = (1, 3, 224, 224)
    expected = []
    for r in s.rows:  # 3×3 convs: H_out W_out C_out C_in 9; linear: in out
        if r["type"].startswith("conv"):
            expected.append(math.prod(r["output_shape"][2:]) * r["output_shape"][1] * shape[1] * 9)
        if r["type"].startswith("linear"):
            expected.append(shape[1] * r["output_shape"][1])
        shape = r["output_shape"]
    assert [r["macs"] for r in s.rows if r["macs"]] == expected
    assert len(convs) == 13 and s.output_shape == (1, 1000)
    assert s.param_bytes == 4 * 138_357_544
    assert s.activation_bytes == 4 * sum(math.prod(r["output_shape"]) for r in s.rows)


def test_vgg16_is_fast_and_never_convolves(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("summary ran a convolution")

    monkeypatch.setattr(cl, "conv2d", refuse)
    layers = vgg16()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        cl.summary(layers, (1, 3, 224, 224))
        times.append(time.perf_counter() - t)
    assert min(times) < 0.05


def test_araujo_vgg16_table():
    """Every VGG-16 end-point of the published table: size, effective stride and padding."""
    published = {  # end-point: (RF, effective stride, effective padding), resolution 224
        "conv1_1": (3, 1, 1), "pool1": (6, 2, 2), "conv2_1": (10, 2, 4), "pool2": (16, 4, 6),
        "conv3_1": (24, 4, 10), "conv3_2": (32, 4, 14), "pool3": (44, 8, 18),
        "conv4_1": (60, 8, 26), "conv4_2": (76, 8, 34), "pool4": (100, 16, 42),
        "conv5_1": (132, 16, 58), "conv5_2": (164, 16, 74), "pool5": (212, 32, 90),
    }  # fmt: skip
    names, block, i = [], 1, 1
    for spec in vgg16()[:31]:
        if spec["type"] == "conv":
            names.append(f"conv{block}_{i}")
            i += 1
        elif spec["type"] == "max_pool":
            names.append(f"pool{block}")
            block, i = block + 1, 1
        else:
            names.append("relu")
    layers = [dict(spec, name=n) for spec, n in zip(vgg16()[:31], names, strict=True)]
    got = {
        r["name"]: (r["receptive_field"][0], r["jump"][0], effective_padding(r)[0])
        for r in cl.summary(layers, (1, 3, 224, 224)).rows
    }
    assert {k: got[k] for k in published} == published


def effective_padding(row):
    """Araujo's P: how far left of input pixel 0 unit 0's field begins."""
    return tuple((r - 1) / 2 - c for r, c in zip(row["receptive_field"], row["start"], strict=True))


def slim_resnet50_main_path():
    """TF-Slim resnet_v1_50 at 224 (the table's model): stride in each block's LAST unit,
    'SAME' max pool on 112 pads 0 before and 1 after, conv2d_same pads 3 and 1."""
    layers = [conv(64, 7, stride=2, padding=3), {"type": "relu"},
              {"type": "pad", "pad": [0, 1, 0, 1]}, {"type": "max_pool", "kernel_size": 3, "stride": 2}]  # fmt: skip
    ends = []
    for b, (units, depth, stride) in enumerate([(3, 64, 2), (4, 128, 2), (6, 256, 2), (3, 512, 1)]):
        for u in range(units):
            s = stride if u == units - 1 else 1
            layers += [conv(depth, 1), conv(depth, 3, stride=s, padding=1), conv(4 * depth, 1)]
        ends.append(len(layers) - 1)
        del b
    return layers, ends


def test_araujo_resnet50_blocks():
    layers, ends = slim_resnet50_main_path()
    rows = cl.summary(layers, (1, 3, 224, 224)).rows
    got = [(rows[e]["receptive_field"][0], rows[e]["jump"][0], effective_padding(rows[e])[0])
           for e in ends]  # fmt: skip
    assert got == [(35, 8, 15), (99, 16, 47), (291, 32, 143), (483, 32, 239)]


# ----------------------------------------------------------------------------- torch


@needs_torch
@pytest.mark.parametrize(
    "build, shape",
    [(vgg16, (1, 3, 224, 224)), (mobilenet, (2, 3, 224, 224)), (dilated, (1, 16, 40, 33))],
    ids=["vgg16", "mobilenet", "dilated"],
)
def test_spec_lists_match_torch(build, shape):
    layers = build()
    model = torch_model(layers, shape)
    s = cl.summary(layers, shape)
    assert_matches_torch(s, model, shape)
    traced = cl.summary(model, shape)  # the torch walker reads the same numbers
    keys = ("output_shape", "params", "macs", "receptive_field", "jump", "start")
    assert [[r[k] for k in keys] for r in traced.rows] == [[r[k] for k in keys] for r in s.rows]


@needs_torch
def test_mobilenet_parameter_count():
    # depthwise 3×3 has C*9 weights, pointwise C_in*C_out: far fewer than a full 3×3 conv
    s = cl.summary(mobilenet(), (1, 3, 224, 224))
    dw = [r for r in s.rows if "groups" in r["type"]]
    assert all(r["params"] == r["output_shape"][1] * 9 for r in dw)


def resnet18():
    class Block(nn.Module):
        def __init__(self, c_in, c_out, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
            self.bn1, self.relu = nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(c_out)
            self.downsample = None
            if stride != 1 or c_in != c_out:
                self.downsample = nn.Sequential(
                    nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out)
                )

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out += identity
            return self.relu(out)

    class ResNet18(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1, self.relu = nn.BatchNorm2d(64), nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            widths = [(64, 64, 1), (64, 128, 2), (128, 256, 2), (256, 512, 2)]
            for i, (c_in, c_out, s) in enumerate(widths, 1):
                setattr(
                    self, f"layer{i}", nn.Sequential(Block(c_in, c_out, s), Block(c_out, c_out, 1))
                )
            self.avgpool, self.fc = nn.AdaptiveAvgPool2d((1, 1)), nn.Linear(512, 1000)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(torch.flatten(self.avgpool(x), 1))

    with torch.device("meta"):
        return ResNet18()


@needs_torch
def test_resnet18_matches_torch():
    model, shape = resnet18(), (1, 3, 224, 224)
    s = cl.summary(model, shape)
    assert_matches_torch(s, model, shape)
    assert s.total_params == 11_689_512  # torchvision's ResNet18_Weights.num_params
    assert round(s.total_macs / 1e9, 2) == 1.82  # 1.81 GFLOPS (convs + fc) + batchnorm
    adds = [r for r in s.rows if r["type"] == "add"]
    assert len(adds) == 8 and all(r["params"] == 0 for r in adds)
    last_add = adds[-1]
    assert last_add["receptive_field"] == (435, 435) and last_add["jump"] == (32, 32)


def unet():
    class UNet(nn.Module):
        def __init__(self):
            super().__init__()

            def block(a, b):
                return nn.Sequential(
                    nn.Conv2d(a, b, 3, padding=1),
                    nn.ReLU(),
                    nn.Conv2d(b, b, 3, padding=1),
                    nn.ReLU(),
                )

            self.enc1, self.enc2, self.mid = block(3, 16), block(16, 32), block(32, 64)
            self.pool = nn.MaxPool2d(2)
            self.up2 = nn.ConvTranspose2d(64, 32, 2, stride=2)
            self.dec2 = block(64, 32)
            self.up1 = nn.ConvTranspose2d(32, 16, 2, stride=2)
            self.dec1 = block(32, 16)
            self.head = nn.Conv2d(16, 2, 1)

        def forward(self, x):
            e1 = self.enc1(x)
            e2 = self.enc2(self.pool(e1))
            m = self.mid(self.pool(e2))
            d2 = self.dec2(torch.cat([self.up2(m), e2], dim=1))
            d1 = self.dec1(torch.cat([self.up1(d2), e1], dim=1))
            return self.head(d1)

    with torch.device("meta"):
        return UNet()


@needs_torch
def test_unet_matches_torch_and_says_why_no_field():
    model, shape = unet(), (2, 3, 64, 48)
    s = cl.summary(model, shape)
    assert_matches_torch(s, model, shape)
    assert s.output_shape == (2, 2, 64, 48)
    up = next(r for r in s.rows if r["name"] == "up2")
    assert up["receptive_field"] is None and "transposed conv" in up["note"]
    assert s.rows[-1]["receptive_field"] is None  # and nothing after it pretends otherwise
    cats = [r for r in s.rows if r["type"] == "cat"]
    assert [r["output_shape"][1] for r in cats] == [64, 32]


@needs_torch
def test_residual_field_is_the_union_of_branches():
    """A 1-D residual net: the traced field equals the one-hot gradient's support."""

    class Res(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv1d(1, 1, 3, padding=1, bias=False)
            self.b = nn.Conv1d(1, 1, 5, stride=2, padding=0, dilation=2, bias=False)
            self.skip = nn.Conv1d(1, 1, 1, stride=2, bias=False)
            self.c = nn.Conv1d(1, 1, 3, padding=1, bias=False)

        def forward(self, x):
            return self.c(self.b(self.a(x)) + self.skip(x)[:, :1, :-4])

    model = Res()
    for p in model.parameters():
        torch.nn.init.ones_(p)
    n = 61
    row = cl.summary(model, (1, 1, n)).rows[-1]
    x = torch.ones(1, 1, n, requires_grad=True)
    y = model(x)
    assert y.shape[-1] == row["output_shape"][-1]
    i = 5
    y[0, 0, i].backward()
    seen = np.flatnonzero(x.grad[0, 0].numpy())
    first = row["start"][0] - (row["receptive_field"][0] - 1) / 2 + i * row["jump"][0]
    assert (seen.min(), seen.max()) == (first, first + row["receptive_field"][0] - 1)


@needs_torch
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")
def test_asymmetric_and_same_padding_match_torch():
    layers = [conv(4, 4, padding="same"), conv(4, 3, padding=((0, 1), (2, 0))),
              conv(4, 2, padding="same", dilation=3)]  # fmt: skip
    x = torch.ones(1, 2, 9, 7)
    a, b, c = (nn.Conv2d(2, 4, 4, padding="same"), nn.Conv2d(4, 4, 3),
               nn.Conv2d(4, 4, 2, padding="same", dilation=3))  # fmt: skip
    y = c(b(torch.nn.functional.pad(a(x), (2, 0, 0, 1))))
    assert cl.summary(layers, (1, 2, 9, 7)).output_shape == tuple(y.shape)


@needs_torch
@pytest.mark.parametrize("ceil", [False, True])
def test_pooling_modes_match_torch(ceil):
    layers = [{"type": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": ceil},
              {"type": "avg_pool", "kernel_size": 2, "stride": 2, "ceil_mode": ceil},
              {"type": "max_pool", "kernel_size": 2, "dilation": 2, "stride": 1},
              {"type": "adaptive_max_pool", "output_size": (3, None)}]  # fmt: skip
    model = torch_model(layers[:3], (1, 2, 16, 11))
    model.append(nn.AdaptiveMaxPool2d((3, None)))
    assert_matches_torch(cl.summary(layers, (1, 2, 16, 11)), model, (1, 2, 16, 11))


@needs_torch
def test_frozen_parameters_are_not_trainable():
    model = torch_model(dilated(), (1, 16, 20, 20))
    model[0].weight.requires_grad_(False)
    s = cl.summary(model, (1, 16, 20, 20))
    assert s.total_params == sum(p.numel() for p in model.parameters() if p.requires_grad)


# ----------------------------------------------------------------------------- fields


def _forward(x, L):
    w = np.ones((1, 1, L["kernel_size"]))
    p, d = L.get("padding", 0), L.get("dilation", 1)
    if L["type"] == "avg_pool":
        return cl.avg_pool1d(x, L["kernel_size"], L["stride"], p, L.get("ceil_mode", False))
    if L["type"] == "conv_transpose":
        return cl.conv_transpose1d(x, w, None, 1, p, 0, 1, d)
    # a max pool's windows are a conv's windows: measure them with a ones kernel
    return cl.conv1d(x, w, None, L.get("stride", 1), p, d)


def _backward(g, x, L):
    w = np.ones((1, 1, L["kernel_size"]))
    p, d = L.get("padding", 0), L.get("dilation", 1)
    if L["type"] == "avg_pool":
        k, s, ceil = L["kernel_size"], L["stride"], L.get("ceil_mode", False)
        return cl.avg_pool1d_backward(g, x, k, s, p, ceil)[0]
    if L["type"] == "conv_transpose":
        return cl.conv_transpose1d_backward(g, x, w, None, 1, p, 0, 1, d)[0]
    return cl.conv1d_backward(g, x, w, None, L.get("stride", 1), p, d)[0]


def brute_force(layers, n):
    """The receptive field measured: for every output unit, a one-hot gradient pushed back
    through convlab's backward passes with all-ones weights (nothing cancels)."""
    x, inputs = np.ones((1, 1, n)), []
    for L in layers:
        inputs.append(x)
        x = _forward(x, L)
    supports = []
    for unit in range(x.shape[-1]):
        g = np.zeros_like(x)
        g[0, 0, unit] = 1
        for L, xin in zip(reversed(layers), reversed(inputs), strict=True):
            g = _backward(g, xin, L)
        supports.append(np.flatnonzero(g[0, 0]))
    return supports


def random_stack(rng):
    layers = []
    for _ in range(rng.integers(1, 6)):
        kind = rng.choice(["conv", "conv", "max_pool", "avg_pool", "conv_transpose"])
        k, d = int(rng.integers(1, 5)), int(rng.integers(1, 4))
        if kind == "conv":
            L = conv(1, k, stride=int(rng.integers(1, 4)), padding=int(rng.integers(0, 4)),
                     dilation=d)  # fmt: skip
        elif kind == "conv_transpose":
            L = {"type": kind, "out_channels": 1, "kernel_size": k, "dilation": d,
                 "padding": int(rng.integers(0, d * (k - 1) + 1))}  # fmt: skip
        elif kind == "max_pool":  # ceil_mode would need a real max pool: the proxy is a conv
            k = max(k, 2)
            L = {"type": kind, "kernel_size": k, "stride": int(rng.integers(1, 4)),
                 "dilation": d, "padding": int(rng.integers(0, (d * (k - 1) + 1) // 2 + 1))}  # fmt: skip
        else:
            k = max(k, 2)
            L = {"type": kind, "kernel_size": k, "stride": int(rng.integers(1, 4)),
                 "padding": int(rng.integers(0, k // 2 + 1)), "ceil_mode": bool(rng.random() < 0.5)}  # fmt: skip
        layers.append(L)
    return layers


def test_receptive_field_equals_brute_force_on_random_stacks():
    rng = np.random.default_rng(15)
    checked = 0
    while checked < 250:
        layers = random_stack(rng)
        n = int(rng.integers(40, 160))
        try:
            row = cl.summary(layers, (1, 1, n)).rows[-1]
        except ValueError:  # the shapes stop fitting: covered by the error tests
            continue
        supports = brute_force(layers, n)
        assert len(supports) == row["output_shape"][-1]
        r, j = row["receptive_field"][0], row["jump"][0]
        first = row["start"][0] - (r - 1) / 2
        whole = 0
        for unit, seen in enumerate(supports):
            lo, hi = first + unit * j, first + unit * j + r - 1
            # a unit over the padding may see no input at all; what it sees is in its field
            assert not seen.size or (lo <= seen.min() and seen.max() <= hi), (layers, n, unit)
            if lo >= 0 and hi < n:  # a field that is not cut by the border is seen whole
                assert (seen.min(), seen.max()) == (lo, hi), (layers, n, unit)
                whole += 1
        checked += whole >= 2  # two whole fields: size, start and jump all measured


def test_two_dims_and_dilation_coverage():
    """Per-dim settings in 2-D against conv2d_backward, and sizes against dilation_coverage."""
    layers = [conv(1, (3, 1), stride=(1, 2), padding=(1, 0), dilation=(2, 1)),
              conv(1, (2, 3), stride=(2, 1), padding=(0, 2))]  # fmt: skip
    row = cl.summary(layers, (1, 1, 30, 30)).rows[-1]
    x, xs = np.ones((1, 1, 30, 30)), []
    for L in layers:
        xs.append(x)
        w = np.ones((1, 1, *L["kernel_size"]))
        x = cl.conv2d(x, w, None, L["stride"], L.get("padding", 0), L.get("dilation", 1))
    g = np.zeros_like(x)
    g[0, 0, 4, 5] = 1
    for L, xin in zip(reversed(layers), reversed(xs), strict=True):
        w = np.ones((1, 1, *L["kernel_size"]))
        g = cl.conv2d_backward(g, xin, w, None, L["stride"], L.get("padding", 0),
                               L.get("dilation", 1))[0]  # fmt: skip
    rows, cols = np.nonzero(g[0, 0])
    for axis, seen, unit in ((0, rows, 4), (1, cols, 5)):
        r, j, c = row["receptive_field"][axis], row["jump"][axis], row["start"][axis]
        assert (seen.min(), seen.max()) == (c - (r - 1) / 2 + unit * j, c + (r - 1) / 2 + unit * j)
    for rates in ([1, 2, 5], [2, 4, 6], [1, 1, 3, 3], [4]):
        s = cl.summary([conv(1, 3, dilation=d) for d in rates], (1, 1, 80, 80))
        assert s.rows[-1]["receptive_field"] == (cl.dilation_coverage(rates, 3, ndim=1).size,) * 2


def test_field_notes():
    layers = [conv(4, 3), {"type": "adaptive_avg_pool", "output_size": 4},
              {"type": "adaptive_avg_pool", "output_size": 3}]  # fmt: skip
    rows = cl.summary(layers, (1, 1, 18, 18)).rows  # 16 -> 4 equal windows, 4 -> 3 unequal
    assert rows[1]["receptive_field"] == (6, 6) and "input size" in rows[1]["note"]
    assert rows[2]["receptive_field"] is None and "different sizes" in rows[2]["note"]
    t = cl.summary([{"type": "conv_transpose", "out_channels": 1, "kernel_size": 3}], (1, 1, 5))
    assert t.rows[0]["receptive_field"] == (3,) and t.rows[0]["start"] == (-1.0,)


# ----------------------------------------------------------------------------- inputs


def test_convlab_nn_sequential_matches_its_spec_list():
    model = cnn.Sequential(cnn.Conv2d(1, 8, 3, padding=1, rng=0), cnn.ReLU(), cnn.MaxPool2d(2),
                           cnn.Flatten(), cnn.Linear(8 * 4 * 4, 10, rng=0))  # fmt: skip
    s = cl.summary(model, (2, 1, 8, 8))
    spec = cl.summary([conv(8, 3, padding=1), {"type": "relu"}, {"type": "max_pool", "kernel_size": 2},
                       {"type": "flatten"}, {"type": "linear", "out_features": 10}], (2, 1, 8, 8))  # fmt: skip
    assert s.rows == spec.rows
    assert s.total_params == sum(p.data.size for p in model.parameters())
    assert s.output_shape == model(np.zeros((2, 1, 8, 8), np.float32)).shape


@pytest.mark.parametrize(
    "layers, shape, error, match",
    [
        ([conv(8, 3, stride=2)] * 7 + [conv(8, 3, stride=2)], (1, 3, 300, 300), ValueError,
         r"summary: layer 7 \(conv 3×3, stride 2\): input 1×1 is smaller than the kernel's extent 3×3"),
        ([conv(8, 5, padding=1)], (1, 3, 2, 2), ValueError, r"input 2×2 \(4×4 with its padding\)"),
        ([{"type": "convv", "kernel_size": 3}], (1, 3, 8, 8), ValueError, "unknown type='convv'"),
        ([{"type": "conv", "out_channels": 4, "kernel": 3}], (1, 3, 8, 8), ValueError,
         r"layer 0 \(conv\) needs \['kernel_size', 'out_channels'\]"),
        ([conv(4, 3, in_channels=1)], (1, 3, 8, 8), ValueError, "in_channels=1 but its input has 3"),
        ([conv(4, 3, groups=2)], (1, 3, 8, 8), ValueError, r"layer 0 \(conv\): .*groups"),
        ([conv(4, 3, padding="same", stride=2)], (1, 3, 8, 8), ValueError, "strided"),
        ([conv(4, 2.0)], (1, 3, 8, 8), TypeError, r"layer 0 .*kernel_size"),
        ([{"type": "flatten"}, {"type": "linear", "in_features": 5, "out_features": 2}],
         (1, 3, 2, 2), ValueError, "has 12 features"),
        ([{"type": "conv1d", "out_channels": 2, "kernel_size": 1}], (1, 3, 8, 8), ValueError,
         "conv1d but the input has 2 spatial"),
        ([dict(conv(4, 3), type="conv2d")], (3, 224, 224), ValueError,
         r"conv2d but the input has 1 spatial dim\(s\). .* \(1, 3, 224, 224\)"),
        ([conv(4, 3)], (1,), ValueError, r"input_shape must be \(N, C, \*spatial\)"),
        ({"type": "conv"}, (1, 3, 8, 8), TypeError, "model must be a list"),
        ([7], (1, 3, 8, 8), TypeError, r"model\[0\] is a builtins.int"),
        ([], "1, 3, 8, 8", TypeError, r"input_shape must be a tuple of positive ints"),
    ],
)  # fmt: skip
def test_errors_name_the_layer(layers, shape, error, match):
    with pytest.raises(error, match=match):
        cl.summary(layers, shape)


def test_bad_dtype_and_a_network_without_spatial_dims():
    with pytest.raises(TypeError, match=r"summary: dtype must name a NumPy dtype; got dtype='f9'"):
        cl.summary([], (1, 3, 8, 8), dtype="f9")
    mlp = cl.summary([{"type": "linear", "out_features": 3}, {"type": "relu"}], (2, 5))
    assert (mlp.total_params, mlp.total_macs, mlp.output_shape) == (18, 30, (2, 3))
    assert mlp.rows[0]["receptive_field"] == () and "(30 MACs)" in str(mlp)


# ----------------------------------------------------------------------------- display


def test_text_html_markdown_and_rows():
    layers = [conv(8, 3, padding=1, name="stem"), {"type": "max_pool", "kernel_size": 2},
              {"type": "conv_transpose", "out_channels": 4, "kernel_size": 2, "stride": 2}]  # fmt: skip
    s = cl.summary(layers, (4, 3, 16, 16), dtype="float64")
    text = str(s)
    lines = text.splitlines()
    assert lines[0].split() == ["Layer", "Type", "Output", "shape", "Params", "MACs", "RF",
                                "Jump", "Start"]  # fmt: skip
    assert lines[3].startswith("stem ") and "[4, 8, 16, 16]" in lines[3]
    assert len({len(line) for line in lines[:2]}) == 1  # header and rule align
    assert "Total params: 356 " in text and "float64" in text and "[1] 2:" in text
    assert (
        "<table>" in s._repr_html_() and '<td style="text-align:right">132</td>' in s._repr_html_()
    )
    md = s.to_markdown().splitlines()
    assert (
        md[0].startswith("| Layer |")
        and md[1].startswith("| --- |")
        and len(md[2].split("|")) == 10
    )
    assert list(s.rows[0]) == ["name", "type", "output_shape", "params", "macs",
                               "receptive_field", "jump", "start", "note"]  # fmt: skip
    assert s.rows[2]["macs"] == 4 * 8 * 8 * 8 * 4 * 2 * 2  # N, input 8×8, C_in, C_out, k²


# ----------------------------------------------------------------------------- command line


def test_cli_prints_the_table(tmp_path, capsys):
    spec = tmp_path / "net.json"
    spec.write_text(json.dumps({"input_shape": [1, 3, 32, 32], "layers": [conv(8, 3)]}))
    assert main(["summary", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "conv 3×3" in out and "[1, 8, 30, 30]" in out and "Total params: 224 " in out
    assert main(["summary", str(spec), "--input", "1,3,2,2"]) == 2
    assert "layer 0 (conv 3×3): input 2×2" in capsys.readouterr().err
    assert main(["summary", str(spec), "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("| Layer |")


def test_cli_reads_yaml_and_refuses_bad_files(tmp_path, capsys):
    pytest.importorskip("yaml")
    spec = tmp_path / "net.yaml"
    spec.write_text("- {type: conv, out_channels: 4, kernel_size: 3, stride: 2}\n- {type: relu}\n")
    assert main(["summary", str(spec), "--input", "1,1,9,9"]) == 0
    assert "[1, 4, 4, 4]" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["summary", str(spec)])
    assert exc.value.code == 2 and "--input" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("[{")
    with pytest.raises(SystemExit):
        main(["summary", str(bad), "--input", "1,1,9,9"])
    assert "not valid JSON" in capsys.readouterr().err
