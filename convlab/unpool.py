"""Max-unpooling: each pooled maximum back where it came from, zeros elsewhere.

The indices are those of ``max_pool*(..., return_indices=True)``: flat positions in each
channel's spatial plane. Unpooling is a sparse, partial inverse of max pooling: the
values that were not a window's maximum are gone.
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
    check_output_size,
    fail,
    int_tuple,
    settings_text,
    split_batch,
)

__all__ = ["max_unpool1d", "max_unpool2d", "max_unpool3d"]


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
            argument="indices",
            value=indices,
        )
    if idx.shape != x.shape:
        raise fail(
            func,
            f"indices must have the shape of input {x.shape}; got indices with shape {idx.shape}",
            argument="indices",
            value=indices,
        )
    settings = dict(kernel_size=kernel_size, stride=stride, padding=padding)  # as passed
    settings = {k: v for k, v in settings.items() if v is not None}  # None: stride = kernel
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
            argument="indices",
            value=indices,
        )
    y = np.zeros((flat_idx.shape[0], n_out), x.dtype)
    np.put_along_axis(y, flat_idx, x.reshape(flat_idx.shape), axis=1)
    y = y.reshape(x.shape[:2] + out)
    return y[0] if unbatched else y


def max_unpool1d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    """1-D max-unpooling, a partial inverse of ``max_pool1d``, as ``F.max_unpool1d``.

    As :func:`max_unpool2d` over one spatial dim: input ``(N, C, L)`` (or unbatched without
    ``N``), ``indices`` from ``max_pool1d(..., return_indices=True)`` are flat positions in
    the length ``L``; ``kernel_size``, ``stride`` and ``padding`` are an int or a tuple of
    one int, ``output_size`` the last entry of a size.

    See Also
    --------
    max_unpool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> from convlab import max_pool1d
    >>> y, idx = max_pool1d(np.array([[1., 3., 2., 5.]]), 2, return_indices=True)
    >>> max_unpool1d(y, idx, 2)
    array([[0., 3., 0., 5.]])
    """
    return _max_unpool(
        "max_unpool1d",
        1,
        input=input,
        indices=indices,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_size=output_size,
    )


def max_unpool2d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    """2-D max-unpooling, a partial inverse of ``max_pool2d``, as ``F.max_unpool2d``.

    Parameters
    ----------
    input : ndarray
        Pooled values ``(N, C, H, W)`` (or unbatched).
    indices : ndarray of int
        From ``max_pool2d(..., return_indices=True)``: flat positions in each
        channel's spatial plane.
    kernel_size, stride, padding : int or tuple
        Those of the pooling (``stride`` defaults to ``kernel_size``).
    output_size : tuple, optional
        The spatial size to restore (the last 2 entries are used). Default
        :math:`(n - 1)s - 2p + k` per dim, which misses rows that floor-mode pooling dropped.

    Returns
    -------
    ndarray
        Zeros except at ``indices``, which hold the pooled values.

    Raises
    ------
    TypeError
        ``input`` is not a numeric array, ``indices`` is not an integer array, or a
        setting is not an int (or a tuple of ints).
    ValueError
        ``indices`` not the shape of ``input``, an index outside the output (pass the
        ``output_size`` of the input you pooled), or an output size below 1. The
        message names the argument, its value and the fix.

    See Also
    --------
    max_unpool1d, max_unpool3d : The same over one and three spatial dims.
    max_pool2d : Makes the ``indices`` (``return_indices=True``).

    Notes
    -----
    ``max_unpool2d(*max_pool2d(x, k, return_indices=True), k)`` keeps each window's
    maximum where it was and zeros the rest. A cell that overlapping windows both picked
    holds its value once, where the gradient :func:`convlab.max_pool2d_backward` adds
    up what each window sends it.

    Examples
    --------
    >>> from convlab import max_pool2d
    >>> x = np.array([[[[1., 2.], [4., 3.]]]])
    >>> y, idx = max_pool2d(x, 2, return_indices=True)
    >>> max_unpool2d(y, idx, 2)
    array([[[[0., 0.],
             [4., 0.]]]])
    """
    return _max_unpool(
        "max_unpool2d",
        2,
        input=input,
        indices=indices,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_size=output_size,
    )


def max_unpool3d(
    input: Any,
    indices: Any,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> np.ndarray:
    """3-D max-unpooling, a partial inverse of ``max_pool3d``, as ``F.max_unpool3d``.

    As :func:`max_unpool2d` over three spatial dims: input ``(N, C, D, H, W)`` (or unbatched
    without ``N``), ``indices`` from ``max_pool3d(..., return_indices=True)`` are flat
    positions in the ``D * H * W`` volume; ``kernel_size``, ``stride`` and ``padding`` are
    an int or a tuple of 3 ints, ``output_size`` the last 3 entries of a size.

    See Also
    --------
    max_unpool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> from convlab import max_pool3d
    >>> y, idx = max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2, return_indices=True)
    >>> max_unpool3d(y, idx, 2)[0, 1, 1]
    array([0., 7.])
    """
    return _max_unpool(
        "max_unpool3d",
        3,
        input=input,
        indices=indices,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_size=output_size,
    )
