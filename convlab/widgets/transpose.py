"""The transposed-convolution explorer: stamps, overlap counts and the output size."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import conv_transpose_output_size
from ..plot._grid import NumberGrid
from ..plot._style import ACCENT, INK, Scale, blank_axes, fmt_int, panel_row
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
        # output_padding only picks one of the stride's possible sizes: PyTorch refuses
        # output_padding >= max(stride, dilation) (dilation is 1 here), so the slider stops
        # at stride - 1 instead of offering a value that can only fail
        with self.hold():
            self.output_padding.max = max(self.stride.value, 1) - 1
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
            self.set_formula("")  # no formula for settings PyTorch refuses: one refusal
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
            title="overlap count\n(interior dashed)",
        )
        inner = interior(n, k, s)
        if inner is not None:
            (r0, r1) = (c0, c1) = inner
            axes[2].add_artist(
                Rectangle(
                    (c0 - 0.5, r0 - 0.5),
                    c1 - c0,
                    r1 - r0,
                    fill=False,
                    edgecolor=INK,
                    lw=1.6,
                    ls=(0, (4, 3)),
                    zorder=6,
                    gid="interior",
                )
            )
        self._cell = g.outline(0, 0)
        self._stamp = Rectangle(
            (0, 0), k, k, fill=False, edgecolor=ACCENT, lw=2.6, zorder=6, gid="stamp"
        )
        axes[1].add_artist(self._stamp)
        self.set_moving([self._cell, self._stamp])
        self._place()
        verdict, self.state["interior_even"] = overlap_verdict(st.counts, st.kept, inner)
        self.set_message(verdict, None)
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


def interior(n: int, k: int, s: int) -> tuple[int, int] | None:
    """``[start, stop)`` (per dim, on the full canvas) of the cells that get every stamp an
    endless input would give them: ``k − s`` cells at the start and the last ones lack
    the stamps of input cells that do not exist. ``None`` when that leaves less than one
    period ``s``: too little to tell an even overlap from a checkerboard."""
    start, stop = max(0, k - s), min(n * s, (n - 1) * s + k)
    return (start, stop) if stop - start >= s else None


def overlap_verdict(counts: np.ndarray, kept: np.ndarray, inner) -> tuple[str, bool | None]:
    """The explorer's sentence about the overlap counts, judged on the interior (what a
    bigger input repeats: a checkerboard or not), the border described separately."""
    shown = counts[kept]
    if inner is None:
        if shown.min() == shown.max():
            lo = int(shown.min())
            return f"every cell gets {lo} stamp{'s' * (lo != 1)}", None
        return (
            "no interior yet: every cell is near the border, where fewer stamps reach; "
            "make n bigger to see whether the interior overlaps evenly",
            None,
        )
    (a, b) = inner
    core = np.zeros(counts.shape, bool)
    core[a:b, a:b] = True
    inside = counts[core & kept]
    if inside.size == 0:
        return "the padding crops the interior away: make n bigger or p smaller", None
    lo, hi = int(inside.min()), int(inside.max())
    border = counts[kept & ~core]
    edge = ""
    if border.size and border.min() < lo:
        edge = f"; the border gets fewer ({fmt_int(int(border.min()))}…): no stamps from beyond it"
    if lo == hi:
        many = f"{lo} stamp{'s' * (lo != 1)}"
        return f"interior: every cell gets the same {many}, no checkerboard{edge}", True
    if lo == 0:
        return f"interior: the stamps leave holes (count 0) between them{edge}", False
    return (
        f"interior: stamps overlap unevenly ({lo} to {hi} per cell): a checkerboard{edge}",
        False,
    )


def transpose_explorer(**settings) -> TransposeExplorer:
    """The transposed-convolution explorer (``n, k, stride, padding, output_padding``).

    Examples
    --------
    >>> ex = transpose_explorer()
    >>> ex.state["out"], ex.counts[2, 2]
    ((5, 5), np.float64(4.0))
    """
    return TransposeExplorer(**settings)
