"""The backpropagation explorer without a browser: state, gradients and picture.

Every gradient the explorer shows is checked against convlab's backward functions and
against the identities lesson 7 teaches (the input gradient is a transposed convolution,
the weight gradient the window of the input, max pooling routes to the argmax).
"""

from __future__ import annotations

import ipywidgets
import numpy as np
import pytest

import convlab
from convlab import plot, widgets
from convlab.plot._style import fmt_value

PNG = b"\x89PNG\r\n\x1a\n"


def picture(ex) -> bytes:
    data = bytes(ex.image.value)
    assert data.startswith(PNG)
    return data


def texts(ax) -> list[str]:
    return plot.cell_texts(ax)


def by_gid(ax, gid) -> list:
    return [p for p in ax.patches if p.get_gid() == gid]


def shown(values) -> list[str]:
    """What a grid with ``hide_zeros`` writes: the values, zeros blank."""
    return ["" if v == 0 else fmt_value(v) for v in np.ravel(values)]


def test_defaults_show_the_stamp_and_the_window():
    ex = widgets.backprop_explorer()
    assert isinstance(ex, widgets.BackpropExplorer) and isinstance(ex, ipywidgets.VBox)
    assert ex.image in ex.children and picture(ex)
    first = ex.children[0].children[0].children[0]  # the first control is a slider
    assert isinstance(first, ipywidgets.IntSlider) and first is ex.i
    assert ex.state["out"] == (3, 3) and (ex.state["i"], ex.state["j"]) == (1, 1)
    x = np.arange(1.0, 26.0).reshape(5, 5)
    w = np.arange(1.0, 10.0).reshape(3, 3)
    g = np.zeros((3, 3))
    g[1, 1] = 1
    np.testing.assert_array_equal(ex.grad_output, g)
    gx, gw, gb = convlab.conv2d_backward(g[None, None], x[None, None], w[None, None], np.zeros(1))
    np.testing.assert_array_equal(ex.grad_input, gx[0, 0])
    np.testing.assert_array_equal(ex.grad_weight, gw[0, 0])
    assert ex.grad_bias == gb[0] == 1.0
    # the identities: dL/dx is w stamped on the window, dL/dw is the window of x
    stamp = np.zeros((5, 5))
    stamp[1:4, 1:4] = w
    np.testing.assert_array_equal(ex.grad_input, stamp)
    np.testing.assert_array_equal(ex.grad_weight, x[1:4, 1:4])
    assert ex.formula.startswith("dL/dx = conv_transpose2d(g, w, stride=1, padding=0, ")
    assert "rows 1…3, cols 1…3" in ex.message
    # the picture: forward row (x, w, y) over backward row (dL/dx, dL/dw, g)
    axes = ex.axes
    assert list(axes) == ["x", "w", "y", "dx", "dw", "g"]
    assert [ax.get_title() for ax in ex.figure.axes] == [
        "x: input 5×5", "w: kernel", "y = x ⋆ w", "dL/dx", "dL/dw", "g = dL/dy"
    ]  # fmt: skip
    assert texts(axes["dw"]) == [fmt_value(v) for v in x[1:4, 1:4].ravel()]
    assert texts(axes["dx"]) == shown(stamp)
    assert texts(axes["g"]) == shown(g)
    assert [r.get_xy() for r in by_gid(axes["x"], "window")] == [(0.5, 0.5)]
    assert [r.get_xy() for r in by_gid(axes["dx"], "window")] == [(0.5, 0.5)]
    assert [r.get_xy() for r in by_gid(axes["g"], "cell")] == [(0.5, 0.5)]


def test_moving_the_output_position_moves_stamp_and_window():
    ex = widgets.backprop_explorer()
    before, renders, background = picture(ex), ex.renders, ex._background
    ex.i.value, ex.j.value = 0, 2
    assert ex.renders == renders + 2 and picture(ex) != before
    assert ex._background is background  # blitted: only the gradients were redrawn
    assert (ex.state["i"], ex.state["j"]) == (0, 2)
    x = np.arange(1.0, 26.0).reshape(5, 5)
    np.testing.assert_array_equal(ex.grad_weight, x[0:3, 2:5])
    assert ex.grad_input[0:3, 2:5].tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert ex.grad_input.sum() == 45
    axes = ex.axes
    assert texts(axes["dw"]) == shown(x[0:3, 2:5])  # the blitted grids show the new numbers
    assert [r.get_xy() for r in by_gid(axes["dx"], "window")] == [(1.5, -0.5)]
    assert [r.get_xy() for r in by_gid(axes["y"], "cell")] == [(1.5, -0.5)]


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 0), (2, 1), (3, 2)])
def test_input_gradient_is_the_transposed_convolution(stride, padding):
    ex = widgets.backprop_explorer(n=6, stride=stride, padding=padding, i=0, j=1)
    w = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    op = (6 + 2 * padding - 3) % stride
    ref = convlab.conv_transpose2d(ex.grad_output[None, None], w, None, stride, padding, op)
    np.testing.assert_array_equal(ex.grad_input, ref[0, 0])
    assert f"output_padding={op})" in ex.formula
    p = padding  # the padded frame holds dL/dx in its middle; the rest is dropped
    np.testing.assert_array_equal(ex.grad_padded[p : p + 6, p : p + 6], ex.grad_input)


def test_rows_no_window_reads_get_no_gradient():
    ex = widgets.backprop_explorer(n=6, stride=2, gradient="ones")
    assert ex.state["out"] == (2, 2) and ex.state["unvisited"] == ([5], [5])
    assert "No window reads row 5 and col 5" in ex.message
    assert (ex.grad_input[5] == 0).all() and (ex.grad_input[:, 5] == 0).all()
    assert (ex.grad_input[:5, :5] > 0).all()
    x, w = np.arange(1.0, 37.0).reshape(1, 1, 6, 6), np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    ref = convlab.conv2d_backward(np.ones((1, 1, 2, 2)), x, w, None, 2)
    np.testing.assert_array_equal(ex.grad_input, ref[0][0, 0])
    np.testing.assert_array_equal(ex.grad_weight, ref[1][0, 0])
    assert ex.grad_bias == 4.0
    # one grey patch per row of the picture, covering the 11 unvisited cells
    grey = [by_gid(ex.axes[name], "unvisited") for name in ("x", "dx")]
    assert [len(g) for g in grey] == [1, 1] and ex.unvisited.sum() == 11
    assert not any(r.get_visible() for r in by_gid(ex.axes["x"], "window"))  # g is everywhere


def test_padding_gradient_is_dropped():
    ex = widgets.backprop_explorer(padding=1, gradient="ones")
    assert ex.grad_padded.shape == (7, 7) and ex.grad_input.shape == (5, 5)
    assert ex.grad_padded[0].sum() > 0  # gradient reaches the padding ...
    assert "dropped" in ex.axes["dx"].get_title()  # ... and goes nowhere
    np.testing.assert_array_equal(ex.grad_padded[1:6, 1:6], ex.grad_input)
    # the corner of the padding is read by one window through w[0, 0] = 1; its neighbour by
    # two windows, through w[0, 1] = 2 and w[0, 0] = 1
    assert ex.grad_padded[0, 0] == 1 and ex.grad_padded[0, 1] == 3


def test_max_pool_routes_to_the_argmax_and_overlaps_add_up():
    ex = widgets.backprop_explorer(mode="max", k=2, stride=2, n=6, i=1, j=2)
    x = np.random.default_rng(6).integers(0, 10, (6, 6)).astype(float)
    y, idx = convlab.max_pool2d(x[None], 2, 2, return_indices=True)
    np.testing.assert_array_equal(ex.output, y[0])
    assert ex.grad_weight is None and ex.grad_bias is None
    r, c = divmod(int(idx[0, 1, 2]), 6)
    assert np.argwhere(ex.grad_input).tolist() == [[r, c]] and ex.grad_input[r, c] == 1
    assert f"maximum x[{r}, {c}]" in ex.message
    assert [w.get_xy() for w in by_gid(ex.axes["x"], "winner")] == [(c - 0.4, r - 0.4)]
    assert ex.formula.endswith("(the first on ties)")
    ex.k.value, ex.stride.value = 3, 1
    ex.gradient.value = "ones"
    ref = convlab.max_pool2d_backward(np.ones((1, 4, 4)), x[None], 3, 1)[0][0]
    np.testing.assert_array_equal(ex.grad_input, ref)
    assert ex.grad_input.sum() == 16 and ex.grad_input.max() > 1  # a cell won several windows
    assert list(ex.axes) == ["x", "y", "dx", "g"] and texts(ex.axes["dx"]) == shown(ref)


def test_avg_pool_spreads_evenly():
    ex = widgets.backprop_explorer(mode="avg", k=3, stride=1, padding=1, i=0, j=0)
    share = np.zeros((7, 7))
    share[0:3, 0:3] = 1 / 9  # the window at the corner: four of its cells are padding
    np.testing.assert_allclose(ex.grad_padded, share)
    np.testing.assert_allclose(ex.grad_input, share[1:6, 1:6])
    assert ex.formula.endswith("g / 9 per cell")
    ex.gradient.value = "ones"
    x = np.random.default_rng(5).integers(0, 10, (1, 5, 5)).astype(float)
    ref = convlab.avg_pool2d_backward(np.ones((1, 5, 5)), x, 3, 1, 1)[0][0]
    np.testing.assert_allclose(ex.grad_input, ref)


def test_impossible_settings_are_explained_and_recoverable():
    ex = widgets.backprop_explorer(mode="max", k=3, padding=1)
    before = picture(ex)
    ex.padding.value = 2
    assert ex.window is None and ex.grad_input is None and "at most half" in ex.message
    assert ex.state["error"] and picture(ex) != before
    ex.i.value = 0  # moving the position while refused must not crash
    ex.padding.value = 1
    assert ex.state["error"] is None and ex.grad_input.sum() == 1
    ex.mode.value, ex.n.value, ex.k.value, ex.padding.value = "conv", 3, 4, 0
    assert ex.window is None and ex.message


def test_sliders_follow_the_output_size():
    ex = widgets.backprop_explorer(i=2, j=2)
    ex.stride.value = 3  # 5×5, k=3, s=3: output 1×1
    assert ex.state["out"] == (1, 1) and ex.i.max == 0 and ex.i.value == 0
    assert ex.grad_input[:3, :3].sum() == 45 and ex.state["unvisited"] == ([3, 4], [3, 4])
    assert "rows 3, 4 and cols 3, 4" in ex.message


@pytest.mark.parametrize("mode", ["conv", "max", "avg"])
@pytest.mark.parametrize("gradient", ["one-hot", "ones"])
def test_one_backward_pass_on_the_padded_frame_gives_the_input_gradient(mode, gradient):
    """The explorer runs backward once, on the padded frame, and crops dL/dx out of it: the
    same numbers as convlab's backward on the input with its padding, for every setting."""
    ex = widgets.backprop_explorer(mode=mode, gradient=gradient)
    for n, k, s, p in [(5, 3, 1, 0), (6, 3, 2, 1), (7, 2, 3, 1), (5, 4, 1, 2), (6, 2, 2, 0)]:
        with ex.hold():
            ex.n.value, ex.k.value, ex.stride.value, ex.padding.value = n, k, s, p
        ex.update()
        ex.i.value = ex.i.max  # a slider move recomputes the gradients too
        win, g4 = ex.window, ex.grad_output[None, None]
        x4 = win.x[None, None]
        if mode == "conv":
            w4 = win.kernel[None, None]
            gx, gw, gb = convlab.conv2d_backward(g4, x4, w4, np.zeros(1), s, p)
            np.testing.assert_array_equal(ex.grad_weight, gw[0, 0])
            assert ex.grad_bias == gb[0]
        else:
            backward = convlab.max_pool2d_backward if mode == "max" else convlab.avg_pool2d_backward
            gx = backward(g4, x4, k, s, p)[0]
            assert ex.grad_weight is None and ex.grad_bias is None
        np.testing.assert_array_equal(ex.grad_input, gx[0, 0])
        np.testing.assert_array_equal(ex.grad_padded[p : p + n, p : p + n], ex.grad_input)


def test_a_kernel_bigger_than_the_padded_input_is_titled_no_output():
    ex = widgets.backprop_explorer(n=3, k=4, padding=0)
    assert ex.window is None and ex.state["error"].startswith("backprop_explorer: ")
    title = ex.figure.texts[0].get_text()
    assert title == "No output" and ex.message.startswith("No output. the kernel")
    ex.mode.value = "max"
    assert ex.figure.texts[0].get_text() == "No output"
    ex.k.value, ex.padding.value = 2, 2
    assert ex.figure.texts[0].get_text() == "PyTorch refuses these settings"
    assert ex.message.startswith("PyTorch refuses these settings. padding must be at most half")
