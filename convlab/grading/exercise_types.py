"""The data types of an exercise: :class:`Exercise`, its :class:`Case` rows, its usual
:class:`Mistake` and its optional :class:`TimeBudget`.

The sets (:mod:`convlab.grading.sets`, one module per lesson) build exercises from these
types; the catalogue (:mod:`convlab.grading.registry`) collects the sets and looks them up
by id. Both import this module, so the imports run one way: types <- sets <- registry.

Every type is built by keyword only (``Case(label=..., make=...)``): a row written by
position, or with two fields swapped, is a ``TypeError`` at import, not a silently
wrong case.

>>> ex = Exercise(
...     id="00.double", func="double", params=("x",), points=1, title="Double it",
...     reference=lambda x: 2 * x, hint="Multiply by two.",
...     cases=(Case(label="x = 3", make=lambda rng: (3,)),),
... )
>>> ex.lesson, ex.expected(ex.cases[0], (3,))
('00', 6)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .compare import Raised, Raises, compare

__all__ = [
    "FORBIDDEN_FUNCTIONS",
    "FORBIDDEN_MODULES",
    "Args",
    "Case",
    "Exercise",
    "Mistake",
    "TimeBudget",
]

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


@dataclass(frozen=True, kw_only=True)
class Case:
    """One input, made fresh from a random generator: ``make(rng) -> positional args``."""

    label: str
    make: Callable[[np.random.Generator], Args]
    public: bool = True
    raises: str | None = None  # name of the exception the function must raise


@dataclass(frozen=True, kw_only=True)
class Mistake:
    """A usual mistake: ``compute(*args)`` is its (wrong) answer; matching it gives ``hint``."""

    hint: str
    compute: Callable[..., Any]
    shape_only: bool = False  # the mistake shows in the output's shape alone
    item: int | None = None  # compare with this item of a returned tuple only


@dataclass(frozen=True, kw_only=True)
class TimeBudget:
    """``points`` of the exercise require running within ``factor`` x the baseline's time."""

    factor: float
    points: float
    make: Callable[[np.random.Generator], Args]
    label: str
    baseline: str = "conv2d"


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One graded function: what the learner writes, its cases and how to judge an answer.

    ``reference(*args)`` is the expected value (or a
    :class:`~convlab.grading.compare.Satisfies` for a design exercise), ``hint`` the
    general hint given when no usual mistake matches.
    """

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

    def timed_args(self, seed: int, timed_round: int = 0) -> Args:
        """The arguments of the budget's timed call in round ``timed_round`` under ``seed``.

        Each round has its own generator, far past any case's index, so a timed call never
        repeats a case's inputs and a function that remembers its last answer gains nothing.
        """
        return self.budget.make(self.rng(seed, _TIMED_INDEX + timed_round))

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
