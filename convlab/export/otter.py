"""``convlab export otter DIR``: Otter-Assign master notebooks made from ``solutions/``.

``DIR/<set>/<set>.ipynb`` is each solutions notebook in Otter Assign's format: a raw
``# ASSIGNMENT CONFIG`` cell (exception-based tests, the ``requirements.txt`` beside it,
no PDF), then for every exercise a question block (``# BEGIN QUESTION`` … ``# END
QUESTION``) around its cell, its solution and its tests. The solution becomes Otter's
``# BEGIN SOLUTION NO PROMPT`` block followed by a prompt with convlab's stub, so the
learner sees what ``convlab assign`` gives them. The tests call
:func:`convlab.grading.assert_exercise`: a public one (0 points: the public cases, as
``check()`` runs them), a hidden one worth the exercise's points (every case on inputs
drawn from the export's seed) and, for an exercise with a time budget, a hidden speed
test worth its speed points. Otter adds ``grader.check("<exercise>")`` after each question.

Then: ``otter assign DIR/<set>/<set>.ipynb DIR/<set>/dist`` writes the student notebook and
the autograder zip (``dist/autograder/``) for Gradescope or ``otter run``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .. import __version__
from ..grading.assign import BEGIN, END
from ..grading.registry import Exercise
from ..grading.report import write_atomic
from ._sets import ExerciseSet, assert_call, grade_id, has_solution
from .nbgrader import STUB

__all__ = ["DEFAULT_REQUIREMENT", "master_notebook", "write_masters"]

# "convlab" on PyPI is another project: point pip at this one.
DEFAULT_REQUIREMENT = f"convlab @ git+https://github.com/convlab/convlab@v{__version__}"

ASSIGNMENT_CONFIG = """\
# ASSIGNMENT CONFIG
name: {name}
requirements: requirements.txt
solutions_pdf: false
export_cell: false
check_all_cell: false
strip_solutions_from_all_cells: true
tests:
    ok_format: false
generate:
    show_stdout: true
"""


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _test(
    ex: Exercise, name: str, doc: str, call: str, points: float, hidden: bool
) -> nbformat.NotebookNode:
    config = f"hidden: true\npoints: {points:g}" if hidden else f"points: {points:g}"
    source = (
        f'""" # BEGIN TEST CONFIG\n{config}\n""" # END TEST CONFIG\n'
        f"def {name}({ex.func}):\n"
        f'    """{doc}"""\n'
        "    from convlab.grading import assert_exercise\n\n"
        f"    {call}\n"
    )
    return nbformat.v4.new_code_cell(source)


def _tests(ex: Exercise, seed: int) -> list[nbformat.NotebookNode]:
    correct = ex.points - (ex.budget.points if ex.budget else 0)
    cells = [
        _test(ex, "test_public_cases", f"{ex.id}: the public cases, as check() runs them.",
              assert_call(ex), 0, False),
        _test(ex, "test_all_cases", f"{ex.id}: every case, public and hidden, on new inputs.",
              assert_call(ex, seed=seed), correct, True),
    ]  # fmt: skip
    if ex.budget is not None:
        b = ex.budget
        doc = f"{ex.id} speed: every case right and within {b.factor:g}x the baseline's time."
        cells.append(
            _test(ex, "test_speed", doc, assert_call(ex, seed=seed, speed=True), b.points, True)
        )
    return cells


def otter_solution(source: str) -> str:
    """convlab's solution markers as Otter's: the solution, then a prompt with the stub."""
    out = []
    for line in source.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        if line.strip() == BEGIN:
            out.append(f"{indent}# BEGIN SOLUTION NO PROMPT")
        elif line.strip() == END:
            out.append(f"{indent}# END SOLUTION")
            out.append(f'{indent}""" # BEGIN PROMPT')
            out += [f"{indent}{stub}" for stub in STUB.splitlines()]
            out.append(f'{indent}"""; # END PROMPT')
        else:
            out.append(line)
    return "\n".join(out)


def master_notebook(exercise_set: ExerciseSet, seed: int) -> nbformat.NotebookNode:
    """The Otter Assign master notebook of one set."""
    nb = nbformat.v4.new_notebook(metadata=exercise_set.notebook.metadata)
    nb.cells.append(_raw(ASSIGNMENT_CONFIG.format(name=exercise_set.stem)))
    for index, cell in enumerate(exercise_set.cells()):
        found = exercise_set.answers.get(index, [])
        if has_solution(cell):
            cell.source = otter_solution(cell.source)
        if not found:
            nb.cells.append(cell)
            continue
        first = found[0]
        points = " + ".join(f"{ex.points:g}" for ex in found)
        nb.cells += [
            _raw(f"# BEGIN QUESTION\nname: {grade_id(first)}"),
            nbformat.v4.new_markdown_cell(f"*Autograded: {', '.join(e.id for e in found)}, "
                                          f"{points} point{'s' if points != '1' else ''}.*"),
            _raw("# BEGIN SOLUTION"),
            cell,
            _raw("# END SOLUTION"),
            _raw("# BEGIN TESTS"),
            *(test for ex in found for test in _tests(ex, seed)),
            _raw("# END TESTS"),
            _raw("# END QUESTION"),
        ]  # fmt: skip
    for i, cell in enumerate(nb.cells):  # deterministic ids: the same export, the same bytes
        cell.id = f"{exercise_set.stem}-{i:03d}"
    return nb


def write_masters(
    sets: list[ExerciseSet], out: Path, seed: int, requirement: str | None = None
) -> list[Path]:
    """Write ``out/<set>/<set>.ipynb`` and ``out/<set>/requirements.txt``; return them."""
    written = []
    for exercise_set in sets:
        folder = out / exercise_set.stem
        folder.mkdir(parents=True, exist_ok=True)
        requirements = folder / "requirements.txt"
        write_atomic(requirements, f"{requirement or DEFAULT_REQUIREMENT}\n")
        path = folder / f"{exercise_set.stem}.ipynb"
        write_atomic(path, nbformat.writes(master_notebook(exercise_set, seed)) + "\n")
        written += [path, requirements]
    return written
