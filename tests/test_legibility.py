"""Every picture is read at 100 % zoom (DESIGN §8): a check over every plot function and
every explorer, at its defaults and at the extremes of each of its sliders.

For a figure as a learner sees it (an explorer's PNG at its own size; a notebook figure
at its dpi, scaled down to fit the ~:data:`NOTEBOOK_WIDTH` px output area):

- the smallest text on screen is at least :data:`MIN_PX` pixels (font size × dpi / 72 ×
  the display scale), cell numbers included;
- no two visible texts overlap (bounding boxes, beyond a pixel of anti-aliasing);
- no text lies outside the figure;
- a grid that has no room for its numbers says so (a colour scale and a note) instead of
  dropping them silently.

``CONVLAB_LEGIBILITY_PNG=DIR`` saves the pictures that fail, to look at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.text import Text

matplotlib.use("Agg")

from convlab.plot._celltext import CellTexts

MIN_PX = 9.0
NOTEBOOK_WIDTH = 1000  # px of a JupyterLab output area at a 1280 px wide window
SLACK = 1.0  # px of anti-aliasing two boxes or a box and the edge may share


def texts(fig, renderer):
    """``(label, px_size, bbox)`` of every visible, non-empty text drawn by ``fig``."""
    found = []
    hidden = set()  # tick labels: only those an axis draws (on, within its view limits)
    for ax in fig.findobj(lambda a: hasattr(a, "xaxis") and hasattr(a, "axison")):
        for axis in (ax.xaxis, ax.yaxis):
            drawn = set()
            if ax.axison and axis.get_visible():
                drawn = {id(t) for tick in axis._update_ticks() for t in (tick.label1, tick.label2)}
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                hidden |= {id(t) for t in (tick.label1, tick.label2) if id(t) not in drawn}
    for artist in fig.findobj(lambda a: isinstance(a, (Text, CellTexts))):
        if id(artist) in hidden or not artist.get_visible() or not _shown(artist):
            continue
        if isinstance(artist, CellTexts):
            found += [(s, size * fig.dpi / 72, box) for s, size, box in artist.label_boxes()]
        elif artist.get_text().strip():
            box = artist.get_window_extent(renderer)
            found.append((artist.get_text(), artist.get_fontsize() * fig.dpi / 72, box))
    return found


def _shown(artist) -> bool:
    ax = artist.axes
    return ax is None or ax.get_visible()


def problems(fig, scale: float = 1.0) -> list[str]:
    """What a reader cannot read in ``fig`` shown at ``scale`` × its pixel size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):  # an off-screen Figure (animations)
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    found = texts(fig, renderer)
    out = []
    small = sorted((px * scale, label) for label, px, _ in found if px * scale < MIN_PX - 1e-6)
    if small:
        px, label = small[0]
        out.append(f"{len(small)} texts under {MIN_PX:g} px, e.g. {label!r} at {px:.1f} px")
    for label, _, b in found:
        if b.x0 < -SLACK or b.y0 < -SLACK or b.x1 > width + SLACK or b.y1 > height + SLACK:
            out.append(
                f"text {label!r} is outside the figure ({_box(b)} of {width:.0f}×{height:.0f})"
            )
    boxes = np.array([[b.x0, b.y0, b.x1, b.y1] for _, _, b in found]).reshape(-1, 4)
    if len(boxes) > 1:
        x0 = np.maximum(boxes[:, None, 0], boxes[None, :, 0])
        x1 = np.minimum(boxes[:, None, 2], boxes[None, :, 2])
        y0 = np.maximum(boxes[:, None, 1], boxes[None, :, 1])
        y1 = np.minimum(boxes[:, None, 3], boxes[None, :, 3])
        hit = (x1 - x0 > SLACK) & (y1 - y0 > SLACK)
        for i, j in zip(*np.nonzero(np.triu(hit, 1)), strict=True):
            out.append(f"texts {found[i][0]!r} and {found[j][0]!r} overlap")
    for ax in fig.axes:
        grid = getattr(ax, "_convlab_grid", None)
        if grid is not None and grid.wanted_text and grid.cells is None and not grid.scale_note:
            out.append(f"a {grid.shape} grid drops its numbers without saying so")
    return out[:8]


def _box(b) -> str:
    return f"({b.x0:.0f}, {b.y0:.0f})–({b.x1:.0f}, {b.y1:.0f})"


def notebook_scale(fig) -> float:
    """How much a notebook shrinks ``fig`` (its tight bounding box) to fit the output area."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    tight = fig.get_tightbbox(fig.canvas.get_renderer())
    return min(1.0, NOTEBOOK_WIDTH / (tight.width * fig.dpi))


def check(fig, name: str, scale: float | None = None) -> None:
    import matplotlib.pyplot as plt

    scale = notebook_scale(fig) if scale is None else scale
    found = problems(fig, scale)
    if found and os.environ.get("CONVLAB_LEGIBILITY_PNG"):
        where = Path(os.environ["CONVLAB_LEGIBILITY_PNG"])
        where.mkdir(parents=True, exist_ok=True)
        fig.savefig(where / f"{name}.png")
    plt.close(fig)
    assert not found, f"{name} (shown at {scale:.2f}×):\n  " + "\n  ".join(found)


# ----------------------------------------------------------------------------- plot functions


def _square(n):
    return np.arange(1.0, n * n + 1).reshape(n, n)


def _plots():
    """Every plot function, as the lessons call it and at the edges of what it accepts."""
    from convlab import images, kernels, plot

    w3 = np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])
    rng = np.random.default_rng(0)
    x5 = rng.integers(0, 10, (5, 5)).astype(float)
    face = images.photo(size=64)
    bank = np.stack([kernels.sobel_x(), kernels.sobel_y(), kernels.laplacian(), kernels.box(3)])
    return {
        "grid": lambda: plot.grid(_square(4), title="x"),
        "grid_big": lambda: plot.grid(rng.normal(size=(24, 24)), title="24×24"),
        "grid_count": lambda: plot.grid(
            np.ones((6, 6)), palette="count", title="windows covering each pixel\n(6×6, k=3, s=2)"
        ),
        "padding_modes_1": lambda: plot.padding_modes(padding=1),
        "padding_modes_3": lambda: plot.padding_modes(_square(3), padding=3),
        "padding_modes_big": lambda: plot.padding_modes(_square(6), padding=5),
        "conv_step": lambda: plot.conv_step(_square(5), w3, 1, 1),
        "conv_step_flip": lambda: plot.conv_step(_square(5), w3, 1, 1, convolution=True),
        "conv_step_stride": lambda: plot.conv_step(_square(5), w3, 2, 2, stride=2, padding=1),
        "conv_step_dilated": lambda: plot.conv_step(_square(7), w3, 0, 2, dilation=2),
        "conv_step_reflect": lambda: plot.conv_step(
            _square(4), np.ones((3, 3)), 0, 0, padding=1, padding_mode="reflect"
        ),
        "conv_step_same4": lambda: plot.conv_step(
            _square(4), np.ones((4, 4)), 0, 0, padding="same"
        ),
        "conv_step_big": lambda: plot.conv_step(_square(9), np.ones((5, 5)), 4, 4, padding=2),
        "pool_step_max": lambda: plot.pool_step(x5, 2, 0, 1, mode="max"),
        "pool_step_avg": lambda: plot.pool_step(x5, 2, 0, 1, mode="avg"),
        "pool_step_ceil": lambda: plot.pool_step(x5, 2, 2, 2, stride=2, ceil_mode=True),
        "pool_step_k4": lambda: plot.pool_step(_square(8), 4, 0, 0, mode="max"),
        "pool_step_avg_pad": lambda: plot.pool_step(
            x5, 3, 0, 0, stride=2, padding=1, mode="avg", count_include_pad=True
        ),
        "flip_and_slide": lambda: plot.flip_and_slide(convolution=True),
        "flip_and_slide_corr": lambda: plot.flip_and_slide(convolution=False),
        "channel_sum": lambda: plot.channel_sum(
            rng.integers(0, 5, (3, 4, 4)).astype(float),
            rng.integers(-1, 2, (2, 3, 3, 3)).astype(float),
            np.array([1.0, -1.0]),
            out_channel=0,
        ),
        "channel_groups_1": lambda: plot.channel_groups(4, 6, kernel_size=3, groups=1),
        "channel_groups_2": lambda: plot.channel_groups(4, 6, kernel_size=3, groups=2),
        "channel_groups_big": lambda: plot.channel_groups(8, 12, kernel_size=5, groups=4),
        "channel_groups_dw": lambda: plot.channel_groups(8, 8, kernel_size=3, groups=8),
        "feature_maps": lambda: plot.feature_maps(bank, face, ncols=4, panel=1.8),
        "feature_maps_small": lambda: plot.feature_maps(bank, face, ncols=3, panel=1.45),
        "dilated_kernel": lambda: plot.dilated_kernel(3, [1, 2, 3]),
        "receptive_field_11": lambda: plot.receptive_field([{"kernel_size": 3}] * 3, input_size=11),
        "receptive_field_16": lambda: plot.receptive_field(
            [
                {"kernel_size": 7, "stride": 2, "padding": 3},
                {"kernel_size": 3, "stride": 2, "padding": 1},
            ],
            input_size=16,
            unit=3,
        ),
        "receptive_field_33": lambda: plot.receptive_field(
            [{"kernel_size": 3, "dilation": d} for d in (1, 2, 4, 8)], input_size=33
        ),
        "gridding": lambda: plot.gridding([2, 2, 2], [1, 2, 5]),
        "gridding_246": lambda: plot.gridding([2, 4, 6], [1, 2, 5]),
        "conv_matrix": lambda: plot.conv_matrix((4, 4)),
        "conv_matrix_t": lambda: plot.conv_matrix((4, 4), transpose=True),
        "transposed_stamps": lambda: plot.transposed_stamps(),
        "transposed_stamps_s1": lambda: plot.transposed_stamps(np.ones((2, 2)), w3, stride=1),
        "transposed_stamps_k4": lambda: plot.transposed_stamps(
            np.ones((2, 2)), np.ones((4, 4)), stride=2
        ),
    }


PLOTS = sorted(_plots())


@pytest.mark.parametrize("name", PLOTS)
def test_plot_is_legible(name):
    check(_plots()[name](), name)


def _frames():
    from convlab import plot

    lesson1 = plot.animate(_square(4), np.array([[1.0, 2.0], [0.0, -1.0]]))
    x = np.random.default_rng(6).integers(0, 10, (6, 6)).astype(float)
    lesson6 = plot.animate(x, mode="max", kernel_size=3, stride=3)
    big = plot.animate(_square(6), np.ones((4, 4)), padding=1)
    return {"animate_lesson1": lesson1, "animate_lesson6": lesson6, "animate_k4": big}


@pytest.mark.parametrize("name", ["animate_lesson1", "animate_lesson6", "animate_k4"])
def test_animation_frames_are_legible(name):
    anim = _frames()[name]
    for t in (0, anim.frames - 1):  # the arithmetic changes; the layout does not
        anim.show(t)
        check(anim.figure, f"{name}_{t}", scale=1.0)  # the player shows frames at their size


# ----------------------------------------------------------------------------- explorers


def _explorers():
    from convlab import widgets

    return {
        "conv": widgets.conv_explorer,
        "conv_lesson2": lambda: widgets.conv_explorer(n=6, k=3, stride=2, padding=0),
        "pool": widgets.pool_explorer,
        "padding": widgets.padding_explorer,
        "dilation": widgets.dilation_explorer,
        "transpose": widgets.transpose_explorer,
        "channels": widgets.channels_explorer,
        "playground": widgets.kernel_playground,
        "backprop": widgets.backprop_explorer,
    }


def _sliders(ex):
    import ipywidgets

    return {
        name: w
        for name, w in vars(ex).items()
        if isinstance(w, ipywidgets.IntSlider) and name not in ("i", "j", "a", "b")
    }


def _settings():
    """(explorer, slider, value): defaults, then each slider alone at its extremes."""
    import ipywidgets

    cases = []
    for name, make in _explorers().items():
        ex = make()
        cases.append((name, None, None))
        for slider, w in _sliders(ex).items():
            cases += [(name, slider, w.min), (name, slider, w.max)]
        for menu, w in vars(ex).items():
            if isinstance(w, ipywidgets.Dropdown) and menu != "groups":
                cases += [(name, menu, v) for v in w.options[1:] if v != w.value]
        ex.close()
    return cases


SETTINGS = _settings()


@pytest.mark.parametrize(
    ("explorer", "control", "value"),
    SETTINGS,
    ids=[f"{e}-{c}={v}" if c else f"{e}-default" for e, c, v in SETTINGS],
)
def test_explorer_is_legible(explorer, control, value):
    ex = _explorers()[explorer]()
    if control is not None:
        getattr(ex, control).value = value
    if getattr(ex, "i", None) is not None and getattr(ex, "output", None) is not None:
        with ex.hold():  # the last output position: the window at the far corner
            ex.i.value, ex.j.value = ex.i.max, ex.j.max
        ex.update()
    name = f"{explorer}-{control}={value}" if control else f"{explorer}-default"
    check(ex.figure, name.replace(" ", ""), scale=1.0)  # the Image is shown at its own size
    ex.close()


def test_the_check_catches_what_a_reader_cannot_read():
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(3, 2), dpi=100)
    fig.text(0.5, 0.5, "tiny", fontsize=5)
    fig.text(0.52, 0.5, "clash", fontsize=10)
    fig.text(0.99, 0.5, "cut off", fontsize=10)
    found = problems(fig)
    plt.close(fig)
    assert "1 texts under 9 px, e.g. 'tiny' at 6.9 px" in found
    assert any("'tiny' and 'clash' overlap" in p for p in found)
    assert any("'cut off' is outside the figure" in p for p in found)


def test_gradient_check_prints_in_short_lines_and_as_a_table():
    import convlab

    x = np.arange(4.0)
    bad = convlab.gradient_check(lambda x: (x**2).sum(), x, x)  # forgot the factor 2
    lines = repr(bad).splitlines()
    assert lines[0] == "GradientCheck(passed=False," and len(lines) == 4
    assert max(map(len, lines)) <= 60  # no wrapping mid-word in a notebook
    table = bad._repr_html_()
    assert (
        "❌ failed" in table
        and "<td style='text-align:left;font-family:monospace'>0.5</td>" in table
    )
