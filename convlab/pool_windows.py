"""The window arithmetic every pooling shares: a validated call and the separable reduction.

Pooling has no parameters and works on each channel separately. The window slides as a
convolution's does; instead of a weighted sum it takes the maximum or the mean. Both are
computed one spatial dim at a time (:func:`separable`): a running ``np.maximum`` (or
sum) over the ``k`` taps of one dim, then the next dim, over strided views of the input.
Max pooling's indices are in :mod:`convlab.pool_max`, average pooling's divisor in
:mod:`convlab.pool_avg`, the public functions in :mod:`convlab.pool`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import shapes
from ._validation import (
    LAYOUTS,
    as_float_array,
    check_alloc,
    check_bool,
    check_channels,
    check_output_size,
    check_pool_padding,
    int_tuple,
    split_batch,
)
from .padding import pad_spatial


@dataclass(frozen=True, kw_only=True)
class PoolSpec:
    x: np.ndarray  # (N, C, *n)
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    out: tuple[int, ...]
    unbatched: bool

    @property
    def settings(self) -> dict:
        """The arguments behind the output size, as messages show them."""
        shown = dict(kernel_size=self.kernel_size, stride=self.stride, padding=self.padding)
        if any(d != 1 for d in self.dilation):
            shown["dilation"] = self.dilation
        return shown | {"ceil_mode": self.ceil_mode}

    def padded(self, value: float) -> np.ndarray:
        """The input padded by ``padding`` on both sides, plus room for a ceil-mode window."""
        return pad_spatial(self.x, self.pad_pairs, "constant", value)

    @property
    def pad_pairs(self) -> list[tuple[int, int]]:
        """``(before, after)`` per spatial dim used by :meth:`padded`."""
        pairs = []
        for n, k, s, p, d, o in zip(
            self.x.shape[2:],
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.out,
            strict=True,
        ):
            reach = shapes.conv_transpose_output_size(o, k, s, 0, 0, d)  # last window's end
            pairs.append((p, max(p, reach - n - p)))
        return pairs


def parse_pool(
    func: str,
    nd: int,
    input: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: Any,
) -> PoolSpec:
    given = dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
    x = as_float_array(func, "input", input)
    x, unbatched = split_batch(func, "input", x, nd, LAYOUTS[nd])
    check_channels(func, x, nd)
    kernel = int_tuple(func, "kernel_size", kernel_size, nd, minimum=1, broadcast=True)
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        stride = kernel  # torch: None and an empty stride both mean the kernel size
    else:
        stride = int_tuple(func, "stride", stride, nd, minimum=1, broadcast=True)
    padding = int_tuple(func, "padding", padding, nd, minimum=0, broadcast=True)
    dilation = int_tuple(func, "dilation", dilation, nd, minimum=1, broadcast=True)
    ceil_mode = check_bool(func, "ceil_mode", ceil_mode)
    check_pool_padding(func, padding, kernel, padding=given["padding"], kernel_size=kernel_size)
    size = x.shape[2:]
    out = tuple(shapes.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode))
    settings = {k: v for k, v in given.items() if v is not None}  # as passed, for messages
    check_output_size(func, out, size, **settings)
    check_alloc(func, (*x.shape[:2], *out), x.itemsize, **settings)
    return PoolSpec(
        x=x, kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
        ceil_mode=ceil_mode, out=out, unbatched=unbatched,
    )  # fmt: skip


# Images are reduced in chunks of about this many input bytes, so the one-dim partial
# results stay in cache between passes.
_CHUNK_BYTES = 1 << 20


def separable(spec: PoolSpec, op: np.ufunc, fill: float) -> np.ndarray:
    """Reduce every window with ``op`` (``np.maximum`` or ``np.add``), one dim at a time.

    A ``k1 x k2`` window is a ``k1`` window over rows of ``k2`` windows, so two passes of
    ``k1`` and ``k2`` taps replace one of ``k1 * k2``; the first pass (rows, contiguous
    reads) also shrinks the data by the stride before the strided column pass. Padding
    is never materialised: each tap only touches the outputs whose input is inside.
    """
    n, c, *size = spec.x.shape
    y = np.empty((n, c, *spec.out), spec.x.dtype)
    planes, out = spec.x.reshape(n * c, *size), y.reshape(n * c, *spec.out)
    settings = (spec.kernel_size, spec.stride, spec.padding, spec.dilation, spec.out)
    dims = list(zip(*settings, strict=True))
    step = max(1, _CHUNK_BYTES // max(1, planes[:1].nbytes))
    for i in range(0, n * c, step):
        part = planes[i : i + step]
        for axis, dim in enumerate(dims, start=1):
            last = axis == len(dims)
            part = _reduce_axis(part, axis, *dim, op, fill, out[i : i + step] if last else None)
    return y


def _reduce_axis(x, axis, k, s, p, d, o, op, fill, out=None):
    """``out[.., i, ..] = op over taps t of x[.., i*s + t*d - p, ..]`` along ``axis``.

    Each tap updates only the range of ``i`` whose input index lies inside ``x``; the
    output starts as ``op`` of two taps that cover it all (else as ``fill``).
    """
    before = (slice(None),) * axis
    full, partial = [], []
    for t in range(k):
        shift = t * d - p  # tap t of output i reads input i * s + shift
        lo, hi = inside(x.shape[axis], s, shift, o)
        if lo < hi:
            view = x[(*before, slice(lo * s + shift, (hi - 1) * s + shift + 1, s))]
            (full if (lo, hi) == (0, o) else partial).append((lo, hi, view))
    if out is None:
        out = np.empty((*x.shape[:axis], o, *x.shape[axis + 1 :]), x.dtype)
    if len(full) >= 2:
        op(full.pop(0)[2], full.pop(0)[2], out=out)
    elif full:
        np.copyto(out, full.pop(0)[2])
    else:
        out.fill(fill)
    for lo, hi, view in full + partial:
        dst = out[(*before, slice(lo, hi))]
        op(dst, view, out=dst)
    return out


def inside(n: int, s: int, shift: int, o: int) -> tuple[int, int]:
    """The outputs ``lo <= i < hi`` whose input ``i * s + shift`` lies in ``[0, n)``."""
    return max(0, -(shift // s)), min(o, (n - 1 - shift) // s + 1)
