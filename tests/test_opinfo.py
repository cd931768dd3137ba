"""PyTorch's own test cases for the ops convlab mirrors, run through convlab.

For every mirrored op in torch's OpInfo database (``op_db``) each ``sample_inputs`` case
runs in float32 and float64 through torch and through convlab, and the results must
agree (indices exactly); each ``error_inputs`` case must make convlab raise a
``TypeError`` or ``ValueError``. ``fold`` has no OpInfo: its cases come from torch's
module tests (``common_nn``). Deliberate deviations are listed in ``DEVIATIONS`` with
the reason. Nobody on this project chose these inputs, which is the point.

Set ``CONVLAB_OPINFO_REPORT=path.json`` to write passed/total per op.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict

import numpy as np
import pytest

import convlab

pytestmark = pytest.mark.slow

torch = pytest.importorskip("torch", reason="torch is not installed (it is only an oracle)")
try:
    from torch.testing._internal import common_nn
    from torch.testing._internal.common_methods_invocations import op_db
except ImportError as exc:  # torch's internal suite needs e.g. expecttest
    pytest.skip(f"torch's OpInfo database does not import ({exc})", allow_module_level=True)

# OpInfo name -> the convlab function with the same arguments
MIRRORED = re.compile(
    r"^nn\.functional\.(conv[123]d|conv_transpose[123]d|max_pool[123]d|avg_pool[123]d|"
    r"max_unpool[123]d|adaptive_(avg|max)_pool[123]d|pad|unfold)$"
)
OPS = sorted(
    (op for op in op_db if MIRRORED.match(op.name)), key=lambda o: (o.name, o.variant_test_name)
)
DTYPES = (torch.float32, torch.float64)
TOLERANCE = {torch.float32: (1e-4, 1e-5), torch.float64: (1e-10, 1e-12)}  # rtol, atol
REPORT = os.environ.get("CONVLAB_OPINFO_REPORT")
RESULTS: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))


def _deviation(name: str, args: list, kwargs: dict) -> str | None:
    """Why convlab deliberately differs from torch on this case, or None.

    The one place where deviations are listed; each returns its reason.
    """
    arrays = [a for a in args if isinstance(a, np.ndarray)]
    if any(a.dtype.kind in "iub" for a in arrays[:1]) and "unpool" not in name:
        return "integer and bool inputs are promoted to float64 (DESIGN §2), torch refuses"
    return None


def _numpy(value):
    """Tensors to arrays (recursively); everything else as torch's sample gives it."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_numpy(v) for v in value)
    return value


def _convlab_call(op, sample):
    name = op.name.removeprefix("nn.functional.")
    args = [_numpy(sample.input), *(_numpy(a) for a in sample.args)]
    kwargs = {k: _numpy(v) for k, v in sample.kwargs.items()}
    return name, args, kwargs


def _compare(got, want, dtype) -> None:
    if isinstance(want, (tuple, list)):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _compare(g, w, dtype)
        return
    want = want.detach().numpy()
    assert got.shape == want.shape, (got.shape, want.shape)
    if want.dtype.kind in "iu":
        np.testing.assert_array_equal(got, want)  # indices exactly
        return
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    rtol, atol = TOLERANCE[{np.float32: torch.float32}.get(want.dtype.type, torch.float64)]
    # atol in units of the output's scale: OpInfo's samples reach |y| ~ 200, where a
    # float32 step is 1.5e-5, so a value that cancels to ~0.02 carries the rounding of
    # its terms (both convlab's and torch's are ~1e-4 from the float64 result there)
    scale = max(1.0, float(np.nanmax(np.abs(want), initial=0.0, where=np.isfinite(want))))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol * scale, equal_nan=True)


def _id(op) -> str:
    return op.name.removeprefix("nn.functional.") + (
        f"-{op.variant_test_name}" if op.variant_test_name else ""
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("op", OPS, ids=_id)
def test_sample_inputs_agree_with_torch(op, dtype) -> None:
    failures, count = [], RESULTS[_id(op)][f"samples {str(dtype).removeprefix('torch.')}"]
    for sample in op.sample_inputs("cpu", dtype, requires_grad=False):
        name, args, kwargs = _convlab_call(op, sample)
        if _deviation(name, args, kwargs):
            continue
        count[1] += 1
        try:
            want = op.op(sample.input, *sample.args, **sample.kwargs)
        except Exception:
            count[1] -= 1
            continue
        try:
            _compare(getattr(convlab, name)(*args, **kwargs), want, dtype)
        except Exception as exc:
            failures.append(
                f"{sample.summary() if hasattr(sample, 'summary') else sample}: {exc!r}"
            )
            continue
        count[0] += 1
    assert count[1] > 0, "no sample ran"
    assert not failures, "\n".join(failures[:10])


@pytest.mark.parametrize("op", [op for op in OPS if op.error_inputs_func is not None], ids=_id)
def test_error_inputs_are_refused(op) -> None:
    failures, count = [], RESULTS[_id(op)]["error inputs"]
    for error in op.error_inputs("cpu"):
        name, args, kwargs = _convlab_call(op, error.sample_input)
        if _deviation(name, args, kwargs):
            continue
        count[1] += 1
        try:
            getattr(convlab, name)(*args, **kwargs)
        except (TypeError, ValueError) as exc:
            if str(exc).startswith(f"{name}: "):
                count[0] += 1
                continue
            failures.append(f"unworded {exc!r} for torch's {error.error_regex!r}")
            continue
        except Exception as exc:
            failures.append(f"{type(exc).__name__} {exc} for torch's {error.error_regex!r}")
            continue
        failures.append(f"accepted; torch raises {error.error_type.__name__}: {error.error_regex}")
    assert not failures, "\n".join(failures[:10])


FOLD_TESTS = [
    t
    for t in common_nn.get_new_module_tests()
    if t.get("fullname", "").startswith(("Fold", "Unfold"))
]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("case", FOLD_TESTS, ids=lambda t: t["fullname"])
def test_fold_module_tests_agree_with_torch(case, dtype) -> None:
    module = case["constructor"]()
    x = torch.randn(case["input_size"], dtype=dtype, generator=torch.Generator().manual_seed(0))
    settings = (module.kernel_size, module.dilation, module.padding, module.stride)
    if isinstance(module, torch.nn.Fold):
        got = convlab.fold(x.numpy(), module.output_size, *settings)
    else:
        got = convlab.unfold(x.numpy(), *settings)
    _compare(got, module(x), dtype)
    RESULTS[case["fullname"]][f"module test {str(dtype).removeprefix('torch.')}"] = [1, 1]


def teardown_module() -> None:
    if REPORT:
        with open(REPORT, "w") as f:
            json.dump({op: dict(v) for op, v in sorted(RESULTS.items())}, f, indent=1)
