"""convlab.widgets without a browser: move the controls, check state, numbers and picture.

Under nbval and plain Python nothing is displayed (``Output.outputs`` stays empty), so the
explorers keep their own state; these tests read it, compare the numbers with convlab's
ops, and check that the PNG in the ``Image`` widget changes when a control moves.
"""

from __future__ import annotations

import numpy as np
import pytest

import convlab
from convlab import kernels, plot, widgets
from convlab.plot._style import fmt_value
from convlab.widgets.conv import demo_kernel

PNG = b"\x89PNG\r\n\x1a\n"


def picture(ex) -> bytes:
    data = bytes(ex.image.value)  # ipywidgets hands back a memoryview
    assert data.startswith(PNG)
    return data


def cells(ax) -> list[str]:
    return plot.cell_texts(ax)


# ----------------------------------------------------------------------------- conv


def test_conv_explorer_defaults():
    ex = widgets.conv_explorer()
    assert isinstance(ex, widgets.ConvExplorer) and ex.widget is ex
    assert ex.state["out"] == (5, 5) and ex.state["error"] is None
    assert ex.formula == (
        "o = ⌊(n + 2p − d(k−1) − 1) / s⌋ + 1 = ⌊(5 + 2·1 − 1·(3−1) − 1) / 1⌋ + 1 = 5"
    )
    x = np.arange(1.0, 26.0).reshape(1, 5, 5)
    np.testing.assert_array_equal(
        ex.output, convlab.conv2d(x, demo_kernel(3)[None, None], padding=1)[0]
    )
    assert ex.image.width == "768" and picture(ex)


def test_conv_explorer_settings_change_state_and_picture():
    ex = widgets.conv_explorer()
    before = picture(ex)
    ex.stride.value = 2
    assert ex.state["out"] == (3, 3) and ex.formula.endswith("/ 2⌋ + 1 = 3")
    assert picture(ex) != before
    ex.mode.value = "circular"
    ex.dilation.value = 2
    ex.op.value = True
    x = np.arange(1.0, 26.0).reshape(1, 5, 5)
    w = demo_kernel(3)[::-1, ::-1][None, None]
    ref = convlab.conv2d(x, w, None, 2, 1, 2, 1, "circular")[0]
    np.testing.assert_array_equal(ex.output, ref)
    assert "convolution" in ex.message
    assert "∗" in [t.get_text() for t in ex.figure.texts]
    assert cells(ex.picture.output.ax) == [fmt_value(v) for v in ref.ravel()]


def test_conv_explorer_position_sliders_and_play():
    ex = widgets.conv_explorer()
    renders = ex.renders
    ex.i.value, ex.j.value = 2, 3
    assert ex.state["i"] == 2 and ex.state["j"] == 3
    assert ex.state["value"] == ex.output[2, 3]
    assert ex.picture.highlight.get_xy() == (2.5, 1.5)
    assert ex.arithmetic.startswith("y[2, 3] = ") and ex.arithmetic.endswith(
        f"= {fmt_value(ex.output[2, 3])}"
    )
    assert ex.renders == renders + 2
    ex.play.value = 7  # flat index: row 1, column 2
    assert (ex.state["i"], ex.state["j"]) == (1, 2) and ex.renders == renders + 3
    # the slider ranges follow the output size, and the position is clamped into it
    ex.stride.value = 3
    assert ex.state["out"] == (2, 2)
    assert (ex.i.max, ex.j.max, ex.play.max) == (1, 1, 3)
    assert (ex.state["i"], ex.state["j"]) == (1, 1)


def test_conv_explorer_impossible_settings_are_explained():
    ex = widgets.conv_explorer()
    ex.padding.value = 0
    ex.k.value = 5
    ex.n.value = 3  # kernel 5 on a 3x3 input without padding: no output
    assert ex.output is None and ex.state["error"]
    assert ex.message.startswith("No output: o = −1 < 1.")
    assert ex.formula.endswith("= −1")
    texts = [t.get_text() for t in ex.figure.texts]
    assert texts[0] == "No output: o = −1 < 1"
    ex.i.value = 0  # moving the position while impossible is harmless
    ex.play.value = 1
    ex.n.value = 6  # and the explorer recovers
    assert ex.state["out"] == (2, 2) and ex.output is not None


def test_conv_explorer_reflect_refusal():
    ex = widgets.conv_explorer(n=3, padding=3, padding_mode="reflect")
    assert ex.output is None
    assert "reflect" in ex.message and "padding < input size" in ex.message


# ----------------------------------------------------------------------------- pool


def test_pool_explorer_numbers():
    ex = widgets.pool_explorer()
    x = np.random.default_rng(5).integers(0, 10, (5, 5)).astype(float)
    np.testing.assert_array_equal(ex.output, convlab.max_pool2d(x[None], 2)[0])
    assert ex.state["out"] == (2, 2)
    ex.ceil.value = True
    assert ex.state["out"] == (3, 3) and "⌈" in ex.formula
    ex.mode.value = "avg"
    ex.padding.value = 1
    ex.include.value = False
    ref = convlab.avg_pool2d(x[None], 2, 2, 1, True, False)[0]
    np.testing.assert_allclose(ex.output, ref)
    ex.i.value, ex.j.value = 2, 2
    assert ex.arithmetic.endswith(f"= {fmt_value(ref[2, 2])}")


def test_pool_explorer_refusal():
    ex = widgets.pool_explorer(k=2)
    before = picture(ex)
    ex.padding.value = 2
    assert ex.output is None and "at most half" in ex.message
    assert picture(ex) != before


# ----------------------------------------------------------------------------- padding


def test_padding_explorer():
    ex = widgets.padding_explorer()
    x = np.arange(1.0, 17.0).reshape(1, 4, 4)
    for mode, arr in ex.state["padded"].items():
        torch_mode = "constant" if mode == "zeros" else mode
        np.testing.assert_array_equal(arr, convlab.pad(x, (2,) * 4, torch_mode)[0])
    before = picture(ex)
    ex.padding.value = 4
    assert list(ex.state["refused"]) == ["reflect"] and ex.state["padded"]["reflect"] is None
    assert ex.message == "reflect needs p < n (4 ≥ 4)"
    assert ex.formula == "padded size = n + 2p = 4 + 2·4 = 12"
    assert picture(ex) != before
    ex.padding.value = 5
    assert sorted(ex.state["refused"]) == ["circular", "reflect"]


# ----------------------------------------------------------------------------- dilation


def test_dilation_explorer():
    ex = widgets.dilation_explorer()
    assert ex.state["hdc"] is True and ex.state["receptive_field"] == 17
    np.testing.assert_array_equal(ex.state["coverage"], convlab.dilation_coverage([1, 2, 5]))
    assert ex.formula == "receptive field = 1 + (k−1)·Σd = 1 + 2·(1 + 2 + 5) = 17"
    before = picture(ex)
    ex.preset.value = "[2, 2, 2]  gridding"
    assert ex.rates.value == "2, 2, 2"
    assert ex.state["hdc"] is False and ex.state["holes"] == 120
    assert ex.message == str(convlab.hdc_check([2, 2, 2]))  # no M_2 in it to rewrite
    assert picture(ex) != before
    ex.k.value = 2
    assert ex.state["receptive_field"] == 7


def test_dilation_explorer_speaks_the_pictures_notation():
    ex = widgets.dilation_explorer(dilations="1, 2, 5")
    assert str(convlab.hdc_check([1, 2, 5])).count("M_2 = 2 <= 3") == 1  # plain text in convlab
    assert "M₂ = 2 ≤ 3" in ex.message and "<=" not in ex.message and "M_2" not in ex.message
    title = ex.figure.axes[0].get_title()
    assert "M₂ = 2 ≤ 3" in title  # the same notation in the picture and the message
    assert ex.figure.axes[1].get_title().startswith("row 8 of the map (dashed)")
    labels = [t.get_text() for t in ex.figure.axes[1].get_xticklabels()]
    assert labels[0] == "0" and labels[-1] == "16"  # the bars are named by column


@pytest.mark.parametrize("text", ["1, x", "", "0, 0", "2 3", "20, 20"])
def test_dilation_explorer_bad_text_gives_a_message(text):
    ex = widgets.dilation_explorer()
    ex.rates.value = text
    assert ex.state["error"] and ex.message
    assert "coverage" not in ex.state


# ----------------------------------------------------------------------------- transposed


def test_transpose_explorer():
    ex = widgets.transpose_explorer()
    x = np.array([[[1.0, 2.0], [3.0, 4.0]]])
    ref = convlab.conv_transpose2d(x, np.ones((1, 1, 3, 3)), None, 2)[0]
    np.testing.assert_array_equal(ex.output, ref)
    assert ex.counts[2, 2] == 4.0 and ex.message.startswith("interior: stamps overlap unevenly")
    assert ex.state["interior_even"] is False
    assert ex.formula.endswith("= 5")
    before, renders = picture(ex), ex.renders
    ex.a.value, ex.b.value = 1, 1
    assert ex.state["cell"] == (1, 1) and ex.renders == renders + 2
    assert [p.get_xy() for p in ex.figure.axes[1].patches if p.get_gid() == "stamp"] == [(1.5, 1.5)]
    assert picture(ex) != before
    ex.stride.value = 3
    ex.k.value = 3
    assert ex.message == "interior: every cell gets the same 1 stamp, no checkerboard"  # k = s


def test_transpose_explorer_judges_the_interior_not_the_border():
    # lesson 5: k = 4, s = 2 overlaps evenly inside (4 everywhere) though the border gets 1s, 2s
    ex = widgets.transpose_explorer(n=3, k=4, stride=2)
    assert ex.counts.min() == 1 and ex.counts[2:6, 2:6].min() == ex.counts[2:6, 2:6].max() == 4
    assert ex.state["interior_even"] is True
    assert ex.message == (
        "interior: every cell gets the same 4 stamps, no checkerboard; "
        "the border gets fewer (1…): no stamps from beyond it"
    )
    frame = [p for p in ex.figure.axes[2].patches if p.get_gid() == "interior"]
    assert [(f.get_xy(), f.get_width()) for f in frame] == [((1.5, 1.5), 4)]
    ex.k.value = 1  # stamps apart: holes
    assert ex.message.startswith("interior: the stamps leave holes")
    ex.stride.value, ex.k.value = 1, 3  # stride 1: 3 × 3 stamps on the middle cell
    assert ex.state["interior_even"] is True and "the same 9 stamps" in ex.message


def test_transpose_explorer_caps_output_padding_below_the_stride():
    ex = widgets.transpose_explorer(stride=2)
    assert ex.output_padding.max == 1
    ex.output_padding.value = 1
    assert ex.formula.endswith("= 6") and ex.output.shape == (6, 6)
    ex.stride.value = 1  # output_padding must go back to 0, never a refusal
    assert ex.output_padding.max == 0 and ex.output_padding.value == 0
    assert ex.state["error"] is None and ex.output.shape == (4, 4)
    ex.stride.value = 3
    assert ex.output_padding.max == 2


def test_transpose_explorer_refusal_is_said_once_without_a_formula():
    ex = widgets.transpose_explorer(n=1, k=1, padding=2)
    assert ex.output is None and ex.formula == "" and ex.formula_html.value.count("o =") == 0
    assert ex.message.startswith("PyTorch refuses these settings.")
    assert ex.message_html.value == ""  # the picture says it; the message line does not repeat it


# ----------------------------------------------------------------------------- playground


def test_kernel_playground_presets_and_edits():
    pg = widgets.kernel_playground(size=48)
    np.testing.assert_array_equal(pg.kernel, kernels.sobel_x())
    photo = convlab.images.photo(size=48)
    ref = convlab.conv2d(photo[None, None], kernels.sobel_x()[None, None], padding=1)[0, 0]
    np.testing.assert_allclose(pg.output, ref)
    before, renders = picture(pg), pg.renders
    pg.preset.value = "box"
    assert pg.renders == renders + 1  # nine boxes change, one redraw
    assert pg.state["preset"] == "box" and pg.state["sum"] == pytest.approx(1.0)
    assert pg.picture.get_cmap().name == "gray"
    assert picture(pg) != before
    pg.cells[4].value = 5.0
    assert pg.state["preset"] == "(custom)" and pg.preset.value == "(custom)"
    assert pg.picture.get_cmap().name == "RdBu_r"
    assert cells(pg.kernel_grid.ax)[4] == "5"


def test_every_explorer_is_a_vbox_with_an_image():
    import ipywidgets

    for make in (
        widgets.conv_explorer,
        widgets.pool_explorer,
        widgets.padding_explorer,
        widgets.dilation_explorer,
        widgets.transpose_explorer,
    ):
        ex = make()
        assert isinstance(ex, ipywidgets.VBox) and ex.image in ex.children
        assert ex.formula and picture(ex)


def test_kernel_playground_and_feature_maps_share_the_display_rule():
    from convlab.plot.features import map_style

    pg = widgets.kernel_playground(size=48)
    for preset in ("box", "gaussian", "sobel_x", "identity", "laplacian"):
        pg.preset.value = preset
        cmap, vmin, vmax = map_style(pg.kernel, pg.output)
        assert pg.picture.get_cmap().name == cmap and pg.picture.get_clim() == (vmin, vmax)
        assert ("brightness kept" in pg.message) == (cmap == "gray")
    assert map_style(np.ones((3, 3)) / 9, np.zeros((2, 2)))[0] == "gray"
    assert map_style(None, np.array([[-3.0, 3.0]])) == ("RdBu_r", -3.0, 3.0)


def test_explorer_figure_is_made_once_whoever_asks_first():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    assert widgets.ConvExplorer.figure is None and widgets.ConvExplorer._moving == ()
    pg = widgets.kernel_playground(size=48)  # builds (and populates) its figure before _setup
    ex = widgets.conv_explorer()  # gets its figure from _setup
    for made in (pg, ex):
        assert isinstance(made.figure.canvas, FigureCanvasAgg)
        assert tuple(made.figure.get_size_inches()) == made.figsize
    assert pg.picture in pg._moving and pg.figure.axes[-1] is pg.ax_out  # the figure it drew


def test_impossible_settings_read_the_same_in_every_explorer():
    """One base method words them: ``title. detail``; state['error'] keeps the whole text."""
    tr = widgets.transpose_explorer(n=1, k=1, padding=2)
    assert tr.state["error"].startswith("transpose_explorer: output size would be (-3, -3)")
    assert tr.message == "PyTorch refuses these settings. " + tr.state["error"].split(": ", 1)[1]
    dl = widgets.dilation_explorer(dilations="2, x")
    assert dl.message.startswith("Cannot read the dilation rates. Got '2, x'.")
    assert dl.formula == "" and dl.figure.texts[0].get_text() == "Cannot read the dilation rates"
    pool = widgets.pool_explorer(k=2, padding=2)
    assert pool.message.startswith("PyTorch refuses these settings. padding must be at most")
    assert pool.state["error"].startswith("pool_explorer: padding")


# ----------------------------------------------------------------------------- shared


def test_conv_explorer_greys_the_rows_and_columns_no_window_reads():
    # lesson 2: n = 6, k = 3, s = 2, p = 0 reads rows 0…4 only; row 5 and col 5 are skipped
    ex = widgets.conv_explorer(n=6, k=3, stride=2, padding=0)
    assert ex.state["unread"] == ([5], [5])
    assert "No window reads row 5 and col 5 (grey)" in ex.message
    (patch,) = [p for p in ex.figure.axes[0].patches if p.get_gid() == "unread"]
    squares = patch.get_path().to_polygons()
    covered = {(int(q[:, 1].min() + 0.5), int(q[:, 0].min() + 0.5)) for q in squares}
    assert covered == {(5, c) for c in range(6)} | {(r, 5) for r in range(6)}  # (row, col)
    ex.stride.value = 1
    assert ex.state["unread"] == ([], []) and "No window" not in ex.message
    ex.stride.value, ex.padding.value = 3, 1  # padded 8: windows at 0 and 3 read 0…5
    assert ex.state["unread"] == ([5], [5])


def test_explorer_output_carries_a_still_png_for_a_notebook_without_kernel():
    import base64
    import io

    from IPython.core.formatters import DisplayFormatter
    from PIL import Image

    ex = widgets.conv_explorer(n=6, k=3, stride=2, padding=0)
    data, _ = DisplayFormatter().format(ex)
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "ConvExplorer: run this cell in Jupyter to use the explorer"
    still = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    live = Image.open(io.BytesIO(ex.image.value))
    assert still.mode == live.mode == "RGB"  # opaque pictures, encoded by Pillow
    assert still.width == live.width and still.height > live.height  # the hint lines on top
    below = np.asarray(still)[still.height - live.height :]
    np.testing.assert_array_equal(below, np.asarray(live))  # the picture as first shown
