"""Lesson 01 exercises: cross-correlation with loops, true convolution, full convolution."""

from __future__ import annotations

import numpy as np

from ... import conv2d
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal


def corr2d_ref(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    return conv2d(x[None, None], k[None, None])[0, 0]


def conv2d_true_ref(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    return corr2d_ref(x, k[::-1, ::-1])


def conv2d_full_ref(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    pads = (k.shape[0] - 1, k.shape[1] - 1)
    return conv2d(x[None, None], k[::-1, ::-1][None, None], padding=pads)[0, 0]


def _valid_minus_one(x, k):
    return np.empty((x.shape[0] - k.shape[0], x.shape[1] - k.shape[1]))


def _pair(label, xs, ks, make=ints, public=True):
    return Case(label, lambda r: (make(r, *xs), make(r, *ks)), public)


FLIPPED = (
    "You flipped the kernel: that is convolution. Cross-correlation slides k as it is: "
    "out[i, j] = Σ_u Σ_v x[i + u, j + v] · k[u, v]."
)
OFF_BY_ONE = (
    "Off by one: the valid output has H − kh + 1 rows and W − kw + 1 columns "
    "(the last window starts at row H − kh)."
)

EXERCISES = (
    Exercise(
        id="01.corr2d",
        func="corr2d",
        params=("x", "k"),
        points=2,
        title="Cross-correlation with loops",
        reference=corr2d_ref,
        cases=(
            _pair("3×3 image, 2×2 kernel", (3, 3), (2, 2)),
            _pair("4×5 image, 3×2 kernel", (4, 5), (3, 2)),
            _pair("5×5 image, 1×1 kernel", (5, 5), (1, 1)),
            _pair("6×6 image, 3×3 kernel", (6, 6), (3, 3)),
            _pair("8×7 image, 2×4 kernel", (8, 7), (2, 4), normal, False),
            _pair("4×4 image, 4×4 kernel", (4, 4), (4, 4), normal, False),
            _pair("20×16 image, 5×3 kernel", (20, 16), (5, 3), normal, False),
        ),
        hint="Loop over every output position (i, j) and sum x[i:i+kh, j:j+kw] * k.",
        mistakes=(
            Mistake(FLIPPED, conv2d_true_ref),
            Mistake(OFF_BY_ONE, _valid_minus_one, shape_only=True),
        ),
    ),
    Exercise(
        id="01.conv2d_true",
        func="conv2d_true",
        params=("x", "k"),
        points=2,
        title="True convolution (flip the kernel)",
        reference=conv2d_true_ref,
        cases=(
            _pair("3×3 image, 2×2 kernel", (3, 3), (2, 2)),
            _pair("4×4 image, 3×3 kernel", (4, 4), (3, 3)),
            _pair("5×4 image, 2×3 kernel", (5, 4), (2, 3)),
            _pair("7×9 image, 4×2 kernel", (7, 9), (4, 2), normal, False),
            _pair("6×6 image, 1×3 kernel", (6, 6), (1, 3), normal, False),
            _pair("12×10 image, 5×5 kernel", (12, 10), (5, 5), normal, False),
        ),
        hint=(
            "Convolution flips the kernel in both axes (rot180) and then slides it: "
            "conv(x, k) = corr(x, k[::-1, ::-1])."
        ),
        mistakes=(
            Mistake(
                "You did not flip the kernel: that is cross-correlation. "
                "Convolution uses k[::-1, ::-1].",
                corr2d_ref,
            ),
            Mistake(
                "You flipped the rows only: flip both axes, k[::-1, ::-1].",
                lambda x, k: corr2d_ref(x, k[::-1]),
            ),
            Mistake(
                "You flipped the columns only: flip both axes, k[::-1, ::-1].",
                lambda x, k: corr2d_ref(x, k[:, ::-1]),
            ),
            Mistake(
                "You transposed the kernel (k.T); the flip is a 180° rotation, k[::-1, ::-1].",
                lambda x, k: corr2d_ref(x, k.T),
            ),
            Mistake(OFF_BY_ONE, _valid_minus_one, shape_only=True),
        ),
    ),
    Exercise(
        id="01.conv2d_full",
        func="conv2d_full",
        params=("x", "k"),
        points=3,
        title="Full convolution (scipy.signal.convolve2d's default)",
        reference=conv2d_full_ref,
        cases=(
            _pair("2×2 image, 2×2 kernel", (2, 2), (2, 2)),
            _pair("3×4 image, 2×3 kernel", (3, 4), (2, 3)),
            _pair("4×4 image, 3×3 kernel", (4, 4), (3, 3)),
            _pair("2×3 image, 3×4 kernel (kernel larger)", (2, 3), (3, 4), normal, False),
            _pair("1×1 image, 3×2 kernel", (1, 1), (3, 2), normal, False),
            _pair("9×7 image, 4×5 kernel", (9, 7), (4, 5), normal, False),
        ),
        hint=(
            "The full output has H + kh − 1 rows: pad kh − 1 zeros on both sides (top and "
            "bottom), kw − 1 left and right, then convolve (flipped kernel) in valid mode."
        ),
        mistakes=(
            Mistake(
                "You returned the valid part only: full mode also keeps every partial overlap, "
                "so the output has (H + kh − 1, W + kw − 1) entries.",
                conv2d_true_ref,
                shape_only=True,
            ),
            Mistake(
                "You did not flip the kernel (that is full cross-correlation): use k[::-1, ::-1].",
                lambda x, k: conv2d_full_ref(x, k[::-1, ::-1]),
            ),
        ),
    ),
)
