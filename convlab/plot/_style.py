"""The shared look of every convlab picture: colours, numbers, tiles and layout.

Pictures are built from :class:`NumberGrid` panels laid out by :func:`panel_row`, which
gives every panel of a figure the same physical cell size (a 3×3 kernel is drawn at the
scale of the input it slides over), so the geometry of a convolution is literally visible.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from ._celltext import CellTexts

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
MIN_FONT = 5.0  # points; below this a grid shows colours without numbers

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


def _tick(i: int) -> str:
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
    return float(max(4.0, min(biggest, 0.42 * cell_pt, 1.25 * cell_pt / max(longest, 1.5))))


class NumberGrid:
    """A 2-D array drawn as coloured tiles with each value written in its cell.

    Cells outside ``real`` (padding) are washed out, hatched and written in grey; a dark
    frame marks the real input inside them. Index labels count from the real input (so
    padding rows are ``−1``, ``−2`` ...). Cells in ``blank`` keep their colour but no text.
    The numbers are one :class:`CellTexts` artist (gid ``"cell"``), read back with
    :attr:`strings`. Update with :meth:`set_values`.
    """

    def __init__(
        self,
        ax,
        values,
        *,
        real=None,
        origin=(0, 0),
        palette="input",
        scale: Scale | None = None,
        labels=True,
        title=None,
        hide_zeros=False,
        text=True,
        fontsize=None,
        wash=0.6,
        blank=None,
        frame=True,
    ):
        v = np.asarray(values, float)
        self.ax, self.shape, self.palette = ax, v.shape, palette
        self.real = np.ones(v.shape, bool) if real is None else np.asarray(real, bool)
        self.hide_zeros, self.fixed_scale, self.wash = hide_zeros, scale, wash
        h, w = v.shape
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        cell_pt = cell_points(ax)
        # one QuadMesh: the tiles and the white lines between them (cheap to draw)
        self.mesh = ax.pcolormesh(
            np.arange(w + 1) - 0.5,
            np.arange(h + 1) - 0.5,
            np.zeros((h, w)),
            shading="flat",
            edgecolors="white",
            linewidth=1.2 if cell_pt > 14 else 0.5,
            zorder=0,
        )
        self.mesh.set_array(None)
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        ax.set_aspect("equal")
        for spine in ax.spines.values():
            spine.set_visible(False)
        pads = np.argwhere(~self.real)
        if len(pads):
            # one compound path for all padding cells: hatched in a single fill
            squares = [
                Path.unit_rectangle().transformed(Affine2D().translate(c - 0.5, r - 0.5))
                for r, c in pads
            ]
            hatch = PathPatch(
                Path.make_compound_path(*squares),
                facecolor="none",
                edgecolor=HATCH,
                linewidth=0,
                hatch="///",
                zorder=1.5,
                gid="hatch",
            )
            ax.add_artist(hatch)
            rows, cols = np.nonzero(self.real)
            if len(rows) and frame:
                ax.add_artist(
                    Rectangle(
                        (cols.min() - 0.5, rows.min() - 0.5),
                        cols.max() - cols.min() + 1,
                        rows.max() - rows.min() + 1,
                        fill=False,
                        edgecolor=INK,
                        linewidth=1.6,
                        zorder=3,
                        clip_on=False,
                        gid="real-frame",
                    )
                )
        ax.add_artist(
            Rectangle(
                (-0.5, -0.5), w, h, fill=False, edgecolor=MUTED, lw=0.8, zorder=3, clip_on=False
            )
        )
        self.blank = np.zeros(v.shape, bool) if blank is None else np.asarray(blank, bool)
        self.cells = None
        strings = [fmt_value(x) for x in v.ravel()]
        self.fontsize = fontsize or font_for(cell_pt, max(len(s) for s in strings))
        if text and self.fontsize >= MIN_FONT:  # smaller digits are smudges: colours only
            rows, cols = np.mgrid[0:h, 0:w]
            xy = np.column_stack([cols.ravel(), rows.ravel()])
            self.cells = CellTexts(xy, strings, INK, self.fontsize, False, zorder=4, gid="cell")
            ax.add_artist(self.cells)
        self._labels(labels, origin, cell_pt)
        if title:
            ax.set_title(title, fontsize=10.5, color=INK, pad=4 + 1.3 * self.index_size)
        self.set_values(v)

    @property
    def strings(self) -> list[str]:
        """The text of every cell, row by row ("" where nothing is written)."""
        return self.cells.get_texts() if self.cells is not None else []

    def _labels(self, labels, origin, cell_pt):
        """Row/column indices relative to the real input (negative in the padding)."""
        ax, (h, w) = self.ax, self.shape
        ax.set_xticks([])
        ax.set_yticks([])
        self.index_size = 0.0
        if not labels:
            return
        size = self.index_size = min(7.5, max(5.0, 0.4 * cell_pt))
        step = 1 if cell_pt >= 9 else int(np.ceil(9 / cell_pt))
        gap = 2.0 / cell_pt
        cols, rows = range(0, w, step), range(0, h, step)
        for xy, text, ha, va in (
            (
                [(c, -0.5 - gap) for c in cols],
                [_tick(origin[1] + c) for c in cols],
                "center",
                "bottom",
            ),
            (
                [(-0.5 - gap, r) for r in rows],
                [_tick(origin[0] + r) for r in rows],
                "right",
                "center",
            ),
        ):
            index = CellTexts(
                xy, text, MUTED, size, False, ha=ha, va=va, gid="index", clip_on=False
            )
            ax.add_artist(index)

    def set_values(self, values, scale: Scale | None = None):
        v = np.asarray(values, float)
        self.values = v
        scale = scale or self.fixed_scale or Scale.of(v[self.real], palette=self.palette)
        self.scale = scale
        rgba = scale.rgba(v)
        if self.hide_zeros:
            rgba[v == 0] = mpl.colors.to_rgba(BLANK)
        pad = ~self.real
        rgba[pad, :3] = (1 - self.wash) * rgba[pad, :3] + self.wash
        self.mesh.set_facecolor(rgba.reshape(-1, 4))
        if self.cells is None:
            return
        hidden = self.blank | ((v == 0) if self.hide_zeros else False)
        strings = [
            "" if hide else fmt_value(x) for x, hide in zip(v.ravel(), hidden.ravel(), strict=True)
        ]
        colors = np.where(self.real, text_colors(rgba), PAD_TEXT).ravel()
        sizes = np.where(self.real, self.fontsize, 0.92 * self.fontsize).ravel()
        self.cells.set_labels(strings, colors, sizes, ~self.real.ravel())

    def outline(self, r, c, color=ACCENT, lw=2.6, gid="highlight", **kw) -> Rectangle:
        """Draw (and return) a frame around cell ``(r, c)``; move it with ``set_xy``."""
        rect = Rectangle(
            (c - 0.5, r - 0.5),
            1,
            1,
            fill=False,
            edgecolor=color,
            linewidth=lw,
            zorder=5,
            gid=gid,
            **kw,
        )
        self.ax.add_artist(rect)
        return rect


def cell_texts(ax) -> list[str]:
    """The numbers written in the grid cells of ``ax``, row by row ("" for blank cells)."""
    return [s for a in ax.artists if a.get_gid() == "cell" for s in a.get_texts()]


def new_figure(figsize, dpi=DPI):
    """A pyplot figure (so a notebook shows it when the cell ends, even after ``;``)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, dpi=dpi)


def row_size(
    panels, *, cell=0.42, gap=0.62, left=0.45, right=0.3, top=0.75, bottom=0.35, max_width=11.5
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
    max_width=11.5,
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
    axes = []
    for idx, (r, c) in enumerate(panels):
        y = bottom + (height - top - bottom - r * cell) / 2
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
    return list(fig.axes)


def between(fig, left_ax, right_ax, text, size=20):
    """Write an operator (``⋆``, ``=``, ``→``) centred in the gap between two axes."""
    a, b = left_ax.get_position(), right_ax.get_position()
    x, y = (a.x1 + b.x0) / 2, (a.y0 + a.y1) / 2  # panels share one vertical centre
    return fig.text(x, y, text, ha="center", va="center", fontsize=size, color=INK)
