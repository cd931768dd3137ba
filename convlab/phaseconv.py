"""Transposed convolution as one ordinary convolution per output phase.

Along a dim with stride ``s``, the output cells ``o`` with the same ``(o + p) mod s``
(one *phase*) receive stamps from the same taps only: full index ``i*s + t*d`` is in
phase ``a = (t*d) mod s`` at ``q = i + u_t`` with ``u_t = (t*d - a) // s``. So within a
phase::

    y_a[q] = sum over taps t of phase a:  weight[t] * x[q - u_t]

a stride-1 correlation of ``x`` with that phase's taps, reversed. The taps of a phase
are ``s / gcd(s, d)`` apart, so their ``u_t`` are ``d / gcd(s, d)`` apart: the phase's
kernel is dilated by that. Each phase is then computed by the forward convolution's
strategies (:func:`convlab.strategies.convolve`: one GEMM with ``C_in/g * k_a`` inner
products per output cell, no stamp buffer and no stamp additions) and copied into its
strided place in the output. With a 3×3 kernel and stride 2 the four phases have
2×2, 2×1, 1×2 and 1×1 taps: together exactly the 9 taps' flops.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from .strategies import cols_budget, convolve

__all__ = ["conv_transpose_by_phases"]


class _Axis(NamedTuple):
    """One phase along one dim: which taps, which output cells, which input cells."""

    taps: list[int]  # tap indices, reversed: the phase kernel's order
    dilation: int  # between the phase kernel's taps, in input cells
    dst: slice  # output cells of this phase
    src: slice  # input cells read (a slice of x)
    pads: tuple[int, int]  # zeros before and after them


def _axis_phases(m: int, k: int, s: int, p: int, d: int, o: int) -> list[_Axis]:
    """Per used phase of one dim, the pieces of its stride-1 correlation."""
    phases = []
    for a in sorted({(t * d) % s for t in range(k)}):
        taps = [t for t in range(k) if (t * d) % s == a]
        first = (a - p) % s  # the first output cell of phase a
        count = len(range(first, o, s))
        if count == 0:
            continue
        q0 = (first + p) // s
        step = d // math.gcd(s, d)
        u_last = (taps[-1] * d - a) // s
        need = count + (len(taps) - 1) * step  # input cells the correlation reads
        start = q0 - u_last  # x index under the first output's first (reversed) tap
        lo, hi = min(max(start, 0), m), min(max(start + need, 0), m)
        before = min(need, max(0, -start))
        phases.append(
            _Axis(
                taps=taps[::-1],
                dilation=step,
                dst=slice(first, first + (count - 1) * s + 1, s),
                src=slice(lo, hi),
                pads=(before, need - before - (hi - lo)),
            )
        )
    return phases


def conv_transpose_by_phases(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    out: np.ndarray,
) -> np.ndarray:
    """Fill ``out`` (``(N, C_out, *out_size)``, C-contiguous) with the transposed conv.

    ``weight`` is ``(C_in, C_out/groups, *k)``. Output cells no tap reaches (a stride
    larger than the dilated kernel) get the bias alone.

    >>> x = np.array([[[1., 2.]]])
    >>> conv_transpose_by_phases(x, np.array([[[1., 1., 1.]]]), None, (2,), (0,), (1,),
    ...                          1, np.empty((1, 1, 5)))
    array([[[1., 1., 3., 2., 2.]]])
    """
    c_in, *size = x.shape[1:]
    og, kernel = weight.shape[1], weight.shape[2:]
    per_dim = [
        _axis_phases(m, k, s, p, d, o)
        for m, k, s, p, d, o in zip(size, kernel, stride, padding, dilation, out.shape[2:],
                                    strict=True)
    ]  # fmt: skip
    covered = [
        sum(len(range(o)[ax.dst]) for ax in axes)
        for axes, o in zip(per_dim, out.shape[2:], strict=True)
    ]
    alone = 0 if bias is None else bias.reshape(-1, *([1] * len(size)))  # cells no tap reaches
    if covered != list(out.shape[2:]):  # cells between the phases: the bias alone
        out[...] = alone
    # (C_in, C_out/g, *k) -> the conv weight (C_out, C_in/g, *k): (g c) o i j -> (g o) c i j
    w = weight.reshape(groups, c_in // groups, og, *kernel)
    w = w.transpose(0, 2, 1, *range(3, w.ndim)).reshape(groups * og, c_in // groups, *kernel)
    for combo in itertools.product(*per_dim):
        taps = np.ix_(*(ax.taps for ax in combo))
        w_phase = np.ascontiguousarray(w[(slice(None), slice(None), *taps)])
        dst = out[(slice(None), slice(None), *(ax.dst for ax in combo))]
        src = x[(slice(None), slice(None), *(ax.src for ax in combo))]
        if src.size == 0:  # the phase reads only zeros
            dst[...] = alone
            continue
        target = dst if dst.flags.c_contiguous else np.empty(dst.shape, dst.dtype)
        convolve(
            np.ascontiguousarray(src),
            tuple(ax.pads for ax in combo),
            w_phase.shape[2:],
            (1,) * len(size),
            tuple(ax.dilation for ax in combo),
            w_phase,
            groups,
            bias,
            out=target,
            cols_bytes=cols_budget(target.nbytes),
        )
        if target is not dst:
            np.copyto(dst, target)
    return out
