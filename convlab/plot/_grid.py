"""NumberGrid: a 2-D array as coloured tiles with its values written in (the course's
basic picture), and :func:`cell_texts` to read those values back."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, offset_copy

from ._celltext import CellTexts
from ._style import (
    ACCENT,
    BLANK,
    HATCH,
    INK,
    MUTED,
    PAD_TEXT,
    Scale,
    cell_points,
    fmt_int,
    fmt_value,
    font_for,
    min_points,
    text_colors,
)

__all__ = ["NumberGrid", "cell_texts"]


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
        say_dropped=True,
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
        self.cells, self.scale_note, self.wanted_text = None, None, text
        self.legend_height = 0.0
        self.min_size = min_points(ax.figure)
        strings = [fmt_value(x) for x in v.ravel()]
        self.fontsize = fontsize or font_for(cell_pt, max(len(s) for s in strings))
        if text and self.fontsize >= self.min_size:
            rows, cols = np.mgrid[0:h, 0:w]
            xy = np.column_stack([cols.ravel(), rows.ravel()])
            self.cells = CellTexts(xy, strings, INK, self.fontsize, False, zorder=4, gid="cell")
            ax.add_artist(self.cells)
        ax._convlab_grid = self  # for the legibility test: a grid that drops numbers says so
        self._labels(labels, origin, cell_pt)
        if title:
            ax.set_title(title, fontsize=10.5, color=INK, pad=4 + 1.3 * self.index_size)
        self.set_values(v)
        if text and self.cells is None and say_dropped:
            self.scale_note = self.legend()

    def legend(self) -> list:
        """Say that the numbers do not fit and show the colour scale instead: swatches with
        their values (every value when there are at most five) just under the grid."""
        v = self.values[self.real & ~self.blank & np.isfinite(self.values)]
        if v.size == 0:
            return []
        distinct = np.unique(v)
        picks = distinct if len(distinct) <= 5 else np.linspace(v.min(), v.max(), 5)
        if np.all(v == np.round(v)):  # whole numbers stay whole on the scale
            picks = np.unique(np.round(picks))
        ax, size = self.ax, max(self.min_size, 8.0)
        side = 1.2 * size  # swatch side, points
        pos = ax.get_position()
        width = pos.width * ax.figure.get_figwidth() * 72  # the axes in points
        height = pos.height * ax.figure.get_figheight() * 72
        artists, x, y = [], 0.0, -4.0 - side / 2

        def at(dx, dy):
            return offset_copy(ax.transAxes, ax.figure, x=dx, y=dy, units="points")

        note = ax.text(
            0, 0, "numbers do not fit; colours:", transform=at(x, y), ha="left",
            va="center", fontsize=size, color=MUTED, clip_on=False, gid="scale-note",
        )  # fmt: skip
        artists.append(note)
        x += 0.56 * size * len(note.get_text()) + 6
        if x + len(picks) * (side + 0.6 * size * 4 + 8) > width:  # narrow grid: next line
            x, y = 0.0, y - 1.6 * side
        for value in picks:
            swatch = Rectangle(
                (0, 0), side / width, side / height, transform=at(x, y - side / 2),
                facecolor=self.scale.rgba(np.array([value]))[0], edgecolor=MUTED, lw=0.5,
                clip_on=False, gid="scale",
            )  # fmt: skip
            ax.add_artist(swatch)
            label = fmt_value(value)
            text = ax.text(
                0, 0, label, transform=at(x + side + 2, y), ha="left", va="center",
                fontsize=size, color=INK, clip_on=False, gid="scale-note",
            )  # fmt: skip
            artists += [swatch, text]
            x += side + 2 + 0.6 * size * len(label) + 8
        self.legend_height = -y + side / 2  # points under the axes, for a label below it
        return artists

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
        size = self.index_size = max(self.min_size, min(9.0, 0.4 * cell_pt))
        longest = max(len(fmt_int(origin[0])), len(fmt_int(origin[1] + w - 1)), 1)
        need = max(1.25 * size, 0.62 * size * longest + 2)  # points a label takes
        step = max(1, int(np.ceil(need / cell_pt)))
        gap = 2.0 / cell_pt
        cols, rows = range(0, w, step), range(0, h, step)
        for xy, text, ha, va in (
            (
                [(c, -0.5 - gap) for c in cols],
                [fmt_int(origin[1] + c) for c in cols],
                "center",
                "bottom",
            ),
            (
                [(-0.5 - gap, r) for r in rows],
                [fmt_int(origin[0] + r) for r in rows],
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
        sizes = self.fontsize
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
