"""Adaptive pooling reduces one dim at a time; check it against a per-window oracle.

The oracle walks every output window in Python and scans it in row-major order the way
PyTorch's CPU kernel does (``if (val > maxval || isnan(val))``, sum then divide by each
dim's length). The cases are the ones the separable code could get wrong: whole-input
(global) windows, long windows, windows longer than the input (output > input), ties,
NaN and all ``-inf`` windows. Where torch is installed the same cases run against it.
"""

import itertools
import math

import numpy as np
import pytest

import convlab as cl
from convlab.adaptive import adaptive_windows

# (input shape, output size): global, long uneven windows, upsampling, mixed, empty
CASES = [
    ((2, 3, 40), 1),
    ((1, 2, 37), 3),
    ((2, 1, 3), 7),
    ((2, 2, 31, 29), 1),
    ((1, 3, 30, 50), (4, 7)),
    ((2, 1, 5, 3), (9, 2)),
    ((1, 2, 11, 12, 13), 1),
    ((1, 1, 9, 16, 7), (2, 3, 10)),
    ((0, 2, 6, 5), 2),
    ((1, 2, 6, 5), (0, 2)),
]


def oracle(x, out, kind):
    """Per-window scan: the average, or torch's max and its flat index."""
    out = (out,) * (x.ndim - 2) if isinstance(out, int) else out
    size = x.shape[2:]
    ranges = [
        list(zip(*adaptive_windows(n, o), strict=True)) for n, o in zip(size, out, strict=True)
    ]
    y = np.zeros(x.shape[:2] + tuple(out), x.dtype)
    idx = np.zeros(y.shape, np.int64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for pos in itertools.product(*(range(o) for o in out)):
            bounds = [ranges[d][p] for d, p in enumerate(pos)]
            cells = list(itertools.product(*(range(a, b) for a, b in bounds)))
            if kind == "avg":
                total = x.dtype.type(0)
                for cell in cells:
                    total += x[(n, c, *cell)]
                for a, b in bounds:
                    total /= x.dtype.type(b - a)
                y[(n, c, *pos)] = total
            else:
                best, where = -np.inf, cells[0]
                for cell in cells:
                    v = x[(n, c, *cell)]
                    if v > best or np.isnan(v):
                        best, where = v, cell
                y[(n, c, *pos)] = best
                idx[(n, c, *pos)] = np.ravel_multi_index(where, size)
    return y, idx


def tricky(shape, dtype, rng):
    """Few distinct values (many ties), some NaN, and an all -inf corner."""
    x = rng.integers(-3, 3, shape).astype(dtype)
    x[rng.random(shape) < 0.03] = np.nan
    x[..., :2] = -np.inf
    return x


def pool(kind, x, out, **kw):
    return getattr(cl, f"adaptive_{kind}_pool{x.ndim - 2}d")(x, out, **kw)


@pytest.mark.parametrize(("shape", "out"), CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_average_matches_the_window_scan(shape, out, dtype, rng):
    x = rng.standard_normal(shape).astype(dtype)
    got = pool("avg", x, out)
    expected, _ = oracle(x, out, "avg")
    assert got.shape == expected.shape and got.dtype == x.dtype
    tol = 1e-14 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize(("shape", "out"), CASES)
def test_max_and_indices_match_the_window_scan(shape, out, rng):
    x = tricky(shape, np.float64, rng)
    y, idx = pool("max", x, out, return_indices=True)
    expected, expected_idx = oracle(x, out, "max")
    assert idx.dtype == np.int64
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(idx, expected_idx)
    np.testing.assert_array_equal(pool("max", x, out), expected)


def test_global_pooling_is_the_mean_and_the_max(rng):
    x = rng.standard_normal((2, 4, 96, 80))
    np.testing.assert_allclose(cl.adaptive_avg_pool2d(x, 1), x.mean((2, 3), keepdims=True))
    y, idx = cl.adaptive_max_pool2d(x, 1, return_indices=True)
    np.testing.assert_array_equal(y[..., 0, 0], x.max((2, 3)))
    np.testing.assert_array_equal(idx[..., 0, 0], x.reshape(2, 4, -1).argmax(2))
    x3 = rng.standard_normal((1, 2, 24, 20, 16))
    np.testing.assert_allclose(cl.adaptive_avg_pool3d(x3, 1), x3.mean((2, 3, 4), keepdims=True))


def test_all_minus_inf_window_points_at_its_first_cell():
    x = np.full((1, 1, 4, 6), -np.inf)
    _, idx = cl.adaptive_max_pool2d(x, (2, 3), return_indices=True)
    np.testing.assert_array_equal(idx[0, 0], [[0, 2, 4], [12, 14, 16]])


def test_nan_wins_and_the_last_nan_is_the_index():
    x = np.zeros((1, 1, 3, 4))
    x[0, 0, 0, 3] = x[0, 0, 2, 1] = np.nan  # row-major order: (0, 3) then (2, 1)
    y, idx = cl.adaptive_max_pool2d(x, 1, return_indices=True)
    assert np.isnan(y).all() and np.isnan(cl.adaptive_max_pool2d(x, 1)).all()
    assert idx.item() == 2 * 4 + 1


def test_ties_keep_the_first_maximum_in_row_major_order():
    x = np.zeros((1, 1, 3, 4))
    x[0, 0, 1, 3] = x[0, 0, 2, 0] = 5.0  # (1, 3) comes first though column 0 is left of 3
    _, idx = cl.adaptive_max_pool2d(x, 1, return_indices=True)
    assert idx.item() == 1 * 4 + 3


@pytest.mark.parametrize(("shape", "out"), [c for c in CASES if math.prod(c[0][:2])])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(shape, out, dtype, rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    nd = len(shape) - 2
    x = rng.standard_normal(shape).astype(dtype)
    expected = getattr(F, f"adaptive_avg_pool{nd}d")(torch.from_numpy(x), out).numpy()
    tol = 1e-14 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(pool("avg", x, out), expected, rtol=tol, atol=tol)
    x = tricky(shape, dtype, rng)
    ey, eidx = getattr(F, f"adaptive_max_pool{nd}d")(torch.from_numpy(x), out, True)
    y, idx = pool("max", x, out, return_indices=True)
    np.testing.assert_array_equal(y, ey.numpy())
    np.testing.assert_array_equal(idx, eidx.numpy())
    np.testing.assert_array_equal(pool("max", x, out), ey.numpy())
