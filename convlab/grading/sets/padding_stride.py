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


def _size(*, n, k, s, p, d, public=True):
    return Case(
        label=f"n={n}, k={k}, s={s}, p={p}, d={d}", make=lambda r: (n, k, s, p, d), public=public
    )


def _numpy_pad(mode):
    return lambda x, p: np.pad(x, p, mode=mode)


def _ceil_shape(x, k, stride, padding):
    (s, t), (p, q) = two(stride), two(padding)
    rows = ceil_div(x.shape[0] + 2 * p - k.shape[0], s) + 1
    return np.empty((rows, ceil_div(x.shape[1] + 2 * q - k.shape[1], t) + 1))


def _conv_case(*, label, x_shape, k_shape, stride, padding, make=ints, public=True):
    return Case(
        label=label,
        make=lambda r: (make(r, *x_shape), make(r, *k_shape), stride, padding),
        public=public,
    )


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
            _size(n=5, k=3, s=1, p=0, d=1),
            _size(n=7, k=3, s=2, p=1, d=1),
            _size(n=6, k=3, s=2, p=0, d=1),
            _size(n=10, k=3, s=1, p=0, d=2),
            _size(n=224, k=7, s=2, p=3, d=1, public=False),
            _size(n=32, k=3, s=1, p=1, d=1, public=False),
            _size(n=28, k=5, s=3, p=2, d=2, public=False),
            _size(n=9, k=4, s=2, p=1, d=3, public=False),
            _size(n=1, k=1, s=1, p=0, d=1, public=False),
            _size(n=15, k=2, s=4, p=0, d=1, public=False),
        ),
        hint="o = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1, computed with integer division //.",
        mistakes=(
            Mistake(
                hint="You used true division /: sizes are whole numbers, use // (floor).",
                compute=lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1,
            ),
            Mistake(
                hint="Floor, not ceil: a last window that does not fit entirely is dropped.",
                compute=lambda n, k, s, p, d: ceil_div(n + 2 * p - d * (k - 1) - 1, s) + 1,
            ),
            Mistake(
                hint="Flooring the published (W − k + P + s + 1)/s is not enough: its extra + 1 "
                "remains (n = 4, k = 3, s = 2 gives 2 instead of 1). Count window starts: "
                "⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1.",
                compute=lambda n, k, s, p, d: (n - k + 2 * p + s + 1) // s,
            ),
            Mistake(  # after the floored one: 2.0 would also match an int 2
                hint=PUBLISHED,
                compute=lambda n, k, s, p, d: (n - k + 2 * p + s + 1) / s,
            ),
            Mistake(
                hint="padding=p is added on each side: the input grows by 2p, not p.",
                compute=lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1,
            ),
            Mistake(
                hint="A dilated kernel spans d(k − 1) + 1 pixels: use that instead of k.",
                compute=lambda n, k, s, p, d: (n + 2 * p - k) // s + 1,
            ),
            Mistake(
                hint="Count the first window too: the formula ends with + 1.",
                compute=lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) // s,
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
            Case(label="3×3, p=1", make=lambda r: (ints(r, 3, 3), 1)),
            Case(label="4×5, p=2", make=lambda r: (ints(r, 4, 5), 2)),
            Case(label="5×4, p=3", make=lambda r: (ints(r, 5, 4), 3)),
            Case(
                label="3×3, p=3 must raise ValueError",
                make=lambda r: (ints(r, 3, 3), 3),
                raises="ValueError",
            ),
            Case(label="6×6, p=0", make=lambda r: (normal(r, 6, 6), 0), public=False),
            Case(label="7×3, p=2", make=lambda r: (normal(r, 7, 3), 2), public=False),
            Case(
                label="2×5, p=2 must raise",
                make=lambda r: (normal(r, 2, 5), 2),
                public=False,
                raises="ValueError",
            ),
            Case(label="10×12, p=9", make=lambda r: (normal(r, 10, 12), 9), public=False),
        ),
        hint=(
            "Reflect mirrors around the edge pixel without repeating it: padded row p − i is "
            "row i of x (i = 1..p), and the same for the bottom, then for the columns. "
            "Raise ValueError when p >= H or p >= W."
        ),
        mistakes=(
            Mistake(
                hint="You repeated the edge pixel: that is 'symmetric' padding. Reflect mirrors "
                "around the edge pixel: [1 2 3] padded by 2 is [3 2 | 1 2 3 | 2 1].",
                compute=_numpy_pad("symmetric"),
            ),
            Mistake(
                hint="That is replicate padding (the edge value copied outwards); reflect mirrors.",
                compute=_numpy_pad("edge"),
            ),
            Mistake(
                hint="That is zero padding; reflect copies mirrored pixels.",
                compute=_numpy_pad("constant"),
            ),
            Mistake(
                hint="That is circular padding (wrap-around); reflect mirrors.",
                compute=_numpy_pad("wrap"),
            ),
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
            _conv_case(
                label="4×4, 2×2 kernel", x_shape=(4, 4), k_shape=(2, 2), stride=1, padding=0
            ),
            _conv_case(
                label="5×5, 3×3 kernel, padding 1",
                x_shape=(5, 5),
                k_shape=(3, 3),
                stride=1,
                padding=1,
            ),
            _conv_case(
                label="5×5, 3×3 kernel, stride 2",
                x_shape=(5, 5),
                k_shape=(3, 3),
                stride=2,
                padding=0,
            ),
            _conv_case(
                label="6×7, 3×3 kernel, stride 2, padding 1",
                x_shape=(6, 7),
                k_shape=(3, 3),
                stride=2,
                padding=1,
            ),
            _conv_case(
                label="7×7, stride 3, padding 2",
                x_shape=(7, 7),
                k_shape=(3, 3),
                stride=3,
                padding=2,
                make=normal,
                public=False,
            ),
            _conv_case(
                label="8×6, 2×4, stride (2, 1), padding (1, 2)",
                x_shape=(8, 6),
                k_shape=(2, 4),
                stride=(2, 1),
                padding=(1, 2),
                make=normal,
                public=False,
            ),
            _conv_case(
                label="9×9, 4×4, stride 2, padding 1",
                x_shape=(9, 9),
                k_shape=(4, 4),
                stride=2,
                padding=1,
                make=normal,
                public=False,
            ),
            _conv_case(
                label="3×3, 3×3 kernel",
                x_shape=(3, 3),
                k_shape=(3, 3),
                stride=1,
                padding=0,
                make=normal,
                public=False,
            ),
            _conv_case(
                label="12×10, 5×5, stride (3, 2), padding (2, 0)",
                x_shape=(12, 10),
                k_shape=(5, 5),
                stride=(3, 2),
                padding=(2, 0),
                make=normal,
                public=False,
            ),
        ),
        hint=(
            "Zero-pad p on each side, then out[i, j] = Σ xp[i·s + u, j·s + v] · k[u, v] with the "
            "output size ⌊(n + 2p − k)/s⌋ + 1 per axis."
        ),
        mistakes=(
            Mistake(
                hint="You flipped the kernel; deep-learning 'convolution' is cross-correlation.",
                compute=lambda x, k, s, p: conv2d_single_ref(x, k[::-1, ::-1], s, p),
            ),
            Mistake(
                hint="You kept every window position: with stride s keep every s-th one "
                "(out[i, j] starts at row i·s, column j·s).",
                compute=lambda x, k, s, p: conv2d_single_ref(x, k, 1, p),
                shape_only=True,
            ),
            Mistake(
                hint="Floor, not ceil: the last window must fit inside the padded input.",
                compute=_ceil_shape,
                shape_only=True,
            ),
            Mistake(
                hint="padding=p adds p zeros on each side (2p in total), not p in total.",
                compute=lambda x, k, s, p: conv2d_single_ref(
                    x, k, s, tuple(v // 2 for v in two(p))
                ),
            ),
        ),
    ),
)
