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


def _pair(*, label, x_shape, k_shape, make=ints, public=True):
    return Case(label=label, make=lambda r: (make(r, *x_shape), make(r, *k_shape)), public=public)


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
            _pair(label="3×3 image, 2×2 kernel", x_shape=(3, 3), k_shape=(2, 2)),
            _pair(label="4×5 image, 3×2 kernel", x_shape=(4, 5), k_shape=(3, 2)),
            _pair(label="5×5 image, 1×1 kernel", x_shape=(5, 5), k_shape=(1, 1)),
            _pair(label="6×6 image, 3×3 kernel", x_shape=(6, 6), k_shape=(3, 3)),
            _pair(
                label="8×7 image, 2×4 kernel",
                x_shape=(8, 7),
                k_shape=(2, 4),
                make=normal,
                public=False,
            ),
            _pair(
                label="4×4 image, 4×4 kernel",
                x_shape=(4, 4),
                k_shape=(4, 4),
                make=normal,
                public=False,
            ),
            _pair(
                label="20×16 image, 5×3 kernel",
                x_shape=(20, 16),
                k_shape=(5, 3),
                make=normal,
                public=False,
            ),
        ),
        hint="Loop over every output position (i, j) and sum x[i:i+kh, j:j+kw] * k.",
        mistakes=(
            Mistake(hint=FLIPPED, compute=conv2d_true_ref),
            Mistake(hint=OFF_BY_ONE, compute=_valid_minus_one, shape_only=True),
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
            _pair(label="3×3 image, 2×2 kernel", x_shape=(3, 3), k_shape=(2, 2)),
            _pair(label="4×4 image, 3×3 kernel", x_shape=(4, 4), k_shape=(3, 3)),
            _pair(label="5×4 image, 2×3 kernel", x_shape=(5, 4), k_shape=(2, 3)),
            _pair(
                label="7×9 image, 4×2 kernel",
                x_shape=(7, 9),
                k_shape=(4, 2),
                make=normal,
                public=False,
            ),
            _pair(
                label="6×6 image, 1×3 kernel",
                x_shape=(6, 6),
                k_shape=(1, 3),
                make=normal,
                public=False,
            ),
            _pair(
                label="12×10 image, 5×5 kernel",
                x_shape=(12, 10),
                k_shape=(5, 5),
                make=normal,
                public=False,
            ),
        ),
        hint=(
            "Convolution flips the kernel in both axes (rot180) and then slides it: "
            "conv(x, k) = corr(x, k[::-1, ::-1])."
        ),
        mistakes=(
            Mistake(
                hint="You did not flip the kernel: that is cross-correlation. "
                "Convolution uses k[::-1, ::-1].",
                compute=corr2d_ref,
            ),
            Mistake(
                hint="You flipped the rows only: flip both axes, k[::-1, ::-1].",
                compute=lambda x, k: corr2d_ref(x, k[::-1]),
            ),
            Mistake(
                hint="You flipped the columns only: flip both axes, k[::-1, ::-1].",
                compute=lambda x, k: corr2d_ref(x, k[:, ::-1]),
            ),
            Mistake(
                hint="You transposed the kernel (k.T); the flip is a 180° rotation, k[::-1, ::-1].",
                compute=lambda x, k: corr2d_ref(x, k.T),
            ),
            Mistake(hint=OFF_BY_ONE, compute=_valid_minus_one, shape_only=True),
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
            _pair(label="2×2 image, 2×2 kernel", x_shape=(2, 2), k_shape=(2, 2)),
            _pair(label="3×4 image, 2×3 kernel", x_shape=(3, 4), k_shape=(2, 3)),
            _pair(label="4×4 image, 3×3 kernel", x_shape=(4, 4), k_shape=(3, 3)),
            _pair(
                label="2×3 image, 3×4 kernel (kernel larger)",
                x_shape=(2, 3),
                k_shape=(3, 4),
                make=normal,
                public=False,
            ),
            _pair(
                label="1×1 image, 3×2 kernel",
                x_shape=(1, 1),
                k_shape=(3, 2),
                make=normal,
                public=False,
            ),
            _pair(
                label="9×7 image, 4×5 kernel",
                x_shape=(9, 7),
                k_shape=(4, 5),
                make=normal,
                public=False,
            ),
        ),
        hint=(
            "The full output has H + kh − 1 rows: pad kh − 1 zeros on both sides (top and "
            "bottom), kw − 1 left and right, then convolve (flipped kernel) in valid mode."
        ),
        mistakes=(
            Mistake(
                hint="You returned the valid part only: full mode also keeps every partial "
                "overlap, so the output has (H + kh − 1, W + kw − 1) entries.",
                compute=conv2d_true_ref,
                shape_only=True,
            ),
            Mistake(
                hint="You did not flip the kernel (that is full cross-correlation): use k[::-1, "
                "::-1].",
                compute=lambda x, k: conv2d_full_ref(x, k[::-1, ::-1]),
            ),
        ),
    ),
)
