"""convlab.signal against scipy.signal (scipy is in the test extra, so this always runs)."""

import itertools

import numpy as np
import pytest

import convlab as cl

ss = pytest.importorskip("scipy.signal")

PAIRS_2D = [
    ((5, 6), (2, 3)),
    ((4, 4), (4, 4)),
    ((3, 3), (5, 5)),
    ((2, 3), (7, 6)),
    ((1, 1), (4, 3)),
    ((6, 5), (1, 1)),
    ((7, 8), (3, 2)),
]
PAIRS_ND = [((9,), (4,)), ((4,), (9,)), ((5, 6), (2, 3)), ((3, 3), (5, 5)), ((4, 5, 6), (2, 3, 2))]


@pytest.mark.parametrize("shapes", PAIRS_2D, ids=str)
@pytest.mark.parametrize("func", ["correlate2d", "convolve2d"])
def test_2d_matches_scipy(func, shapes, rng):
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    for mode, boundary in itertools.product(("full", "same", "valid"), ("fill", "wrap", "symm")):
        expected = getattr(ss, func)(a, b, mode, boundary, 1.5)
        got = getattr(cl, func)(a, b, mode, boundary, 1.5)
        assert got.shape == expected.shape, (mode, boundary)
        np.testing.assert_allclose(got, expected, atol=1e-12, err_msg=f"{mode} {boundary}")


@pytest.mark.parametrize("shapes", PAIRS_ND, ids=str)
@pytest.mark.parametrize("func", ["correlate", "convolve"])
def test_nd_matches_scipy(func, shapes, rng):
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    for mode, method in itertools.product(("full", "same", "valid"), ("direct", "fft", "auto")):
        try:
            expected = getattr(ss, func)(a, b, mode, method)
        except ValueError:
            with pytest.raises(ValueError, match="'valid' mode"):
                getattr(cl, func)(a, b, mode, method)
            continue
        got = getattr(cl, func)(a, b, mode, method)
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-10, err_msg=f"{mode} {method}")


def test_float32_stays_float32_and_methods_agree(rng):
    a = rng.standard_normal((40, 30)).astype(np.float32)
    b = rng.standard_normal((7, 5)).astype(np.float32)
    direct, fft = cl.correlate(a, b, "same", "direct"), cl.correlate(a, b, "same", "fft")
    assert direct.dtype == fft.dtype == np.float32
    np.testing.assert_allclose(direct, fft, atol=1e-4)


def test_auto_picks_fft_for_big_kernels_and_direct_for_small():
    from convlab.signal import _choose

    # scipy.signal.choose_conv_method's rule (issue 18): same picks as scipy's
    big, small = np.ones((256, 256)), np.ones((3, 3))
    assert _choose(big, np.ones((31, 31)), "full", "auto") == "fft"
    assert _choose(np.ones(64), small[0], "full", "auto") == "direct"


def test_convolution_flips_correlation_does_not():
    impulse = np.zeros((5, 5))
    impulse[2, 2] = 1
    kernel = np.arange(9.0).reshape(3, 3)
    # an impulse reproduces the kernel under convolution, and rot180 of it under correlation
    np.testing.assert_array_equal(cl.convolve2d(impulse, kernel, "same"), np.pad(kernel, 1))
    np.testing.assert_array_equal(
        cl.correlate2d(impulse, kernel, "same"), np.pad(kernel[::-1, ::-1], 1)
    )


def test_integer_input_gives_float_output():
    assert cl.correlate([1, 2, 3], [1, 1]).dtype == np.float64


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: cl.correlate(np.ones(3), np.ones((2, 2))), ValueError, "same number of dims"),
        (
            lambda: cl.correlate(np.ones((3, 1)), np.ones((1, 3)), "valid"),
            ValueError,
            "at least as large",
        ),
        (lambda: cl.correlate(np.ones(3), np.ones(2), "Full"), ValueError, "Did you mean 'full'"),
        (
            lambda: cl.convolve(np.ones(3), np.ones(2), method="fast"),
            ValueError,
            "method must be one of",
        ),
        (lambda: cl.correlate2d(np.ones(3), np.ones(2)), ValueError, "must both be 2-D"),
        (
            lambda: cl.convolve2d(np.ones((3, 3)), np.ones((2, 2)), boundary="reflect"),
            ValueError,
            "boundary",
        ),
        (
            lambda: cl.correlate2d(np.ones((3, 3)), np.ones((2, 2)), fillvalue="0"),
            ValueError,  # as scipy: not a real scalar
            "fillvalue",
        ),
        (lambda: cl.correlate(np.ones(3) + 1j, np.ones(2)), TypeError, "in1 must be real"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
