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


_ADAPTIVE_DOC = """Gradient of :func:`convlab.{forward}` with respect to its input.

    The output size is read from ``grad_output``'s shape.

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, shape ``(N, C, {out})`` or unbatched.
    input : ndarray
        The forward's input.

    Returns
    -------
    grad_input, None, None

    Notes
    -----
    Output ``i`` averages input cells :math:`[\\lfloor i n / o \\rfloor,
    \\lceil (i + 1) n / o \\rceil)` per dim, so ``grad_input[j]`` is the sum of
    ``gy[i] / window_size[i]`` over the windows containing ``j``.

    Examples
    --------
{example}
    """

_ADAPTIVE_EXAMPLES = {
    1: """    >>> adaptive_avg_pool1d_backward(np.array([[[6., 6.]]]), np.zeros((1, 1, 3)))[0]
    array([[[3., 6., 3.]]])""",
    2: """    >>> adaptive_avg_pool2d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 2, 2)))[0]
    array([[[[0.25, 0.25],
             [0.25, 0.25]]]])""",
    3: """    >>> gy, x = np.ones((1, 2, 1, 1)), np.zeros((1, 3, 2, 2))
    >>> adaptive_avg_pool3d_backward(gy, x)[0][0, :, 0, 0]
    array([0.125, 0.25 , 0.125])""",
}


def adaptive_avg_pool1d_backward(grad_output: Any, input: Any) -> PoolGrads:
    return _adaptive_avg_backward("adaptive_avg_pool1d_backward", 1, grad_output, input)


def adaptive_avg_pool2d_backward(grad_output: Any, input: Any) -> PoolGrads:
    return _adaptive_avg_backward("adaptive_avg_pool2d_backward", 2, grad_output, input)


def adaptive_avg_pool3d_backward(grad_output: Any, input: Any) -> PoolGrads:
    return _adaptive_avg_backward("adaptive_avg_pool3d_backward", 3, grad_output, input)


for _dim, _f in enumerate(
    (adaptive_avg_pool1d_backward, adaptive_avg_pool2d_backward, adaptive_avg_pool3d_backward),
    start=1,
):
    _f.__doc__ = _ADAPTIVE_DOC.format(
        forward=f"adaptive_avg_pool{_dim}d",
        example=_ADAPTIVE_EXAMPLES[_dim],
        out=("L_out", "H_out, W_out", "D_out, H_out, W_out")[_dim - 1],
    )
