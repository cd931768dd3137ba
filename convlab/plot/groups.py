"""Groups: which input channels feed which filters, and the weight tensor as blocks.

:func:`channel_groups` draws the connections between input and output channels, and the
weight as an ``O × I`` matrix of ``k × k`` blocks: ``groups`` makes it block-diagonal, and
only the coloured blocks are stored, as ``(C_out, C_in/groups, kH, kW)``.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection, PolyCollection

from .. import conv_params
from .._validation import check_groups, int_tuple
from ._style import EMPTY, INK, MUTED, blank_axes, new_figure

__all__ = ["channel_groups", "group_color"]


def group_color(g: int, groups: int) -> tuple[float, float, float, float]:
    """The colour of group ``g`` (a qualitative palette, cycling after 10 groups)."""
    if groups == 1:
        return mpl.colors.to_rgba("#7048e8")  # one group: the kernel purple
    return mpl.colormaps["tab10"](g % 10)


def channel_groups(
    in_channels: int = 4,
    out_channels: int = 6,
    kernel_size: int = 3,
    groups: int = 1,
    *,
    bias: bool = True,
    fig=None,
):
    """Which input channels feed which filters, and the weight tensor as blocks.

    Parameters
    ----------
    in_channels, out_channels, kernel_size, groups, bias
        As in ``nn.Conv2d`` (square kernels).
    fig : Figure, optional
        Draw into this (cleared) figure instead of a new one (the widget's canvas).

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Left: one line per ``k × k`` kernel slice ``w[o, c]``, coloured by group. Right: the
    weight as a full ``O × I`` matrix of ``k × k`` blocks plus the bias column. Filter
    ``o`` belongs to group ``g = o // (O/groups)`` and sees only input channels
    ``g·(I/groups) … (g+1)·(I/groups) − 1``; the other blocks (blank) are not stored.
    The count written below is :func:`convlab.conv_params`:
    ``O · (I/groups) · k² + O``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = channel_groups(4, 6, 3, groups=2)
    >>> fig.axes[1].get_title()
    'weight (C_out, C_in/groups, k, k) = (6, 2, 3, 3)'
    >>> plt.close(fig)
    """
    func = "channel_groups"
    i, o, k, g = (
        int_tuple(func, name, v, 1, minimum=1)[0]
        for name, v in (
            ("in_channels", in_channels),
            ("out_channels", out_channels),
            ("kernel_size", kernel_size),
            ("groups", groups),
        )
    )
    check_groups(func, i, o, g)
    fig = new_figure((9.2, 4.3)) if fig is None else fig
    W, H = fig.get_size_inches()
    rects = ((0.02, 0.17, 0.36, 0.7), (0.47, 0.17, 0.5, 0.7))
    reuse = blank_axes(fig, 2)  # a widget's canvas: recycle its two axes (cheaper)
    for ax, rect in zip(reuse, rects, strict=False):
        ax.set_position(rect)
    ax_net, ax_w = reuse or [fig.add_axes(rect) for rect in rects]
    _connections(ax_net, i, o, g)
    _blocks(ax_w, i, o, k, g, bias, W, H)
    n = conv_params(i, o, k, groups=g, bias=bias)
    full = conv_params(i, o, k, groups=1, bias=bias)
    text = f"params = {o}·({i}/{g})·{k}² {'+ ' + str(o) + ' ' if bias else ''}= {n}"
    if g > 1:
        text += f"   (groups=1: {full}, {full / n:.3g}× more)"
    fig.text(0.72, 0.055, text, ha="center", va="center", fontsize=11, color=INK, gid="count")
    fig.text(
        0.2,
        0.055,
        f"one line = one {k}×{k} kernel slice w[o, c]"
        + ("\ncolour = its group (same colour: stored together)" if g > 1 else ""),
        ha="center",
        va="center",
        fontsize=9.5,
        color=MUTED,
    )
    return fig


def _connections(ax, i: int, o: int, g: int) -> None:
    """Input channels (left), output channels (right), a line per stored kernel slice."""
    ax.set_xlim(-0.15, 1.15)
    ax.set_ylim(-0.06, 1.02)
    ax.axis("off")
    yi, yo = _spread(i), _spread(o)
    size = min(0.07, 0.8 / max(i, o))
    segs, colors = [], []
    for c in range(i):
        for f in range(o):
            if c // (i // g) == f // (o // g):
                segs.append([(0.1 + size / 2, yi[c]), (0.9 - size / 2, yo[f])])
                colors.append(group_color(c // (i // g), g))
    ax.add_collection(
        LineCollection(segs, colors=colors, linewidths=1.4, alpha=0.75, gid="connections")
    )
    for xs, ys, count, label, step in ((0.1, yi, i, "x", i // g), (0.9, yo, o, "y", o // g)):
        squares = [_square(xs, y, size) for y in ys]
        face = [group_color(n // step, g) for n in range(count)]
        ax.add_collection(
            PolyCollection(squares, facecolors=face, edgecolors="white", gid=f"{label}-channels")
        )
        ax.text(
            xs,
            1.0,
            f"{label}: {count} channel{'s' * (count > 1)}",
            ha="center",
            va="bottom",
            fontsize=10.5,
            color=INK,
        )
        if count <= 16:
            side = -1 if label == "x" else 1
            for n, y in enumerate(ys):
                ax.text(
                    xs + side * (size / 2 + 0.03),
                    y,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=MUTED,
                )
    if g > 1:
        ax.text(
            0.5,
            -0.03,
            f"groups={g}{' = C_in: depthwise' if g == i else ''}: {g} separate convolutions,\n"
            f"each {i // g} → {o // g} channel{'s' * (o // g > 1)}",
            ha="center",
            va="top",
            fontsize=9.5,
            color=INK,
        )


def _blocks(ax, i: int, o: int, k: int, g: int, bias: bool, W: float, H: float) -> None:
    """The O × I matrix of k × k blocks (blank where groups cut), then the bias column."""
    cols = i + (1.4 if bias else 0)
    pos = ax.get_position()
    unit = min(pos.width * W / cols, pos.height * H / o)  # inches per block
    ax.set_position((pos.x0, pos.y1 - o * unit / H, cols * unit / W, o * unit / H))
    ax.set_xlim(0, cols)
    ax.set_ylim(o, 0)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    inset, taps, tap_colors, empty = 0.06, [], [], []
    t = (1 - 2 * inset) / k
    for f in range(o):
        for c in range(i):
            group = f // (o // g)
            if c // (i // g) != group:
                empty.append(_square(c + 0.5, f + 0.5, 1 - 2 * inset))
                continue
            for a in range(k):
                for b in range(k):
                    x0, y0 = c + inset + b * t, f + inset + a * t
                    taps.append([(x0, y0), (x0 + t, y0), (x0 + t, y0 + t), (x0, y0 + t)])
                    tap_colors.append(group_color(group, g))
    lw = 0.6 if unit * 72 / k > 6 else 0
    ax.add_collection(
        PolyCollection(
            taps, facecolors=tap_colors, edgecolors="white", linewidths=lw, alpha=0.85, gid="taps"
        )
    )
    ax.add_collection(
        PolyCollection(empty, facecolors=EMPTY, edgecolors="#dee2e6", linewidths=0.6, gid="empty")
    )
    if bias:  # one number per filter: drawn the size of one kernel tap
        bx = i + 0.9
        squares = [_square(bx, f + 0.5, t) for f in range(o)]
        face = [group_color(f // (o // g), g) for f in range(o)]
        ax.add_collection(
            PolyCollection(squares, facecolors=face, edgecolors="white", alpha=0.85, gid="bias")
        )
        ax.text(bx, -0.12, "bias", ha="center", va="bottom", fontsize=9, color=MUTED)
    label = 9 if unit * 72 > 12 else 0
    if label:
        for c in range(i):
            ax.text(c + 0.5, -0.12, str(c), ha="center", va="bottom", fontsize=9, color=MUTED)
        for f in range(o):
            ax.text(-0.12, f + 0.5, str(f), ha="right", va="center", fontsize=9, color=MUTED)
    note = "   (blank: not connected, not stored)" if g > 1 else ""
    ax.text(
        i / 2,
        o + 0.15,
        f"input channel c →{note}",
        ha="center",
        va="top",
        fontsize=9.5,
        color=MUTED,
    )
    # left of the row numbers (which end 0.12 blocks left of the matrix), never on them
    ax.annotate(
        "filter o →", (-0.12, o / 2), xytext=(-(16 if label else 4), 0),
        textcoords="offset points", rotation=90, ha="right", va="center", fontsize=9.5,
        color=MUTED, annotation_clip=False,
    )  # fmt: skip
    ax.set_title(
        f"weight (C_out, C_in/groups, k, k) = ({o}, {i // g}, {k}, {k})",
        fontsize=11,
        color=INK,
        pad=18,
    )


def _spread(n: int) -> np.ndarray:
    """``n`` evenly spaced heights from top to bottom of the panel."""
    return np.array([0.5]) if n == 1 else np.linspace(0.92, 0.02, n)


def _square(cx: float, cy: float, s: float) -> list[tuple[float, float]]:
    h = s / 2
    return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
