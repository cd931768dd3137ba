"""What every explorer shares: a fixed-size figure rendered to PNG in an ``ipywidgets.Image``.

No ipympl: the picture is plain PNG bytes, so it works in any Jupyter front end, survives
nbconvert, and a browser sees an ``<img>`` whose ``src`` changes as a slider moves. The
explorer keeps its own state (``state``, ``output``, ``formula``, ``figure``) because under
nbval or plain Python nothing is ever displayed.

Redraws are kept cheap: a change that only moves overlays (the window's position)
restores a cached background and draws just the moving artists (blitting); anything
else redraws the figure once.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.transforms import Affine2D
from PIL import Image

from ..errors import ConvlabError
from ..plot._style import INK, MUTED

RUN_HINT = "run this cell in Jupyter to use the explorer"
UNVISITED = "#ced4da"  # cells that no window reads


def _cells_patch(cells: np.ndarray, **kw) -> PathPatch:
    """One compound patch covering the given ``(row, col)`` cells."""
    squares = [
        Path.unit_rectangle().transformed(Affine2D().translate(c - 0.5, r - 0.5)) for r, c in cells
    ] or [Path(np.zeros((1, 2)))]
    return PathPatch(Path.make_compound_path(*squares), **kw)


def _look() -> dict:
    # wide enough for the longest label ("out channels C_out") at JupyterLab's font size
    return {"style": {"description_width": "135px"}, "layout": widgets.Layout(width="355px")}


def slider(description: str, value: int, lo: int, hi: int, **kw: Any) -> widgets.IntSlider:
    """An IntSlider in the explorers' common style (updates while dragging)."""
    return widgets.IntSlider(
        value=value,
        min=lo,
        max=hi,
        description=description,
        continuous_update=True,
        **_look(),
        **kw,
    )


def dropdown(description: str, options, value) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description, **_look())


def png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as an RGB PNG, encoded by Pillow directly (the figure is opaque: RGB is
    smaller and faster to encode and decode than the RGBA matplotlib's ``imsave`` writes)."""
    buf = io.BytesIO()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


class Explorer(widgets.VBox):
    """Base of the explorers: ``figure`` → PNG → ``image``, with a formula and a message line.

    Subclasses build their controls, call :meth:`_setup`, and implement :meth:`update`
    (recompute the state and redraw). ``state`` is a plain dict that tests can read.
    """

    figsize = (9.6, 4.4)
    dpi = 80
    figure: Figure | None = None  # made by _setup, or earlier by a subclass's _new_figure
    _moving: Sequence[Any] = ()  # see set_moving
    goal = ""  # a challenge's text, see set_goal
    _reached: Callable[[dict], bool] | None = None

    def __repr__(self) -> str:
        # the text a saved notebook shows in place of the live widget (whose state is not
        # stored): a hint rather than ipywidgets' long children listing
        return f"{type(self).__name__}: {RUN_HINT}"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        """The live widget view, plus what a notebook shows without a kernel (on GitHub,
        in a viewer, before Run All): a PNG of the explorer as it was first shown, with
        its formula, its message and the "run this cell" line drawn above the picture.
        ``convlab tidy`` drops the widget view from committed notebooks; the PNG stays."""
        bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(self.snapshot()).decode("ascii")
        return bundle

    def snapshot(self) -> bytes:
        """The explorer as one PNG: the hint, the formula and the message, then the picture."""
        width = self.figure.get_figwidth()
        lines = [(f"A still picture: {RUN_HINT}", MUTED, "italic", None)]
        if getattr(self, "goal", None):
            lines.append((f"Challenge: {self.goal}", INK, "normal", None))
        if self.formula:
            lines.append((self.formula, INK, "normal", "DejaVu Sans Mono"))
        if self.message:
            lines.append((self.message, MUTED, "normal", None))
        line = 0.27
        head = Figure(figsize=(width, line * len(lines) + 0.12), dpi=self.dpi)
        FigureCanvasAgg(head)
        for n, (text, color, style, family) in enumerate(lines):
            head.text(
                0.12 / width,
                1 - (0.06 + line * (n + 0.5)) / head.get_figheight(),
                text,
                va="center",
                fontsize=11,
                color=color,
                style=style,
                family=family or "DejaVu Sans",
                wrap=False,
            )
        head.canvas.draw()
        top = np.asarray(head.canvas.buffer_rgba())[..., :3]
        picture = np.asarray(Image.open(io.BytesIO(self.image.value)).convert("RGB"))
        buf = io.BytesIO()
        Image.fromarray(np.vstack([top, picture]), "RGB").save(buf, format="PNG", compress_level=6)
        return buf.getvalue()

    def _setup(
        self,
        controls: list[widgets.Widget],
        watch: list[widgets.Widget],
        below: tuple[widgets.Widget, ...] = (),
    ) -> None:
        if self.figure is None:
            self._new_figure()
        width, height = (round(v * self.dpi) for v in self.figsize)
        self.image = widgets.Image(format="png", width=width, height=height)
        self.formula_html = widgets.HTML()
        self.message_html = widgets.HTML()
        self.state: dict[str, Any] = {}
        self.formula = ""
        self.message = ""
        self.renders = 0
        self._holding = 0
        self._background = None
        super().__init__(
            [*controls, self.formula_html, self.message_html, self.image, *below],
            layout=widgets.Layout(align_items="flex-start"),
        )
        for w in watch:
            w.observe(self._changed, names="value")
        self.update()

    def _new_figure(self) -> Figure:
        """The explorer's fixed-size figure, drawn off-screen by Agg (pyplot never sees it)."""
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi)
        FigureCanvasAgg(self.figure)
        return self.figure

    @property
    def widget(self) -> widgets.Widget:
        """The explorer itself (it *is* a widget); for symmetry with other libraries."""
        return self

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def hold(self):
        """Change several controls at once with a single redraw at the end."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def _changed(self, change: dict) -> None:
        if not self._holding:
            self.update()

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def set_formula(self, text: str) -> None:
        self.formula = text
        self.formula_html.value = (
            f"<div style='font-family:monospace;font-size:14px;color:{INK};margin:4px 0'>"
            f"{html.escape(text)}</div>"
        )

    def set_message(self, text: str, ok: bool | None = None) -> None:
        """A line under the formula: an error (red), a verdict (green) or a note (grey)."""
        self.message = text
        color = {True: "#2b8a3e", False: "#c92a2a", None: MUTED}[ok]
        self.message_html.value = (
            f"<div style='color:{color};font-size:14px;max-width:760px'>{html.escape(text)}</div>"
            if text
            else ""
        )

    def render(self, moved_only: bool = False) -> None:
        """Draw the figure (or only its moving artists over the cached background) to PNG."""
        canvas = self.figure.canvas
        if moved_only and self._background is not None:
            canvas.restore_region(self._background)
        else:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        if self._reached is not None:
            self._check_goal()
        self.image.value = png_bytes(canvas)
        self.renders += 1

    # ------------------------------------------------------------------ challenges
    def set_goal(self, text: str, reached: Callable[[dict], bool]) -> Explorer:
        """Give the explorer a challenge: ``text`` states the goal, ``reached(state)`` tests it.

        The goal is shown above the controls and judged after every change; the verdict is
        ``state["goal_reached"]`` (and a ✅ in the goal line). A test that raises (e.g. the
        settings are impossible and a key is missing) counts as not reached. Returns the
        explorer, so a lesson can write ``conv_explorer(n=32).set_goal(...)``.
        """
        if not isinstance(text, str) or not text.strip():
            raise TypeError(f"set_goal: text must be a non-empty str; got {text!r}")
        if not callable(reached):
            raise TypeError(f"set_goal: reached must be a function of the state; got {reached!r}")
        self.goal, self._reached = text, reached
        if not hasattr(self, "goal_html"):
            self.goal_html = widgets.HTML()
            self.children = (self.goal_html, *self.children)
        self._check_goal()
        return self

    def _check_goal(self) -> None:
        try:
            done = bool(self._reached(self.state)) and not self.state.get("error")
        except Exception:  # a goal judged on impossible settings is simply not reached
            done = False
        self.state["goal_reached"] = done
        mark, color = ("✅ reached", "#2b8a3e") if done else ("not yet", MUTED)
        self.goal_html.value = (
            f"<div style='font-size:14px;color:{INK};margin:2px 0'><b>Challenge:</b> "
            f"{html.escape(self.goal)} <span style='color:{color}'>({mark})</span></div>"
        )

    def set_moving(self, artists: list[Any]) -> None:
        """Artists redrawn on every render but left out of the cached background."""
        for a in self._moving:
            a.set_animated(False)
        self._moving = list(artists)
        for a in self._moving:
            a.set_animated(True)

    def show_problem(self, title: str, detail: str) -> None:
        """Replace the picture by an explanation (impossible settings are not a crash)."""
        self.figure.clear()
        self.set_moving([])
        self.figure.text(
            0.5, 0.58, title, ha="center", va="center", fontsize=15, color="#c92a2a", wrap=True
        )
        self.figure.text(
            0.5, 0.42, detail, ha="center", va="center", fontsize=11, color=INK, wrap=True
        )
        self.render()

    def _show_error(self, title: str, problem: Exception | str, detail: str | None = None) -> None:
        """Explain settings that cannot work, in the message line and in place of the picture.

        ``problem`` is the error convlab raised (``state["error"]`` keeps its whole text) or
        the explorer's own description. The explanation shown is ``detail`` if given, else
        the error's :attr:`~convlab.ConvlabError.detail` (its message and fix, without the
        function's name: the title already says who refused). Subclasses forget their
        stale results (and formula) first.
        """
        error = str(problem)
        if detail is None:
            detail = problem.detail if isinstance(problem, ConvlabError) else error
        self.state["error"] = error
        self.set_message(f"{title}. {detail}", False)
        self.message_html.value = ""  # said once, in place of the picture
        self.show_problem(title, detail)
