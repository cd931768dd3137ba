"""``unfold`` (im2col) and ``fold`` (col2im), with torch.nn.functional's layout.

``unfold`` copies every sliding window into a column: ``(N, C, H, W)`` becomes
``(N, C*kH*kW, L)`` with ``L`` the number of windows. A convolution is then one matrix
product, ``weight.reshape(C_out, -1) @ cols``, the classic im2col trick (it costs a
``kH*kW``-times bigger buffer, which is why convlab's own conv does not use it).
``fold`` is its adjoint: it adds every column back into its window, so overlapping
windows sum up, which makes ``fold(unfold(x))`` count how many windows cover each pixel.
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
    split_batch,
)
from .flattaps import compact
from .padding import pad_spatial
from .windows import scatter_add_taps, tap_views

__all__ = ["fold", "unfold"]


def _settings(func: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any):
    return (
        int_tuple(func, "kernel_size", kernel_size, 2, minimum=1),
        int_tuple(func, "dilation", dilation, 2, minimum=1),
        int_tuple(func, "padding", padding, 2, minimum=0),
        int_tuple(func, "stride", stride, 2, minimum=1),
    )


def unfold(
    input: Any,
    kernel_size: int | tuple[int, int],
    dilation: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Extract sliding windows as columns (im2col), like ``torch.nn.functional.unfold``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched ``(C, H, W)``.
    kernel_size, dilation, padding, stride : int or tuple of 2 ints

    Returns
    -------
    ndarray
        ``(N, C * kH * kW, L)`` (or ``(C * kH * kW, L)``), rows ordered channel-major then
        kernel row-major, ``L = H_out * W_out`` windows in row-major order.

    Notes
    -----
    ``H_out, W_out`` follow :func:`convlab.conv_output_size`.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> unfold(x, 2)
    array([[[0., 1., 3., 4.],
            [1., 2., 4., 5.],
            [3., 4., 6., 7.],
            [4., 5., 7., 8.]]])
    """
    func = "unfold"
    x = as_float_array(func, "input", input)
    x, unbatched = split_batch(func, "input", x, 2, LAYOUTS[2], siblings=False)
    kernel, dilation, padding, stride = _settings(func, kernel_size, dilation, padding, stride)
    out = tuple(shapes.conv_output_size(x.shape[2:], kernel, stride, padding, dilation))
    check_output_size(
        func, out, x.shape[2:], kernel_size=kernel, padding=padding, dilation=dilation
    )
    n, c = x.shape[:2]
    check_alloc(
        func, (n, c * math.prod(kernel), math.prod(out)), x.itemsize, kernel_size=kernel,
        padding=padding, stride=stride, dilation=dilation,
    )  # fmt: skip
    x, pads, stride = compact(x, [(p, p) for p in padding], kernel, stride, dilation, out)
    xp = pad_spatial(x, pads)
    cols = np.empty((n, c, math.prod(kernel), *out), x.dtype)
    for i, (_, view) in enumerate(tap_views(xp, kernel, stride, dilation, out)):
        cols[:, :, i] = view
    cols = cols.reshape(n, c * math.prod(kernel), math.prod(out))  # n c k r w -> n (c k) (r w)
    return cols[0] if unbatched else cols


def fold(
    input: Any,
    output_size: int | tuple[int, int],
    kernel_size: int | tuple[int, int],
    dilation: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
) -> np.ndarray:
    """Sum columns back into an image (col2im), like ``torch.nn.functional.fold``.

    Parameters
    ----------
    input : ndarray
        ``(N, C * kH * kW, L)`` or unbatched ``(C * kH * kW, L)``.
    output_size : int or tuple of 2 ints
        ``(H, W)`` of the image the windows came from.
    kernel_size, dilation, padding, stride : int or tuple of 2 ints

    Returns
    -------
    ndarray
        ``(N, C, H, W)``; where windows overlap their values add up.

    Examples
    --------
    >>> fold(unfold(np.ones((1, 1, 3, 3)), 2), (3, 3), 2)[0, 0]  # windows per pixel
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    func = "fold"
    cols = as_float_array(func, "input", input)
    cols, unbatched = split_batch(func, "input", cols, 1, "(N, C*kH*kW, L)", siblings=False)
    size = int_tuple(func, "output_size", output_size, 2, minimum=1)
    kernel, dilation, padding, stride = _settings(func, kernel_size, dilation, padding, stride)
    k = math.prod(kernel)
    if cols.shape[1] % k:
        raise fail(
            func,
            f"input.shape[1] must be a multiple of kH*kW = {k} (C * kH * kW for "
            f"kernel_size={kernel}); got input with shape {cols.shape}",
            argument="input",
            value=cols,
        )
    blocks = tuple(shapes.conv_output_size(size, kernel, stride, padding, dilation))
    check_output_size(
        func, blocks, size, output_size=size, kernel_size=kernel, dilation=dilation,
        padding=padding, stride=stride,
    )  # fmt: skip
    if cols.shape[2] != math.prod(blocks):
        raise fail(
            func,
            f"input.shape[2] must be the number of sliding windows, {blocks[0]} * {blocks[1]} "
            f"= {math.prod(blocks)} for output_size={size}, kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, stride={stride}; got input with shape "
            f"{cols.shape}",
            argument="input",
            value=cols,
        )
    n, c = cols.shape[0], cols.shape[1] // k
    padded = shapes.padded_size(size, [(p, p) for p in padding])
    check_alloc(func, (n, c, *padded), cols.itemsize, output_size=size, padding=padding)
    full = np.zeros((n, c, *shapes.padded_size(size, [(p, p) for p in padding])), cols.dtype)
    # n (c k) (r w) -> n c k r w, then each tap's values added back into its windows
    scatter_add_taps(full, cols.reshape(n, c, k, *blocks), kernel, stride, dilation)
    y = np.ascontiguousarray(pad_spatial(full, [(-p, -p) for p in padding]))
    return y[0] if unbatched else y
