"""The vectorised ops agree with the readable loop definitions in convlab.reference."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convlab as cl
from convlab import reference as R


@st.composite
def conv_case(draw, nd=None):
    nd = nd or draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 2, 3]))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = [draw(st.integers(1, 3)) for _ in range(nd)]
    dilation = [draw(st.integers(1, 2)) for _ in range(nd)]
    stride = [draw(st.integers(1, 3)) for _ in range(nd)]
    padding = [draw(st.integers(0, 2)) for _ in range(nd)]
    size = [
        draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 6))
        for k, d, p in zip(kernel, dilation, padding, strict=True)
    ]
    n = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**31))
    return n, c_in, c_out, groups, kernel, dilation, stride, padding, size, seed


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_conv_matches_loops(case):
    n, c_in, c_out, groups, kernel, dilation, stride, padding, size, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, *size))
    w = rng.standard_normal((c_out, c_in // groups, *kernel))
    b = rng.standard_normal(c_out)
    f = getattr(cl, f"conv{len(size)}d")
    got = f(x, w, b, tuple(stride), tuple(padding), tuple(dilation), groups)
    np.testing.assert_allclose(
        got, R.conv_reference(x, w, b, stride, padding, dilation, groups), atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(conv_case(), st.data())
def test_conv_transpose_matches_scatter_loops(case, data):
    n, c_in, c_out, groups, kernel, dilation, stride, padding, size, seed = case
    op = [data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)]
    out = cl.conv_transpose_output_size(
        tuple(size), tuple(kernel), tuple(stride), tuple(padding), tuple(op), tuple(dilation)
    )
    if min(out) < 1:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, *size))
    w = rng.standard_normal((c_in, c_out // groups, *kernel))
    f = getattr(cl, f"conv_transpose{len(size)}d")
    got = f(x, w, None, tuple(stride), tuple(padding), tuple(op), groups, tuple(dilation))
    expected = R.conv_transpose_reference(x, w, None, stride, padding, op, groups, dilation)
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_pools_match_loops(nd, rng):
    for k, s, p, d, ceil in itertools.product((2, 3), (None, 2), (0, 1), (1, 2), (False, True)):
        x = np.round(rng.standard_normal((2, 2, *[7, 6, 5][:nd])), 0)  # many ties
        y, idx = getattr(cl, f"max_pool{nd}d")(x, k, s, p, d, ceil, True)
        ry, ridx = R.max_pool_reference(x, k, s, p, d, ceil)
        np.testing.assert_array_equal(y, ry)
        np.testing.assert_array_equal(idx, ridx)
        if d == 1:
            for cip in (True, False):
                got = getattr(cl, f"avg_pool{nd}d")(x, k, s, p, ceil, cip)
                np.testing.assert_allclose(
                    got, R.avg_pool_reference(x, k, s, p, ceil, cip), atol=1e-12
                )


def test_max_pool_nan_wins_like_torch():
    x = np.array([[[1.0, np.nan, 3.0, 2.0, np.nan, np.nan]]])
    y, idx = cl.max_pool1d(x, 3, return_indices=True)
    _, ridx = R.max_pool_reference(x, 3)
    np.testing.assert_array_equal(np.isnan(y), [[[True, True]]])
    np.testing.assert_array_equal(idx, ridx)
    np.testing.assert_array_equal(idx, [[[1, 5]]])  # the last NaN of the window, as torch


def test_correlate2d_loop_matches_signal_view(rng):
    image, kernel = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(
        R.correlate2d_reference(image, kernel), cl.correlate2d(image, kernel, "valid")
    )
    np.testing.assert_allclose(
        R.convolve2d_reference(image, kernel), cl.convolve2d(image, kernel, "valid")
    )


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_index_is_the_pad_rule(mode, rng):
    x = rng.standard_normal(5)
    padded = cl.pad(x[None], (3, 4), mode)[0]
    for i in range(-3, 9):
        src = R.pad_index(i, 5, mode)
        assert padded[i + 3] == (0.0 if src is None else x[src])
