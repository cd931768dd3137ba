"""The exercise catalogue: every graded function of the course, looked up by exercise id.

An exercise id is ``"NN.name"`` with ``NN`` the lesson (``"03.conv2d_multi"``). Each
:class:`Exercise` knows the learner's function name and signature, its points, the cases
(small to large; the public ones are what :func:`~convlab.grading.check` runs), how to
compute the expected value (convlab's own verified ops), the usual mistakes with their
hints, the APIs it forbids and an optional time budget. A *design* exercise (tier
``"design"``) may have many right answers: its reference returns a
:class:`~convlab.grading.compare.Satisfies` that tests the answer's properties.

The types live in :mod:`convlab.grading.exercise_types` (re-exported here, their public
path), the sets in :mod:`convlab.grading.sets`, one module per lesson; both import the
types and this module imports the sets, so the imports run one way.

>>> ex = exercise("01.corr2d")
>>> ex.func, ex.points, ex.lesson
('corr2d', 2, '01')
"""

from __future__ import annotations

from .._validation import fail
from .exercise_types import (
    FORBIDDEN_FUNCTIONS,
    FORBIDDEN_MODULES,
    Case,
    Exercise,
    Mistake,
    TimeBudget,
)
from .sets import EXERCISES

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
_CATALOGUE: dict[str, Exercise] = {ex.id: ex for ex in EXERCISES}


def all_exercises() -> tuple[Exercise, ...]:
    """Every exercise, in lesson order."""
    return tuple(_CATALOGUE.values())


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
    return tuple(ex for ex in _CATALOGUE.values() if ex.lesson == key)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, e.g. ``"02.output_size"``."""
    found = _CATALOGUE.get(exercise_id)
    if found is None:
        known = ", ".join(_CATALOGUE)
        raise fail(
            "exercise",
            f"exercise_id must be a known exercise id; got {exercise_id!r}",
            f"Known ids: {known}",
            kind=ValueError if isinstance(exercise_id, str) else TypeError,
            argument="exercise_id",
            value=exercise_id,
        )
    return found
