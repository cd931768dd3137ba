"""The README's side-by-side example runs, and gives torch's numbers when torch is here."""

import re
from pathlib import Path

import numpy as np
import pytest

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_convlab_example_runs_with_the_shapes_it_claims():
    ns = _run(BLOCKS[0])
    assert ns["y"].shape == (8, 16, 16, 16)
    assert ns["up"].shape == (8, 3, 32, 32)
    assert ns["up"].dtype == np.float32


def test_examples_agree_with_torch():
    torch = pytest.importorskip("torch")
    ns = _run(BLOCKS[0])
    code = (
        BLOCKS[1]
        .replace("x = torch.rand(8, 3, 32, 32)", "x = torch.from_numpy(ns_x)")
        .replace("w = torch.rand(16, 3, 3, 3)", "w = torch.from_numpy(ns_w)")
    )
    tns = {"ns_x": ns["x"], "ns_w": ns["w"], "torch": torch}
    exec(compile(code, "README.md", "exec"), tns)
    np.testing.assert_allclose(ns["up"], tns["up"].numpy(), rtol=1e-4)
