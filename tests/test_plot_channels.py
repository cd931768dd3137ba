"""convlab.plot.channel_sum / channel_groups and convlab.widgets.channels_explorer.

What a learner reads off the pictures (the per-channel partial maps, the summed output,
which weight blocks are stored, the parameter count) is checked against convlab.conv2d,
the loop definition in convlab.reference and the plain formula O·(I/g)·k² + O.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import convlab
from convlab import plot, reference, widgets
from convlab.plot._style import fmt_value

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(values) -> list[str]:
    return [fmt_value(v) for v in np.ravel(values)]


def collection(ax, gid):
    (c,) = [c for c in ax.collections if c.get_gid() == gid]
    return c


# ----------------------------------------------------------------------------- channel_sum


def test_channel_sum_rows_are_single_channel_correlations_that_add_up():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, (3, 4, 5)).astype(float)
    w = rng.integers(-2, 3, (2, 3, 2, 3)).astype(float)
    b = np.array([1.0, -4.0])
    fig = plot.channel_sum(x, w, b, out_channel=1)
    titled = {ax.get_title(): ax for ax in fig.axes}
    total = np.zeros((3, 3))
    for c in range(3):
        part = reference.correlate2d_reference(x[c], w[1, c])
        assert plot.cell_texts(titled[f"x[{c}]"]) == texts(x[c])
        assert plot.cell_texts(titled[f"w[1, {c}]"]) == texts(w[1, c])
        assert plot.cell_texts(titled[f"x[{c}] ⋆ w[1, {c}]"]) == texts(part)
        total += part
    assert plot.cell_texts(titled["b[1]"]) == ["−4"]
    expected = reference.conv_reference(x[None], w, b)[0, 1]
    np.testing.assert_allclose(total - 4, expected)
    assert plot.cell_texts(titled["y[1]"]) == texts(convlab.conv2d(x, w, b)[1])
    assert plot.cell_texts(titled["y[1]"]) == texts(expected)
    (formula,) = [t.get_text() for t in fig.texts if t.get_gid() == "formula"]
    assert "3×2×3 weights" in formula and "y[1] = Σ_c x[c] ⋆ w[1, c] + b[1]" in formula


def test_channel_sum_without_bias():
    x = np.stack([np.eye(3), np.ones((3, 3))])
    fig = plot.channel_sum(x, np.ones((1, 2, 2, 2)))
    titled = {ax.get_title(): ax for ax in fig.axes}
    assert plot.cell_texts(titled["no bias"]) == ["0"]
    assert plot.cell_texts(titled["y[0]"]) == ["6", "5", "5", "6"]


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.ones((3, 3)), np.ones((1, 1, 2, 2))), {}, r"channel_sum: x must be 3-D"),
        (
            (np.ones((2, 3, 3)), np.ones((1, 3, 2, 2))),
            {},
            r"channel_sum: weight of shape \(1, 3, 2, 2\) with groups=1 expects input with 3 channels",
        ),
        (
            (np.ones((2, 3, 3)), np.ones((1, 2, 2, 2))),
            {"out_channel": 1},
            r"channel_sum: out_channel must be < 1 \(the weight's C_out\); got out_channel=1",
        ),
        (
            (np.ones((2, 3, 3)), np.ones((1, 2, 4, 4))),
            {},
            r"channel_sum: output size would be \(0, 0\) for input size \(3, 3\)",
        ),
        (
            (np.ones((2, 3, 3)), np.ones((1, 2, 2, 2)), np.ones(2)),
            {},
            r"channel_sum: bias must be 1-D with one value per output channel \(1\)",
        ),
    ],
)
def test_channel_sum_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot.channel_sum(*args, **kwargs)


# ----------------------------------------------------------------------------- channel_groups


@pytest.mark.parametrize(
    ("i", "o", "k", "g", "bias"),
    [(4, 6, 3, 1, True), (4, 6, 3, 2, True), (6, 6, 3, 6, False), (8, 4, 1, 4, True)],
)
def test_channel_groups_draws_what_is_stored(i, o, k, g, bias):
    fig = plot.channel_groups(i, o, k, g, bias=bias)
    net, weight = fig.axes
    assert weight.get_title() == f"weight (C_out, C_in/groups, k, k) = ({o}, {i // g}, {k}, {k})"
    # one coloured tap per stored weight, one blank block per cut connection
    assert len(collection(weight, "taps").get_paths()) == o * (i // g) * k * k
    assert len(collection(weight, "empty").get_paths()) == o * i - o * (i // g)
    biases = [c for c in weight.collections if c.get_gid() == "bias"]
    assert len(biases[0].get_paths()) == o if bias else not biases
    # one line per kernel slice w[o, c]; each joins channels of the same group
    segments = collection(net, "connections").get_segments()
    assert len(segments) == o * (i // g)
    ys_in = sorted({round(s[0][1], 6) for s in segments}, reverse=True)
    ys_out = sorted({round(s[1][1], 6) for s in segments}, reverse=True)
    for seg in segments:
        c, f = ys_in.index(round(seg[0][1], 6)), ys_out.index(round(seg[1][1], 6))
        assert c // (i // g) == f // (o // g)
    (count,) = [t.get_text() for t in fig.texts if t.get_gid() == "count"]
    params = o * (i // g) * k * k + (o if bias else 0)
    assert count.startswith("params = ") and f"= {params}" in count
    assert params == convlab.conv_params(i, o, k, groups=g, bias=bias)


def test_channel_groups_rejects_groups_that_do_not_divide():
    with pytest.raises(
        ValueError,
        match=r"channel_groups: groups must divide in_channels; got groups=3 with in_channels=4",
    ):
        plot.channel_groups(4, 6, 3, 3)
    with pytest.raises(ValueError, match=r"channel_groups: kernel_size must be a positive int"):
        plot.channel_groups(4, 6, 0)


# ----------------------------------------------------------------------------- the explorer


def test_channels_explorer_state_and_counts():
    ex = widgets.channels_explorer()
    assert isinstance(ex, widgets.ChannelsExplorer)
    assert bytes(ex.image.value).startswith(PNG)
    assert ex.state["weight_shape"] == (6, 4, 3, 3)
    assert ex.state["params"] == 6 * 4 * 9 + 6 == ex.state["dense_params"]
    assert ex.state["macs"] == 32 * 32 * 6 * 4 * 9
    assert ex.formula == "params = C_out·(C_in/groups)·k² + C_out = 6·(4/1)·3² + 6 = 222"
    assert list(ex.groups.options) == [1, 2]


def test_channels_explorer_first_slider_redraws_and_groups_follow_the_channels():
    ex = widgets.channels_explorer(in_channels=4, out_channels=6, groups=2)
    before = bytes(ex.image.value)
    ex.c_in.value = 6  # the first slider: new picture, groups 2 still divides 6 and 6
    assert bytes(ex.image.value) != before
    assert list(ex.groups.options) == [1, 2, 3, 6] and ex.state["groups"] == 2
    assert ex.state["weight_shape"] == (6, 3, 3, 3) and ex.state["params"] == 6 * 3 * 9 + 6
    ex.groups.value = 6
    assert "Depthwise" in ex.message and ex.state["params"] == 6 * 9 + 6
    ex.c_out.value = 9  # groups 6 no longer divides: the largest divisor below it is kept
    assert list(ex.groups.options) == [1, 3] and ex.state["groups"] == 3
    assert "groups=6 does not divide both C_in=6 and C_out=9: now groups=3" in ex.message
    assert ex.figure.axes[1].get_title() == "weight (C_out, C_in/groups, k, k) = (9, 2, 3, 3)"
    ex.k.value, ex.bias.value = 1, False
    assert ex.state["params"] == 9 * 2 and ex.state["macs"] == 32 * 32 * 9 * 2
    ex.groups.value = 1
    assert "1×1 (pointwise)" in ex.message
