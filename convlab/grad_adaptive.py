"""Gradient of adaptive average pooling (what torch's autograd returns).

Output ``i`` averages the input cells ``[floor(i n / o), ceil((i + 1) n / o))`` of each
dim, so it hands ``gy[i] / window_size[i]`` back to each of them; neighbouring windows
may share cells (and when ``o > n`` several windows are the same cell), whose shares
add up. The windows are separable, so the backward pass is one small 0/1 matrix
product per dim, with no scatter at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._grads import PoolGrads, finish, parse_grad_output
from ._validation import LAYOUTS, as_float_array, split_batch
from .adaptive import adaptive_windows, parse_adaptive

__all__ = [
    "adaptive_avg_pool1d_backward",
    "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool3d_backward",
]


def _adaptive_avg_backward(func: str, nd: int, grad_output: Any, input: Any) -> PoolGrads:
    g = as_float_array(func, "grad_output", grad_output)
    split_batch(func, "grad_output", g, nd, LAYOUTS[nd])  # its rank, before reading sizes
    out = g.shape[g.ndim - nd :]
    x, out, unbatched = parse_adaptive(func, nd, input, out)
    gy = parse_grad_output(func, g, x, unbatched, x.shape[:2] + out)
    # Adaptive windows are separable: per dim, output i averages input cells
    # [start_i, end_i). Divide by each window length (torch divides dim by dim, all dims
    # before any sum), then hand the shares back through each dim's 0/1 window matrix
    # (overlaps add up).
    bounds = [adaptive_windows(n, o) for n, o in zip(x.shape[2:], out, strict=True)]
    for axis, (start, end) in enumerate(bounds, start=2):
        shape = [1] * gy.ndim
        shape[axis] = len(start)
        gy = gy / (end - start).astype(gy.dtype).reshape(shape)
    for axis, (n, (start, end)) in enumerate(zip(x.shape[2:], bounds, strict=True), start=2):
        cells = np.arange(n)
        windows = ((start[:, None] <= cells) & (cells < end[:, None])).astype(gy.dtype)
        gy = np.moveaxis(np.moveaxis(gy, axis, -1) @ windows, -1, axis)  # (.., o) -> (.., n)
    return finish(np.ascontiguousarray(gy), unbatched)


def adaptive_avg_pool1d_backward(grad_output: Any, input: Any) -> PoolGrads:
    """Gradient of :func:`convlab.adaptive_avg_pool1d` with respect to its input.

    As :func:`adaptive_avg_pool2d_backward` over one spatial dim: ``grad_output`` is ``(N,
    C, L_out)`` (its spatial size is the output size); returns ``(grad_input, None, None)``.

    See Also
    --------
    adaptive_avg_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> adaptive_avg_pool1d_backward(np.array([[[6., 6.]]]), np.zeros((1, 1, 3)))[0]
    array([[[3., 6., 3.]]])
    """
    return _adaptive_avg_backward(
        "adaptive_avg_pool1d_backward", 1, grad_output=grad_output, input=input
    )


def adaptive_avg_pool2d_backward(grad_output: Any, input: Any) -> PoolGrads:
    """Gradient of :func:`convlab.adaptive_avg_pool2d` with respect to its input.

    The output size is read from ``grad_output``'s shape.

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, shape ``(N, C, H_out, W_out)`` or unbatched.
    input : ndarray
        The forward's input.

    Returns
    -------
    grad_input, None, None

    Raises
    ------
    TypeError, ValueError
        As :func:`convlab.adaptive_avg_pool2d` for ``input``; ValueError when
        ``grad_output`` is not ``(N, C, H_out, W_out)`` with ``N`` and ``C`` those of
        ``input``.

    See Also
    --------
    adaptive_avg_pool1d_backward, adaptive_avg_pool3d_backward : The same over one and
        three spatial dims.
    adaptive_avg_pool2d : The forward.

    Notes
    -----
    Output ``i`` averages input cells :math:`[\\lfloor i n / o \\rfloor,
    \\lceil (i + 1) n / o \\rceil)` per dim, so ``grad_input[j]`` is the sum of
    ``gy[i] / window_size[i]`` over the windows containing ``j``.

    Examples
    --------
    >>> adaptive_avg_pool2d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 2, 2)))[0]
    array([[[[0.25, 0.25],
             [0.25, 0.25]]]])
    """
    return _adaptive_avg_backward(
        "adaptive_avg_pool2d_backward", 2, grad_output=grad_output, input=input
    )


def adaptive_avg_pool3d_backward(grad_output: Any, input: Any) -> PoolGrads:
    """Gradient of :func:`convlab.adaptive_avg_pool3d` with respect to its input.

    As :func:`adaptive_avg_pool2d_backward` over three spatial dims: ``grad_output`` is
    ``(N, C, D_out, H_out, W_out)`` (its spatial size is the output size); returns
    ``(grad_input, None, None)``.

    See Also
    --------
    adaptive_avg_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> gy, x = np.ones((1, 2, 1, 1)), np.zeros((1, 3, 2, 2))
    >>> adaptive_avg_pool3d_backward(gy, x)[0][0, :, 0, 0]
    array([0.125, 0.25 , 0.125])
    """
    return _adaptive_avg_backward(
        "adaptive_avg_pool3d_backward", 3, grad_output=grad_output, input=input
    )
