"""Algebraic properties that any correct convolution must have (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import convlab as cl

small = st.integers(1, 3)


@st.composite
def conv2d_setup(draw):
    k = (draw(small), draw(small))
    d = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    s = (draw(small), draw(small))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = tuple(
        draw(st.integers(max(1, di * (ki - 1) + 1 - 2 * pi), 7))
        for ki, di, pi in zip(k, d, p, strict=True)
    )
    c_in, c_out = draw(small), draw(small)
    seed = draw(st.integers(0, 2**31))
    return k, d, s, p, size, c_in, c_out, np.random.default_rng(seed)


@settings(max_examples=50, deadline=None)
@given(conv2d_setup())
def test_output_shape_is_the_formula(setup):
    k, d, s, p, size, c_in, c_out, rng = setup
    y = cl.conv2d(
        rng.standard_normal((2, c_in, *size)), rng.standard_normal((c_out, c_in, *k)), None, s, p, d
    )
    assert y.shape == (2, c_out, *cl.conv_output_size(size, k, s, p, d))


@settings(max_examples=50, deadline=None)
@given(conv2d_setup())
def test_adjoint_identity(setup):
    """<conv(x), y> == <x, conv_transpose(y)>: the transposed conv is the adjoint."""
    k, d, s, p, size, c_in, c_out, rng = setup
    w = rng.standard_normal((c_out, c_in, *k))
    x = rng.standard_normal((1, c_in, *size))
    cx = cl.conv2d(x, w, None, s, p, d)
    y = rng.standard_normal(cx.shape)
    op = tuple(
        (n + 2 * pi - di * (ki - 1) - 1) % si
        for n, pi, di, ki, si in zip(size, p, d, k, s, strict=True)
    )
    cty = cl.conv_transpose2d(y, w, None, s, p, op, 1, d)
    assert cty.shape == x.shape
    np.testing.assert_allclose(np.vdot(cx, y), np.vdot(x, cty), rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(conv2d_setup())
def test_conv_matrix_is_conv2d(setup):
    k, d, s, p, size, c_in, c_out, rng = setup
    w = rng.standard_normal((c_out, c_in, *k))
    x = rng.standard_normal((c_in, *size))
    matrix = cl.conv_matrix(x.shape, w, s, p, d)
    np.testing.assert_allclose(
        matrix @ x.ravel(), cl.conv2d(x, w, None, s, p, d).ravel(), atol=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(conv2d_setup(), st.floats(-3, 3), st.floats(-3, 3))
def test_linearity(setup, alpha, beta):
    k, d, s, p, size, c_in, c_out, rng = setup
    w = rng.standard_normal((c_out, c_in, *k))
    x1, x2 = rng.standard_normal((2, 1, c_in, *size))
    lhs = cl.conv2d(alpha * x1 + beta * x2, w, None, s, p, d)
    rhs = alpha * cl.conv2d(x1, w, None, s, p, d) + beta * cl.conv2d(x2, w, None, s, p, d)
    np.testing.assert_allclose(lhs, rhs, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2), st.integers(1, 3), st.integers(0, 2**31))
def test_delta_kernel_is_identity(nd, half, channels, seed):
    """A kernel that is 1 at its centre (per channel) and 0 elsewhere changes nothing."""
    rng = np.random.default_rng(seed)
    k = 2 * half + 1
    w = np.zeros((channels, 1, *(k,) * nd))
    w[(slice(None), 0, *(half,) * nd)] = 1
    x = rng.standard_normal((2, channels, *(5,) * nd))
    for mode in ("zeros", "reflect", "replicate", "circular"):
        y = getattr(cl, f"conv{nd}d")(x, w, padding="same", groups=channels, padding_mode=mode)
        np.testing.assert_array_equal(y, x)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**31),
)
def test_convolve_is_correlate_with_flipped_kernel(h, w, kh, kw, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    flipped = b[::-1, ::-1]
    np.testing.assert_allclose(cl.convolve(a, b), cl.correlate(a, flipped), atol=1e-12)
    np.testing.assert_allclose(cl.convolve2d(a, b), cl.correlate2d(a, flipped), atol=1e-12)
    # and deep learning's conv2d is the correlation (valid part, no flip)
    if h >= kh and w >= kw:
        np.testing.assert_allclose(
            cl.conv2d(a[None, None], b[None, None])[0, 0], cl.correlate2d(a, b, "valid"), atol=1e-12
        )


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 1),
    st.integers(1, 3),
    st.integers(0, 2**31),
)
def test_fold_of_unfold_counts_windows(k, s, p, d, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, 2, 7, 6))
    if min(cl.conv_output_size((7, 6), k, s, p, d)) < 1:
        return
    cols = cl.unfold(x, k, d, p, s)
    counts = cl.fold(cl.unfold(np.ones_like(x), k, d, p, s), (7, 6), k, d, p, s)
    np.testing.assert_allclose(cl.fold(cols, (7, 6), k, d, p, s), x * counts, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([1, 2, 3]), st.integers(0, 2**31))
def test_max_unpool_puts_maxima_back(k, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, 6, 6))
    y, idx = cl.max_pool2d(x, k, return_indices=True)
    back = cl.max_unpool2d(y, idx, k, output_size=(6, 6))
    flat = back.reshape(2, 3, 36)
    np.testing.assert_array_equal(
        np.take_along_axis(flat, idx.reshape(2, 3, -1), 2), y.reshape(2, 3, -1)
    )
    assert np.count_nonzero(back) == y.size  # everything else is zero
