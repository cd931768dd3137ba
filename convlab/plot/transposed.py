"""Transposed convolution as a sum of kernel stamps."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import conv_transpose2d
from .._validation import as_float_array, check_ndim
from ..transpose import parse_conv_transpose
from ._grid import NumberGrid
from ._style import INK, Scale, fmt_value, new_figure

__all__ = ["Stamps", "transposed_stamps"]


class Stamps:
    """The numbers of a one-channel ``conv_transpose2d``, as stamps on the uncropped canvas.

    ``full`` is the sum before ``padding`` is cropped away, ``output`` the op's result,
    ``counts`` how many stamps cover each canvas cell, and ``stamp(a, b)`` the copy of the
    kernel that input cell ``(a, b)`` adds (``NaN`` outside it). All via conv_transpose2d.
    """

    def __init__(self, func, x, weight, stride=2, padding=0, output_padding=0, dilation=1):
        x = as_float_array(func, "x", x)
        w = as_float_array(func, "weight", weight)
        check_ndim(func, "x", x, (2,), "(H, W)")
        check_ndim(func, "weight", w, (2,), "(kH, kW)")
        w = w.astype(x.dtype)
        spec = parse_conv_transpose(
            func,
            2,
            input=x[None],
            weight=w[None, None],
            bias=None,
            stride=stride,
            padding=padding,
            output_padding=output_padding,
            groups=1,
            dilation=dilation,
        )
        self.x, self.weight = x, w
        self.stride, self.padding = spec.stride, spec.padding
        self.output_padding, self.dilation = spec.output_padding, spec.dilation
        self.output = self._op(x, w, self.padding, self.output_padding)
        # the canvas: every stamp, plus any output_padding rows reaching past them
        self.extra = tuple(
            max(0, o - p) for o, p in zip(self.output_padding, self.padding, strict=True)
        )
        self.full = self._op(x, w, (0, 0), self.extra)
        self.counts = self._op(np.ones_like(x), np.ones_like(w), (0, 0), self.extra)
        self.kept = np.zeros(self.full.shape, bool)
        (ph, pw), (oh, ow) = self.padding, self.output.shape
        self.kept[ph : ph + oh, pw : pw + ow] = True

    def _op(self, x, w, padding, output_padding):
        args = (self.stride, padding, output_padding, 1, self.dilation)
        return conv_transpose2d(x[None], w[None, None], None, *args)[0]

    def stamp(self, a: int, b: int) -> np.ndarray:
        one = np.zeros_like(self.x)
        one[a, b] = 1.0
        reach = self._op(one, np.ones_like(self.weight), (0, 0), self.extra) > 0
        values = self._op(one * self.x, self.weight, (0, 0), self.extra)
        return np.where(reach, values, np.nan)


def transposed_stamps(
    x: Any = None,
    weight: Any = None,
    *,
    stride: int | tuple[int, int] = 2,
    padding: int | tuple[int, int] = 0,
    output_padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
):
    """Transposed convolution drawn as what it is: every input cell stamps a scaled copy
    of the kernel onto the output, ``stride`` apart, and overlapping stamps add up.

    Parameters
    ----------
    x : array (H, W), optional
        Default ``[[1, 2], [3, 4]]``.
    weight : array (kH, kW), optional
        Default a 3×3 of ones, which makes every stamp a block of its input value.
    stride, padding, output_padding, dilation
        As in :func:`convlab.conv_transpose2d`.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per input cell (laid out like the input), then the sum, then how many
        stamps overlap in each cell: uneven counts are the checkerboard artifact.

    Notes
    -----
    Output size :math:`o = (n - 1)s - 2p + d(k - 1) + \\text{output\\_padding} + 1`. The
    canvas is drawn before cropping; hatched border cells are the ``padding`` that the op
    crops away. The sum panel's framed cells equal ``conv_transpose2d(x, w, ...)``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = transposed_stamps()
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes][-3:]
    ['x[1, 1] = 4', 'sum of stamps', 'overlap count']
    >>> plt.close(fig)
    """
    x = np.array([[1.0, 2.0], [3.0, 4.0]]) if x is None else x
    weight = np.ones((3, 3)) if weight is None else weight
    st = Stamps("transposed_stamps", x, weight, stride, padding, output_padding, dilation)
    (h, w), (fh, fw) = st.x.shape, st.full.shape
    cell = min(0.3, 2.2 / max(fh, fw), 9.0 / ((w + 2) * fw + 2.0))
    gap, pw_, ph_ = 0.35, fw * cell, fh * cell
    width = 0.4 + w * pw_ + (w - 1) * gap + 0.9 + 2 * pw_ + gap + 0.3
    block_h = h * ph_ + (h - 1) * 0.55
    height = 0.75 + block_h + 0.35
    fig = new_figure((width, height))
    stamps = [[st.stamp(a, b) for b in range(w)] for a in range(h)]
    scale = Scale.of(st.full, *(s for row in stamps for s in row), palette="output")
    x0 = 0.4
    for a in range(h):
        for b in range(w):
            ax = fig.add_axes(
                _rect(fig, x0 + b * (pw_ + gap), 0.35 + (h - 1 - a) * (ph_ + 0.55), pw_, ph_)
            )
            s = stamps[a][b]
            at = (a * st.stride[0], b * st.stride[1])
            title = f"x[{a}, {b}] = {fmt_value(st.x[a, b])}\nstamps at {at}"
            NumberGrid(
                ax,
                np.nan_to_num(s),
                real=~np.isnan(s),
                scale=scale,
                labels=False,
                title=title,
                wash=0.93,
                blank=np.isnan(s),
            )
    right = x0 + w * pw_ + (w - 1) * gap + 0.9
    y_mid = 0.35 + (block_h - ph_) / 2
    ax_sum = fig.add_axes(_rect(fig, right, y_mid, pw_, ph_))
    oh, ow = st.output.shape
    NumberGrid(
        ax_sum,
        st.full,
        real=st.kept,
        scale=scale,
        labels=False,
        title=f"sum of stamps\noutput {oh}×{ow}" + (" (framed)" if not st.kept.all() else ""),
    )
    ax_cnt = fig.add_axes(_rect(fig, right + pw_ + gap, y_mid, pw_, ph_))
    NumberGrid(
        ax_cnt,
        st.counts,
        real=st.kept,
        scale=Scale(0.0, max(2.0, float(st.counts.max())), False, "YlOrBr"),
        labels=False,
        title="overlap count\nstamps per cell",
    )
    fig.text(
        (x0 + w * pw_ + (w - 1) * gap + right) / 2 / width,
        (y_mid + ph_ / 2) / height,
        "Σ",
        ha="center",
        va="center",
        fontsize=22,
        color=INK,
    )
    return fig


def _rect(fig, x, y, w, h):
    W, H = fig.get_size_inches()
    return (x / W, y / H, w / W, h / H)
