"""Reading a checkpoint's answer: what the learner typed or clicked, as a value to compare.

A reader returns the value, or raises ``TypeError``/``ValueError`` whose message is the
nudge the learner sees after 🤔 (such an answer is not counted as a try). The question
itself, its tries and its display are :mod:`convlab.quiz`.

>>> read_number(" −1,024 ")
-1024.0
>>> read_shape("2×16×8×8")
(2, 16, 8, 8)
>>> choice_reader(["reflect", "replicate", "circular"])("B")
1
>>> sorted(cells_reader((1, 6))("4, 5"))
[(0, 4), (0, 5)]
>>> show_cells(frozenset({(0, 4), (0, 5)}), (1, 6))
'4, 5'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["cells_reader", "choice_reader", "read_number", "read_shape", "show_cells"]


def read_number(value: Any) -> float:
    """A finite number, typed (``"1,024"``, ``"−3"``) or given."""
    if isinstance(value, bool):
        raise TypeError("type a number, e.g. 3")
    if isinstance(value, str):
        text = value.strip().replace("−", "-").replace(",", "").replace("_", "")
        if not text:
            raise ValueError("type a number first, e.g. 3")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{value!r} is not a number: type e.g. 3 or 0.5") from None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{value!r} is not a number: type e.g. 3 or 0.5") from None
    if not math.isfinite(number):
        raise ValueError("type a finite number")
    return number


def read_shape(value: Any) -> tuple[int, ...]:
    """Whole sizes, typed as ``2, 16, 8, 8``, ``(2, 16, 8, 8)`` or ``2×16×8×8``, or given."""
    if isinstance(value, str):
        parts = [p for p in re.split(r"[\s,×x*]+", value.strip().strip("()[]")) if p]
        if not parts:
            raise ValueError("type the sizes separated by commas, e.g. 2, 16, 8, 8")
        try:
            return tuple(int(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a shape: type whole sizes separated by commas, e.g. 2, 16, 8, 8"
            ) from None
    if isinstance(value, Iterable):
        try:
            return tuple(int(v) for v in value)
        except (TypeError, ValueError):
            pass
    raise TypeError(f"{value!r} is not a shape: type e.g. 2, 16, 8, 8")


def choice_reader(options: Sequence[str]) -> Callable[[Any], int]:
    """The reader of a multiple-choice answer: an index, a letter (``"b"``) or the text."""

    def parse(value: Any) -> int:
        if value is None:
            raise ValueError("pick an option first")
        if isinstance(value, str):
            text = value.strip()
            if len(text) == 1 and text.isalpha() and ord(text.lower()) - 97 < len(options):
                return ord(text.lower()) - 97
            if text in options:
                return options.index(text)
            raise ValueError(f"pick one of the options: a to {chr(96 + len(options))}")
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(options):
            return value
        raise ValueError(f"pick one of the options: a to {chr(96 + len(options))}")

    return parse


def cells_reader(grid: tuple[int, int]) -> Callable[[Any], frozenset]:
    """The reader of picked cells: ints for a row, ``(row, col)`` pairs for a grid, or the
    same typed as ``"4, 5"``; read as a set of ``(row, col)``."""

    def key(item: Any) -> tuple[int, int]:
        if grid[0] == 1 and not isinstance(item, (tuple, list)):
            return (0, int(item))
        r, c = item
        return (int(r), int(c))

    def parse(value: Any) -> frozenset:
        if isinstance(value, str):
            value = [p for p in re.split(r"[\s,;]+", value.strip()) if p]
        try:
            picked = frozenset(key(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError("pick cells by clicking them (or list their indices)") from None
        outside = [p for p in picked if not (0 <= p[0] < grid[0] and 0 <= p[1] < grid[1])]
        if outside:
            raise ValueError(f"cell {outside[0]} is outside the {grid[0]}×{grid[1]} grid")
        return picked

    return parse


def show_cells(picked: frozenset, grid: tuple[int, int]) -> str:
    """Picked cells as the learner names them: ``4, 5`` in a row, ``(0, 1), (2, 2)`` in a grid."""
    items = sorted(picked)
    return ", ".join(str(c) if grid[0] == 1 else f"({r}, {c})" for r, c in items) or "none"
