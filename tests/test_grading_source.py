"""Reading submissions (definitions only, by name), static forbidden-API checks, the
comparator and the worker's codec: the grader-side pieces, without running workers."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from convlab.grading import forbid
from convlab.grading.compare import Raised, Raises, compare, show
from convlab.grading.protocol import Opaque, decode, encode
from convlab.grading.source import SubmissionError, is_stub, parse_cells, read_submission, select


def _sources(cells, func):
    return [s.source for s in select(parse_cells(list(enumerate(cells, 1))), func).statements]


def test_only_the_definitions_a_function_needs_are_kept():
    cells = [
        "import numpy as np, torch\nimport sys",
        "SCALE = 2\nUNUSED = open('/etc/passwd')\nprint('x' * 10**8)\nsys.exit()",
        "def helper(v):\n    return v * SCALE\n\nwhile True:\n    pass",
        "np.allclose = lambda *a: True\nraise RuntimeError('at import')",
        "def f(x):\n    return np.sum(helper(x))\n\nf(1)",
    ]
    assert _sources(cells, "f") == [
        "import numpy as np",
        "SCALE = 2",
        "def helper(v):\n    return v * SCALE",
        "def f(x):\n    return np.sum(helper(x))",
    ]


def test_locals_are_not_dependencies_but_nested_globals_are():
    cells = [
        "x = 1\ny = 2\nz = 3",
        "def f(x):\n    def g():\n        return y\n    return [x for _ in z]",
    ]
    assert _sources(cells, "f") == ["y = 2", "z = 3", cells[1]]


def test_decorators_magics_and_statements_sharing_a_line():
    cells = [
        "%matplotlib inline\n!ls\nimport functools; CACHE = {}",
        "@functools.cache\ndef f(n):\n    return CACHE",
    ]
    assert _sources(cells, "f") == ["import functools", "CACHE = {}", cells[1]]


def test_last_attempt_wins_over_a_later_stub_and_syntax_errors_are_recorded():
    cells = [
        "def f():\n    return 1",
        "def f():\n    return 2",
        "def f():\n    'doc'\n    raise NotImplementedError()",
        "def g(:",
    ]
    sub = parse_cells(list(enumerate(cells, 1)))
    selection = select(sub, "f")
    assert selection.graded.cell == 2
    assert "f is defined 3 times (cells 1, 2, 3); graded the one in cell 2" in selection.notes[0]
    assert "SyntaxError on line 1" in sub.syntax_errors[4]
    assert select(sub, "missing").graded is None


def test_star_imports_fill_in_unresolved_names():
    assert (
        _sources(["from numpy import *", "def f(x):\n    return zeros(x)"], "f")[0]
        == "from numpy import *"
    )


def test_stub_detection():
    stub = ast.parse("def f(x):\n    '''Doc.'''\n    raise NotImplementedError").body[0]
    attempt = ast.parse("def f(x):\n    raise NotImplementedError('todo')\n    return x").body[0]
    assert is_stub(stub) and not is_stub(attempt)


def test_unreadable_submissions(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{not json")
    with pytest.raises(SubmissionError, match="invalid JSON"):
        read_submission(str(tmp_path / "bad.ipynb"))
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    with pytest.raises(SubmissionError, match="no list of cells"):
        read_submission(str(tmp_path / "list.ipynb"))
    cell = {"cell_type": "code", "source": ["# EXERCISE: 01.corr2d\n", "def corr2d(x, k): pass"]}
    nb = json.dumps({"cells": [cell]})
    (tmp_path / "ok.ipynb").write_text(nb)
    assert read_submission(str(tmp_path / "ok.ipynb")).markers == {"01.corr2d": [1]}


@pytest.mark.parametrize(
    ("code", "hit"),
    [
        ("import numpy as np\nnp.convolve(a, b)", "numpy.convolve"),
        ("from numpy import correlate as c", "numpy.correlate"),
        ("import scipy\nscipy.signal.convolve2d(a, b)", "scipy.signal"),
        ("from scipy import signal", "scipy.signal"),
        ("import torch.nn.functional as F", "torch.nn.functional"),
        ("__import__('torch')", "torch"),
        ("import importlib\nimportlib.import_module('convlab')", "convlab"),
        ("import numpy as np\ngetattr(np, 'convolve')", "numpy.convolve"),
    ],
)
def test_forbidden_apis_are_found_statically(code, hit):
    modules, functions = ("convlab", "torch", "scipy.signal"), ("numpy.convolve", "numpy.correlate")
    found = forbid.found(ast.parse(code), modules, functions)
    assert any(f.name.startswith(hit) and f.line >= 1 for f in found), found


def test_no_false_alarms():
    code = "import numpy as np\nimport scipy.linalg\n'torch'\nnp.pad(x, 1)\n"
    code += "def convolve(): pass\nconvolve()"
    assert forbid.found(ast.parse(code), ("torch", "scipy.signal"), ("numpy.convolve",)) == []


def test_compare_says_what_differs():
    e = np.arange(6.0).reshape(2, 3)
    assert compare(e, e + 1e-12).ok
    assert compare(e, e.T).problem == "shape (3, 2) instead of (2, 3)"
    assert compare(e, e.astype(np.float32)).problem == "dtype float32 instead of float64"
    assert (
        compare(e, e + np.array([[0, 0, 1], [0, 0, 0]])).problem
        == "1 of 6 values differ; first at [0, 2]: got 3.0, expected 2.0"
    )
    assert not compare(e, np.full((2, 3), np.nan)).ok
    assert compare(np.arange(3), np.arange(3, dtype=np.int32)).ok
    assert compare(np.arange(3), np.arange(3.0)).problem.startswith(
        "dtype float64 instead of an integer"
    )
    assert (
        compare((1, e), [1, e]).ok and compare((1, e), (2, e)).problem == "item 0: 2 instead of 1"
    )
    assert compare(True, np.bool_(True)).ok and not compare(True, 1).ok
    assert compare(5, np.int64(5)).ok and compare(5, np.asarray(5)).ok
    assert compare(Raises("ValueError"), Raised(("ValueError", "Exception"))).ok
    assert (
        compare(Raises("ValueError"), 3).problem
        == "returned a int; expected it to raise ValueError"
    )
    assert compare(3, Raised(("KeyError",), "'k'")).problem == "raised KeyError: 'k'"
    assert compare(e, Opaque("str", "'hi'")).problem == "returned a str; expected a NumPy array"
    assert show(np.zeros((20, 20))) == "array(20, 20) float64, values 0 … 0"


def test_codec_round_trip_and_strict_decoding(tmp_path):
    saved = {}

    def save(arr):
        saved[f"out_{len(saved)}.npy"] = arr
        return f"out_{len(saved) - 1}.npy"

    value = (np.arange(3), [1, 2.5, None, True], np.float32(2), "text", {"a": 1}, {1: 2})
    back = decode(encode(value, save), saved.__getitem__)
    assert back[0] is saved["out_0.npy"] and back[1] == [1, 2.5, None, True]
    assert back[2].dtype == np.float32 and back[2].shape == ()
    assert back[3] == "text" and back[4] == {"a": 1}  # JSON's own data: a mode, a layer spec
    assert isinstance(back[5], Opaque) and back[5].type == "dict"  # keys must be strings
    assert isinstance(decode(encode("x" * 5000, save), None), Opaque)
    for evil in (
        {"array": "../../etc/passwd"},
        {"array": "/abs.npy"},
        {"x": 1, "y": 2},
        {"tuple": "no"},
        {"str": ["no"]},
        {"dict": [["k"]]},
        {"dict": [[1, 2]]},
    ):
        assert isinstance(decode(evil, lambda name: pytest.fail(name)), Opaque)
    assert encode(np.array(["a"], dtype=object), save) == {"opaque": ["ndarray", "dtype object"]}


def test_import_convlab_does_not_import_grading_and_grading_never_imports_plotting():
    import subprocess
    import sys

    code = (
        "import sys, convlab; assert 'convlab.grading' not in sys.modules, 'grading imported';"
        "import convlab.cli, convlab.grading.batch, convlab.grading.assign;"
        "convlab.cli._parser();"
        "bad = [m for m in ('matplotlib', 'ipywidgets', 'torch') if m in sys.modules];"
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
