"""``convlab export nbgrader DIR``: an nbgrader course directory made from ``solutions/``.

``DIR/source/<set>/<set>.ipynb`` is each solutions notebook with nbgrader's cell metadata
(schema version 3): the cell holding an exercise is a solution cell (nbgrader replaces its
``### BEGIN SOLUTION`` … ``### END SOLUTION`` block by the same stub as ``convlab
assign``), and after it comes a locked autograder cell worth the exercise's points. That
cell runs the public cases, as ``check()`` shows them, then, between nbgrader's
``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` (removed from the students' copy),
every case on inputs drawn from the export's seed. An exercise with a time budget gets a
second, hidden, autograder cell worth its speed points. The lesson links and the
``check()`` calls stay, so the learner's notebook reads as in the course.

Then, in ``DIR``: ``nbgrader generate_assignment <set>``, release, collect, and
``nbgrader autograde <set>``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..grading.registry import Exercise
from ..grading.report import write_atomic
from ._sets import ExerciseSet, assert_call, grade_id, has_solution

__all__ = ["CONFIG", "STUB", "write_course"]

SCHEMA_VERSION = 3
STUB = "# YOUR CODE HERE\nraise NotImplementedError"  # what convlab assign writes
CONFIG = f"""\
# nbgrader configuration written by `convlab export nbgrader`: the course is this folder.
c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = "convlab"
# The stub nbgrader writes in place of ### BEGIN SOLUTION ... ### END SOLUTION: the same
# as convlab's own exercises/, so check() says "Replace `raise NotImplementedError`".
c.ClearSolutions.code_stub = {{"python": {STUB!r}}}
"""


def _meta(cell_id: str, *, solution=False, grade=False, points=None, locked=False) -> dict:
    meta = {
        "grade": grade,
        "grade_id": cell_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _test_cells(ex: Exercise, seed: int) -> list[nbformat.NotebookNode]:
    correct = ex.points - (ex.budget.points if ex.budget else 0)
    lines = [
        f"# Autograder test of {ex.id} ({correct:g} point{'s' if correct != 1 else ''}): "
        "the public cases, as check() runs them,",
        "# then every case, public and hidden, on new inputs. It fails with check()'s message.",
        "from convlab.grading import assert_exercise",
        "",
        assert_call(ex),
        "### BEGIN HIDDEN TESTS",
        assert_call(ex, seed=seed),
        "### END HIDDEN TESTS",
    ]
    test = nbformat.v4.new_code_cell("\n".join(lines), id=grade_id(ex, "test"))
    test.metadata["nbgrader"] = _meta(grade_id(ex, "test"), grade=True, points=correct, locked=True)
    cells = [test]
    if ex.budget is not None:
        b = ex.budget
        lines = [
            f"# Speed of {ex.id} ({b.points:g} point{'s' if b.points != 1 else ''}): every case "
            f"right, and within {b.factor:g}× the time",
            f"# of a vectorised baseline on {b.label} (no Python loops over pixels).",
            "from convlab.grading import assert_exercise",
            "",
            "### BEGIN HIDDEN TESTS",
            assert_call(ex, seed=seed, speed=True),
            "### END HIDDEN TESTS",
        ]
        speed = nbformat.v4.new_code_cell("\n".join(lines), id=grade_id(ex, "speed"))
        speed.metadata["nbgrader"] = _meta(
            grade_id(ex, "speed"), grade=True, points=b.points, locked=True
        )
        cells.append(speed)
    return cells


def source_notebook(exercise_set: ExerciseSet, seed: int) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one set."""
    nb = nbformat.v4.new_notebook(metadata=exercise_set.notebook.metadata)
    for index, cell in enumerate(exercise_set.cells()):
        found = exercise_set.answers.get(index, [])
        if has_solution(cell):
            name = grade_id(found[0], "solution") if found else f"{exercise_set.stem}-{index:02d}"
            cell.metadata["nbgrader"] = _meta(name, solution=True)
        nb.cells.append(cell)
        for ex in found:
            nb.cells += _test_cells(ex, seed)
    return nb


def write_course(sets: list[ExerciseSet], out: Path, seed: int) -> list[Path]:
    """Write ``out/nbgrader_config.py`` and ``out/source/<set>/<set>.ipynb``; return them."""
    written = []
    out.mkdir(parents=True, exist_ok=True)
    config = out / "nbgrader_config.py"
    write_atomic(config, CONFIG)
    written.append(config)
    for exercise_set in sets:
        folder = out / "source" / exercise_set.stem
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{exercise_set.stem}.ipynb"
        write_atomic(path, nbformat.writes(source_notebook(exercise_set, seed)) + "\n")
        written.append(path)
    return written
