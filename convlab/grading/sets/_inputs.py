"""Random inputs for the cases (readable small integers, normals, tie-free values) and helpers."""

from __future__ import annotations

import math

import numpy as np


def ints(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Whole numbers in [-3, 3] as float64: exact sums, easy to read in feedback."""
    return rng.integers(-3, 4, size=shape).astype(np.float64)


def normal(rng: np.random.Generator, *shape: int, dtype: type = np.float64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def distinct(rng: np.random.Generator, *shape: int, negative: bool = False) -> np.ndarray:
    """All-different whole numbers (no ties for max pooling); all < 0 if ``negative``."""
    n = math.prod(shape)
    values = rng.permutation(n).reshape(shape).astype(np.float64)
    return -(values + 1) if negative else values - n // 2


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def two(v: int | tuple[int, int]) -> tuple[int, int]:
    """An int or a pair as a pair: ``(v, v)`` for an int."""
    return (v, v) if isinstance(v, int) else tuple(v)
