"""convlab.plot, convlab.kernels and convlab.images: structure and numbers, not pixels.

Every figure is checked for what a learner reads off it (cell values, highlighted cells,
footprints, formulas, verdicts), and those numbers are checked against convlab's ops and,
where one exists, an independent oracle (scipy).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import convlab
from convlab import images, kernels, plot
from convlab.plot._style import Scale, fmt_value
from convlab.plot._window import conv_window, pool_window
from convlab.plot.fields import path_counts
from convlab.plot.transposed import Stamps

X5 = np.arange(1.0, 26.0).reshape(5, 5)
W3 = np.array([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cells(ax) -> list[str]:
    return plot.cell_texts(ax)


def by_gid(ax, gid) -> list:
    return [p for p in ax.patches if p.get_gid() == gid]


def arithmetic(fig) -> str:
    (text,) = [t.get_text() for t in fig.texts if t.get_gid() == "arithmetic"]
    return text


# ----------------------------------------------------------------------------- lightness


def test_import_convlab_does_not_import_plotting_or_widgets():
    code = (
        "import sys, convlab, convlab.kernels\n"
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'PIL') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "convlab.plot\n"
        "assert 'matplotlib' in sys.modules and 'ipywidgets' not in sys.modules\n"
        "convlab.widgets\n"
        "assert 'ipywidgets' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_plot_code_never_imports_grading():
    import pathlib

    root = pathlib.Path(convlab.__file__).parent
    for path in [*(root / "plot").glob("*.py"), *(root / "widgets").glob("*.py")]:
        assert "grading" not in path.read_text(), path


# ----------------------------------------------------------------------------- kernels


def test_classic_kernels_values_and_sums():
    k = kernels.classic()
    assert list(k) == [
        "identity",
        "sobel_x",
        "sobel_y",
        "laplacian",
        "box",
        "gaussian",
        "sharpen",
        "emboss",
    ]
    np.testing.assert_array_equal(k["sobel_y"], k["sobel_x"].T)
    for name in ("identity", "box", "gaussian", "sharpen", "emboss"):
        assert k[name].sum() == pytest.approx(1.0), name
    for name in ("sobel_x", "sobel_y", "laplacian"):
        assert k[name].sum() == 0.0, name
    g = kernels.gaussian(7, 1.5)
    np.testing.assert_allclose(g, g.T)
    np.testing.assert_allclose(g, g[::-1, ::-1])
    assert g.argmax() == 24  # the centre
    kernels.sobel_x()[0, 0] = 99.0  # fresh arrays: mutation does not leak
    assert kernels.sobel_x()[0, 0] == -1.0


def test_kernels_act_as_documented_under_conv2d():
    x = np.tile([0.0, 0.0, 1.0, 1.0, 1.0], (5, 1))  # dark left, bright right
    gx = convlab.conv2d(x[None, None], kernels.sobel_x()[None, None])[0, 0]
    gy = convlab.conv2d(x[None, None], kernels.sobel_y()[None, None])[0, 0]
    assert (gx[:, 0] > 0).all() and (gy == 0).all()
    y = convlab.conv2d(X5[None, None], kernels.identity(4)[None, None], padding="same")
    np.testing.assert_array_equal(y[0, 0], X5)


@pytest.mark.parametrize(
    ("call", "kind", "match"),
    [
        (lambda: kernels.box(0), ValueError, "box: k must be"),
        (lambda: kernels.gaussian(3, sigma=0), ValueError, "gaussian: sigma must be a positive"),
        (lambda: kernels.gaussian(3, sigma="1"), TypeError, "sigma must be a positive number"),
        (lambda: kernels.identity(2.5), TypeError, "identity: k must be"),
        (lambda: images.photo(size=0), ValueError, "photo: size must be"),
        (lambda: images.photo(gray="yes"), TypeError, "photo: gray must be True or False"),
    ],
)
def test_kernel_and_photo_errors(call, kind, match):
    with pytest.raises(kind, match=match):
        call()


def test_photo():
    rgb = images.photo(gray=False)
    assert rgb.shape == (600, 512, 3) and rgb.dtype == np.float64
    assert rgb.min() >= 0.0 and rgb.max() <= 1.0
    gray = images.photo()
    np.testing.assert_allclose(gray, rgb @ [0.299, 0.587, 0.114])
    assert images.photo(size=(30, 40)).shape == (30, 40)
    small = images.photo(size=60)
    assert small.shape == (60, 51)
    small[:] = 0.0  # a fresh copy each call
    assert images.photo(size=60).max() > 0.5


# ----------------------------------------------------------------------------- style


@pytest.mark.parametrize(
    ("v", "text"),
    [
        (3.0, "3"),
        (-2.0, "−2"),
        (0.25, "0.25"),
        (1 / 3, "0.33"),
        (12.5, "12.5"),
        (-0.0, "0"),
        (-np.inf, "−∞"),
        (np.nan, ""),
        (123.456, "123.5"),
        (0.0751, "0.075"),
    ],
)
def test_fmt_value(v, text):
    assert fmt_value(v) == text


def test_scale_is_sign_aware():
    signed = Scale.of(np.array([-2.0, 0.0, 1.0]))
    assert signed.signed and signed.lo == -2.0 and signed.hi == 2.0
    red, white, blue = signed.rgba(np.array([2.0, 0.0, -2.0]))
    assert red[0] > red[2] and blue[2] > blue[0]
    assert abs(white[0] - white[2]) < 0.05  # 0 is neutral
    assert not Scale.of(np.array([0.0, 3.0])).signed


# ----------------------------------------------------------------------------- grid


def test_grid_cells_padding_and_highlight():
    padded = np.pad(X5[:3, :3], 1)
    fig = plot.grid(padded, padding=1, highlight=[(0, 2)], title="x")
    (ax,) = fig.axes
    assert cells(ax) == [fmt_value(v) for v in padded.ravel()]
    (hi,) = by_gid(ax, "highlight")
    assert hi.get_xy() == (2.5, 0.5)  # real (0, 2) is padded (1, 3)
    assert len(by_gid(ax, "real-frame")) == 1
    (hatch,) = by_gid(ax, "hatch")
    assert len(hatch.get_path().vertices) == 5 * (padded.size - 9)  # one square per padding cell
    index = [s for a in ax.artists if a.get_gid() == "index" for s in a.get_texts()]
    assert index[:5] == ["−1", "0", "1", "2", "3"]
    assert tuple(fig.get_size_inches()) == pytest.approx(fig.get_size_inches())


def test_grid_rejects_3d():
    with pytest.raises(ValueError, match="grid: values must be 2-D"):
        plot.grid(np.zeros((2, 2, 2)))


def test_figures_are_deterministic():
    def png():
        buf = io.BytesIO()
        plot.conv_step(X5, W3, 1, 1, padding=1).savefig(buf, format="png")
        return buf.getvalue()

    assert png() == png()


# ----------------------------------------------------------------------------- conv step

CONV_CASES = [
    dict(),
    dict(padding=1),
    dict(stride=2, padding=1),
    dict(dilation=2, padding=2),
    dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
    dict(padding="same"),
    *[dict(padding=2, padding_mode=m) for m in ("reflect", "replicate", "circular")],
    dict(padding=1, convolution=True),
]


@pytest.mark.parametrize("settings", CONV_CASES)
def test_conv_step_numbers_match_conv2d_at_every_position(settings):
    w = conv_window("t", X5, W3, **{"stride": 1, "padding": 0, **settings})
    flip = settings.get("convolution", False)
    kw = {k: v for k, v in settings.items() if k != "convolution"}
    ref = convlab.conv2d(X5[None, None], (W3[::-1, ::-1] if flip else W3)[None, None], **kw)
    np.testing.assert_array_equal(w.output, ref[0, 0])
    oh, ow = w.out
    for i in range(oh):
        for j in range(ow):
            total = sum(a * b for a, b in w.terms(i, j))
            assert total == pytest.approx(w.output[i, j])
            assert w.arithmetic(i, j).endswith(f"= {fmt_value(w.output[i, j])}")


def test_true_convolution_matches_scipy():
    signal = pytest.importorskip("scipy.signal")
    w = np.array([[1.0, -1.0], [2.0, 0.5]])
    win = conv_window("t", X5, w, convolution=True)
    np.testing.assert_allclose(win.output, signal.convolve2d(X5, w, mode="valid"))
    assert win.terms(0, 1)[0] == (2.0, 0.5)  # the window's top-left meets w's bottom-right


def test_conv_step_figure_structure():
    fig = plot.conv_step(X5, W3, 1, 1, stride=2, padding=1, dilation=2, padding_mode="reflect")
    inp, ker, out = fig.axes
    assert len(cells(inp)) == 49 and len(cells(ker)) == 9 and len(cells(out)) == 4
    assert cells(ker) == [fmt_value(v) for v in W3.ravel()]
    assert cells(inp)[:3] == ["7", "6", "7"]  # reflect padding, from convlab.pad
    (hi,) = by_gid(out, "highlight")
    assert hi.get_xy() == (0.5, 0.5)
    # output (1, 1) reads padded rows 2, 4, 6 and columns 2, 4, 6
    taps = sorted(p.get_xy() for p in by_gid(inp, "tap"))
    assert taps == sorted((c - 0.5, r - 0.5) for r in (2, 4, 6) for c in (2, 4, 6))
    text = arithmetic(fig)
    assert text.startswith("y[1, 1] = 7·0 + 9·1 + 9·2") and text.endswith("= 156")
    assert "padding 1, reflect" in inp.get_title()
    assert "dilation 2" in ker.get_title()
    assert "stride 2" in out.get_title()


def test_conv_step_writes_signs_and_operators():
    fig = plot.conv_step(X5, np.array([[1.0, -1.0]]), 0, 0, convolution=True)
    assert arithmetic(fig) == "y[0, 0] = 1·(−1) + 2·1 = 1"
    assert "∗" in [t.get_text() for t in fig.texts]
    fig = plot.conv_step(X5, W3)
    assert "⋆" in [t.get_text() for t in fig.texts]


@pytest.mark.parametrize(
    ("kwargs", "kind", "match"),
    [
        (dict(i=3), ValueError, r"conv_step: the output position must lie inside the 3x3"),
        (dict(padding=5, padding_mode="reflect"), ValueError, "padding_mode='reflect' needs"),
        (dict(weight=np.ones((6, 6))), ValueError, "larger than the padded input"),
        (dict(x=np.ones((1, 5, 5))), ValueError, r"conv_step: x must be 2-D \(H, W\)"),
        (dict(convolution="yes"), TypeError, "convolution must be True or False"),
    ],
)
def test_conv_step_errors(kwargs, kind, match):
    args = {"x": X5, "weight": W3, **kwargs}
    with pytest.raises(kind, match=match):
        plot.conv_step(**args)


def test_step_picture_moves_only_overlays():
    fig = plot.conv_step(X5, W3, 0, 0, padding=1)
    before = cells(fig.axes[0])
    picture = plot.StepPicture(conv_window("t", X5, W3, 1, 1), fig=plt.figure())
    picture.set_position(4, 4)
    assert picture.position == (4, 4)
    assert picture.highlight.get_xy() == (3.5, 3.5)
    assert picture.arithmetic.endswith("= 118")
    assert cells(fig.axes[0]) == before


# ----------------------------------------------------------------------------- pooling


def test_pool_step_max_marks_the_winner():
    x = np.array([[1.0, 5.0, 2.0], [3.0, 4.0, 0.0], [7.0, 1.0, 9.0]])
    fig = plot.pool_step(x, 2, 1, 0, stride=1)
    inp, out = fig.axes
    (win,) = by_gid(inp, "winner")
    assert win.get_xy() == pytest.approx((0 - 0.4, 2 - 0.4))  # 7 at (2, 0)
    assert arithmetic(fig) == "y[1, 0] = max(3, 4, 7, 1) = 7"
    np.testing.assert_array_equal(
        [float(t.replace("−", "-")) for t in cells(out)],
        convlab.max_pool2d(x[None], 2, 1)[0].ravel(),
    )


def test_pool_step_padding_is_minus_infinity_for_max_and_counts_for_avg():
    x = X5[:4, :4]
    fig = plot.pool_step(x, 3, 0, 0, stride=2, padding=1)
    assert cells(fig.axes[0])[0] == "−∞"
    w = pool_window("t", x, 3, 2, 1, mode="avg", count_include_pad=True)
    assert (
        w.arithmetic(0, 0)
        == "y[0, 0] = (0 + 0 + 0\n         + 0 + 1 + 2\n         + 0 + 6 + 7) / 9 = 1.78"
    )
    w = pool_window("t", x, 3, 2, 1, mode="avg", count_include_pad=False)
    assert w.arithmetic(0, 0) == "y[0, 0] = (1 + 2 + 6\n         + 7) / 4 = 4"
    ref = convlab.avg_pool2d(x[None], 3, 2, 1, count_include_pad=False)[0]
    np.testing.assert_allclose(w.output, ref)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_terms_reproduce_the_output_with_ceil_mode(mode):
    w = pool_window("t", X5, 2, 2, 0, 1, True, mode, False)
    assert w.out == (3, 3)
    assert np.isnan(w.padded[5]).all()  # the overhang past the input is not there
    for i in range(3):
        for j in range(3):
            vals = [v for (v,) in w.terms(i, j)]
            expect = max(vals) if mode == "max" else sum(vals) / w.divisor[i, j]
            assert expect == pytest.approx(w.output[i, j])
    assert w.arithmetic(2, 2) == (
        "y[2, 2] = max(25) = 25" if mode == "max" else "y[2, 2] = (25) / 1 = 25"
    )


def test_pool_step_rejects_dilated_avg():
    with pytest.raises(ValueError, match="pool_step: avg pooling has no dilation"):
        plot.pool_step(X5, 2, mode="avg", dilation=2)


# ----------------------------------------------------------------------------- padding


def test_padding_modes_panels_hold_convlab_pad():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    fig = plot.padding_modes(x, 2)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes] == [
        "zeros",
        "reflect",
        "replicate",
        "circular",
    ]
    for ax, mode in zip(fig.axes, ["constant", "reflect", "replicate", "circular"], strict=True):
        expect = convlab.pad(x[None], (2, 2, 2, 2), mode)[0]
        assert cells(ax) == [fmt_value(v) for v in expect.ravel()]


def test_padding_modes_explains_a_refusal():
    fig = plot.padding_modes(np.ones((3, 3)), 3)
    reflect = fig.axes[1]
    assert cells(reflect) == []
    assert [t.get_gid() for t in reflect.texts] == ["refusal"]
    assert len(cells(fig.axes[3])) == 81  # circular may pad by the full size


# ----------------------------------------------------------------------------- fields


def test_dilated_kernel_footprint():
    fig = plot.dilated_kernel(3, [1, 3])
    _, b = fig.axes
    assert len(cells(b)) == 49
    assert [t for t in cells(b) if t] == [str(v) for v in range(1, 10)]
    assert cells(b)[:4] == ["1", "", "", "2"]
    assert b.get_title() == "3×3, dilation 3\nextent 7×7"


def test_path_counts_agree_with_dilation_coverage():
    rates = [1, 2, 5]
    layers = [{"kernel_size": 3, "dilation": d} for d in rates]
    rf = convlab.receptive_field(layers)[-1].size
    levels, unit = path_counts(layers, rf, None)
    assert unit == 0 and len(levels) == 4
    np.testing.assert_array_equal(levels[0], convlab.dilation_coverage(rates, ndim=1))


def test_receptive_field_outlines_match_convlab():
    layers = [
        {"kernel_size": 3, "padding": 1},
        {"kernel_size": 2, "stride": 2},
        {"kernel_size": 3, "dilation": 2, "padding": 2},
    ]
    fig = plot.receptive_field(layers, input_size=16)
    _, grid = fig.axes
    fields = convlab.receptive_field(layers)
    legend = [t.get_text() for t in grid.texts if t.get_gid() == "legend"]
    assert legend == [f"layer {i + 1}: {f.size}×{f.size}" for i, f in enumerate(fields)]
    outer = max(by_gid(grid, "field"), key=lambda p: p.get_width())
    assert outer.get_width() == 12 and outer.get_xy() == (0.5, 0.5)  # unit 3: [1, 13)
    counts = np.array([float(t) if t else 0.0 for t in cells(grid)]).reshape(16, 16)
    seen = np.nonzero(counts.any(axis=0))[0]
    assert (seen[0], seen[-1]) == (1, 12)


def test_gridding_titles_and_holes():
    fig = plot.gridding([2, 2, 2], [1, 2, 5])
    bad, good = fig.axes
    assert bad.get_title().startswith("[2, 2, 2]  ✗ grids")
    assert good.get_title().startswith("[1, 2, 5]  ✓ no holes")
    cov = convlab.dilation_coverage([2, 2, 2])
    assert f"{int((cov == 0).sum())} of {cov.size} pixels unseen" in bad.get_xlabel()
    assert "0 of 289" in good.get_xlabel()


def test_index_labels_count_in_a_tight_bbox():
    # Jupyter's inline backend saves with bbox_inches="tight": the row indices drawn left of
    # the axes (a CellTexts artist) must widen that box, or the notebook crops them.
    fig = plot.receptive_field([{"kernel_size": 3}] * 2, input_size=12)
    renderer = fig.canvas.get_renderer()
    grid_ax = fig.axes[1]
    index = [a for a in grid_ax.get_children() if a.get_gid() == "index"]
    assert index
    left = min(a.get_window_extent(renderer).x0 for a in index)
    assert left < grid_ax.get_window_extent(renderer).x0 - 5  # pixels
    tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
    assert tight.x0 <= left


def test_gridding_mark_follows_the_coverage_not_the_rule():
    # [2, 3] passes the HDC rule (M_2 = 3 <= K, gcd 1) yet leaves holes; [1, 3, 1] fails
    # the rule and has none. The picture must say what the coverage shows.
    assert convlab.hdc_check([2, 3]) and (convlab.dilation_coverage([2, 3]) == 0).any()
    assert not convlab.hdc_check([1, 3, 1]) and (convlab.dilation_coverage([1, 3, 1]) > 0).all()
    fig = plot.gridding([2, 3], [1, 3, 1])
    holes, full = (ax.get_title().split("\n") for ax in fig.axes)
    assert holes == ["[2, 3]  ✗ grids", "HDC rule holds: M₂ = 3 ≤ 3, rates share no factor"]
    assert full == ["[1, 3, 1]  ✓ no holes", "HDC rule fails: M₂ = 5 > K = 3"]
    assert "40 of 121 pixels unseen" in fig.axes[0].get_xlabel()


# ----------------------------------------------------------------------------- transposed


def test_stamps_sum_to_conv_transpose2d():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    w = np.array([[1.0, 2.0], [3.0, -1.0]])
    st = Stamps("t", x, w, stride=2, padding=1, output_padding=1)
    total = sum(np.nan_to_num(st.stamp(a, b)) for a in range(3) for b in range(3))
    np.testing.assert_allclose(total, st.full)
    (ph, pw), (oh, ow) = st.padding, st.output.shape
    np.testing.assert_allclose(st.full[ph : ph + oh, pw : pw + ow], st.output)
    ref = convlab.conv_transpose2d(x[None, None], w[None, None], None, 2, 1, 1)[0, 0]
    np.testing.assert_allclose(st.output, ref)


def test_transposed_stamps_figure_shows_checkerboard_counts():
    fig = plot.transposed_stamps()
    assert len(fig.axes) == 4 + 2
    counts = fig.axes[-1]
    assert cells(counts) == [
        fmt_value(v)
        for v in [1, 1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 2, 4, 2, 2, 1, 1, 2, 1, 1, 1, 1, 2, 1, 1]
    ]
    assert cells(fig.axes[-2])[12] == "10"


def test_transposed_stamps_error():
    with pytest.raises(ValueError, match="output_padding must be smaller"):
        plot.transposed_stamps(output_padding=2)


# ----------------------------------------------------------------------------- matrix


def test_conv_matrix_figure_is_c_times_x():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    fig = plot.conv_matrix((3, 3), w)
    _, ax_c, ax_y, _ = fig.axes
    c = convlab.conv_matrix((3, 3), w)
    assert cells(ax_c) == ["" if v == 0 else fmt_value(v) for v in c.ravel()]
    x = np.arange(1.0, 10.0)
    assert cells(ax_y) == [fmt_value(v) for v in c @ x]
    assert ax_c.get_xlabel().startswith("C (4 × 9)")


def test_conv_matrix_transpose_is_conv_transpose2d():
    fig = plot.conv_matrix((5, 5), stride=2, padding=1, transpose=True)
    _, ax_ct, ax_res, _ = fig.axes
    c = convlab.conv_matrix((5, 5), np.arange(1.0, 10.0).reshape(3, 3), 2, 1)
    y = np.arange(1.0, 10.0)
    assert cells(ax_res) == [fmt_value(v) for v in c.T @ y]
    assert ax_ct.get_xlabel().startswith("Cᵀ (25 × 9)")


@pytest.mark.parametrize("transpose", [False, True])
def test_conv_matrix_caption_fits_in_the_figure(transpose):
    # Cᵀ of a 4×4 input is only 4 columns wide: its caption used to be cut off on the left
    fig = plot.conv_matrix((4, 4), transpose=transpose)
    fig.canvas.draw()
    box = fig.axes[1].xaxis.label.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 and box.y0 >= 0
    plt.close(fig)


# ----------------------------------------------------------------------------- features


def test_feature_maps_are_conv2d_of_the_photo():
    img = images.photo(size=40)
    fig = plot.feature_maps({"sobel_x": kernels.sobel_x(), "box": kernels.box()}, img)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["input", "sobel_x", "box"]
    sob = next(ax for ax in fig.axes if ax.get_title() == "sobel_x")
    ref = convlab.conv2d(img[None, None], kernels.sobel_x()[None, None], padding="same")[0, 0]
    np.testing.assert_allclose(sob.images[0].get_array(), ref)
    assert sob.images[0].get_cmap().name == "RdBu_r"
    box = next(ax for ax in fig.axes if ax.get_title() == "box")
    assert box.images[0].get_cmap().name == "gray"


def test_feature_maps_of_a_conv_layer():
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(4, 3, 3, 3))
    img = images.photo(gray=False, size=24)
    fig = plot.feature_maps(weight, img, bias=np.arange(4.0))
    maps = [ax for ax in fig.axes if ax.get_title().startswith("filter")]
    assert len(maps) == 4
    ref = convlab.conv2d(img.transpose(2, 0, 1), weight, np.arange(4.0), padding="same")
    np.testing.assert_allclose(maps[2].images[0].get_array(), ref[2])


def test_feature_maps_errors():
    with pytest.raises(ValueError, match="2-D kernels need a gray image"):
        plot.feature_maps(None, images.photo(gray=False, size=16))


# ----------------------------------------------------------------------------- animation


def test_animation_frames_gif_and_html(tmp_path):
    before = plt.get_fignums()
    anim = plot.animate(X5[:4, :4], np.ones((3, 3)), padding=0)
    assert anim.frames == 4 and plt.get_fignums() == before  # not a pyplot figure
    anim.show(2)
    out = anim.picture.output
    assert cells(out.ax) == ["63", "72", "108", ""]  # revealed so far
    path = plot.save_gif(anim, str(tmp_path / "a.gif"), fps=2)
    from PIL import Image  # reading the file back (the library writes it via matplotlib)

    with Image.open(path) as im:
        assert im.n_frames == 4
    html = plot.to_html(anim)
    # the 4 frames, plus the first one again as the <img>'s own src (shown without JavaScript)
    assert html.count("data:image/png;base64") == 5
    assert 'alt="frame 1"' in html
    pool = plot.animate(X5, mode="max", kernel_size=2)
    assert pool.frames == 4 and pool.picture.window.kind == "max"


def test_animate_rejects_unknown_mode():
    with pytest.raises(ValueError, match="animate: mode must be one of"):
        plot.animate(X5, W3, mode="deconv")


def test_cell_numbers_stay_text_in_vector_output():
    buf = io.BytesIO()
    plot.conv_step(X5[:3, :3], np.ones((2, 2))).savefig(buf, format="svg")
    svg = buf.getvalue().decode()
    assert "<image" not in svg  # the bitmap cache is for raster output only


def test_animation_player_works_offline():
    """matplotlib's player links Font Awesome from a CDN; offline its buttons were blank."""
    html = plot.animate(np.arange(16.0).reshape(4, 4), np.ones((2, 2))).to_html()
    assert "://" not in html  # nothing fetched from the network
    assert "fa-" not in html  # every icon replaced by a Unicode symbol
    for title in ("Play", "Pause", "Next frame", "Previous frame", "First frame", "Last frame"):
        button = re.search(rf'title="{title}"[^>]*>\s*([^<\s]+)\s*</button>', html)
        assert button, title


def test_animation_html_is_deterministic():
    """Re-executing a lesson must not change its committed notebook (fresh kernel, same
    cells), and two players on one page must not share an id."""
    code = (
        "import numpy as np; from convlab import plot;"
        "a = plot.animate(np.ones((4, 4)), mode='max', kernel_size=2);"
        "print(hash((a.to_html(), a.to_html())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    a = plot.animate(np.ones((4, 4)), mode="max", kernel_size=2)
    assert a.to_html() != a.to_html()  # second player, different id
