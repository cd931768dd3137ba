"""One step of a sliding window: the padded input with the kernel's footprint, the kernel,
the output with the cell being computed, and that cell's arithmetic written out.

Correlation (what ``conv2d`` computes) is drawn as ``x ⋆ w``; true convolution as
``x ∗ w``, where each input cell of the window meets the weight of the kernel rotated by
180° (the small orange ``×w`` in each cell says which). Pooling draws the window and the
max (with the winning cell ringed in blue) or the average with torch's divisor.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from ._celltext import CellTexts
from ._grid import NumberGrid
from ._style import (
    ACCENT,
    INK,
    SECOND,
    Scale,
    between,
    cell_points,
    fmt_value,
    min_points,
    panel_row,
    row_size,
)
from ._window import Window, check_window_position

__all__ = ["StepPicture", "panel_size"]

_CORNER = "#c2410c"
_MAX_ROWS = 5


def _pair(t: tuple[int, int]) -> str:
    return str(t[0]) if t[0] == t[1] else f"({t[0]}, {t[1]})"


def _titles(w: Window) -> list[str]:
    (h, wd), (oh, ow) = w.x.shape, w.out
    pads = w.pads
    if w.kernel is None:  # pooling: the drawn border may include ceil_mode's overhang
        pads = ((pads[0][0],) * 2, (pads[1][0],) * 2)
    lines = [f"input {h}×{wd}"]
    if any(p for pair in pads for p in pair):
        (t, b), (l, r) = pads
        amount = (
            str(t)
            if t == b == l == r
            else f"({t}, {l})"
            if (t, l) == (b, r)
            else f"rows {t},{b} cols {l},{r}"
        )
        fill = {"-inf": "−∞", "zeros": "zeros"}.get(w.padding_mode, w.padding_mode)
        lines.append(f"padding {amount}, {fill}")
    if w.kernel is None and np.isnan(w.padded).any():
        lines.append("ceil_mode: last window overhangs")
    titles = ["\n".join(lines)]
    if w.kernel is not None:
        kh, kw = w.kernel_size
        extra = [f"dilation {_pair(w.dilation)}"] if w.dilation != (1, 1) else []
        if w.kind == "convolution":
            extra.append("used rotated 180°")
        titles.append("\n".join([f"kernel {kh}×{kw}", *extra]))
    out = f"output {oh}×{ow}"
    if w.stride != (1, 1):
        out += f"\nstride {_pair(w.stride)}"
    return [*titles, out]


def _lines(w: Window) -> int:
    kh, kw = w.kernel_size
    n = kh if w.kernel is not None or kw >= 3 else -(-kh * kw // 4)
    return min(n, _MAX_ROWS)


def _layout(w: Window, arithmetic: bool = True) -> tuple[list[tuple[int, int]], dict[str, float]]:
    shapes = [w.padded.shape] + ([w.kernel.shape] if w.kernel is not None else []) + [w.out]
    top = 0.42 + 0.19 * max(t.count("\n") + 1 for t in _titles(w))
    return shapes, {"top": top, "bottom": 0.3 + 0.2 * _lines(w) if arithmetic else 0.2}


def panel_size(w: Window) -> tuple[float, float]:
    """The size in inches of a new figure for this window's picture."""
    shapes, margins = _layout(w)
    return row_size(shapes, **margins)[0]


class StepPicture:
    """A :class:`Window` drawn at one output position; :meth:`set_position` moves only the
    overlays (footprint, highlight, arithmetic), which is what keeps animations and widget
    sliders cheap. ``arithmetic=False`` leaves the written-out sum off the figure (the
    widgets show it as HTML text); it is still in :attr:`arithmetic`."""

    def __init__(
        self,
        window: Window,
        i: int = 0,
        j: int = 0,
        *,
        fig=None,
        axes=None,
        reveal=False,
        reuse=None,
        arithmetic=True,
    ):
        w = self.window = window
        shapes, margins = _layout(w, arithmetic)
        if axes is None:
            fig, axes, _ = panel_row(shapes, fig=fig, reuse=reuse, **margins)
        elif len(axes) != len(shapes):
            raise ValueError(f"this picture needs {len(shapes)} axes; got {len(axes)}")
        self.fig, self.axes, self.reveal = axes[0].figure, list(axes), reveal
        titles = _titles(w)
        (pt, _), (pl, _) = w.pads
        self.input = NumberGrid(axes[0], w.padded, real=w.real, origin=(-pt, -pl), title=titles[0])
        self.kernel = None
        if w.kernel is not None:
            self.kernel = NumberGrid(axes[1], w.kernel, palette="kernel", title=titles[1])
        self.out_scale = Scale.of(w.output, palette="output")
        self.output = NumberGrid(axes[-1], w.output, palette="output", title=titles[-1])
        self._operators()
        self._footprint()
        self.highlight = self.output.outline(0, 0)
        self.winner = None
        if w.kind == "max":
            self.winner = Rectangle(
                (0, 0), 0.8, 0.8, fill=False, edgecolor=SECOND, lw=2.4, zorder=6, gid="winner"
            )
            axes[0].add_artist(self.winner)
        x_mid = (axes[0].get_position().x0 + axes[-1].get_position().x1) / 2
        y_low = min(a.get_position().y0 for a in axes)
        self.text = (
            None
            if not arithmetic
            else self.fig.text(
                x_mid,
                y_low - 0.1 / self.fig.get_figheight(),
                "",
                ha="center",
                va="top",
                multialignment="left",
                family="DejaVu Sans Mono",
                fontsize=10.5,
                color=INK,
                gid="arithmetic",
            )
        )
        self.set_position(i, j)

    def _operators(self):
        w, axes = self.window, self.axes
        if w.kernel is not None:
            between(
                self.fig, axes[0], axes[1], *(("∗", 24) if w.kind == "convolution" else ("⋆", 36))
            )
            between(self.fig, axes[1], axes[2], "=")
        else:
            between(self.fig, axes[0], axes[1], "→")
            a, b = axes[0].get_position(), axes[1].get_position()
            label = f"{w.kind}\n{w.kernel_size[0]}×{w.kernel_size[1]}"
            y = (a.y0 + a.y1) / 2 - 0.22 / self.fig.get_figheight()  # under the arrow: a
            self.fig.text(  # small output's title may reach over the gap above it
                (a.x1 + b.x0) / 2, y, label, ha="center", va="top", ma="center", fontsize=9.5
            )

    def _footprint(self):
        w, ax = self.window, self.axes[0]
        kh, kw = w.kernel_size
        self.taps = [
            Rectangle((0, 0), 1, 1, facecolor=ACCENT + "1c", edgecolor=ACCENT, lw=2.4, zorder=3.5)
            for _ in range(kh * kw)
        ]
        for r in self.taps:
            r.set_gid("tap")
            ax.add_artist(r)
        self.extent = None
        if w.dilation != (1, 1):
            self.extent = Rectangle(
                (0, 0), 1, 1, fill=False, edgecolor=ACCENT, lw=1.2, ls=(0, (4, 3)), zorder=5
            )
            ax.add_artist(self.extent)
        self.corners = None
        meets = w.meets()
        size = min(9.0, 0.27 * cell_points(ax))
        if meets is not None and size >= min_points(self.fig):  # too small to read otherwise
            labels = [f"×{fmt_value(v)}" for v in meets.ravel()]
            self.corners = CellTexts(
                np.zeros((len(labels), 2)),
                labels,
                _CORNER,
                size,
                False,
                ha="right",
                va="bottom",
                props={"fontweight": "bold"},
                zorder=6,
                gid="corner",
            )
            ax.add_artist(self.corners)

    @property
    def moving(self) -> list:
        """The artists that :meth:`set_position` changes (for blitting)."""
        extra = [a for a in (self.corners, self.extent, self.winner) if a is not None]
        extra += [self.text] if self.text is not None else []
        return [*self.taps, *extra, self.highlight]

    def set_position(self, i: int, j: int) -> None:
        """Move the window to output ``(i, j)`` and rewrite its arithmetic."""
        w = self.window
        i, j = check_window_position("StepPicture.set_position", w, i, j)
        self.position = (i, j)
        rows, cols = w.taps(i, j)
        for rect, r, c in zip(self.taps, rows.ravel(), cols.ravel(), strict=True):
            rect.set_xy((c - 0.5, r - 0.5))
        if self.corners is not None:
            self.corners.set_xy(np.column_stack([cols.ravel() + 0.45, rows.ravel() + 0.47]))
        if self.extent is not None:
            eh, ew = w.extent
            self.extent.set_bounds(cols[0, 0] - 0.5, rows[0, 0] - 0.5, ew, eh)
        self.highlight.set_xy((j - 0.5, i - 0.5))
        if self.winner is not None:
            r, c = w.winner(i, j)
            self.winner.set_xy((c - 0.4, r - 0.4))
        if self.reveal:
            shown = w.output.copy().ravel()
            shown[i * w.out[1] + j + 1 :] = np.nan
            self.output.set_values(shown.reshape(w.out), scale=self.out_scale)
        self.arithmetic = w.arithmetic(i, j, _MAX_ROWS)
        if self.text is not None:
            self.text.set_text(self.arithmetic)
