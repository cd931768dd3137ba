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


def _size(*, n, k, s, p, op, d, public=True):
    label = f"n={n}, k={k}, s={s}, p={p}, output_padding={op}, d={d}"
    return Case(label=label, make=lambda r: (n, k, s, p, op, d), public=public)


def _matrix(*, shape, k_shape, s, p, public=True, make=ints):
    label = (
        f"{shape[0]}×{shape[1]} input, {k_shape[0]}×{k_shape[1]} kernel, stride {s}, padding {p}"
    )
    return Case(label=label, make=lambda r: (tuple(shape), make(r, *k_shape), s, p), public=public)


def _scatter(*, x_shape, w_shape, s, p, public=True, make=ints):
    label = (
        f"x {'×'.join(map(str, x_shape))}, w {'×'.join(map(str, w_shape))}, stride {s}, padding {p}"
    )
    return Case(
        label=label, make=lambda r: (make(r, *x_shape), make(r, *w_shape), s, p), public=public
    )


EXERCISES = (
    Exercise(
        id="05.transpose_output_size",
        func="transpose_output_size",
        params=("n", "k", "s", "p", "output_padding", "d"),
        points=1,
        title="Output size of a transposed convolution",
        reference=conv_transpose_output_size,
        cases=(
            _size(n=2, k=3, s=1, p=0, op=0, d=1),
            _size(n=4, k=3, s=2, p=1, op=1, d=1),
            _size(n=3, k=4, s=2, p=1, op=0, d=1),
            _size(n=5, k=3, s=2, p=0, op=0, d=1, public=False),
            _size(n=7, k=5, s=3, p=2, op=2, d=1, public=False),
            _size(n=4, k=3, s=1, p=0, op=0, d=2, public=False),
            _size(n=1, k=4, s=2, p=1, op=0, d=1, public=False),
            _size(n=16, k=4, s=2, p=1, op=0, d=1, public=False),
        ),
        hint="o = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.",
        mistakes=(
            Mistake(
                hint="That is the forward convolution's formula. The transposed convolution maps n "
                "back up: (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.",
                compute=lambda n, k, s, p, op, d: conv_output_size(n, k, s, p, d),
            ),
            Mistake(
                hint="Add output_padding: it picks which of the input sizes a strided conv maps "
                "to n.",
                compute=lambda n, k, s, p, op, d: conv_transpose_output_size(n, k, s, p, 0, d),
            ),
            Mistake(
                hint="padding p is removed from each side: subtract 2p.",
                compute=lambda n, k, s, p, op, d: (n - 1) * s - p + d * (k - 1) + op + 1,
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
            _matrix(shape=(3, 3), k_shape=(2, 2), s=1, p=0),
            _matrix(shape=(4, 4), k_shape=(3, 3), s=1, p=1),
            _matrix(shape=(4, 5), k_shape=(2, 2), s=2, p=0),
            _matrix(shape=(5, 5), k_shape=(3, 3), s=2, p=1, public=False, make=normal),
            _matrix(shape=(6, 4), k_shape=(3, 2), s=1, p=0, public=False, make=normal),
            _matrix(shape=(2, 2), k_shape=(1, 1), s=1, p=0, public=False, make=normal),
            _matrix(shape=(7, 7), k_shape=(3, 3), s=3, p=1, public=False, make=normal),
        ),
        hint=(
            "Row r = i·ow + j of C holds the kernel where output (i, j) reads the input: "
            "C[r, (i·s + u − p)·W + (j·s + v − p)] = k[u, v] for every tap that lands inside."
        ),
        mistakes=(
            Mistake(
                hint="Rows index outputs and columns index inputs: C has shape (oh·ow, H·W), so "
                "that C @ x.ravel() is the output. You returned its transpose.",
                compute=lambda shape, k, s, p: conv_matrix_ref(shape, k, s, p).T,
                shape_only=True,
            ),
            Mistake(
                hint="You flipped the kernel; conv2d (cross-correlation) places k as it is.",
                compute=lambda shape, k, s, p: conv_matrix_ref(shape, k[::-1, ::-1], s, p),
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
            _scatter(x_shape=(1, 2, 2), w_shape=(1, 1, 2, 2), s=1, p=0),
            _scatter(x_shape=(1, 2, 2), w_shape=(1, 1, 3, 3), s=2, p=0),
            _scatter(x_shape=(2, 3, 3), w_shape=(2, 3, 3, 3), s=2, p=1),
            _scatter(x_shape=(3, 4, 5), w_shape=(3, 2, 2, 4), s=2, p=0, public=False, make=normal),
            _scatter(x_shape=(2, 5, 5), w_shape=(2, 2, 4, 4), s=2, p=1, public=False, make=normal),
            _scatter(x_shape=(1, 1, 1), w_shape=(1, 1, 3, 3), s=3, p=1, public=False, make=normal),
            _scatter(x_shape=(4, 3, 2), w_shape=(4, 1, 3, 3), s=3, p=0, public=False, make=normal),
        ),
        hint=(
            "Start from zeros of the uncropped size ((H − 1)·s + kh, (W − 1)·s + kw); each input "
            "pixel adds x[c, i, j] · w[c] into out[:, i·s : i·s + kh, j·s : j·s + kw]; then "
            "crop p rows and columns from every side."
        ),
        mistakes=(
            Mistake(
                hint="Crop the padding: the result loses p rows/columns on each side of the "
                "scatter.",
                compute=lambda x, w, s, p: scatter_ref(x, w, s, 0),
                shape_only=True,
            ),
            Mistake(
                hint="Each input pixel stamps w as it is (no flip) at (i·s, j·s).",
                compute=lambda x, w, s, p: scatter_ref(x, w[:, :, ::-1, ::-1], s, p),
            ),
        ),
    ),
)
