"""Max error of every convlab backward against torch autograd, per op and dtype.

Run from the repository root (needs torch)::

    python -m benchmarks.grad_accuracy

Random normal inputs over a grid of configurations (every padding mode, stride,
padding, dilation, groups for conv; stride, padding, output_padding, dilation, groups
for conv_transpose; kernel, stride, padding, dilation, ceil_mode for max pooling;
count_include_pad and divisor_override for average pooling; random output sizes for
adaptive average pooling). Reports the max absolute error over all gradients (input,
weight, bias) and the same divided by the largest gradient magnitude.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import torch
import torch.nn.functional as F

import convlab as cl

rng = np.random.default_rng(0)
errors: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])


def compare(op, dtype, ours, theirs):
    entry = errors[op, np.dtype(dtype).name]
    for got, want in zip(ours, theirs, strict=True):
        err = float(np.abs(got - want).max(initial=0))
        entry[0] = max(entry[0], err)
        entry[1] = max(entry[1], err / max(float(np.abs(want).max(initial=0)), 1e-30))
    entry[2] += 1


def torch_grads(forward, arrays, gy):
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    forward(*tensors).backward(torch.tensor(gy))
    return [t.grad.numpy() for t in tensors]


def run(op, forward_np, backward_np, forward_torch, arrays, dtype):
    try:
        y = forward_np(*arrays)
    except ValueError:
        return  # convlab (like torch, or torch with an empty output) refuses this config
    gy = rng.standard_normal(y.shape).astype(dtype)
    ours = [g for g in backward_np(gy, *arrays) if g is not None][: len(arrays)]
    compare(op, dtype, ours, torch_grads(forward_torch, arrays, gy))


SIZES = {1: (11,), 2: (9, 8), 3: (6, 5, 7)}
for dtype, nd in itertools.product((np.float64, np.float32), (1, 2, 3)):
    size, kernel = SIZES[nd], (3, 2, 3)[:nd]
    for mode, s, p, d, g in itertools.product(
        ("zeros", "reflect", "replicate", "circular"), (1, 2), (0, 1, 2), (1, 2), (1, 2)
    ):
        x = rng.standard_normal((2, 4, *size)).astype(dtype)
        w = rng.standard_normal((6, 4 // g, *kernel)).astype(dtype)
        b = rng.standard_normal(6).astype(dtype)
        kw = dict(stride=s, padding=p, dilation=d, groups=g)
        module = getattr(torch.nn, f"Conv{nd}d")(
            4, 6, kernel, padding_mode=mode, dtype=torch.from_numpy(x).dtype, **kw
        )

        def torch_conv(x, w, b, module=module):
            return module._conv_forward(x, w, b)

        run(f"conv{nd}d", lambda x, w, b, kw=kw, mode=mode, nd=nd: getattr(cl, f"conv{nd}d")(
            x, w, b, padding_mode=mode, **kw),
            lambda gy, x, w, b, kw=kw, mode=mode, nd=nd: getattr(cl, f"conv{nd}d_backward")(
            gy, x, w, b, padding_mode=mode, **kw), torch_conv, (x, w, b), dtype)  # fmt: skip
    for s, p, op, d, g in itertools.product((1, 2, 3), (0, 1), (0, 1, 2), (1, 2), (1, 2)):
        if op >= max(s, d):
            continue
        x = rng.standard_normal((2, 4, *(v // 2 + 1 for v in size))).astype(dtype)
        w = rng.standard_normal((4, 6 // g, *kernel)).astype(dtype)
        b = rng.standard_normal(6).astype(dtype)
        kw = dict(stride=s, padding=p, output_padding=op, groups=g, dilation=d)
        name = f"conv_transpose{nd}d"
        run(name, lambda *a, kw=kw, name=name: getattr(cl, name)(*a, **kw),
            lambda gy, *a, kw=kw, name=name: getattr(cl, name + "_backward")(gy, *a, **kw),
            lambda *a, kw=kw, name=name: getattr(F, name)(*a, **kw), (x, w, b), dtype)  # fmt: skip
    x = rng.standard_normal((2, 3, *size)).astype(dtype)
    ties = rng.integers(0, 3, (2, 3, *size)).astype(dtype)
    for k, s, p, d, ceil in itertools.product((2, 3), (None, 1, 2), (0, 1), (1, 2), (False, True)):
        kw = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
        name = f"max_pool{nd}d"
        for data in (x, ties):
            run(name, lambda a, kw=kw, name=name: getattr(cl, name)(a, **kw),
                lambda gy, a, kw=kw, name=name: getattr(cl, name + "_backward")(gy, a, **kw),
                lambda a, kw=kw, name=name: getattr(F, name)(a, **kw), (data,), dtype)  # fmt: skip
    for k, s, p, ceil, cip, div in itertools.product(
        (2, 3), (None, 1, 2), (0, 1), (False, True), (False, True), (None, 3)
    ):
        if nd == 1 and div:
            continue
        kw = dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil, count_include_pad=cip)
        if nd > 1:
            kw["divisor_override"] = div
        name = f"avg_pool{nd}d"
        run(name, lambda a, kw=kw, name=name: getattr(cl, name)(a, **kw),
            lambda gy, a, kw=kw, name=name: getattr(cl, name + "_backward")(gy, a, **kw),
            lambda a, kw=kw, name=name: getattr(F, name)(a, **kw), (x,), dtype)  # fmt: skip
    for _ in range(20):
        out = tuple(int(v) for v in rng.integers(1, 10, nd))
        name = f"adaptive_avg_pool{nd}d"
        run(name, lambda a, out=out, name=name: getattr(cl, name)(a, out),
            lambda gy, a, name=name: getattr(cl, name + "_backward")(gy, a),
            lambda a, out=out, name=name: getattr(F, name)(a, out), (x,), dtype)  # fmt: skip

print(f"# torch {torch.__version__}, numpy {np.__version__}")
print(f"{'op':<22} {'dtype':<8} {'configs':>7} {'max abs err':>12} {'max rel err':>12}")
for (op, dtype), (abs_err, rel_err, n) in sorted(errors.items()):
    print(f"{op:<22} {dtype:<8} {n:>7} {abs_err:>12.2e} {rel_err:>12.2e}")
