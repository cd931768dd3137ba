"""Many short labels (the numbers in grid cells) drawn from cached bitmaps.

A matplotlib ``Text`` is laid out and rasterised by FreeType on every draw, which makes
the ~100 numbers of a convolution picture most of a redraw's cost. Cell numbers repeat,
so :class:`CellTexts` rasterises each distinct (string, size, colour, style, dpi) once,
with a real ``Text`` on a scratch Agg renderer (identical pixels), and then stamps the
cached bitmap with ``renderer.draw_image``. Non-raster renderers (PDF, SVG) get ordinary
``Text`` drawing, so vector output keeps vector text.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox, IdentityTransform

__all__ = ["CellTexts"]


@lru_cache(maxsize=8)
def _scratch(dpi: float) -> Figure:
    return Figure(dpi=dpi)  # only lends its dpi to the texts rasterised for the cache


@lru_cache(maxsize=8192)
def _bitmap(
    text: str, size: float, dpi: float, color: tuple, italic: bool, ha: str, va: str, props: tuple
):
    """``(rgba, dx, dy)``: the text's pixels and where their lower-left corner sits relative
    to the anchor point (pixels, y up), as a centred ``Text`` would draw them."""
    px = size * dpi / 72.0
    w, h = int(px * (len(text) + 2)) + 16, int(px * 3) + 16
    ax, ay = w // 2, h // 2
    renderer = RendererAgg(w, h, dpi)
    label = Text(
        ax,
        ay,
        text,
        fontsize=size,
        color=color,
        ha=ha,
        va=va,
        parse_math=False,
        fontstyle="italic" if italic else "normal",
        transform=IdentityTransform(),
        **dict(props),
    )
    label.set_figure(_scratch(dpi))
    label.draw(renderer)
    rgba = np.asarray(renderer.buffer_rgba())
    rows, cols = np.nonzero(rgba[..., 3])
    if rows.size == 0:
        return None
    top, bottom, left, right = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    crop = np.ascontiguousarray(rgba[top:bottom, left:right][::-1])  # draw_image: rows bottom-up
    return crop, left - ax, (h - bottom) - ay


class CellTexts(Artist):
    """Strings centred at data points ``xy`` (one per cell), with per-string colour, size
    and italic flag. ``strings`` can be read back; :meth:`set` updates them in place."""

    def __init__(
        self, xy, strings, colors, sizes, italic, *, ha="center", va="center", props=None, **kw
    ):
        super().__init__()
        self.xy = np.asarray(xy, float).reshape(-1, 2)
        self.ha, self.va = ha, va
        self.props = tuple(sorted((props or {}).items()))  # more Text kwargs (fontweight...)
        self.set_labels(strings, colors, sizes, italic)
        self.update(kw)

    def set_labels(self, strings, colors=None, sizes=None, italic=None) -> None:
        n = len(self.xy)
        self.strings = list(strings)
        if colors is not None:
            self.colors = [to_rgba(c) for c in np.broadcast_to(np.asarray(colors, object), n)]
        if sizes is not None:
            self.sizes = [float(s) for s in np.broadcast_to(sizes, n)]
        if italic is not None:
            self.italic = [bool(i) for i in np.broadcast_to(italic, n)]
        self.stale = True

    def set_xy(self, xy) -> None:
        """Move the labels (one ``(x, y)`` per string, in the artist's coordinates)."""
        self.xy = np.asarray(xy, float).reshape(-1, 2)
        self.stale = True

    def get_texts(self) -> list[str]:
        return list(self.strings)

    @allow_rasterization
    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        points = self._points()
        if not isinstance(renderer, RendererAgg):  # vector output: real text
            for text in self._texts(points):
                text.draw(renderer)
            return
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        for (x, y), s, c, size, it in self._items(points):
            stamp = _bitmap(s, size, renderer.dpi, c, it, self.ha, self.va, self.props)
            if stamp is not None:
                img, dx, dy = stamp
                renderer.draw_image(gc, round(x) + dx, round(y) + dy, img)
        gc.restore()
        self.stale = False

    def label_boxes(self) -> list[tuple[str, float, Bbox]]:
        """``(string, font size in points, pixel box)`` of every label drawn."""
        dpi = self.figure.dpi if self.figure is not None else 100.0
        boxes = []
        for (x, y), s, c, size, it in self._items(self._points()):
            stamp = _bitmap(s, size, dpi, c, it, self.ha, self.va, self.props)
            if stamp is not None:
                img, dx, dy = stamp
                x0, y0 = round(x) + dx, round(y) + dy
                boxes.append((s, size, Bbox.from_bounds(x0, y0, img.shape[1], img.shape[0])))
        return boxes

    def get_window_extent(self, renderer=None) -> Bbox:
        """The pixels the labels cover (the cached bitmaps ``draw`` stamps), so that
        ``bbox_inches="tight"`` (Jupyter's inline backend) keeps labels drawn outside the
        axes, such as a grid's row indices."""
        dpi = self.figure.dpi if self.figure is not None else 100.0
        points = self._points()
        boxes = []
        for (x, y), s, c, size, it in self._items(points):
            stamp = _bitmap(s, size, dpi, c, it, self.ha, self.va, self.props)
            if stamp is not None:
                img, dx, dy = stamp
                x0, y0 = round(x) + dx, round(y) + dy
                boxes.append(Bbox.from_bounds(x0, y0, img.shape[1], img.shape[0]))
        return Bbox.union(boxes) if boxes else Bbox([[0, 0], [0, 0]])  # left out when tight

    def _points(self) -> np.ndarray:
        return self.get_transform().transform(self.xy) if len(self.xy) else self.xy

    def _texts(self, points):
        """One ordinary ``Text`` per non-empty label, in display coordinates."""
        for (x, y), s, c, size, it in self._items(points):
            yield Text(
                x,
                y,
                s,
                fontsize=size,
                color=c,
                ha=self.ha,
                va=self.va,
                parse_math=False,
                fontstyle="italic" if it else "normal",
                transform=IdentityTransform(),
                figure=self.figure,
                **dict(self.props),
            )

    def _items(self, points):
        for p, s, c, size, it in zip(
            points, self.strings, self.colors, self.sizes, self.italic, strict=True
        ):
            if s:
                yield p, s, c, size, it
