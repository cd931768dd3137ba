"""The exercise catalogue: every graded function of the course, looked up by exercise id.

An exercise id is ``"NN.name"`` with ``NN`` the lesson (``"03.conv2d_multi"``). Each
:class:`Exercise` knows the learner's function name and signature, its points, the cases
(small to large; the public ones are what :func:`~convlab.grading.check` runs), how to
compute the expected value (convlab's own verified ops), the usual mistakes with their
hints, the APIs it forbids and an optional time budget. A *design* exercise (tier
``"design"``) may have many right answers: its reference returns a
:class:`~convlab.grading.compare.Satisfies` that tests the answer's properties. The sets live in
:mod:`convlab.grading.sets`, one module per lesson.

>>> ex = exercise("01.corr2d")
>>> ex.func, ex.points, ex.lesson
('corr2d', 2, '01')
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from .._validation import fail
from .compare import Raised, Raises, compare

__all__ = [
    "FORBIDDEN_FUNCTIONS",
    "FORBIDDEN_MODULES",
    "LESSONS",
    "Case",
    "Exercise",
    "Mistake",
    "TimeBudget",
    "all_exercises",
    "exercise",
    "lesson_exercises",
]

LESSONS = {
    "01": "01_correlation_vs_convolution",
    "02": "02_padding_stride",
    "03": "03_channels",
    "04": "04_dilation_receptive_field",
    "05": "05_transposed_convolution",
    "06": "06_pooling",
    "07": "07_backpropagation",
}
# Every exercise asks for something convlab (or a framework) already does: none may call it.
FORBIDDEN_MODULES = (
    "convlab",
    "torch",
    "scipy.signal",
    "scipy.ndimage",
    "tensorflow",
    "jax",
    "cv2",
)
FORBIDDEN_FUNCTIONS = ("numpy.convolve", "numpy.correlate")

Args = tuple[Any, ...]
_TIMED_INDEX = 1_000_000  # the timed call's generator index, far past any case's


@dataclass(frozen=True)
class Case:
    """One input, made fresh from a random generator: ``make(rng) -> positional args``."""

    label: str
    make: Callable[[np.random.Generator], Args]
    public: bool = True
    raises: str | None = None  # name of the exception the function must raise


@dataclass(frozen=True)
class Mistake:
    """A usual mistake: ``compute(*args)`` is its (wrong) answer; matching it gives ``hint``."""

    hint: str
    compute: Callable[..., Any]
    shape_only: bool = False  # the mistake shows in the output's shape alone
    item: int | None = None  # compare with this item of a returned tuple only


@dataclass(frozen=True)
class TimeBudget:
    """``points`` of the exercise require running within ``factor`` x the baseline's time."""

    factor: float
    points: float
    make: Callable[[np.random.Generator], Args]
    label: str
    baseline: str = "conv2d"


@dataclass(frozen=True)
class Exercise:
    id: str
    func: str
    params: tuple[str, ...]
    points: float
    title: str
    reference: Callable[..., Any]
    cases: tuple[Case, ...]
    hint: str
    mistakes: tuple[Mistake, ...] = ()
    forbid_modules: tuple[str, ...] = FORBIDDEN_MODULES
    forbid_functions: tuple[str, ...] = FORBIDDEN_FUNCTIONS
    budget: TimeBudget | None = None
    rtol: float = 1e-7
    atol: float = 1e-9
    tier: str = "core"  # "core": re-implement an op; "design": use the ideas (design and debug)

    @property
    def lesson(self) -> str:
        return self.id[:2]

    def rng(self, seed: int, index: int) -> np.random.Generator:
        """The generator of case ``index`` under ``seed`` (stable across processes)."""
        return np.random.default_rng([seed, zlib.crc32(self.id.encode()), index])

    def timed_args(self, seed: int) -> Args:
        """The arguments of the budget's timed call under ``seed`` (its own generator)."""
        return self.budget.make(self.rng(seed, _TIMED_INDEX))

    def expected(self, case: Case, args: Args) -> Any:
        """What a correct function returns for ``args`` (or :class:`Raises`)."""
        if case.raises:
            return Raises(case.raises)
        return self.reference(*args)

    def diagnose(self, args: Args, expected: Any, got: Any) -> str:
        """The hint for a wrong ``got``: the matching usual mistake, else the general hint."""
        if isinstance(got, Raised) and got.name == "NotImplementedError":
            return "Replace `raise NotImplementedError` with your code."
        for mistake in self.mistakes:
            try:
                wrong = mistake.compute(*args)
            except Exception:
                continue
            if mistake.item is not None:
                if not isinstance(got, (tuple, list)) or len(got) <= mistake.item:
                    continue
                got_item = got[mistake.item]
                if compare(wrong, got_item, self.rtol, self.atol).ok:
                    return mistake.hint
            elif mistake.shape_only:  # only telling when the shape itself is the mistake
                shape = np.shape(wrong)
                if isinstance(got, np.ndarray) and got.shape == shape != np.shape(expected):
                    return mistake.hint
            elif compare(wrong, got, self.rtol, self.atol).ok:
                return mistake.hint
        return self.hint


@cache
def _catalogue() -> dict[str, Exercise]:
    from .sets import EXERCISES

    return {ex.id: ex for ex in EXERCISES}


def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in lesson order."""
    return tuple(_catalogue().values())


def lesson_exercises(lesson: str) -> tuple[Exercise, ...]:
    """The exercises of one lesson, given as ``"03"`` or ``"03_channels"``."""
    key = str(lesson)[:2]
    if key not in LESSONS or str(lesson) not in (key, LESSONS[key]):
        raise fail(
            "lesson_exercises",
            f"lesson must be one of {', '.join(LESSONS)} (or its full name); got {lesson!r}",
            argument="lesson",
            value=lesson,
        )
    return tuple(ex for ex in _catalogue().values() if ex.lesson == key)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``"02.output_size"``."""
    found = _catalogue().get(exercise_id)
    if found is None:
        known = ", ".join(_catalogue())
        raise fail(
            "exercise",
            f"exercise_id must be a known exercise id; got {exercise_id!r}",
            f"Known ids: {known}",
            kind=ValueError if isinstance(exercise_id, str) else TypeError,
            argument="exercise_id",
            value=exercise_id,
        )
    return found
