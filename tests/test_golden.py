"""Replay PyTorch's recorded outputs (tests/fixtures/golden_core.npz) on convlab.

The fixtures are made by ``tests/fixtures/make_golden.py`` with torch 2.13.0; this test
needs no torch. Every op and option of the functional API has cases, in float32 and
float64, batched and unbatched.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import convlab

FIXTURE = Path(__file__).parent / "fixtures" / "golden_core.npz"
with np.load(FIXTURE, allow_pickle=False) as _z:
    ARRAYS = {k: _z[k] for k in _z.files}
META = json.loads(str(ARRAYS.pop("__meta__")))
CASES = META["cases"]


def _id(case):
    kw = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['id']}-{case['op']}({kw})"


def test_fixture_covers_every_functional_op():
    ops = {c["op"] for c in CASES}
    functional = {
        name
        for name in convlab.__all__
        if name.startswith(("conv1", "conv2", "conv3", "conv_t", "max_", "avg_", "adaptive"))
        or name in ("pad", "unfold", "fold")
        if not name.endswith(("_size", "_backward"))  # backwards: test_grad_golden.py
    }
    assert functional - ops == set()
    assert len(CASES) >= 200


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_matches_torch(case):
    i = case["id"]
    inputs = [ARRAYS[f"{i}/{name}"] for name in case["inputs"]]
    kwargs = dict(case["kwargs"])
    if case["op"] == "pad":
        inputs.append(tuple(kwargs.pop("pad")))
    got = getattr(convlab, case["op"])(*inputs, **kwargs)
    got = got if isinstance(got, tuple) else (got,)
    expected = [ARRAYS[f"{i}/out{j}"] for j in range(case["outputs"])]
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.shape == e.shape
        if e.dtype.kind == "i":  # argmax indices must be identical
            np.testing.assert_array_equal(g, e)
        else:
            assert g.dtype == e.dtype
            tol = 1e-5 if e.dtype == np.float32 else 1e-12
            np.testing.assert_allclose(g, e, rtol=tol, atol=tol)
