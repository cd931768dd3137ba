"""Fixtures shared by the test modules."""

import numpy as np
import pytest


@pytest.fixture
def rng(request):
    """A generator seeded by the test's name: reproducible, different per test."""
    seed = sum(map(ord, request.node.nodeid)) % 2**32
    return np.random.default_rng(seed)
