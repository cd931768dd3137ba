"""Gradients of pooling: routing (max) and sharing (average), as torch's autograd does.

Pooling has no weights, so each backward returns ``(grad_input, None, None)``, the same
triple as the convolution backwards. For ``gy = dL/dy``:

* **max**: each window passes its whole gradient to the one input it picked (torch's
  argmax: the first maximum in row-major window order, a NaN wins). Overlapping
  windows that picked the same input *add* their gradients.
* **average**: each window shares its gradient equally, ``gy / divisor``, among the
  cells it averaged (padding included or not, as the forward counted them).

Adaptive average pooling's gradient is in :mod:`convlab.grad_adaptive`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._grads import IntOrTuple, PoolGrads, finish, parse_grad_output
from .padding import pad_spatial_adjoint
from .pool_avg import parse_avg_pool
from .pool_max import max_pool_forward, padding_windows
from .pool_windows import parse_pool
from .windows import tap_views

__all__ = [
    "avg_pool1d_backward",
    "avg_pool2d_backward",
    "avg_pool3d_backward",
    "max_pool1d_backward",
    "max_pool2d_backward",
    "max_pool3d_backward",
]

# ----------------------------------------------------------------------------- max


def _max_pool_backward(func, nd, grad_output, **kwargs) -> PoolGrads:
    spec = parse_pool(func, nd, **kwargs)
    x = spec.x
    gy = parse_grad_output(
        func, grad_output, x, spec.unbatched, x.shape[:2] + spec.out, **spec.settings
    )
    _, argmax = max_pool_forward(spec, return_indices=True)
    empty, _ = padding_windows(spec)
    if empty is not None:  # a window wholly in the padding is -inf whatever x is: no gradient
        gy = np.where(empty, 0, gy)
    return finish(route_max(gy, argmax, x.shape[2:]), spec.unbatched)


def route_max(grad_output: np.ndarray, indices: np.ndarray, size: tuple[int, ...]) -> np.ndarray:
    """Hand each window's gradient to the input cell it picked: max pooling's ``grad_input``.

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, shape ``(..., *out)``.
    indices : ndarray of int
        The forward's ``return_indices``: flat positions within each ``size`` plane.
    size : tuple of int
        The input's spatial size; the result has shape ``(..., *size)``.

    Notes
    -----
    One ``np.bincount`` sums the windows that picked the same cell (overlapping windows),
    with no ``np.add.at``. This is all the backward pass needs, so a layer that kept the
    indices of its forward pass (:class:`convlab.nn.MaxPool2d`) need not pool again.

    Examples
    --------
    >>> route_max(np.array([[10., 20.]]), np.array([[2, 2]]), (5,))  # both picked cell 2
    array([[ 0.,  0., 30.,  0.,  0.]])
    """
    lead = grad_output.shape[: grad_output.ndim - len(size)]
    planes, area = math.prod(lead), math.prod(size)
    windows = math.prod(indices.shape[len(lead) :])
    weights = grad_output
    inside = (indices >= 0) & (indices < area)
    if not inside.all():  # windows wholly in the padding point outside: they pass nothing
        indices, weights = np.where(inside, indices, 0), np.where(inside, grad_output, 0)
    target = indices.reshape(planes, windows) + area * np.arange(planes)[:, None]
    gx = np.bincount(target.ravel(), weights=weights.ravel(), minlength=planes * area)
    return gx.astype(grad_output.dtype).reshape(*lead, *size)


def max_pool1d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> PoolGrads:
    """Gradient of :func:`convlab.max_pool1d` with respect to its input.

    As :func:`max_pool2d_backward` over one spatial dim: ``grad_output`` is ``(N, C,
    L_out)``, the shape of ``max_pool1d(input, ...)``; the settings are an int or a tuple of
    one int. Returns ``(grad_input, None, None)``.

    See Also
    --------
    max_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.array([[[1., 2., 3., 0., 1.]]])
    >>> max_pool1d_backward(np.array([[[10., 20.]]]), x, 3, stride=2)[0]  # 3 won twice
    array([[[ 0.,  0., 30.,  0.,  0.]]])
    """
    return _max_pool_backward(
        "max_pool1d_backward",
        1,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


def max_pool2d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> PoolGrads:
    """Gradient of :func:`convlab.max_pool2d` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, the shape of ``max_pool2d(input, ...)``.
    input, kernel_size, stride, padding, dilation, ceil_mode
        The forward's arguments.

    Returns
    -------
    grad_input : ndarray
        The shape of ``input``.
    None, None
        Pooling has no weight and no bias.

    Raises
    ------
    TypeError, ValueError
        As :func:`convlab.max_pool2d` for the forward's arguments; ValueError when
        ``grad_output`` does not have the forward result's shape.

    See Also
    --------
    max_pool1d_backward, max_pool3d_backward : The same over one and three spatial dims.
    max_pool2d : The forward.

    Notes
    -----
    ``grad_input[j] = sum of gy[w] over the windows w whose argmax is j``; the argmax is
    torch's (first maximum in row-major window order; NaN wins), so ties route the
    gradient exactly as autograd does.

    Examples
    --------
    >>> x = np.array([[[[1., 5.], [5., 2.]]]])
    >>> max_pool2d_backward(np.array([[[[1.]]]]), x, 2)  # a tie: the first 5 wins
    (array([[[[0., 1.],
             [0., 0.]]]]), None, None)
    """
    return _max_pool_backward(
        "max_pool2d_backward",
        2,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


def max_pool3d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
) -> PoolGrads:
    """Gradient of :func:`convlab.max_pool3d` with respect to its input.

    As :func:`max_pool2d_backward` over three spatial dims: ``grad_output`` is ``(N, C,
    D_out, H_out, W_out)``, the shape of ``max_pool3d(input, ...)``; the settings are an int
    or a tuple of 3 ints. Returns ``(grad_input, None, None)``.

    See Also
    --------
    max_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)
    >>> max_pool3d_backward(np.ones((1, 1, 1, 1)), x, 2)[0].ravel()
    array([0., 0., 0., 0., 0., 0., 0., 1.])
    """
    return _max_pool_backward(
        "max_pool3d_backward",
        3,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )


# ----------------------------------------------------------------------------- average


def _avg_pool_backward(func, nd, grad_output, **kwargs) -> PoolGrads:
    spec, divisor = parse_avg_pool(func, nd, **kwargs)
    x = spec.x
    gy = parse_grad_output(
        func, grad_output, x, spec.unbatched, x.shape[:2] + spec.out, **spec.settings
    )
    share = gy / divisor
    # every window adds its share to each cell it covers: one strided slice-add per tap
    # (a tap's cells never repeat within its slice), in the padded frame, then crop
    pairs = spec.pad_pairs
    grown = tuple(n + b + a for n, (b, a) in zip(x.shape[2:], pairs, strict=True))
    gxp = np.zeros(x.shape[:2] + grown, x.dtype)
    for _, view in tap_views(gxp, spec.kernel_size, spec.stride, spec.dilation, spec.out):
        view += share
    return finish(pad_spatial_adjoint(gxp, pairs, "constant"), spec.unbatched)


def avg_pool1d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> PoolGrads:
    """Gradient of :func:`convlab.avg_pool1d` with respect to its input.

    As :func:`avg_pool2d_backward` over one spatial dim: ``grad_output`` is ``(N, C,
    L_out)``, the shape of ``avg_pool1d(input, ...)``; the settings are an int or a tuple of
    one int. No ``divisor_override`` (torch's 1-D pooling has none). Returns ``(grad_input,
    None, None)``.

    See Also
    --------
    avg_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> avg_pool1d_backward(np.array([[[4., 8.]]]), np.zeros((1, 1, 4)), 2)[0]
    array([[[2., 2., 4., 4.]]])
    """
    return _avg_pool_backward(
        "avg_pool1d_backward",
        1,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=None,
    )


def avg_pool2d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> PoolGrads:
    """Gradient of :func:`convlab.avg_pool2d` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray
        ``dL/dy``, the shape of ``avg_pool2d(input, ...)``.
    input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
        The forward's arguments.

    Returns
    -------
    grad_input : ndarray
        The shape of ``input``.
    None, None
        Pooling has no weight and no bias.

    Raises
    ------
    TypeError, ValueError
        As :func:`convlab.avg_pool2d` for the forward's arguments; ValueError when
        ``grad_output`` does not have the forward result's shape.

    See Also
    --------
    avg_pool1d_backward, avg_pool3d_backward : The same over one and three spatial dims.
    avg_pool2d : The forward.

    Notes
    -----
    ``grad_input[j] = sum over the windows w covering j of gy[w] / divisor[w]``, with the
    forward's divisor (window size, the in-bounds count when
    ``count_include_pad=False``, or ``divisor_override``).

    Examples
    --------
    >>> gy = np.ones((1, 1, 2, 2))
    >>> avg_pool2d_backward(gy, np.zeros((1, 1, 3, 3)), 2, stride=1)[0]  # overlaps add up
    array([[[[0.25, 0.5 , 0.25],
             [0.5 , 1.  , 0.5 ],
             [0.25, 0.5 , 0.25]]]])
    """
    return _avg_pool_backward(
        "avg_pool2d_backward",
        2,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )


def avg_pool3d_backward(
    grad_output: Any,
    input: Any,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> PoolGrads:
    """Gradient of :func:`convlab.avg_pool3d` with respect to its input.

    As :func:`avg_pool2d_backward` over three spatial dims: ``grad_output`` is ``(N, C,
    D_out, H_out, W_out)``, the shape of ``avg_pool3d(input, ...)``; the settings are an int
    or a tuple of 3 ints. Returns ``(grad_input, None, None)``.

    See Also
    --------
    avg_pool2d_backward : The parameters, errors and notes in full.

    Examples
    --------
    >>> gx, _, _ = avg_pool3d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 2, 2, 2)), 2)
    >>> gx.ravel()
    array([0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125])
    """
    return _avg_pool_backward(
        "avg_pool3d_backward",
        3,
        grad_output=grad_output,
        input=input,
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )
