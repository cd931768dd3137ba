"""Adaptive pooling: you choose the output size, the windows follow.

Adaptive pooling picks its windows so that any input size maps to a fixed output size:
window ``i`` of ``o`` along a dim of length ``n`` covers ``[floor(i n / o), ceil((i + 1) n / o))``.
Windows may overlap and differ in length by one. ``adaptive_avg_pool2d(x, 1)`` is
global average pooling, the head of most modern CNNs.

Max-unpooling, the partial inverse of max pooling, is in :mod:`convlab.unpool` (and
importable from here as before).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._validation import (
    LAYOUTS,
    as_float_array,
    check_alloc,
    check_bool,
    check_channels,
    fail,
    int_tuple,
    split_batch,
)
from .unpool import max_unpool1d, max_unpool2d, max_unpool3d

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


def adaptive_windows(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each adaptive window: ``floor(i n / o)`` to ``ceil((i + 1) n / o)``."""
    i = np.arange(out)
    return (i * size) // out, -(-((i + 1) * size) // out)


def parse_adaptive(func: str, nd: int, input: Any, output_size: Any, max_pool: bool = False):
    """Check an adaptive pooling call: ``(x batched, output size, whether it was unbatched)``.

    ``None`` in ``output_size`` keeps that dim's input size; ``max_pool`` adds the channel
    check max pooling makes.
    """
    x = as_float_array(func, "input", input)
    x, unbatched = split_batch(func, "input", x, nd, LAYOUTS[nd])
    size = x.shape[2:]
    if isinstance(output_size, (tuple, list)) and len(output_size) == nd:
        output_size = tuple(n if o is None else o for o, n in zip(output_size, size, strict=True))
    out = int_tuple(func, "output_size", output_size, nd, minimum=0)
    if min(size) < 1:
        raise fail(
            func,
            f"input must be non-empty in every spatial dim; got shape {x.shape}",
            argument="input",
            value=x,
        )
    if max_pool:
        check_channels(func, x, nd)
    check_alloc(func, (*x.shape[:2], *out), x.itemsize, output_size=output_size)
    return x, out, unbatched


def _window_sums(x: np.ndarray, axis: int, o: int) -> np.ndarray:
    """The sum of each adaptive window along ``axis``, with ``np.add.reduceat``.

    ``reduceat`` sums between consecutive bounds, so interleaved starts and ends make the
    even segments the windows; the odd ones (a window's end to the next start, one cell
    as windows touch or overlap) are dropped.
    """
    n = x.shape[axis]
    start, end = adaptive_windows(n, o)
    if o > n:  # windows of 1 or 2 cells; one may end at n before the last, past reduceat
        pair = (end - start == 2).reshape((-1,) + (1,) * (x.ndim - 1 - axis))
        return np.take(x, start, axis) + np.where(pair, np.take(x, end - 1, axis), 0)
    bounds = np.stack([start, end], axis=1).ravel()[:-1]  # the last segment runs to the end
    return np.add.reduceat(x, bounds, axis=axis)[(slice(None),) * axis + (slice(None, None, 2),)]


def _windows(x: np.ndarray, axis: int, o: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells of each adaptive window along ``axis``, window taps on a new axis before it.

    Returns ``(values, cells)``: ``values`` has shape ``(..., k, o, ...)`` for the longest
    window's length ``k`` (shorter windows repeat their last cell, harmless for a max) and
    ``cells`` (``(k, o)``) says which input position along ``axis`` each value is. Taps
    come first so that a reduction over them runs along whole rows of windows.
    """
    start, end = adaptive_windows(x.shape[axis], o)
    k = int((end - start).max(initial=1))
    cells = np.minimum(start + np.arange(k)[:, None], end - 1)
    return np.take(x, cells, axis), cells


def _max_index(values: np.ndarray, peak: np.ndarray, flat: np.ndarray, tap: int) -> np.ndarray:
    """torch's argmax among each window's ``flat`` indices (the window runs along ``tap``).

    torch scans the window in row-major order with ``if (val > maxval || isnan(val))``,
    which keeps the smallest flat index holding the maximum, or the largest holding a
    NaN. A min and a max can be taken one dim at a time, in any order.
    """
    flat = np.broadcast_to(flat, values.shape)
    first = np.where(values == peak, flat, np.iinfo(np.int64).max).min(tap)
    nan = np.isnan(peak).squeeze(tap)
    if not nan.any():  # no NaN: skip the pass that looks for the last one
        return first
    return np.where(nan, np.where(np.isnan(values), flat, -1).max(tap), first)


def _adaptive_avg(func: str, nd: int, input: Any, output_size: Any) -> np.ndarray:
    x, out, unbatched = parse_adaptive(func, nd, input, output_size)
    y = x
    for axis in reversed(range(2, 2 + nd)):  # the last dim first, its reads contiguous
        y = _window_sums(y, axis, out[axis - 2])
    for axis, (n, o) in enumerate(zip(x.shape[2:], out, strict=True)):
        start, end = adaptive_windows(n, o)  # torch divides by each dim's length in turn
        y = y / (end - start).astype(x.dtype).reshape((-1,) + (1,) * (nd - 1 - axis))
    return y[0] if unbatched else y


def _adaptive_max(func: str, nd: int, input: Any, output_size: Any, return_indices: Any):
    x, out, unbatched = parse_adaptive(func, nd, input, output_size, max_pool=True)
    return_indices = check_bool(func, "return_indices", return_indices)
    y, idx = x, None  # idx: the flat index of each value of y (None: no dim reduced yet)
    for axis in range(2, 2 + nd):  # the first dim first: later dims are contiguous runs
        values, cells = _windows(y, axis, out[axis - 2])
        peak = values.max(axis, keepdims=True)  # a NaN in the window makes it NaN
        if return_indices:
            stride = math.prod(x.shape[axis + 1 :])
            flat = cells.reshape(cells.shape + (1,) * (x.ndim - 1 - axis)) * stride
            flat = flat if idx is None else np.take(idx, cells, axis) + flat
            idx = _max_index(values, peak, flat, axis)
        y = peak.squeeze(axis)
    if not return_indices:
        return y[0] if unbatched else y
    return (y[0], idx[0]) if unbatched else (y, idx)


# ----------------------------------------------------------------------------- public


def adaptive_avg_pool1d(input: Any, output_size: int | tuple[int | None]) -> np.ndarray:
    """1-D adaptive avg pooling to a chosen output size, as ``F.adaptive_avg_pool1d``.

    As :func:`adaptive_avg_pool2d` over one spatial dim: input ``(N, C, L)`` (or unbatched
    without ``N``), result ``(N, C, L_out)`` with ``L_out`` from ``output_size``, an int or
    a tuple of one int (None keeps that dim's size).

    See Also
    --------
    adaptive_avg_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> adaptive_avg_pool1d(np.array([[1., 2., 3., 4., 5.]]), 2)
    array([[2., 4.]])
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input=input, output_size=output_size)


def adaptive_avg_pool2d(input: Any, output_size: int | tuple[int | None, int | None]) -> np.ndarray:
    """2-D adaptive avg pooling to a chosen output size, as ``F.adaptive_avg_pool2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    output_size : int or tuple of 2 ints (None keeps that dim's input size)

    Returns
    -------
    ndarray

    Raises
    ------
    TypeError
        ``input`` is not a numeric array or ``output_size`` is not an int (or a tuple of
        ints and None).
    ValueError
        An ``input`` that is not 3-D or 4-D or is empty in a spatial dim, or a
        negative ``output_size``. The message names the argument, its value and the fix.

    See Also
    --------
    adaptive_avg_pool1d, adaptive_avg_pool3d : The same over one and three spatial dims.
    avg_pool2d : Average pooling with a chosen window.
    adaptive_avg_pool2d_backward : Its gradient.

    Notes
    -----
    Window ``i`` of ``o`` spans ``[floor(i n / o), ceil((i + 1) n / o))``; when ``o``
    divides ``n`` this is ordinary pooling with ``kernel_size = stride = n / o``.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> adaptive_avg_pool2d(x, 1)  # global average pooling
    array([[[[7.5]]]])
    >>> adaptive_avg_pool2d(x, (3, None)).shape
    (1, 1, 3, 4)
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input=input, output_size=output_size)


def adaptive_avg_pool3d(input: Any, output_size: int | tuple[int | None, ...]) -> np.ndarray:
    """3-D adaptive avg pooling to a chosen output size, as ``F.adaptive_avg_pool3d``.

    As :func:`adaptive_avg_pool2d` over three spatial dims: input ``(N, C, D, H, W)`` (or
    unbatched without ``N``), result ``(N, C, D_out, H_out, W_out)`` with ``D_out, H_out,
    W_out`` from ``output_size``, an int or a tuple of 3 ints (None keeps that dim's size).

    See Also
    --------
    adaptive_avg_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> adaptive_avg_pool3d(np.ones((2, 3, 4, 5)), 2).shape
    (2, 2, 2, 2)
    """
    return _adaptive_avg("adaptive_avg_pool3d", 3, input=input, output_size=output_size)


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """1-D adaptive max pooling to a chosen output size, as ``F.adaptive_max_pool1d``.

    As :func:`adaptive_max_pool2d` over one spatial dim: input ``(N, C, L)`` (or unbatched
    without ``N``), result ``(N, C, L_out)`` with ``L_out`` from ``output_size``, an int or
    a tuple of one int (None keeps that dim's size); ``indices`` are flat positions in the
    length ``L``.

    See Also
    --------
    adaptive_max_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.array([[1., 5., 3., 4., 2.]])
    >>> adaptive_max_pool1d(x, 2, return_indices=True)
    (array([[5., 4.]]), array([[1, 3]]))
    """
    return _adaptive_max(
        "adaptive_max_pool1d",
        1,
        input=input,
        output_size=output_size,
        return_indices=return_indices,
    )


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """2-D adaptive max pooling to a chosen output size, as ``F.adaptive_max_pool2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    output_size : int or tuple of 2 ints (None keeps that dim's input size)
    return_indices : bool
        Also return the flat index of each maximum (first maximum on ties).

    Returns
    -------
    ndarray or (ndarray, ndarray of int64)

    Raises
    ------
    TypeError
        ``input`` is not a numeric array, ``output_size`` is not an int (or a tuple of
        ints and None), or ``return_indices`` is not a bool.
    ValueError
        An ``input`` that is not 3-D or 4-D or is empty in a spatial dim, or a
        negative ``output_size``. The message names the argument, its value and the fix.

    See Also
    --------
    adaptive_max_pool1d, adaptive_max_pool3d : The same over one and three spatial dims.
    max_pool2d : Max pooling with a chosen window.

    Notes
    -----
    Window ``i`` of ``o`` spans ``[floor(i n / o), ceil((i + 1) n / o))``; when ``o``
    divides ``n`` this is ordinary pooling with ``kernel_size = stride = n / o``.

    Examples
    --------
    >>> adaptive_max_pool2d(np.arange(9.0).reshape(1, 3, 3), 2)
    array([[[4., 5.],
            [7., 8.]]])
    """
    return _adaptive_max(
        "adaptive_max_pool2d",
        2,
        input=input,
        output_size=output_size,
        return_indices=return_indices,
    )


def adaptive_max_pool3d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    """3-D adaptive max pooling to a chosen output size, as ``F.adaptive_max_pool3d``.

    As :func:`adaptive_max_pool2d` over three spatial dims: input ``(N, C, D, H, W)`` (or
    unbatched without ``N``), result ``(N, C, D_out, H_out, W_out)`` with ``D_out, H_out,
    W_out`` from ``output_size``, an int or a tuple of 3 ints (None keeps that dim's size);
    ``indices`` are flat positions in the ``D * H * W`` volume.

    See Also
    --------
    adaptive_max_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> adaptive_max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 1)
    array([[[[7.]]]])
    """
    return _adaptive_max(
        "adaptive_max_pool3d",
        3,
        input=input,
        output_size=output_size,
        return_indices=return_indices,
    )
