"""Sliding-window explorers: convolution and pooling, with the output position on a Play button."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .. import conv_output_size, pool_output_size
from ..plot._picture import StepPicture
from ..plot._style import blank_axes, fmt_int
from ..plot._window import Window, conv_window, pool_window
from ._base import UNVISITED, Explorer, _cells_patch, dropdown, slider

__all__ = [
    "ConvExplorer",
    "PoolExplorer",
    "conv_explorer",
    "demo_kernel",
    "pool_explorer",
    "size_formula",
]

MODES = ("zeros", "reflect", "replicate", "circular")


def demo_kernel(k: int) -> np.ndarray:
    """Small non-negative integer kernels whose arithmetic is easy to follow by eye
    (``k = 3`` is the kernel of Dumoulin & Visin's convolution-arithmetic figures)."""
    if k == 3:
        return np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])
    return ((np.arange(k * k) * 5 + 1) % 3).reshape(k, k).astype(float)


def size_formula(n: int, k: int, s: int, p: int, d: int, o: int) -> str:
    """The output-size formula with the numbers substituted (``o`` from convlab)."""
    return (
        f"o = ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1 = "
        f"⌊({n} + 2·{p} − {d}·({k}−1) − 1) / {s}⌋ + 1 = {fmt_int(o)}"
    )


class WindowExplorer(Explorer):
    """Shared by the conv and pool explorers: output-position sliders, Play, blitted moves."""

    def _positions(self) -> list[widgets.Widget]:
        self.i = slider("output row i", 0, 0, 1)
        self.j = slider("output col j", 0, 0, 1)
        self.play = widgets.Play(value=0, min=0, max=1, interval=700, description="play")
        self.output, self.picture, self.arithmetic = None, None, ""
        self.arithmetic_html = widgets.HTML()
        for w in (self.i, self.j):
            w.observe(self._moved, names="value")
        self.play.observe(self._played, names="value")
        return [self.i, self.j, self.play]

    def _played(self, change):
        if self.output is None:
            return
        i, j = divmod(int(change["new"]), self.output.shape[1])
        with self.hold():
            self.i.value, self.j.value = i, j
        self._moved(None)

    def _moved(self, change):
        if self._holding or self.picture is None:
            return
        self.picture.set_position(self.i.value, self.j.value)
        self._record()
        self.render(moved_only=True)

    def _record(self):
        i, j = self.picture.position
        self.state.update(i=i, j=j, value=float(self.output[i, j]))
        self.arithmetic = self.picture.arithmetic
        self.arithmetic_html.value = (
            "<pre style='font-size:14px;line-height:1.35;margin:0 0 0 40px'>"
            f"{html.escape(self.arithmetic)}</pre>"
        )

    def _show(self, window: Window, note: str) -> None:
        """Draw ``window`` at the current (clamped) position; sliders follow its size."""
        self.output = window.output
        self.state["out"] = oh, ow = window.out
        with self.hold():
            self.i.max, self.j.max = oh - 1, ow - 1
            self.play.max = max(oh * ow - 1, 1)
            self.i.value, self.j.value = min(self.i.value, oh - 1), min(self.j.value, ow - 1)
        reuse = blank_axes(self.figure, 3 if window.kernel is not None else 2)
        self.picture = StepPicture(
            window, self.i.value, self.j.value, fig=self.figure, reuse=reuse, arithmetic=False
        )
        self.set_moving(self.picture.moving)
        self._record()
        lost = self._unread(window)
        self.set_message(f"output {oh}×{ow}; {note}{lost}", None)
        self.render()

    def _unread(self, window: Window) -> str:
        """Grey out the input rows and columns that no window reads (the stride steps over
        them, or the last window stops short); returns the message's sentence about them."""
        rows, cols = (
            np.setdiff1d(np.arange(size), (np.arange(o)[:, None] * s + d * np.arange(k)).ravel())
            for size, o, s, d, k in zip(
                window.padded.shape,
                window.out,
                window.stride,
                window.dilation,
                window.kernel_size,
                strict=True,
            )
        )
        never = np.zeros(window.padded.shape, bool)
        never[rows, :] = never[:, cols] = True
        (pt, _), (pl, _) = window.pads
        real_rows = [int(r - pt) for r in rows if window.real[r].any()]
        real_cols = [int(c - pl) for c in cols if window.real[:, c].any()]
        self.state["unread"] = (real_rows, real_cols)
        if not never.any():
            return ""
        self.picture.axes[0].add_artist(
            _cells_patch(np.argwhere(never), facecolor=UNVISITED, lw=0, zorder=0.5, gid="unread")
        )
        lost = [f"row{'s' * (len(real_rows) > 1)} {', '.join(map(str, real_rows))}"]
        lost = lost if real_rows else []
        lost += [f"col{'s' * (len(real_cols) > 1)} {', '.join(map(str, real_cols))}"] * bool(
            real_cols
        )
        if not lost:
            return ""
        return f". No window reads {' and '.join(lost)} (grey): the stride steps over them"

    def _impossible(self, title: str, exc: ValueError, detail: str | None = None) -> None:
        self.output, self.picture, self.arithmetic = None, None, ""
        self.arithmetic_html.value = ""
        self.state["unread"] = ([], [])
        self._show_error(title, exc, detail)


class ConvExplorer(WindowExplorer):
    """Slide a kernel over a padded input: sizes, stride, padding (and its mode), dilation,
    correlation or convolution, and the output position (with a Play button).

    State for tests: ``state`` (settings, ``out``, ``i``, ``j``, ``value``, ``error``),
    ``output`` (conv2d's result or ``None``), ``formula``, ``arithmetic``, ``message``,
    ``figure``, ``picture``.
    """

    def __init__(
        self, n=5, k=3, stride=1, padding=1, dilation=1, padding_mode="zeros", convolution=False
    ):
        self.n = slider("input size n", n, 2, 9)
        self.k = slider("kernel size k", k, 1, 5)
        self.stride = slider("stride s", stride, 1, 3)
        self.padding = slider("padding p", padding, 0, 3)
        self.dilation = slider("dilation d", dilation, 1, 3)
        self.mode = dropdown("padding mode", MODES, padding_mode)
        self.op = widgets.ToggleButtons(
            options=[("cross-correlation (PyTorch)", False), ("convolution (flipped)", True)],
            value=convolution,
            style={"button_width": "230px"},  # fits "cross-correlation (PyTorch)"
        )
        left = widgets.VBox([self.n, self.k, self.stride, self.padding, self.dilation])
        right = widgets.VBox([self.mode, *self._positions()])
        settings = [self.n, self.k, self.stride, self.padding, self.dilation, self.mode, self.op]
        self._setup([widgets.HBox([left, right]), self.op], settings, (self.arithmetic_html,))

    def update(self):
        n, k, s, p, d = (
            w.value for w in (self.n, self.k, self.stride, self.padding, self.dilation)
        )
        mode, flip = self.mode.value, self.op.value
        o = conv_output_size(n, k, s, p, d)
        self.set_formula(size_formula(n, k, s, p, d, o))
        self.state = dict(
            n=n,
            k=k,
            stride=s,
            padding=p,
            dilation=d,
            padding_mode=mode,
            convolution=flip,
            out=None,
            error=None,
        )
        x = np.arange(1.0, n * n + 1).reshape(n, n)
        try:
            window = conv_window("conv_explorer", x, demo_kernel(k), s, p, d, mode, flip)
        except ValueError as exc:
            if o < 1:
                self._impossible(
                    f"No output: o = {fmt_int(o)} < 1",
                    exc,
                    f"The dilated kernel spans d(k−1)+1 = {d * (k - 1) + 1} cells but the padded "
                    f"input has only n + 2p = {n + 2 * p}.\nMake the input bigger, pad more, or "
                    "shrink the kernel or the dilation.",
                )
            else:
                self._impossible(f"padding_mode='{mode}' cannot pad {p} here", exc)
            return
        self._show(
            window, "convolution: the kernel is rotated 180°" if flip else "cross-correlation"
        )


class PoolExplorer(WindowExplorer):
    """Max or average pooling: window size, stride, padding, ceil_mode, count_include_pad.

    The input is fixed random digits (seeded), so the maximum moves around. State as for
    :class:`ConvExplorer`; ``output`` is ``max_pool2d``'s or ``avg_pool2d``'s result.
    """

    def __init__(
        self, n=5, k=2, stride=2, padding=0, mode="max", ceil_mode=False, count_include_pad=True
    ):
        self.mode = widgets.ToggleButtons(options=["max", "avg"], value=mode)
        self.n = slider("input size n", n, 2, 8)
        self.k = slider("window k", k, 1, 4)
        self.stride = slider("stride s", stride, 1, 4)
        self.padding = slider("padding p", padding, 0, 2)
        self.ceil = widgets.Checkbox(value=ceil_mode, description="ceil_mode", indent=False)
        self.include = widgets.Checkbox(
            value=count_include_pad, description="count_include_pad", indent=False
        )
        left = widgets.VBox([self.n, self.k, self.stride, self.padding])
        right = widgets.VBox([widgets.HBox([self.ceil, self.include]), *self._positions()])
        settings = [self.mode, self.n, self.k, self.stride, self.padding, self.ceil, self.include]
        self._setup([self.mode, widgets.HBox([left, right])], settings, (self.arithmetic_html,))

    def update(self):
        n, k, s, p = (w.value for w in (self.n, self.k, self.stride, self.padding))
        mode, ceil, include = self.mode.value, self.ceil.value, self.include.value
        o = pool_output_size(n, k, s, p, 1, ceil)
        rounding = "⌈ ⌉, last window must start inside the input or left padding" if ceil else "⌊ ⌋"
        self.set_formula(
            f"o = ⌊(n + 2p − k) / s⌋ + 1 = ⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {fmt_int(o)}"
            if not ceil
            else f"o = ⌈(n + 2p − k) / s⌉ + 1 = ⌈({n} + 2·{p} − {k}) / {s}⌉ + 1 → {fmt_int(o)}"
            f"  ({rounding})"
        )
        self.state = dict(
            n=n,
            k=k,
            stride=s,
            padding=p,
            mode=mode,
            ceil_mode=ceil,
            count_include_pad=include,
            out=None,
            error=None,
        )
        x = np.random.default_rng(n).integers(0, 10, (n, n)).astype(float)
        try:
            window = pool_window("pool_explorer", x, k, s, p, 1, ceil, mode, include)
        except ValueError as exc:
            self._impossible("No output" if o < 1 else "PyTorch refuses these settings", exc)
            return
        note = (
            "padding is −∞ for max"
            if mode == "max"
            else ("divisor counts padding" if include else "divisor counts only real cells")
        )
        self._show(window, note)


def conv_explorer(**settings) -> ConvExplorer:
    """The convolution explorer (see :class:`ConvExplorer`); keywords set the initial
    sliders: ``n, k, stride, padding, dilation, padding_mode, convolution``.

    Examples
    --------
    >>> ex = conv_explorer(n=4, padding=0)
    >>> ex.state["out"], ex.formula[-1]
    ((2, 2), '2')
    """
    return ConvExplorer(**settings)


def pool_explorer(**settings) -> PoolExplorer:
    """The pooling explorer (see :class:`PoolExplorer`); keywords set the initial controls:
    ``n, k, stride, padding, mode, ceil_mode, count_include_pad``.

    Examples
    --------
    >>> ex = pool_explorer(n=5, k=2, stride=2, ceil_mode=True)
    >>> ex.state["out"]
    (3, 3)
    """
    return PoolExplorer(**settings)
