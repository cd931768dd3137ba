"""The row-shift layout: the input copied once per kernel column, shifted.

im2col copies every input value ``k`` times (once per kernel tap). For a 2-D kernel of
``kh × kw`` taps most of that is avoidable: copy the padded image only ``kw`` times, copy
``j`` shifted left by ``j * d`` columns (and, for a stride, keeping every ``s``-th
column), and stack the copies as ``kw * C`` channels. In that stack the input values
that kernel *row* ``i`` meets at every output pixel are one contiguous run of whole
rows, starting ``i * d`` rows down, so the convolution is ``kh`` matrix products read
in place (no copy) whose results are added::

    y = sum_i  W[:, :, i, :] (C_out × kw·C)  @  rows(i)  (kw·C × H_out·W_out)

A stride along the rows splits the rows into their ``s`` phases (every ``s``-th row), so
that each kernel row still reads one contiguous run, in the phase ``(i * d) % s``.
A 1-D input is the same with no kernel rows (``kh = 1``): one product, plain im2col.

Axis patterns in the comments follow :mod:`convlab.strategies` (``s`` row phases, ``q``
rows of one phase, ``j`` kernel columns, ``p`` planes).

The output grid of these products *is* the output (no garbage columns, unlike
:class:`~convlab.flattaps.FlatTaps`), so BLAS writes straight into the result.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["RowShift", "row_shift"]


@dataclass(frozen=True, kw_only=True)
class RowShift:
    """``data`` with shape ``(S, N, groups, kw * C_g + 1, Q * W_out)``.

    ``S`` is the row stride (1 for a 1-D input), ``Q`` the rows of one row phase; plane
    ``kw * C_g`` of every group is all ones (the bias rides along in the first product).
    Kernel row ``i`` reads phase ``rows[i][0]`` from flat offset ``rows[i][1]``,
    ``length`` values per plane.
    """

    data: np.ndarray
    rows: tuple[tuple[int, int], ...]
    length: int

    def row(self, i: int, ones: bool = False) -> np.ndarray:
        """``(N, groups, kw*C_g [+1], length)`` view of what kernel row ``i`` meets."""
        phase, offset = self.rows[i]
        planes = self.data.shape[3] if ones else self.data.shape[3] - 1
        return self.data[phase, :, :, :planes, offset : offset + self.length]


def row_shift(
    x: np.ndarray,
    pads: Sequence[tuple[int, int]],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    out: Sequence[int],
    groups: int,
) -> RowShift:
    """Lay ``x`` (N, C, W) or (N, C, H, W) out as a :class:`RowShift`, zero-padded.

    One strided copy per (kernel column, row phase); the padding is never materialised
    as a separate array.
    """
    n, c = x.shape[:2]
    geo = _geometry(
        tuple(x.shape[2:]),
        tuple(tuple(p) for p in pads),
        tuple(kernel_size),
        tuple(stride),
        tuple(dilation),
        tuple(out),
    )
    kw, cg = kernel_size[-1], c // groups
    # s n g p q w with p = (j c) + 1: the shifted copies, then the plane of ones
    data = np.empty((geo.phases, n, groups, kw * cg + 1, *geo.phase_shape), x.dtype)
    # s n g (j c) q w -> s n g j c q w
    planes = data[:, :, :, : kw * cg].reshape(geo.phases, n, groups, kw, cg, *geo.phase_shape)
    src = x.reshape(n, groups, cg, *x.shape[2:])  # n (g c) h w -> n g c h w
    for index in geo.zeros:
        planes[index] = 0
    for dst, source in geo.copies:
        planes[dst] = src[source]
    data[:, :, :, kw * cg] = 1
    # s n g p q w -> s n g p (q w)
    flat = data.reshape(geo.phases, n, groups, kw * cg + 1, math.prod(geo.phase_shape))
    return RowShift(data=flat, rows=geo.rows, length=math.prod(out))


@dataclass(frozen=True, kw_only=True)
class _Geometry:
    phases: int
    phase_shape: tuple[int, ...]  # (Q, W_out) or (W_out,)
    zeros: tuple  # indices into the planes that are padding (only the border strips)
    copies: tuple  # (destination index, source index)
    rows: tuple[tuple[int, int], ...]


def _span(size, pad, shift, step, count):
    """Positions ``p < count`` with ``shift + step*p - pad`` inside ``[0, size)``, and
    the source slice they read."""
    first = min(count, max(0, -(-(pad - shift) // step)))
    last = max(first, min(count, -(-(size + pad - shift) // step)))
    start = shift + step * first - pad
    return slice(first, last), slice(start, start + step * (last - first), step)


@functools.lru_cache(maxsize=256)
def _geometry(n, pads, kernel_size, stride, dilation, out) -> _Geometry:
    wo, kw, sw, dw, lw = out[-1], kernel_size[-1], stride[-1], dilation[-1], pads[-1][0]
    every = slice(None)
    if len(n) == 2:
        kh, sh, dh = kernel_size[0], stride[0], dilation[0]
        q = -(-(n[0] + sum(pads[0])) // sh)
        phases, phase_shape = sh, (q, wo)
        rows = tuple(((i * dh) % sh, (i * dh) // sh * wo) for i in range(kh))
    else:
        phases, phase_shape, rows = 1, (wo,), ((0, 0),)
    zeros, copies = [], []
    for j in range(kw):
        cols, cols_src = _span(n[-1], lw, j * dw, sw, wo)
        edge_cols = [slice(0, cols.start), slice(cols.stop, wo)]
        for a in range(phases):
            head = (a, every, every, j, every)
            if len(n) == 2:
                rws, rows_src = _span(n[0], pads[0][0], a, sh, phase_shape[0])
                edges = [(slice(0, rws.start), every), (slice(rws.stop, phase_shape[0]), every)]
                edges += [(rws, e) for e in edge_cols]
                dst, src = (*head, rws, cols), (every, every, every, rows_src, cols_src)
            else:
                edges = [(e,) for e in edge_cols]
                dst, src = (*head, cols), (every, every, every, cols_src)
            zeros += [(*head, *e) for e in edges if all(s.stop > s.start for s in e if s != every)]
            if all(s.stop > s.start for s in dst[5:]):
                copies.append((dst, src))
    return _Geometry(
        phases=phases, phase_shape=phase_shape, zeros=tuple(zeros), copies=tuple(copies), rows=rows
    )
