"""The flat-tap layout: a convolution's windows as contiguous runs of one flat copy.

:mod:`convlab.windows` gives each kernel tap a *strided* view of the padded input. For a
matrix product strided views are the wrong shape: BLAS wants contiguous rows. Lay the
zero-padded input out flat, let the output run over the padded width (the extra
columns are garbage, cropped at the end), and tap ``t``'s values at every output become
one *contiguous* run starting ``sum(t*d * row_stride)`` into it; a stride splits the
input into its polyphase components first, one flat copy each.

* :func:`flat_taps` builds the layout (:class:`FlatTaps`) in one copy; the index
  arithmetic depends only on shapes and is cached;
* :class:`TapBlock` groups the taps that read the same phase: their runs start on a
  regular grid, so one strided view (:meth:`FlatTaps.block`) holds all of them and one
  copy stacks them (im2col without a Python loop over taps);
* :func:`compact` drops what no window reads (huge strides or paddings), so the layout's
  cost follows the output.

Axis patterns in the comments follow :mod:`convlab.strategies`.

The products run on it live in :mod:`convlab.strategies` (forward) and
:func:`convlab.grad.correlate_grad` (weight gradient).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import shapes
from .windows import taps

__all__ = ["FlatTaps", "TapBlock", "compact", "flat_taps"]


@dataclass(frozen=True, kw_only=True)
class TapBlock:
    """Taps that read the same phase, at flat offsets ``offset + sum(a_i * steps[i])``.

    ``taps`` lists their indices (in ``taps()`` order) in the block's own row-major order
    over ``counts``, which is the order :meth:`FlatTaps.block` stacks them in.
    """

    phase: int
    offset: int
    counts: tuple[int, ...]
    steps: tuple[int, ...]
    taps: tuple[int, ...]


@dataclass(frozen=True, kw_only=True)
class FlatTaps:
    """The padded input laid out so that every kernel tap is a *contiguous* slice.

    Attributes
    ----------
    data : ndarray, shape (S, N, C, length_of_phase)
        The zero-padded input split into its ``S = prod(stride)`` polyphase components
        (every ``s``-th pixel, starting at each phase), each flattened.
    grid : tuple of int
        The output grid the slices produce: the true output size in the first dim, the
        phase width in the others. Columns beyond the true output are wrap-around garbage.
    out : tuple of int
        The true output size (a corner of ``grid``).
    offsets : sequence of (phase, offset)
        Where each tap's slice starts, in ``taps()`` order.
    blocks : tuple of TapBlock
        The taps grouped by phase; within a block the slices start on a regular grid, so
        one strided view (:meth:`block`) holds all of them and one copy stacks them
        (im2col without a Python loop over taps).
    """

    data: np.ndarray
    grid: tuple[int, ...]
    out: tuple[int, ...]
    offsets: Sequence[tuple[int, int]]
    blocks: tuple[TapBlock, ...] = ()

    @property
    def length(self) -> int:
        return math.prod(self.grid)

    def tap(self, i: int) -> np.ndarray:
        """``(N, C, length)`` view of the input values tap ``i`` meets, zero copy."""
        phase, offset = self.offsets[i]
        return self.data[phase, :, :, offset : offset + self.length]

    def block(self, b: TapBlock) -> np.ndarray:
        """``(N, *b.counts, C, *out)`` view: the input values every tap of block ``b``
        meets at every (true) output position. Zero copy: the taps' strides overlap."""
        n, c, length = self.data.shape[1:]
        item = self.data.itemsize
        grid_strides = [math.prod(self.grid[i + 1 :]) * item for i in range(len(self.grid))]
        # s n c L -> n a b c r w, a b the block's taps: a strided view whose tap axes step
        # by a few cells, so neighbouring taps' runs overlap in memory
        view = np.ndarray(  # what np.lib.stride_tricks.as_strided does, minus its overhead
            (n, *b.counts, c, *self.out),
            self.data.dtype,
            buffer=self.data,
            offset=(b.phase * n * c * length + b.offset) * item,
            strides=(
                c * length * item,
                *(step * item for step in b.steps),
                length * item,
                *grid_strides,
            ),
        )
        view.flags.writeable = False
        return view

    def crop(self, y: np.ndarray) -> np.ndarray:
        """``(..., length)`` on the grid -> ``(..., *out)``, dropping the garbage columns."""
        y = y.reshape(*y.shape[:-1], *self.grid)  # ... (r w) -> ... r w
        return y[(..., *(slice(0, o) for o in self.out))]

    def spread(self, y: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`crop`: ``(..., *out)`` -> ``(..., length)``, zeros elsewhere."""
        lead = y.shape[: y.ndim - len(self.out)]
        grid = np.zeros((*lead, *self.grid), y.dtype)
        grid[(..., *(slice(0, o) for o in self.out))] = y
        return grid.reshape(*lead, self.length)  # ... r w -> ... (r w)


def flat_taps(
    x: np.ndarray,
    pads: Sequence[tuple[int, int]],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    out: Sequence[int],
) -> FlatTaps:
    """Zero-pad ``x`` (N, C, *n) and split it into stride phases, in one copy.

    Why: with stride 1, the values tap ``t`` meets are ``xp[t*d : t*d + o]`` per dim. If we
    let the output run over the whole padded width (and ignore the extra columns), then
    in the *flattened* padded image those values are one contiguous run starting at
    ``sum(t*d * row_stride)``. A contiguous ``(C, L)`` run is something BLAS reads in
    place (one matmul per tap, no copy), and the runs of neighbouring taps start at
    regular offsets, so one strided view holds a whole block of taps (:meth:`FlatTaps.block`,
    which im2col copies in one go). With stride ``s`` the same holds inside each
    polyphase component ``xp[a::s]``: tap ``t`` reads phase ``(t*d) % s`` from offset
    ``(t*d) // s``. One spare slab at the end keeps the last tap's run in bounds. The
    index arithmetic depends only on the shapes and is cached.
    """
    N, C, *n = x.shape
    geo = _geometry(
        tuple(n),
        tuple(tuple(p) for p in pads),
        tuple(kernel_size),
        tuple(stride),
        tuple(dilation),
        tuple(out),
    )
    data = np.zeros((len(geo.copies), N, C, *geo.phase_shape), x.dtype)
    for k, (dst, src) in enumerate(geo.copies):
        data[(k, ..., *dst)] = x[(..., *src)]
    # s n c q w -> s n c (q w)
    flat = data.reshape(len(geo.copies), N, C, math.prod(geo.phase_shape))
    return FlatTaps(data=flat, grid=geo.grid, out=geo.out, offsets=geo.offsets, blocks=geo.blocks)


@dataclass(frozen=True, kw_only=True)
class _Geometry:
    """Everything in a FlatTaps that depends only on shapes (so it can be cached)."""

    phase_shape: tuple[int, ...]
    copies: tuple[tuple[tuple[slice, ...], tuple[slice, ...]], ...]  # per phase: dst, src
    grid: tuple[int, ...]
    out: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]
    blocks: tuple[TapBlock, ...]


@functools.lru_cache(maxsize=256)
def _geometry(n, pads, kernel_size, stride, dilation, out) -> _Geometry:
    padded = shapes.padded_size(n, pads)
    q = [-(-p // s) for p, s in zip(padded, stride, strict=True)]
    phases = list(itertools.product(*(range(s) for s in stride)))
    copies = []
    for phase in phases:
        src, dst = [], []
        for a, s, (before, _), m in zip(phase, stride, pads, n, strict=True):
            first = before + (a - before) % s  # first padded index >= before in this phase
            start = first - before  # its index in x
            count = len(range(start, m, s))
            src.append(slice(start, m, s))
            dst.append(slice((first - a) // s, (first - a) // s + count))
        copies.append((tuple(dst), tuple(src)))
    strides = [math.prod(q[i + 1 :]) for i in range(len(q))]
    offsets = []
    for tap in taps(kernel_size):
        shift = [t * d for t, d in zip(tap, dilation, strict=True)]
        phase = tuple(v % s for v, s in zip(shift, stride, strict=True))
        offset = sum((v // s) * r for v, s, r in zip(shift, stride, strides, strict=True))
        offsets.append((phases.index(phase), offset))
    return _Geometry(
        phase_shape=(q[0] + 1, *q[1:]),
        copies=tuple(copies),
        grid=(out[0], *q[1:]),
        out=out,
        offsets=tuple(offsets),
        blocks=_tap_blocks(kernel_size, stride, dilation, strides, phases),
    )


def _tap_blocks(kernel_size, stride, dilation, strides, phases) -> tuple[TapBlock, ...]:
    """Group the taps by phase. Per dim, the taps ``t`` of one phase are every
    ``s/gcd(s, d)``-th tap and their offsets step by ``d/gcd(s, d)`` phase pixels."""
    per_dim = []  # per dim: [(phase, first offset, [taps]), ...]
    for k, s, d in zip(kernel_size, stride, dilation, strict=True):
        groups: dict[int, list[int]] = {}
        for t in range(k):
            groups.setdefault(t * d % s, []).append(t)
        per_dim.append([(ph, ts[0] * d // s, ts) for ph, ts in sorted(groups.items())])
    blocks = []
    for combo in itertools.product(*per_dim):
        tap_grid = np.ravel_multi_index(np.ix_(*(ts for _, _, ts in combo)), kernel_size)
        blocks.append(
            TapBlock(
                phase=phases.index(tuple(ph for ph, _, _ in combo)),
                offset=sum(o * r for (_, o, _), r in zip(combo, strides, strict=True)),
                counts=tuple(len(ts) for _, _, ts in combo),
                steps=tuple(
                    d // math.gcd(s, d) * r
                    for s, d, r in zip(stride, dilation, strides, strict=True)
                ),
                taps=tuple(int(t) for t in tap_grid.ravel()),
            )
        )
    return tuple(blocks)


def compact(
    x: np.ndarray,
    pads: Sequence[tuple[int, int]],
    kernel_size: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    out: Sequence[int],
) -> tuple[np.ndarray, tuple[tuple[int, int], ...], tuple[int, ...]]:
    """The same windows over only what they read: cost follows the output, not the stride.

    Returns ``(x, pads, stride)`` for which :func:`flat_taps` gives the same ``out``
    windows as for the arguments, but whose size and number of stride phases are at most
    about the output's. Per spatial dim, with ``e = d(k - 1) + 1`` the window's extent:

    * one output: the stride never matters, use 1;
    * the windows reach only ``(o - 1) s + e`` padded cells: crop the rest (input or
      padding, however large);
    * ``s > e``: the windows do not touch; the cells between them are never read, so
      gather the windows side by side (explicitly zero-padded) and step by ``e``.

    >>> x = np.arange(10.0).reshape(1, 1, 10)
    >>> xc, pads, stride = compact(x, ((1, 1),), (2,), (10**9,), (1,), (1,))
    >>> xc.ravel().tolist(), pads, stride
    ([0.0], ((1, 0),), (1,))
    >>> xc, pads, stride = compact(x, ((0, 0),), (2,), (4,), (1,), (3,))
    >>> xc.ravel().tolist(), pads, stride
    ([0.0, 1.0, 4.0, 5.0, 8.0, 9.0], ((0, 0),), (2,))
    """
    if not _compacts(x.shape[2:], tuple(map(tuple, pads)), tuple(kernel_size), tuple(stride),
                     tuple(dilation), tuple(out)):  # fmt: skip
        return x, tuple(pads), tuple(stride)  # the common case: nothing to crop or skip
    new_pads, new_stride = [], []
    for axis, (n, (before, _), k, s, d, o) in enumerate(
        zip(x.shape[2:], pads, kernel_size, stride, dilation, out, strict=True), start=2
    ):
        e = d * (k - 1) + 1
        s = 1 if o == 1 else s
        if s > e:
            # padded cells i*s + j (i < o, j < e), as input indices; clamped so that huge
            # paddings and strides stay in int64 (cells outside the input are zeros anyway)
            starts = np.array([min(max(i * s - before, -e), n) for i in range(o)], np.int64)
            where = (starts[:, None] + np.arange(e)).ravel()
            inside = (where >= 0) & (where < n)
            taken = np.take(x, np.clip(where, 0, max(n - 1, 0)), axis=axis) if n else None
            shape = list(x.shape)
            shape[axis] = where.size
            mask = inside.reshape([-1 if a == axis else 1 for a in range(x.ndim)])
            x = np.where(mask, taken, 0).astype(x.dtype) if n else np.zeros(shape, x.dtype)
            new_pads.append((0, 0))
            new_stride.append(e)
            continue
        reach = (o - 1) * s + e  # padded cells the windows read: [0, reach)
        keep = min(n, max(0, reach - before))
        if keep < n:
            x = x[(slice(None),) * axis + (slice(0, keep),)]
        new_pads.append((min(before, reach), max(0, reach - before - keep)))
        new_stride.append(s)
    return x, tuple(new_pads), tuple(new_stride)


@functools.lru_cache(maxsize=256)
def _compacts(size, pads, kernel_size, stride, dilation, out) -> bool:
    """Would :func:`compact` change anything for these shapes? (Cached: calls repeat.)"""
    for n, (before, after), k, s, d, o in zip(
        size, pads, kernel_size, stride, dilation, out, strict=True
    ):
        e = d * (k - 1) + 1
        if (o == 1 and s != 1) or (o > 1 and s > e):
            return True
        reach = (o - 1) * s + e
        keep = min(n, max(0, reach - before))
        if keep < n or (min(before, reach), max(0, reach - before - keep)) != (before, after):
            return True
    return False
