"""Lesson 05, design and debug: conv^T by zero insertion; which kernel/stride pairs overlap evenly.

The expected transposed convolution is :func:`convlab.conv_transpose2d`; ``_zero_insert``
below builds the *wrong* variants of the zero-insertion recipe, for the hints.
"""

from __future__ import annotations

import numpy as np

from ... import conv_transpose2d
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal


def transposed_ref(x, k, stride=1, padding=0, output_padding=0) -> np.ndarray:
    return conv_transpose2d(
        x[None, None], k[None, None], stride=stride, padding=padding, output_padding=output_padding
    )[0, 0]


def _zero_insert(x, k, s, p, op, *, flip=True, zeros=None, op_sides=(0, 1)):
    """The recipe with knobs: insert ``zeros`` between pixels, pad, correlate."""
    zeros = s - 1 if zeros is None else zeros
    (h, w), (kh, kw) = x.shape, k.shape
    up = np.zeros(((h - 1) * (zeros + 1) + 1, (w - 1) * (zeros + 1) + 1))
    up[:: zeros + 1, :: zeros + 1] = x
    before, after = op * op_sides[0], op * op_sides[1]
    up = np.pad(
        up, ((kh - 1 - p + before, kh - 1 - p + after), (kw - 1 - p + before, kw - 1 - p + after))
    )
    kk = k[::-1, ::-1] if flip else k
    win = np.lib.stride_tricks.sliding_window_view(up, kk.shape)
    return np.einsum("ijuv,uv->ij", win, kk)


def _zi(*, label, x_shape, k_shape, s, p, op, public=True, make=ints):
    return Case(
        label=label, make=lambda r: (make(r, *x_shape), make(r, *k_shape), s, p, op), public=public
    )


def uniform_overlap_ref(k: int, s: int) -> bool:
    """Every output pixel (away from the borders) gets the same number of stamps."""
    return k % s == 0


def _uo(*, k, s, public=True):
    return Case(label=f"k={k}, s={s}", make=lambda r: (k, s), public=public)


EXERCISES = (
    Exercise(
        id="05.uniform_overlap",
        func="uniform_overlap",
        params=("k", "s"),
        points=1,
        tier="design",
        title="Predict checkerboard overlap from kernel size and stride",
        reference=uniform_overlap_ref,
        cases=(
            _uo(k=3, s=2),
            _uo(k=4, s=2),
            _uo(k=3, s=1),
            _uo(k=2, s=3),
            _uo(k=5, s=2, public=False),
            _uo(k=6, s=3, public=False),
            _uo(k=4, s=3, public=False),
            _uo(k=9, s=3, public=False),
            _uo(k=1, s=1, public=False),
            _uo(k=2, s=4, public=False),
            _uo(k=8, s=4, public=False),
            _uo(k=7, s=7, public=False),
            _uo(k=6, s=4, public=False),
        ),
        hint=(
            "Stamps of length k start every s pixels; output pixel i is covered by the stamps "
            "starting in (i − k, i], a window of length k over a grid of period s. That count "
            "is the same for every i exactly when s divides k."
        ),
        mistakes=(
            Mistake(
                hint="Overlap (k ≥ s) or an odd kernel does not make it uniform: with k = 3, s = 2 "
                "the pixels get 2, 1, 2, 1, … stamps (the checkerboard). Uniform exactly when "
                "s divides k.",
                compute=lambda k, s: True if k % s else None,  # said uniform, is not
            ),
            Mistake(
                hint="Not only stride 1 (or k = s) is uniform: with k = 4, s = 2 every pixel gets "
                "two stamps. Uniform exactly when s divides k.",
                compute=lambda k, s: False if k % s == 0 else None,  # said checkerboard, is uniform
            ),
        ),
    ),
    Exercise(
        id="05.transposed_by_zero_insertion",
        func="transposed_by_zero_insertion",
        params=("x", "k", "stride", "padding", "output_padding"),
        points=3,
        tier="design",
        title="Transposed convolution by zero insertion, padding and a flipped kernel",
        reference=transposed_ref,
        cases=(
            _zi(
                label="2×2 input, 2×2 kernel, stride 1",
                x_shape=(2, 2),
                k_shape=(2, 2),
                s=1,
                p=0,
                op=0,
            ),
            _zi(
                label="2×2 input, 3×3 kernel, stride 2",
                x_shape=(2, 2),
                k_shape=(3, 3),
                s=2,
                p=0,
                op=0,
            ),
            _zi(
                label="3×3 input, 3×3 kernel, stride 2, padding 1",
                x_shape=(3, 3),
                k_shape=(3, 3),
                s=2,
                p=1,
                op=0,
            ),
            _zi(
                label="3×3 input, 3×3, stride 2, padding 1, output_padding 1",
                x_shape=(3, 3),
                k_shape=(3, 3),
                s=2,
                p=1,
                op=1,
            ),
            _zi(
                label="4×5 input, 4×4, stride 2, padding 1",
                x_shape=(4, 5),
                k_shape=(4, 4),
                s=2,
                p=1,
                op=0,
                public=False,
                make=normal,
            ),
            _zi(
                label="3×2 input, 3×4, stride 3, output_padding 2",
                x_shape=(3, 2),
                k_shape=(3, 4),
                s=3,
                p=0,
                op=2,
                public=False,
                make=normal,
            ),
            _zi(
                label="1×1 input, 3×3, stride 2, padding 1, op 1",
                x_shape=(1, 1),
                k_shape=(3, 3),
                s=2,
                p=1,
                op=1,
                public=False,
                make=normal,
            ),
            _zi(
                label="5×4 input, 2×2, stride 1, padding 1",
                x_shape=(5, 4),
                k_shape=(2, 2),
                s=1,
                p=1,
                op=0,
                public=False,
                make=normal,
            ),
            _zi(
                label="6×6 input, 5×5, stride 4, padding 2, op 3",
                x_shape=(6, 6),
                k_shape=(5, 5),
                s=4,
                p=2,
                op=3,
                public=False,
                make=normal,
            ),
        ),
        hint=(
            "1) Insert s − 1 zeros between neighbouring pixels (rows and columns): shape "
            "((H − 1)s + 1, (W − 1)s + 1). 2) Pad k − 1 − p zeros on every side, plus "
            "output_padding more at the bottom and right only. 3) Correlate (valid) with the "
            "flipped kernel k[::-1, ::-1]."
        ),
        mistakes=(
            Mistake(
                hint="Flip the kernel: the scatter stamps k as it is, so as a (gather) convolution "
                "it reads k[::-1, ::-1].",
                compute=lambda x, k, s, p, op: _zero_insert(x, k, s, p, op, flip=False),
            ),
            Mistake(
                hint="Insert s − 1 zeros between pixels, not s (stride 2 puts one zero between two "
                "pixels).",
                compute=lambda x, k, s, p, op: _zero_insert(x, k, s, p, op, zeros=s),
                shape_only=True,
            ),
            Mistake(
                hint="output_padding adds rows and columns at the bottom and right only, not on "
                "both sides.",
                compute=lambda x, k, s, p, op: _zero_insert(x, k, s, p, op, op_sides=(1, 1)),
                shape_only=True,
            ),
            Mistake(
                hint="Add output_padding: op extra rows and columns of zeros at the bottom and "
                "right.",
                compute=lambda x, k, s, p, op: _zero_insert(x, k, s, p, 0),
                shape_only=True,
            ),
            Mistake(
                hint="The transposed conv's padding p *removes* p from each side: pad with "
                "k − 1 − p, not p.",
                compute=lambda x, k, s, p, op: np.empty(
                    (
                        (x.shape[0] - 1) * s + 1 + 2 * p + op - k.shape[0] + 1,
                        (x.shape[1] - 1) * s + 1 + 2 * p + op - k.shape[1] + 1,
                    )
                ),
                shape_only=True,
            ),
        ),
    ),
)
