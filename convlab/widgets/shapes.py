"""Explorers for padding modes, dilation (coverage and the HDC rule) and transposed conv."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .. import conv_transpose_output_size, dilation_coverage, hdc_check, receptive_field
from ..plot._style import ACCENT, MUTED, NumberGrid, Scale, blank_axes, panel_row
from ..plot.fields import BAD, draw_coverage
from ..plot.grids import draw_padding_modes
from ..plot.transposed import Stamps
from ._base import Explorer, dropdown, slider

__all__ = [
    "DilationExplorer",
    "PaddingExplorer",
    "TransposeExplorer",
    "dilation_explorer",
    "padding_explorer",
    "transpose_explorer",
]


class PaddingExplorer(Explorer):
    """The input ``1 … n²`` padded by ``p`` in all four modes, side by side.

    State: ``state["padded"]`` maps each mode to its padded array (``None`` where the mode
    refuses), ``state["refused"]`` lists those modes with convlab's reason.
    """

    figsize = (9.6, 3.6)

    def __init__(self, n=4, padding=2):
        self.n = slider("input size n", n, 2, 6)
        self.padding = slider("padding p", padding, 0, 5)
        self._setup([widgets.HBox([self.n, self.padding])], [self.n, self.padding])

    def update(self):
        n, p = self.n.value, self.padding.value
        x = np.arange(1.0, n * n + 1).reshape(n, n)
        big = n + 2 * p
        self.set_formula(f"padded size = n + 2p = {n} + 2·{p} = {big}")
        _, axes, _ = panel_row(
            [(big, big)] * 4,
            fig=self.figure,
            reuse=blank_axes(self.figure, 4),
            top=0.8,
            bottom=0.15,
            gap=0.5,
        )
        modes = draw_padding_modes(axes, x, p)
        refused = {m: r for m, r in modes.items() if isinstance(r, str)}
        self.state = {
            "n": n,
            "padding": p,
            "padded": {m: None if isinstance(a, str) else a for m, a in modes.items()},
            "refused": refused,
        }
        if refused:
            why = {
                "reflect": f"reflect needs p < n ({p} ≥ {n})",
                "circular": f"circular needs p ≤ n ({p} > {n})",
            }
            self.set_message("; ".join(why[m] for m in refused), False)
        else:
            self.set_message("the framed cells are the input; hatched cells are padding", None)
        self.render()


_PRESETS = {
    "[2, 2, 2]  gridding": "2, 2, 2",
    "[1, 2, 5]  HDC": "1, 2, 5",
    "[2, 4, 6]  gridding": "2, 4, 6",
    "[1, 2, 3]  HDC": "1, 2, 3",
    "[1, 1, 1]  plain": "1, 1, 1",
    "[1, 2, 4, 8]": "1, 2, 4, 8",
}


class DilationExplorer(Explorer):
    """Type a sequence of dilation rates; see which input pixels the top unit reaches.

    State: ``dilations``, ``kernel_size``, ``coverage`` (convlab.dilation_coverage),
    ``holes``, ``receptive_field``, ``hdc`` (bool) and ``reason`` (convlab.hdc_check).
    """

    figsize = (9.6, 4.8)
    MAX_FIELD = 41

    def __init__(self, dilations="1, 2, 5", kernel_size=3):
        self.preset = dropdown("presets", ["(type your own)", *_PRESETS], "(type your own)")
        self.rates = widgets.Text(
            value=dilations,
            description="dilations",
            continuous_update=False,
            style={"description_width": "110px"},
            layout=widgets.Layout(width="330px"),
        )
        self.k = slider("kernel size k", kernel_size, 2, 5)
        self.preset.observe(self._preset, names="value")
        controls = [widgets.HBox([self.rates, self.preset]), self.k]
        self._setup(controls, [self.rates, self.k])

    def _preset(self, change):
        if change["new"] in _PRESETS:
            self.rates.value = _PRESETS[change["new"]]

    def update(self):
        k, text = self.k.value, self.rates.value
        self.state = {"text": text, "kernel_size": k, "error": None}
        if not re.fullmatch(r"\s*\d+(\s*,\s*\d+)*\s*,?\s*", text) or not any(
            int(t) for t in re.findall(r"\d+", text)
        ):
            self._problem(
                "Cannot read the dilation rates",
                f"Got {text!r}. Write whole numbers ≥ 1 separated by commas, e.g. 1, 2, 5",
            )
            return
        rates = [int(t) for t in re.findall(r"\d+", text)]
        try:
            fields = receptive_field([{"kernel_size": k, "dilation": d} for d in rates])
            verdict = hdc_check(rates, k)
        except ValueError as exc:
            self._problem("These rates do not work", str(exc).split(": ", 1)[-1])
            return
        size = fields[-1].size
        terms = " + ".join(str(d) for d in rates)
        self.set_formula(f"receptive field = 1 + (k−1)·Σd = 1 + {k - 1}·({terms}) = {size}")
        if size > self.MAX_FIELD:
            self._problem(
                "Too big to draw",
                f"The receptive field is {size} pixels wide; keep it ≤ {self.MAX_FIELD}.",
            )
            return
        cov = dilation_coverage(rates, k)
        self.state.update(
            dilations=tuple(rates),
            coverage=cov,
            holes=int((cov == 0).sum()),
            receptive_field=size,
            hdc=bool(verdict),
            reason=str(verdict),
        )
        reuse = blank_axes(self.figure, 2)
        _, (ax_map, ax_bar), _ = panel_row(
            [(size, size), (size, size)],
            fig=self.figure,
            reuse=reuse,
            top=0.75,
            bottom=0.5,
            gap=0.9,
        )
        draw_coverage(ax_map, rates, cov, verdict)
        row = dilation_coverage(rates, k, ndim=1)
        _profile(ax_bar, row)
        self.set_message(str(verdict), bool(verdict))
        self.render()

    def _problem(self, title, detail):
        self.state["error"] = detail
        self.set_formula("")
        self.set_message(f"{title}: {detail}", False)
        self.show_problem(title, detail)


def _profile(ax, row):
    """One row of the coverage as bars; the holes marked in red."""
    ax.set_aspect("auto")
    xs = np.arange(len(row))
    ax.bar(xs, row, width=0.8, color="#f59f00")
    holes = xs[row == 0]
    ax.plot(holes, np.zeros(len(holes)), "x", color=BAD, ms=6, mew=1.6, clip_on=False)
    ax.set_xlim(-0.6, len(row) - 0.4)
    ax.set_ylim(0, max(row.max(), 1) * 1.1)
    ax.set_title("one row: paths per pixel (✗ = never seen)", fontsize=10, pad=6)
    ax.set_xticks([])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=8, colors=MUTED)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(True)


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
            f"({n}−1)·{s} − 2·{p} + ({k}−1) + {op} + 1 = {str(o).replace('-', '−')}"
        )
        self.state = dict(n=n, k=k, stride=s, padding=p, output_padding=op, out=None, error=None)
        x = np.arange(1.0, n * n + 1).reshape(n, n)
        try:
            st = Stamps("transpose_explorer", x, np.ones((k, k)), s, p, op)
        except ValueError as exc:
            self.output = self.counts = self.stamps = None
            self.state["error"] = str(exc)
            detail = str(exc).split(": ", 1)[-1]
            self.set_message(detail, False)
            self.show_problem("PyTorch refuses these settings", detail)
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


def padding_explorer(**settings) -> PaddingExplorer:
    """The padding-modes explorer (``n``, ``padding``).

    Examples
    --------
    >>> ex = padding_explorer(n=3, padding=3)
    >>> sorted(ex.state["refused"])
    ['reflect']
    """
    return PaddingExplorer(**settings)


def dilation_explorer(**settings) -> DilationExplorer:
    """The dilation / receptive-field explorer (``dilations`` as text, ``kernel_size``).

    Examples
    --------
    >>> ex = dilation_explorer(dilations="2, 2, 2")
    >>> ex.state["hdc"], ex.state["receptive_field"]
    (False, 13)
    """
    return DilationExplorer(**settings)


def transpose_explorer(**settings) -> TransposeExplorer:
    """The transposed-convolution explorer (``n, k, stride, padding, output_padding``).

    Examples
    --------
    >>> ex = transpose_explorer()
    >>> ex.state["out"], ex.counts[2, 2]
    ((5, 5), np.float64(4.0))
    """
    return TransposeExplorer(**settings)
