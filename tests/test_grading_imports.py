"""The grading package imports one way: no cycle, not even one hidden inside a function.

Two checks. Each module imported alone in a fresh interpreter catches a cycle that only
works in one import order (``import convlab.grading.sets.channels`` first used to need
``registry`` half-initialised). The static graph reads every ``import`` of the package,
function-level ones included, since a function-level import is how a cycle hides.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import convlab
import convlab.grading

PACKAGE = Path(convlab.__file__).parent
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(convlab.grading.__path__, "convlab.grading.")
    if m.name != "convlab.grading.worker"  # a script run by path inside the sandbox
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: str) -> set[str]:
    """The modules under ``root`` that ``path`` imports anywhere in its body, function-level
    imports included (not under TYPE_CHECKING: those never run)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            base = f"{base}.{node.module}" if node.level and node.module else node.module or base
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from . import sets`
    # a parent package is initialised before any of its modules anyway: not an edge
    return {m for m in found if m.startswith(root) and not name.startswith(f"{m}.")}


def _graph(root: str = "convlab.grading") -> dict[str, set[str]]:
    """Who imports whom among the modules of package ``root`` (``"convlab"``: all of it)."""
    folder = PACKAGE.parent.joinpath(*root.split("."))
    files = sorted(folder.rglob("*.py"))
    names = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, root) & names - {_module_name(f)} for f in files}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` as a path ``[a, b, ..., a]``, or ``[]``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_the_cycle_finder_finds_a_cycle():
    """The check can fail: a planted cycle is reported as a path."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []


def test_the_static_graph_sees_the_sets_and_the_types():
    graph = _graph()
    assert "convlab.grading.exercise_types" in graph["convlab.grading.sets.channels"]
    assert "convlab.grading.sets" in graph["convlab.grading.registry"]
    assert "convlab.grading.sets.backprop" in graph["convlab.grading.sets"]


def test_no_import_cycle_in_grading():
    assert _cycle(_graph()) == []


@pytest.mark.parametrize("module", MODULES)
def test_each_module_imports_alone(module):
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
