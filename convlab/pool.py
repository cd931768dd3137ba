"""Pooling: max and average (1-3 spatial dims), adaptive pooling and max-unpooling.

Pooling has no parameters and works on each channel separately. The window slides as a
convolution's does; instead of a weighted sum it takes the maximum or the mean. Like
the convolution, it is computed one window tap at a time over strided views of the
padded input: a running ``np.maximum`` (or sum) over ``k**nd`` views.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import shapes
from ._validation import (
    as_float_array,
    check_output_size,
    check_pool_padding,
    fail,
    int_or_none,
    int_tuple,
    split_batch,
)
from .padding import pad_spatial
from .windows import tap_views, taps

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]

_LAYOUTS = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


@dataclass(frozen=True)
class PoolSpec:
    x: np.ndarray  # (N, C, *n)
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    ceil_mode: bool
    out: tuple[int, ...]
    unbatched: bool

    def padded(self, value: float) -> np.ndarray:
        """The input padded by ``padding`` on both sides, plus room for a ceil-mode window."""
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
            reach = (o - 1) * s + d * (k - 1) + 1  # padded length the last window needs
            pairs.append((p, max(p, reach - n - p)))
        return pad_spatial(self.x, pairs, "constant", value)


def _check_bool(func: str, name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise fail(func, f"{name} must be True or False; got {name}={value!r}", kind=TypeError)
    return bool(value)


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
    x, unbatched = split_batch(func, "input", x, nd, _LAYOUTS[nd])
    kernel = int_tuple(func, "kernel_size", kernel_size, nd, minimum=1)
    stride = kernel if stride is None else int_tuple(func, "stride", stride, nd, minimum=1)
    padding = int_tuple(func, "padding", padding, nd, minimum=0)
    dilation = int_tuple(func, "dilation", dilation, nd, minimum=1)
    ceil_mode = _check_bool(func, "ceil_mode", ceil_mode)
    check_pool_padding(func, padding, kernel, dilation)
    size = x.shape[2:]
    out = tuple(shapes.pool_output_size(size, kernel, stride, padding, dilation, ceil_mode))
    check_output_size(func, out, size, kernel_size=kernel, stride=stride, padding=padding)
    return PoolSpec(x, kernel, stride, padding, dilation, ceil_mode, out, unbatched)


# ----------------------------------------------------------------------------- max


def max_pool_forward(spec: PoolSpec, return_indices: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Running max over the window taps; optionally the argmax as torch's flat index.

    Ties keep the *first* maximum in row-major window order and a NaN wins, exactly
    PyTorch's ``if (val > maxval || isnan(val))`` scan.
    """
    xp = spec.padded(-np.inf)
    views = tap_views(xp, spec.kernel_size, spec.stride, spec.dilation, spec.out)
    if not return_indices:
        _, first = next(views)
        y = first.copy()
        for _, v in views:
            np.maximum(y, v, out=y)
        return y, None
    size = spec.x.shape[2:]
    flat = np.arange(math.prod(size)).reshape(size)
    pairs = [(p, q - n - p) for p, n, q in zip(spec.padding, size, xp.shape[2:], strict=True)]
    flat = pad_spatial(flat, pairs, "constant", -1)
    index_views = tap_views(flat, spec.kernel_size, spec.stride, spec.dilation, spec.out)
    y = np.full(xp.shape[:2] + spec.out, -np.inf, xp.dtype)
    idx = np.broadcast_to(_first_inside(spec), y.shape).copy()
    for (_, v), (_, iv) in zip(views, index_views, strict=True):
        better = (v > y) | np.isnan(v)
        np.copyto(y, v, where=better)
        np.copyto(idx, iv, where=better)
    return y, idx


def _first_inside(spec: PoolSpec) -> np.ndarray:
    """Flat index of each window's first in-bounds tap (torch's initial argmax)."""
    size = spec.x.shape[2:]
    grids = []
    for o, s, p, d in zip(spec.out, spec.stride, spec.padding, spec.dilation, strict=True):
        start = np.arange(o) * s - p
        grids.append(np.where(start < 0, start + (-start + d - 1) // d * d, start))
    mesh = np.meshgrid(*grids, indexing="ij")
    return np.ravel_multi_index(mesh, size, mode="clip")


def _max_pool(func, nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    spec = parse_pool(func, nd, input, kernel_size, stride, padding, dilation, ceil_mode)
    y, idx = max_pool_forward(spec, _check_bool(func, "return_indices", return_indices))
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


def _avg_pool(
    func, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
):
    spec = parse_pool(func, nd, input, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = _check_bool(func, "count_include_pad", count_include_pad)
    divisor_override = int_or_none(func, "divisor_override", divisor_override, minimum=1)
    y = avg_pool_sum(spec)
    if divisor_override is not None:
        y /= y.dtype.type(divisor_override)
    else:
        y /= avg_pool_divisor(spec, count_include_pad).astype(y.dtype)
    return y[0] if spec.unbatched else y


def avg_pool_sum(spec: PoolSpec) -> np.ndarray:
    """Window sums, adding the taps in torch's (row-major) order."""
    views = tap_views(spec.padded(0.0), spec.kernel_size, spec.stride, spec.dilation, spec.out)
    _, first = next(views)
    y = first.copy()
    for _, v in views:
        y += v
    return y


# ----------------------------------------------------------------------------- adaptive


def adaptive_windows(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each adaptive window: ``floor(i n / o)`` to ``ceil((i + 1) n / o)``."""
    i = np.arange(out)
    return (i * size) // out, -(-((i + 1) * size) // out)


def _parse_adaptive(func: str, nd: int, input: Any, output_size: Any):
    x = as_float_array(func, "input", input)
    x, unbatched = split_batch(func, "input", x, nd, _LAYOUTS[nd])
    size = x.shape[2:]
    if isinstance(output_size, (tuple, list)):
        output_size = tuple(n if o is None else o for o, n in zip(output_size, size, strict=False))
    out = int_tuple(func, "output_size", output_size, nd, minimum=0)
    if min(size) < 1:
        raise fail(func, f"input must be non-empty in every spatial dim; got shape {x.shape}")
    return x, out, unbatched


def _adaptive_taps(x: np.ndarray, out: tuple[int, ...]):
    """Yield ``(values, valid, flat_index)`` per tap of the widest adaptive window.

    Windows differ in length, so each dim gets ``kmax`` taps; taps past a window's end
    are clamped to its last cell (harmless for max) and flagged invalid (for the mean).
    """
    size = x.shape[2:]
    dims = []
    for n, o in zip(size, out, strict=True):
        start, end = adaptive_windows(n, o)
        kmax = int((end - start).max(initial=0))
        pos = np.minimum(start[:, None] + np.arange(kmax), end[:, None] - 1)
        dims.append((pos, start[:, None] + np.arange(kmax) < end[:, None]))
    for tap in taps([pos.shape[1] for pos, _ in dims]):
        values, valid, index = x, True, 0
        for axis, (t, (pos, ok)) in enumerate(zip(tap, dims, strict=True)):
            values = np.take(values, pos[:, t], axis=2 + axis)
            shape = [1] * len(out)
            shape[axis] = -1
            valid = valid & ok[:, t].reshape(shape)
            index = index * size[axis] + pos[:, t].reshape(shape)
        yield values, valid, index


def _adaptive_avg(func: str, nd: int, input: Any, output_size: Any) -> np.ndarray:
    x, out, unbatched = _parse_adaptive(func, nd, input, output_size)
    y = np.zeros(x.shape[:2] + out, x.dtype)
    for values, valid, _ in _adaptive_taps(x, out):
        y += np.where(valid, values, 0)
    count = 1
    for n, o in zip(x.shape[2:], out, strict=True):
        start, end = adaptive_windows(n, o)
        count = np.multiply.outer(count, end - start)
    y /= np.asarray(count, dtype=y.dtype)
    return y[0] if unbatched else y


def _adaptive_max(func: str, nd: int, input: Any, output_size: Any, return_indices: Any):
    x, out, unbatched = _parse_adaptive(func, nd, input, output_size)
    return_indices = _check_bool(func, "return_indices", return_indices)
    y = np.full(x.shape[:2] + out, -np.inf, x.dtype)
    idx = np.zeros(y.shape, np.int64)
    for values, _, index in _adaptive_taps(x, out):
        better = (values > y) | np.isnan(values)
        np.copyto(y, values, where=better)
        if return_indices:
            np.copyto(idx, np.broadcast_to(index, y.shape), where=better)
    if unbatched:
        y, idx = y[0], idx[0]
    return (y, idx) if return_indices else y


# ----------------------------------------------------------------------------- unpool


def _max_unpool(func, nd, input, indices, kernel_size, stride, padding, output_size):
    x = as_float_array(func, "input", input)
    idx = np.asarray(indices)
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
    x, unbatched = split_batch(func, "input", x, nd, _LAYOUTS[nd])
    idx = idx[None] if unbatched else idx
    kernel = int_tuple(func, "kernel_size", kernel_size, nd, minimum=1)
    stride = kernel if stride is None else int_tuple(func, "stride", stride, nd, minimum=1)
    padding = int_tuple(func, "padding", padding, nd, minimum=0)
    if output_size is None:  # the size max-pooling came from, at its smallest
        out = tuple(shapes.conv_transpose_output_size(x.shape[2:], kernel, stride, padding))
    else:
        given = tuple(output_size)
        out = int_tuple(func, "output_size", given[len(given) - nd :], nd, minimum=1)
    check_output_size(func, out, x.shape[2:], kernel_size=kernel, stride=stride, padding=padding)
    n_out = math.prod(out)
    flat_idx = idx.reshape(idx.shape[0] * idx.shape[1], math.prod(idx.shape[2:]))
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= n_out):
        raise fail(
            func,
            f"indices must lie in [0, {n_out}) for output size {out}; got indices from "
            f"{flat_idx.min()} to {flat_idx.max()}",
            "Pass the output_size of the input you pooled",
        )
    y = np.zeros((flat_idx.shape[0], n_out), x.dtype)
    np.put_along_axis(y, flat_idx, x.reshape(flat_idx.shape), axis=1)
    y = y.reshape(x.shape[:2] + out)
    return y[0] if unbatched else y


# ----------------------------------------------------------------------------- public


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(
        "max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(
        "max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool3d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    return _max_pool(
        "max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _avg_pool(
        "avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
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
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
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


def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg("adaptive_avg_pool3d", 3, input, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max("adaptive_max_pool3d", 3, input, output_size, return_indices)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)
