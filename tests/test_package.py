"""Package-level promises: public API, dtype rule, docstrings, lazy imports."""

import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import convlab as cl

PUBLIC = [getattr(cl, name) for name in cl.__all__]


def test_all_is_sorted_and_importable():
    assert list(cl.__all__) == sorted(cl.__all__)
    assert all(callable(obj) for obj in PUBLIC)


@pytest.mark.parametrize("func", PUBLIC, ids=lambda f: f.__name__)
def test_public_functions_have_numpydoc_and_an_example(func):
    doc = inspect.getdoc(func)
    assert doc and ">>>" in doc, f"{func.__name__} needs a printed doctest"
    assert "Examples" in doc
    hints = inspect.signature(func).parameters
    assert all(p.annotation is not inspect.Parameter.empty for p in hints.values()), func.__name__


def test_py_typed_ships():
    assert (Path(cl.__file__).parent / "py.typed").exists()


def test_import_is_light():
    code = (
        "import sys, convlab; heavy = {'matplotlib', 'ipywidgets', 'scipy', 'torch'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_preserved(dtype):
    x = np.ones((1, 2, 5, 5), dtype)
    w = np.ones((3, 2, 3, 3), dtype)
    outputs = [
        cl.conv2d(x, w),
        cl.conv_transpose2d(x, np.ones((2, 3, 3, 3), dtype)),
        cl.max_pool2d(x, 2),
        cl.avg_pool2d(x, 2),
        cl.adaptive_avg_pool2d(x, 2),
        cl.pad(x, (1, 1, 1, 1), "reflect"),
        cl.unfold(x, 2),
        cl.correlate(x[0, 0], w[0, 0]),
    ]
    assert all(o.dtype == dtype for o in outputs)


def test_integers_and_bools_are_promoted_to_float64():
    x = np.arange(16).reshape(1, 1, 4, 4)
    y = cl.conv2d(x, np.ones((1, 1, 3, 3), dtype=np.int32))
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [[[[45, 54], [81, 90]]]])
    assert cl.max_pool2d(x.astype(bool), 2).dtype == np.float64
    assert cl.conv1d([[[1, 2, 3]]], [[[1, 1]]]).tolist() == [[[3.0, 5.0]]]


def test_float16_computes_in_float32():
    x = np.ones((1, 1, 4, 4), np.float16)
    assert cl.conv2d(x, np.ones((1, 1, 3, 3), np.float16)).dtype == np.float32


def test_unbatched_and_empty_batch():
    x = np.random.default_rng(0).standard_normal((2, 5, 5))
    w = np.ones((3, 2, 3, 3))
    np.testing.assert_array_equal(cl.conv2d(x, w), cl.conv2d(x[None], w)[0])
    assert cl.conv2d(np.ones((0, 2, 5, 5)), w).shape == (0, 3, 3, 3)
    assert cl.conv_transpose2d(np.ones((0, 2, 5, 5)), np.ones((2, 3, 3, 3))).shape == (0, 3, 7, 7)
    assert cl.max_pool2d(np.ones((0, 2, 4, 4)), 2, return_indices=True)[1].shape == (0, 2, 2, 2)


def test_inputs_are_never_modified():
    rng = np.random.default_rng(1)
    x, w, b = (
        rng.standard_normal((2, 4, 6, 6)),
        rng.standard_normal((4, 2, 3, 3)),
        rng.standard_normal(4),
    )
    copies = x.copy(), w.copy(), b.copy()
    cl.conv2d(x, w, b, groups=2, padding_mode="reflect", padding=1)
    cl.conv_transpose2d(x, rng.standard_normal((4, 2, 3, 3)), b[:4], stride=2, groups=2)
    cl.max_pool2d(x, 2, return_indices=True)
    for original, copy in zip((x, w, b), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
