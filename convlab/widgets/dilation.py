"""The dilation explorer: type dilation rates, see coverage, holes and the HDC verdict."""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .. import dilation_coverage, hdc_check, receptive_field
from ..plot._style import INK, MUTED, blank_axes, fmt_int, panel_row
from ..plot.gridding import BAD, draw_coverage
from ._base import Explorer, dropdown, slider

__all__ = ["DilationExplorer", "dilation_explorer"]


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
            self._problem("These rates do not work", exc)
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
            bottom=0.85,
            gap=1.3,
        )
        draw_coverage(ax_map, rates, cov, verdict)
        mid = size // 2
        ax_map.add_patch(
            Rectangle(
                (-0.5, mid - 0.5), size, 1, fill=False, edgecolor=INK, lw=1.4, ls=(0, (3, 2)),
                zorder=6, clip_on=False, gid="row",
            )
        )  # fmt: skip
        _profile(ax_bar, cov[mid], mid)
        self.set_message(notation(str(verdict)), bool(verdict))
        self.render()

    def _problem(self, title: str, problem: ValueError | str) -> None:
        self.set_formula("")
        self._show_error(title, problem)


def notation(text: str) -> str:
    """hdc_check's plain-text verdict in the notation of the picture (M₂ ≤ 3)."""
    return text.replace("M_2", "M₂").replace("<=", "≤").replace(">=", "≥")


def _profile(ax, row, mid):
    """The middle row of the coverage map (dashed there) as bars; the holes marked ✗."""
    ax.set_aspect("auto")
    xs = np.arange(len(row))
    bars = [[(x - 0.4, 0), (x - 0.4, v), (x + 0.4, v), (x + 0.4, 0)] for x, v in enumerate(row)]
    ax.add_collection(PolyCollection(bars, facecolor="#f59f00", edgecolor="none"), autolim=False)
    holes = xs[row == 0]
    ax.plot(holes, np.zeros(len(holes)), "x", color=BAD, ms=6, mew=1.6, clip_on=False)
    ax.set_xlim(-0.6, len(row) - 0.4)
    ax.set_ylim(0, max(row.max(), 1) * 1.1)
    ax.set_title(
        f"row {mid} of the map (dashed)\npaths per pixel, ✗ = never seen", fontsize=10, pad=6
    )
    step = next(s for s in (1, 2, 4, 5, 10) if len(row) / s <= 9)
    ticks = np.arange(mid % step, len(row), step)
    ax.set_xticks(ticks, [fmt_int(int(t)) for t in ticks])
    ax.set_xlabel("column of the map", fontsize=9, color=MUTED, labelpad=2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=9, colors=MUTED)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(True)


def dilation_explorer(**settings) -> DilationExplorer:
    """The dilation / receptive-field explorer (``dilations`` as text, ``kernel_size``).

    Examples
    --------
    >>> ex = dilation_explorer(dilations="2, 2, 2")
    >>> ex.state["hdc"], ex.state["receptive_field"]
    (False, 13)
    """
    return DilationExplorer(**settings)
