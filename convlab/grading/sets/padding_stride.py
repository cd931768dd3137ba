"""Lesson 02 exercises: the output size formula, reflect padding by hand, a strided conv."""

from __future__ import annotations

import numpy as np

from ... import conv2d, conv_output_size, pad
from ..exercise_types import FORBIDDEN_FUNCTIONS, Case, Exercise, Mistake
from ._inputs import ceil_div, ints, normal, two


def reflect_pad_ref(x: np.ndarray, p: int) -> np.ndarray:
    return pad(x[None], (p, p, p, p), mode="reflect")[0]


def conv2d_single_ref(x, k, stride=1, padding=0) -> np.ndarray:
    return conv2d(x[None, None], k[None, None], stride=stride, padding=padding)[0, 0]


def _size(n, k, s, p, d, public=True):
    return Case(f"n={n}, k={k}, s={s}, p={p}, d={d}", lambda r: (n, k, s, p, d), public)


def _numpy_pad(mode):
    return lambda x, p: np.pad(x, p, mode=mode)


def _ceil_shape(x, k, stride, padding):
    (s, t), (p, q) = two(stride), two(padding)
    rows = ceil_div(x.shape[0] + 2 * p - k.shape[0], s) + 1
    return np.empty((rows, ceil_div(x.shape[1] + 2 * q - k.shape[1], t) + 1))


def _conv_case(label, xs, ks, stride, padding, make=ints, public=True):
    return Case(label, lambda r: (make(r, *xs), make(r, *ks), stride, padding), public)


PUBLISHED = (
    "That is the formula as a widely read note prints it, (W − k + P + s + 1)/s with P = 2p "
    "the total padding: it has an extra + 1 and no floor (n = 4, k = 3, s = 2 gives 2 "
    "instead of 1). Count window starts: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1."
)

EXERCISES = (
    Exercise(
        id="02.output_size",
        func="output_size",
        params=("n", "k", "s", "p", "d"),
        points=1,
        title="Output size of a convolution",
        reference=conv_output_size,
        cases=(
            _size(5, 3, 1, 0, 1),
            _size(7, 3, 2, 1, 1),
            _size(6, 3, 2, 0, 1),
            _size(10, 3, 1, 0, 2),
            _size(224, 7, 2, 3, 1, False),
            _size(32, 3, 1, 1, 1, False),
            _size(28, 5, 3, 2, 2, False),
            _size(9, 4, 2, 1, 3, False),
            _size(1, 1, 1, 0, 1, False),
            _size(15, 2, 4, 0, 1, False),
        ),
        hint="o = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1, computed with integer division //.",
        mistakes=(
            Mistake(
                "You used true division /: sizes are whole numbers, use // (floor).",
                lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1,
            ),
            Mistake(
                "Floor, not ceil: a last window that does not fit entirely is dropped.",
                lambda n, k, s, p, d: ceil_div(n + 2 * p - d * (k - 1) - 1, s) + 1,
            ),
            Mistake(
                "Flooring the published (W − k + P + s + 1)/s is not enough: its extra + 1 "
                "remains (n = 4, k = 3, s = 2 gives 2 instead of 1). Count window starts: "
                "⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.",
                lambda n, k, s, p, d: (n - k + 2 * p + s + 1) // s,
            ),
            Mistake(  # after the floored one: 2.0 would also match an int 2
                PUBLISHED,
                lambda n, k, s, p, d: (n - k + 2 * p + s + 1) / s,
            ),
            Mistake(
                "padding=p is added on each side: the input grows by 2p, not p.",
                lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1,
            ),
            Mistake(
                "A dilated kernel spans d(k − 1) + 1 pixels: use that instead of k.",
                lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,
            ),
            Mistake(
                "Count the first window too: the formula ends with + 1.",
                lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s,
            ),
        ),
    ),
    Exercise(
        id="02.reflect_pad",
        func="reflect_pad",
        params=("x", "p"),
        points=2,
        title="Reflect padding by hand",
        reference=reflect_pad_ref,
        cases=(
            Case("3×3, p=1", lambda r: (ints(r, 3, 3), 1)),
            Case("4×5, p=2", lambda r: (ints(r, 4, 5), 2)),
            Case("5×4, p=3", lambda r: (ints(r, 5, 4), 3)),
            Case(
                "3×3, p=3 must raise ValueError", lambda r: (ints(r, 3, 3), 3), raises="ValueError"
            ),
            Case("6×6, p=0", lambda r: (normal(r, 6, 6), 0), False),
            Case("7×3, p=2", lambda r: (normal(r, 7, 3), 2), False),
            Case("2×5, p=2 must raise", lambda r: (normal(r, 2, 5), 2), False, "ValueError"),
            Case("10×12, p=9", lambda r: (normal(r, 10, 12), 9), False),
        ),
        hint=(
            "Reflect mirrors around the edge pixel without repeating it: padded row p − i is "
            "row i of x (i = 1..p), and the same for the bottom, then for the columns. "
            "Raise ValueError when p >= H or p >= W."
        ),
        mistakes=(
            Mistake(
                "You repeated the edge pixel: that is 'symmetric' padding. Reflect mirrors "
                "around the edge pixel: [1 2 3] padded by 2 is [3 2 | 1 2 3 | 2 1].",
                _numpy_pad("symmetric"),
            ),
            Mistake(
                "That is replicate padding (the edge value copied outwards); reflect mirrors.",
                _numpy_pad("edge"),
            ),
            Mistake(
                "That is zero padding; reflect copies mirrored pixels.", _numpy_pad("constant")
            ),
            Mistake("That is circular padding (wrap-around); reflect mirrors.", _numpy_pad("wrap")),
        ),
        forbid_functions=(*FORBIDDEN_FUNCTIONS, "numpy.pad"),
    ),
    Exercise(
        id="02.conv2d_single",
        func="conv2d_single",
        params=("x", "k", "stride", "padding"),
        points=3,
        title="Single-channel convolution with stride and zero padding",
        reference=conv2d_single_ref,
        cases=(
            _conv_case("4×4, 2×2 kernel", (4, 4), (2, 2), 1, 0),
            _conv_case("5×5, 3×3 kernel, padding 1", (5, 5), (3, 3), 1, 1),
            _conv_case("5×5, 3×3 kernel, stride 2", (5, 5), (3, 3), 2, 0),
            _conv_case("6×7, 3×3 kernel, stride 2, padding 1", (6, 7), (3, 3), 2, 1),
            _conv_case("7×7, stride 3, padding 2", (7, 7), (3, 3), 3, 2, normal, False),
            _conv_case(
                "8×6, 2×4, stride (2, 1), padding (1, 2)",
                (8, 6),
                (2, 4),
                (2, 1),
                (1, 2),
                normal,
                False,
            ),
            _conv_case("9×9, 4×4, stride 2, padding 1", (9, 9), (4, 4), 2, 1, normal, False),
            _conv_case("3×3, 3×3 kernel", (3, 3), (3, 3), 1, 0, normal, False),
            _conv_case(
                "12×10, 5×5, stride (3, 2), padding (2, 0)",
                (12, 10),
                (5, 5),
                (3, 2),
                (2, 0),
                normal,
                False,
            ),
        ),
        hint=(
            "Zero-pad p on each side, then out[i, j] = Σ xp[i·s + u, j·s + v] · k[u, v] with the "
            "output size ⌊(n + 2p − k)/s⌋ + 1 per axis."
        ),
        mistakes=(
            Mistake(
                "You flipped the kernel; deep-learning 'convolution' is cross-correlation.",
                lambda x, k, s, p: conv2d_single_ref(x, k[::-1, ::-1], s, p),
            ),
            Mistake(
                "You kept every window position: with stride s keep every s-th one "
                "(out[i, j] starts at row i·s, column j·s).",
                lambda x, k, s, p: conv2d_single_ref(x, k, 1, p),
                shape_only=True,
            ),
            Mistake(
                "Floor, not ceil: the last window must fit inside the padded input.",
                _ceil_shape,
                shape_only=True,
            ),
            Mistake(
                "padding=p adds p zeros on each side (2p in total), not p in total.",
                lambda x, k, s, p: conv2d_single_ref(x, k, s, tuple(v // 2 for v in two(p))),
            ),
        ),
    ),
)
