"""Layers take a seed or a Generator; a Generator is used (and advanced) as it is."""

import numpy as np

from convlab import nn
from convlab.train import digits_cnn


def test_a_generator_is_shared_and_a_seed_starts_afresh():
    g = np.random.default_rng(5)
    first, second = nn.Linear(3, 2, rng=g), nn.Conv2d(1, 2, 3, rng=g)
    np.testing.assert_array_equal(first.weight.data, nn.Linear(3, 2, rng=5).weight.data)
    fresh = nn.Conv2d(1, 2, 3, rng=5).weight.data
    assert not np.array_equal(second.weight.data, fresh)  # drawn after `first`'s weights


def test_digits_cnn_same_from_seed_or_generator():
    a = digits_cnn(7).parameters()
    b = digits_cnn(np.random.default_rng(7)).parameters()
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p.data, q.data)
