"""Max pooling's argmax: torch's exact picks on ties, NaN, -inf and signed zeros.

The indices come from comparing the (separable) maxima with every tap; these cases pin
the rules that comparison must reproduce, and that a training layer routes with them.
"""

import itertools

import numpy as np
import pytest

import convlab as cl
from convlab import nn


def special(rng, shape):
    """Small integers (many ties) with -0.0, -inf and NaN sprinkled in."""
    x = rng.integers(-2, 2, shape).astype(float)
    x[rng.random(shape) < 0.2] = -0.0
    x[rng.random(shape) < 0.15] = -np.inf
    x[rng.random(shape) < 0.08] = np.nan
    return x


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_indices_and_values_are_torchs_bit_for_bit(nd, dtype, rng):
    torch = pytest.importorskip("torch")
    size = [9, 7, 6][:nd]
    for k, s, p, d, ceil in itertools.product((2, 3), (1, 2), (0, 1), (1, 2), (False, True)):
        if 2 * p > d * (k - 1) + 1:
            continue
        x = special(rng, (2, 3, *size)).astype(dtype)
        ey, eidx = getattr(torch.nn.functional, f"max_pool{nd}d")(
            torch.from_numpy(x), k, s, p, d, ceil_mode=ceil, return_indices=True
        )
        y, idx = getattr(cl, f"max_pool{nd}d")(x, k, s, p, d, ceil, True)
        np.testing.assert_array_equal(idx, eidx.numpy())
        assert y.dtype == dtype and y.tobytes() == ey.numpy().tobytes()  # zero signs too


def test_all_minus_inf_window_picks_its_first_cell_inside():
    x = np.full((1, 1, 3, 3), -np.inf)
    _, idx = cl.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    np.testing.assert_array_equal(idx, [[[[0, 1], [3, 4]]]])  # never a padding cell


def test_signed_zero_of_the_first_maximum():
    y, idx = cl.max_pool1d(np.array([[-0.0, 0.0, 0.0, -0.0]]), 2, return_indices=True)
    np.testing.assert_array_equal(idx, [[0, 2]])
    np.testing.assert_array_equal(np.signbit(y), [[True, False]])


@pytest.mark.parametrize(
    "settings",
    [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
     dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)],
)  # fmt: skip
def test_layer_routes_with_its_forward_indices(settings, monkeypatch, rng):
    x = np.round(rng.standard_normal((2, 3, 7, 6)), 1)  # rounding makes ties
    layer = nn.MaxPool2d(**settings)
    y = layer(x)
    g = rng.standard_normal(y.shape)
    np.testing.assert_array_equal(y, cl.max_pool2d(x, **settings))
    expected = cl.max_pool2d_backward(g, x, **settings)[0]

    def no_pooling(*args, **kwargs):
        raise AssertionError("the backward pass pooled again")

    monkeypatch.setattr("convlab.pool.max_pool_forward", no_pooling)
    monkeypatch.setattr("convlab.grad_pool.max_pool_forward", no_pooling)
    np.testing.assert_array_equal(layer.backward(g), expected)


def test_empty_batch():
    x = np.zeros((0, 2, 4, 4))
    y, idx = cl.max_pool2d(x, 2, return_indices=True)
    assert y.shape == idx.shape == (0, 2, 2, 2)
    assert cl.max_pool2d_backward(np.zeros(y.shape), x, 2)[0].shape == x.shape
