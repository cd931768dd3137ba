"""Finding forbidden APIs in a submission's code without running it (the static half).

An exercise may forbid modules (``convlab``, ``torch``, ``scipy.signal`` ...) and functions
(``numpy.convolve`` ...). This walks the statements a graded function needs and resolves
import aliases, so ``np.convolve``, ``from scipy import signal``, ``__import__("torch")``
and ``getattr(np, "convolve")`` are all recognised. The worker's import hook and tripwires
are the dynamic half; together they catch honest slips and casual workarounds, not a
determined obfuscator (see the README).

>>> import ast
>>> tree = ast.parse("import numpy as np\\ny = np.convolve(a, b)")
>>> hits = found(tree, ("torch",), ("numpy.convolve",))
>>> hits, str(hits[0])
([Hit(name='numpy.convolve', line=2)], 'numpy.convolve (line 2)')
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["Hit", "found", "is_forbidden"]


class Hit(NamedTuple):
    """A forbidden name and the line (of the parsed source) where it is first used."""

    name: str
    line: int

    def __str__(self) -> str:
        return f"{self.name} (line {self.line})"


def is_forbidden(dotted: str, modules: Iterable[str], functions: Iterable[str]) -> bool:
    """Whether a dotted name is a forbidden module (or inside one) or a forbidden function."""
    inside = any(dotted == m or dotted.startswith(m + ".") for m in modules)
    return inside or dotted in functions


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def found(
    tree: ast.AST,
    modules: Iterable[str],
    functions: Iterable[str],
    aliases: dict[str, str] | None = None,
) -> list[Hit]:
    """Forbidden names used in ``tree``, each with its first line, in order of appearance.

    ``aliases`` maps names bound outside ``tree`` to what they are (``{"np": "numpy"}``).
    """
    modules, functions = tuple(modules), tuple(functions)
    aliases = dict(aliases or {})
    hits: dict[str, int] = {}

    def hit(name: str, node: ast.AST) -> None:
        if is_forbidden(name, modules, functions):
            hits.setdefault(name, getattr(node, "lineno", 0))

    nodes = list(ast.walk(tree))
    for node in nodes:  # imports first: aliases are global to the selection
        if isinstance(node, ast.Import):
            for a in node.names:
                hit(a.name, node)
                bound = a.asname or a.name.split(".")[0]
                aliases[bound] = a.name if a.asname else bound
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            hit(node.module, node)
            for a in node.names:
                hit(f"{node.module}.{a.name}", node)
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for node in nodes:
        if isinstance(node, ast.Attribute):
            name = _dotted(node, aliases)
            if name:
                hit(name, node)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[-1], ast.Constant):
            text = node.args[-1].value
            func = node.func
            callee = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if isinstance(text, str) and callee in ("__import__", "import_module"):
                hit(text, node)
            elif isinstance(text, str) and callee == "getattr" and len(node.args) >= 2:
                owner = _dotted(node.args[0], aliases)
                if owner:
                    hit(f"{owner}.{text}", node)
    return [Hit(name, line) for name, line in sorted(hits.items(), key=lambda kv: kv[1])]
