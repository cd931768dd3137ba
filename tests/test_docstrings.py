"""Docstrings are written in the source, so editors and static tools see them too.

Read statically (``ast``), not only at run time: a docstring assigned to ``__doc__`` in
an import-time loop passes ``inspect.getdoc`` but is invisible to an editor's hover,
to ``ast.get_docstring`` and to anything that reads the file without importing it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import convlab

PACKAGE = Path(convlab.__file__).parent
# conv2d, conv_transpose3d, max_pool1d, adaptive_avg_pool2d_backward, max_unpool3d, ...
ND = re.compile(r"^(?P<family>[a-z_]+?)(?P<dim>[123])d(?P<backward>_backward)?$")


def _modules() -> list[Path]:
    """Every public module of the package: no part of its path starts with ``_``."""
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if not any(part.startswith("_") for part in p.relative_to(PACKAGE).parts)
    )


def _nd_functions() -> list[tuple[Path, ast.FunctionDef]]:
    """The ops that come as 1d, 2d and 3d (``convolve2d`` alone, as scipy's, is not one)."""
    found = []
    for path in _modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and ND.match(node.name):
                found.append((path, node))
    names = {node.name for _, node in found}
    return [(p, n) for p, n in found if {_family(n.name).format(d) for d in (1, 2, 3)} <= names]


def _family(name: str) -> str:
    return ND.sub(r"\g<family>{}d\g<backward>", name)


ND_FUNCTIONS = _nd_functions()


def _id(item) -> str:
    return item[1].name


def _module_name(path: Path) -> str:
    return ".".join(("convlab", *path.relative_to(PACKAGE).with_suffix("").parts))


def test_every_dimension_of_every_op_is_found():
    names = [node.name for _, node in ND_FUNCTIONS]
    assert len(names) == len(set(names)) >= 36  # 12 ops x 3 dims, each defined once
    exported = {n for n in convlab.__all__ if ND.match(n)}
    assert set(names) <= exported, "a 1d/2d/3d op is missing from convlab.__all__"
    assert exported - set(names) <= {"convolve2d", "correlate2d"}  # scipy.signal's, 2-D only


@pytest.mark.parametrize("name", convlab.__all__)
def test_every_public_name_has_a_docstring_in_its_source(name):
    obj = getattr(convlab, name)
    path = Path(inspect.getsourcefile(obj))
    nodes = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == obj.__name__
    ]
    assert len(nodes) == 1 and ast.get_docstring(nodes[0]), f"{name} ({path.name})"


def test_no_module_assigns_docstrings_at_import():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            for target in targets:
                assert not (isinstance(target, ast.Attribute) and target.attr == "__doc__"), (
                    f"{path.name}:{node.lineno} assigns __doc__; write the docstring in the def"
                )


@pytest.mark.parametrize("item", ND_FUNCTIONS, ids=_id)
def test_literal_numpydoc_docstring(item):
    path, node = item
    doc = ast.get_docstring(node)
    assert doc, f"{node.name} in {path.name} has no docstring in its source"
    assert "\nExamples\n--------\n" in doc and "\n>>> " in doc, f"{node.name}: no doctest"
    runtime = getattr(importlib.import_module(_module_name(path)), node.name)
    assert inspect.getdoc(runtime) == doc  # what help() shows is what the file says
    dim = ND.match(node.name)["dim"]
    two_d = node.name.replace(f"{dim}d", "2d", 1)
    if dim == "2":  # the full reference
        for section in ("Parameters", "Returns", "Raises", "See Also", "Examples"):
            assert f"\n{section}\n{'-' * len(section)}\n" in doc, f"{node.name}: no {section}"
    else:  # short: a pointer to the 2-D one
        see_also = doc.split("\nSee Also\n--------\n")[1]
        assert see_also.startswith(f"{two_d} : "), f"{node.name} should point to {two_d}"
        assert f"{dim}-D" in doc.splitlines()[0] or f"{dim}d" in doc.splitlines()[0]


@pytest.mark.parametrize("item", ND_FUNCTIONS, ids=_id)
def test_wrappers_pass_arguments_by_name(item):
    """``return _op("conv2d", 2, input=input, ...)``: a reordered parameter cannot swap values."""
    _, node = item
    body = node.body[1:]  # after the docstring
    assert len(body) == 1 and isinstance(body[0], ast.Return), f"{node.name} is not a wrapper"
    call = body[0].value
    assert isinstance(call, ast.Call)
    func, nd = (ast.literal_eval(a) for a in call.args)  # exactly two positional arguments
    assert (func, nd) == (node.name, int(ND.match(node.name)["dim"]))
    params = [a.arg for a in node.args.args]
    passed = {}
    for kw in call.keywords:
        if isinstance(kw.value, ast.Name):
            assert kw.value.id == kw.arg, f"{node.name} passes {kw.value.id} as {kw.arg}"
            passed[kw.arg] = kw.value.id
        else:  # a fixed value for an argument the wrapper does not take
            assert kw.arg not in params and isinstance(kw.value, ast.Constant)
    assert set(passed) == set(params), f"{node.name} drops {set(params) - set(passed)}"
