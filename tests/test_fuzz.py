"""A fuzzer over the public API: every numeric function, one argument made hostile.

Each input is a valid call of a public function (``BASE`` below) with one argument
replaced by a hostile value: a wrong type, a non-finite or huge number, a negative,
empty or wrong-length value, a zero-size dim, or an array that is non-contiguous,
read-only, big-endian or float16. A call fails the test when it

* raises anything but ``TypeError``/``ValueError`` (a crash),
* takes longer than the per-call limit (a hang: cost must follow the output),
* modifies an input array in place,
* returns a wrongly shaped result (checked against torch when it is installed, and
  against the unmodified call for values that mean the same thing), or
* raises with a message that does not start with the function's name and name the
  argument.

The default run takes about ``CONVLAB_FUZZ_SECONDS=60`` seconds; set it higher for a
long run, and ``CONVLAB_FUZZ_REPORT=path.json`` to write the outcome counts per
category (how the closing note of issue 18 was measured)::

    CONVLAB_FUZZ_SECONDS=900 CONVLAB_FUZZ_REPORT=fuzz.json pytest tests/test_fuzz.py
"""

from __future__ import annotations

import collections
import inspect
import json
import math
import os
import re
import signal
import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convlab
import convlab._validation
import convlab.signal

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("CONVLAB_FUZZ_SECONDS", "60"))
CALL_LIMIT = float(os.environ.get("CONVLAB_FUZZ_CALL_LIMIT", "2"))  # seconds per call
REPORT = os.environ.get("CONVLAB_FUZZ_REPORT")

# Public names that are not numeric ops on arrays and ints, each with the reason. A name
# in convlab.__all__ that is neither here nor in BASE is reported by
# test_every_public_name_is_fuzzed (skipped, naming it) instead of failing the fuzzer.
NOT_FUZZED = {
    "summary": "network calculator over models and layer specs (tests/test_summary.py)",
    "quiz": "a widget module, not a numeric op",
    "Summary": "the table summary() returns, not an op (tests/test_summary.py)",
    "ConvlabError": "the base of the errors the fuzzer provokes (tests/test_error_fields.py)",
}

rng = np.random.default_rng(0)  # for hostile values; base arrays depend on their shape only


def _arr(*shape: int) -> np.ndarray:
    return np.random.default_rng(shape).standard_normal(shape)


def _pool_indices(nd: int):
    y, idx = getattr(convlab, f"max_pool{nd}d")(_arr(1, 2, *(4,) * nd), 2, return_indices=True)
    return y, idx


def _conv(nd: int) -> dict:
    return dict(
        input=_arr(1, 2, *(5,) * nd),
        weight=_arr(3, 2, *(2,) * nd),
        bias=_arr(3),
        stride=1,
        padding=1,
        dilation=1,
        groups=1,
        padding_mode="zeros",
    )


def _conv_transpose(nd: int) -> dict:
    return dict(
        input=_arr(1, 2, *(3,) * nd),
        weight=_arr(2, 3, *(2,) * nd),
        bias=_arr(3),
        stride=2,
        padding=1,
        output_padding=1,
        groups=1,
        dilation=1,
    )


def _max_pool(nd: int) -> dict:
    return dict(
        input=_arr(1, 2, *(5,) * nd),
        kernel_size=2,
        stride=2,
        padding=1,
        dilation=1,
        ceil_mode=False,
        return_indices=False,
    )


def _avg_pool(nd: int) -> dict:
    base = dict(
        input=_arr(1, 2, *(5,) * nd),
        kernel_size=2,
        stride=2,
        padding=1,
        ceil_mode=False,
        count_include_pad=True,
    )
    return base | ({"divisor_override": None} if nd > 1 else {})


def _backward(forward: Callable[[int], dict], name: str, nd: int, drop=()) -> dict:
    kwargs = {k: v for k, v in forward(nd).items() if k not in drop}
    call = {k: v for k, v in kwargs.items() if k != "return_indices"}
    y = getattr(convlab, name)(**call)
    return {"grad_output": _arr(*y.shape), **call}


def _unpool(nd: int) -> dict:
    y, idx = _pool_indices(nd)
    return dict(input=y, indices=idx, kernel_size=2, stride=2, padding=0, output_size=None)


def _square(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return convlab.conv2d(x, w)


def _square_backward(g: np.ndarray, x: np.ndarray, w: np.ndarray):
    return convlab.conv2d_backward(g, x, w)


# One valid call per public numeric function: its keyword arguments, built fresh.
BASE: dict[str, Callable[[], dict]] = {
    "conv_output_size": lambda: dict(input_size=32, kernel_size=3, stride=2, padding=1, dilation=1),
    "pool_output_size": lambda: dict(
        input_size=32, kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True
    ),
    "conv_transpose_output_size": lambda: dict(
        input_size=8, kernel_size=3, stride=2, padding=1, output_padding=1, dilation=1
    ),
    "same_padding": lambda: dict(kernel_size=3, dilation=2),
    "conv_params": lambda: dict(
        in_channels=4, out_channels=8, kernel_size=3, groups=2, bias=True, ndim=2
    ),
    "conv_macs": lambda: dict(
        input_size=16,
        in_channels=4,
        out_channels=8,
        kernel_size=3,
        stride=1,
        padding=1,
        dilation=1,
        groups=2,
    ),
    "receptive_field": lambda: dict(layers=[{"kernel_size": 3}, {"kernel_size": 2, "stride": 2}]),
    "hdc_check": lambda: dict(dilations=[1, 2, 5], kernel_size=3),
    "dilation_coverage": lambda: dict(dilations=[1, 2], kernel_size=3, ndim=2),
    "conv_matrix": lambda: dict(
        input_shape=(4, 4), weight=_arr(2, 2), stride=1, padding=1, dilation=1
    ),
    "pad": lambda: dict(input=_arr(1, 2, 4, 4), pad=(1, 2, 0, 1), mode="constant", value=0.5),
    "unfold": lambda: dict(input=_arr(1, 2, 5, 5), kernel_size=2, dilation=1, padding=1, stride=2),
    "fold": lambda: dict(
        input=_arr(1, 8, 16), output_size=(5, 5), kernel_size=2, dilation=1, padding=0, stride=1
    ),
    "gradient_check": lambda: dict(
        f=_square, backward=_square_backward, arrays=(_arr(1, 1, 3, 3), _arr(1, 1, 2, 2))
    ),
    "correlate": lambda: dict(in1=_arr(6, 5), in2=_arr(2, 3), mode="full", method="auto"),
    "convolve": lambda: dict(in1=_arr(7), in2=_arr(3), mode="same", method="direct"),
    "correlate2d": lambda: dict(
        in1=_arr(5, 5), in2=_arr(2, 3), mode="same", boundary="fill", fillvalue=0.5
    ),
    "convolve2d": lambda: dict(
        in1=_arr(5, 5), in2=_arr(3, 2), mode="full", boundary="symm", fillvalue=0
    ),
}
for _nd in (1, 2, 3):
    BASE |= {
        f"conv{_nd}d": lambda nd=_nd: _conv(nd),
        f"conv_transpose{_nd}d": lambda nd=_nd: _conv_transpose(nd),
        f"max_pool{_nd}d": lambda nd=_nd: _max_pool(nd),
        f"avg_pool{_nd}d": lambda nd=_nd: _avg_pool(nd),
        f"max_unpool{_nd}d": lambda nd=_nd: _unpool(nd),
        f"adaptive_avg_pool{_nd}d": lambda nd=_nd: dict(
            input=_arr(1, 2, *(5,) * nd), output_size=3
        ),
        f"adaptive_max_pool{_nd}d": lambda nd=_nd: dict(
            input=_arr(1, 2, *(5,) * nd), output_size=3, return_indices=False
        ),
        f"conv{_nd}d_backward": lambda nd=_nd: _backward(_conv, f"conv{nd}d", nd),
        f"conv_transpose{_nd}d_backward": lambda nd=_nd: _backward(
            _conv_transpose, f"conv_transpose{nd}d", nd
        ),
        f"max_pool{_nd}d_backward": lambda nd=_nd: _backward(_max_pool, f"max_pool{nd}d", nd),
        f"avg_pool{_nd}d_backward": lambda nd=_nd: _backward(_avg_pool, f"avg_pool{nd}d", nd),
        f"adaptive_avg_pool{_nd}d_backward": lambda nd=_nd: {
            "grad_output": _arr(1, 2, *(3,) * nd),
            "input": _arr(1, 2, *(5,) * nd),
        },
    }

# ----------------------------------------------------------------------------- hostile values

ARRAY_ARGS = {"input", "weight", "bias", "grad_output", "indices", "in1", "in2", "arrays"}


def _layouts(value: np.ndarray) -> dict[str, Callable[[], np.ndarray]]:
    """Same values, awkward memory: these must give the unmodified call's result."""

    def non_contiguous():
        big = np.zeros((*value.shape[:-1], 2 * value.shape[-1]) if value.ndim else (), value.dtype)
        if value.ndim == 0:
            return value.copy()
        big[..., ::2] = value
        return big[..., ::2]

    def read_only():
        v = value.copy()
        v.flags.writeable = False
        return v

    def fortran():
        return np.asfortranarray(value)

    def big_endian():
        return value.astype(value.dtype.newbyteorder(">"))

    return {
        "non_contiguous": non_contiguous,
        "read_only": read_only,
        "fortran": fortran,
        "big_endian": big_endian,
    }


def _array_hostiles(value: np.ndarray) -> dict[str, list[Callable[[], object]]]:
    shape = value.shape
    zero_size = [
        (lambda i=i: np.zeros((*shape[:i], 0, *shape[i + 1 :]), value.dtype))
        for i in range(len(shape))
    ]
    return {
        "layout": list(_layouts(value).values()),
        "dtype": [
            lambda: value.astype(np.float16),
            lambda: value.astype(np.float32),
            lambda: value.astype(np.int64),
            lambda: value.astype(np.complex128),
            lambda: value.astype(bool),
            lambda: value.astype(object),
            lambda: value.astype("U3"),
        ],
        "non_finite": [
            lambda: np.where(rng.random(shape) < 0.3, np.nan, value),
            lambda: np.full(shape, np.inf),
            lambda: np.full(shape, -np.inf),
        ],
        "zero_size": zero_size,
        "wrong_rank": [
            lambda: value[None],
            lambda: value[None, None],
            lambda: value.reshape(-1) if value.ndim > 1 else value[None],
            lambda: value[..., 0] if value.ndim else value,
            lambda: np.float64(1.5),
        ],
        # big but legal: the time limit catches a cost out of proportion to the sizes
        "huge": [lambda: np.broadcast_to(value.reshape(-1)[:1], (*shape[:-1], 2 * 10**4))],
    }


INT_ARGS = {
    "stride",
    "padding",
    "dilation",
    "groups",
    "kernel_size",
    "output_padding",
    "output_size",
    "divisor_override",
    "input_size",
    "in_channels",
    "out_channels",
    "ndim",
    "dilations",
    "input_shape",
    "pad",
    "max_checks",
    "seed",
}


# Functions whose int arguments torch broadcasts from a one-element tuple, (2,) == 2.
BROADCAST = re.compile(r"^(conv\d|conv_transpose\d|max_pool|avg_pool)")


def _int_hostiles(name: str, value: object) -> dict[str, list[Callable[[], object]]]:
    n = len(value) if isinstance(value, (tuple, list)) else 1
    if isinstance(value, (tuple, list)):  # the same ints, spelled differently
        same = [lambda: list(value), lambda: tuple(np.int64(v) for v in value)]
    elif isinstance(value, int) and not isinstance(value, bool):
        same = [lambda: np.int64(value), lambda: np.array(value)]
        same += [lambda: (value,)] if BROADCAST.match(name) else []
    else:
        same = []
    return {
        "int_like": same,
        "non_finite": [
            lambda: float("nan"),
            lambda: float("inf"),
            lambda: -float("inf"),
            lambda: (float("nan"),) * n,
            lambda: np.float64("inf"),
        ],
        "huge": [
            lambda: 10**9,
            lambda: 2**31,
            lambda: 2**63 - 1,
            lambda: 2**63,
            lambda: 10**30,
            lambda: (10**9,) * n,
            lambda: (2**62,) * n,
            lambda: np.int64(2**62),
        ],
        "negative": [lambda: -1, lambda: -(10**9), lambda: (-1,) * n, lambda: -(2**63)],
        "zero": [lambda: 0, lambda: (0,) * n],
        "empty": [lambda: (), lambda: [], lambda: np.empty(0, int), lambda: ""],
        "wrong_length": [
            lambda: (1,) * (n + 1),
            lambda: (2,) * (n + 2),
            lambda: tuple(range(1, 6)),
        ],
        "wrong_type": [
            lambda: 2.0,
            lambda: 1.5,
            lambda: True,
            lambda: b"\x02",
            lambda: "2",
            lambda: 2j,
            lambda: (1.5,) * n,
            lambda: {"a": 1},
            lambda: np.array([2, 2]),
            lambda: object(),
        ],
    }


GENERIC = {
    "wrong_type": [
        lambda: None,
        lambda: "zeros",
        lambda: b"x",
        lambda: 1.5,
        lambda: True,
        lambda: 1j,
        lambda: object(),
        lambda: [[1, 2], [3]],
        lambda: {"x": 1},
        lambda: lambda: None,
    ],
    "non_finite": [lambda: float("nan"), lambda: float("inf")],
    "huge": [lambda: 10**30, lambda: 2**63],
    "negative": [lambda: -1, lambda: -0.5],
    "empty": [lambda: (), lambda: "", lambda: np.empty(0)],
}


def hostiles(name: str, arg: str, value: object) -> dict[str, list[Callable[[], object]]]:
    """Hostile replacements for argument ``arg`` of ``name``, per category."""
    out = {k: list(v) for k, v in GENERIC.items()}
    if arg == "arrays":
        value = value[0]
    if isinstance(value, np.ndarray):
        specific = _array_hostiles(value)
    elif arg in INT_ARGS or isinstance(value, int):
        specific = _int_hostiles(name, value)
    else:
        specific = {}
    for k, v in specific.items():
        out.setdefault(k, []).extend(v)
    if (name == "gradient_check" and arg == "arrays") or (name, arg) in SLOW_BY_NATURE:
        out.pop("huge", None)  # gradient_check: two calls of f per entry, by design
    return out


# Big arrays whose cost is large by the nature of the computation, not by a defect: not
# generated, each with the reason (known limits, listed in one place).
SLOW_BY_NATURE = {
    ("convolve2d", "in2"): "wrap/symm boundaries: outputs x taps, as in SciPy's own C loop",
    ("correlate2d", "in2"): "wrap/symm boundaries: outputs x taps, as in SciPy's own C loop",
    ("conv_transpose1d", "weight"): "one Python step per kernel tap (~0.1 ms): 20,000 taps",
    ("conv_transpose2d", "weight"): "one Python step per kernel tap (~0.1 ms): 40,000 taps",
    ("conv_transpose3d", "weight"): "one Python step per kernel tap (~0.1 ms): 80,000 taps",
}

# Categories whose values mean the same as the original: the result must be identical.
SAME_RESULT = {"layout", "int_like"}

# ----------------------------------------------------------------------------- the call


class _Timeout(BaseException):  # not an Exception: no except clause in convlab eats it
    pass


def _on_alarm(signum, frame):
    raise _Timeout


def _call(func: Callable, kwargs: dict) -> object:
    if "arrays" in kwargs:
        kwargs = dict(kwargs)
        arrays = kwargs.pop("arrays")
        return func(kwargs.pop("f"), kwargs.pop("backward"), *arrays, **kwargs)
    return func(**kwargs)


def _arrays_in(kwargs: dict) -> list[tuple[str, np.ndarray]]:
    found = []
    for k, v in kwargs.items():
        for i, a in enumerate(v if k == "arrays" and isinstance(v, tuple) else (v,)):
            if isinstance(a, np.ndarray):
                found.append((f"{k}[{i}]" if k == "arrays" else k, a))
    return found


def _equal(a: object, b: object) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" and b.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True))
        return bool(np.array_equal(a, b))
    return a == b or repr(a) == repr(b)


def _shape(result: object):
    if isinstance(result, np.ndarray):
        return result.shape
    if isinstance(result, tuple) and all(isinstance(r, np.ndarray) for r in result):
        return tuple(r.shape for r in result)
    return None


def _torch_shape(name: str, kwargs: dict):
    """The shape torch's own op returns for this call, or None (no torch, or it refuses)."""
    torch = _TORCH
    if torch is None or not hasattr(torch.nn.functional, name):
        return None
    if name.startswith(("conv", "pad", "fold", "unfold")) or "pool" in name:
        pass
    converted = {}
    for k, v in kwargs.items():
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "fiub" or v.dtype == np.float16:
                return None
            v = torch.from_numpy(np.array(v, np.int64 if k == "indices" else np.float64))
        converted[k] = v
    if name.startswith("conv") and converted.pop("padding_mode", "zeros") != "zeros":
        return None
    try:
        out = getattr(torch.nn.functional, name)(**converted)
    except Exception:
        return None
    if isinstance(out, tuple):
        return tuple(tuple(o.shape) for o in out)
    return tuple(out.shape)


try:
    import torch as _TORCH
except ImportError:  # the shape oracle then is the unmodified call only
    _TORCH = None


def _names_arg(message: str, arg: str) -> bool:
    names = {arg, *ARG_SYNONYMS.get(arg, ())}
    return any(re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", message) for n in names)


# Words a message may use for an argument instead of its name, with the reason.
ARG_SYNONYMS = {
    "arrays": ("arrays[0]", "arrays[1]"),  # gradient_check numbers its *arrays
    "input_size": ("input size",),  # "output size would be ... for input size (2, 2)"
}


class Tally:
    def __init__(self) -> None:
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.failures: list[str] = []
        self.messages = collections.Counter()

    def add(self, category: str, outcome: str, failure: str | None = None) -> None:
        self.counts[category][outcome] += 1
        if failure:
            self.counts[category]["FAIL"] += 1
            if len(self.failures) < 5000:
                self.failures.append(failure)


def fuzz_one(name: str, arg: str, category: str, make: Callable[[], object], tally: Tally):
    func = getattr(convlab, name)
    kwargs = BASE[name]()
    original = kwargs[arg]
    baseline = None
    if category in SAME_RESULT:
        baseline = _call(func, BASE[name]())
        kwargs = BASE[name]()  # fresh arrays: the baseline call must not feed this one
    hostile = make()
    if arg == "arrays":
        kwargs[arg] = (hostile, *kwargs[arg][1:])
    else:
        kwargs[arg] = hostile
    del original
    before = [(k, a.copy()) for k, a in _arrays_in(kwargs)]
    label = f"{name}({arg}={_short(hostile)})"
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 5 * CALL_LIMIT)
    start = time.perf_counter()
    try:
        try:
            result, error = _call(func, kwargs), None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    except _Timeout:
        tally.add(category, "hang", f"HANG >{5 * CALL_LIMIT:g}s: {label}")
        return
    except (TypeError, ValueError) as exc:
        result, error = None, exc
    except Exception as exc:
        tally.add(category, "crash", f"CRASH {type(exc).__name__}: {exc} in {label}")
        return
    elapsed = time.perf_counter() - start
    if elapsed > CALL_LIMIT:
        tally.add(category, "hang", f"SLOW {elapsed:.1f}s: {label}")
        return
    for (k, a), (_, b) in zip(before, _arrays_in(kwargs), strict=True):
        if not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
            tally.add(category, "mutated", f"MUTATED {k}: {label}")
            return
    if error is not None:
        text = str(error)
        ok = text.startswith(f"{name}: ") and _names_arg(text, arg)
        tally.messages["named" if ok else "unnamed"] += 1
        tally.add(
            category,
            type(error).__name__,
            None if ok else f"MESSAGE {type(error).__name__} in {label}: {text}",
        )
        return
    if baseline is not None and not _equal(result, baseline):
        tally.add(category, "wrong", f"WRONG result (differs from the plain call): {label}")
        return
    expected = _torch_shape(name, kwargs)
    if expected is not None and _shape(result) != expected:
        tally.add(category, "wrong", f"SHAPE {_shape(result)} != torch {expected}: {label}")
        return
    tally.add(category, "ok")


def _short(v: object) -> str:
    if isinstance(v, np.ndarray):
        order = "" if v.dtype.isnative else " big-endian"
        flags = "" if v.flags.writeable else " read-only"
        cont = "" if v.flags.c_contiguous else " strided"
        return f"array{v.shape} {v.dtype}{order}{flags}{cont}"
    text = repr(v)
    return text if len(text) < 50 else text[:47] + "..."


def _cases() -> list[tuple[str, str, str, Callable[[], object]]]:
    cases = []
    for name in sorted(BASE):
        base = BASE[name]()
        for arg, value in base.items():
            for category, makers in hostiles(name, arg, value).items():
                cases.extend((name, arg, category, m) for m in makers)
    return cases


CASES = _cases()
TALLY = Tally()
_START: list[float] = []


def _targets() -> list[str]:
    names = set(convlab.__all__) | set(convlab.signal.__all__)
    return sorted(n for n in names if n in BASE)


# (function, int argument) pairs, for values hypothesis draws itself beyond the fixed list
INT_SLOTS = sorted(
    (name, arg) for name in BASE for arg, v in BASE[name]().items() if arg in INT_ARGS
)
_ONE = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-3, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
DRAWN = st.one_of(_ONE, st.tuples(_ONE), st.tuples(_ONE, _ONE), st.lists(_ONE, max_size=4))


@settings(
    max_examples=max(200, int(SECONDS * 200)),
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(st.sampled_from(range(len(CASES))), st.sampled_from(INT_SLOTS), DRAWN, st.booleans())
def _fuzz(i: int, slot: tuple[str, str], value: object, listed: bool) -> None:
    if time.perf_counter() - _START[0] > SECONDS:
        return
    if listed:  # a case of the fixed list
        fuzz_one(*CASES[i], TALLY)
    else:  # an int argument replaced by a value hypothesis draws (ints of any size, floats,
        # NaN, bools, None, short tuples and lists of those)
        fuzz_one(*slot, "drawn", lambda: value, TALLY)


@pytest.mark.filterwarnings("ignore")  # numpy's own warnings about hostile values are not the test
def test_fuzz_public_api(monkeypatch) -> None:
    """Every case once in a seeded shuffled order (all of them in a long run, as many as
    the budget allows by default), then hypothesis-chosen cases until the budget is spent."""
    # Outputs up to 64 MB: a legal call with a bigger output may take longer than the
    # limit by its size alone; below it, a slow call is cost out of proportion
    monkeypatch.setattr(convlab._validation, "MAX_BYTES", 2**26)
    start = time.perf_counter()
    _START.append(start)
    for i in np.random.default_rng(18).permutation(len(CASES)):
        if time.perf_counter() - start > SECONDS:
            break
        fuzz_one(*CASES[i], TALLY)
    _fuzz()
    total = sum(sum(c.values()) - c["FAIL"] for c in TALLY.counts.values())
    named = TALLY.messages["named"]
    report = {
        "inputs": total,
        "seconds": round(time.perf_counter() - start, 1),
        "categories": {k: dict(v) for k, v in sorted(TALLY.counts.items())},
        "messages_naming_function_and_argument": f"{named}/{sum(TALLY.messages.values())}",
        "failures": TALLY.failures,
    }
    if REPORT:
        with open(REPORT, "w") as f:
            json.dump(report, f, indent=1)
    assert not TALLY.failures, "\n".join(TALLY.failures[:40])
    assert set(_targets()) == set(BASE) - set(NOT_FUZZED)


def test_every_public_name_is_fuzzed() -> None:
    """A public name the fuzzer does not know is reported here, not a fuzzer failure."""
    names = set(convlab.__all__) | set(convlab.signal.__all__)
    unknown = sorted(names - set(BASE) - set(NOT_FUZZED))
    if unknown:
        pytest.skip(
            f"not fuzzed yet (add a valid call to BASE or a reason to NOT_FUZZED): {unknown}"
        )
    for name in BASE:
        params = inspect.signature(getattr(convlab, name)).parameters
        assert set(BASE[name]()) <= set(params) | {"arrays"}, name


def test_fuzzer_catches_a_crash() -> None:
    """The fuzzer itself can fail: a function that leaks an IndexError is reported."""
    tally = Tally()
    convlab._fuzz_probe = lambda input: input[5]  # type: ignore[attr-defined]
    BASE["_fuzz_probe"] = lambda: {"input": np.zeros(3)}
    try:
        fuzz_one("_fuzz_probe", "input", "zero_size", lambda: np.zeros(0), tally)
    finally:
        del convlab._fuzz_probe
        del BASE["_fuzz_probe"]
    assert tally.counts["zero_size"]["crash"] == 1
    assert "IndexError" in tally.failures[0]
    assert math.isfinite(CALL_LIMIT)
