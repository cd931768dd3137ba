"""Pooling: max and average over sliding windows, for 1, 2 and 3 spatial dims.

Pooling has no parameters and works on each channel separately. The window slides as a
convolution's does; instead of a weighted sum it takes the maximum or the mean. Like
the convolution, it is computed one window tap at a time over strided views of the
padded input: a running ``np.maximum`` (or sum) over ``k**nd`` views.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
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
    int_or_none,
    int_tuple,
    split_batch,
)
from .padding import pad_spatial
from .windows import taps

__all__ = [
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
]


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
    check_pool_padding(func, padding, kernel, dilation)
    size = x.shape[2:]
    out = tuple(shapes.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode))
    settings = dict(kernel_size=kernel, stride=stride, padding=padding, dilation=dilation)
    check_output_size(func, out, size, **settings)
    check_alloc(func, (*x.shape[:2], *out), x.itemsize, **settings)
    return PoolSpec(
        x=x, kernel_size=kernel, stride=stride, padding=padding, dilation=dilation,
        ceil_mode=ceil_mode, out=out, unbatched=unbatched,
    )  # fmt: skip


# ----------------------------------------------------------------------------- max


def max_pool_forward(spec: PoolSpec, return_indices: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Max over each window; optionally the argmax as torch's flat index.

    The maxima come from the separable pass. With ``return_indices`` they are then read
    back at the argmax, so that a zero's sign is torch's as well.
    """
    y = _separable(spec, np.maximum, -np.inf)
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
            lo, hi = _inside(n, s, i * d - p, o)
            if lo >= hi:
                break
            out.append(slice(lo, hi))
            cells.append(slice(lo * s + i * d - p, (hi - 1) * s + i * d - p + 1, s))
        else:
            yield t, (..., *out), spec.x[(..., *cells)]


def _inside(n: int, s: int, shift: int, o: int) -> tuple[int, int]:
    """The outputs ``lo <= i < hi`` whose input ``i * s + shift`` lies in ``[0, n)``."""
    return max(0, -(shift // s)), min(o, (n - 1 - shift) // s + 1)


def _max_pool(func, nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    spec = parse_pool(func, nd, input, kernel_size, stride, padding, dilation, ceil_mode)
    y, idx = max_pool_forward(spec, check_bool(func, "return_indices", return_indices))
    if spec.unbatched:
        y = y[0]
        idx = None if idx is None else idx[0]
    return (y, idx) if return_indices else y


# ----------------------------------------------------------------------------- average


def avg_pool_divisor(spec: PoolSpec, count_include_pad: bool) -> np.ndarray:
    """What each window's sum is divided by, as torch computes it (separable per dim).

    ``count_include_pad=True`` counts padding cells but never the ceil-mode overhang
    beyond the padding; ``False`` counts only real input cells.
    """
    counts = []
    for n, o, k, s, p in zip(
        spec.x.shape[2:], spec.out, spec.kernel_size, spec.stride, spec.padding, strict=True
    ):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    divisor = counts[0]
    for c in counts[1:]:
        divisor = np.multiply.outer(divisor, c)
    return divisor


def parse_avg_pool(
    func: str,
    nd: int,
    input: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: Any,
    count_include_pad: Any,
    divisor_override: Any,
) -> tuple[PoolSpec, np.ndarray]:
    """Validate an average pooling's arguments (forward or backward) and find its divisor.

    The divisor, in the input's dtype, is ``divisor_override`` (0-d) if given, else
    :func:`avg_pool_divisor` (one entry per window).
    """
    spec = parse_pool(func, nd, input, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = check_bool(func, "count_include_pad", count_include_pad)
    divisor_override = int_or_none(func, "divisor_override", divisor_override, nonzero=True)
    if divisor_override is None:
        return spec, avg_pool_divisor(spec, count_include_pad).astype(spec.x.dtype)
    return spec, np.asarray(divisor_override, spec.x.dtype)


def _avg_pool(func, nd, input, *args):
    spec, divisor = parse_avg_pool(func, nd, input, *args)
    y = avg_pool_sum(spec)
    y /= divisor
    return y[0] if spec.unbatched else y


def avg_pool_sum(spec: PoolSpec) -> np.ndarray:
    """Window sums (padding counts as zeros), one spatial dim at a time."""
    return _separable(spec, np.add, 0.0)


# ----------------------------------------------------------------------------- separable

# Images are reduced in chunks of about this many input bytes, so the one-dim partial
# results stay in cache between passes.
_CHUNK_BYTES = 1 << 20


def _separable(spec: PoolSpec, op: np.ufunc, fill: float) -> np.ndarray:
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
        lo, hi = _inside(x.shape[axis], s, shift, o)
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


# ----------------------------------------------------------------------------- public

_MAX_DOC = """{dim}-D max pooling over {layout}, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray
        ``{layout}`` or unbatched without ``N``.
    kernel_size : int or tuple of {dim} ints
    stride : int or tuple, optional
        Defaults to ``kernel_size`` (windows side by side, no overlap).
    padding : int or tuple
        Implicit ``-inf`` on each side, at most half the kernel size (as torch checks it:
        the kernel's, not its dilated extent).
    dilation : int or tuple
        Gaps between window taps (1 = none).
    ceil_mode : bool
        Round the output size up (Caffe's convention); a last window must still start
        inside the input or its left padding.
    return_indices : bool
        Also return where each maximum came from, as a flat index into the spatial
        dims of the unpadded input (what ``max_unpool{dim}d`` takes). Ties go to the first
        maximum in row-major window order; NaN propagates, as in PyTorch. A window that
        dilation places wholly in the padding gives ``-inf`` at torch's index (its start
        moved on by whole dilations past the padding) and passes no gradient back.

    Returns
    -------
    ndarray or (ndarray, ndarray of int64)

    Notes
    -----
    Per dim :math:`o = \\lfloor (n + 2p - d(k-1) - 1) / s \\rfloor + 1` (ceil in
    ``ceil_mode``), see :func:`convlab.pool_output_size`.

    Examples
    --------
{example}
    """

_AVG_DOC = """{dim}-D average pooling over {layout}, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray
        ``{layout}`` or unbatched without ``N``.
    kernel_size : int or tuple of {dim} ints
    stride : int or tuple, optional
        Defaults to ``kernel_size``.
    padding : int or tuple
        Implicit zeros on each side, at most half the kernel size.
    ceil_mode : bool
        Round the output size up; see :func:`convlab.pool_output_size`.
    count_include_pad : bool
        Divide by the window size including padding cells (default), or only by the
        number of real input cells in the window. A ceil-mode overhang past the padding
        is never counted.{override}

    Returns
    -------
    ndarray

    Notes
    -----
    Same output size as max pooling with ``dilation=1``.

    Examples
    --------
{example}
    """

_OVERRIDE = """
    divisor_override : int, optional
        Divide every window sum by this instead."""

_EXAMPLES = {
    "max_pool1d": """    >>> max_pool1d(np.array([[1., 3., 2., 5., 4.]]), 2)
    array([[3., 5.]])
    >>> max_pool1d(np.array([[1., 3., 2., 5., 4.]]), 2, ceil_mode=True)
    array([[3., 5., 4.]])""",
    "max_pool2d": """    >>> x = np.array([[[[1., 2., 5., 6.],
    ...                  [3., 4., 7., 8.],
    ...                  [0., 0., 1., 1.],
    ...                  [0., 9., 1., 1.]]]])
    >>> y, idx = max_pool2d(x, 2, return_indices=True)
    >>> y
    array([[[[4., 8.],
             [9., 1.]]]])
    >>> idx  # flat positions in the 4x4 input; the tie of 1s goes to the first
    array([[[[ 5,  7],
             [13, 10]]]])""",
    "max_pool3d": """    >>> max_pool3d(np.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
    array([[[[[7.]]]]])""",
    "avg_pool1d": """    >>> x = np.array([[1., 2., 3., 4.]])
    >>> avg_pool1d(x, 2, padding=1)
    array([[0.5, 2.5, 2. ]])
    >>> avg_pool1d(x, 2, padding=1, count_include_pad=False)
    array([[1. , 2.5, 4. ]])""",
    "avg_pool2d": """    >>> avg_pool2d(np.arange(16.0).reshape(1, 4, 4), 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])""",
    "avg_pool3d": """    >>> avg_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2, divisor_override=1)
    array([[[[28.]]]])""",
}


def max_pool1d(
    input: Any,
    kernel_size: int | tuple[int],
    stride: int | tuple[int] | None = None,
    padding: int | tuple[int] = 0,
    dilation: int | tuple[int] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    return _max_pool(
        "max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool2d(
    input: Any,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    return _max_pool(
        "max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool3d(
    input: Any,
    kernel_size: int | tuple[int, int, int],
    stride: int | tuple[int, int, int] | None = None,
    padding: int | tuple[int, int, int] = 0,
    dilation: int | tuple[int, int, int] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    return _max_pool(
        "max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool1d(
    input: Any,
    kernel_size: int | tuple[int],
    stride: int | tuple[int] | None = None,
    padding: int | tuple[int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    return _avg_pool(
        "avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


def avg_pool2d(
    input: Any,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    return _avg_pool(
        "avg_pool2d",
        2,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def avg_pool3d(
    input: Any,
    kernel_size: int | tuple[int, int, int],
    stride: int | tuple[int, int, int] | None = None,
    padding: int | tuple[int, int, int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> np.ndarray:
    return _avg_pool(
        "avg_pool3d",
        3,
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


for _dim in (1, 2, 3):
    for _f, _doc in (
        (globals()[f"max_pool{_dim}d"], _MAX_DOC),
        (globals()[f"avg_pool{_dim}d"], _AVG_DOC),
    ):
        _f.__doc__ = _doc.format(
            dim=_dim,
            name=_f.__name__,
            layout=LAYOUTS[_dim],
            example=_EXAMPLES[_f.__name__],
            override=_OVERRIDE if _dim > 1 else "",
        )
