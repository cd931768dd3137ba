"""The backpropagation explorer: where the gradient of one output goes, for conv and pooling.

Forward on the top row (``x ⋆ w = y``, or ``x → pool → y``), backward on the bottom row,
each gradient drawn under the array it belongs to: ``dL/dx`` under ``x``, ``dL/dw`` under
``w``, ``g = dL/dy`` under ``y``. With ``g`` one-hot at output ``(i, j)``, the input
gradient is the kernel stamped on that window (a transposed convolution), the weight
gradient is that window of ``x`` (a correlation), and pooling routes the 1 to the maximum
or spreads it over the window. Every number comes from convlab's ``*_backward`` functions.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from .. import (
    avg_pool2d_backward,
    conv2d_backward,
    conv_output_size,
    conv_transpose_output_size,
    max_pool2d_backward,
)
from ..plot._grid import NumberGrid
from ..plot._style import ACCENT, INK, MUTED, SECOND, between, blank_axes, fmt_value, panel_row
from ..plot._window import Window, conv_window, pool_window
from ._base import UNVISITED, Explorer, _cells_patch, slider

__all__ = ["BackpropExplorer", "backprop_explorer"]

_LABEL = dict(ha="center", va="center", fontsize=11, color=INK, fontweight="bold")
_MODES = [("conv2d", "conv"), ("max_pool2d", "max"), ("avg_pool2d", "avg")]
_GRADS = [("g one-hot at (i, j)", "one-hot"), ("g = 1 everywhere", "ones")]


def _frame(ax, width, height, color, gid) -> Rectangle:
    """A movable outline (``set_xy``) on ``ax``."""
    rect = Rectangle((0, 0), width, height, fill=False, edgecolor=color, lw=2.6, zorder=6, gid=gid)
    ax.add_artist(rect)
    return rect


class BackpropExplorer(Explorer):
    """Backpropagate ``g = dL/dy`` through conv2d, max_pool2d or avg_pool2d (one channel).

    Sliders: output position ``i``, ``j`` (where the one-hot ``g`` is 1), kernel/window
    size ``k``, stride, padding (zeros) and input size ``n``; ``mode`` picks the op and
    ``gradient`` a one-hot ``g`` or ``g = 1`` everywhere (to see overlapping windows add up).

    State for tests: ``state`` (settings, ``out``, ``i``, ``j``, ``unvisited`` rows/cols,
    ``error``) and the arrays ``output`` (y), ``grad_output`` (g), ``grad_input``
    (``dL/dx``), ``grad_padded`` (``dL/dx`` on the padded frame, padding included),
    ``grad_weight``, ``grad_bias`` (``None`` for pooling), ``unvisited`` (padded cells no
    window reads), ``window`` (the forward's :class:`~convlab.plot._window.Window`) and
    ``axes``, the panels by name (``x, w, y`` forward; ``dx, dw, g`` backward).
    """

    figsize = (8.4, 5.8)

    def __init__(self, n=5, k=3, stride=1, padding=0, mode="conv", gradient="one-hot", i=1, j=1):
        self.i = slider("output row i", i, 0, max(i, 1))
        self.j = slider("output col j", j, 0, max(j, 1))
        self.k = slider("kernel size k", k, 1, 4)
        self.stride = slider("stride s", stride, 1, 3)
        self.padding = slider("padding p", padding, 0, 2)
        self.n = slider("input size n", n, 3, 7)
        self.mode = widgets.ToggleButtons(options=_MODES, value=mode)
        self.gradient = widgets.ToggleButtons(
            options=_GRADS, value=gradient, style={"button_width": "170px"}
        )
        self.window = self.output = None
        for w in (self.i, self.j):
            w.observe(self._moved, names="value")
        left = widgets.VBox([self.i, self.j, self.k])
        right = widgets.VBox([self.stride, self.padding, self.n])
        settings = [self.k, self.stride, self.padding, self.n, self.mode, self.gradient]
        controls = [widgets.HBox([left, right]), self.mode, self.gradient]
        self._setup(controls, settings)

    # ------------------------------------------------------------------ numbers
    def _forward(self) -> Window:
        n, k, s, p = (w.value for w in (self.n, self.k, self.stride, self.padding))
        mode, func = self.mode.value, "backprop_explorer"
        if mode == "conv":
            x = np.arange(1.0, n * n + 1).reshape(n, n)  # distinct: dL/dw shows the window
            w = np.arange(1.0, k * k + 1).reshape(k, k)  # no zeros: the whole stamp shows
            return conv_window(func, x, w, s, p)
        x = np.random.default_rng(n).integers(0, 10, (n, n)).astype(float)  # as pool_explorer
        return pool_window(func, x, k, s, p, mode=mode)

    def _backward(self) -> None:
        """``g`` at the current position, and the gradients convlab computes for it."""
        win, (i, j) = self.window, (self.i.value, self.j.value)
        s, p = win.stride, win.pads[0][0]
        g = np.ones(win.out)
        if self.gradient.value == "one-hot":
            g = np.zeros(win.out)
            g[i, j] = 1.0
        # backward over the padded frame (zeros, as drawn), then crop to the input: what
        # lands on the padding is dropped
        g4, xp4 = g[None, None], win.padded[None, None]
        self.grad_weight = self.grad_bias = None
        if win.kind == "correlation":
            gxp, gw, gb = conv2d_backward(g4, xp4, win.kernel[None, None], np.zeros(1), s)
            self.grad_weight, self.grad_bias = gw[0, 0], float(gb[0])
        elif win.kind == "avg":  # count_include_pad: padding cells take their share
            gxp = avg_pool2d_backward(g4, xp4, win.kernel_size, s)[0]
        else:  # −∞ padding never wins: nothing lands there
            gx = max_pool2d_backward(g4, win.x[None, None], win.kernel_size, s, p)[0]
            gxp = np.zeros((1, 1, *win.padded.shape))
            gxp[0, 0][win.real] = gx.ravel()
        self.grad_output, self.grad_padded = g, gxp[0, 0]
        self.grad_input = self.grad_padded[win.real].reshape(win.x.shape)
        self.state.update(i=i, j=j)

    # ------------------------------------------------------------------ drawing
    def update(self):
        n, k, s, p = (w.value for w in (self.n, self.k, self.stride, self.padding))
        mode = self.mode.value
        self.state = dict(
            n=n, k=k, stride=s, padding=p, mode=mode, gradient=self.gradient.value,
            out=None, error=None,
        )  # fmt: skip
        try:
            win = self._forward()
        except ValueError as exc:
            self.window = self.output = self.grad_output = self.grad_input = None
            self.grad_padded = self.grad_weight = self.grad_bias = None
            self.set_formula("")
            # pooling without ceil_mode has the convolution's output size
            empty = conv_output_size(n, k, s, p) < 1
            self._show_error("No output" if empty else "PyTorch refuses these settings", exc)
            return
        self.window, self.output = win, win.output
        oh, ow = self.state["out"] = win.out
        with self.hold():
            self.i.max, self.j.max = oh - 1, ow - 1
            self.i.value, self.j.value = min(self.i.value, oh - 1), min(self.j.value, ow - 1)
        # the windows reach (o - 1)s + k padded rows: the rest is never read by any window
        self.reach = conv_transpose_output_size(win.out, win.kernel_size, win.stride, 0, 0)
        self.unvisited = np.ones(win.padded.shape, bool)
        self.unvisited[: self.reach[0], : self.reach[1]] = False
        self.state["unvisited"] = tuple(list(range(r - p, n)) for r in self.reach)  # real ones
        self._backward()
        self._draw()
        self._place()
        self.render()

    def _draw(self) -> None:
        win, conv = self.window, self.window.kernel is not None
        shapes = [win.padded.shape, *([win.kernel.shape] if conv else []), win.out]
        nrow = max(r for r, _ in shapes)
        height = self.figure.get_figheight()
        title_room, label_room = 0.62, 0.3
        cell = min(0.42, (height / 2 - title_room - label_room) / nrow)
        kw = dict(fig=self.figure, cell=cell, left=0.75, gap=0.75)
        reuse = blank_axes(self.figure, 6)  # always 6: switching modes creates no axes
        _, top, _ = panel_row(shapes, top=title_room, bottom=height / 2, reuse=reuse[:3], **kw)
        _, bottom, _ = panel_row(
            shapes, top=height / 2 + title_room, bottom=0.1, reuse=reuse[3:], **kw
        )
        for ax in self.figure.axes:
            ax.set_visible(ax in top or ax in bottom)
        names = ("x", "w", "y") if conv else ("x", "y")
        self.axes = dict(zip(names, top, strict=True))
        self.axes.update(zip(("dx", "dw", "g") if conv else ("dx", "g"), bottom, strict=True))
        (ph, _), (pw, _) = win.pads
        origin = (-ph, -pw)
        quiet = {"say_dropped": False}  # six small grids: one note for all, below
        x_title = f"x: input {win.x.shape[0]}×{win.x.shape[1]}" + (f", padding {ph}" if ph else "")
        grids = [
            NumberGrid(top[0], win.padded, real=win.real, origin=origin, title=x_title, **quiet)
        ]
        kind = {"correlation": "x ⋆ w", "max": "max_pool2d(x)", "avg": "avg_pool2d(x)"}
        grids.append(
            NumberGrid(
                top[-1], win.output, palette="output", title=f"y = {kind[win.kind]}", **quiet
            )
        )
        dropped = " (on the padding: dropped)" if ph and win.kind != "max" else ""
        self.grad_x = NumberGrid(
            bottom[0],
            self.grad_padded,
            real=win.real,
            origin=origin,
            palette="Reds",
            hide_zeros=True,
            title="dL/dx" + dropped,
            **quiet,
        )
        self.grad_y = NumberGrid(
            bottom[-1],
            self.grad_output,
            palette="Reds",
            hide_zeros=True,
            title="g = dL/dy",
            **quiet,
        )
        grids += [self.grad_x, self.grad_y]
        self.grad_w = None
        if conv:
            grids.append(
                NumberGrid(top[1], win.kernel, palette="kernel", title="w: kernel", **quiet)
            )
            self.grad_w = NumberGrid(
                bottom[1], self.grad_weight, palette="Reds", title="dL/dw", **quiet
            )
            grids.append(self.grad_w)
            between(self.figure, top[0], top[1], "⋆", 36)
            between(self.figure, top[1], top[2], "=")
            between(self.figure, bottom[1], bottom[2], "←")
        else:
            between(self.figure, top[0], top[1], "→")
            between(self.figure, bottom[0], bottom[1], "←")
        never = np.argwhere(self.unvisited)
        for ax, label in ((top[0], "forward"), (bottom[0], "backward")):
            box, shift = ax.get_position(), 0.5 / self.figure.get_figwidth()
            y = (box.y0 + box.y1) / 2
            self.figure.text(box.x0 - shift, y, label, rotation=90, **_LABEL)
            ax.add_artist(
                _cells_patch(never, facecolor=UNVISITED, lw=0, zorder=0.5, gid="unvisited")
            )
        if any(g.cells is None for g in grids):
            note = self.figure.text(
                0.5, 0.01, "numbers too small to print at this size: darker = larger, "
                "white = 0 (make n or p smaller to read them)", ha="center", va="bottom",
                fontsize=9.5, color=MUTED, gid="scale-note",
            )  # fmt: skip
            for g in grids:
                g.scale_note = note
        kh, kwd = win.kernel_size
        self.footprints = [_frame(ax, kwd, kh, ACCENT, "window") for ax in (top[0], bottom[0])]
        self.marks = [_frame(ax, 1, 1, ACCENT, "cell") for ax in (top[-1], bottom[-1])]
        self.winner = _frame(top[0], 0.8, 0.8, SECOND, "winner") if win.kind == "max" else None
        # a move of (i, j) redraws only the gradients and the frames over a cached background
        grads = [a for ax in bottom for a in _drawn(ax)]
        overlays = [self.footprints[0], self.marks[0], *([self.winner] if self.winner else [])]
        self.set_moving(grads + overlays)

    def _place(self) -> None:
        """Move the window overlays to ``(i, j)`` and write the formula and the message."""
        win, (i, j) = self.window, (self.i.value, self.j.value)
        one_hot = self.gradient.value == "one-hot"
        rows, cols = win.taps(i, j)
        for rect in self.footprints:
            rect.set_xy((cols[0, 0] - 0.5, rows[0, 0] - 0.5))
            rect.set_visible(one_hot)
        for rect in self.marks:
            rect.set_xy((j - 0.5, i - 0.5))
            rect.set_visible(one_hot)
        if self.winner is not None:
            r, c = win.winner(i, j)
            self.winner.set_xy((c - 0.4, r - 0.4))
            self.winner.set_visible(one_hot)
        self._explain(i, j, rows[0, 0], cols[0, 0], one_hot)

    def _explain(self, i, j, r0, c0, one_hot) -> None:
        win, p = self.window, self.window.pads[0][0]
        (kh, kw), (s, _) = win.kernel_size, win.stride
        if win.kind == "correlation":
            op = win.padded.shape[0] - self.reach[0]  # the unvisited rows, restored as zeros
            self.set_formula(
                f"dL/dx = conv_transpose2d(g, w, stride={s}, padding={p}, output_padding={op})"
                f";  dL/dw = x ⋆ g;  dL/db = Σ g = {self.grad_bias:g}"
            )
        elif win.kind == "max":
            self.set_formula("dL/dx: each window sends its g to its maximum (the first on ties)")
        else:
            self.set_formula(f"dL/dx: each window shares its g equally, g / {kh * kw} per cell")
        r0, c0 = r0 - p, c0 - p  # in input coordinates (the padding is negative)
        where = f"rows {fmt_value(r0)}…{r0 + kh - 1}, cols {fmt_value(c0)}…{c0 + kw - 1}"
        if not one_hot:
            note = "every output sends 1: where windows overlap, their gradients add up"
        elif win.kind == "correlation":
            note = f"g[{i}, {j}] = 1 stamps w on the window at {where}; dL/dw is that window of x"
        elif win.kind == "max":
            r, c = win.winner(i, j)
            note = f"g[{i}, {j}] = 1 goes only to the maximum x[{r - p}, {c - p}] (ringed)"
        else:
            note = f"g[{i}, {j}] = 1 is spread evenly over the window at {where}"
        rows, cols = self.state["unvisited"]
        lost = [f"row{'s' * (len(rows) > 1)} {', '.join(map(str, rows))}"] if rows else []
        lost += [f"col{'s' * (len(cols) > 1)} {', '.join(map(str, cols))}"] if cols else []
        if lost:
            note += f". No window reads {' and '.join(lost)} (grey): zero gradient, for any g"
        self.set_message(note, None)

    def _moved(self, change) -> None:
        if self._holding or self.window is None:
            return
        self._backward()
        self.grad_x.set_values(self.grad_padded)
        self.grad_y.set_values(self.grad_output)
        if self.grad_w is not None:
            self.grad_w.set_values(self.grad_weight)
        self._place()
        self.render(moved_only=True)


def _drawn(ax) -> list:
    """What ``ax`` draws inside its cells (not the index labels), in drawing order."""
    artists = [*ax.collections, *ax.patches, *ax.artists]
    return sorted((a for a in artists if a.get_gid() != "index"), key=lambda a: a.get_zorder())


def backprop_explorer(**settings) -> BackpropExplorer:
    """The backpropagation explorer (see :class:`BackpropExplorer`); keywords set the
    initial controls: ``n, k, stride, padding, mode ("conv", "max", "avg"), gradient
    ("one-hot", "ones"), i, j``.

    Examples
    --------
    >>> ex = backprop_explorer(n=4, k=2, i=0, j=1)
    >>> ex.grad_weight  # dL/dw is the window of x that output (0, 1) read
    array([[2., 3.],
           [6., 7.]])
    >>> ex.grad_input  # dL/dx is the kernel stamped on that window
    array([[0., 1., 2., 0.],
           [0., 3., 4., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    >>> ex.mode.value = "max"
    >>> ex.state["out"], int(ex.grad_input.sum())
    ((3, 3), 1)
    """
    return BackpropExplorer(**settings)
