"""Adaptive pooling (you choose the output size) and max-unpooling.

Adaptive pooling picks its windows so that any input size maps to a fixed output size:
window ``i`` of ``o`` along a dim of length ``n`` covers ``[floor(i n / o), ceil((i + 1) n / o))``.
Windows may overlap and differ in length by one. ``adaptive_avg_pool2d(x, 1)`` is
global average pooling, the head of most modern CNNs.

Max-unpooling puts each pooled maximum back where it came from (the indices from
``max_pool*(..., return_indices=True)``) and zeros elsewhere: a sparse, partial inverse.
"""

from __future__ import annotations

import math
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
    fail,
    int_tuple,
    settings_text,
    split_batch,
)

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
        raise fail(func, f"input must be non-empty in every spatial dim; got shape {x.shape}")
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


# ----------------------------------------------------------------------------- unpool


def _max_unpool(func, nd, input, indices, kernel_size, stride, padding, output_size):
    x = as_float_array(func, "input", input)
    try:
        idx = np.asarray(indices)
    except (TypeError, ValueError):  # ragged lists and such
        idx = np.asarray(None)
    if idx.dtype.kind not in "iu":
        raise fail(
            func,
            f"indices must be an integer array (from max_pool{nd}d(..., return_indices=True)); "
            f"got indices of dtype {idx.dtype}",
            kind=TypeError,
        )
    if idx.shape != x.shape:
        raise fail(
            func,
            f"indices must have the shape of input {x.shape}; got indices with shape {idx.shape}",
        )
    x, unbatched = split_batch(func, "input", x, nd, LAYOUTS[nd])
    idx = idx[None] if unbatched else idx
    kernel = int_tuple(func, "kernel_size", kernel_size, nd, minimum=1)
    stride = kernel if stride is None else int_tuple(func, "stride", stride, nd, minimum=1)
    padding = int_tuple(func, "padding", padding, nd, minimum=0)
    if output_size is None:  # the size max-pooling came from, at its smallest
        out = tuple(shapes.conv_transpose_output_size(x.shape[2:], kernel, stride, padding))
    else:
        given = output_size
        if isinstance(given, (tuple, list)) and len(given) in (nd + 1, nd + 2):
            given = tuple(given)[len(given) - nd :]  # torch also takes (N, C, *size)
        out = int_tuple(func, "output_size", given, nd, minimum=1)
    settings = dict(kernel_size=kernel, stride=stride, padding=padding)
    check_output_size(func, out, x.shape[2:], **settings)
    check_alloc(func, (*x.shape[:2], *out), x.itemsize, output_size=output_size, **settings)
    n_out = math.prod(out)
    flat_idx = idx.reshape(idx.shape[0] * idx.shape[1], math.prod(idx.shape[2:]))
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= n_out):
        raise fail(
            func,
            f"indices must lie in [0, {n_out}) for output size {out} (from "
            f"{settings_text(dict(settings, output_size=output_size))}); got indices from "
            f"{flat_idx.min()} to {flat_idx.max()}",
            "Pass the output_size of the input you pooled",
        )
    y = np.zeros((flat_idx.shape[0], n_out), x.dtype)
    np.put_along_axis(y, flat_idx, x.reshape(flat_idx.shape), axis=1)
    y = y.reshape(x.shape[:2] + out)
    return y[0] if unbatched else y


# ----------------------------------------------------------------------------- public

_ADAPTIVE_DOC = """{dim}-D adaptive {kind} pooling to a chosen output size, as ``F.{name}``.

    Parameters
    ----------
    input : ndarray
        ``{layout}`` or unbatched without ``N``.
    output_size : int or tuple of {dim} ints (None keeps that dim's input size){ret}

    Returns
    -------
    ndarray{ret_type}

    Notes
    -----
    Window ``i`` of ``o`` spans ``[floor(i n / o), ceil((i + 1) n / o))``; when ``o``
    divides ``n`` this is ordinary pooling with ``kernel_size = stride = n / o``.

    Examples
    --------
{example}
    """

_RET = """
    return_indices : bool
        Also return the flat index of each maximum (first maximum on ties)."""

_UNPOOL_DOC = """{dim}-D max-unpooling, a partial inverse of ``max_pool{dim}d``, as ``F.{name}``.

    Parameters
    ----------
    input : ndarray
        Pooled values ``{layout}`` (or unbatched).
    indices : ndarray of int
        From ``max_pool{dim}d(..., return_indices=True)``: flat positions in each
        channel's spatial plane.
    kernel_size, stride, padding : int or tuple
        Those of the pooling (``stride`` defaults to ``kernel_size``).
    output_size : tuple, optional
        The spatial size to restore (the last {dim} entries are used). Default
        :math:`(n - 1)s - 2p + k` per dim, which misses rows that floor-mode pooling dropped.

    Returns
    -------
    ndarray
        Zeros except at ``indices``, which hold the pooled values.

    Examples
    --------
{example}
    """

_EXAMPLES = {
    "adaptive_avg_pool1d": """    >>> adaptive_avg_pool1d(np.array([[1., 2., 3., 4., 5.]]), 2)
    array([[2., 4.]])""",
    "adaptive_avg_pool2d": """    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> adaptive_avg_pool2d(x, 1)  # global average pooling
    array([[[[7.5]]]])
    >>> adaptive_avg_pool2d(x, (3, None)).shape
    (1, 1, 3, 4)""",
    "adaptive_avg_pool3d": """    >>> adaptive_avg_pool3d(np.ones((2, 3, 4, 5)), 2).shape
    (2, 2, 2, 2)""",
    "adaptive_max_pool1d": """    >>> x = np.array([[1., 5., 3., 4., 2.]])
    >>> adaptive_max_pool1d(x, 2, return_indices=True)
    (array([[5., 4.]]), array([[1, 3]]))""",
    "adaptive_max_pool2d": """    >>> adaptive_max_pool2d(np.arange(9.0).reshape(1, 3, 3), 2)
    array([[[4., 5.],
            [7., 8.]]])""",
    "adaptive_max_pool3d": """    >>> adaptive_max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 1)
    array([[[[7.]]]])""",
    "max_unpool1d": """    >>> from convlab import max_pool1d
    >>> y, idx = max_pool1d(np.array([[1., 3., 2., 5.]]), 2, return_indices=True)
    >>> max_unpool1d(y, idx, 2)
    array([[0., 3., 0., 5.]])""",
    "max_unpool2d": """    >>> from convlab import max_pool2d
    >>> x = np.array([[[[1., 2.], [4., 3.]]]])
    >>> y, idx = max_pool2d(x, 2, return_indices=True)
    >>> max_unpool2d(y, idx, 2)
    array([[[[0., 0.],
             [4., 0.]]]])""",
    "max_unpool3d": """    >>> from convlab import max_pool3d
    >>> y, idx = max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2, return_indices=True)
    >>> max_unpool3d(y, idx, 2)[0, 1, 1]
    array([0., 7.])""",
}


def adaptive_avg_pool1d(input: Any, output_size: int | tuple[int | None]) -> np.ndarray:
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input: Any, output_size: int | tuple[int | None, int | None]) -> np.ndarray:
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input: Any, output_size: int | tuple[int | None, ...]) -> np.ndarray:
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool1d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Any, output_size: Any, return_indices: bool = False) -> Any:
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


def max_unpool1d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)


for _dim in (1, 2, 3):
    for _kind in ("avg", "max"):
        _f = globals()[f"adaptive_{_kind}_pool{_dim}d"]
        _f.__doc__ = _ADAPTIVE_DOC.format(
            dim=_dim,
            kind=_kind,
            name=_f.__name__,
            layout=LAYOUTS[_dim],
            ret=_RET if _kind == "max" else "",
            ret_type=" or (ndarray, ndarray of int64)" if _kind == "max" else "",
            example=_EXAMPLES[_f.__name__],
        )
    _f = globals()[f"max_unpool{_dim}d"]
    _f.__doc__ = _UNPOOL_DOC.format(
        dim=_dim, name=_f.__name__, layout=LAYOUTS[_dim], example=_EXAMPLES[_f.__name__]
    )
