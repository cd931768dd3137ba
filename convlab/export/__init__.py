"""``convlab export``: the exercises as an nbgrader course or as Otter-Grader assignments.

Instructors who already grade with nbgrader (JupyterHub) or Otter-Grader (Gradescope) can
take the exercises as they are: :func:`export` writes, from ``solutions/`` (the single
source, as for ``convlab assign``),

- ``nbgrader``: ``DIR/source/<set>/<set>.ipynb`` and a minimal ``DIR/nbgrader_config.py``,
  ready for ``nbgrader generate_assignment`` (:mod:`convlab.export.nbgrader`);
- ``otter``: ``DIR/<set>/<set>.ipynb`` master notebooks with their ``requirements.txt``,
  ready for ``otter assign`` (:mod:`convlab.export.otter`).

Both kinds of autograder test call :func:`convlab.grading.assert_exercise`, so the cases,
the comparisons, the hints and the points are convlab's own; what the host system adds
is where the code runs (its containers or kernels, instead of ``convlab grade``'s sandbox).

>>> import convlab
>>> sets = read_sets(Path(convlab.__file__).parents[1] / "solutions", ["02"])
>>> [s.stem for s in sets], [ex.id for ex in sets[0].exercises][:3]
(['02_padding_stride'], ['02.output_size', '02.reflect_pad', '02.conv2d_single'])
"""

from __future__ import annotations

from pathlib import Path

from ._sets import ExerciseSet, ExportError, read_sets

__all__ = ["FORMATS", "ExerciseSet", "ExportError", "export", "read_sets"]

FORMATS = ("nbgrader", "otter")


def export(
    fmt: str,
    out: Path,
    *,
    solutions: Path = Path("solutions"),
    lessons: list[str] | None = None,
    seed: int = 0,
    requirement: str | None = None,
) -> list[Path]:
    """Write the export ``fmt`` (``"nbgrader"`` or ``"otter"``) to ``out``; return its files.

    ``lessons`` selects sets (``["02", "03"]``; default: all), ``seed`` draws the hidden
    cases' inputs, ``requirement`` is the pip line for convlab in Otter's
    ``requirements.txt``.
    """
    sets = read_sets(solutions, lessons)
    if fmt == "nbgrader":
        from .nbgrader import write_course

        return write_course(sets, out, seed)
    if fmt == "otter":
        from .otter import write_masters

        return write_masters(sets, out, seed, requirement)
    raise ExportError(f"export: format must be one of {', '.join(FORMATS)}; got {fmt!r}")
