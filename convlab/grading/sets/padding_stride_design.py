"""Lesson 02, design and debug: fix a published output-size formula; hit a target size.

``02.choose_padding_stride`` has many right answers, so it is graded by the answer's
properties (:class:`~convlab.grading.compare.Satisfies`): any ``(p, s)`` with ``p < k`` that
maps ``n`` to the target earns the points.
"""

from __future__ import annotations

import operator

from ... import conv_output_size
from ..compare import Satisfies
from ..exercise_types import Case, Exercise, Mistake
from ._inputs import ceil_div


def published(W, k, P, s):
    """The formula as a widely read note prints it (P = total padding): two bugs."""
    return (W - k + P + s + 1) / s


def output_size_fixed_ref(W: int, k: int, P: int, s: int) -> int:
    return (W - k + P) // s + 1


def _fix(*, W, k, P, s, public=True):
    return Case(label=f"W={W}, k={k}, P={P}, s={s}", make=lambda r: (W, k, P, s), public=public)


def designs(n: int, k: int, target: int) -> list[tuple[int, int]]:
    """Every (p, s) with 0 <= p < k that maps n to target (s beyond n + 2p changes nothing)."""
    return [
        (p, s)
        for p in range(k)
        for s in range(1, n + 2 * p + 2)
        if n + 2 * p >= k and conv_output_size(n, k, s, p) == target
    ]


def _pair(got) -> tuple[int, int] | None:
    """``got`` as a pair of Python ints, or None if it is not one."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in map(_int, got)):
        return None
    return tuple(map(_int, got))


def _int(v):
    try:
        return operator.index(v)
    except TypeError:
        return v


def choose_ref(n: int, k: int, target: int) -> Satisfies:
    found = designs(n, k, target)
    if not found:
        text = f"None (no (p, s) with p < {k} maps {n} to {target})"
    else:
        text = f"any (p, s) with 0 ≤ p < {k}, s ≥ 1 and output size {target}, e.g. {found[0]}"

    def test(got) -> str:
        if got is None:
            return "" if not found else f"returned None, but {len(found)} design(s) exist"
        pair = _pair(got)
        if pair is None:
            return "expected a tuple (p, s) of two ints, or None"
        if not found:
            return f"{pair} cannot be right: no (p, s) with p < {k} maps {n} to {target}"
        p, s = pair
        if s < 1 or p < 0:
            return f"(p, s) = {pair}: need p ≥ 0 and s ≥ 1"
        if p >= k:
            return f"p = {p} is not < k = {k}"
        if n + 2 * p < k:
            return f"(p, s) = {pair}: the kernel does not fit in the padded input"
        size = conv_output_size(n, k, s, p)
        return "" if size == target else f"(p, s) = {pair} gives output size {size}, not {target}"

    return Satisfies(test, text)


def _when(predicate):
    """A mistake that shows as a pair satisfying ``predicate(n, k, target, p, s)``."""

    def compute(n, k, target):
        def test(got):
            pair = _pair(got)
            return "" if pair and min(pair) >= 0 and predicate(n, k, target, *pair) else "no"

        return Satisfies(test, "")

    return compute


def _none_when_possible(n, k, target):
    return Satisfies(lambda got: "" if got is None and designs(n, k, target) else "no", "")


def _pair_when_impossible(n, k, target):
    return Satisfies(lambda got: "" if got is not None and not designs(n, k, target) else "no", "")


def _choose(*, n, k, target, public=True):
    return Case(
        label=f"n={n}, k={k}, target={target}", make=lambda r: (n, k, target), public=public
    )


def _size(*, n, k, s, p):
    return (n + 2 * p - k) // s + 1 if s >= 1 and n + 2 * p >= k else None


EXERCISES = (
    Exercise(
        id="02.fix_output_size",
        func="output_size_fixed",
        params=("W", "k", "P", "s"),
        points=1,
        tier="design",
        title="Find the bug: a published output-size formula",
        reference=output_size_fixed_ref,
        cases=(
            _fix(W=4, k=3, P=0, s=2),
            _fix(W=5, k=3, P=2, s=1),
            _fix(W=7, k=3, P=0, s=2),
            _fix(W=6, k=2, P=1, s=3),
            _fix(W=224, k=7, P=6, s=2, public=False),
            _fix(W=32, k=3, P=2, s=1, public=False),
            _fix(W=10, k=4, P=0, s=3, public=False),
            _fix(W=9, k=3, P=2, s=4, public=False),
            _fix(W=11, k=5, P=0, s=3, public=False),
            _fix(W=3, k=3, P=0, s=1, public=False),
        ),
        hint=(
            "Count the window positions: the first window starts at 0, the last at most at "
            "W + P − k, one every s pixels: ⌊(W − k + P)/s⌋ + 1 (P is the total padding)."
        ),
        mistakes=(
            Mistake(
                hint="Floor alone does not fix it: the extra + 1 remains. (W − k + P + s + 1)//s "
                "counts one window too many whenever W − k + P + 1 is a multiple of s "
                "(W = 4, k = 3, s = 2).",
                compute=lambda W, k, P, s: (W - k + P + s + 1) // s,
            ),
            Mistake(  # after the floored one: 2.0 would also match an int 2
                hint="That is the published formula unchanged: it has an extra + 1 and no floor "
                "(W = 4, k = 3, s = 2 gives 2.0 instead of 1). Count window starts: "
                "⌊(W − k + P)/s⌋ + 1.",
                compute=published,
            ),
            Mistake(
                hint="Sizes are whole numbers: take the floor (//), a last window that does not "
                "fit is dropped.",
                compute=lambda W, k, P, s: (W - k + P + s) / s,
            ),
            Mistake(
                hint="In this note P is the *total* padding (both sides together), so the input "
                "grows by P, not 2P.",
                compute=lambda W, k, P, s: (W - k + 2 * P) // s + 1,
            ),
            Mistake(
                hint="Floor, not ceil: a last window that does not fit entirely is dropped.",
                compute=lambda W, k, P, s: ceil_div(W - k + P, s) + 1,
            ),
        ),
    ),
    Exercise(
        id="02.choose_padding_stride",
        func="choose_padding_stride",
        params=("n", "k", "target"),
        points=2,
        tier="design",
        title="Design: padding and stride for a target output size",
        reference=choose_ref,
        cases=(
            _choose(n=32, k=3, target=16),
            _choose(n=7, k=3, target=4),
            _choose(n=10, k=4, target=10),
            _choose(n=5, k=3, target=7),
            _choose(n=224, k=7, target=112, public=False),
            _choose(n=28, k=5, target=28, public=False),
            _choose(n=9, k=2, target=9, public=False),
            _choose(n=100, k=3, target=1, public=False),
            _choose(n=13, k=5, target=20, public=False),
            _choose(n=64, k=4, target=32, public=False),
            _choose(n=1, k=1, target=1, public=False),
            _choose(n=6, k=5, target=9, public=False),
        ),
        hint=(
            "Try every p in 0 … k − 1 and every s from 1 up to n + 2p: the output size is "
            "⌊(n + 2p − k)/s⌋ + 1. Return the first (p, s) that gives target, None if none does."
        ),
        mistakes=(
            Mistake(
                hint="No (p, s) with p < k reaches this target: the largest output is n + k − 1 "
                "(p = k − 1, s = 1), and with s = 1 an even kernel changes the size by an odd "
                "number, so it can never keep n. Return None.",
                compute=_pair_when_impossible,
            ),
            Mistake(
                hint="Return (p, s) in that order: your pair works as (s, p).",
                compute=_when(lambda n, k, t, p, s: _size(n=n, k=k, s=p, p=s) == t),
            ),
            Mistake(
                hint="padding p is added on each side: the input grows by 2p. Your (p, s) would "
                "be right if it grew by p.",
                compute=_when(
                    lambda n, k, t, p, s: s >= 1 and n + p >= k and (n + p - k) // s + 1 == t
                ),
            ),
            Mistake(
                hint="The output size uses floor, not ceil: your (p, s) gives the target only with "
                "ceil.",
                compute=_when(lambda n, k, t, p, s: s >= 1 and ceil_div(n + 2 * p - k, s) + 1 == t),
            ),
            Mistake(
                hint="Keep p < k: with p ≥ k some windows read nothing but padding.",
                compute=_when(lambda n, k, t, p, s: p >= k and _size(n=n, k=k, s=s, p=p) == t),
            ),
            Mistake(
                hint="A design exists: search every p < k and every stride s ≥ 1 before giving up "
                "(a large stride can shrink any size to 1).",
                compute=_none_when_possible,
            ),
        ),
    ),
)
