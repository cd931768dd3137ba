"""Comparing what a learner's function returned with the expected value, in words.

One comparator serves both :func:`convlab.grading.check` (in the learner's notebook) and
``convlab grade`` (in the grader process, on values decoded from a worker), so the
feedback a learner sees is the verdict the grader gives.

>>> compare(np.zeros((2, 2)), np.zeros((2, 3))).problem
'shape (2, 3) instead of (2, 2)'
>>> compare(3, 3.0).problem
'returned a float (3.0); expected an int'

A design exercise has many right answers: its expected value is a :class:`Satisfies`,
which accepts any answer its test finds nothing wrong with.

>>> even = Satisfies(lambda got: "" if got % 2 == 0 else f"{got} is odd", "any even number")
>>> compare(even, 4).ok, compare(even, 3).problem
(True, '3 is odd')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .protocol import Opaque

__all__ = ["Raised", "Raises", "Satisfies", "Verdict", "compare", "show"]


@dataclass(frozen=True)
class Raised:
    """An exception raised by a learner's function: type names (its MRO), message, frames."""

    types: tuple[str, ...]
    message: str = ""
    where: tuple[str, ...] = ()

    @classmethod
    def from_exception(cls, exc: BaseException) -> Raised:
        try:
            message = str(exc)[:500]
        except Exception:
            message = "?"
        return cls(tuple(c.__name__ for c in type(exc).__mro__), message)

    @property
    def name(self) -> str:
        return self.types[0] if self.types else "Exception"

    def __str__(self) -> str:
        return f"{self.name}: {self.message}" if self.message else self.name


@dataclass(frozen=True)
class Raises:
    """The expected outcome of a case that must raise, e.g. ``Raises("ValueError")``."""

    name: str


@dataclass(frozen=True)
class Satisfies:
    """The expected outcome of a design case: any value that ``test`` finds no problem with.

    ``test(got)`` returns ``""`` for an acceptable answer, else the problem in words (it
    may raise: that counts as a problem too). ``text`` says what is asked; it is what the
    learner sees as "expected" (with one valid answer as an example, where there is one).
    """

    test: Callable[[Any], str] = field(repr=False)
    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problem: str = ""


def _kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.ndim}-D array" if value.ndim else f"a NumPy {value.dtype} scalar"
    if isinstance(value, Opaque):
        return f"a {value.type}"
    return f"a {type(value).__name__}"


def _scalar(value: Any) -> Any:
    """Python or 0-d NumPy number -> Python number; anything else unchanged."""
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "biuf":
        return value.item()
    return value


def compare(expected: Any, got: Any, rtol: float = 1e-7, atol: float = 1e-9) -> Verdict:
    """Whether ``got`` matches ``expected``; if not, the first difference in one line."""
    if isinstance(expected, Raises):
        if isinstance(got, Raised):
            if expected.name in got.types:
                return Verdict(True)
            return Verdict(False, f"raised {got.name} instead of {expected.name}")
        return Verdict(False, f"returned {_kind(got)}; expected it to raise {expected.name}")
    if isinstance(got, Raised):
        return Verdict(False, f"raised {got}")
    if isinstance(expected, Satisfies):
        try:
            problem = str(expected.test(got))
        except Exception as exc:  # an answer of the wrong kind (a test never trusts `got`)
            problem = f"returned {_kind(got)} ({show(got)}), which cannot be checked ({exc})"
        return Verdict(not problem, problem)
    if isinstance(expected, np.ndarray):
        return _compare_arrays(expected, got, rtol, atol)
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return Verdict(False, f"returned {_kind(got)}; expected a tuple of {len(expected)}")
        if len(got) != len(expected):
            return Verdict(False, f"returned {len(got)} items; expected {len(expected)}")
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            verdict = compare(e, g, rtol, atol)
            if not verdict.ok:
                return Verdict(False, f"item {i}: {verdict.problem}")
        return Verdict(True)
    value = _scalar(got)
    if isinstance(expected, bool):
        if not isinstance(value, bool):
            return Verdict(False, f"returned {_kind(got)} ({show(got)}); expected a bool")
        return Verdict(
            value == expected, "" if value == expected else f"{value} instead of {expected}"
        )
    if isinstance(expected, int):
        if isinstance(value, float):
            return Verdict(False, f"returned a float ({value!r}); expected an int")
        if not isinstance(value, int) or isinstance(value, bool):
            return Verdict(False, f"returned {_kind(got)} ({show(got)}); expected an int")
        return Verdict(
            value == expected, "" if value == expected else f"{value} instead of {expected}"
        )
    if isinstance(expected, float):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return Verdict(False, f"returned {_kind(got)}; expected a float")
        same = bool(np.isclose(value, expected, rtol=rtol, atol=atol))
        return Verdict(same, "" if same else f"{value!r} instead of {expected!r}")
    return Verdict(
        got == expected, "" if got == expected else f"{show(got)} instead of {expected!r}"
    )


def _compare_arrays(expected: np.ndarray, got: Any, rtol: float, atol: float) -> Verdict:
    if not isinstance(got, np.ndarray):
        return Verdict(False, f"returned {_kind(got)}; expected a NumPy array")
    if got.shape != expected.shape:
        return Verdict(False, f"shape {got.shape} instead of {expected.shape}")
    if expected.dtype.kind == "f" and got.dtype != expected.dtype:
        return Verdict(False, f"dtype {got.dtype} instead of {expected.dtype}")
    families = {"b": "b", "i": "iu", "u": "iu"}
    if expected.dtype.kind in families and got.dtype.kind not in families[expected.dtype.kind]:
        return Verdict(
            False, f"dtype {got.dtype} instead of an integer dtype like {expected.dtype}"
        )
    if expected.dtype == np.float32:  # float32 sums differ in the last bits by design
        rtol, atol = max(rtol, 1e-5), max(atol, 1e-5)
    if expected.dtype.kind == "f":
        close = np.isclose(got, expected, rtol=rtol, atol=atol) & ~np.isnan(got)
    else:
        close = got == expected
    if close.all():
        return Verdict(True)
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    where = f"[{', '.join(map(str, first))}]"
    detail = f"got {got[first].item()!r}, expected {expected[first].item()!r}"
    return Verdict(
        False, f"{len(bad)} of {expected.size} values differ; first at {where}: {detail}"
    )


def show(value: Any, max_size: int = 144) -> str:
    """A readable rendering of an argument or result: values when small, a summary if not."""
    if isinstance(value, np.ndarray):
        head = f"array{value.shape} {value.dtype}"
        if value.size == 0 or value.size > max_size or value.dtype.kind not in "biuf":
            if value.size and value.dtype.kind in "biuf":
                head += f", values {value.min():.4g} … {value.max():.4g}"
            return head
        body = np.array2string(value, precision=4, suppress_small=True, max_line_width=90)
        return f"{head}\n{body}"
    if isinstance(value, (tuple, list)) and any(isinstance(v, np.ndarray) for v in value):
        opener, closer = ("(", ")") if isinstance(value, tuple) else ("[", "]")
        return opener + ",\n ".join(show(v, max_size) for v in value) + closer
    if isinstance(value, Raised):
        return f"raised {value}"
    text = repr(value)
    return text if len(text) <= 300 else text[:297] + "..."
