"""Pooling: max and average over sliding windows, for 1, 2 and 3 spatial dims.

Pooling has no parameters and works on each channel separately. The window slides as a
convolution's does; instead of a weighted sum it takes the maximum or the mean. Like
the convolution, it is computed one window tap at a time over strided views of the
padded input: a running ``np.maximum`` (or sum) over ``k**nd`` views.

This module holds the public functions; the shared window arithmetic is in
:mod:`convlab.pool_windows`, max pooling's indices in :mod:`convlab.pool_max` and
average pooling's divisor in :mod:`convlab.pool_avg`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import check_bool
from .pool_avg import avg_pool_sum, parse_avg_pool
from .pool_max import max_pool_forward
from .pool_windows import parse_pool

__all__ = [
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
]


def _max_pool(func, nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    spec = parse_pool(
        func,
        nd,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )
    y, idx = max_pool_forward(spec, check_bool(func, "return_indices", return_indices))
    if spec.unbatched:
        y = y[0]
        idx = None if idx is None else idx[0]
    return (y, idx) if return_indices else y


def _avg_pool(func, nd, **kwargs):
    spec, divisor = parse_avg_pool(func, nd, **kwargs)
    y = avg_pool_sum(spec)
    y /= divisor
    return y[0] if spec.unbatched else y


def max_pool1d(
    input: Any,
    kernel_size: int | tuple[int],
    stride: int | tuple[int] | None = None,
    padding: int | tuple[int] = 0,
    dilation: int | tuple[int] = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """1-D max pooling over (N, C, L), as ``torch.nn.functional.max_pool1d``.

    As :func:`max_pool2d` over one spatial dim: input ``(N, C, L)`` (or unbatched without
    ``N``), result ``(N, C, L_out)``; ``kernel_size``, ``stride``, ``padding`` and
    ``dilation`` are an int or a tuple of one int; ``indices`` are flat positions in the
    length ``L``.

    See Also
    --------
    max_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> max_pool1d(np.array([[1., 3., 2., 5., 4.]]), 2)
    array([[3., 5.]])
    >>> max_pool1d(np.array([[1., 3., 2., 5., 4.]]), 2, ceil_mode=True)
    array([[3., 5., 4.]])
    """
    return _max_pool(
        "max_pool1d",
        1,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
        return_indices=return_indices,
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
    """2-D max pooling over (N, C, H, W), as ``torch.nn.functional.max_pool2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    kernel_size : int or tuple of 2 ints
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
        dims of the unpadded input (what ``max_unpool2d`` takes). Ties go to the first
        maximum in row-major window order; NaN propagates, as in PyTorch. A window that
        dilation places wholly in the padding gives ``-inf`` at torch's index (its start
        moved on by whole dilations past the padding) and passes no gradient back.

    Returns
    -------
    ndarray or (ndarray, ndarray of int64)

    Raises
    ------
    TypeError
        ``input`` is not a numeric array, a setting is not an int (or a tuple of ints),
        or ``ceil_mode`` or ``return_indices`` is not a bool.
    ValueError
        An ``input`` that is not 3-D or 4-D, ``padding`` over half the kernel size, or
        an output size below 1. The message names the argument, its value and the fix.

    See Also
    --------
    max_pool1d, max_pool3d : The same over one and three spatial dims.
    max_unpool2d : Puts the maxima back at ``indices``.
    max_pool2d_backward : Its gradient.

    Notes
    -----
    Per dim :math:`o = \\lfloor (n + 2p - d(k-1) - 1) / s \\rfloor + 1` (ceil in
    ``ceil_mode``), see :func:`convlab.pool_output_size`.

    Examples
    --------
    >>> x = np.array([[[[1., 2., 5., 6.],
    ...                  [3., 4., 7., 8.],
    ...                  [0., 0., 1., 1.],
    ...                  [0., 9., 1., 1.]]]])
    >>> y, idx = max_pool2d(x, 2, return_indices=True)
    >>> y
    array([[[[4., 8.],
             [9., 1.]]]])
    >>> idx  # flat positions in the 4x4 input; the tie of 1s goes to the first
    array([[[[ 5,  7],
             [13, 10]]]])
    """
    return _max_pool(
        "max_pool2d",
        2,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
        return_indices=return_indices,
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
    """3-D max pooling over (N, C, D, H, W), as ``torch.nn.functional.max_pool3d``.

    As :func:`max_pool2d` over three spatial dims: input ``(N, C, D, H, W)`` (or unbatched
    without ``N``), result ``(N, C, D_out, H_out, W_out)``; ``kernel_size``, ``stride``,
    ``padding`` and ``dilation`` are an int or a tuple of 3 ints; ``indices`` are flat
    positions in the ``D * H * W`` volume.

    See Also
    --------
    max_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> max_pool3d(np.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
    array([[[[[7.]]]]])
    """
    return _max_pool(
        "max_pool3d",
        3,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
        return_indices=return_indices,
    )


def avg_pool1d(
    input: Any,
    kernel_size: int | tuple[int],
    stride: int | tuple[int] | None = None,
    padding: int | tuple[int] = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """1-D average pooling over (N, C, L), as ``torch.nn.functional.avg_pool1d``.

    As :func:`avg_pool2d` over one spatial dim: input ``(N, C, L)`` (or unbatched without
    ``N``), result ``(N, C, L_out)``; ``kernel_size``, ``stride`` and ``padding`` are an int
    or a tuple of one int. No ``divisor_override`` (torch's 1-D pooling has none).

    See Also
    --------
    avg_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.array([[1., 2., 3., 4.]])
    >>> avg_pool1d(x, 2, padding=1)
    array([[0.5, 2.5, 2. ]])
    >>> avg_pool1d(x, 2, padding=1, count_include_pad=False)
    array([[1. , 2.5, 4. ]])
    """
    return _avg_pool(
        "avg_pool1d",
        1,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=None,
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
    """2-D average pooling over (N, C, H, W), as ``torch.nn.functional.avg_pool2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    kernel_size : int or tuple of 2 ints
    stride : int or tuple, optional
        Defaults to ``kernel_size``.
    padding : int or tuple
        Implicit zeros on each side, at most half the kernel size.
    ceil_mode : bool
        Round the output size up; see :func:`convlab.pool_output_size`.
    count_include_pad : bool
        Divide by the window size including padding cells (default), or only by the
        number of real input cells in the window. A ceil-mode overhang past the padding
        is never counted.
    divisor_override : int, optional
        Divide every window sum by this instead.

    Returns
    -------
    ndarray

    Raises
    ------
    TypeError
        ``input`` is not a numeric array, a setting is not an int (or a tuple of ints),
        or ``ceil_mode`` or ``count_include_pad`` is not a bool.
    ValueError
        An ``input`` that is not 3-D or 4-D, ``padding`` over half the kernel size, an
        output size below 1, or ``divisor_override=0``. The message names the argument,
        its value and the fix.

    See Also
    --------
    avg_pool1d, avg_pool3d : The same over one and three spatial dims.
    adaptive_avg_pool2d : Average pooling to a chosen output size.
    avg_pool2d_backward : Its gradient.

    Notes
    -----
    Same output size as max pooling with ``dilation=1``.

    Examples
    --------
    >>> avg_pool2d(np.arange(16.0).reshape(1, 4, 4), 2)
    array([[[ 2.5,  4.5],
            [10.5, 12.5]]])
    """
    return _avg_pool(
        "avg_pool2d",
        2,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
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
    """3-D average pooling over (N, C, D, H, W), as ``torch.nn.functional.avg_pool3d``.

    As :func:`avg_pool2d` over three spatial dims: input ``(N, C, D, H, W)`` (or unbatched
    without ``N``), result ``(N, C, D_out, H_out, W_out)``; ``kernel_size``, ``stride`` and
    ``padding`` are an int or a tuple of 3 ints.

    See Also
    --------
    avg_pool2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> avg_pool3d(np.arange(8.0).reshape(1, 2, 2, 2), 2, divisor_override=1)
    array([[[[28.]]]])
    """
    return _avg_pool(
        "avg_pool3d",
        3,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )
