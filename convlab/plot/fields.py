"""Dilated kernels and the receptive field of a layer stack (tower and input map)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from .. import conv_output_size, conv_transpose2d, conv_transpose_output_size
from .. import receptive_field as _receptive_field
from .._validation import as_float_array, check_ndim, fail, int_tuple
from ._grid import NumberGrid
from ._style import INK, MUTED, new_figure, panel_row

__all__ = ["LAYER_COLORS", "dilated_kernel", "path_counts", "receptive_field"]

LAYER_COLORS = ["#e8590c", "#1971c2", "#2f9e44", "#9c36b5", "#f08c00", "#0c8599", "#c2255c"]


def dilated_kernel(kernel_size: int = 3, dilation: int | Sequence[int] = 2, weight=None, axes=None):
    """The footprint of a dilated kernel: its weights spread ``dilation`` apart, holes between.

    Parameters
    ----------
    kernel_size : int
    dilation : int or list of int
        One panel per rate (``[1, 2, 3]`` compares them).
    weight : array (k, k), optional
        The weights to write in; default ``1 … k²`` so you can follow each tap.
    axes : sequence of Axes, optional
        One per dilation.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    A dilated kernel is the ordinary kernel with ``d - 1`` zeros between taps: extent
    ``d(k - 1) + 1`` per side, still ``k²`` weights.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from convlab.plot import cell_texts
    >>> fig = dilated_kernel(3, [1, 2])
    >>> [ax.get_title() for ax in fig.axes]
    ['3×3, dilation 1\\nextent 3×3', '3×3, dilation 2\\nextent 5×5']
    >>> cell_texts(fig.axes[1])[:6]
    ['1', '', '2', '', '3', '']
    >>> plt.close(fig)
    """
    func = "dilated_kernel"
    (k,) = int_tuple(func, "kernel_size", kernel_size, 1, minimum=1)
    rates = [dilation] if isinstance(dilation, (int, np.integer)) else list(dilation)
    rates = list(int_tuple(func, "dilation", tuple(rates), len(rates), minimum=1))
    w = np.arange(1.0, k * k + 1).reshape(k, k) if weight is None else weight
    w = as_float_array(func, "weight", w)
    check_ndim(func, "weight", w, (2,), "(k, k)")
    if w.shape != (k, k):
        raise fail(
            func,
            f"weight must be {k}×{k} for kernel_size={k}; got shape {w.shape}",
            argument="weight",
            value=weight,
        )
    extents = [d * (k - 1) + 1 for d in rates]
    if axes is None:
        _, axes, _ = panel_row([(e, e) for e in extents], top=0.65, bottom=0.15, gap=0.5)
    for ax, d, e in zip(axes, rates, extents, strict=True):
        spread = np.zeros((e, e))
        spread[::d, ::d] = w
        taps = np.zeros((e, e), bool)
        taps[::d, ::d] = True
        NumberGrid(
            ax,
            spread,
            real=taps,
            palette="kernel",
            labels=False,
            title=f"{k}×{k}, dilation {d}\nextent {e}×{e}",
            wash=0.9,
            blank=~taps,
            frame=False,
        )
    return axes[0].figure


def _settings(layer: dict) -> tuple[int, int, int, int]:
    get = layer.get
    return layer["kernel_size"], get("stride", 1), get("padding", 0), get("dilation", 1)


def path_counts(layers: Sequence[dict], input_size: int, unit: int | None = None):
    """How many paths lead from each unit of every level (input first) to one top unit.

    Back-propagates a one-hot top unit through :func:`convlab.conv_transpose2d` with
    all-ones kernels (a 1-D row). Returns ``(levels, unit)``.
    """
    func = "receptive_field"
    sizes = [input_size]
    for layer in layers:
        sizes.append(conv_output_size(sizes[-1], *_settings(layer)))
    if min(sizes) < 1:
        raise fail(
            func,
            f"the stack leaves no output for input_size={input_size}: sizes {sizes}",
            "Use a bigger input_size",
        )
    given, unit = unit, (sizes[-1] - 1) // 2 if unit is None else unit
    (unit,) = int_tuple(func, "unit", unit, 1, minimum=0)
    if unit >= sizes[-1]:
        message = f"unit must be in 0..{sizes[-1] - 1}; got unit={unit}"
        raise fail(func, message, argument="unit", value=given)
    levels = [np.eye(1, sizes[-1], unit)[0]]
    for layer, below, above in zip(layers[::-1], sizes[-2::-1], sizes[:0:-1], strict=True):
        k, s, p, d = _settings(layer)
        op = below - conv_transpose_output_size(above, k, s, p, 0, d)  # rows the conv dropped
        one = np.ones((1, 1, 1, k))
        row = conv_transpose2d(
            levels[-1][None, None], one, None, (1, s), (0, p), (0, op), 1, (1, d)
        )
        levels.append(row[0, 0])
    return levels[::-1], unit


def receptive_field(layers: Sequence[dict], input_size: int | None = None, unit: int | None = None):
    """The receptive field of one top unit, grown layer by layer and projected on the input.

    Top: a 1-D tower, input at the bottom, each unit drawn at the centre of its own
    receptive field; the units that reach the chosen top unit are filled and connected.
    Bottom: the 2-D input, each pixel coloured by the number of paths to that unit, with
    each layer's receptive field outlined (layer colours match the tower).

    Parameters
    ----------
    layers : list of dict
        As for :func:`convlab.receptive_field` (square int settings).
    input_size : int, optional
        Default: the final receptive field plus 2 on each side.
    unit : int, optional
        The top unit (per dim); default the centre one.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Outlines are :func:`convlab.receptive_field`'s spans ``[start + i·jump, … + size)``
    of the middle unit of each layer that feeds the top unit (they may reach into the
    padding, outside the input). A zero (blank) cell inside the last outline is a pixel the
    unit never sees.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = receptive_field([{"kernel_size": 3}] * 3, input_size=9)
    >>> [t.get_text() for t in fig.axes[1].texts if t.get_gid() == "legend"]
    ['layer 1: 3×3', 'layer 2: 5×5', 'layer 3: 7×7']
    >>> plt.close(fig)
    """
    fields = _receptive_field(layers)
    if any(isinstance(f.size, tuple) for f in fields):
        raise fail("receptive_field", "the picture needs square layers (int settings)")
    n = fields[-1].size + 4 if input_size is None else input_size
    (n,) = int_tuple("receptive_field", "input_size", n, 1, minimum=1)
    levels, unit = path_counts(layers, n, unit)
    cell = min(0.34, 4.4 / n)  # the map at most 4.4 in: a big input gets a colour scale
    low = 0.55  # room for that scale under the map
    width, tower_h = 0.55 + n * cell + 1.9, 0.5 * len(levels)
    fig = new_figure((width, 0.5 + tower_h + 0.35 + n * cell + low))
    h = fig.get_figheight()
    ax_t = fig.add_axes((0.55 / width, (low + n * cell + 0.35) / h, n * cell / width, tower_h / h))
    ax_m = fig.add_axes((0.55 / width, low / h, n * cell / width, n * cell / h))
    _tower(ax_t, layers, fields, levels)
    counts = np.multiply.outer(levels[0], levels[0])
    NumberGrid(ax_m, counts, palette="count", hide_zeros=True)
    for idx, f in enumerate(fields):
        active = np.nonzero(levels[idx + 1])[0]
        mid = active[len(active) // 2]
        lo = f.start + mid * f.jump
        color = LAYER_COLORS[idx % len(LAYER_COLORS)]
        ax_m.add_patch(
            Rectangle(
                (lo - 0.5, lo - 0.5),
                f.size,
                f.size,
                fill=False,
                edgecolor=color,
                lw=2.2,
                zorder=6 + len(fields) - idx,  # inner fields on top
                clip_on=False,
                gid="field",
            )
        )
        ax_m.text(
            1.06,
            1 - 0.075 * idx,
            f"layer {idx + 1}: {f.size}×{f.size}",
            color=color,
            transform=ax_m.transAxes,
            fontsize=10,
            va="top",
            gid="legend",
        )
    ax_m.text(
        1.06,
        0.0,
        "cell = paths from\nthat pixel to the\ntop unit",
        color=MUTED,
        transform=ax_m.transAxes,
        fontsize=8.5,
        va="bottom",
    )
    return fig


def _tower(ax, layers, fields, levels):
    """Units as dots at the centre of their receptive field, one row per level."""
    n = len(levels[0])
    centres = [np.arange(n, dtype=float)]
    for f, lv in zip(fields, levels[1:], strict=True):
        centres.append(f.start + np.arange(len(lv)) * f.jump + (f.size - 1) / 2)
    for y, (xs, lv) in enumerate(zip(centres, levels, strict=True)):
        on = lv > 0
        color = INK if y == 0 else LAYER_COLORS[(y - 1) % len(LAYER_COLORS)]
        ax.scatter(
            xs[~on],
            np.full((~on).sum(), y),
            s=22,
            facecolor="white",
            edgecolor=MUTED,
            lw=0.8,
            zorder=3,
        )
        ax.scatter(xs[on], np.full(on.sum(), y), s=34, color=color, zorder=4, gid=f"level{y}")
        if y:
            k, s, p, d = _settings(layers[y - 1])
            below = centres[y - 1]
            segs = [
                [(xs[i], y), (below[t], y - 1)]
                for i in np.nonzero(on)[0]
                for t in i * s - p + d * np.arange(k)
                if 0 <= t < len(below)
            ]
            ax.add_collection(LineCollection(segs, colors=color, linewidths=0.9, alpha=0.55))
            label = f"layer {y}: k={k} s={s} p={p} d={d}"
        else:
            label = "input"
        ax.text(
            1.03,
            y,
            label,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=8.5,
            color=color,
        )
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(-0.5, len(levels) - 0.5)
    ax.axis("off")
