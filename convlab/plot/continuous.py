"""The continuous definitions as a picture: flip (or not), slide, multiply, take the area."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import convolve, correlate
from .._validation import as_float_array, check_bool, check_ndim, fail, positive_float
from ._style import ACCENT, ACCENT_FILL, INK, MUTED, SECOND, fmt_value, new_figure

__all__ = ["flip_and_slide"]

_MAX_SHIFTS = 5


def _signal(func: str, name: str, value: Any, default: np.ndarray) -> np.ndarray:
    if value is None:
        return default
    a = as_float_array(func, name, value).astype(np.float64)
    check_ndim(func, name, a, (1,), f"samples of {name}(s) at s = 0, dt, 2·dt, ...")
    if a.size == 0:
        raise fail(
            func,
            f"{name} must hold at least one sample; got an empty array",
            argument=name,
            value=value,
        )
    return a


def flip_and_slide(
    x: Any = None,
    w: Any = None,
    t: Any = None,
    *,
    dt: float = 0.005,
    convolution: bool = True,
    panel: float = 2.3,
):
    """The integral definitions, drawn: the kernel ``w`` moves over the signal ``x`` and
    the output at ``t`` is the area under their product.

    Parameters
    ----------
    x, w : array (n,), optional
        Samples of :math:`x(s)` and :math:`w(s)` at ``s = 0, dt, 2·dt, …`` (zero
        elsewhere). Defaults: the box :math:`x = 1` on :math:`[0, 1)` and the ramp
        :math:`w(s) = 1 - s` on :math:`[0, 1)`, which is lopsided so the flip shows.
    t : sequence of float, optional
        Shifts to draw, one panel each (at most 5, rounded to the sample grid).
        Default: a quarter, a half and three quarters of the way through the output.
    dt : float
        Sample spacing.
    convolution : bool
        ``True`` draws :math:`w(t - s)` (flipped, then shifted to ``t``); ``False``
        draws cross-correlation's :math:`w(s - t)` (only shifted).
    panel : float
        Width of one top panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Top row: ``x`` and ``w`` as given, then one panel per shift with the product
        shaded. Bottom: the whole output as a function of ``t``, the drawn shifts dotted.

    Notes
    -----
    Convolution :math:`(x * w)(t) = \\int x(s)\\, w(t - s)\\, ds`; cross-correlation
    :math:`(x \\star w)(t) = \\int x(s)\\, w(s - t)\\, ds`. Both integrals are Riemann
    sums over the samples, ``dt · convolve(x, w)`` and ``dt · correlate(x, w)`` from
    convlab, so each shaded area is exactly the value plotted below it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = flip_and_slide(t=[0.5, 1.0])
    >>> [ax.get_title() for ax in fig.axes[1:3]]
    ['t = 0.5: area 0.38', 't = 1: area 0.5']
    >>> fig = flip_and_slide(t=[0.5], convolution=False)  # w is not flipped: w(s − t)
    >>> fig.axes[1].get_title(), fig.axes[1].get_legend_handles_labels()[1][1]
    ('t = 0.5: area 0.38', 'w(s − t)')
    >>> plt.close("all")
    """
    func = "flip_and_slide"
    dt = positive_float(func, "dt", dt)
    panel = positive_float(func, "panel", panel)
    flip = check_bool(func, "convolution", convolution)
    n = max(1, round(1 / dt))
    xs = _signal(func, "x", x, np.ones(n))
    ws = _signal(func, "w", w, 1 - np.arange(n) * dt)
    out = (convolve if flip else correlate)(xs, ws, method="direct") * dt
    # output index m is the shift t = (m + first) · dt
    first = 0 if flip else -(len(ws) - 1)
    if t is None:  # the output lives on (−len(w)·dt, len(x)·dt) or (0, (len(x) + len(w))·dt)
        start = 0 if flip else -len(ws)
        quarters = start + np.array([0.25, 0.5, 0.75]) * (len(xs) + len(ws))
        shifts = np.round(quarters).astype(int)
    else:
        ts = np.atleast_1d(as_float_array(func, "t", t)).astype(np.float64)
        check_ndim(func, "t", ts, (1,), "a list of shifts")
        if not 1 <= ts.size <= _MAX_SHIFTS or not np.isfinite(ts).all():
            raise fail(
                func,
                f"t must hold 1 to {_MAX_SHIFTS} finite shifts; got t={ts.tolist()}",
                "Pick a few values, e.g. t=[0.5, 1.0, 1.5]",
                argument="t",
                value=t,
            )
        shifts = np.round(ts / dt).astype(int)

    # every curve on one sample grid s = lo·dt … hi·dt that holds x and all kernels
    before, after = (len(ws) - 1, 0) if flip else (0, len(ws) - 1)  # kernel around s = t
    lo = min(0, *(m - before for m in shifts))
    hi = max(len(xs) - 1, *(m + after for m in shifts))
    margin = max(2, round(0.08 * (hi - lo)))
    lo, hi = lo - margin, hi + margin
    grid = np.arange(lo, hi + 1)
    s = grid * dt

    def on_grid(values: np.ndarray, start: int) -> np.ndarray:
        y = np.zeros(grid.size)
        idx = np.arange(values.size) + start - lo
        keep = (idx >= 0) & (idx < grid.size)
        y[idx[keep]] = values[keep]
        return y

    x_grid = on_grid(xs, 0)
    peak = max(np.abs(xs).max(), np.abs(ws).max())
    low = min(0.0, xs.min(), ws.min(), (x_grid.min() * ws).min())

    k = len(shifts) + 1
    gap, left = 0.3, 0.45
    width = left + k * panel + (k - 1) * gap + 0.2
    top_h, bottom_h = 1.45, 1.55
    height = 0.8 + top_h + 0.75 + bottom_h + 0.5
    fig = new_figure((width, height))
    y_top = (height - 0.8 - top_h) / height
    axes = [
        fig.add_axes(((left + c * (panel + gap)) / width, y_top, panel / width, top_h / height))
        for c in range(k)
    ]
    bottom = fig.add_axes(
        (left / width, 0.5 / height, (width - left - 0.2) / width, bottom_h / height)
    )

    kernel_label = "w(t − s)" if flip else "w(s − t)"
    axes[0].plot(s, x_grid, color=SECOND, lw=1.8, label="x(s)")
    axes[0].plot(s, on_grid(ws, 0), color=ACCENT, lw=1.8, ls="--", label="w(s)")
    axes[0].set_title("x and w as given", fontsize=10, color=INK)
    for ax, m in zip(axes[1:], shifts, strict=True):
        kernel = ws[::-1] if flip else ws
        w_grid = on_grid(kernel, m - before)
        product = x_grid * w_grid
        area = float(product.sum() * dt)
        ax.plot(s, x_grid, color=SECOND, lw=1.8, label="x(s)")
        ax.plot(s, w_grid, color=ACCENT, lw=1.8, label=kernel_label)
        ax.fill_between(s, product, color=ACCENT_FILL, alpha=0.35, lw=0, label="product")
        ax.axvline(m * dt, color=MUTED, lw=0.8, ls=":")
        ax.text(
            m * dt,
            1.27 * peak,
            "s = t",
            fontsize=8,
            color=MUTED,
            ha="center",
            va="top",
            bbox={"fc": "white", "ec": "none", "pad": 1},
        )
        ax.set_title(f"t = {fmt_value(m * dt)}: area {fmt_value(area)}", fontsize=10, color=INK)
    handles = [*axes[0].get_lines(), axes[1].get_lines()[1], *axes[1].collections[:1]]
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=len(handles),
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.5, 1 - 0.08 / height),
    )
    for c, ax in enumerate(axes):
        ax.set_xlim(s[0], s[-1])
        ax.set_ylim(low - 0.08 * peak, 1.3 * peak)
        ax.set_xlabel("s", fontsize=9, color=MUTED, labelpad=1)
        ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.tick_params(labelsize=8, colors=MUTED, labelleft=c == 0)  # one shared y scale
        ax.spines[["top", "right"]].set_visible(False)

    t_all = (np.arange(len(out)) + first) * dt
    name = "(x ∗ w)(t) = ∫ x(s) w(t − s) ds" if flip else "(x ⋆ w)(t) = ∫ x(s) w(s − t) ds"
    bottom.plot(t_all, out, color=INK, lw=1.8)
    for m in shifts:
        idx = m - first
        value = float(out[idx]) if 0 <= idx < len(out) else 0.0
        bottom.plot([m * dt], [value], "o", color=ACCENT, ms=6)
        bottom.axvline(m * dt, color=MUTED, lw=0.8, ls=":")
    bottom.set_title(name, fontsize=10.5, color=INK)
    bottom.set_xlabel("t", fontsize=9, color=MUTED, labelpad=1)
    bottom.tick_params(labelsize=8, colors=MUTED)
    bottom.spines[["top", "right"]].set_visible(False)
    bottom.set_xlim(
        min(t_all[0], shifts.min() * dt) - 0.05, max(t_all[-1], shifts.max() * dt) + 0.05
    )
    return fig
