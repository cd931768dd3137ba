"""``convlab assign``: write ``exercises/`` from ``solutions/``, the single source.

Each ``solutions/NN_name.py`` (jupytext percent) becomes ``exercises/NN_name.py`` and its
paired ``exercises/NN_name.ipynb``: every ``### BEGIN SOLUTION`` … ``### END SOLUTION``
block is replaced by a stub that raises ``NotImplementedError``, the notebook has no
outputs and its cell ids are derived from the file name and cell position, so the same
solutions always give byte-identical exercises (CI regenerates and compares).

Before anything is written, every file is checked: markers must pair up inside one cell,
never nest; every ``# EXERCISE: NN.name (P points)`` line must name an exercise of the
catalogue for that lesson, with its points, once, just above ``def <its function>``; and
every exercise of the lesson must appear.

>>> source = "def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION\\n"
>>> print(strip_solutions(source))
def f(x):
    # YOUR CODE HERE
    raise NotImplementedError
<BLANKLINE>
"""

from __future__ import annotations

import re
from pathlib import Path

from .registry import exercise, lesson_exercises
from .report import write_atomic
from .source import MARKER

__all__ = ["AssignError", "assign", "render_notebook", "strip_solutions"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(")


class AssignError(ValueError):
    """A solutions file the generator refuses, with the file, the line and the fix."""


def strip_solutions(text: str, name: str = "<solutions>") -> str:
    """The exercise version of a solutions file (``name`` is used in error messages)."""
    out: list[str] = []
    opened: int | None = None
    indent = ""
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        stripped = line.strip()
        where = f"{name}, line {number}"
        if line.startswith("# %%") and opened is not None:
            raise AssignError(
                f"{where}: a new cell starts but the {BEGIN} of line {opened} is still open; "
                f"add {END} before the end of its cell"
            )
        if stripped == BEGIN:
            if opened is not None:
                raise AssignError(
                    f"{where}: nested {BEGIN} (the one on line {opened} is still open); "
                    f"close it with {END} first"
                )
            opened, indent = number, line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE\n", f"{indent}raise NotImplementedError\n"]
        elif stripped == END:
            if opened is None:
                raise AssignError(f"{where}: {END} without a matching {BEGIN}")
            opened = None
        elif opened is None:
            out.append(line)
    if opened is not None:
        raise AssignError(f"{name}, line {opened}: {BEGIN} is never closed; add {END}")
    return "".join(out)


def check_markers(text: str, name: str, lesson: str) -> None:
    """Every exercise of ``lesson`` is marked once, with its points, above its function."""
    lines = text.splitlines()
    seen: dict[str, int] = {}
    for match in MARKER.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        where = f"{name}, line {number}"
        ex_id = match["id"]
        if ex_id in seen:
            raise AssignError(
                f"{where}: duplicate exercise id {ex_id} (first on line {seen[ex_id]})"
            )
        seen[ex_id] = number
        try:
            ex = exercise(ex_id)
        except ValueError:
            raise AssignError(
                f"{where}: unknown exercise id {ex_id}; add it to convlab/grading/sets"
            ) from None
        if ex.lesson != lesson:
            raise AssignError(f"{where}: {ex_id} belongs to lesson {ex.lesson}, not to this file")
        if match["points"] is None or float(match["points"]) != ex.points:
            raise AssignError(
                f"{where}: write the points as the catalogue has them: "
                f"# EXERCISE: {ex_id} ({ex.points:g} points)"
            )
        following = next((ln for ln in lines[number:] if _DEF.match(ln)), "")
        found = _DEF.match(following)
        if not found or found[1] != ex.func:
            raise AssignError(
                f"{where}: the marker of {ex_id} must be followed by def {ex.func}(...)"
            )
    missing = [ex.id for ex in lesson_exercises(lesson) if ex.id not in seen]
    if missing:
        raise AssignError(f"{name}: no marker for {', '.join(missing)}")


def render_notebook(text: str, stem: str, config=None) -> str:
    """The ``.ipynb`` text of a percent script: no outputs, cell ids ``<stem>-NN``.

    ``config`` is the project's jupytext configuration (pyproject's ``[tool.jupytext]``),
    so the notebook carries the same pairing and metadata filters as ``jupytext --sync``.
    """
    import jupytext

    notebook = jupytext.reads(text, fmt="py:percent", config=config)
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"{stem}-{i:02d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return jupytext.writes(notebook, fmt="ipynb", config=config)


def assign(solutions: Path, out: Path, check: bool = False) -> list[Path]:
    """Regenerate ``out`` from ``solutions``; return the files that changed (or would)."""
    from jupytext.config import load_jupytext_config

    sources = sorted(solutions.glob("[0-9][0-9]_*.py"))
    if not sources:
        raise AssignError(f"no solutions found: {solutions}/NN_name.py")
    config = load_jupytext_config(str(solutions.resolve()))
    wanted: dict[Path, str] = {}
    for path in sources:
        text = path.read_text(encoding="utf-8")
        check_markers(text, str(path), path.name[:2])
        stub = strip_solutions(text, str(path))
        wanted[out / path.name] = stub
        wanted[out / f"{path.stem}.ipynb"] = render_notebook(stub, path.stem, config)
    stale = [
        p
        for p in sorted(out.glob("[0-9][0-9]_*"))
        if p.suffix in (".py", ".ipynb") and p not in wanted
    ]
    changed = [p for p, t in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
    if not check:
        out.mkdir(parents=True, exist_ok=True)
        for path in changed:
            write_atomic(path, wanted[path])
        for path in stale:
            path.unlink()
    return changed + stale
