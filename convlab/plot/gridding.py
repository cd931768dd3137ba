"""The gridding effect: coverage maps of stacked dilated convolutions and the HDC verdict."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import dilation_coverage, hdc_check
from ..fields import HDCResult
from ._grid import NumberGrid
from ._style import EMPTY, INK, MUTED, cell_points, font_for, min_points, panel_row

__all__ = ["BAD", "GOOD", "draw_coverage", "gridding"]

GOOD, BAD = "#2b8a3e", "#c92a2a"


def gridding(*dilations: Sequence[int], kernel_size: int = 3, axes=None):
    """Coverage maps of dilated stacks side by side, each with its HDC verdict.

    Parameters
    ----------
    *dilations : list of int
        One dilation sequence per panel; default ``[2, 2, 2]`` and ``[1, 2, 5]``.
    kernel_size : int
    axes : sequence of Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Each cell is :func:`convlab.dilation_coverage`: how many paths lead from that input
    pixel to the top unit of the stack. Hatched cells (0) are never seen: the gridding
    effect. Titles mark the holes (✗ grids / ✓ no holes) and give
    :func:`convlab.hdc_check`'s verdict, which is a design rule, not the count: it can pass
    a stack that has holes (``[2, 3]``) or fail one that has none (``[1, 3, 1]``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = gridding([2, 2], [1, 2])
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes]
    ['[2, 2]  ✗ grids', '[1, 2]  ✓ no holes']
    >>> plt.close(fig)
    """
    seqs = [list(d) for d in dilations] or [[2, 2, 2], [1, 2, 5]]
    maps = [dilation_coverage(d, kernel_size) for d in seqs]
    if axes is None:
        _, axes, _ = panel_row([m.shape for m in maps], top=0.85, bottom=0.75, gap=0.7, cell=0.32)
    for ax, d, cov in zip(axes, seqs, maps, strict=True):
        draw_coverage(ax, d, cov, hdc_check(d, kernel_size))
    return axes[0].figure


def draw_coverage(ax, dilations: list[int], cov: np.ndarray, verdict: HDCResult) -> NumberGrid:
    """One coverage map with its verdict in the title and the holes counted below."""
    seen = cov > 0
    show = font_for(cell_points(ax), len(str(int(cov.max())))) >= min_points(ax.figure)
    g = NumberGrid(
        ax,
        cov,
        real=seen,
        palette="count",
        labels=False,
        text=show,
        wash=0.9,
        blank=~seen,
        frame=False,
        say_dropped=False,
    )
    holes = int((~seen).sum())
    # The mark comes from the coverage itself: the HDC rule is exact only for 3×3 kernels
    # and rates that start at 1 and never decrease ([2, 3] passes it and still has holes).
    mark = "✗ grids" if holes else "✓ no holes"
    # the rule's own reason; the picture shows the measured holes itself (the mark above)
    why = verdict.why.replace("<=", "≤").replace("M_2", "M₂")
    rule = "HDC rule holds" if verdict else "HDC rule fails"
    ax.set_title(
        f"{dilations}  {mark}\n{rule}: {why}", fontsize=10, color=BAD if holes else GOOD, pad=6
    )
    ax.set_xlabel(
        f"receptive field {cov.shape[0]}×{cov.shape[1]}, {holes} of {cov.size} pixels unseen",
        fontsize=9,
        color=INK if holes else MUTED,
    )
    if g.cells is None:  # the colour scale goes first, under the map; the count below it
        g.scale_note = g.legend()
        ax.xaxis.labelpad = g.legend_height + 3
    ax.set_facecolor(EMPTY)
    return g
