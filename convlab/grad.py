"""Backpropagation through convolution: the gradients torch's autograd computes.

For ``y = conv(x, w) + b`` and ``gy = dL/dy`` (same shape as ``y``), the chain rule gives
three familiar operations::

    dL/dx = conv_transpose(gy, w)      the SAME weight, the transposed op (Cᵀ gy)
    dL/dw = correlate(x, gy)           per tap t: sum over n, i of gy[n,o,i] xp[n,c,i*s+t*d]
    dL/db = gy summed over batch and space

(with ``xp`` the padded input). A transposed convolution is the adjoint of a
convolution, so for it the roles swap: its input gradient is a convolution of ``gy``,
and its weight gradient is the same correlation with ``gy`` playing the input. Padding
is linear too; its adjoint (:func:`convlab.padding.pad_spatial_adjoint`) folds the
gradient that reached the border back onto the input cells the border copied.

The transposed convolution's gradients live in :mod:`convlab.grad_transpose`,
pooling's in :mod:`convlab.grad_pool`, the numerical check in :mod:`convlab.gradcheck`;
what they all share (checking ``grad_output``, the result triple) in
:mod:`convlab._grads`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._grads import Grads, IntOrTuple, bias_grad, finish, parse_grad_output
from .conv import ConvSpec, parse_conv
from .flattaps import compact, flat_taps
from .padding import PAD_MODE_OF, pad_spatial, pad_spatial_adjoint
from .strategies import weight_grad_by_rows
from .transpose import TransposeSpec, conv_transpose_forward

__all__ = [
    "conv1d_backward",
    "conv2d_backward",
    "conv3d_backward",
]


def correlate_grad(
    x: np.ndarray,
    pads: tuple[tuple[int, int], ...],
    gy: np.ndarray,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
) -> np.ndarray:
    """Weight gradient: the (zero-padded) input correlated with the output gradient.

    ``dw[o, c, t] = sum_{n, i} gy[n, o, i] * xp[n, g*C_g + c, i*s + t*d]``. In the
    :class:`~convlab.flattaps.FlatTaps` layout every tap's input values are one contiguous
    slice on the output grid; spreading ``gy`` onto that grid (zeros on the columns past
    the true output) turns each tap into one batched matmul, with no im2col buffer.
    """
    n, c_in = x.shape[:2]
    c_out = gy.shape[1]
    x, pads, stride = compact(x, pads, kernel, stride, dilation, gy.shape[2:])
    by_rows = weight_grad_by_rows(x, pads, gy, kernel, stride, dilation, groups)
    if by_rows is not None:  # the forward's row-shift layout, where it applies
        return by_rows
    layout = flat_taps(x, pads, kernel, stride, dilation, gy.shape[2:])
    length = layout.length
    gys = layout.spread(gy).reshape(n, groups, c_out // groups, length)  # n (g o) L -> n g o L
    dw = np.empty((math.prod(kernel), groups, c_out // groups, c_in // groups), gy.dtype)
    for i in range(len(dw)):
        xt = layout.tap(i).reshape(n, groups, c_in // groups, length)  # n (g c) L -> n g c L
        # n g o L @ n g L c -> n g o c, summed over n
        np.sum(np.matmul(gys, xt.swapaxes(-1, -2)), axis=0, out=dw[i])
    # (i j) g o c -> (g o) c i j
    return dw.transpose(1, 2, 3, 0).reshape(c_out, c_in // groups, *kernel)


# ----------------------------------------------------------------------------- conv


def _conv_backward(func: str, nd: int, grad_output: Any, **kwargs: Any) -> Grads:
    spec = parse_conv(func, nd, **kwargs)
    n, c_out = spec.x.shape[0], spec.weight.shape[0]
    gy = parse_grad_output(
        func, grad_output, spec.x, spec.unbatched, (n, c_out, *spec.out), weight=spec.weight.shape,
        stride=spec.stride, padding=spec.pads, dilation=spec.dilation,
    )  # fmt: skip
    gx = conv_input_grad(spec, gy)
    gw = conv_weight_grad(spec, gy)
    return finish(gx, spec.unbatched, gw, bias_grad(gy, spec.bias))


def conv_input_grad(spec: ConvSpec, gy: np.ndarray) -> np.ndarray:
    """``dL/dx = Cᵀ gy``: a transposed convolution with the same weight, then unpad.

    The transposed conv (no padding) lands on the padded input; its ``output_padding``
    restores the trailing rows a strided forward never visited (they get zero gradient).
    The adjoint of the padding then crops (zeros) or folds the border back (other modes).
    """
    gxp = conv_transpose_forward(TransposeSpec.adjoint_of(spec, gy))
    return pad_spatial_adjoint(gxp, spec.pads, PAD_MODE_OF[spec.padding_mode])


def conv_weight_grad(spec: ConvSpec, gy: np.ndarray) -> np.ndarray:
    """``dL/dw``: the padded input correlated with ``gy`` (see :func:`correlate_grad`).

    Padding modes other than zeros materialise their border first, as the forward does.
    """
    x, pads = spec.x, spec.pads
    if spec.padding_mode != "zeros":
        x, pads = pad_spatial(x, pads, spec.padding_mode), ((0, 0),) * len(pads)
    return correlate_grad(x, pads, gy, spec.kernel_size, spec.stride, spec.dilation, spec.groups)


def conv1d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> Grads:
    """Gradients of :func:`convlab.conv1d` (what torch's autograd returns).

    As :func:`conv2d_backward` over one spatial dim: ``grad_output`` is ``(N, C_out,
    L_out)``, the shape of ``conv1d(input, weight, ...)``; the settings are an int or a
    tuple of one int. Returns ``(grad_input, grad_weight, grad_bias)``.

    See Also
    --------
    conv2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> x, w = np.array([[[1., 2., 3.]]]), np.array([[[1., -1.]]])
    >>> gx, gw, gb = conv1d_backward(np.ones((1, 1, 2)), x, w, bias=np.zeros(1))
    >>> gx, gw, gb
    (array([[[ 1.,  0., -1.]]]), array([[[3., 5.]]]), array([2.]))
    """
    return _conv_backward(
        "conv1d_backward",
        1,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )


def conv2d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> Grads:
    """Gradients of :func:`convlab.conv2d` (what torch's autograd returns).

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, the shape of ``conv2d(input, weight, ...)``.
    input, weight, bias, stride, padding, dilation, groups, padding_mode
        Exactly the forward's arguments (validated the same way).

    Returns
    -------
    grad_input, grad_weight, grad_bias : ndarray
        Shapes of ``input``, ``weight`` and ``bias``; ``grad_bias`` is ``None`` when
        ``bias`` is ``None``.

    Raises
    ------
    TypeError, ValueError
        As :func:`convlab.conv2d` for the forward's arguments; ValueError when
        ``grad_output`` does not have the forward result's shape.

    See Also
    --------
    conv1d_backward, conv3d_backward : The same over one and three spatial dims.
    conv2d : The forward.
    gradient_check : Compares a backward with finite differences.

    Notes
    -----
    With ``xp`` the padded input and ``C`` the convolution's matrix:

    * ``grad_input = Cᵀ gy``: a transposed convolution of ``gy`` with the same weight,
      stride, dilation and groups, whose ``output_padding`` restores the rows the forward
      never visited, :math:`(n + 2p - d(k-1) - 1) \\bmod s`; then the adjoint of the
      padding. With zeros padding ``p`` this is just
      ``conv_transpose2d(gy, weight, stride=s, padding=p, output_padding=r,
      groups=g, dilation=d)``.
    * ``grad_weight[o, c, t] = sum_{n, i} gy[n, o, i] xp[n, c, i s + t d]``: the
      input correlated with ``gy``.
    * ``grad_bias[o] = sum_{n, i} gy[n, o, i]``.

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> gx, gw, gb = conv2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    >>> gx  # how many output windows cover each pixel
    array([[[[1., 2., 1.],
             [2., 4., 2.],
             [1., 2., 1.]]]])
    >>> gw, gb
    (array([[[[ 8., 12.],
             [20., 24.]]]]), None)
    """
    return _conv_backward(
        "conv2d_backward",
        2,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )


def conv3d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> Grads:
    """Gradients of :func:`convlab.conv3d` (what torch's autograd returns).

    As :func:`conv2d_backward` over three spatial dims: ``grad_output`` is ``(N, C_out,
    D_out, H_out, W_out)``, the shape of ``conv3d(input, weight, ...)``; the settings are an
    int or a tuple of 3 ints. Returns ``(grad_input, grad_weight, grad_bias)``.

    See Also
    --------
    conv2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> gx, gw, _ = conv3d_backward(np.ones((1, 1, 1, 1)), np.ones((1, 2, 2, 2)),
    ...                             np.ones((1, 1, 2, 2, 2)), padding_mode="circular")
    >>> gx.shape, gw.sum()
    ((1, 2, 2, 2), np.float64(8.0))
    """
    return _conv_backward(
        "conv3d_backward",
        3,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )
