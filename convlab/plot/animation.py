"""The sliding window in motion: every output position in turn, as a GIF or an HTML player.

Frames reuse one :class:`~convlab.plot.step.StepPicture` and only move its overlays. The
figure is not a pyplot figure, so a notebook shows the player, not a stray still image;
and the matplotlib animation is only built when you export, so nothing is left unrendered.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from typing import Any

from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure

from .._validation import check_choice, int_tuple
from ._picture import StepPicture, panel_size
from ._window import KINDS, conv_window, pool_window

__all__ = ["SlidingAnimation", "animate", "save_gif", "to_html"]


_PLAYERS = itertools.count()  # players made so far (see SlidingAnimation.to_html)

# Unicode stand-ins for the Font Awesome icons of matplotlib's JS player (offline-safe);
# U+FE0E asks for the text, not the emoji, form of the symbol
_ICONS = {
    "minus": "−",
    "plus": "+",
    "fast-backward": "⏮\ufe0e",
    "step-backward": "‹",
    "play fa-flip-horizontal": "◀\ufe0e",
    "pause": "⏸\ufe0e",
    "play": "▶\ufe0e",
    "step-forward": "›",
    "fast-forward": "⏭\ufe0e",
}


class SlidingAnimation:
    """One frame per output position (row-major); the output fills in as the window moves.

    Show it in a notebook by making it the last expression of a cell (an HTML player),
    or export it with :meth:`save_gif` / :meth:`to_html`. ``picture`` is the
    :class:`StepPicture` it moves and ``frames`` the number of frames.
    """

    def __init__(self, picture: StepPicture, interval: int):
        self.picture, self.interval = picture, interval
        self.frames = picture.window.out[0] * picture.window.out[1]

    def __repr__(self) -> str:  # no memory address: notebooks stay the same run to run
        return f"SlidingAnimation({self.frames} frames; last line of a cell plays it)"

    @property
    def figure(self) -> Figure:
        return self.picture.fig

    def show(self, t: int) -> None:
        """Draw frame ``t`` (output position ``divmod(t, out_width)``)."""
        self.picture.set_position(*divmod(t, self.picture.window.out[1]))

    def animation(self) -> FuncAnimation:
        """A fresh ``matplotlib.animation.FuncAnimation`` over all frames."""

        def frame(t: int) -> list:
            self.show(t)
            return []

        return FuncAnimation(self.figure, frame, frames=self.frames, interval=self.interval)

    def save_gif(self, path: str, fps: float = 1.5) -> str:
        """Write a looping GIF with Pillow (no ffmpeg needed); returns ``path``."""
        self.animation().save(path, writer=PillowWriter(fps=fps))
        return path

    def to_html(self) -> str:
        """A self-contained HTML player (frames embedded as PNG) with play/step buttons.

        Works offline: matplotlib's player draws its buttons with Font Awesome icons
        loaded from a CDN, so without a network they would be blank; they are replaced
        here by Unicode symbols and the stylesheet link is dropped.
        """
        html = self.animation().to_jshtml(default_mode="loop")
        html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
        html = re.sub(
            r'<i class="fa fa-([a-z -]+)"></i>',
            lambda m: _ICONS.get(m.group(1), m.group(1)),
            html,
        )
        # matplotlib names the player with a random uuid; a digest of the content and of
        # how many players this process made keeps re-executed notebooks byte-identical
        # and two players of the same animation apart
        # the first frame is the <img>'s own source, so a page that runs no script (a
        # notebook on GitHub, a viewer that strips JavaScript) still shows a picture
        first = re.search(r'frames\[0\] = "(data:image/[a-z]+;base64,[^"]+)"', html)
        if first is not None:
            html = re.sub(
                r'<img id="(_anim_img[0-9a-f]+)">',
                lambda m: f'<img id="{m.group(1)}" src="{first.group(1)}" alt="frame 1">',
                html,
                count=1,
            )
        (uid,) = set(re.findall(r"anim([0-9a-f]{32})", html))
        seed = f"{next(_PLAYERS)}:{html.replace(uid, '')}"
        return html.replace(uid, hashlib.sha256(seed.encode()).hexdigest()[:32])

    def _repr_html_(self) -> str:
        return self.to_html()


def animate(
    x: Any,
    weight: Any = None,
    *,
    mode: str = "correlation",
    kernel_size: int | tuple[int, int] | None = None,
    stride: int | tuple[int, int] | None = None,
    padding: Any = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    interval: int = 700,
    dpi: int = 72,
) -> SlidingAnimation:
    """Animate a 2-D convolution (or pooling) over all its output positions, row by row.

    Parameters
    ----------
    x : array (H, W)
    weight : array (kH, kW)
        For ``mode`` ``"correlation"`` (PyTorch's conv2d) or ``"convolution"`` (flipped).
    mode : {"correlation", "convolution", "max", "avg"}
    kernel_size : int or (int, int)
        For pooling (``"max"``, ``"avg"``).
    stride, padding, dilation, padding_mode, ceil_mode, count_include_pad
        As in :func:`convlab.plot.conv_step` / :func:`convlab.plot.pool_step`.
    interval : int
        Milliseconds per frame in the HTML player.
    dpi : int
        Resolution of the frames: 72 keeps GIFs and notebooks light, and is the lowest
        at which every label of the frame is 9 px or more.

    Returns
    -------
    SlidingAnimation

    Notes
    -----
    Keep it small: one frame per output value, so a 3×3 output is 9 frames (about
    150 kB as GIF, 350 kB as HTML).

    Examples
    --------
    >>> anim = animate(np.arange(16.0).reshape(4, 4), np.ones((3, 3)))
    >>> anim.frames, anim.picture.window.out
    (4, (2, 2))
    >>> anim.show(3); anim.picture.arithmetic.splitlines()[0]
    'y[1, 1] = 5·1 + 6·1 + 7·1'
    """
    func = "animate"
    mode = check_choice(func, "mode", mode, KINDS)
    if mode in ("max", "avg"):
        window = pool_window(
            func, x, kernel_size, stride, padding, dilation, ceil_mode, mode, count_include_pad
        )
    else:
        s = 1 if stride is None else stride
        flip = mode == "convolution"
        window = conv_window(func, x, weight, s, padding, dilation, padding_mode, flip)
    (dpi,) = int_tuple(func, "dpi", dpi, 1, minimum=10)
    (interval,) = int_tuple(func, "interval", interval, 1, minimum=1)
    fig = Figure(figsize=panel_size(window), dpi=dpi)
    return SlidingAnimation(StepPicture(window, fig=fig, reveal=True), interval)


def save_gif(anim: SlidingAnimation, path: str, fps: float = 1.5) -> str:
    """``anim.save_gif(path, fps)``: write the animation as a GIF (Pillow via matplotlib)."""
    return anim.save_gif(path, fps)


def to_html(anim: SlidingAnimation) -> str:
    """``anim.to_html()``: an HTML player; show it with ``IPython.display.HTML``."""
    return anim.to_html()
