"""The numbers behind one sliding-window picture, all computed by convlab.

:class:`Window` holds a validated convolution or pooling call on one 2-D array: the
padded input as drawn, which cells are real, the output (from :func:`convlab.conv2d`
or the pooling ops, never re-implemented here), and for any output position the input
cells its window reads and the arithmetic of that cell, written out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import pad
from .._validation import (
    as_float_array,
    check_bool,
    check_choice,
    check_ndim,
    check_position,
    fail,
)
from ..conv import conv_forward, parse_conv
from ..padding import PAD_MODE_OF
from ..pool_avg import avg_pool_divisor, avg_pool_sum
from ..pool_max import max_pool_forward
from ..pool_windows import parse_pool
from ._style import fmt_value

KINDS = ("correlation", "convolution", "max", "avg")


@dataclass(frozen=True)
class Window:
    kind: str  # one of KINDS
    x: np.ndarray  # the (H, W) input
    kernel: np.ndarray | None  # the weight as given (None for pooling)
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]  # drawn (before, after) per dim
    padding_mode: str  # zeros/reflect/replicate/circular, or "-inf"/"zeros" for pooling
    padded: np.ndarray  # the input as drawn, padding included (NaN: beyond the padding)
    real: np.ndarray  # True on the input's own cells
    output: np.ndarray
    divisor: np.ndarray | None = None  # avg pooling: what each window sum is divided by
    argmax: np.ndarray | None = None  # max pooling: flat input index of each maximum
    count_include_pad: bool = True

    @property
    def out(self) -> tuple[int, int]:
        return self.output.shape

    @property
    def extent(self) -> tuple[int, int]:
        """The dilated kernel's span ``d(k - 1) + 1`` per dim."""
        return tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation, strict=True))

    def taps(self, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
        """Padded-input rows and columns read by output ``(i, j)``, each ``(kh, kw)``."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        rows = i * sh + dh * np.arange(kh)
        cols = j * sw + dw * np.arange(kw)
        return np.broadcast_to(rows[:, None], (kh, kw)), np.broadcast_to(cols[None, :], (kh, kw))

    def meets(self) -> np.ndarray | None:
        """The weight each window cell is multiplied by: ``w`` (correlation) or ``w`` rotated
        180° (convolution, the flip)."""
        if self.kernel is None:
            return None
        return self.kernel[::-1, ::-1] if self.kind == "convolution" else self.kernel

    def winner(self, i: int, j: int) -> tuple[int, int] | None:
        """Padded coordinates of the maximum that max pooling picks at ``(i, j)``."""
        if self.argmax is None:
            return None
        r, c = divmod(int(self.argmax[i, j]), self.x.shape[1])
        return r + self.pads[0][0], c + self.pads[1][0]

    def terms(self, i: int, j: int) -> list[tuple[float, ...]]:
        """The operands of output ``(i, j)`` in window (row-major) order."""
        rows, cols = self.taps(i, j)
        values = self.padded[rows, cols]
        if self.kernel is not None:
            return list(zip(values.ravel(), self.meets().ravel(), strict=True))
        inside = np.isfinite(values) if self.kind == "max" else ~np.isnan(values)
        if self.kind == "avg" and not self.count_include_pad:
            inside &= self.real[rows, cols]
        return [(v,) for v in values[inside]]

    def arithmetic(self, i: int, j: int, max_rows: int = 5) -> str:
        """Output ``(i, j)`` written out, one kernel row per line (monospace-aligned)."""
        head = f"y[{i}, {j}] = "
        terms = self.terms(i, j)
        kw = self.kernel_size[1]
        if self.kernel is not None:
            parts = [f"{fmt_value(a)}·{_factor(b)}" for a, b in terms]
            lines = [" + ".join(parts[r : r + kw]) for r in range(0, len(parts), kw)]
            joiner, open_, close = "+ ", "", ""
        else:
            parts = [fmt_value(a) for (a,) in terms]
            per = kw if kw >= 3 else 4
            lines = [", ".join(parts[r : r + per]) for r in range(0, len(parts), per)]
            joiner = "  "
            if self.kind == "max":  # a comma ends each line but the last: one list
                lines = [line + "," for line in lines[:-1]] + lines[-1:]
                open_, close = "max(", ")"
            else:
                lines = [" + ".join(parts[r : r + per]) for r in range(0, len(parts), per)]
                joiner, open_ = "+ ", "("
                close = f") / {fmt_value(self.divisor[i, j])}"
        if len(lines) > max_rows:
            lines = [*lines[: max_rows - 2], "…", lines[-1]]
        text = [head + open_ + lines[0]]
        indent = " " * (len(head) + len(open_) - len(joiner))
        text += [indent + joiner + line for line in lines[1:]]
        text[-1] += close + f" = {fmt_value(self.output[i, j])}"
        return "\n".join(text)


def _factor(v: float) -> str:
    s = fmt_value(v)
    return f"({s})" if s.startswith("−") else s


def conv_window(
    func, x, weight, stride=1, padding=0, dilation=1, padding_mode="zeros", convolution=False
) -> Window:
    """Validate and compute a one-channel 2-D convolution (or true, flipped convolution)."""
    x = as_float_array(func, "x", x)
    w = as_float_array(func, "weight", weight)
    check_ndim(func, "x", x, (2,), "(H, W)")
    check_ndim(func, "weight", w, (2,), "(kH, kW)")
    convolution = check_bool(func, "convolution", convolution)
    w = w.astype(x.dtype)
    spec = parse_conv(
        func,
        2,
        input=x[None],
        weight=w[None, None],
        bias=None,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=1,
        padding_mode=padding_mode,
    )
    slid = w[::-1, ::-1].copy() if convolution else w
    y = conv_forward(replace(spec, weight=slid[None, None]))[0, 0]
    (t, b), (l, r) = spec.pads
    padded = pad(x[None], (l, r, t, b), PAD_MODE_OF[padding_mode])[0]
    real = np.zeros(padded.shape, bool)
    real[t : t + x.shape[0], l : l + x.shape[1]] = True
    kind = "convolution" if convolution else "correlation"
    return Window(
        kind, x, w, w.shape, spec.stride, spec.dilation, spec.pads, padding_mode, padded, real, y
    )


def pool_window(
    func,
    x,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,
    ceil_mode=False,
    mode="max",
    count_include_pad=True,
) -> Window:
    """Validate and compute a 2-D max or average pooling, with torch's padding rules."""
    x = as_float_array(func, "x", x)
    check_ndim(func, "x", x, (2,), "(H, W)")
    mode = check_choice(func, "mode", mode, ("max", "avg"))
    count_include_pad = check_bool(func, "count_include_pad", count_include_pad)
    spec = parse_pool(
        func,
        2,
        input=x[None],
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )
    if mode == "max":
        y, idx = max_pool_forward(spec, True)
        padded, divisor, argmax = spec.padded(-np.inf)[0, 0], None, idx[0, 0]
    else:
        if spec.dilation != (1, 1):
            raise fail(
                func,
                f"avg pooling has no dilation; got dilation={dilation!r}",
                "Use dilation=1 with mode='avg'",
                argument="dilation",
                value=dilation,
            )
        divisor = avg_pool_divisor(spec, count_include_pad)
        y = avg_pool_sum(spec)
        y /= divisor.astype(y.dtype)
        padded, argmax = spec.padded(0.0)[0, 0], None
    padded = padded.copy()
    (h, w), (ph, pw) = x.shape, spec.padding
    beyond = np.ones(padded.shape, bool)  # ceil-mode overhang past the padding: not there
    beyond[: h + 2 * ph, : w + 2 * pw] = False
    padded[beyond] = np.nan
    real = np.zeros(padded.shape, bool)
    real[ph : ph + h, pw : pw + w] = True
    return Window(
        mode,
        x,
        None,
        spec.kernel_size,
        spec.stride,
        spec.dilation,
        tuple(spec.pad_pairs),
        "-inf" if mode == "max" else "zeros",
        padded,
        real,
        y[0, 0],
        divisor,
        argmax,
        count_include_pad,
    )


def check_window_position(func: str, window: Window, i: int, j: int) -> tuple[int, int]:
    return check_position(func, (i, j), window.out)
