"""Lesson 07, design and debug: a gradient check of your own; assemble and train a small CNN.

``07.gradient_check`` checks the gradient of ``S(x) = Σ r ⊙ tanh(x @ w)`` (a dense layer and
a random projection ``r``, the trick that tests a whole Jacobian at once) against a given
``analytic`` gradient, some of them planted wrong. ``07.train_digits`` is graded by its
test accuracy on the digits' held-out split (any model that reaches it earns the points).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from ...data import load_digits
from ..compare import Satisfies
from ..exercise_types import FORBIDDEN_MODULES, Case, Exercise, Mistake

# ------------------------------------------------------------------ gradient check

TINY = 1e-12  # floor of the relative error's denominator
CORRECT = 1e-6  # a right analytic gradient must score below this (central differences)


def layer_loss(x: np.ndarray, w: np.ndarray, r: np.ndarray) -> float:
    return float(np.sum(r * np.tanh(x @ w)))


def true_gradient(x, w, r) -> np.ndarray:
    return (r * (1 - np.tanh(x @ w) ** 2)) @ w.T


def _numeric(x, w, r, eps, *, scheme="central", divisor=2.0):
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += eps
        minus[index] -= eps
        if scheme == "central":
            grad[index] = (layer_loss(plus, w, r) - layer_loss(minus, w, r)) / (divisor * eps)
        else:
            grad[index] = (layer_loss(plus, w, r) - layer_loss(x, w, r)) / eps
    return grad


def _worst(analytic, numeric, *, relative=True):
    error = np.abs(analytic - numeric)
    if relative:
        error = error / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), TINY)
    index = np.unravel_index(int(np.argmax(error)), error.shape)
    return float(error[index]), tuple(int(i) for i in index)


def _answer(got) -> tuple[float, tuple[int, ...]]:
    error, index = got
    return float(error), tuple(int(i) for i in index)


def gradient_check_ref(x, w, r, analytic, eps) -> Satisfies:
    error, index = _worst(analytic, _numeric(x, w, r, eps))
    if error < CORRECT:
        text = f"(error < {CORRECT:g}, any index): the analytic gradient is right"
    else:
        text = f"({error:.6g}, {index}) (error within 1e-6, and that index)"

    def test(got) -> str:
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "expected a tuple (max_rel_error, index)"
        if not isinstance(got[1], (tuple, list)) or len(got[1]) != x.ndim:
            return f"the index must be a tuple of {x.ndim} ints, e.g. (1, 2)"
        mine, where = _answer(got)
        if error < CORRECT:
            return "" if 0 <= mine < CORRECT else f"max_rel_error {mine:.3g} for a right gradient"
        if abs(mine - error) > 1e-6 * max(1.0, error):
            return f"max_rel_error {mine:.6g} instead of {error:.6g}"
        return "" if where == index else f"the worst entry is at {index}, not {where}"

    return Satisfies(test, text)


def _matches(compute):
    """A mistake: ``got`` equals the (error, index) that ``compute(*args)`` gives."""

    def mistake(x, w, r, analytic, eps):
        error, _ = compute(x, w, r, analytic, eps)
        right, _ = _worst(analytic, _numeric(x, w, r, eps))

        def test(got):
            mine = _answer(got)[0]
            close = abs(mine - error) <= 1e-3 * max(abs(error), 1e-12)
            return "" if close and abs(mine - right) > 1e-6 * max(1.0, right) else "no"

        return Satisfies(test, "")

    return mistake


def _flat_index(x, w, r, analytic, eps):
    def test(got):
        return "" if not isinstance(got[1], (tuple, list)) else "no"

    return Satisfies(test, "")


def _gc(*, label, shape, plant, eps=1e-4, public=True):
    def args(rng):
        n, m, p = shape
        x, w, r = (
            rng.standard_normal((n, m)),
            rng.standard_normal((m, p)),
            rng.standard_normal((n, p)),
        )
        return x, w, r, plant(rng, true_gradient(x, w, r)), eps

    return Case(label=label, make=args, public=public)


def _one_entry(rng, g):
    g = g.copy()
    index = tuple(int(rng.integers(0, s)) for s in g.shape)
    g[index] *= -1 if rng.random() < 0.5 else 1.5
    return g


def _one_zero(rng, g):
    g = g.copy()
    g[tuple(int(rng.integers(0, s)) for s in g.shape)] = 0.0
    return g


def _slightly_off(rng, g):
    return g * (1 + 0.1 * rng.random(g.shape))  # every entry a little off


# ------------------------------------------------------------------ train on the digits

ACCURACY = 0.90  # the bar: a small CNN trained for a few epochs reaches ~0.95


@cache
def _digits():
    return load_digits("float32")


def _train_case(*, seed, public=True):
    def args(rng):
        d = _digits()
        return d.x_train.copy(), d.y_train.copy(), d.x_test.copy(), seed

    return Case(label=f"digits: 1438 training images, seed={seed}", make=args, public=public)


def _accuracy(got) -> float:
    y = _digits().y_test
    if not isinstance(got, np.ndarray) or got.shape != y.shape or got.dtype.kind not in "iu":
        raise TypeError(f"expected an int array of shape {y.shape} (one label per test image)")
    return float((got == y).mean())


def train_digits_ref(x_train, y_train, x_test, seed) -> Satisfies:
    def test(got) -> str:
        acc = _accuracy(got)
        return "" if acc >= ACCURACY else f"test accuracy {acc:.3f} < {ACCURACY}"

    return Satisfies(test, f"labels of the {len(x_test)} test images, accuracy ≥ {ACCURACY}")


def _scores(x_train, y_train, x_test, seed):
    shape = (len(x_test), 10)

    def test(got):
        return "" if isinstance(got, np.ndarray) and got.shape == shape else "no"

    return Satisfies(test, "")


def _untrained(x_train, y_train, x_test, seed):
    def test(got):
        return "" if _accuracy(got) < 0.3 else "no"

    return Satisfies(test, "")


EXERCISES = (
    Exercise(
        id="07.gradient_check",
        func="gradient_check",
        params=("x", "w", "r", "analytic", "eps"),
        points=2,
        tier="design",
        title="Write a gradient check: central differences, relative error, the worst entry",
        reference=gradient_check_ref,
        cases=(
            _gc(label="3×4 x, right gradient", shape=(3, 4, 2), plant=lambda rng, g: g),
            _gc(label="3×4 x, one entry wrong", shape=(3, 4, 2), plant=_one_entry),
            _gc(label="4×3 x, every entry a little off", shape=(4, 3, 3), plant=_slightly_off),
            _gc(label="2×5 x, one entry zero", shape=(2, 5, 3), plant=_one_zero),
            _gc(
                label="5×6 x, right gradient", shape=(5, 6, 4), plant=lambda rng, g: g, public=False
            ),
            _gc(label="6×4 x, one entry wrong", shape=(6, 4, 5), plant=_one_entry, public=False),
            _gc(
                label="1×8 x, every entry a little off",
                shape=(1, 8, 2),
                plant=_slightly_off,
                public=False,
            ),
            _gc(
                label="7×7 x, right gradient, eps 1e-3",
                shape=(7, 7, 3),
                plant=lambda rng, g: g,
                eps=1e-3,
                public=False,
            ),
        ),
        hint=(
            "For every entry x[i, j]: numeric = (S(x + eps·e_ij) − S(x − eps·e_ij)) / (2·eps) "
            "with S = np.sum(r * np.tanh(x @ w)); error = |a − n| / max(|a|, |n|, 1e-12). "
            "Return (the largest error, its index as a tuple): np.unravel_index(np.argmax(…))."
        ),
        mistakes=(
            Mistake(
                hint="Use central differences (S(x + eps) − S(x − eps)) / (2·eps): the one-sided "
                "(S(x + eps) − S(x)) / eps is off by O(eps), enough to fail a right gradient.",
                compute=_matches(
                    lambda x, w, r, a, eps: _worst(a, _numeric(x, w, r, eps, scheme="forward"))
                ),
            ),
            Mistake(
                hint="Divide by 2·eps: the two points are 2·eps apart.",
                compute=_matches(
                    lambda x, w, r, a, eps: _worst(a, _numeric(x, w, r, eps, divisor=1.0))
                ),
            ),
            Mistake(
                hint="Report the *relative* error |a − n| / max(|a|, |n|): an absolute error "
                "depends on the scale of the gradient.",
                compute=_matches(
                    lambda x, w, r, a, eps: _worst(a, _numeric(x, w, r, eps), relative=False)
                ),
            ),
            Mistake(
                hint="Return the index as a tuple (row, column), e.g. with np.unravel_index, not "
                "the flat position of np.argmax.",
                compute=_flat_index,
            ),
        ),
    ),
    Exercise(
        id="07.train_digits",
        func="train_digits",
        params=("x_train", "y_train", "x_test", "seed"),
        points=3,
        tier="design",
        title="Assemble and train: a small CNN on the 8×8 digits",
        reference=train_digits_ref,
        cases=(_train_case(seed=0), _train_case(seed=1, public=False)),
        hint=(
            f"A 3×3 conv (8 filters, padding 1) as one im2col product, ReLU, 2×2 max pooling "
            f"and a linear layer to 10 classes, trained with softmax cross-entropy and SGD with "
            f"momentum for a few epochs (mini-batches of 32, lr ≈ 0.1, inputs standardised) "
            f"reaches ≈ 0.95 > {ACCURACY}. Seed every random draw with seed."
        ),
        mistakes=(
            Mistake(
                hint="Return one label per test image (logits.argmax(axis=1)), not the scores.",
                compute=_scores,
            ),
            Mistake(
                hint="The accuracy is at chance level: the network did not learn. Check the sign "
                "of the update (p −= lr · grad), the learning rate and that the gradients reach "
                "every parameter (a gradient check helps).",
                compute=_untrained,
            ),
        ),
        forbid_modules=(*FORBIDDEN_MODULES, "sklearn"),
    ),
)
