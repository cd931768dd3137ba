"""Lesson 04, design and debug: count the holes, start and jump of a stack, a hole-free schedule.

The truth about holes is :func:`convlab.dilation_coverage` (paths from each input pixel to
one top unit). ``04.dilation_schedule`` has many right answers: graded by its properties.
"""

from __future__ import annotations

import math
import operator

from ... import dilation_coverage, receptive_field
from ..compare import Satisfies
from ..exercise_types import Case, Exercise, Mistake


def hole_count_ref(dilations, kernel_size: int) -> int:
    """Pixels of one row of the receptive field that no path reaches."""
    return int((dilation_coverage(list(dilations), kernel_size, ndim=1) == 0).sum())


def _holes_2d(dilations, k):
    return int((dilation_coverage(list(dilations), k, ndim=2) == 0).sum())


def _gcd_only(dilations, k):
    """Holes if the only cause were a common factor g: every pixel not on the g-grid."""
    g = math.gcd(*dilations)
    size = 1 + (k - 1) * sum(dilations)
    return size - ((size - 1) // g + 1)


def _holes(*, dilations, k, public=True):
    return Case(
        label=f"dilations={dilations}, K={k}", make=lambda r: (list(dilations), k), public=public
    )


def rf_start_jump_ref(layers) -> list[tuple[int, int, int]]:
    stack = [{"kernel_size": k, "stride": s, "padding": p, "dilation": d} for k, s, p, d in layers]
    return [tuple(int(v) for v in f) for f in receptive_field(stack)]


def _rf_wrong(layers, start_rule):
    """Size, jump and a wrong start: ``start_rule(start, p, j_in, s)``."""
    out, size, jump, start = [], 1, 1, 0
    for k, s, p, d in layers:
        size += d * (k - 1) * jump
        start = start_rule(start, p, jump, s)
        jump *= s
        out.append((size, jump, start))
    return out


def _layers(*, layers, public=True):
    text = ", ".join(f"(k={k}, s={s}, p={p}, d={d})" for k, s, p, d in layers)
    return Case(label=text, make=lambda r: ([tuple(layer) for layer in layers],), public=public)


def _rates(got, n_layers) -> list[int] | None:
    if not isinstance(got, (list, tuple)) or len(got) != n_layers:
        return None
    try:
        rates = [operator.index(d) for d in got]
    except TypeError:
        return None
    return rates if all(d >= 1 for d in rates) else None


def _rf(rates, k) -> int:
    return 1 + (k - 1) * sum(rates)


def dilation_schedule_ref(n_layers: int, k: int, min_rf: int) -> Satisfies:
    best = [k**i for i in range(n_layers)]  # [1, k, k², …]: receptive field k^n, no holes
    possible = k**n_layers >= min_rf
    text = (
        f"a list of {n_layers} rates with no holes and receptive field ≥ {min_rf}, e.g. {best}"
        if possible
        else f"None (the largest hole-free receptive field of {n_layers} layers is "
        f"{k}^{n_layers} = {k**n_layers} < {min_rf})"
    )

    def test(got) -> str:
        if got is None:
            return (
                f"returned None, but {best} has receptive field {k**n_layers}" if possible else ""
            )
        rates = _rates(got, n_layers)
        if rates is None:
            return f"expected a list of {n_layers} ints ≥ 1, or None"
        holes = hole_count_ref(rates, k)
        if holes:
            return f"{rates} leaves {holes} hole(s) per row (dilation_coverage has zeros)"
        if _rf(rates, k) < min_rf:
            return f"{rates} has receptive field {_rf(rates, k)} < {min_rf}"
        return "" if possible else "impossible"

    return Satisfies(test, text)


def _with_holes(n_layers, k, min_rf):
    def test(got):
        rates = _rates(got, n_layers)
        return "" if rates and hole_count_ref(rates, k) else "no"

    return Satisfies(test, "")


def _too_small(n_layers, k, min_rf):
    def test(got):
        rates = _rates(got, n_layers)
        return "" if rates and not hole_count_ref(rates, k) and _rf(rates, k) < min_rf else "no"

    return Satisfies(test, "")


def _gave_up(n_layers, k, min_rf):
    return Satisfies(lambda got: "" if got is None and k**n_layers >= min_rf else "no", "")


def _schedule(*, n, k, min_rf, public=True):
    return Case(
        label=f"n_layers={n}, k={k}, min_rf={min_rf}", make=lambda r: (n, k, min_rf), public=public
    )


EXERCISES = (
    Exercise(
        id="04.hole_count",
        func="hole_count",
        params=("dilations", "kernel_size"),
        points=1,
        tier="design",
        title="Count the holes of a dilated stack (the truth the HDC rule estimates)",
        reference=hole_count_ref,
        cases=(
            _holes(dilations=[1, 2, 5], k=3),
            _holes(dilations=[2, 2], k=3),
            _holes(dilations=[2, 3], k=3),
            _holes(dilations=[2, 4, 6], k=3),
            _holes(dilations=[1, 3, 1], k=3, public=False),
            _holes(dilations=[1, 2, 9], k=3, public=False),
            _holes(dilations=[3, 5], k=3, public=False),
            _holes(dilations=[1, 4], k=3, public=False),
            _holes(dilations=[1, 2, 5, 1, 2, 5], k=3, public=False),
            _holes(dilations=[4, 8], k=5, public=False),
            _holes(dilations=[7], k=2, public=False),
        ),
        hint=(
            "Along one row, a layer with rate d reaches the offsets {0, d, …, (k − 1)d}; a "
            "stack reaches every sum of one offset per layer. Count the positions 0 … "
            "(k − 1)·Σd that no sum hits (a convolution of 0/1 tap vectors counts the paths)."
        ),
        mistakes=(
            Mistake(
                hint="Count along one row (1-D): the 2-D picture has a hole wherever its row *or* "
                "its column is one, so it counts far more.",
                compute=_holes_2d,
            ),
            Mistake(
                hint="A common factor is not the only cause of holes: [2, 3] shares none, yet "
                "offsets 1 and 9 are never reached. Enumerate the sums of the offsets.",
                compute=_gcd_only,
            ),
        ),
    ),
    Exercise(
        id="04.rf_start_jump",
        func="rf_start_jump",
        params=("layers",),
        points=2,
        tier="design",
        title="Receptive field size, jump and start of every layer (Araujo et al.)",
        reference=rf_start_jump_ref,
        cases=(
            _layers(layers=[(3, 1, 1, 1)]),
            _layers(layers=[(3, 1, 0, 1), (2, 2, 0, 1)]),
            _layers(layers=[(3, 1, 1, 1), (2, 2, 0, 1), (3, 1, 2, 2)]),
            _layers(layers=[(7, 2, 3, 1), (3, 2, 1, 1)]),
            _layers(layers=[(3, 2, 1, 1), (3, 2, 1, 1), (3, 2, 1, 1)], public=False),
            _layers(layers=[(5, 1, 4, 2), (3, 3, 0, 1), (3, 1, 1, 3)], public=False),
            _layers(layers=[(1, 1, 0, 1)], public=False),
            _layers(layers=[(4, 2, 1, 1), (4, 2, 1, 1), (3, 1, 1, 1), (2, 2, 0, 1)], public=False),
        ),
        hint=(
            "Start from r = j = 1, t = 0. Per layer (k, s, p, d): r += d(k − 1)·j, "
            "t −= p·j (both with the jump j of the layers *before*), then j *= s."
        ),
        mistakes=(
            Mistake(
                hint="The padding is counted in the previous layer's pixels: t −= p·j_{l−1}, not "
                "t −= p (one step of layer l − 1 spans j_{l−1} input pixels).",
                compute=lambda layers: _rf_wrong(layers, lambda t, p, j, s: t - p),
            ),
            Mistake(
                hint="Update the start with the jump of the layers *before* this one (j_{l−1}), "
                "then multiply the jump by s.",
                compute=lambda layers: _rf_wrong(layers, lambda t, p, j, s: t - p * j * s),
            ),
            Mistake(
                hint="Padding moves the start: unit 0's window begins p·j_{l−1} pixels before the "
                "previous start (negative = inside the padding).",
                compute=lambda layers: _rf_wrong(layers, lambda t, p, j, s: t),
            ),
        ),
    ),
    Exercise(
        id="04.dilation_schedule",
        func="dilation_schedule",
        params=("n_layers", "k", "min_rf"),
        points=2,
        tier="design",
        title="Design: a dilation schedule without holes and a large receptive field",
        reference=dilation_schedule_ref,
        cases=(
            _schedule(n=3, k=3, min_rf=15),
            _schedule(n=2, k=3, min_rf=9),
            _schedule(n=3, k=3, min_rf=28),
            _schedule(n=4, k=3, min_rf=30),
            _schedule(n=1, k=5, min_rf=5, public=False),
            _schedule(n=3, k=2, min_rf=8, public=False),
            _schedule(n=5, k=3, min_rf=100, public=False),
            _schedule(n=2, k=2, min_rf=5, public=False),
            _schedule(n=6, k=3, min_rf=200, public=False),
            _schedule(n=4, k=5, min_rf=626, public=False),
        ),
        hint=(
            "The receptive field is 1 + (k − 1)·Σd. The stack has no holes while each rate is "
            "at most the span covered so far plus one: d_i ≤ (k − 1)(d_1 + … + d_{i−1}) + 1 "
            "(start at d_1 = 1). Taking equality gives [1, k, k², …] and the largest field, "
            "k^n: if that is < min_rf, return None."
        ),
        mistakes=(
            Mistake(
                hint="Your schedule leaves holes (gridding): check it with dilation_coverage or "
                "your hole_count. Start at 1 and keep d_i ≤ (k − 1)(d_1 + … + d_{i−1}) + 1.",
                compute=_with_holes,
            ),
            Mistake(
                hint="No holes, but the receptive field 1 + (k − 1)·Σd is too small: grow the "
                "rates faster (up to [1, k, k², …]).",
                compute=_too_small,
            ),
            Mistake(
                hint="A schedule exists: [1, k, k², …] has no holes and receptive field k^n. "
                "(Doubling, [1, 2, 4, …], is not the limit.)",
                compute=_gave_up,
            ),
        ),
    ),
)
