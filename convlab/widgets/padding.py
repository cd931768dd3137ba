"""The padding explorer: one input padded by zeros, reflect, replicate and circular."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..plot._style import blank_axes, panel_row
from ..plot.grids import draw_padding_modes
from ._base import Explorer, slider

__all__ = ["PaddingExplorer", "padding_explorer"]


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
            bottom=0.4,
            gap=0.35,
            left=0.4,
            right=0.2,
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


def padding_explorer(**settings) -> PaddingExplorer:
    """The padding-modes explorer (``n``, ``padding``).

    Examples
    --------
    >>> ex = padding_explorer(n=3, padding=3)
    >>> sorted(ex.state["refused"])
    ['reflect']
    """
    return PaddingExplorer(**settings)
