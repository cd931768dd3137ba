"""Convolution arithmetic: every size formula of the course, each written exactly once.

All functions take plain integers. Where it is natural (sizes, kernel sizes, strides...)
they also take tuples, one entry per spatial dim, and then answer with a tuple.
The ops in :mod:`convlab.conv`, :mod:`convlab.transpose` and :mod:`convlab.pool` call
these, so the arithmetic a learner reads here is the arithmetic the library runs.

Conventions are PyTorch's: ``padding`` is added on *each* side (total ``2p``),
``dilation=1`` means no dilation (some texts write 0 for that), and sizes are floored
unless ``ceil_mode=True``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from ._validation import (
    check_bool,
    int_tuple,
    tuple_length,
)

__all__ = [
    "conv_output_size",
    "conv_transpose_output_size",
    "pool_output_size",
    "same_padding",
]

IntOrTuple = int | tuple[int, ...]
F = TypeVar("F", bound=Callable[..., Any])


def _per_dim(*names: str) -> Callable[[F], F]:
    """Let a scalar formula take tuples for ``names``: applied per spatial dim."""

    def decorate(scalar: F) -> F:
        @wraps(scalar)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = dict(zip(scalar.__code__.co_varnames, args, strict=False)) | kwargs
            n = tuple_length(scalar.__name__, **{k: bound[k] for k in names if k in bound})
            if n is None:
                return scalar(**bound)
            per = [
                {
                    k: (v[i] if k in names and isinstance(v, (tuple, list)) else v)
                    for k, v in bound.items()
                }
                for i in range(n)
            ]
            return tuple(scalar(**kw) for kw in per)

        return wrapper  # type: ignore[return-value]

    return decorate


def _check(func: str, **values: Any) -> dict[str, int]:
    """Validate the scalar ints of a formula; the minimum is encoded in the name's role."""
    minimum = {"padding": 0, "output_padding": 0, "input_size": 0}
    return {
        name: int_tuple(func, name, v, 1, minimum=minimum.get(name, 1))[0]
        for name, v in values.items()
    }


@_per_dim("input_size", "kernel_size", "stride", "padding", "dilation")
def conv_output_size(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> Any:
    """Output length of a convolution along one dim (or per dim for tuples).

    Parameters
    ----------
    input_size, kernel_size : int or tuple of int
        ``n`` and ``k``.
    stride, padding, dilation : int or tuple of int
        ``s``, ``p`` (added on *each* side) and ``d`` (1 = no dilation).

    Returns
    -------
    int or tuple of int
        ``o``. It can be 0 or negative when the kernel does not fit: the ops raise then.

    Notes
    -----
    .. math:: o = \\left\\lfloor \\frac{n + 2p - d(k-1) - 1}{s} \\right\\rfloor + 1

    ``d(k-1)+1`` is the dilated kernel's extent; when ``(n + 2p - d(k-1) - 1) mod s``
    is not 0, the last rows of the input are never visited.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(7, 3, stride=2, padding=1)
    4
    >>> conv_output_size((32, 32), 3, stride=2, padding=1)
    (16, 16)
    """
    return checked_conv_size("conv_output_size", input_size, kernel_size, stride, padding, dilation)


def checked_conv_size(func: str, n: Any, k: Any, s: Any, p: Any, d: Any) -> int:
    """:func:`conv_output_size` for one dim, its arguments checked in ``func``'s name
    (internal: :func:`convlab.conv_macs` and :func:`convlab.conv_matrix` use it)."""
    v = _check(func, input_size=n, kernel_size=k, stride=s, padding=p, dilation=d)
    n, k, s, p, d = v.values()
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@_per_dim("input_size", "kernel_size", "stride", "padding", "dilation")
def pool_output_size(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> Any:
    """Output length of max/avg pooling, with PyTorch's ``ceil_mode`` rule.

    Parameters
    ----------
    input_size, kernel_size : int or tuple of int
    stride : int or tuple of int, optional
        Defaults to ``kernel_size`` (non-overlapping windows), as in PyTorch.
    padding, dilation : int or tuple of int
    ceil_mode : bool
        Round up instead of down (Caffe's convention), so a partial last window counts.

    Notes
    -----
    Floor mode is :func:`conv_output_size`. In ceil mode

    .. math:: o = \\left\\lceil \\frac{n + 2p - d(k-1) - 1}{s} \\right\\rceil + 1

    and then, PyTorch's rule, the last window must *start* inside the input or its
    left padding: if ``(o - 1) s >= n + p`` the last window is dropped.

    Examples
    --------
    >>> pool_output_size(5, 2)
    2
    >>> pool_output_size(5, 2, ceil_mode=True)
    3
    >>> pool_output_size(4, 2, stride=2, padding=1, ceil_mode=True)
    3
    """
    func = "pool_output_size"
    stride = kernel_size if stride is None else stride
    out = checked_conv_size(func, input_size, kernel_size, stride, padding, dilation)
    if not check_bool(func, "ceil_mode", ceil_mode):
        return out
    # ceil(a / s) = floor((a + s - 1) / s): ceil mode is floor mode with s - 1 more rows
    n, k, s, p, d = (
        int_tuple(func, name, v, 1)[0]  # checked above: these only convert
        for name, v in (
            ("input_size", input_size),
            ("kernel_size", kernel_size),
            ("stride", stride),
            ("padding", padding),
            ("dilation", dilation),
        )
    )
    out = (n + s - 1 + 2 * p - d * (k - 1) - 1) // s + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out


@_per_dim("input_size", "kernel_size", "stride", "padding", "output_padding", "dilation")
def conv_transpose_output_size(
    input_size: IntOrTuple,
    kernel_size: IntOrTuple,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
) -> Any:
    """Output length of a transposed convolution (the inverse of :func:`conv_output_size`).

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int or tuple of int
        As for the convolution whose transpose this is.
    output_padding : int or tuple of int
        Extra rows added at the end. A strided convolution maps several input sizes to
        the same output size; ``output_padding`` picks which one to go back to. It must
        be smaller than ``stride`` or ``dilation``.

    Notes
    -----
    .. math:: o = (n - 1)s - 2p + d(k - 1) + \\text{output\\_padding} + 1

    Examples
    --------
    >>> conv_transpose_output_size(2, 3)
    4
    >>> conv_transpose_output_size(4, 3, stride=2, padding=1, output_padding=1)
    8
    """
    v = _check(
        "conv_transpose_output_size",
        input_size=input_size,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    n, k, s, p, op, d = v.values()
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


def effective_kernel_size(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> Any:
    """Extent of a dilated kernel: how many input rows one window spans.

    Internal (not in ``convlab``'s namespace): the ops call it with checked ints on every
    call, so unlike the formulas above it does not check its arguments again.

    Parameters
    ----------
    kernel_size, dilation : int or tuple of int
        ``k`` and ``d`` (1 = no dilation); tuples (one entry per dim) go together.

    Returns
    -------
    int or tuple of int
        ``d(k - 1) + 1``: ``k`` taps with ``d - 1`` holes between neighbours.

    Examples
    --------
    >>> effective_kernel_size(3)
    3
    >>> effective_kernel_size(3, dilation=2)
    5
    >>> effective_kernel_size((3, 1), dilation=(4, 4))
    (9, 1)
    """
    if isinstance(kernel_size, tuple):
        pairs = zip(kernel_size, dilation, strict=True)
        return tuple(effective_kernel_size(k, d) for k, d in pairs)
    return dilation * (kernel_size - 1) + 1


def padded_size(size: tuple[int, ...], pads: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """Spatial size after adding ``(before, after)`` per dim: ``n + before + after``.

    Internal and unchecked, like :func:`effective_kernel_size`.

    Examples
    --------
    >>> padded_size((4, 5), ((1, 1), (0, 2)))
    (6, 7)
    """
    return tuple(n + before + after for n, (before, after) in zip(size, pads, strict=True))


@_per_dim("kernel_size", "dilation")
def same_padding(kernel_size: IntOrTuple, dilation: IntOrTuple = 1) -> Any:
    """``(before, after)`` padding that keeps the size at stride 1 (``padding="same"``).

    Notes
    -----
    The total is ``d(k - 1)``. When it is odd (an even kernel without dilation) the
    extra row goes at the *end*, as PyTorch does (TensorFlow does the same).

    Examples
    --------
    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    >>> same_padding((3, 2), dilation=2)
    ((2, 2), (1, 1))
    """
    v = _check("same_padding", kernel_size=kernel_size, dilation=dilation)
    total = v["dilation"] * (v["kernel_size"] - 1)
    return (total // 2, total - total // 2)
