"""Every backward against torch autograd's gradients stored in ``grad_golden.npz``.

The fixture comes from ``tests/fixtures/make_grad_golden.py`` (torch needed only there):
786 configurations (every padding mode, stride, padding, dilation, groups, ceil_mode,
count_include_pad, divisor_override, ties, NaN), each checked in float64 and float32.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import convlab

FIXTURE = Path(__file__).parent / "fixtures" / "grad_golden.npz"


def _load():
    with np.load(FIXTURE, allow_pickle=False) as f:
        meta = json.loads(str(f["meta"][0]))
        buffers = {"float32": f["float32"], "float64": f["float64"]}
    return meta, buffers


META, BUFFERS = _load()
CASES = [(case, dtype) for case in META["cases"] for dtype in ("float64", "float32")]


def _array(ref: list) -> np.ndarray:
    buffer, offset, shape = ref
    return BUFFERS[buffer][offset : offset + int(np.prod(shape))].reshape(shape)


def _tuples(kwargs: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


def test_fixture_covers_every_backward():
    ops = {case["op"] for case in META["cases"]}
    expected = {f"{kind}{nd}d" for kind in ("conv", "conv_transpose") for nd in (1, 2, 3)}
    expected |= {f"{kind}{nd}d" for kind in ("max_pool", "avg_pool", "adaptive_avg_pool")
                 for nd in (1, 2, 3)}  # fmt: skip
    assert ops == expected
    modes = {c["kwargs"].get("padding_mode") for c in META["cases"] if c["op"] == "conv2d"}
    assert modes == {"zeros", "reflect", "replicate", "circular"}
    assert len(CASES) == 2 * len(META["cases"]) > 1500


@pytest.mark.parametrize(("case", "dtype"), CASES, ids=[f"{c['id']}-{d}" for c, d in CASES])
def test_backward_matches_torch_autograd(case, dtype):
    inputs = {name: _array(ref).astype(dtype) for name, ref in case["inputs"].items()}
    backward = getattr(convlab, case["op"] + "_backward")
    kwargs = _tuples(case["kwargs"])
    if case["op"].startswith("adaptive"):
        kwargs = {}  # the output size is read from grad_output
    args = [inputs["grad_output"], inputs["input"]]
    if "weight" in inputs:
        args += [inputs["weight"], inputs.get("bias")]
    grads = dict(zip(("input", "weight", "bias"), backward(*args, **kwargs), strict=True))
    expected = [_array(ref) for ref in case["outputs"][dtype]]
    for name, want in zip(case["wrt"], expected, strict=True):
        got = grads[name]
        assert got.dtype == np.dtype(dtype) and got.shape == want.shape, name
        scale = 1 + np.abs(want).max(initial=0)
        tol = 1e-12 if dtype == "float64" else 2e-6
        np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale, err_msg=name)
    if "bias" in inputs:
        assert grads["bias"] is not None
    elif "weight" in inputs:
        assert grads["bias"] is None
