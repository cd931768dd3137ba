"""The benchmark cases: one line each, with the speed targets of issue 19.

A case knows its shapes and settings; ``case.build(dtype, rng)`` makes the arrays and
returns the implementations to time (all computing the same thing). Adding a case is one
line in :data:`CASES`. Targets are the claims the README makes: ``torch32``/``torch64``
bound the convlab/torch time ratio, ``ceiling32`` is a lower bound on float32 GFLOP/s as
a fraction of the same run's 2048² ``np.matmul``, ``memory`` bounds convlab's peak
allocation as a multiple of the output's size, ``peers`` is how many times faster than
the fastest NumPy peer (``--peers``: einsum over ``sliding_window_view``, CS231n's
strides trick) convlab must be.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import convlab
from convlab import strategies
from convlab import transpose as transpose_module
from convlab.reference import conv_reference

from . import baselines

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # torch is optional: its column is then empty
    torch = None
try:
    import scipy.signal  # noqa: F401

    HAVE_SCIPY = True
except ImportError:
    HAVE_SCIPY = False


@dataclass
class Built:
    """One case at one dtype: what to call, and what it costs."""

    impls: dict[str, Callable[[], Any]]
    flops: float  # useful floating-point operations (multiply-adds count 2); 0 = n/a
    out_bytes: int


@dataclass(frozen=True)
class Case:
    name: str
    label: str
    make: Callable[[np.dtype, np.random.Generator], Built] = field(repr=False)
    torch32: float | None = None
    torch64: float | None = None
    ceiling32: float | None = None
    memory: float | None = 4.0
    peers: float | None = None
    needs: str | None = None  # a convlab attribute the case waits for

    def available(self) -> bool:
        return self.needs is None or hasattr(convlab, self.needs)

    def torch_target(self, dtype: str) -> float | None:
        return self.torch32 if dtype == "float32" else self.torch64


def _t(a: np.ndarray):
    return torch.from_numpy(a)


def _arrays(rng, dtype, *shapes):
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def conv(name, label, x, w, *, stride=1, padding=0, dilation=1, groups=1, loops=False, **targets):
    def make(dtype, rng):
        xa, wa, ba = _arrays(rng, dtype, x, w, w[0])
        args = (stride, padding, dilation, groups)
        impls = {"convlab": lambda: convlab.conv2d(xa, wa, ba, *args)}
        if torch is not None:
            tx, tw, tb = _t(xa), _t(wa), _t(ba)
            impls["torch"] = lambda: F.conv2d(tx, tw, tb, *args)
        if HAVE_SCIPY:
            impls["scipy"] = lambda: baselines.conv2d_scipy(xa, wa, ba, *args)
        if loops:  # the course's readable definition, one output value at a time
            impls["loops"] = lambda: conv_reference(xa, wa, ba, *args)
        impls["previous"] = functools.partial(_previous, convlab.conv2d, xa, wa, ba, *args)
        for peer in PEERS:
            impls[peer] = functools.partial(PEERS[peer], xa, wa, ba, *args)
        out = convlab.conv_output_size(x[2:], w[2:], stride, padding, dilation)
        n_out = x[0] * w[0] * math.prod(out)
        return Built(impls, 2.0 * n_out * math.prod(w[1:]), n_out * np.dtype(dtype).itemsize)

    return Case(name, label, make, peers=PEER_TARGET, **targets)


def _previous(op, *args, **kwargs):
    """``op`` with the strategies of the first speed pass only (chunked im2col,
    transposed convs by stamps, the weight gradient on the flat taps): what the second
    pass's strategies were measured against. (The stamps' flat adds and the small path
    stay: they have no switch.)"""
    switches = [
        (strategies, "_SMALL_BYTES", 0),
        (strategies, "_ROW_SHIFT_K", math.inf),
        (transpose_module, "_PHASE_TAPS", math.inf),
    ]
    saved = [getattr(module, name) for module, name, _ in switches]
    for module, name, value in switches:
        setattr(module, name, value)
    try:
        return op(*args, **kwargs)
    finally:
        for (module, name, _), value in zip(switches, saved, strict=True):
            setattr(module, name, value)


# the NumPy peers (``--peers``): column name -> function(x, w, b, stride, padding, ...)
PEERS = {"einsum": baselines.conv2d_einsum, "strides": baselines.conv2d_strides}
PEER_TARGET = 1.5  # convlab at least this many times faster than the fastest peer


def conv_transpose(name, label, x, w, *, stride=1, padding=0, output_padding=0, **targets):
    def make(dtype, rng):
        xa, wa, ba = _arrays(rng, dtype, x, w, w[1])
        args = (stride, padding, output_padding)
        impls = {"convlab": lambda: convlab.conv_transpose2d(xa, wa, ba, *args)}
        impls["previous"] = functools.partial(
            _previous, convlab.conv_transpose2d, xa, wa, ba, *args
        )
        if torch is not None:
            tx, tw, tb = _t(xa), _t(wa), _t(ba)
            impls["torch"] = lambda: F.conv_transpose2d(tx, tw, tb, *args)
        out = convlab.conv_transpose_output_size(x[2:], w[2:], stride, padding, output_padding)
        flops = 2.0 * math.prod(x) * math.prod(w[1:])
        return Built(impls, flops, x[0] * w[1] * math.prod(out) * np.dtype(dtype).itemsize)

    return Case(name, label, make, **targets)


def pool(name, label, kind, x, kernel, *, stride=None, padding=0, **targets):
    def make(dtype, rng):
        (xa,) = _arrays(rng, dtype, x)
        args = (kernel, stride, padding)
        impls = {"convlab": lambda: getattr(convlab, kind)(xa, *args)}
        if torch is not None:
            tx = _t(xa)
            impls["torch"] = lambda: getattr(F, kind)(tx, *args)
        out = convlab.pool_output_size(x[2:], kernel, stride, padding)
        return Built(impls, 0.0, x[0] * x[1] * math.prod(out) * np.dtype(dtype).itemsize)

    return Case(name, label, make, **targets)


def conv_backward(name, label, x, w, *, stride=1, padding=0, dilation=1, groups=1, **targets):
    """Input, weight and bias gradients of a conv2d (twice the forward's work)."""

    def make(dtype, rng):
        xa, wa, ba = _arrays(rng, dtype, x, w, w[0])
        out = convlab.conv_output_size(x[2:], w[2:], stride, padding, dilation)
        (ga,) = _arrays(rng, dtype, (x[0], w[0], *out))
        kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        impls = {"convlab": lambda: convlab.conv2d_backward(ga, xa, wa, ba, **kw)}
        impls["previous"] = functools.partial(
            _previous, convlab.conv2d_backward, ga, xa, wa, ba, **kw
        )
        if torch is not None:
            tg, tx, tw = _t(ga), _t(xa), _t(wa)
            st, pd, dl = [stride] * 2, [padding] * 2, [dilation] * 2
            impls["torch"] = lambda: torch.ops.aten.convolution_backward(
                tg, tx, tw, [w[0]], st, pd, dl, False, [0, 0], groups, [True, True, True]
            )
        flops = 4.0 * x[0] * w[0] * math.prod(out) * math.prod(w[1:])
        return Built(impls, flops, (math.prod(x) + math.prod(w)) * np.dtype(dtype).itemsize)

    return Case(name, label, make, needs="conv2d_backward", **targets)


def matmul(name, label, n):
    """The BLAS ceiling: GFLOP/s of one large square matmul in the same run."""

    def make(dtype, rng):
        a, b = _arrays(rng, dtype, (n, n), (n, n))
        impls = {"convlab": lambda: np.matmul(a, b)}  # the NumPy column for this row
        if torch is not None:
            ta, tb = _t(a), _t(b)
            impls["torch"] = lambda: torch.matmul(ta, tb)
        return Built(impls, 2.0 * n**3, n * n * np.dtype(dtype).itemsize)

    return Case(name, label, make, memory=None)


MEDIUM_X, MEDIUM_W = (8, 64, 56, 56), (64, 64, 3, 3)
POOL_X = (8, 64, 112, 112)
# issue 19: float32 within these multiples of torch, float64 never slower than torch
F64 = {"torch64": 1.0}
POOL = {"torch32": 1.0, "torch64": 1.0}

# fmt: off
CASES = [
    matmul("matmul", "np.matmul 2048×2048 (ceiling)", 2048),
    conv("teaching", "1×3×32×32→8 3×3 p1", (1, 3, 32, 32), (8, 3, 3, 3), padding=1,
         loops=True, torch32=2.0, **F64),
    conv("conv3x3", "8×64×56×56→64 3×3 p1", MEDIUM_X, MEDIUM_W, padding=1, torch32=2.0, **F64),
    conv("conv3x3_s2", "8×64×56×56→64 3×3 p1 s2", MEDIUM_X, MEDIUM_W, padding=1, stride=2,
         torch32=2.5, **F64),
    conv("conv3x3_d2", "8×64×56×56→64 3×3 p1 d2", MEDIUM_X, MEDIUM_W, padding=1, dilation=2,
         torch32=2.0, **F64),
    conv("conv7x7", "4×16×64×64→16 7×7 p3", (4, 16, 64, 64), (16, 16, 7, 7), padding=3,
         torch32=3.0, **F64),
    conv("depthwise", "8×64×56×56 g64 3×3 p1", MEDIUM_X, (64, 1, 3, 3), padding=1, groups=64,
         torch32=4.5, **F64),
    conv_transpose("conv_transpose", "8×64×28×28→32 3×3 s2 p1 op1", (8, 64, 28, 28),
                   (64, 32, 3, 3), stride=2, padding=1, output_padding=1, torch32=2.0, **F64),
    pool("max_pool_2", "8×64×112×112 2×2 s2", "max_pool2d", POOL_X, 2, stride=2, **POOL),
    pool("max_pool_3", "8×64×112×112 3×3 s2 p1", "max_pool2d", POOL_X, 3, stride=2, padding=1,
         **POOL),
    pool("avg_pool_2", "8×64×112×112 2×2 s2", "avg_pool2d", POOL_X, 2, stride=2, **POOL),
    pool("avg_pool_3", "8×64×112×112 3×3 s2 p1", "avg_pool2d", POOL_X, 3, stride=2, padding=1,
         **POOL),
    conv_backward("conv3x3_backward", "conv3x3 grads ∂x ∂w ∂b", MEDIUM_X, MEDIUM_W, padding=1,
                  torch32=2.0, **F64),
    conv_backward("conv3x3_s2_backward", "conv3x3 s2 grads ∂x ∂w ∂b", MEDIUM_X, MEDIUM_W,
                  padding=1, stride=2, torch32=2.0, **F64),
]
# fmt: on
