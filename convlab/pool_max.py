"""Max pooling's maxima and their indices, with torch's rules for ties, NaN and padding.

The maxima come from :func:`convlab.pool_windows.separable`; the indices (what
``return_indices=True`` and the gradient need) from one comparison per window tap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from .pool_windows import PoolSpec, inside, separable
from .windows import taps


def max_pool_forward(spec: PoolSpec, return_indices: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Max over each window; optionally the argmax as torch's flat index.

    The maxima come from the separable pass. With ``return_indices`` they are then read
    back at the argmax, so that a zero's sign is torch's as well.
    """
    y = separable(spec, np.maximum, -np.inf)
    if not return_indices:
        return y, None
    idx = _argmax(spec, y)
    planes, area = math.prod(y.shape[:2]), math.prod(spec.x.shape[2:])
    empty, first = padding_windows(spec)
    where = idx if empty is None else np.where(empty, 0, idx)
    where = where.reshape(planes, math.prod(spec.out))
    values = np.take_along_axis(spec.x.reshape(planes, area), where, 1).reshape(idx.shape)
    if empty is not None:  # torch: -inf, at the index of its first tap moved past the padding
        values[..., empty] = -np.inf
        idx[..., empty] = first[empty]
    return values, idx


def padding_windows(spec: PoolSpec) -> tuple[np.ndarray | None, np.ndarray]:
    """Windows that lie wholly in the padding (dilation can leap over the input), or None.

    Returns ``(empty, first)``: a boolean mask over the output, and torch's index for
    such a window: per dim its start moved on by whole dilations until it is ``>= 0``
    (torch's ``while (i < 0) i += dilation``), combined as a flat index. It may point
    anywhere; such a window's value is ``-inf`` and it passes no gradient back.
    """
    if all(p == 0 or d == 1 for p, d in zip(spec.padding, spec.dilation, strict=True)):
        # without padding a window starts inside; undilated, it reaches inside from the
        # padding (p <= k // 2); and ceil mode's last window starts inside or left of it
        return None, np.zeros(0, np.int64)
    size = spec.x.shape[2:]
    steps = [math.prod(size[i + 1 :]) for i in range(len(size))]
    has, firsts = [], []
    dims = (size, spec.kernel_size, spec.stride, spec.padding, spec.dilation, spec.out, steps)
    for n, k, s, p, d, o, step in zip(*dims, strict=True):
        start = np.arange(o, dtype=np.int64) * s - p
        skipped = np.maximum(0, -(start // d))  # taps before the first one at index >= 0
        first = start + skipped * d
        has.append((skipped < k) & (first < n))
        firsts.append(first * step)
    if all(h.all() for h in has):
        return None, np.zeros(0, np.int64)
    inside = has[0]
    for h in has[1:]:
        inside = np.logical_and.outer(inside, h)
    return ~inside, sum(np.ix_(*firsts))


def _argmax(spec: PoolSpec, y: np.ndarray) -> np.ndarray:
    """Where each window's max ``y`` is, as a flat index into the input's spatial dims.

    Torch scans a window in row-major order with ``if (val > maxval || isnan(val))``
    from its first in-bounds cell: it picks the *first* cell equal to the maximum, or
    the *last* NaN. So: one comparison with ``y`` per tap, over the in-bounds cells only.
    """
    per_tap = list(_inside_taps(spec))
    tap = np.zeros(y.shape, np.intp)
    for t, out, cells in reversed(per_tap):  # the earliest tap equal to the max comes last
        np.copyto(tap[out], t, where=cells == y[out])
    if np.isnan(y).any():  # NaN == NaN is False: NaN windows take their last NaN instead
        for t, out, cells in per_tap:
            np.copyto(tap[out], t, where=np.isnan(cells))
    # flat index = that of the window's tap (0, ..., 0), perhaps in the padding, + tap's
    size = spec.x.shape[2:]
    steps = [math.prod(size[i + 1 :]) for i in range(len(size))]  # flat-index stride per dim
    dims = zip(spec.out, spec.stride, spec.padding, steps, strict=True)
    corner = sum(np.ix_(*((np.arange(o) * s - p) * step for o, s, p, step in dims)))
    offsets = np.array(list(taps(spec.kernel_size)), np.int64) @ np.multiply(spec.dilation, steps)
    return corner + offsets[tap]


def _inside_taps(spec: PoolSpec) -> Iterator[tuple[int, tuple, np.ndarray]]:
    """``(t, out, cells)`` per tap ``t``: the outputs ``y[out]`` whose tap-``t`` cell lies
    inside the input (not in the padding or the ceil-mode overhang), and those cells."""
    dims = (spec.x.shape[2:], spec.stride, spec.padding, spec.dilation, spec.out)
    for t, tap in enumerate(taps(spec.kernel_size)):
        out, cells = [], []
        for i, n, s, p, d, o in zip(tap, *dims, strict=True):
            lo, hi = inside(n, s, i * d - p, o)
            if lo >= hi:
                break
            out.append(slice(lo, hi))
            cells.append(slice(lo * s + i * d - p, (hi - 1) * s + i * d - p + 1, s))
        else:
            yield t, (..., *out), spec.x[(..., *cells)]
