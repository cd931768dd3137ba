"""The kernel playground: edit a 3×3 kernel and watch what it does to a real photo."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import conv2d, kernels
from ..images import photo
from ..plot._grid import NumberGrid
from ..plot._style import INK, MUTED, fmt_value
from ..plot.features import map_style
from ._base import Explorer, dropdown

__all__ = ["PRESETS", "KernelPlayground", "kernel_playground"]

PRESETS = {
    "identity": kernels.identity(),
    "sobel_x": kernels.sobel_x(),
    "sobel_y": kernels.sobel_y(),
    "laplacian": kernels.laplacian(),
    "box": kernels.box(3),
    "gaussian": kernels.gaussian(3, 0.85),
    "sharpen": kernels.sharpen(),
    "emboss": kernels.emboss(),
}
CUSTOM = "(custom)"


class KernelPlayground(Explorer):
    """Nine number boxes hold the kernel; the photo on the right is ``conv2d(photo, kernel,
    padding=1)``. Kernels whose weights sum to 1 keep the brightness (gray picture on
    ``[0, 1]``); others give signed maps (red > 0 > blue, symmetric scale).

    State: ``kernel`` (3×3 array), ``output`` (the filtered photo), ``state`` with ``preset``,
    ``sum`` and the output ``range``.
    """

    figsize = (9.6, 4.0)

    def __init__(self, preset="sobel_x", size=232):
        self.photo = photo(size=size)
        self.cells = [
            widgets.FloatText(value=0.0, step=0.5, layout=widgets.Layout(width="72px"))
            for _ in range(9)
        ]
        self.grid = widgets.GridBox(
            self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 76px)")
        )
        self.preset = dropdown("preset", [CUSTOM, *PRESETS], preset)
        for cell, v in zip(self.cells, PRESETS.get(preset, np.zeros((3, 3))).ravel(), strict=True):
            cell.value = float(v)
        self._draw_once()
        self.preset.observe(self._preset, names="value")
        self._setup([widgets.HBox([self.grid, self.preset])], self.cells)

    def _draw_once(self):
        self._new_figure()
        h, w = self.photo.shape
        width = 2.9 * w / h
        W, H = self.figsize
        y0, ph = 0.45 / H, 2.9 / H
        x0 = (W - 2 * width - 2.6) / 2  # centre photo, kernel and result
        ax_in = self.figure.add_axes((x0 / W, y0, width / W, ph))
        ax_k = self.figure.add_axes(((x0 + width + 0.7) / W, (0.45 + 0.85) / H, 1.2 / W, 1.2 / H))
        self.ax_out = self.figure.add_axes(((x0 + width + 2.6) / W, y0, width / W, ph))
        ax_in.imshow(self.photo, cmap="gray", vmin=0, vmax=1)
        ax_in.set_title("photo", fontsize=11, color=INK)
        self.kernel_grid = NumberGrid(
            ax_k, np.zeros((3, 3)), palette="kernel", labels=False, title="kernel", fontsize=10
        )
        self.picture = self.ax_out.imshow(np.zeros_like(self.photo), cmap="gray", vmin=0, vmax=1)
        self.ax_out.set_title("conv2d(photo, kernel, padding=1)", fontsize=11, color=INK)
        for ax in (ax_in, self.ax_out):
            ax.set_xticks([])
            ax.set_yticks([])
        self.figure.text((x0 + width + 0.35) / W, 0.5, "⋆", fontsize=36, ha="center", va="center")
        grid = self.kernel_grid
        self.range = self.ax_out.text(
            0.5,
            -0.03,
            "",
            transform=self.ax_out.transAxes,
            ha="center",
            va="top",
            fontsize=9,
            color=MUTED,
        )
        self.set_moving([self.picture, grid.mesh, grid.cells, self.range])
        self.figure.text((x0 + width + 2.25) / W, 0.5, "=", fontsize=20, ha="center", va="center")

    def _preset(self, change):
        name = change["new"]
        if name not in PRESETS:
            return
        with self.hold():
            for cell, v in zip(self.cells, PRESETS[name].ravel(), strict=True):
                cell.value = float(v)
        self.update()

    @property
    def kernel(self) -> np.ndarray:
        return np.array([c.value for c in self.cells], dtype=float).reshape(3, 3)

    def update(self):
        k = self.kernel
        name = next((n for n, p in PRESETS.items() if np.allclose(p, k)), CUSTOM)
        if self.preset.value != name:
            with self.hold():
                self.preset.value = name
        y = conv2d(self.photo[None, None], k[None, None], padding=1)[0, 0]
        self.output = y
        cmap, vmin, vmax = map_style(k, y)
        self.picture.set_cmap(cmap)
        self.picture.set_clim(vmin, vmax)
        if cmap == "gray":
            how = "weights sum to 1: brightness kept (gray, clipped to [0, 1])"
        else:
            how = f"weights sum to {fmt_value(k.sum())}: signed output (red > 0 > blue)"
        self.picture.set_data(y)
        self.range.set_text(f"values {fmt_value(y.min())} … {fmt_value(y.max())}")
        self.kernel_grid.set_values(k)
        self.state = {
            "preset": name,
            "kernel": k,
            "sum": float(k.sum()),
            "range": (float(y.min()), float(y.max())),
        }
        self.set_formula(
            "y[i, j] = Σₘ Σₙ x[i+m−1, j+n−1] · w[m, n]   (cross-correlation, zero padding 1)"
        )
        self.set_message(how, None)
        self.render(moved_only=True)  # only the output, the kernel and its range change


def kernel_playground(**settings) -> KernelPlayground:
    """The kernel playground (``preset`` name, photo ``size``).

    Examples
    --------
    >>> pg = kernel_playground(preset="box")
    >>> pg.state["preset"], round(pg.state["sum"], 6)
    ('box', 1.0)
    """
    return KernelPlayground(**settings)
