"""Reading a submission: its code cells, what each top-level statement defines and uses,
and the few statements one graded function needs.

Grading never runs a notebook top to bottom. Only *definitions* are kept: imports,
``def``, ``class`` and plain assignments at the top level of a cell. Calls, prints, loops,
``sys.exit()`` or a ``raise`` at the top level are never executed, so a cell that prints
50 MB or exits the kernel costs nothing. For each exercise the grader then keeps the
function (found by name, wherever its cell moved) and, transitively, the definitions it
refers to, the last binding of each name winning as in "Run All".

>>> cells = [(1, "import numpy as np\\nprint('hi')"), (2, "def f(x):\\n    return np.sum(x)")]
>>> sub = parse_cells(cells)
>>> [s.source for s in select(sub, "f").statements]
['import numpy as np', 'def f(x):\\n    return np.sum(x)']
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import re
import symtable
from dataclasses import dataclass, field

__all__ = [
    "MARKER",
    "Selection",
    "Statement",
    "Submission",
    "SubmissionError",
    "is_stub",
    "parse_cells",
    "read_submission",
    "select",
]

MARKER = re.compile(
    r"^[ \t]*#[ \t]*EXERCISE:[ \t]*(?P<id>\d\d\.[A-Za-z_]\w*)"
    r"(?:[ \t]*\((?P<points>\d+(?:\.\d+)?)[ \t]+points?\))?[ \t]*$",
    re.M,
)
MAX_BYTES = 64 * 2**20  # a notebook larger than this is refused (outputs included)
MAX_CELL_CHARS = 200_000  # a code cell longer than this is not parsed
_MAGIC = re.compile(r"^([ \t]*)([%!].*)$", re.M)
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Statement:
    index: int  # position among the submission's statements
    cell: int  # 1-based cell number in the notebook
    line: int  # first line within the cell
    source: str
    kind: str  # import | star | def | class | assign
    binds: frozenset[str]
    uses: frozenset[str]
    node: ast.AST = field(compare=False, repr=False)


@dataclass
class Submission:
    cells: list[tuple[int, str]]  # (cell number, source) of the code cells
    statements: list[Statement]
    syntax_errors: dict[int, str]  # cell number -> message
    markers: dict[str, list[int]]  # exercise id -> cells carrying its marker

    def bindings(self, name: str) -> list[Statement]:
        return [s for s in self.statements if name in s.binds]


@dataclass
class Selection:
    graded: Statement | None
    statements: list[Statement]
    notes: list[str]


class SubmissionError(ValueError):
    """The file is not a notebook (or Python file) the grader can read."""


def read_submission(path: str, data: bytes | None = None) -> Submission:
    """Parse an ``.ipynb`` (or a ``.py`` file, as one cell) without executing anything."""
    if data is None:
        if os.path.getsize(path) > MAX_BYTES:
            raise SubmissionError("the file is larger than 64 MB, the most the grader reads")
        with open(path, "rb") as f:
            data = f.read()
    if len(data) > MAX_BYTES:
        raise SubmissionError("the file is larger than 64 MB, the most the grader reads")
    if not str(path).endswith(".ipynb"):
        return parse_cells([(1, data.decode("utf-8", "replace"))])
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise SubmissionError(f"not a Jupyter notebook (invalid JSON: {exc})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise SubmissionError("not a Jupyter notebook (no list of cells)")
    code = []
    for number, cell in enumerate(cells, 1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            text = cell.get("source", "")
            if isinstance(text, list):
                text = "".join(t for t in text if isinstance(t, str))
            if isinstance(text, str):
                code.append((number, text))
    return parse_cells(code)


def _uses(source: str) -> frozenset[str]:
    """Global names a statement reads: at module level, or as globals inside its scopes."""
    table = symtable.symtable(source, "<statement>", "exec")
    names = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    stack = list(table.get_children())
    while stack:
        scope = stack.pop()
        names |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
        stack.extend(scope.get_children())
    return frozenset(names)


def _segment(lines: list[str], node: ast.stmt) -> tuple[int, str]:
    """(first line, text) of a statement: its own lines (decorators included), or its
    unparsed form when it shares a line with another statement."""
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    before = lines[node.lineno - 1].encode()[: node.col_offset]
    after = lines[node.end_lineno - 1].encode()[node.end_col_offset :].strip()
    if not before.strip() and (not after or after.startswith(b"#")):
        return start, "".join(lines[start - 1 : node.end_lineno]).rstrip()
    return node.lineno, ast.unparse(node)


def _definitions(node: ast.stmt, lines: list[str]):
    """(kind, names, line, source) of each definition in a top-level statement."""
    if isinstance(node, ast.Import):  # one statement per name: only the needed ones run
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            yield "import", {bound}, node.lineno, ast.unparse(ast.Import(names=[alias]))
    elif isinstance(node, ast.ImportFrom):
        for alias in node.names:
            single = ast.unparse(
                ast.ImportFrom(module=node.module, names=[alias], level=node.level)
            )
            if alias.name == "*":
                yield "star", set(), node.lineno, single
            else:
                yield "import", {alias.asname or alias.name}, node.lineno, single
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        kind = "class" if isinstance(node, ast.ClassDef) else "def"
        yield kind, {node.name}, *_segment(lines, node)
    elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names: set[str] = set()
        for target in targets:
            parts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            if not all(isinstance(p, ast.Name) for p in parts):
                return  # attribute or item assignment (np.allclose = ...): not a definition
            names |= {p.id for p in parts}
        yield "assign", names, *_segment(lines, node)


def _cell_definitions(text: str):
    """(kind, names, line, source, uses, node) of each definition in one cell's code."""
    text = _MAGIC.sub(r"\1# \2", text)  # IPython magics and shell escapes become comments
    lines = text.splitlines(keepends=True)
    for node in ast.parse(text).body:
        for kind, names, line, source in _definitions(node, lines):
            yield kind, frozenset(names), line, source, _uses(source), node


def parse_cells(cells: list[tuple[int, str]]) -> Submission:
    """Index the definitions of code cells given as ``(cell number, source)``."""
    statements: list[Statement] = []
    errors: dict[int, str] = {}
    markers: dict[str, list[int]] = {}
    for number, text in cells:
        for match in MARKER.finditer(text):
            markers.setdefault(match["id"], []).append(number)
        if len(text) > MAX_CELL_CHARS:
            errors[number] = f"the cell has {len(text)} characters; cells over 200,000 are skipped"
            continue
        try:
            found = list(_cell_definitions(text))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            line = getattr(exc, "lineno", None)
            errors[number] = f"{type(exc).__name__}{f' on line {line}' if line else ''}: {exc}"
            continue
        for kind, names, line, source, uses, node in found:
            index = len(statements)
            statements.append(Statement(index, number, line, source, kind, names, uses, node))
    return Submission(list(cells), statements, errors, markers)


def is_stub(node: ast.AST) -> bool:
    """A ``def`` whose body (after its docstring) is only ``raise NotImplementedError``."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def select(sub: Submission, func: str) -> Selection:
    """The binding graded for ``func`` and every definition it needs, in notebook order."""
    candidates = sub.bindings(func)
    if not candidates:
        return Selection(None, [], [])
    attempts = [s for s in candidates if not is_stub(s.node)]
    graded = (attempts or candidates)[-1]
    notes = []
    if len(candidates) > 1:
        cells = ", ".join(str(s.cell) for s in candidates)
        notes.append(
            f"{func} is defined {len(candidates)} times (cells {cells}); graded the one in "
            f"cell {graded.cell} (the last that is not the untouched stub)"
        )
    chosen = {graded.index: graded}
    seen, unresolved = {func}, set()
    queue = [graded]
    while queue:
        for name in sorted(queue.pop().uses - seen):
            seen.add(name)
            found = sub.bindings(name)
            if found:
                chosen.setdefault(found[-1].index, found[-1])
                queue.append(found[-1])
            elif name not in _BUILTINS:
                unresolved.add(name)
        if not queue and unresolved:  # star imports may provide what is still missing
            for star in (s for s in sub.statements if s.kind == "star" and s.index not in chosen):
                chosen[star.index] = star
                queue.append(star)
            unresolved.clear()
    return Selection(graded, sorted(chosen.values(), key=lambda s: s.index), notes)
