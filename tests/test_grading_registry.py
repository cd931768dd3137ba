"""The exercise catalogue: shape of the sets, and the expected values proved right.

Most expectations are convlab's own ops (checked against torch elsewhere). The few that
are computed here (receptive field, HDC, conv as a matrix, the gradients) are checked by
brute force or against torch.autograd.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import convlab
from convlab.grading.compare import Raises, Satisfies, compare
from convlab.grading.grade import prepare
from convlab.grading.registry import LESSONS, all_exercises, exercise, lesson_exercises
from convlab.grading.sets import backprop, dilation, padding_stride, transposed
from convlab.grading.sets._inputs import two

EXERCISES = all_exercises()


def _cases(ex, seed=0):
    for i, case in enumerate(ex.cases):
        args = case.make(ex.rng(seed, i))
        yield case, args, ex.expected(case, args)


def test_seven_lessons_of_two_to_four_exercises_with_points():
    assert sorted({ex.lesson for ex in EXERCISES}) == sorted(LESSONS)
    assert {ex.tier for ex in EXERCISES} == {"core", "design"}
    for lesson in LESSONS:
        for tier, fewest, most in (("core", 2, 4), ("design", 1, 3)):
            exercises = [ex for ex in lesson_exercises(lesson) if ex.tier == tier]
            assert fewest <= len(exercises) <= most, (lesson, tier)
            points = [ex.points for ex in exercises]
            assert points == sorted(points), f"lesson {lesson}: difficulty (points) should rise"
        tiers = [ex.tier for ex in lesson_exercises(lesson)]
        assert tiers == sorted(tiers), "the design tier comes after the core exercises"
    assert lesson_exercises("03_channels") == lesson_exercises("03")
    with pytest.raises(ValueError, match="lesson must be one of 01, 02"):
        lesson_exercises("08")


# Each case of these trains a network: one public case keeps check() quick.
FEW_PUBLIC = {"07.train_digits": 1}


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_every_exercise_is_well_formed(ex):
    assert exercise(ex.id) is ex and ex.id.startswith(ex.lesson + ".")
    public = [c.public for c in ex.cases]
    assert sum(public) >= FEW_PUBLIC.get(ex.id, 3), "at least three public cases"
    assert public == sorted(public, reverse=True), "public cases come first"
    assert len(ex.cases) > sum(public), "the grader needs hidden cases"
    for seed in (0, 1):
        for case, args, expected in _cases(ex, seed):
            assert len(args) == len(ex.params), case.label
            if case.raises:
                with pytest.raises(ValueError):
                    ex.reference(*args)
            elif isinstance(expected, Satisfies):  # many right answers: tested by a property
                assert expected.text and ex.tier == "design"
            else:
                assert compare(expected, expected, ex.rtol, ex.atol).ok


@pytest.mark.parametrize("ex", EXERCISES, ids=lambda ex: ex.id)
def test_every_usual_mistake_is_detectable(ex):
    """A mistake's answer must differ from the right one on some case, or its hint is dead."""
    for mistake in ex.mistakes:
        differs = any(isinstance(e, Satisfies) for _, _, e in _cases(ex))  # see below
        for _, args, expected in _cases(ex):
            if isinstance(expected, (Raises, Satisfies)):
                continue  # design answers: their planted mistakes are in test_grading_design
            try:
                wrong = mistake.compute(*args)
            except Exception:
                continue
            if mistake.item is not None:
                expected = expected[mistake.item]
            if mistake.shape_only:
                differs |= np.shape(wrong) != np.shape(expected)
            else:
                differs |= not compare(expected, wrong, ex.rtol, ex.atol).ok
        assert differs, mistake.hint


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if ex.budget], ids=lambda ex: ex.id)
def test_timed_args_are_the_seeds_own_draw_which_grading_uses(ex):
    """The grader (prepare) and check()'s speed note time the same inputs for a seed."""
    timed = ex.timed_args(5)
    assert compare(timed, ex.timed_args(5), 0, 0).ok
    assert compare(timed, prepare(ex, 5).timed[0], 0, 0).ok  # round 0 of the timed rounds
    assert not compare(timed, ex.timed_args(6), ex.rtol, ex.atol).ok
    assert all(np.shape(timed[0]) != np.shape(args[0]) for _, args, _ in _cases(ex, 5))


def test_unknown_ids_are_refused_by_name():
    with pytest.raises(
        ValueError, match="exercise: exercise_id must be a known exercise id; got '9'"
    ):
        exercise("9")


# ------------------------------------------------------------------ expectations, proved


def _stack_support(layers, n=64):
    """Brute force: the span of inputs that reach output 0 of a 1-D stack of all-ones convs."""
    y = np.eye(n)[:, None, :]  # one impulse per row
    for k, s, d in layers:
        y = convlab.conv1d(y, np.ones((1, 1, k)), stride=s, dilation=d)
    reached = np.flatnonzero(y[:, 0, 0])
    return int(reached.max() - reached.min() + 1)


def test_receptive_field_matches_brute_force():
    ex = exercise("04.receptive_field")
    for case, (layers,), expected in _cases(ex):
        support = [_stack_support(layers[: i + 1]) for i in range(len(layers))]
        assert expected == support, case.label


def _holes(dilations, k):
    """Offsets a stack of 1-D dilated kernels of size k reaches, as a set (the gridding)."""
    reach = {0}
    for d in dilations:
        reach = {r + d * (t - (k - 1) // 2) for r in reach for t in range(k)}
    return set(range(min(reach), max(reach) + 1)) - reach


def test_hdc_rule_matches_the_paper_and_coverage():
    assert dilation.hdc_ok_ref([1, 2, 5], 3) and not dilation.hdc_ok_ref([2, 4, 6], 3)
    assert not dilation.hdc_ok_ref([1, 2, 9], 3)  # M_2 = 5 > 3 in Wang et al.'s example
    assert dilation._m([1, 2, 5], 3, 2) == 2 and dilation._m([1, 2, 9], 3, 2) == 5
    for _, (rates, k), ok in _cases(exercise("04.hdc_ok")):
        if ok:
            assert not _holes(rates, k), rates
        if math.gcd(*rates) > 1:
            assert _holes(rates, k), rates


def test_dilated_kernel_is_what_a_dilated_conv_uses():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 20, 19))
    for _, (k, d), expected in _cases(exercise("04.dilate_kernel")):
        assert np.allclose(
            convlab.conv2d(x, expected[None, None]), convlab.conv2d(x, k[None, None], dilation=d)
        )


def test_conv_matrix_times_x_is_the_convolution_and_its_transpose_the_transposed_one():
    """conv_matrix_ref is convlab.conv_matrix: check it once more on the exercise's cases."""
    rng = np.random.default_rng(1)
    for _, (shape, k, s, p), c in _cases(exercise("05.conv_matrix")):
        x = rng.standard_normal(shape)
        y = convlab.conv2d(x[None, None], k[None, None], stride=s, padding=p)
        assert np.allclose(c @ x.ravel(), y.ravel())
        extra = (shape[0] + 2 * p - k.shape[0]) % s, (shape[1] + 2 * p - k.shape[1]) % s
        back = convlab.conv_transpose2d(y, k[None, None], stride=s, padding=p, output_padding=extra)
        assert np.allclose(c.T @ y.ravel(), back.ravel())


def test_reflect_pad_matches_numpy():
    for case, (x, p), expected in _cases(exercise("02.reflect_pad")):
        if not case.raises:
            assert np.array_equal(expected, np.pad(x, p, mode="reflect"))
    assert padding_stride.conv2d_single_ref(np.eye(3), np.ones((2, 2))).tolist() == [[2, 1], [1, 2]]


def test_gradients_match_torch_autograd():
    torch = pytest.importorskip("torch")
    f = torch.nn.functional
    for _, (x, gy, k, s, p), expected in _cases(exercise("07.conv2d_grad_weight"), seed=3):
        w = torch.zeros((gy.shape[1], x.shape[1], *two(k)), dtype=torch.float64, requires_grad=True)
        f.conv2d(torch.from_numpy(x), w, stride=s, padding=p).backward(torch.from_numpy(gy))
        assert np.allclose(expected, w.grad.numpy())
    for _, (gy, w, shape, s, p), expected in _cases(exercise("07.conv2d_grad_input"), seed=3):
        x = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
        f.conv2d(x, torch.from_numpy(w), stride=s, padding=p).backward(torch.from_numpy(gy))
        assert np.allclose(expected, x.grad.numpy())
    rng = np.random.default_rng(0)
    for _, (gy, idx, shape), expected in _cases(exercise("07.max_pool2d_backward"), seed=3):
        routed = np.zeros(shape)  # the definition, one output at a time
        for n, c, i, j in np.ndindex(gy.shape):
            routed[n, c].flat[idx[n, c, i, j]] += gy[n, c, i, j]
        assert np.array_equal(expected, routed)
    x = torch.from_numpy(rng.standard_normal((2, 3, 7, 6))).requires_grad_()
    _, where = f.max_pool2d(x, 3, 1, 1, return_indices=True)  # overlapping windows
    g = torch.from_numpy(rng.standard_normal(where.shape))
    f.max_pool2d(x, 3, 1, 1).backward(g)
    ours = backprop.max_pool_backward_ref(g.numpy(), where.numpy(), tuple(x.shape))
    assert np.allclose(ours, x.grad.numpy())


def test_transpose_scatter_reference_is_torch():
    torch = pytest.importorskip("torch")
    for _, (x, w, s, p), expected in _cases(exercise("05.conv_transpose2d_scatter")):
        got = torch.nn.functional.conv_transpose2d(
            torch.from_numpy(x), torch.from_numpy(w), stride=s, padding=p
        )
        assert np.allclose(expected, got.numpy())
    assert transposed.conv_matrix_ref((2, 2), np.ones((1, 1))).tolist() == np.eye(4).tolist()


def test_exercise_types_are_built_by_keyword_only():
    """A row written by position (or with two fields swapped) fails at import, loudly."""
    from convlab.grading.exercise_types import Case, Mistake, TimeBudget

    make = lambda rng: (3,)  # noqa: E731
    assert Case(label="x = 3", make=make).public
    with pytest.raises(TypeError, match="positional"):
        Case("x = 3", make)
    with pytest.raises(TypeError, match="positional"):
        Mistake("hint", make)
    with pytest.raises(TypeError, match="positional"):
        TimeBudget(10.0, 1, make, "label")


def test_every_case_builder_of_the_sets_takes_keywords_only():
    """Each helper that returns a Case row has keyword-only parameters, so its calls in the
    ``cases=`` tables name every value (``_pool(label=..., shape=..., k=2, s=None, p=0)``)."""
    import ast
    from pathlib import Path

    import convlab.grading.sets as sets

    builders = []
    for path in sorted(Path(sets.__file__).parent.glob("*.py")):
        for fn in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(fn, ast.FunctionDef) and any(
                isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Case"
                for n in ast.walk(fn)
            ):
                builders.append(fn.name)
                positional = [a.arg for a in fn.args.posonlyargs + fn.args.args]
                assert not positional and fn.args.vararg is None, (path.name, fn.name, positional)
    assert len(builders) >= 30
