"""Size formulas, receptive fields, HDC and dilation coverage."""

import numpy as np
import pytest

import convlab as cl


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((5, 3), 3),  # valid: n - k + 1
        ((5, 3, 1, 1), 5),  # same with p = (k - 1) / 2
        ((7, 3, 2, 1), 4),
        ((6, 3, 2, 0), 2),  # (6 - 3) mod 2 = 1: the last row is dropped
        ((28, 5, 1, 0, 2), 20),  # dilation 2: effective kernel 9
        ((224, 7, 2, 3), 112),  # ResNet stem
        ((4, 5), 0),  # does not fit: reported, the ops raise
    ],
)
def test_conv_output_size(args, expected):
    assert cl.conv_output_size(*args) == expected


def test_formulas_accept_tuples_per_dim():
    assert cl.conv_output_size((32, 31), (3, 5), 2, (1, 2)) == (16, 16)
    assert cl.pool_output_size((5, 6), 2, ceil_mode=True) == (3, 3)
    assert cl.same_padding((3, 4)) == ((1, 1), (1, 2))
    with pytest.raises(ValueError, match="equal lengths"):
        cl.conv_output_size((32, 32), (3, 3, 3))


@pytest.mark.parametrize(
    ("args", "floor", "ceil"),
    [
        ((5, 2), 2, 3),
        ((6, 2), 3, 3),
        ((4, 2, 2, 1), 3, 3),  # the ceil window would start in the right padding: dropped
        ((5, 3, 2, 1), 3, 3),
        ((112, 3, 2, 1), 56, 57),  # ResNet pooling in torch vs Caffe
        ((7, 3, 2, 0, 2), 2, 2),
    ],
)
def test_pool_output_size_floor_and_ceil(args, floor, ceil):
    assert cl.pool_output_size(*args) == floor
    assert cl.pool_output_size(*args, ceil_mode=True) == ceil


def test_transpose_output_size_inverts_conv_output_size():
    for n in range(3, 12):
        for k, s, p, d in [(3, 1, 0, 1), (3, 2, 1, 1), (4, 2, 1, 1), (3, 3, 0, 2)]:
            o = cl.conv_output_size(n, k, s, p, d)
            op = (n + 2 * p - d * (k - 1) - 1) % s
            assert cl.conv_transpose_output_size(o, k, s, p, op, d) == n


def test_same_padding_puts_the_extra_at_the_end():
    assert cl.same_padding(3) == (1, 1)
    assert cl.same_padding(4) == (1, 2)
    assert cl.same_padding(4, dilation=2) == (3, 3)
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    w = np.zeros((1, 1, 2, 2))
    w[0, 0, 0, 0] = 1  # picks the top-left of each window: shows where the padding went
    y = cl.conv2d(x, w, padding="same")
    np.testing.assert_array_equal(y, x)  # the extra row/column of zeros is at the end


def test_params_and_macs():
    assert cl.conv_params(3, 64, 3) == 64 * 3 * 9 + 64
    assert cl.conv_params(64, 128, 1, bias=False) == 64 * 128
    depthwise = cl.conv_params(64, 64, 3, groups=64)
    pointwise = cl.conv_params(64, 128, 1)
    assert depthwise + pointwise < cl.conv_params(64, 128, 3) / 7
    assert cl.conv_params(2, 4, (3, 3, 3)) == 4 * 2 * 27 + 4
    assert cl.conv_macs((56, 56), 64, 64, 3, padding=1) == 56 * 56 * 64 * 64 * 9
    assert cl.conv_macs(100, 1, 1, 5) == 96 * 5


def test_receptive_field_of_vgg_and_resnet_stems():
    vgg = [{"kernel_size": 3, "padding": 1}] * 2 + [{"kernel_size": 2, "stride": 2}]
    assert [f.size for f in cl.receptive_field(vgg * 2)] == [3, 5, 6, 10, 14, 16]
    stem = [
        {"kernel_size": 7, "stride": 2, "padding": 3},
        {"kernel_size": 3, "stride": 2, "padding": 1},
    ]
    assert cl.receptive_field(stem) == [cl.fields.Field(7, 2, -3), cl.fields.Field(11, 4, -5)]


def test_receptive_field_matches_a_real_gradient_footprint():
    """The pixels that influence one output are exactly the predicted window."""
    layers = [
        {"kernel_size": 3, "padding": 1},
        {"kernel_size": 2, "stride": 2},
        {"kernel_size": 3, "dilation": 2, "padding": 2},
    ]
    field = cl.receptive_field(layers)[-1]
    x = np.zeros((1, 1, 40, 40))
    out = x
    for layer in layers:  # all-ones kernels: nonzero response exactly where the field is
        k = layer["kernel_size"]
        out = cl.conv2d(
            out,
            np.ones((1, 1, k, k)),
            None,
            layer.get("stride", 1),
            layer.get("padding", 0),
            layer.get("dilation", 1),
        )
    i = 5
    seen = np.zeros(40, bool)
    for pixel in range(40):
        probe = np.zeros((1, 1, 40, 40))
        probe[0, 0, 20, pixel] = 1
        y = probe
        for layer in layers:
            k = layer["kernel_size"]
            y = cl.conv2d(
                y,
                np.ones((1, 1, k, k)),
                None,
                layer.get("stride", 1),
                layer.get("padding", 0),
                layer.get("dilation", 1),
            )
        seen[pixel] = y[0, 0, :, i].any()
    first = field.start + i * field.jump
    assert np.flatnonzero(seen).tolist() == list(range(first, first + field.size))


def test_receptive_field_per_dim():
    fields = cl.receptive_field(
        [{"kernel_size": (3, 1)}, {"kernel_size": (1, 5), "stride": (2, 1)}]
    )
    assert fields[-1].size == (3, 5) and fields[-1].jump == (2, 1)


@pytest.mark.parametrize(
    ("rates", "ok", "why"),
    [
        ([1, 2, 5], True, "satisfies HDC"),
        ([1, 2, 3], True, "satisfies HDC"),
        ([2, 4, 6], False, r"M_2 = 4 > K = 3, and every rate is a multiple of 2"),
        ([2, 2, 2], False, r"every rate is a multiple of 2"),
        ([1, 2, 9], False, r"M_2 = 5 > K = 3"),
        ([1], True, "single undilated"),
        ([3], False, "multiple of 3"),
    ],
)
def test_hdc_rule(rates, ok, why):
    verdict = cl.hdc_check(rates)
    assert bool(verdict) is ok
    assert pytest.importorskip("re").search(why, str(verdict))


def test_hdc_agrees_with_coverage_holes():
    """Gridding means holes in the coverage map; the HDC rule predicts them."""
    for rates in ([1, 2, 5], [1, 2, 3], [2, 4, 6], [2, 2, 2], [1, 3, 5], [1, 2, 9], [3, 3]):
        holes = (cl.dilation_coverage(rates, ndim=1) == 0).any()
        if cl.hdc_check(rates):
            assert not holes, rates
        if cl.hdc_check(rates).gcd > 1:
            assert holes, rates


def test_hdc_recursion_values():
    assert cl.hdc_check([1, 2, 5]).M == (1, 2, 5)
    assert cl.hdc_check([2, 4, 6]).M == (2, 4, 6)
    assert cl.hdc_check([1, 2, 9], kernel_size=5).ok


def test_dilation_coverage_counts_paths():
    cov = cl.dilation_coverage([1, 2, 5])
    assert cov.shape == (17, 17)  # receptive field 1 + 2 * (1 + 2 + 5)
    assert cov.sum() == 3 ** (2 * 3)  # every path through three 3x3 layers
    assert (cov > 0).all()
    grid = cl.dilation_coverage([2, 2, 2])
    assert (grid[1::2, :] == 0).all() and (grid[:, 1::2] == 0).all()


@pytest.mark.parametrize(
    ("rates", "ok", "unseen", "note"),
    [
        ([1, 2, 5], True, 0, None),
        ([2, 4, 6], False, 12, None),
        ([2, 3], True, 2, "2 of 11 pixels are unseen"),  # passes the rule, has holes
        ([1, 3, 1], False, 0, "no pixel is unseen"),  # fails the rule, has none
    ],
)
def test_hdc_verdict_says_when_the_rule_and_the_coverage_disagree(rates, ok, unseen, note):
    verdict = cl.hdc_check(rates)
    assert bool(verdict) is ok
    assert verdict.unseen == unseen == int((cl.dilation_coverage(rates, ndim=1) == 0).sum())
    if note:
        assert note in str(verdict) and "start at 1 and never decrease" in str(verdict)
    else:
        assert "but" not in str(verdict)
