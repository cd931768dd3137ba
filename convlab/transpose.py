"""Transposed convolution: conv_transpose1d/2d/3d, the adjoint of convolution.

Each input pixel *stamps* a copy of the kernel, scaled by its value, into the output at
``stride`` spacing; overlapping stamps add up::

    full[n, o, i*s + t*d] += x[n, c, i] * weight[c, o, t]      then crop ``padding``

That is exactly multiplying by Cᵀ, the transpose of the convolution's matrix (see
:mod:`convlab.matrix`), which is why the input gradient of a convolution is a transposed
convolution. It is *not* a deconvolution: it undoes the shape, not the values.

Here: the call's spec (:class:`TransposeSpec`, whose named constructors build the
adjoint pairs the gradients run: :meth:`TransposeSpec.adjoint_of` a convolution,
:meth:`TransposeSpec.adjoint` back to one), its validation and the stamp loop. Where the
stamps land is planned in :mod:`convlab.stamps`; the other engine, one ordinary
convolution per output phase, is :mod:`convlab.phaseconv`.
"""

from __future__ import annotations

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
    check_output_padding,
    check_output_size,
    check_same_dtype,
    check_weight,
    fail,
    int_tuple,
    split_batch,
)
from .conv import ConvSpec
from .phaseconv import conv_transpose_by_phases
from .stamps import conv_transpose_by_stamps, phase_plan

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


@dataclass(frozen=True, kw_only=True)
class TransposeSpec:
    """A validated transposed-convolution call: batched arrays and per-dim settings.

    Keyword-only: built by :func:`parse_conv_transpose` or by :meth:`adjoint_of`, never
    by position.
    """

    x: np.ndarray  # (N, C_in, *n)
    weight: np.ndarray  # (C_in, C_out/groups, *k)
    bias: np.ndarray | None
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    groups: int
    dilation: tuple[int, ...]
    out: tuple[int, ...]
    unbatched: bool

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return self.weight.shape[2:]

    @classmethod
    def adjoint_of(cls, conv: ConvSpec, grad_output: np.ndarray) -> TransposeSpec:
        """``Cᵀ gy`` for the convolution ``conv``: its output gradient carried back.

        Same weight, stride, dilation and groups, no padding: the result lands on the
        *padded* input (the caller applies the padding's adjoint). ``output_padding``
        restores the trailing cells a strided forward never visited (zero gradient).
        ``grad_output`` is batched, shape ``(N, C_out, *conv.out)``.
        """
        padded = conv.padded
        reached = shapes.conv_transpose_output_size(
            conv.out, conv.kernel_size, conv.stride, 0, 0, conv.dilation
        )
        return cls(
            x=grad_output, weight=conv.weight, bias=None, stride=conv.stride,
            padding=(0,) * len(padded),
            output_padding=tuple(p - r for p, r in zip(padded, reached, strict=True)),
            groups=conv.groups, dilation=conv.dilation, out=tuple(padded), unbatched=False,
        )  # fmt: skip

    def adjoint(self, grad_output: np.ndarray) -> ConvSpec:
        """``C gy``: the convolution this is the transpose of, run on ``grad_output``.

        Same weight (the layouts agree), stride, dilation and groups, ``padding`` as zero
        padding on both sides. The output is cropped to the input size: with
        ``output_padding >= stride`` (allowed when ``dilation > stride``) the convolution
        would reach one cell further than the input had.
        """
        return ConvSpec(
            x=grad_output, weight=self.weight, bias=None, stride=self.stride,
            pads=tuple((p, p) for p in self.padding), dilation=self.dilation,
            groups=self.groups, padding_mode="zeros", out=self.x.shape[2:], unbatched=False,
        )  # fmt: skip


def parse_conv_transpose(
    func: str,
    nd: int,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
) -> TransposeSpec:
    given = dict(stride=stride, padding=padding, dilation=dilation)  # as passed, for messages
    raw_output_padding = output_padding  # likewise
    x = as_float_array(func, "input", input)
    w = as_float_array(func, "weight", weight)
    b = None if bias is None else as_float_array(func, "bias", bias)
    check_same_dtype(func, input=x, weight=w, bias=b)
    x, unbatched = split_batch(func, "input", x, nd, LAYOUTS[nd])
    groups = int_tuple(func, "groups", groups, 1, minimum=1)[0]
    check_weight(func, x, w, nd, groups, transposed=True)
    check_bias(func, b, w.shape[1] * groups, w, groups)
    stride = int_tuple(func, "stride", stride, nd, minimum=1, broadcast=True)
    padding = int_tuple(func, "padding", padding, nd, minimum=0, broadcast=True)
    output_padding = int_tuple(
        func, "output_padding", output_padding, nd, minimum=0, broadcast=True
    )
    dilation = int_tuple(func, "dilation", dilation, nd, minimum=1, broadcast=True)
    check_output_padding(
        func, output_padding, stride, dilation, output_padding=raw_output_padding,
        stride=given["stride"], dilation=given["dilation"],
    )  # fmt: skip
    size = x.shape[2:]
    out = tuple(
        shapes.conv_transpose_output_size(
            size, w.shape[2:], stride, padding, output_padding, dilation
        )
    )
    check_output_size(func, out, size, weight=w.shape, **given)
    if min(size) < 1 and min(x.shape[:2]) > 0:  # torch: "Only zero batch or zero channel"
        raise fail(
            func,
            f"input must be non-empty in every spatial dim (only N or C may be 0); got input "
            f"with shape {x.shape}",
            argument="input",
            value=x,
        )
    check_alloc(
        func, (x.shape[0], w.shape[1] * groups, *out), x.itemsize, weight=w.shape,
        output_padding=raw_output_padding, **given,
    )  # fmt: skip
    return TransposeSpec(
        x=x, weight=w, bias=b, stride=stride, padding=padding, output_padding=output_padding,
        groups=groups, dilation=dilation, out=out, unbatched=unbatched,
    )  # fmt: skip


def _conv_transpose(func: str, nd: int, **kwargs: Any) -> np.ndarray:
    spec = parse_conv_transpose(func, nd, **kwargs)
    y = conv_transpose_forward(spec)
    return y[0] if spec.unbatched else y


def conv_transpose_forward(spec: TransposeSpec) -> np.ndarray:
    """Stamp, sum, crop: the scatter definition, vectorised over pixels.

    Per output *phase* (output cells ``o`` with the same ``(o + p) mod stride``) the
    stamps of the whole input are shifted, unstrided copies of the input grid
    (:func:`~convlab.stamps.phase_plan`). Two ways to use that, chosen by the shapes:

    * :func:`~convlab.stamps.conv_transpose_by_stamps`: one matmul gives every stamp at
      once, summed per phase by long flat adds, interleaved into the output at the end;
    * :func:`~convlab.phaseconv.conv_transpose_by_phases`, when the phases gather many
      taps each (a stride of 1, or a kernel much larger than the stride): each phase is
      one ordinary convolution, with no stamps to add up.
    """
    x, w, g = spec.x, spec.weight, spec.groups
    c_in, k, pixels = x.shape[1], math.prod(spec.kernel_size), math.prod(x.shape[2:])
    y = np.empty((x.shape[0], w.shape[1] * g, *spec.out), x.dtype)
    if y.size == 0:
        return y
    plan = phase_plan(
        x.shape[2:], spec.kernel_size, spec.stride, spec.padding, spec.dilation, spec.out
    )
    if c_in // g > _STAMP_MAX_CHANNELS and pixels and k > _PHASE_TAPS * len(plan.phases):
        return conv_transpose_by_phases(
            x=x, weight=w, bias=spec.bias, stride=spec.stride, padding=spec.padding,
            dilation=spec.dilation, groups=g, out=y,
        )  # fmt: skip
    return conv_transpose_by_stamps(x=x, weight=w, bias=spec.bias, groups=g, out=y, plan=plan)


# Up to this many input channels per group, stamps (outer products) win; above it, one
# convolution per output phase (:mod:`convlab.phaseconv`), whose GEMMs have the
# ``C_in/g * k_phase`` inner dimension the stamps' ``C_in/g`` lacks.
_STAMP_MAX_CHANNELS = 3
# ... and only when the phases gather more than this many taps each on average. Measured
# (1 thread, CPU time, float32) phases against stamps: 3×3 stride 1 0.69x, 4×4 stride 2
# 0.97x, 3×3 stride 2 1.05x, 2×2 stride 2 1.8x.
_PHASE_TAPS = 4


def conv_transpose1d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int] = 1,
    padding: int | tuple[int] = 0,
    output_padding: int | tuple[int] = 0,
    groups: int = 1,
    dilation: int | tuple[int] = 1,
) -> np.ndarray:
    """1-D transposed convolution over an input of shape (N, C, L).

    As :func:`conv_transpose2d` over one spatial dim: input ``(N, C, L)`` (or unbatched
    without ``N``), weight ``(C_in, C_out/groups, kL)``, result ``(N, C_out, L_out)``;
    ``stride``, ``padding``, ``output_padding`` and ``dilation`` are an int or a tuple of
    one int. As ``torch.nn.functional.conv_transpose1d``.

    See Also
    --------
    conv_transpose2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> conv_transpose1d(np.array([[[1., 2.]]]), np.array([[[1., 1., 1.]]]), stride=2)
    array([[[1., 1., 3., 2., 2.]]])
    """
    return _conv_transpose(
        "conv_transpose1d",
        1,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )


def conv_transpose2d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int] = 1,
) -> np.ndarray:
    """2-D transposed convolution over an input of shape (N, C, H, W).

    Same arguments (in torch's order: ``output_padding`` before ``groups`` before
    ``dilation``), defaults and results as ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input : ndarray
        ``(N, C, H, W)`` or unbatched without ``N``.
    weight : ndarray
        ``(C_in, C_out/groups, kH, kW)``: note ``C_in`` first, the transpose of a
        convolution weight's layout.
    bias : ndarray, optional
        ``(C_out,)``.
    stride : int or tuple
        Spacing of the stamps in the output (a "fractionally strided" convolution).
    padding : int or tuple
        Cropped from *each* side of the output: the ``padding`` of the convolution this
        transposes.
    output_padding : int or tuple
        Extra size at the end of each dim, smaller than ``stride`` or ``dilation``.
    groups : int
    dilation : int or tuple

    Returns
    -------
    ndarray
        ``(N, C_out, H_out, W_out)``.

    Raises
    ------
    TypeError
        ``input``, ``weight`` or ``bias`` is not a numeric array, their dtypes differ,
        or a setting is not an int (or a tuple of ints).
    ValueError
        Shapes that do not fit (channels, ``groups``, the bias length), a setting out
        of range, an ``output_padding`` not smaller than ``stride`` or ``dilation``, or
        an output size below 1. The message names the argument, its value and the fix.

    See Also
    --------
    conv_transpose1d, conv_transpose3d : The same over one and three spatial dims.
    conv2d : The convolution this is the transpose of.
    conv_transpose2d_backward : Its gradients.

    Notes
    -----
    Per dim, :math:`o = (n - 1)s - 2p + d(k - 1) + \\text{output\\_padding} + 1`
    (:func:`convlab.conv_transpose_output_size`).

    Examples
    --------
    >>> x = np.array([[[[1., 2.], [3., 4.]]]])
    >>> conv_transpose2d(x, np.ones((1, 1, 2, 2)))
    array([[[[ 1.,  3.,  2.],
             [ 4., 10.,  6.],
             [ 3.,  7.,  4.]]]])
    """
    return _conv_transpose(
        "conv_transpose2d",
        2,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )


def conv_transpose3d(
    input: Any,
    weight: Any,
    bias: Any = None,
    stride: int | tuple[int, int, int] = 1,
    padding: int | tuple[int, int, int] = 0,
    output_padding: int | tuple[int, int, int] = 0,
    groups: int = 1,
    dilation: int | tuple[int, int, int] = 1,
) -> np.ndarray:
    """3-D transposed convolution over an input of shape (N, C, D, H, W).

    As :func:`conv_transpose2d` over three spatial dims: input ``(N, C, D, H, W)`` (or
    unbatched without ``N``), weight ``(C_in, C_out/groups, kD, kH, kW)``, result ``(N,
    C_out, D_out, H_out, W_out)``; ``stride``, ``padding``, ``output_padding`` and
    ``dilation`` are an int or a tuple of 3 ints. As
    ``torch.nn.functional.conv_transpose3d``.

    See Also
    --------
    conv_transpose2d : The parameters, errors and notes in full.

    Examples
    --------
    >>> y = conv_transpose3d(np.ones((2, 2, 2, 2)), np.ones((2, 3, 3, 3, 3)), stride=2,
    ...                      padding=1, output_padding=1)
    >>> y.shape
    (3, 4, 4, 4)
    """
    return _conv_transpose(
        "conv_transpose3d",
        3,
        input=input,
        weight=weight,
        bias=bias,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        groups=groups,
        dilation=dilation,
    )
