"""Gradients of the transposed convolution (what torch's autograd returns).

A transposed convolution multiplies by ``Cᵀ`` (``C`` the matrix of the convolution it
transposes), so its backward pass is the convolution's forward pass turned around::

    dL/dx = conv(gy, w)                         multiply by C: a plain convolution
    dL/dw[c, o, t] = sum over n, i of x[n, c, i] gyp[n, o, i*s + t*d]
    dL/db = gy summed over batch and space

with ``gyp`` the output gradient zero-padded by ``padding``. The weight gradient is the
same correlation as a convolution's (:func:`convlab.grad.correlate_grad`), with ``gy``
playing the input and ``x`` the output gradient.
"""

from __future__ import annotations

from typing import Any

from ._grads import Grads, IntOrTuple, bias_grad, finish, parse_grad_output
from .conv import conv_forward
from .grad import correlate_grad
from .transpose import parse_conv_transpose

__all__ = ["conv_transpose1d_backward", "conv_transpose2d_backward", "conv_transpose3d_backward"]


def _conv_transpose_backward(func: str, nd: int, grad_output: Any, **kwargs: Any) -> Grads:
    spec = parse_conv_transpose(func, nd, **kwargs)
    n, c_out = spec.x.shape[0], spec.weight.shape[1] * spec.groups
    gy = parse_grad_output(
        func, grad_output, spec.x, spec.unbatched, (n, c_out, *spec.out), weight=spec.weight.shape,
        stride=spec.stride, padding=spec.padding, output_padding=spec.output_padding,
        dilation=spec.dilation,
    )  # fmt: skip
    pads = tuple((p, p) for p in spec.padding)
    # dL/dx: the convolution this op is the transpose of (C gy), same weight
    gx = conv_forward(spec.adjoint(gy))
    # dL/dw: the same correlation as a conv's weight gradient, with gy as the input
    # and x as the output gradient (weight layout (C_in, C_out/groups, *k) falls out)
    gw = correlate_grad(gy, pads, spec.x, spec.kernel_size, spec.stride, spec.dilation, spec.groups)
    return finish(gx, spec.unbatched, gw, bias_grad(gy, spec.bias))


def conv_transpose1d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Grads:
    """Gradients of :func:`convlab.conv_transpose1d` (what torch's autograd returns).

    As :func:`conv_transpose2d_backward` over one spatial dim: ``grad_output`` is ``(N,
    C_out, L_out)``, the shape of ``conv_transpose1d(input, weight, ...)``; the settings are
    an int or a tuple of one int. Returns ``(grad_input, grad_weight, grad_bias)``.

    See Also
    --------
    conv_transpose2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> gx, gw, _ = conv_transpose1d_backward(np.ones((1, 1, 3)), np.ones((1, 1, 2)),
    ...                                        np.ones((1, 1, 2)))
    >>> gx, gw
    (array([[[2., 2.]]]), array([[[2., 2.]]]))
    """
    return _conv_transpose_backward(
        "conv_transpose1d_backward",
        1,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )


def conv_transpose2d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Grads:
    """Gradients of :func:`convlab.conv_transpose2d` (what torch's autograd returns).

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, the shape of ``conv_transpose2d(input, weight, ...)``.
    input, weight, bias, stride, padding, output_padding, groups, dilation
        Exactly the forward's arguments, in torch's order.

    Returns
    -------
    grad_input, grad_weight, grad_bias : ndarray
        ``grad_bias`` is ``None`` when ``bias`` is ``None``.

    Raises
    ------
    TypeError, ValueError
        As :func:`convlab.conv_transpose2d` for the forward's arguments; ValueError when
        ``grad_output`` does not have the forward result's shape.

    See Also
    --------
    conv_transpose1d_backward, conv_transpose3d_backward : The same over one and three
        spatial dims.
    conv_transpose2d : The forward.

    Notes
    -----
    The transposed convolution multiplies by ``Cᵀ``, so its input gradient multiplies
    by ``C``: ``grad_input = conv2d(gy, weight, stride=s, padding=p, dilation=d,
    groups=g)`` (the weight layouts agree). ``grad_weight[c, o, t] = sum_{n, i}
    x[n, c, i] gyp[n, o, i s + t d]`` with ``gyp`` = ``gy`` zero-padded by ``p``.

    Examples
    --------
    >>> x = np.array([[[[1., 2.], [3., 4.]]]])
    >>> gy = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> gx, gw, gb = conv_transpose2d_backward(gy, x, np.ones((1, 1, 2, 2)), bias=np.zeros(1))
    >>> gx  # = conv2d(gy, weight)
    array([[[[ 8., 12.],
             [20., 24.]]]])
    >>> gb
    array([36.])
    """
    return _conv_transpose_backward(
        "conv_transpose2d_backward",
        2,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )


def conv_transpose3d_backward(
    grad_output: Any,
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Grads:
    """Gradients of :func:`convlab.conv_transpose3d` (what torch's autograd returns).

    As :func:`conv_transpose2d_backward` over three spatial dims: ``grad_output`` is ``(N,
    C_out, D_out, H_out, W_out)``, the shape of ``conv_transpose3d(input, weight, ...)``;
    the settings are an int or a tuple of 3 ints. Returns ``(grad_input, grad_weight,
    grad_bias)``.

    See Also
    --------
    conv_transpose2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> x, w = np.ones((1, 2, 2, 2)), np.ones((1, 1, 2, 2, 2))
    >>> gx, gw, _ = conv_transpose3d_backward(np.ones((1, 3, 3, 3)), x, w)
    >>> gx.shape, gw.shape
    ((1, 2, 2, 2), (1, 1, 2, 2, 2))
    """
    return _conv_transpose_backward(
        "conv_transpose3d_backward",
        3,
        grad_output=grad_output,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )
