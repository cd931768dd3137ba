"""Reading ``solutions/`` for an export: each set's notebook and where its exercises sit.

Shared by the nbgrader and Otter writers: the notebook cells (from the reviewed
``solutions/NN_topic.py``, without outputs), the exercises each solution cell answers,
and the source of the autograder calls to :func:`convlab.grading.assert_exercise`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..errors import ConvlabError
from ..grading.assign import BEGIN, END, AssignError, check_markers, render_notebook
from ..grading.registry import LESSONS, Exercise, exercise, lesson_exercises
from ..grading.source import MARKER

__all__ = ["ExerciseSet", "ExportError", "assert_call", "grade_id", "read_sets"]


class ExportError(ValueError):
    """An export that cannot be written: the reason and the fix."""


@dataclass
class ExerciseSet:
    """One solutions notebook: ``cells`` and, per code cell index, the exercises it holds."""

    stem: str  # "02_padding_stride"
    notebook: nbformat.NotebookNode
    answers: dict[int, list[Exercise]]  # cell index -> exercises marked in that cell

    @property
    def exercises(self) -> list[Exercise]:
        return [ex for index in sorted(self.answers) for ex in self.answers[index]]

    @property
    def points(self) -> float:
        return sum(ex.points for ex in self.exercises)

    def cells(self) -> list[nbformat.NotebookNode]:
        """A fresh copy of the notebook's cells (the writers change them)."""
        return copy.deepcopy(self.notebook.cells)


def has_solution(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and any(ln.strip() == BEGIN for ln in cell.source.splitlines())


def grade_id(ex: Exercise, part: str = "") -> str:
    """A cell name nbgrader and Otter accept (letters, digits, ``_``, ``-``): ``02_output_size``."""
    return ex.id.replace(".", "_") + (f"-{part}" if part else "")


def assert_call(ex: Exercise, *, seed: int | None = None, speed: bool = False) -> str:
    """The source of one autograder call: public cases (``seed=None``), all cases, or speed."""
    if seed is None:
        return f'assert_exercise("{ex.id}", {ex.func}, public_only=True)'
    return f'assert_exercise("{ex.id}", {ex.func}, seed={seed}{", speed=True" if speed else ""})'


def _lessons(lessons: list[str] | None) -> list[str]:
    if not lessons:
        return list(LESSONS)
    keys = []
    for lesson in lessons:
        try:
            lesson_exercises(lesson)
        except ConvlabError as exc:  # "lesson must be one of ...": the flag is its argument
            raise ExportError(f"export: --{exc.detail}") from None
        keys.append(str(lesson)[:2])
    return sorted(set(keys))


def read_sets(solutions: Path, lessons: list[str] | None = None) -> list[ExerciseSet]:
    """The exercise sets of ``lessons`` (default: every lesson with a solutions file)."""
    from jupytext.config import load_jupytext_config

    solutions = Path(solutions)
    if not solutions.is_dir():
        raise ExportError(f"export: no solutions directory {solutions}; pass --solutions DIR")
    config = load_jupytext_config(str(solutions.resolve()))
    wanted = _lessons(lessons)
    sets = []
    for lesson in wanted:
        path = solutions / f"{LESSONS[lesson]}.py"
        if not path.is_file():
            if lessons:
                raise ExportError(f"export: lesson {lesson} has no solutions file {path}")
            continue
        text = path.read_text(encoding="utf-8")
        try:
            check_markers(text, str(path), lesson)
        except AssignError as exc:
            raise ExportError(f"export: {exc}") from None
        notebook = nbformat.reads(render_notebook(text, path.stem, config), as_version=4)
        notebook.metadata.pop("jupytext", None)  # no pairing with a .py in the course copies
        answers: dict[int, list[Exercise]] = {}
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            found = [exercise(m["id"]) for m in MARKER.finditer(cell.source)]
            if found and not has_solution(cell):
                raise ExportError(
                    f"export: {path}: the cell of {found[0].id} has no {BEGIN} … {END} block"
                )
            if found:
                answers[index] = found
        sets.append(ExerciseSet(path.stem, notebook, answers))
    if not sets:
        raise ExportError(f"export: no solutions found: {solutions}/NN_name.py")
    return sets
