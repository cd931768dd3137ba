"""Lesson 04 exercises: dilate a kernel, receptive field of a stack, the HDC rule as stated.

``04.hdc_ok`` grades the rule exactly as Wang et al. state it, which is inexact outside
its sawtooth setting ([2, 3] passes yet has holes); ``04.hole_count`` (design tier) grades
the truth, from :func:`convlab.dilation_coverage`.

Expected values come from :mod:`convlab.fields`; the helpers below only compute the usual
*wrong* answers, for the hints.
"""

from __future__ import annotations

import math

import numpy as np

from ... import conv_transpose2d, hdc_check, receptive_field
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ints, normal


def dilate_kernel_ref(k: np.ndarray, d: int) -> np.ndarray:
    """The dilated kernel is the scatter of one unit impulse through a dilated conv^T."""
    return conv_transpose2d(np.ones((1, 1, 1, 1)), k[None, None], dilation=d)[0, 0]


def receptive_field_ref(layers) -> list[int]:
    """Receptive field size after each ``(kernel_size, stride, dilation)`` layer."""
    stack = [{"kernel_size": k, "stride": s, "dilation": d} for k, s, d in layers]
    return [int(field.size) for field in receptive_field(stack)]


def hdc_ok_ref(dilations, kernel_size: int) -> bool:
    """Hybrid Dilated Convolution: M_2 <= K and no common factor > 1."""
    return bool(hdc_check(dilations, kernel_size))


def _m(dilations, k, i: int) -> int:
    """HDC's M_i (1-based), from convlab.hdc_check."""
    return hdc_check(dilations, k).M[i - 1]


def _dilate(label, kh, kw, d, public=True, make=ints):
    return Case(label, lambda r: (make(r, kh, kw), d), public)


def _stack(layers, public=True):
    text = ", ".join(f"(k={k}, s={s}, d={d})" for k, s, d in layers)
    return Case(text, lambda r: ([tuple(layer) for layer in layers],), public)


def _hdc(dilations, k, public=True):
    return Case(f"dilations={dilations}, K={k}", lambda r: (list(dilations), k), public)


def _holes_d(k, d):
    return np.empty(((k.shape[0] - 1) * (d + 1) + 1, (k.shape[1] - 1) * (d + 1) + 1))


EXERCISES = (
    Exercise(
        id="04.dilate_kernel",
        func="dilate_kernel",
        params=("k", "d"),
        points=1,
        title="Dilate a kernel (insert the holes)",
        reference=dilate_kernel_ref,
        cases=(
            _dilate("2×2 kernel, d=1 (unchanged)", 2, 2, 1),
            _dilate("3×3 kernel, d=2", 3, 3, 2),
            _dilate("2×3 kernel, d=3", 2, 3, 3),
            _dilate("1×4 kernel, d=2", 1, 4, 2, False, normal),
            _dilate("5×5 kernel, d=4", 5, 5, 4, False, normal),
            _dilate("3×1 kernel, d=5", 3, 1, 5, False, normal),
        ),
        hint=(
            "Allocate zeros of shape ((kh − 1)·d + 1, (kw − 1)·d + 1) and put k on every d-th "
            "row and column: out[::d, ::d] = k."
        ),
        mistakes=(
            Mistake(
                "Dilation d puts d − 1 zeros between neighbouring taps (d = 1 means no holes), "
                "so the size is (k − 1)·d + 1.",
                _holes_d,
                shape_only=True,
            ),
        ),
    ),
    Exercise(
        id="04.receptive_field",
        func="receptive_field",
        params=("layers",),
        points=2,
        title="Receptive field of a stack of layers",
        reference=receptive_field_ref,
        cases=(
            _stack([(3, 1, 1)]),
            _stack([(3, 1, 1), (3, 1, 1)]),
            _stack([(3, 2, 1), (3, 2, 1), (3, 1, 1)]),
            _stack([(3, 1, 1), (3, 1, 2), (3, 1, 4)], False),
            _stack([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)], False),
            _stack([(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)], False),
            _stack([(3, 2, 2), (3, 2, 3), (1, 1, 1), (2, 3, 1)], False),
        ),
        hint="r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}, j_l = j_{l−1}·s_l, starting from r = j = 1.",
        mistakes=(
            Mistake(
                "Each layer steps over the previous layer's grid: multiply (k − 1)·d by the jump "
                "j_{l−1}, the product of the earlier strides.",
                lambda layers: receptive_field_ref([(k, 1, d) for k, s, d in layers]),
            ),
            Mistake(
                "A dilated kernel spans (k − 1)·d + 1 pixels: multiply (k − 1) by d.",
                lambda layers: receptive_field_ref([(k, s, 1) for k, s, d in layers]),
            ),
            Mistake(
                "Update the jump after adding the layer: layer l uses j_{l−1}, the jump of the "
                "layers before it.",
                lambda layers: receptive_field_ref([(k, s, d * s) for k, s, d in layers]),
            ),
        ),
    ),
    Exercise(
        id="04.hdc_ok",
        func="hdc_ok",
        params=("dilations", "kernel_size"),
        points=3,
        title="The HDC rule as stated in the paper (Wang et al. 2018)",
        reference=hdc_ok_ref,
        cases=(
            _hdc([1, 2, 5], 3),
            _hdc([2, 4, 6], 3),
            _hdc([1, 2, 9], 3),
            _hdc([2, 2, 2], 3),
            _hdc([1, 2, 3], 3, False),
            _hdc([1, 3], 3, False),
            _hdc([1, 4], 3, False),
            _hdc([1, 2, 4, 8], 3, False),
            _hdc([1, 5, 9], 5, False),
            _hdc([1, 5, 9], 3, False),
            _hdc([3, 6], 7, False),
            _hdc([1, 1, 1], 3, False),
        ),
        hint=(
            "M_n = r_n, M_i = max(M_{i+1} − 2r_i, M_{i+1} − 2(M_{i+1} − r_i), r_i) for "
            "i = n − 1 … 2; the rule passes when M_2 ≤ K and gcd(r_1, …, r_n) = 1. Grade the "
            "rule as the paper states it, even where it misjudges the holes (04.hole_count "
            "counts them)."
        ),
        mistakes=(
            Mistake(
                "Also test the common factor: [2, 2, 2] passes the distance test but every "
                "rate is even, so odd pixels are never seen (gridding). Require gcd = 1.",
                lambda r, k: _m(r, k, 2) <= k,
            ),
            Mistake(
                "Stop the recursion at M_2 (the first layer is never part of it).",
                lambda r, k: _m(r, k, 1) <= k and math.gcd(*r) == 1,
            ),
            Mistake(
                "The rule is M_2 ≤ K (equal is fine), not M_2 < K.",
                lambda r, k: _m(r, k, 2) < k and math.gcd(*r) == 1,
            ),
        ),
    ),
)
