"""Arrays as grids of numbers, and the four padding modes side by side."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import pad
from .._validation import as_float_array, check_ndim, int_tuple
from ..padding import PAD_MODE_OF
from ._grid import NumberGrid
from ._style import INK, MUTED, Scale, panel_row

__all__ = ["MODE_NOTES", "grid", "padding_modes"]

# what each mode writes into the padding, in a few words
MODE_NOTES = {
    "zeros": "constant 0",
    "reflect": "mirror, edge not repeated",
    "replicate": "repeat the edge",
    "circular": "wrap around",
}


def grid(
    values: Any,
    ax=None,
    *,
    padding: int | tuple[int, int] = 0,
    title: str | None = None,
    palette: str = "input",
    labels: bool = True,
    highlight=(),
    hide_zeros: bool = False,
    cell: float = 0.42,
):
    """Draw a 2-D array as coloured tiles with each value written in its cell.

    Parameters
    ----------
    values : array (H, W)
    ax : Axes, optional
        Draw here instead of a new figure.
    padding : int or (int, int)
        The outer rows/columns of ``values`` that are padding: drawn washed out and
        hatched, with a frame around the real input and indices relative to it.
    title : str, optional
    palette : str
        ``"input"`` (blues), ``"kernel"`` (purples), ``"output"`` (greens), ``"count"``
        or any matplotlib colormap name. Arrays with negative values always use a
        diverging map centred on 0 (red > 0 > blue), so the sign is visible.
    labels : bool
        Row and column indices.
    highlight : sequence of (row, col)
        Cells to frame, in real-input coordinates (padding rows are negative).
    hide_zeros : bool
        Leave zero cells blank (sparse matrices).
    cell : float
        Cell size in inches for a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlab.plot import cell_texts
    >>> fig = grid(np.arange(6).reshape(2, 3), highlight=[(1, 2)])
    >>> ax = fig.axes[0]
    >>> cell_texts(ax)
    ['0', '1', '2', '3', '4', '5']
    >>> [p.get_xy() for p in ax.patches if p.get_gid() == "highlight"]
    [(1.5, 0.5)]
    >>> plt.close(fig)
    """
    func = "grid"
    v = as_float_array(func, "values", values)
    check_ndim(func, "values", v, (2,), "(H, W)")
    ph, pw = int_tuple(func, "padding", padding, 2, minimum=0)
    real = np.zeros(v.shape, bool)
    real[ph : v.shape[0] - ph, pw : v.shape[1] - pw] = True
    if ax is None:
        top = 0.3 + 0.22 * labels + 0.3 * bool(title)
        _, (ax,), _ = panel_row([v.shape], cell=cell, top=top, bottom=0.2, left=0.4, right=0.2)
    g = NumberGrid(
        ax,
        v,
        real=real,
        origin=(-ph, -pw),
        palette=palette,
        labels=labels,
        title=title,
        hide_zeros=hide_zeros,
    )
    for r, c in highlight:
        g.outline(r + ph, c + pw)
    return ax.figure


def padded_modes(x: np.ndarray, padding: int) -> dict[str, np.ndarray | str]:
    """``convlab.pad`` of ``x`` in each mode, or the error message where a mode refuses."""
    result: dict[str, np.ndarray | str] = {}
    for mode in MODE_NOTES:
        try:
            p = (padding,) * 4
            result[mode] = pad(x[None], p, PAD_MODE_OF[mode])[0]
        except ValueError as exc:
            result[mode] = str(exc)
    return result


def padding_modes(x: Any = None, padding: int = 2, axes=None):
    """The same input padded four ways: zeros, reflect, replicate and circular.

    Parameters
    ----------
    x : array (H, W), optional
        Default: the 4×4 input ``1 … 16``.
    padding : int
        Added on every side.
    axes : sequence of 4 Axes, optional
        (zeros, reflect, replicate, circular). The framed cells of each are the input.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    All panels share one colour scale, so each padded value has the colour of the input
    cell it was copied from. ``reflect`` needs ``padding < size`` and ``circular``
    ``padding <= size``; a mode that cannot pad says so in its panel.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = padding_modes(padding=1)
    >>> [ax.get_title().split("\\n")[0] for ax in fig.axes]
    ['zeros', 'reflect', 'replicate', 'circular']
    >>> plt.close(fig)
    """
    func = "padding_modes"
    x = np.arange(1.0, 17.0).reshape(4, 4) if x is None else as_float_array(func, "x", x)
    check_ndim(func, "x", x, (2,), "(H, W)")
    (padding,) = int_tuple(func, "padding", padding, 1, minimum=0)
    big = tuple(n + 2 * padding for n in x.shape)
    if axes is None:
        _, axes, _ = panel_row([big] * 4, top=0.95, bottom=0.45, gap=0.35, left=0.4, right=0.2)
    draw_padding_modes(axes, x, padding)
    return axes[0].figure


def draw_padding_modes(axes, x: np.ndarray, padding: int) -> dict[str, np.ndarray | str]:
    """Draw the four modes into ``axes``; returns :func:`padded_modes`' result."""
    modes = padded_modes(x, padding)
    big = tuple(n + 2 * padding for n in x.shape)
    scale = Scale.of(x)
    h, w = x.shape
    shared = None  # one scale for all four: said once, under the first panel drawn
    for ax, (mode, arr) in zip(axes, modes.items(), strict=True):
        if isinstance(arr, str):
            _refusal(ax, big, mode)
            continue
        real = np.zeros(big, bool)
        real[padding : padding + h, padding : padding + w] = True
        origin = (-padding, -padding)
        title = f"{mode}\n{MODE_NOTES[mode]}"
        g = NumberGrid(
            ax, arr, real=real, origin=origin, scale=scale, title=title, wash=0.35,
            say_dropped=shared is None,
        )  # fmt: skip
        shared = shared or g.scale_note
        g.scale_note = shared
    return modes


def _refusal(ax, shape, mode):
    """An empty panel that says why ``mode`` cannot pad this much."""
    ax.set_xlim(-0.5, shape[1] - 0.5)
    ax.set_ylim(shape[0] - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(True)
        s.set_color(MUTED)
        s.set_linestyle((0, (3, 3)))
    need = "padding < size" if mode == "reflect" else "padding ≤ size"
    ax.set_title(f"{mode}\nimpossible here", fontsize=10.5, color=INK, pad=14)
    ax.text(
        (shape[1] - 1) / 2,
        (shape[0] - 1) / 2,
        f"{mode} needs\n{need}",
        ha="center",
        va="center",
        fontsize=10,
        color=MUTED,
        gid="refusal",
    )
