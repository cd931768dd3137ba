"""Lesson 05 exercises: transposed-conv output size, conv as a matrix, conv^T by scatter."""

from __future__ import annotations

import numpy as np

from ... import conv_matrix, conv_output_size, conv_transpose2d, conv_transpose_output_size
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal


def conv_matrix_ref(input_shape, k: np.ndarray, stride=1, padding=0) -> np.ndarray:
    return conv_matrix(tuple(input_shape), k, stride=stride, padding=padding)


def scatter_ref(x: np.ndarray, w: np.ndarray, stride=1, padding=0) -> np.ndarray:
    return conv_transpose2d(x, w, stride=stride, padding=padding)


def _size(n, k, s, p, op, d, public=True):
    label = f"n={n}, k={k}, s={s}, p={p}, output_padding={op}, d={d}"
    return Case(label, lambda r: (n, k, s, p, op, d), public)


def _matrix(shape, ks, s, p, public=True, make=ints):
    label = f"{shape[0]}×{shape[1]} input, {ks[0]}×{ks[1]} kernel, stride {s}, padding {p}"
    return Case(label, lambda r: (tuple(shape), make(r, *ks), s, p), public)


def _scatter(xs, ws, s, p, public=True, make=ints):
    label = f"x {'×'.join(map(str, xs))}, w {'×'.join(map(str, ws))}, stride {s}, padding {p}"
    return Case(label, lambda r: (make(r, *xs), make(r, *ws), s, p), public)


EXERCISES = (
    Exercise(
        id="05.transpose_output_size",
        func="transpose_output_size",
        params=("n", "k", "s", "p", "output_padding", "d"),
        points=1,
        title="Output size of a transposed convolution",
        reference=conv_transpose_output_size,
        cases=(
            _size(2, 3, 1, 0, 0, 1),
            _size(4, 3, 2, 1, 1, 1),
            _size(3, 4, 2, 1, 0, 1),
            _size(5, 3, 2, 0, 0, 1, False),
            _size(7, 5, 3, 2, 2, 1, False),
            _size(4, 3, 1, 0, 0, 2, False),
            _size(1, 4, 2, 1, 0, 1, False),
            _size(16, 4, 2, 1, 0, 1, False),
        ),
        hint="o = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.",
        mistakes=(
            Mistake(
                "That is the forward convolution's formula. The transposed convolution maps n "
                "back up: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.",
                lambda n, k, s, p, op, d: conv_output_size(n, k, s, p, d),
            ),
            Mistake(
                "Add output_padding: it picks which of the input sizes a strided conv maps to n.",
                lambda n, k, s, p, op, d: conv_transpose_output_size(n, k, s, p, 0, d),
            ),
            Mistake(
                "padding p is removed from each side: subtract 2p.",
                lambda n, k, s, p, op, d: (n - 1) * s - p + d * (k - 1) + op + 1,
            ),
        ),
    ),
    Exercise(
        id="05.conv_matrix",
        func="conv_matrix",
        params=("input_shape", "k", "stride", "padding"),
        points=2,
        title="Convolution as a matrix",
        reference=conv_matrix_ref,
        cases=(
            _matrix((3, 3), (2, 2), 1, 0),
            _matrix((4, 4), (3, 3), 1, 1),
            _matrix((4, 5), (2, 2), 2, 0),
            _matrix((5, 5), (3, 3), 2, 1, False, normal),
            _matrix((6, 4), (3, 2), 1, 0, False, normal),
            _matrix((2, 2), (1, 1), 1, 0, False, normal),
            _matrix((7, 7), (3, 3), 3, 1, False, normal),
        ),
        hint=(
            "Row r = i·ow + j of C holds the kernel where output (i, j) reads the input: "
            "C[r, (i·s + u − p)·W + (j·s + v − p)] = k[u, v] for every tap that lands inside."
        ),
        mistakes=(
            Mistake(
                "Rows index outputs and columns index inputs: C has shape (oh·ow, H·W), so that "
                "C @ x.ravel() is the output. You returned its transpose.",
                lambda shape, k, s, p: conv_matrix_ref(shape, k, s, p).T,
                shape_only=True,
            ),
            Mistake(
                "You flipped the kernel; conv2d (cross-correlation) places k as it is.",
                lambda shape, k, s, p: conv_matrix_ref(shape, k[::-1, ::-1], s, p),
            ),
        ),
    ),
    Exercise(
        id="05.conv_transpose2d_scatter",
        func="conv_transpose2d_scatter",
        params=("x", "w", "stride", "padding"),
        points=3,
        title="Transposed convolution as a scatter of kernel stamps",
        reference=scatter_ref,
        cases=(
            _scatter((1, 2, 2), (1, 1, 2, 2), 1, 0),
            _scatter((1, 2, 2), (1, 1, 3, 3), 2, 0),
            _scatter((2, 3, 3), (2, 3, 3, 3), 2, 1),
            _scatter((3, 4, 5), (3, 2, 2, 4), 2, 0, False, normal),
            _scatter((2, 5, 5), (2, 2, 4, 4), 2, 1, False, normal),
            _scatter((1, 1, 1), (1, 1, 3, 3), 3, 1, False, normal),
            _scatter((4, 3, 2), (4, 1, 3, 3), 3, 0, False, normal),
        ),
        hint=(
            "Start from zeros of the uncropped size ((H − 1)·s + kh, (W − 1)·s + kw); each input "
            "pixel adds x[c, i, j] · w[c] into out[:, i·s : i·s + kh, j·s : j·s + kw]; then "
            "crop p rows and columns from every side."
        ),
        mistakes=(
            Mistake(
                "Crop the padding: the result loses p rows/columns on each side of the scatter.",
                lambda x, w, s, p: scatter_ref(x, w, s, 0),
                shape_only=True,
            ),
            Mistake(
                "Each input pixel stamps w as it is (no flip) at (i·s, j·s).",
                lambda x, w, s, p: scatter_ref(x, w[:, :, ::-1, ::-1], s, p),
            ),
        ),
    ),
)
