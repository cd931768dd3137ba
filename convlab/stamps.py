"""Where a transposed convolution's stamps land, and the stamps themselves.

:func:`convlab.transpose.conv_transpose_forward` stamps ``weight * x[i]`` into the output
at ``stride`` spacing. Per dim, full index ``i*s + t*d`` is in *phase* ``(t*d) % s`` at
``i + (t*d) // s``: within one phase every tap's stamps of the whole input are one
shifted, unstrided copy of the input grid, so they are summed by plain (flat) adds into
one buffer per phase, and the phases are interleaved into the output at the end.

* :func:`phase_plan` works out, from the shapes alone, which phase buffer each tap's
  stamps go to and where each phase lands in the output (:class:`PhasePlan`);
* :func:`stamps` computes every stamp of a batch at once: one matmul, or broadcast
  outer products for 1-3 channels per group.

The other way to run a transposed convolution, one ordinary convolution per output
phase, is :mod:`convlab.phaseconv`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["PhasePlan", "conv_transpose_by_stamps", "phase_plan", "stamps"]


def stamps(wg: np.ndarray, xg: np.ndarray) -> np.ndarray:
    """``(g, R, C_g) x (N, g, C_g, P) -> (N, g, R, P)``.

    A BLAS matmul, except for 1–3 channels per group (depthwise), where the matmul
    degenerates into outer products and plain broadcasting is faster.
    """
    cg = wg.shape[-1]
    if cg > 3:
        return np.matmul(wg, xg)
    out = wg[None, :, :, 0, None] * xg[:, :, None, 0, :]
    for c in range(1, cg):
        out += wg[None, :, :, c, None] * xg[:, :, None, c, :]
    return out


@dataclass(frozen=True, kw_only=True)
class PhasePlan:
    """Where each tap's stamps land, and where each phase goes in the output."""

    phase_size: tuple[int, ...]  # every phase buffer's spatial size
    taps: list  # per tap: (phase index, slices into the phase buffer)
    phases: list  # per phase: (slices into the output, slices into the phase buffer)
    complete: bool = True  # every output phase receives stamps


def phase_plan(size, kernel, stride, padding, dilation, out) -> PhasePlan:
    """Per dim: full index ``i*s + t*d`` is phase ``(t*d) % s`` at ``i + (t*d) // s``;
    output ``o`` is full index ``o + p``, i.e. phase ``(o + p) % s`` at ``(o + p) // s``.

    Only the phases some tap lands in are kept (at most ``k`` per dim, however large
    the stride); outputs in the other phases receive no stamp: they are zero (plus the
    bias), and ``complete`` is False so the caller fills them.
    """
    lengths, tap_at, phase_at, complete = [], [], [], True
    for m, kk, s, p, d, o in zip(size, kernel, stride, padding, dilation, out, strict=True):
        used = sorted({(t * d) % s for t in range(kk)})
        complete = complete and len(used) == s
        slot = {a: i for i, a in enumerate(used)}
        lengths.append(max(m + (kk - 1) * d // s, (o - 1 + p) // s + 1))
        tap_at.append(
            [(slot[(t * d) % s], slice((t * d) // s, (t * d) // s + m)) for t in range(kk)]
        )
        per_phase = []
        for a in used:
            first = (a - p) % s  # first output in phase a
            count = len(range(first, o, s))
            start = (first + p) // s
            per_phase.append((slice(first, None, s), slice(start, start + count)))
        phase_at.append(per_phase)
    counts = [len(per) for per in phase_at]
    strides = [math.prod(counts[i + 1 :]) for i in range(len(counts))]
    taps_ = [
        (sum(a * r for (a, _), r in zip(combo, strides, strict=True)), [sl for _, sl in combo])
        for combo in itertools.product(*tap_at)
    ]
    phases = [
        ([dst for dst, _ in combo], [src for _, src in combo])
        for combo in itertools.product(*phase_at)
    ]
    return PhasePlan(phase_size=tuple(lengths), taps=taps_, phases=phases, complete=complete)


# Stamps computed per batch of images: about this many bytes.
_CHUNK_BYTES = 1 << 20


def conv_transpose_by_stamps(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    groups: int,
    out: np.ndarray,
    plan: PhasePlan,
) -> np.ndarray:
    """Fill ``out`` (``(N, C_out, *out_size)``) with the transposed conv of ``x`` by stamps.

    One matmul gives every stamp at once (``C_out * k`` values per input pixel). The
    stamps are then summed per phase (``plan``, from :func:`phase_plan`). The input's
    inner dims are zero-padded to the phase buffer's, so a shifted copy is one
    contiguous run of the flat buffer and each sum is one long add (the zeros that wrap
    round a row land on zeros' places). A last pass interleaves the phases into the
    output, crops ``padding`` and adds the bias. Images (and if need be output
    channels) are taken a few at a time so the stamps stay a cache-sized buffer.
    """
    y, w, g = out, weight, groups
    n, c_in, *size = x.shape
    og, kernel = w.shape[1], w.shape[2:]
    c_out, k, pixels = og * g, math.prod(kernel), math.prod(size)
    bias = None if bias is None else bias.reshape(-1, *([1] * len(size)))
    if not plan.complete or pixels == 0:  # outputs no stamp reaches: zero plus the bias
        y[...] = 0 if bias is None else bias
        if pixels == 0:
            return y
    # the input with its inner dims zero-padded to the phase buffer's (flat adds)
    grid = (size[0], *plan.phase_size[1:])
    if grid != tuple(size):
        x = np.pad(
            x,
            (
                (0, 0),
                (0, 0),
                (0, 0),
                *((0, b - m) for m, b in zip(size[1:], grid[1:], strict=True)),
            ),
        )
    cells = math.prod(grid)
    # per group: (C_out/g * k, C_in/g) weights times (C_in/g, cells) inputs
    wg = w.reshape(g, c_in // g, og * k).transpose(0, 2, 1)
    xg = x.reshape(n, g, c_in // g, cells)
    per_image = c_out * k * cells * x.itemsize  # stamp bytes of one image
    step = max(1, _CHUNK_BYTES // per_image)  # images per chunk
    block = max(1, min(og, og * _CHUNK_BYTES // per_image))  # output channels per group
    # flat phase buffers, one row of the first dim longer: the last runs overhang it
    flat = (plan.phase_size[0] + 1) * math.prod(plan.phase_size[1:])
    phases = np.empty((len(plan.phases), min(step, n), g, og, flat), x.dtype)
    inner = [math.prod(plan.phase_size[i + 1 :]) for i in range(len(size))]
    runs = [(phase, sum(sl.start * r for sl, r in zip(at, inner, strict=True)))
            for phase, at in plan.taps]  # fmt: skip
    for i in range(0, n, step):
        nb = len(range(i, min(i + step, n)))
        acc = phases[:, :nb]
        acc.fill(0)
        for o in range(0, og, block):
            channels = slice(o, o + block)
            z = stamps(wg[:, o * k : (o + block) * k], xg[i : i + nb])
            z = z.reshape(nb, g, -1, k, cells)
            for t, (phase, start) in enumerate(runs):
                acc[phase, :, :, channels, start : start + cells] += z[:, :, :, t]
        out = y[i : i + nb]
        for phase, (dst, src) in enumerate(plan.phases):
            part = acc[phase, :, :, :, : math.prod(plan.phase_size)]
            part = part.reshape(nb, c_out, *plan.phase_size)[(..., *src)]
            if bias is None:
                np.copyto(out[(..., *dst)], part)
            else:
                np.add(part, bias, out=out[(..., *dst)])
    return y
