"""The shared look of every convlab picture: colours, numbers, tiles and layout.

Pictures are built from :class:`~convlab.plot._grid.NumberGrid` panels laid out by
:func:`panel_row`, which
gives every panel of a figure the same physical cell size (a 3×3 kernel is drawn at the
scale of the input it slides over), so the geometry of a convolution is literally visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

DPI = 100
ACCENT = "#e8590c"  # the sliding window and the output cell it makes
ACCENT_FILL = "#fd7e14"
SECOND = "#1971c2"  # a second highlight (the max of a pooling window, one stamp)
INK = "#212529"
MUTED = "#868e96"
PAD_TEXT = "#495057"
HATCH = "#ced4da"
EMPTY = "#f1f3f5"
BLANK = "#f8f9fa"  # zeros left blank in sparse pictures
MIN_PX = 9.0  # smallest text on screen, in pixels (DESIGN §8)


def min_points(fig) -> float:
    """The smallest font size (points) that is still ``MIN_PX`` pixels in ``fig``: below it
    a grid shows colours (and says so) instead of numbers."""
    return MIN_PX * 72.0 / fig.dpi + 1e-3


PALETTES = {"input": "Blues", "kernel": "Purples", "output": "Greens", "count": "YlOrBr"}
_SPAN = (0.07, 0.62)  # the part of a sequential colormap used: light tiles, readable digits


def fmt_value(v: float) -> str:
    """A number as a learner would write it: ``3``, ``0.25``, ``−1.5``, ``−∞``."""
    if np.isnan(v):
        return ""
    if np.isinf(v):
        return "−∞" if v < 0 else "∞"
    if abs(v - round(v)) < 1e-9 and abs(v) < 1e7:
        text = str(round(float(v)))
    elif abs(v) < 1:
        text = f"{v:.2g}" if abs(v) >= 1e-4 else f"{v:.0e}"
    elif abs(v) < 100:
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{v:.1f}".rstrip("0").rstrip(".")
    text = text.replace("-", "−")
    return "0" if text in ("−0", "−0.0") else text


@dataclass(frozen=True)
class Scale:
    """Value → colour. Signed data get a diverging map centred on 0, so sign is visible."""

    lo: float
    hi: float
    signed: bool
    cmap: str

    @classmethod
    def of(cls, *arrays: np.ndarray, palette: str = "input", signed: bool | None = None) -> Scale:
        finite = np.concatenate([np.asarray(a, float).ravel() for a in arrays])
        finite = finite[np.isfinite(finite)]
        if finite.size == 0:
            finite = np.zeros(1)
        lo, hi = float(finite.min()), float(finite.max())
        if signed is None:
            signed = lo < 0
        if signed:
            m = max(abs(lo), abs(hi)) or 1.0
            return cls(-m, m, True, "RdBu_r")
        return cls(min(lo, 0.0), hi, False, PALETTES.get(palette, palette))

    def rgba(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, float)
        span = self.hi - self.lo
        t = (
            np.full(v.shape, 0.5)
            if span == 0
            else (np.nan_to_num(v, posinf=self.hi) - self.lo) / span
        )
        t = np.clip(t, 0.0, 1.0)
        cmap = mpl.colormaps[self.cmap]
        rgba = cmap(0.1 + 0.8 * t) if self.signed else cmap(_SPAN[0] + (_SPAN[1] - _SPAN[0]) * t)
        rgba[~np.isfinite(v)] = mpl.colors.to_rgba(EMPTY)
        return rgba


def fmt_int(i: int) -> str:
    """An integer (a tick label, a size) with a true minus sign.

    Examples
    --------
    >>> fmt_int(-1), fmt_int(3)
    ('−1', '3')
    """
    return str(i).replace("-", "−")


def text_colors(rgba: np.ndarray) -> np.ndarray:
    """Black on light tiles, white on dark ones (by relative luminance)."""
    lum = rgba[..., :3] @ np.array([0.2126, 0.7152, 0.0722])
    return np.where(lum < 0.45, "white", INK)


def cell_points(ax) -> float:
    """Side of one data cell in points (for font sizes)."""
    pos = ax.get_position()
    width_in = pos.width * ax.figure.get_figwidth()
    lo, hi = ax.get_xlim()
    return width_in * 72 / max(abs(hi - lo), 1e-9)


def font_for(cell_pt: float, longest: int, biggest: float = 13.0) -> float:
    """Largest font so that ``longest`` characters fit in a cell of ``cell_pt`` points."""
    return float(max(4.0, min(biggest, 0.5 * cell_pt, 1.25 * cell_pt / max(longest, 1.5))))


def new_figure(figsize, dpi=DPI):
    """A pyplot figure (so a notebook shows it when the cell ends, even after ``;``)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, dpi=dpi)


def row_size(
    panels, *, cell=0.42, gap=0.62, left=0.45, right=0.3, top=0.75, bottom=0.35, max_width=9.9
):
    """``(figsize, cell)`` of a new figure holding grids of ``(rows, cols)`` side by side."""
    cols = sum(c for _, c in panels)
    rows = max(r for r, _ in panels)
    gaps = gap * (len(panels) - 1)
    cell = min(cell, (max_width - left - right - gaps) / cols)
    return (left + right + gaps + cell * cols, top + bottom + cell * rows), cell


def panel_row(
    panels,
    *,
    fig=None,
    cell=0.42,
    gap=0.62,
    left=0.45,
    right=0.3,
    top=0.75,
    bottom=0.35,
    max_width=9.9,
    reuse=None,
):
    """Axes for grids of ``(rows, cols)`` side by side, all with the same cell size.

    Creates a figure sized to fit (cells shrink to keep it under ``max_width`` inches),
    or fits the panels into ``fig`` as it is (the widgets' fixed canvas). ``reuse``: empty
    axes of ``fig`` to reposition instead of adding new ones (much cheaper). Panels are
    centred vertically; returns ``(fig, axes, cell_inches)``.
    """
    cols = sum(c for _, c in panels)
    rows = max(r for r, _ in panels)
    gaps = gap * (len(panels) - 1)
    fixed = fig
    if fig is None:
        size, cell = row_size(
            panels,
            cell=cell,
            gap=gap,
            left=left,
            right=right,
            top=top,
            bottom=bottom,
            max_width=max_width,
        )
        fig = new_figure(size)
    else:
        width, height = fig.get_size_inches()
        cell = min(cell, (width - left - right - gaps) / cols, (height - top - bottom) / rows)
    width, height = fig.get_size_inches()
    x = left + (width - left - right - gaps - cell * cols) / 2
    # panels share one vertical centre; in a fixed canvas (a widget's) the row hangs from
    # the top margin, so the spare height is left below the picture, not above it
    centre = (
        bottom + (height - top - bottom) / 2 if fixed is None else height - top - rows * cell / 2
    )
    axes = []
    for idx, (r, c) in enumerate(panels):
        y = centre - r * cell / 2
        rect = (x / width, y / height, c * cell / width, r * cell / height)
        if reuse is not None and idx < len(reuse):
            reuse[idx].set_position(rect)
            axes.append(reuse[idx])
        else:
            axes.append(fig.add_axes(rect))
        x += c * cell + gap
    return fig, axes, cell


def blank_axes(fig, n: int) -> list:
    """``n`` emptied axes of ``fig``: its own ones recycled when it has exactly ``n``
    (creating axes is the slowest part of a redraw), otherwise a cleared figure."""
    if len(fig.axes) != n:
        fig.clear()
        return []
    for t in list(fig.texts):
        t.remove()
    for ax in fig.axes:
        for a in [*ax.texts, *ax.patches, *ax.collections, *ax.images, *ax.lines, *ax.artists]:
            a.remove()
        ax.set_title("")
        ax.set_xlabel("")
        ax.set_visible(True)
        ax.__dict__.pop("_convlab_grid", None)
    return list(fig.axes)


def between(fig, left_ax, right_ax, text, size=20):
    """Write an operator (``⋆``, ``=``, ``→``) centred in the gap between two axes."""
    a, b = left_ax.get_position(), right_ax.get_position()
    x, y = (a.x1 + b.x0) / 2, (a.y0 + a.y1) / 2  # panels share one vertical centre
    return fig.text(x, y, text, ha="center", va="center", fontsize=size, color=INK)
