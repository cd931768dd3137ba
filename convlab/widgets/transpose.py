"""The transposed-convolution explorer: stamps, overlap counts and the output size."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import conv_transpose_output_size
from ..plot._grid import NumberGrid
from ..plot._style import ACCENT, Scale, blank_axes, fmt_int, panel_row
from ..plot.transposed import Stamps
from ._base import Explorer, slider

__all__ = ["TransposeExplorer", "transpose_explorer"]


class TransposeExplorer(Explorer):
    """Transposed convolution as stamps: stride, padding and output_padding, with one input
    cell's stamp picked out (sliders ``a``, ``b``).

    State: settings, ``out``, ``cell``, ``error``; ``output`` is conv_transpose2d's result
    and ``counts`` how many stamps overlap in each canvas cell.
    """

    figsize = (9.6, 4.2)

    def __init__(self, n=2, k=3, stride=2, padding=0, output_padding=0):
        self.n = slider("input size n", n, 1, 4)
        self.k = slider("kernel size k", k, 1, 4)
        self.stride = slider("stride s", stride, 1, 3)
        self.padding = slider("padding p", padding, 0, 2)
        self.output_padding = slider("output_padding", output_padding, 0, 2)
        self.a = slider("stamp of row a", 0, 0, n - 1)
        self.b = slider("stamp of col b", 0, 0, n - 1)
        self.output, self.counts, self.stamps = None, None, None
        for w in (self.a, self.b):
            w.observe(self._moved, names="value")
        left = widgets.VBox([self.n, self.k, self.stride])
        right = widgets.VBox([self.padding, self.output_padding])
        cells = widgets.VBox([self.a, self.b])
        settings = [self.n, self.k, self.stride, self.padding, self.output_padding]
        self._setup([widgets.HBox([left, right]), cells], settings)

    def update(self):
        n, k, s, p, op = (
            w.value for w in (self.n, self.k, self.stride, self.padding, self.output_padding)
        )
        o = conv_transpose_output_size(n, k, s, p, op)
        self.set_formula(
            f"o = (n−1)s − 2p + (k−1) + output_padding + 1 = "
            f"({n}−1)·{s} − 2·{p} + ({k}−1) + {op} + 1 = {fmt_int(o)}"
        )
        self.state = dict(n=n, k=k, stride=s, padding=p, output_padding=op, out=None, error=None)
        x = np.arange(1.0, n * n + 1).reshape(n, n)
        try:
            st = Stamps("transpose_explorer", x, np.ones((k, k)), s, p, op)
        except ValueError as exc:
            self.output = self.counts = self.stamps = None
            self._show_error("PyTorch refuses these settings", exc)
            return
        self.stamps, self.output, self.counts = st, st.output, st.counts
        self.state["out"] = st.output.shape
        with self.hold():
            self.a.max, self.b.max = n - 1, n - 1
        full = st.full.shape
        _, axes, _ = panel_row(
            [x.shape, full, full],
            fig=self.figure,
            reuse=blank_axes(self.figure, 3),
            top=0.8,
            bottom=0.25,
            gap=0.8,
        )
        g = NumberGrid(axes[0], x, title=f"input {n}×{n}")
        scale = Scale.of(st.full, palette="output")
        oh, ow = st.output.shape
        crop = " (framed)" if not st.kept.all() else ""
        NumberGrid(
            axes[1],
            st.full,
            real=st.kept,
            scale=scale,
            title=f"sum of stamps, w = ones\noutput {oh}×{ow}{crop}",
        )
        NumberGrid(
            axes[2],
            st.counts,
            real=st.kept,
            scale=Scale(0.0, max(2.0, float(st.counts.max())), False, "YlOrBr"),
            title="overlap count\n(uneven = checkerboard)",
        )
        self._cell = g.outline(0, 0)
        self._stamp = Rectangle(
            (0, 0), k, k, fill=False, edgecolor=ACCENT, lw=2.6, zorder=6, gid="stamp"
        )
        axes[1].add_artist(self._stamp)
        self.set_moving([self._cell, self._stamp])
        self._place()
        uneven = st.counts[st.kept].min() != st.counts[st.kept].max()
        self.set_message(
            "stamps overlap unevenly: a checkerboard pattern"
            if uneven
            else "every cell gets the same number of stamps",
            None,
        )
        self.render()

    def _place(self):
        a, b = self.a.value, self.b.value
        s = self.stamps.stride
        self._cell.set_xy((b - 0.5, a - 0.5))
        self._stamp.set_xy((b * s[1] - 0.5, a * s[0] - 0.5))
        self.state["cell"] = (a, b)

    def _moved(self, change):
        if self._holding or self.stamps is None:
            return
        self._place()
        self.render(moved_only=True)


def transpose_explorer(**settings) -> TransposeExplorer:
    """The transposed-convolution explorer (``n, k, stride, padding, output_padding``).

    Examples
    --------
    >>> ex = transpose_explorer()
    >>> ex.state["out"], ex.counts[2, 2]
    ((5, 5), np.float64(4.0))
    """
    return TransposeExplorer(**settings)
