"""Convolution as a matrix: ``C @ x.ravel() == conv2d(x, w).ravel()``.

A convolution is linear in its input, so it *is* a matrix ``C`` with one row per output
value and one column per input value. Row ``r`` holds the kernel weights at the columns
of the pixels that output ``r``'s window covers, and zeros elsewhere: a sparse, banded
matrix whose rows repeat shifted copies of the kernel (weight sharing).

Its transpose ``C.T`` maps an output-shaped array back to an input-shaped one, and that
is exactly the transposed convolution (``conv_transpose2d``) with the same weight, the
identity at the heart of lesson 5 and of backpropagation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import shapes
from ._validation import (
    as_float_array,
    check_int,
    check_output_size,
    fail,
    int_sequence,
    int_tuple,
    settings_text,
)

__all__ = ["conv_matrix"]


def conv_matrix(
    input_shape: tuple[int, ...],
    weight: Any,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    max_bytes: int = 256 * 2**20,
) -> np.ndarray:
    """The dense matrix of a 2-D convolution (zero padding, no groups).

    Parameters
    ----------
    input_shape : tuple of int
        ``(C_in, H, W)`` for one sample, or ``(H, W)`` with a 2-D ``weight``.
    weight : ndarray
        ``(C_out, C_in, kH, kW)``, or ``(kH, kW)`` for one channel in and out.
    stride, padding, dilation : int or tuple of 2 ints
        As in :func:`convlab.conv2d`.
    max_bytes : int
        Refuse to build a larger matrix (it is dense: meant for teaching sizes).

    Returns
    -------
    ndarray
        ``C`` of shape ``(C_out * H_out * W_out, C_in * H * W)`` with
        ``C @ x.ravel() == conv2d(x, weight, None, stride, padding, dilation).ravel()``.

    Notes
    -----
    ``C.T @ y.ravel()`` equals ``conv_transpose2d(y, weight, None, stride, padding,
    output_padding, 1, dilation).ravel()`` with
    ``output_padding = (H + 2p - d(kH - 1) - 1) mod s`` per dim (the rows a strided
    convolution drops, restored as zeros).

    Examples
    --------
    >>> conv_matrix((3, 3), np.array([[1., 2.], [3., 4.]]))
    array([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
           [0., 1., 2., 0., 3., 4., 0., 0., 0.],
           [0., 0., 0., 1., 2., 0., 3., 4., 0.],
           [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    """
    func = "conv_matrix"
    w = as_float_array(func, "weight", weight)
    shape = int_sequence(
        func,
        "input_shape",
        input_shape,
        meaning=" (C_in, H, W) or (H, W)",
        fix="E.g. input_shape=(3, 32, 32)",
        minimum=1,
    )
    if w.ndim == 2 and len(shape) in (2, 3):
        w = w[None, None]
        shape = shape if len(shape) == 3 else (1, *shape)
    if w.ndim != 4 or len(shape) != 3:
        raise fail(
            func,
            "needs input_shape (C_in, H, W) with weight (C_out, C_in, kH, kW), or (H, W) with "
            f"(kH, kW); got input_shape={tuple(input_shape)} and weight of shape {w.shape}",
        )
    if min(w.shape[2:]) < 1:
        raise fail(
            func,
            f"weight must have a non-empty kernel; got weight with shape {w.shape}",
            argument="weight",
            value=w,
        )
    c_in, h, wd = shape
    if w.shape[1] != c_in:
        raise fail(
            func,
            f"weight of shape {w.shape} expects {w.shape[1]} input channels; got input_shape "
            f"{shape} with {c_in}",
        )
    s = int_tuple(func, "stride", stride, 2, minimum=1)
    p = int_tuple(func, "padding", padding, 2, minimum=0)
    d = int_tuple(func, "dilation", dilation, 2, minimum=1)
    c_out, _, kh, kw = w.shape
    dims = zip((h, wd), (kh, kw), s, p, d, strict=True)
    ho, wo = (shapes.checked_conv_size(func, *dim) for dim in dims)
    settings = dict(weight=w.shape, stride=stride, padding=padding, dilation=dilation)
    check_output_size(func, (ho, wo), (h, wd), **settings)
    rows, cols = c_out * ho * wo, c_in * h * wd
    max_bytes = check_int(func, "max_bytes", max_bytes, minimum=0)
    if rows * cols * w.itemsize > max_bytes:
        raise fail(
            func,
            f"the dense matrix would be {rows} x {cols} ({rows * cols * w.itemsize / 2**20:.0f} "
            f"MB), more than max_bytes={max_bytes}, for input_shape={shape}, "
            f"{settings_text(settings)}",
            "conv_matrix is for small teaching sizes; use conv2d for real ones",
        )
    # every (output channel o, input channel c, tap (a, b), output pixel (i, j)) at once
    o, c, a, b, i, j = np.ix_(range(c_out), range(c_in), range(kh), range(kw), range(ho), range(wo))
    y = i * s[0] + a * d[0] - p[0]
    x = j * s[1] + b * d[1] - p[1]
    full = (c_out, c_in, kh, kw, ho, wo)
    inside = np.broadcast_to((y >= 0) & (y < h) & (x >= 0) & (x < wd), full)
    row = np.broadcast_to((o * ho + i) * wo + j, full)[inside]
    col = np.broadcast_to((c * h + y) * wd + x, full)[inside]
    value = np.broadcast_to(w[..., None, None], full)[inside]
    matrix = np.zeros((rows, cols), w.dtype)
    matrix[row, col] = value  # each (row, col) pair occurs once: a tap meets one pixel
    return matrix
