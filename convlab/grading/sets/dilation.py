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


def _dilate(*, label, kh, kw, d, public=True, make=ints):
    return Case(label=label, make=lambda r: (make(r, kh, kw), d), public=public)


def _stack(*, layers, public=True):
    text = ", ".join(f"(k={k}, s={s}, d={d})" for k, s, d in layers)
    return Case(label=text, make=lambda r: ([tuple(layer) for layer in layers],), public=public)


def _hdc(*, dilations, k, public=True):
    return Case(
        label=f"dilations={dilations}, K={k}", make=lambda r: (list(dilations), k), public=public
    )


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
            _dilate(label="2×2 kernel, d=1 (unchanged)", kh=2, kw=2, d=1),
            _dilate(label="3×3 kernel, d=2", kh=3, kw=3, d=2),
            _dilate(label="2×3 kernel, d=3", kh=2, kw=3, d=3),
            _dilate(label="1×4 kernel, d=2", kh=1, kw=4, d=2, public=False, make=normal),
            _dilate(label="5×5 kernel, d=4", kh=5, kw=5, d=4, public=False, make=normal),
            _dilate(label="3×1 kernel, d=5", kh=3, kw=1, d=5, public=False, make=normal),
        ),
        hint=(
            "Allocate zeros of shape ((kh − 1)·d + 1, (kw − 1)·d + 1) and put k on every d-th "
            "row and column: out[::d, ::d] = k."
        ),
        mistakes=(
            Mistake(
                hint="Dilation d puts d − 1 zeros between neighbouring taps (d = 1 means no "
                "holes), so the size is (k − 1)·d + 1.",
                compute=_holes_d,
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
            _stack(layers=[(3, 1, 1)]),
            _stack(layers=[(3, 1, 1), (3, 1, 1)]),
            _stack(layers=[(3, 2, 1), (3, 2, 1), (3, 1, 1)]),
            _stack(layers=[(3, 1, 1), (3, 1, 2), (3, 1, 4)], public=False),
            _stack(layers=[(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)], public=False),
            _stack(layers=[(5, 1, 1), (2, 2, 1), (5, 1, 1), (2, 2, 1)], public=False),
            _stack(layers=[(3, 2, 2), (3, 2, 3), (1, 1, 1), (2, 3, 1)], public=False),
        ),
        hint="r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}, j_l = j_{l−1}·s_l, starting from r = j = 1.",
        mistakes=(
            Mistake(
                hint="Each layer steps over the previous layer's grid: multiply (k − 1)·d by the "
                "jump j_{l−1}, the product of the earlier strides.",
                compute=lambda layers: receptive_field_ref([(k, 1, d) for k, s, d in layers]),
            ),
            Mistake(
                hint="A dilated kernel spans (k − 1)·d + 1 pixels: multiply (k − 1) by d.",
                compute=lambda layers: receptive_field_ref([(k, s, 1) for k, s, d in layers]),
            ),
            Mistake(
                hint="Update the jump after adding the layer: layer l uses j_{l−1}, the jump of "
                "the layers before it.",
                compute=lambda layers: receptive_field_ref([(k, s, d * s) for k, s, d in layers]),
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
            _hdc(dilations=[1, 2, 5], k=3),
            _hdc(dilations=[2, 4, 6], k=3),
            _hdc(dilations=[1, 2, 9], k=3),
            _hdc(dilations=[2, 2, 2], k=3),
            _hdc(dilations=[1, 2, 3], k=3, public=False),
            _hdc(dilations=[1, 3], k=3, public=False),
            _hdc(dilations=[1, 4], k=3, public=False),
            _hdc(dilations=[1, 2, 4, 8], k=3, public=False),
            _hdc(dilations=[1, 5, 9], k=5, public=False),
            _hdc(dilations=[1, 5, 9], k=3, public=False),
            _hdc(dilations=[3, 6], k=7, public=False),
            _hdc(dilations=[1, 1, 1], k=3, public=False),
        ),
        hint=(
            "M_n = r_n, M_i = max(M_{i+1} − 2r_i, M_{i+1} − 2(M_{i+1} − r_i), r_i) for "
            "i = n − 1 … 2; the rule passes when M_2 ≤ K and gcd(r_1, …, r_n) = 1. Grade the "
            "rule as the paper states it, even where it misjudges the holes (04.hole_count "
            "counts them)."
        ),
        mistakes=(
            Mistake(
                hint="Also test the common factor: [2, 2, 2] passes the distance test but every "
                "rate is even, so odd pixels are never seen (gridding). Require gcd = 1.",
                compute=lambda r, k: _m(r, k, 2) <= k,
            ),
            Mistake(
                hint="Stop the recursion at M_2 (the first layer is never part of it).",
                compute=lambda r, k: _m(r, k, 1) <= k and math.gcd(*r) == 1,
            ),
            Mistake(
                hint="The rule is M_2 ≤ K (equal is fine), not M_2 < K.",
                compute=lambda r, k: _m(r, k, 2) < k and math.gcd(*r) == 1,
            ),
        ),
    ),
)
