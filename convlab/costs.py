"""What a convolution layer costs: its learnable parameters and its multiply-accumulates.

Counts, not sizes: the parameters do not depend on the image size (weight sharing), the
MACs only through the output size :func:`convlab.conv_output_size` gives. Like the size
formulas in :mod:`convlab.shapes` they take plain ints (tuples, one entry per spatial
dim, where natural) and check them in their own name.
"""

from __future__ import annotations

import math
from typing import Any

from ._validation import (
    check_bool,
    check_groups,
    check_int,
    check_output_size,
    fail,
    int_tuple,
    settings_text,
    tuple_length,
)
from .shapes import IntOrTuple, checked_conv_size

__all__ = ["conv_macs", "conv_params"]


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    groups: int = 1,
    bias: bool = True,
    ndim: int = 2,
) -> int:
    """Number of learnable parameters of a convolution layer.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or tuple of int
        An int means a square (cubic...) kernel in ``ndim`` spatial dims, as in
        ``nn.Conv2d(3, 64, 3)``.
    groups : int
    bias : bool
    ndim : int
        Spatial dims when ``kernel_size`` is an int (default 2).

    Notes
    -----
    ``O * (I / groups) * prod(k)`` weights plus ``O`` biases: the count does not depend on
    the image size (weight sharing), unlike a dense layer's.

    Examples
    --------
    >>> conv_params(3, 64, 3)
    1792
    >>> conv_params(64, 64, 3, groups=64)  # depthwise
    640
    """
    return _conv_params("conv_params", in_channels, out_channels, kernel_size, groups, bias, ndim)


def _conv_params(
    func: str,
    in_channels: Any,
    out_channels: Any,
    kernel_size: Any,
    groups: Any,
    bias: Any,
    ndim: Any,
) -> int:
    """:func:`conv_params`, its arguments checked in ``func``'s name."""
    i, o, g = (
        check_int(func, n, v, minimum=1)
        for n, v in (
            ("in_channels", in_channels),
            ("out_channels", out_channels),
            ("groups", groups),
        )
    )
    bias = check_bool(func, "bias", bias)
    if isinstance(kernel_size, (tuple, list)):
        n = len(kernel_size)
    else:
        n = check_int(func, "ndim", ndim, minimum=1)
        if n > 3:
            raise fail(
                func,
                f"ndim must be 1, 2 or 3 (spatial dims of a conv layer); got ndim={ndim!r}",
                "Give kernel_size as a tuple, one entry per dim, for other shapes",
                argument="ndim",
                value=ndim,
            )
    k = int_tuple(func, "kernel_size", kernel_size, n, minimum=1)
    check_groups(func, i, o, g)
    return o * (i // g) * math.prod(k) + (o if bias else 0)


def conv_macs(
    input_size: IntOrTuple,
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> int:
    """Multiply-accumulates of one convolution on one sample (FLOPs are about twice this).

    Notes
    -----
    ``prod(o) * O * (I / groups) * prod(k)``: every output value is a dot product of
    length ``(I / groups) * prod(k)``.

    Examples
    --------
    >>> conv_macs((32, 32), 3, 8, 3, padding=1)
    221184
    """
    func = "conv_macs"
    sizes = dict(
        input_size=input_size, kernel_size=kernel_size, stride=stride, padding=padding,
        dilation=dilation,
    )  # fmt: skip
    n = tuple_length(func, **sizes) or 1
    if n > 3:
        raise fail(
            func,
            f"tuple arguments must have 1, 2 or 3 entries (the spatial dims of a conv layer); "
            f"got {settings_text(sizes)}",
        )
    per_dim = [int_tuple(func, k, v, n) for k, v in sizes.items()]
    out = tuple(checked_conv_size(func, *dim) for dim in zip(*per_dim, strict=True))
    check_output_size(
        func,
        out,
        input_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    params = _conv_params(func, in_channels, out_channels, kernel_size, groups, False, len(out))
    return math.prod(out) * params
