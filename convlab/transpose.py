"""Transposed convolution: conv_transpose1d/2d/3d, the adjoint of convolution.

Each input pixel *stamps* a copy of the kernel, scaled by its value, into the output at
``stride`` spacing; overlapping stamps add up::

    full[n, o, i*s + t*d] += x[n, c, i] * weight[c, o, t]      then crop ``padding``

That is exactly multiplying by Cᵀ, the transpose of the convolution's matrix (see
:mod:`convlab.matrix`), which is why the input gradient of a convolution is a transposed
convolution. It is *not* a deconvolution: it undoes the shape, not the values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import shapes
from ._validation import (
    as_float_array,
    check_bias,
    check_output_padding,
    check_output_size,
    check_same_dtype,
    check_weight,
    int_tuple,
    split_batch,
)
from .windows import scatter_add_taps, tap_slices, taps

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]

_LAYOUTS = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


@dataclass(frozen=True)
class TransposeSpec:
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
    x = as_float_array(func, "input", input)
    w = as_float_array(func, "weight", weight)
    b = None if bias is None else as_float_array(func, "bias", bias)
    check_same_dtype(func, input=x, weight=w, bias=b)
    x, unbatched = split_batch(func, "input", x, nd, _LAYOUTS[nd])
    groups = int_tuple(func, "groups", groups, 1, minimum=1)[0]
    check_weight(func, x, w, nd, groups, transposed=True)
    check_bias(func, b, w.shape[1] * groups)
    stride = int_tuple(func, "stride", stride, nd, minimum=1)
    padding = int_tuple(func, "padding", padding, nd, minimum=0)
    output_padding = int_tuple(func, "output_padding", output_padding, nd, minimum=0)
    dilation = int_tuple(func, "dilation", dilation, nd, minimum=1)
    check_output_padding(func, output_padding, stride, dilation)
    size = x.shape[2:]
    out = tuple(
        shapes.conv_transpose_output_size(
            size, w.shape[2:], stride, padding, output_padding, dilation
        )
    )
    check_output_size(func, out, size, kernel_size=w.shape[2:], stride=stride, padding=padding)
    return TransposeSpec(x, w, b, stride, padding, output_padding, groups, dilation, out, unbatched)


def _conv_transpose(func: str, nd: int, *args: Any) -> np.ndarray:
    spec = parse_conv_transpose(func, nd, *args)
    y = conv_transpose_forward(spec)
    return y[0] if spec.unbatched else y


def conv_transpose_forward(spec: TransposeSpec) -> np.ndarray:
    """Stamp, sum, crop: the scatter definition, vectorised over pixels."""
    x, w, g = spec.x, spec.weight, spec.groups
    n, c_in, *size = x.shape
    c_out = w.shape[1] * g
    kernel, k = spec.kernel_size, math.prod(spec.kernel_size)
    # the uncropped output: every stamp lands inside it
    full_size = [
        (m - 1) * s + d * (kk - 1) + 1 + op
        for m, s, d, kk, op in zip(
            size, spec.stride, spec.dilation, kernel, spec.output_padding, strict=True
        )
    ]
    full = np.zeros((n, c_out, *full_size), x.dtype)
    # per group: (C_out/g * k, C_in/g) weights times (C_in/g, pixels) inputs
    wg = w.reshape(g, c_in // g, -1).transpose(0, 2, 1)  # (g, C_out/g * k, C_in/g)
    xg = x.reshape(n, g, c_in // g, math.prod(size))
    if k <= 4 * math.prod(spec.stride):
        # all stamps at once (col2im): one matmul, then one strided add per tap.
        # Memory k/prod(stride) times the output, so only when that is small.
        cols = _stamps(wg, xg).reshape(n, c_out, k, *size)
        scatter_add_taps(full, cols, kernel, spec.stride, spec.dilation)
    else:
        # large kernels (e.g. 7×7, stride 1): one matmul per tap, output-sized memory
        wt = wg.reshape(g, c_out // g, k, -1)
        for i, tap in enumerate(taps(kernel)):
            part = _stamps(np.ascontiguousarray(wt[:, :, i]), xg).reshape(n, c_out, *size)
            full[(..., *tap_slices(tap, spec.stride, spec.dilation, size))] += part
    y = full[(..., *(slice(p, p + o) for p, o in zip(spec.padding, spec.out, strict=True)))]
    y = np.ascontiguousarray(y)
    if spec.bias is not None:
        y += spec.bias.reshape(1, -1, *([1] * len(size)))
    return y


def _stamps(wg: np.ndarray, xg: np.ndarray) -> np.ndarray:
    """``(g, R, C_g) x (N, g, C_g, P) -> (N, g, R, P)``.

    A BLAS matmul, except for 1–3 channels per group (depthwise), where the matmul
    degenerates into outer products and plain broadcasting is faster.
    """
    cg = wg.shape[-1]
    if cg > 3:
        return np.matmul(wg, xg)
    out = wg[None, :, :, 0, None] * xg[:, :, None, 0, :]
    for c in range(1, cg):
        out += wg[None, :, :, c, None] * xg[:, :, None, c, :]
    return out


_DOC = """{dim}-D transposed convolution over an input of shape {layout}.

    Same arguments (in torch's order: ``output_padding`` before ``groups`` before
    ``dilation``), defaults and results as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray
        ``{layout}`` or unbatched without ``N``.
    weight : ndarray
        ``(C_in, C_out/groups, {kernel})``: note ``C_in`` first, the transpose of a
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
        ``(N, C_out, {out})``.

    Notes
    -----
    Per dim, :math:`o = (n - 1)s - 2p + d(k - 1) + \\text{{output\\_padding}} + 1`
    (:func:`convlab.conv_transpose_output_size`).

    Examples
    --------
{example}
    """

_EXAMPLES = {
    1: """    >>> conv_transpose1d(np.array([[[1., 2.]]]), np.array([[[1., 1., 1.]]]), stride=2)
    array([[[1., 1., 3., 2., 2.]]])""",
    2: """    >>> x = np.array([[[[1., 2.], [3., 4.]]]])
    >>> conv_transpose2d(x, np.ones((1, 1, 2, 2)))
    array([[[[ 1.,  3.,  2.],
             [ 4., 10.,  6.],
             [ 3.,  7.,  4.]]]])""",
    3: """    >>> y = conv_transpose3d(np.ones((2, 2, 2, 2)), np.ones((2, 3, 3, 3, 3)), stride=2,
    ...                      padding=1, output_padding=1)
    >>> y.shape
    (3, 4, 4, 4)""",
}


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
    return _conv_transpose(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
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
    return _conv_transpose(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
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
    return _conv_transpose(
        "conv_transpose3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


for _f, _dim, _kernel, _out in (
    (conv_transpose1d, 1, "kL", "L_out"),
    (conv_transpose2d, 2, "kH, kW", "H_out, W_out"),
    (conv_transpose3d, 3, "kD, kH, kW", "D_out, H_out, W_out"),
):
    _f.__doc__ = _DOC.format(
        dim=_dim,
        name=_f.__name__,
        layout=_LAYOUTS[_dim],
        kernel=_kernel,
        out=_out,
        example=_EXAMPLES[_dim],
    )
