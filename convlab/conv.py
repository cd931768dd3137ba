"""Convolution (PyTorch's cross-correlation): conv1d, conv2d, conv3d from one N-d core.

What deep-learning frameworks call convolution is cross-correlation, the kernel is not
flipped::

    out[n, o, i] = bias[o] + sum_{c, t} weight[o, c, t] * xp[n, g*C_g + c, i*s + t*d]

with ``xp`` the padded input and ``g`` the group of output channel ``o``. The readable
loop version is :func:`convlab.reference.conv_reference`; this module computes the same
thing one kernel tap at a time (the idea: :mod:`convlab.windows`; the layouts and the
products run on them: :mod:`convlab.flattaps`, :mod:`convlab.rowshift`,
:mod:`convlab.strategies`), so the Python loop runs over the ``k**nd`` taps, never over
pixels.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import shapes
from ._validation import (
    LAYOUTS,
    as_float_array,
    check_alloc,
    check_bias,
    check_choice,
    check_mode_padding,
    check_padded_fits,
    check_same_dtype,
    check_weight,
    fail,
    int_tuple,
    split_batch,
)
from .flattaps import compact
from .padding import pad_spatial
from .strategies import cols_budget, convolve

__all__ = ["conv1d", "conv2d", "conv3d"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


@dataclass(frozen=True, kw_only=True)
class ConvSpec:
    """A validated convolution call: batched arrays and per-dim settings.

    Keyword-only: built by :func:`parse_conv` or a named constructor such as
    :meth:`convlab.transpose.TransposeSpec.adjoint`, never by position.
    """

    x: np.ndarray  # (N, C_in, *n), not padded
    weight: np.ndarray  # (C_out, C_in/groups, *k)
    bias: np.ndarray | None
    stride: tuple[int, ...]
    pads: tuple[tuple[int, int], ...]  # (before, after) per spatial dim
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str
    out: tuple[int, ...]
    unbatched: bool

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return self.weight.shape[2:]

    @property
    def padded(self) -> tuple[int, ...]:
        """Spatial size of the padded input."""
        return shapes.padded_size(self.x.shape[2:], self.pads)


def parse_conv(
    func: str,
    nd: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: Any,
    padding_mode: str = "zeros",
) -> ConvSpec:
    """Check every argument of a conv call the way torch does, and normalise it."""
    given = dict(stride=stride, padding=padding, dilation=dilation)  # as passed, for messages
    x = as_float_array(func, "input", input)
    w = as_float_array(func, "weight", weight)
    b = None if bias is None else as_float_array(func, "bias", bias)
    check_same_dtype(func, input=x, weight=w, bias=b)
    x, unbatched = split_batch(func, "input", x, nd, LAYOUTS[nd])
    groups = int_tuple(func, "groups", groups, 1, minimum=1)[0]
    check_weight(func, x, w, nd, groups, transposed=False)
    check_bias(func, b, w.shape[0], w)
    stride = int_tuple(func, "stride", stride, nd, minimum=1, broadcast=True)
    dilation = int_tuple(func, "dilation", dilation, nd, minimum=1, broadcast=True)
    padding_mode = check_choice(func, "padding_mode", padding_mode, PADDING_MODES)
    kernel = w.shape[2:]
    if isinstance(padding, str):
        padding = check_choice(func, "padding", padding, ("valid", "same"))
        if padding == "same" and any(s != 1 for s in stride):
            raise fail(
                func,
                "padding='same' is not supported for strided convolutions; got "
                f"stride={given['stride']!r}",
                "Compute the padding yourself (see same_padding) or use stride=1",
                argument="padding",
                value=padding,
            )
        pads = tuple(shapes.same_padding(kernel, dilation)) if padding == "same" else ((0, 0),) * nd
    else:
        p = int_tuple(func, "padding", padding, nd, minimum=0, broadcast=True)
        pads = tuple((v, v) for v in p)
    size = x.shape[2:]
    if padding_mode != "zeros":
        check_mode_padding(func, ("padding_mode", padding_mode), ("padding", padding), pads, size)
    padded = shapes.padded_size(size, pads)
    extent = shapes.effective_kernel_size(kernel, dilation)
    check_padded_fits(func, size, padded, extent, weight=w.shape, **given)
    out = _output_size(padded, kernel, stride, dilation)
    check_alloc(func, (x.shape[0], w.shape[0], *out), x.itemsize, **given)
    return ConvSpec(
        x=x, weight=w, bias=b, stride=stride, pads=pads, dilation=dilation, groups=groups,
        padding_mode=padding_mode, out=out, unbatched=unbatched,
    )  # fmt: skip


@functools.lru_cache(maxsize=256)  # calls repeat with the same shapes (layers in a loop)
def _output_size(padded, kernel, stride, dilation) -> tuple[int, ...]:
    """:func:`convlab.conv_output_size` of checked ints (no padding: it is in ``padded``),
    exact for sizes beyond int64 too, so the size check can word them."""
    return tuple(
        (n - d * (k - 1) - 1) // s + 1
        for n, k, s, d in zip(padded, kernel, stride, dilation, strict=True)
    )


def _conv(func: str, nd: int, **kwargs: Any) -> np.ndarray:
    spec = parse_conv(func, nd, **kwargs)
    y = conv_forward(spec)
    return y[0] if spec.unbatched else y


def conv_forward(spec: ConvSpec) -> np.ndarray:
    """Run a validated convolution: padding mode, tap layout, strategy, bias.

    Memory stays a small multiple of the output whatever N is: images are padded and
    phase-split a batch at a time, and the stacked taps of im2col take at most about
    twice the output (``cols_bytes``).
    """
    x, pads, w = spec.x, spec.pads, spec.weight
    y = np.empty((x.shape[0], w.shape[0], *spec.out), x.dtype)
    if y.size == 0:
        return y
    image_bytes = x.shape[1] * math.prod(spec.padded) * x.itemsize  # one padded image
    step = max(1, min(_IMAGES_BYTES, y.nbytes) // image_bytes)
    cols_bytes = cols_budget(y.nbytes)
    for i in range(0, x.shape[0], step):
        part, part_pads = x[i : i + step], pads
        if spec.padding_mode != "zeros":
            part = pad_spatial(part, pads, spec.padding_mode)
            part_pads = ((0, 0),) * len(pads)
        part, part_pads, stride = compact(
            part, part_pads, spec.kernel_size, spec.stride, spec.dilation, spec.out
        )
        convolve(
            part, part_pads, spec.kernel_size, stride, spec.dilation, w, spec.groups,
            spec.bias, out=y[i : i + step], cols_bytes=cols_bytes,
        )  # fmt: skip
    return y


# Padded input copied per batch of images: about this many bytes (at least one image).
_IMAGES_BYTES = 1 << 21


def conv1d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] | str = 0,
    dilation: int | tuple[int] = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """1-D convolution (cross-correlation) over an input of shape (N, C, L).

    As :func:`conv2d` over one spatial dim: input ``(N, C, L)`` (or unbatched without
    ``N``), weight ``(C_out, C_in/groups, kL)``, result ``(N, C_out, L_out)``; ``stride``,
    ``padding`` and ``dilation`` are an int or a tuple of one int. As
    ``torch.nn.functional.conv1d``.

    See Also
    --------
    conv2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.array([[[1., 2., 3., 4.]]])
    >>> conv1d(x, np.array([[[1., 0., -1.]]]))
    array([[[-2., -2.]]])
    >>> conv1d(x, np.array([[[1., 1.]]]), padding="same", padding_mode="circular")
    array([[[3., 5., 7., 5.]]])
    """
    return _conv(
        "conv1d",
        1,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )


def conv2d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """2-D convolution (cross-correlation) over an input of shape (N, C, H, W).

    Same arguments, defaults and results as ``torch.nn.functional.conv2d``, plus
    ``padding_mode`` from ``torch.nn.Conv2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    weight : ndarray
        ``(C_out, C_in/groups, kH, kW)``.
    bias : ndarray, optional
        ``(C_out,)``, one value per filter.
    stride, dilation : int or tuple of 2 ints
        ``dilation=1`` is an ordinary kernel; ``d`` puts ``d - 1`` holes between taps.
    padding : int, tuple of 2 ints, "valid" or "same"
        Added on *each* side. ``"same"`` keeps the size (stride 1 only); when the total
        ``d(k - 1)`` is odd, the extra row goes at the end, as in PyTorch.
    groups : int
        Split channels into ``groups`` independent convolutions; ``groups = C_in`` is a
        depthwise convolution.
    padding_mode : {"zeros", "reflect", "replicate", "circular"}
        How the border is filled (``nn.Conv2d``'s option; see :func:`convlab.pad`).

    Returns
    -------
    ndarray
        ``(N, C_out, H_out, W_out)``, dtype of the input (ints and bools become float64).

    Raises
    ------
    TypeError
        ``input``, ``weight`` or ``bias`` is not a numeric array, their dtypes differ,
        or a setting is not an int (or a tuple of ints).
    ValueError
        Shapes that do not fit (channels, ``groups``, the bias length), a setting out
        of range, an unknown ``padding`` or ``padding_mode`` string, ``padding="same"``
        with a stride, or a padded input smaller than the dilated kernel. The message
        names the argument, its value and the fix.

    See Also
    --------
    conv1d, conv3d : The same over one and three spatial dims.
    conv_transpose2d : Its adjoint, the transposed convolution.
    conv2d_backward : Its gradients.

    Notes
    -----
    Per spatial dim, :math:`o = \\lfloor (n + 2p - d(k-1) - 1) / s \\rfloor + 1`
    (:func:`convlab.conv_output_size`).

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((1, 1, 3, 3))
    >>> conv2d(x, w)
    array([[[[45., 54.],
             [81., 90.]]]])
    >>> conv2d(x, w, stride=2, padding=1).shape
    (1, 1, 2, 2)
    """
    return _conv(
        "conv2d",
        2,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )


def conv3d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int, int, int] = 1,
    padding: int | tuple[int, int, int] | str = 0,
    dilation: int | tuple[int, int, int] = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """3-D convolution (cross-correlation) over an input of shape (N, C, D, H, W).

    As :func:`conv2d` over three spatial dims: input ``(N, C, D, H, W)`` (or unbatched
    without ``N``), weight ``(C_out, C_in/groups, kD, kH, kW)``, result ``(N, C_out, D_out,
    H_out, W_out)``; ``stride``, ``padding`` and ``dilation`` are an int or a tuple of 3
    ints. As ``torch.nn.functional.conv3d``.

    See Also
    --------
    conv2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> x = np.ones((1, 2, 3, 3, 3), dtype=np.float32)
    >>> y = conv3d(x, np.ones((4, 2, 2, 2, 2), dtype=np.float32), padding=1)
    >>> y.shape, y.dtype, y[0, 0, 1, 1, 1]
    ((1, 4, 4, 4, 4), dtype('float32'), np.float32(16.0))
    """
    return _conv(
        "conv3d",
        3,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=padding_mode,
    )
