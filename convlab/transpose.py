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
from .stamps import phase_plan as _phase_plan  # the names the stamp loop below calls
from .stamps import stamps as _stamps

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
    check_output_padding(func, output_padding, stride, dilation)
    size = x.shape[2:]
    out = tuple(
        shapes.conv_transpose_output_size(
            size, w.shape[2:], stride, padding, output_padding, dilation
        )
    )
    check_output_size(
        func, out, size, weight=w.shape, stride=stride, padding=padding, dilation=dilation
    )
    if min(size) < 1 and min(x.shape[:2]) > 0:  # torch: "Only zero batch or zero channel"
        raise fail(
            func,
            f"input must be non-empty in every spatial dim (only N or C may be 0); got input "
            f"with shape {x.shape}",
        )
    check_alloc(
        func, (x.shape[0], w.shape[1] * groups, *out), x.itemsize, weight=w.shape,
        stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
    )  # fmt: skip
    return TransposeSpec(
        x=x, weight=w, bias=b, stride=stride, padding=padding, output_padding=output_padding,
        groups=groups, dilation=dilation, out=out, unbatched=unbatched,
    )  # fmt: skip


def _conv_transpose(func: str, nd: int, *args: Any) -> np.ndarray:
    spec = parse_conv_transpose(func, nd, *args)
    y = conv_transpose_forward(spec)
    return y[0] if spec.unbatched else y


def conv_transpose_forward(spec: TransposeSpec) -> np.ndarray:
    """Stamp, sum, crop: the scatter definition, vectorised over pixels.

    One matmul gives every stamp at once (``C_out * k`` values per input pixel). The
    stamps are then summed per *output phase*: output pixels ``o`` with the same
    ``o mod stride`` receive whole, unstrided copies of the input grid, shifted. The
    input's inner dims are zero-padded to the phase buffer's, so a shifted copy is one
    contiguous run of the flat buffer and each sum is one long add (the zeros that wrap
    round a row land on zeros' places). A last pass interleaves the phases into the
    output, crops ``padding`` and adds the bias. Images (and if need be output
    channels) are taken a few at a time so the stamps stay a cache-sized buffer.

    When a phase gathers many taps (a stride of 1, or a kernel much larger than the
    stride), each phase is instead one ordinary convolution
    (:func:`~convlab.phaseconv.conv_transpose_by_phases`): no stamps to add up.
    """
    x, w, g = spec.x, spec.weight, spec.groups
    n, c_in, *size = x.shape
    og, kernel = w.shape[1], spec.kernel_size
    c_out, k, pixels = og * g, math.prod(kernel), math.prod(size)
    y = np.empty((n, c_out, *spec.out), x.dtype)
    if y.size == 0:
        return y
    plan = _phase_plan(size, kernel, spec.stride, spec.padding, spec.dilation, spec.out)
    if c_in // g > _STAMP_MAX_CHANNELS and pixels and k > _PHASE_TAPS * len(plan.phases):
        return conv_transpose_by_phases(
            x, w, spec.bias, spec.stride, spec.padding, spec.dilation, g, out=y
        )
    bias = None if spec.bias is None else spec.bias.reshape(-1, *([1] * len(size)))
    if not plan.complete or pixels == 0:  # outputs no stamp reaches: zero plus the bias
        y[...] = 0 if bias is None else bias
        if pixels == 0:
            return y
    # the input with its inner dims zero-padded to the phase buffer's (flat adds)
    grid = (size[0], *plan.phase_size[1:])
    if grid != tuple(size):
        x = np.pad(
            x,
            (
                (0, 0),
                (0, 0),
                (0, 0),
                *((0, b - m) for m, b in zip(size[1:], grid[1:], strict=True)),
            ),
        )
    cells = math.prod(grid)
    # per group: (C_out/g * k, C_in/g) weights times (C_in/g, cells) inputs
    wg = w.reshape(g, c_in // g, og * k).transpose(0, 2, 1)
    xg = x.reshape(n, g, c_in // g, cells)
    per_image = c_out * k * cells * x.itemsize  # stamp bytes of one image
    step = max(1, _CHUNK_BYTES // per_image)  # images per chunk
    block = max(1, min(og, og * _CHUNK_BYTES // per_image))  # output channels per group
    # flat phase buffers, one row of the first dim longer: the last runs overhang it
    flat = (plan.phase_size[0] + 1) * math.prod(plan.phase_size[1:])
    phases = np.empty((len(plan.phases), min(step, n), g, og, flat), x.dtype)
    inner = [math.prod(plan.phase_size[i + 1 :]) for i in range(len(size))]
    runs = [(phase, sum(sl.start * r for sl, r in zip(at, inner, strict=True)))
            for phase, at in plan.taps]  # fmt: skip
    for i in range(0, n, step):
        nb = len(range(i, min(i + step, n)))
        acc = phases[:, :nb]
        acc.fill(0)
        for o in range(0, og, block):
            channels = slice(o, o + block)
            z = _stamps(wg[:, o * k : (o + block) * k], xg[i : i + nb])
            z = z.reshape(nb, g, -1, k, cells)
            for t, (phase, start) in enumerate(runs):
                acc[phase, :, :, channels, start : start + cells] += z[:, :, :, t]
        out = y[i : i + nb]
        for phase, (dst, src) in enumerate(plan.phases):
            part = acc[phase, :, :, :, : math.prod(plan.phase_size)]
            part = part.reshape(nb, c_out, *plan.phase_size)[(..., *src)]
            if bias is None:
                np.copyto(out[(..., *dst)], part)
            else:
                np.add(part, bias, out=out[(..., *dst)])
    return y


# Up to this many input channels per group, stamps (outer products) win; above it, one
# convolution per output phase (:mod:`convlab.phaseconv`), whose GEMMs have the
# ``C_in/g * k_phase`` inner dimension the stamps' ``C_in/g`` lacks.
_STAMP_MAX_CHANNELS = 3
# ... and only when the phases gather more than this many taps each on average. Measured
# (1 thread, CPU time, float32) phases against stamps: 3×3 stride 1 0.69x, 4×4 stride 2
# 0.97x, 3×3 stride 2 1.05x, 2×2 stride 2 1.8x.
_PHASE_TAPS = 4

# Stamps computed per batch of images: about this many bytes.
_CHUNK_BYTES = 1 << 20


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
        layout=LAYOUTS[_dim],
        kernel=_kernel,
        out=_out,
        example=_EXAMPLES[_dim],
    )
