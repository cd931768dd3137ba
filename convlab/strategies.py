"""How a convolution is computed: the strategies, and the one point that picks one.

:func:`convlab.conv.conv_forward` (and each phase of a transposed convolution,
:mod:`convlab.phaseconv`) calls :func:`convolve`, which picks row shift, the small-input
im2col, or :func:`correlate_taps` (chunked im2col or depthwise multiply-adds) by the
shapes. The layouts live in their own modules (:mod:`convlab.flattaps`,
:mod:`convlab.rowshift`); the idea under them, sliding windows as strided views, in
:mod:`convlab.windows`. The readable definition they must agree with is
:func:`convlab.reference.conv_reference`.

Axis-pattern comments (einops notation, written for 2-D; 1-D and 3-D have one spatial
axis fewer or more) name every multi-axis reshape and transpose: ``n`` images, ``g``
groups, ``o`` output and ``c`` input channels per group, ``i j`` kernel rows and columns,
``a b`` a tap block's taps per dim, ``s`` stride phases, ``h w`` input and ``r w`` output
rows and columns, ``L`` a flat run; ``(g o)`` is two axes merged into one.
"""

from __future__ import annotations

import math

import numpy as np

from .flattaps import FlatTaps, flat_taps
from .rowshift import row_shift

__all__ = ["cols_budget", "convolve", "correlate_taps"]


def convolve(
    x: np.ndarray,
    pads: tuple[tuple[int, int], ...],
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    weight: np.ndarray,
    groups: int,
    bias: np.ndarray | None,
    *,
    out: np.ndarray,
    cols_bytes: int,
) -> np.ndarray:
    """The one dispatch point: ``out = conv(x zero-padded by pads, weight) + bias``.

    ``out`` is C-contiguous ``(N, C_out, *out_size)``. The rule, from the benchmarks
    (``python -m benchmarks``, medians against the previous strategy in the same run):

    * ``_row_shift_matmul`` (:mod:`convlab.rowshift`): 1-D and 2-D convs whose groups
      have several input channels and at least ``_ROW_SHIFT_K`` values per kernel row
      (``kw * C_g``), when one image's shifted copies fit the ``cols_bytes`` budget. It
      copies the input ``kw`` times instead of ``kh * kw`` and BLAS writes straight
      into ``out``; measured 0.6-0.9x the time of im2col on 3×3 and 7×7 convs.
    * ``_small_im2col``: when the whole im2col matrix takes at most ``_SMALL_BYTES``
      (a teaching-size input): one strided copy of the windows, one matmul, none of the
      chunk planning that costs more than the arithmetic at that size.
    * :func:`correlate_taps` on a :class:`~convlab.flattaps.FlatTaps` layout otherwise:
      im2col in chunks (3-D, tiny channel counts like RGB inputs, huge images) or
      depthwise multiply-adds (one input channel per group).
    """
    cg = weight.shape[1]
    k = math.prod(kernel_size)
    if out.size * k * cg * x.itemsize <= _SMALL_BYTES * weight.shape[0] // groups:
        return _small_im2col(x, pads, kernel_size, stride, dilation, weight, groups, bias, out)
    if _row_shift_fits(kernel_size, cg):
        per_row = _row_shift_row_bytes(x, kernel_size, stride, groups, out.shape[-1])
        if len(kernel_size) == 2 or per_row <= cols_bytes:  # 2-D: bands of rows
            _row_shift_matmul(
                x, pads, kernel_size, stride, dilation, weight, groups, bias, out, cols_bytes
            )
            return out
    layout = flat_taps(x, pads, kernel_size, stride, dilation, out.shape[2:])
    return correlate_taps(layout, weight, groups, bias, out=out, cols_bytes=cols_bytes)


# The small-input path handles every conv whose im2col matrix fits in this many bytes.
_SMALL_BYTES = 1 << 18


def _small_im2col(x, pads, kernel_size, stride, dilation, w, groups, bias, out):
    """im2col of the whole (small) input in one or two copies, then as many matmuls.

    The windows are one strided view of the zero-padded input, ``(N, groups, C_g,
    *kernel, *out)``: in the weight's own ``(C_g, *kernel)`` order, so the weight matrix
    ``(groups, C_out/g, C_g*k)`` is a plain reshape. Copied contiguous, they meet it in
    one ``np.matmul`` that writes the result in place; the bias is one add after. When
    the stacked windows would take more than twice the output (more taps than output
    channels: 27 rows for 8 channels on an RGB 3×3), they are copied in bands of output
    rows instead, to keep the temporary memory a small multiple of the output. Every
    NumPy call counts at this size (about 1 µs each): measured on 1×3×32×32→8 3×3,
    about 0.7x the time of the chunked im2col, whose per-call planning dominates.
    """
    n, c, *size = x.shape
    og, cg, nd = w.shape[0] // groups, w.shape[1], len(kernel_size)
    rows = cg * math.prod(kernel_size)
    padded = [m + a + b for m, (a, b) in zip(size, pads, strict=True)]
    xp = np.zeros((n, c, *padded), x.dtype)
    xp[(..., *[slice(a, a + m) for m, (a, _) in zip(size, pads, strict=True)])] = x
    item, plane = x.itemsize, math.prod(padded)
    steps = [math.prod(padded[i + 1 :]) * item for i in range(nd)]
    first, rest = out.shape[2], math.prod(out.shape[3:])
    # bands of output rows (first spatial dim) so the stacked windows stay within
    # twice the output (temporary memory), in as few bands as that allows
    band = max(1, min(first, 2 * og * first // rows))
    cols = np.empty((n, groups, cg, *kernel_size, band, *out.shape[3:]), x.dtype)
    wm = w.reshape(groups, og, rows)  # (g o) c k.. -> g o (c k..)
    flat = out.reshape(n, groups, og, first * rest)
    for r0 in range(0, first, band):
        m = min(band, first - r0)
        # n g c (k..) (o..): one strided view of the padded input, output rows r0..r0+m
        windows = np.ndarray(
            (n, groups, cg, *kernel_size, m, *out.shape[3:]),
            x.dtype,
            buffer=xp,
            offset=r0 * stride[0] * steps[0],
            strides=(
                c * plane * item, cg * plane * item, plane * item,
                *[d * st for d, st in zip(dilation, steps, strict=True)],
                *[s * st for s, st in zip(stride, steps, strict=True)],
            ),
        )  # fmt: skip
        part = cols if m == band else cols[(..., slice(0, m), *[slice(None)] * (nd - 1))]
        np.copyto(part, windows)
        # g o (c k..) @ n g (c k..) (o..) -> n g o (o..)
        np.matmul(
            wm, part.reshape(n, groups, rows, m * rest), out=flat[..., r0 * rest : (r0 + m) * rest]
        )
    if bias is not None:
        flat += bias.reshape(groups, og, 1)
    return out


# Row shift needs this many values per kernel row (kw * C_g) for its products to be
# efficient. Measured (1 thread, CPU time) against chunked im2col: kw*C_g = 9 (RGB 3×3)
# 3-4x slower, 21 (RGB 7×7) 1.45x slower, 24 (8 channels 3×3) even, 48 0.86x, 192 (64
# channels 3×3) 0.9x, 112 (16 channels 7×7) 0.85-1.0x.
_ROW_SHIFT_K = 32


def _row_shift_fits(kernel_size: tuple[int, ...], cg: int) -> bool:
    """Whether the row-shift layout serves this conv (forward and weight gradient)."""
    return len(kernel_size) <= 2 and cg > 1 and kernel_size[-1] * cg >= _ROW_SHIFT_K


def _row_shift_row_bytes(x, kernel_size, stride, groups, width) -> int:
    """Bytes of the row-shift layout per output row: ``kw * C_g`` shifted copies plus the
    ones plane, in every row phase, ``width`` output columns each."""
    cg, phases = x.shape[1] // groups, stride[0] if len(kernel_size) == 2 else 1
    return groups * (kernel_size[-1] * cg + 1) * phases * width * x.itemsize


def _row_shift_matmul(x, pads, kernel_size, stride, dilation, w, groups, bias, out, budget):
    """One matmul per kernel row on the row-shift layout, summed in ``out``.

    ``kh`` products of ``(C_out/g, kw*C_g) @ (kw*C_g, H_out*W_out)`` per image, read in
    place from :func:`~convlab.rowshift.row_shift`; the bias rides in the first one as
    a row of ones. The extra cost over im2col is ``kh - 1`` additions of the output,
    against ``(kh - 1) * kw * C_g`` copied values per output pixel saved. The layout is
    built for a few images at a time, or for a band of output rows of one image, so it
    stays within ``budget`` bytes.
    """
    n, (c_out, cg), nd = x.shape[0], w.shape[:2], len(kernel_size)
    og, kw, kh = c_out // groups, kernel_size[-1], kernel_size[0] if nd == 2 else 1
    w = w.astype(x.dtype, copy=False)
    # per kernel row: (groups, C_out/g, kw * C_g) in the layout's (column, channel) order
    # (g o) c i j -> i g o (j c)
    rows_w = w.reshape(groups, og, cg, kh, kw).transpose(3, 0, 1, 4, 2).reshape(kh, groups, og, -1)
    first = rows_w[0]
    if bias is not None:
        first = np.concatenate([first, bias.astype(x.dtype).reshape(groups, og, 1)], axis=2)
    ho, s, halo = (out.shape[2], stride[0], (kh - 1) * dilation[0]) if nd == 2 else (1, 1, 0)
    per_row = _row_shift_row_bytes(x, kernel_size, stride, groups, out.shape[-1])
    image = per_row * (ho + -(-halo // s))
    step = max(1, budget // image)  # images per layout
    band = ho if step > 1 or image <= budget else max(1, budget // per_row, -(-halo // s))
    tmp = np.empty((min(step, n), groups, og, band * out.shape[-1]), x.dtype) if kh > 1 else None
    for i in range(0, n, step):
        for r0 in range(0, ho, band):
            r1 = min(ho, r0 + band)
            if nd == 2:
                part, part_pads = _band(x[i : i + step], pads, r0 * s, (r1 - 1) * s + halo + 1)
                size = (r1 - r0, out.shape[-1])
            else:
                part, part_pads, size = x[i : i + step], pads, out.shape[2:]
            layout = row_shift(part, part_pads, kernel_size, stride, dilation, size, groups)
            dst = out[i : i + step, :, r0:r1] if nd == 2 else out[i : i + step]
            # n (g o) r w -> n g o (r w), no copy: BLAS writes into out itself
            dst = _as_view(dst, (len(dst), groups, og, layout.length))
            np.matmul(first, layout.row(0, ones=bias is not None), out=dst)
            for r in range(1, kh):
                part = tmp[: len(dst), :, :, : layout.length]
                np.matmul(rows_w[r], layout.row(r), out=part)
                dst += part
            del layout  # free it before the next one is built (peak memory)


def weight_grad_by_rows(
    x: np.ndarray,
    pads: tuple[tuple[int, int], ...],
    gy: np.ndarray,
    kernel_size: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
) -> np.ndarray | None:
    """The weight gradient on the forward's row-shift layout, or None where it does not
    apply (the forward would not use it either: see :func:`convolve`).

    ``dW[:, :, i, :] = sum_n gy[n] @ rows(i)[n]ᵀ``: the forward's ``kh`` products
    turned round, each ``(C_out/g × H_out·W_out) @ (H_out·W_out × kw·C_g)`` read in
    place, with ``gy`` as it is (the layout's output grid is the output). Measured (1
    thread, CPU time, interleaved) against the flat-tap products: 0.6-0.9x on 3×3 and
    7×7 convs.
    """
    n, c = x.shape[:2]
    cg, c_out, nd = c // groups, gy.shape[1], len(kernel_size)
    og, kw, kh = c_out // groups, kernel_size[-1], kernel_size[0] if nd == 2 else 1
    if not _row_shift_fits(kernel_size, cg):
        return None
    out = gy.shape[2:]
    length = math.prod(out)
    # the layout of one image: the padded rows, split into their row phases
    rows = -(-(x.shape[2] + sum(pads[0])) // stride[0]) if nd == 2 else 1
    image = _row_shift_row_bytes(x, kernel_size, stride, groups, out[-1]) * rows
    step = max(1, cols_budget(gy.nbytes) // image)  # images per layout
    dw = np.zeros((kh, groups, og, kw * cg), gy.dtype)
    part = np.empty((min(step, n), groups, og, kw * cg), gy.dtype)
    for i in range(0, n, step):
        layout = row_shift(x[i : i + step], pads, kernel_size, stride, dilation, out, groups)
        g = gy[i : i + step].reshape(-1, groups, og, length)
        for r in range(kh):
            # n g o L @ n g L (j c) -> n g o (j c), summed over n
            np.matmul(g, layout.row(r).swapaxes(-1, -2), out=part[: len(g)])
            dw[r] += part[: len(g)].sum(axis=0)
        del layout
    # r g o (j c) -> (g o) c r j
    dw = dw.reshape(kh, groups, og, kw, cg).transpose(1, 2, 4, 0, 3)
    return dw.reshape(c_out, cg, *kernel_size)


def _band(x, pads, a, b):
    """Rows ``[a, b)`` of the zero-padded ``x`` as (rows of ``x``, their pads)."""
    h, top = x.shape[2], pads[0][0]
    lo = min(h, max(0, a - top))
    hi = max(lo, min(h, b - top))
    before = min(b - a, max(0, top - a))
    return x[:, :, lo:hi], ((before, b - a - before - (hi - lo)), *pads[1:])


def _as_view(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``a`` reshaped without a copy (raises if that is impossible)."""
    v = a.view()
    v.shape = shape
    return v


def correlate_taps(
    layout: FlatTaps,
    weight: np.ndarray,
    groups: int,
    bias: np.ndarray | None = None,
    *,
    out: np.ndarray | None = None,
    cols_bytes: int | None = None,
) -> np.ndarray:
    """The one dispatch point: correlate the tap layout with ``weight``, per group.

    Returns ``(N, C_out, *out)`` plus ``bias`` per output channel if given, written into
    ``out`` if given. ``cols_bytes`` bounds im2col's buffer (default: twice the output,
    at most ``_CHUNK_BYTES``). The strategy is chosen by the group shape:

    * ``_cols_matmul`` (im2col in cache-sized chunks + one matmul per chunk): every conv
      whose groups have more than one input channel. Stacking the taps costs one copy of
      ``k * C_g`` input values per output pixel, cheap next to the ``2 * k * C_g *
      C_out/groups`` flops the matmul then does on them at near-BLAS speed.
    * ``_depthwise``: one input channel per group. A matmul per group would be a tiny
      vector product; multiply-adds over whole rows of a few channels at a time win.

    >>> from convlab.flattaps import flat_taps
    >>> x = np.arange(8.0).reshape(1, 2, 2, 2)  # two channels
    >>> layout = flat_taps(x, ((0, 0), (0, 0)), (1, 1), (1, 1), (1, 1), (2, 2))
    >>> correlate_taps(layout, np.ones((1, 2, 1, 1)), groups=1)  # 1x1 conv: channel sum
    array([[[[ 4.,  6.],
             [ 8., 10.]]]])
    """
    c_out, c_group = weight.shape[:2]
    if out is None:
        out = np.empty((layout.data.shape[1], c_out, *layout.out), layout.data.dtype)
    w = weight.reshape(groups, c_out // groups, c_group, -1)  # (g o) c i j -> g o c (i j)
    w = w.astype(layout.data.dtype, copy=False)
    bias = None if bias is None else bias.reshape(groups, -1)
    target = out if out.flags.c_contiguous else np.empty(out.shape, out.dtype)
    # n (g o) r w -> n g o (r w)
    target_groups = target.reshape(out.shape[0], groups, c_out // groups, -1)
    if c_group == 1:
        _depthwise(layout, w, bias, target_groups)
    else:
        budget = cols_bytes or cols_budget(out.nbytes)
        _cols_matmul(layout, w, bias, target_groups, budget)
    if target is not out:
        np.copyto(out, target)
    return out


# The stacked taps of one chunk take at most about this many bytes: enough columns that
# each matmul is worth splitting across BLAS threads (fewer, bigger calls also suffer
# less when other processes compete for the cores), few enough to stay in cache.
_CHUNK_BYTES = 1 << 22


def cols_budget(out_bytes: int) -> int:
    """Bytes im2col may stack at once: twice the output (memory), at most ``_CHUNK_BYTES``."""
    return min(_CHUNK_BYTES, 2 * out_bytes)


def _cols_matmul(layout: FlatTaps, w: np.ndarray, bias, out: np.ndarray, budget: int) -> None:
    """im2col + one matmul per chunk of output rows, written straight into ``out``.

    Wins whenever a group has several input channels: the copy moves ``k * C_g`` values
    per output pixel, then BLAS does ``2 * k * C_g * C_out/groups`` flops on them at about
    90 % of its 2048² speed. (One matmul per tap on the flat slices needs no copy, but
    a ``tmp`` + add per tap: measured 5-40 % slower single-threaded, and it makes ``k``
    times as many BLAS calls, each too small to split well across threads.)
    """
    g, og, cg, k = w.shape
    n, (rows, *rest) = layout.data.shape[1], layout.out
    row = math.prod(rest)  # output pixels per row of the first spatial dim
    # matmul rows: the taps' weights (in the order the blocks stack the taps), then the
    # bias against a row of ones
    weights = w.transpose(0, 1, 3, 2)  # g o c (i j) -> g o (i j) c
    order = [t for b in layout.blocks for t in b.taps]
    if order != list(range(k)):
        weights = weights[:, :, order]  # the taps in block order: (i j) -> (a b) per block
    weights = weights.reshape(g, og, k * cg)  # g o k c -> g o (k c)
    if bias is not None:
        weights = np.concatenate([weights, bias[:, :, None]], axis=2)
    limit = budget // (weights.shape[2] * w.itemsize)  # stacked columns per chunk
    step = max(1, limit // (rows * row))  # whole images per chunk when they are small
    lines = rows if step > 1 else max(1, limit // row)  # else a few rows of one image
    # n g (k c + 1) (r w): the stacked taps of a chunk above a row of ones
    buf = np.empty((min(step, n), g, weights.shape[2], lines * row), w.dtype)
    buf[:, :, k * cg :] = 1  # the bias row
    sources, first = [], 0
    for b in layout.blocks:  # per block of taps: (source view, destination in buf)
        nd, kb = len(b.counts), len(b.taps)
        # n a b (g c) r w -> n a b g c r w -> n g a b c r w
        src = layout.block(b).reshape(n, *b.counts, g, cg, rows, *rest)
        src = src.transpose(0, nd + 1, *range(1, nd + 1), nd + 2, *range(nd + 3, src.ndim))
        # its place in buf: n g (a b c) (r w) -> n g a b c r w
        dst = buf[:, :, first : first + kb * cg].reshape(
            *buf.shape[:2], *b.counts, cg, lines, *rest
        )
        sources.append((src, dst))
        first += kb * cg
    tail = (slice(None),) * len(rest)
    for i in range(0, n, step):
        images = slice(i, i + step)
        nb = len(range(n)[images])
        for r in range(0, rows, lines):
            m = min(lines, rows - r)
            for src, dst in sources:
                np.copyto(
                    dst[(slice(0, nb), ..., slice(0, m), *tail)],
                    src[(images, ..., slice(r, r + m), *tail)],
                )
            cols = buf[:nb, ..., : m * row]
            np.matmul(weights, cols, out=out[images, ..., r * row : (r + m) * row])


_DEPTHWISE_BYTES = 1 << 20


def _depthwise(layout: FlatTaps, w: np.ndarray, bias, out: np.ndarray) -> None:
    """``acc += w[t] * tap(t)`` over whole rows of a block of channels, then crop.

    Wins for one input channel per group (depthwise): a matmul per group would be a
    ``(1, k)`` vector product, all call overhead; im2col + batched matmul measured 3x
    slower. Blocks of channels keep the accumulator in L2 cache. (Two Python threads
    over the blocks measured no faster on the benchmark VM: 8.1 against 7.7 ms.)
    """
    g, og, _, k = w.shape
    n, length = layout.data.shape[1], layout.length
    taps = [layout.tap(t).reshape(n, g, 1, length) for t in range(k)]
    out = out.reshape(n, g, og, *layout.out)
    bias = None if bias is None else bias.reshape(*bias.shape, *([1] * len(layout.out)))
    # a block of channels' accumulator and product rows together fit in L2 cache
    step = max(1, _DEPTHWISE_BYTES // (2 * og * length * w.itemsize))
    acc_buf, part_buf = np.empty((2, min(step, g), og, length), w.dtype)
    for i in range(n):
        for c in range(0, g, step):
            channels = slice(c, c + step)
            acc, part = acc_buf[: len(range(g)[channels])], part_buf[: len(range(g)[channels])]
            np.multiply(taps[0][i, channels], w[channels, :, :, 0], out=acc)
            for t in range(1, k):
                np.multiply(taps[t][i, channels], w[channels, :, :, t], out=part)
                acc += part
            # crop the block (still in cache) into the output, adding the bias
            if bias is None:
                np.copyto(out[i, channels], layout.crop(acc))
            else:
                np.add(layout.crop(acc), bias[channels], out=out[i, channels])
