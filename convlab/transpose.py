"""Transposed convolution: conv_transpose1d/2d/3d, the adjoint of convolution.

Each input pixel *stamps* a copy of the kernel, scaled by its value, into the output at
``stride`` spacing; overlapping stamps add up::

    full[n, o, i*s + t*d] += x[n, c, i] * weight[c, o, t]      then crop ``padding``

That is exactly multiplying by Cᵀ, the transpose of the convolution's matrix (see
:mod:`convlab.matrix`), which is why the input gradient of a convolution is a transposed
convolution. It is *not* a deconvolution: it undoes the shape, not the values.
"""

from __future__ import annotations

import itertools
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
from .phaseconv import conv_transpose_by_phases

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]


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
    return TransposeSpec(x, w, b, stride, padding, output_padding, groups, dilation, out, unbatched)


def _conv_transpose(func: str, nd: int, **kwargs: Any) -> np.ndarray:
    spec = parse_conv_transpose(func, nd, **kwargs)
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


@dataclass(frozen=True)
class _PhasePlan:
    """Where each tap's stamps land, and where each phase goes in the output."""

    phase_size: tuple[int, ...]  # every phase buffer's spatial size
    taps: list  # per tap: (phase index, slices into the phase buffer)
    phases: list  # per phase: (slices into the output, slices into the phase buffer)
    complete: bool = True  # every output phase receives stamps


def _phase_plan(size, kernel, stride, padding, dilation, out) -> _PhasePlan:
    """Per dim: full index ``i*s + t*d`` is phase ``(t*d) % s`` at ``i + (t*d) // s``;
    output ``o`` is full index ``o + p``, i.e. phase ``(o + p) % s`` at ``(o + p) // s``.

    Only the phases some tap lands in are kept (at most ``k`` per dim, however large
    the stride); outputs in the other phases receive no stamp: they are zero (plus the
    bias), and ``complete`` is False so the caller fills them.
    """
    lengths, tap_at, phase_at, complete = [], [], [], True
    for m, kk, s, p, d, o in zip(size, kernel, stride, padding, dilation, out, strict=True):
        used = sorted({(t * d) % s for t in range(kk)})
        complete = complete and len(used) == s
        slot = {a: i for i, a in enumerate(used)}
        lengths.append(max(m + (kk - 1) * d // s, (o - 1 + p) // s + 1))
        tap_at.append(
            [(slot[(t * d) % s], slice((t * d) // s, (t * d) // s + m)) for t in range(kk)]
        )
        per_phase = []
        for a in used:
            first = (a - p) % s  # first output in phase a
            count = len(range(first, o, s))
            start = (first + p) // s
            per_phase.append((slice(first, None, s), slice(start, start + count)))
        phase_at.append(per_phase)
    counts = [len(per) for per in phase_at]
    strides = [math.prod(counts[i + 1 :]) for i in range(len(counts))]
    taps_ = [
        (sum(a * r for (a, _), r in zip(combo, strides, strict=True)), [sl for _, sl in combo])
        for combo in itertools.product(*tap_at)
    ]
    phases = [
        ([dst for dst, _ in combo], [src for _, src in combo])
        for combo in itertools.product(*phase_at)
    ]
    return _PhasePlan(tuple(lengths), taps_, phases, complete)


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
