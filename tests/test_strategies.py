"""Each convolution strategy, forced on cases the dispatch rule would give another one.

``convlab.strategies.convolve`` picks a strategy from the shapes; here the thresholds
are moved so that every strategy (small-input im2col, row shift in images or in bands of
rows, chunked im2col on the flat-tap layout) runs on every case, and each must agree
with the independent ``sliding_window_view`` + ``einsum`` oracle of test_fast_paths.
"""

import numpy as np
import pytest

import convlab
from convlab import strategies
from convlab import transpose as transpose_module

from .test_fast_paths import CONV_CASES, TRANSPOSE_CASES, conv_oracle, conv_transpose_oracle

MORE_CASES = [
    # (N, C_in, C_out, size, kernel, stride, padding, dilation, groups)
    (2, 16, 8, (17, 15), (5, 3), (3, 2), (2, 1), (2, 1), 2),  # row stride 3, 3 phases
    (1, 6, 4, (9, 11), (2, 4), (1, 2), (0, 3), (3, 1), 1),  # padding wider than input
    (2, 8, 4, (5, 6), (3, 3), (2, 2), (4, 4), (1, 1), 1),  # bands all padding
    (3, 12, 6, (40,), (5,), (2,), (2,), (1,), 3),  # 1-D
]

FORCE = {
    "small": {"_SMALL_BYTES": 1 << 40},
    "row_shift": {"_SMALL_BYTES": 0, "_ROW_SHIFT_K": 0},
    "row_shift_bands": {"_SMALL_BYTES": 0, "_ROW_SHIFT_K": 0, "_CHUNK_BYTES": 512},
    "flat_taps": {"_SMALL_BYTES": 0, "_ROW_SHIFT_K": 1 << 40},
}


@pytest.mark.parametrize("strategy", FORCE)
@pytest.mark.parametrize("with_bias", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES + MORE_CASES)
def test_forced_strategy_matches_oracle(case, dtype, with_bias, strategy, monkeypatch):
    for name, value in FORCE[strategy].items():
        monkeypatch.setattr(strategies, name, value)
    n, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(sum(size))
    x = rng.standard_normal((n, c_in, *size)).astype(dtype)
    w = rng.standard_normal((c_out, c_in // groups, *kernel)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    conv = getattr(convlab, f"conv{len(size)}d")
    y = conv(x, w, b if with_bias else None, stride, padding, dilation, groups)
    want = conv_oracle(
        x, w, b if with_bias else np.zeros_like(b), stride, padding, dilation, groups
    )
    assert y.dtype == dtype and y.flags.c_contiguous and y.shape == want.shape
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, want, rtol=tol, atol=tol * np.abs(want).max())


def test_dispatch_rule():
    """What the rule picks for the benchmark cases (the README's 'which strategy wins')."""
    picked = []

    def spy(name, fn):
        def wrapped(*args, **kwargs):
            picked.append(name)
            return fn(*args, **kwargs)

        return wrapped

    rng = np.random.default_rng(0)
    cases = {
        "teaching": ((1, 3, 32, 32), (8, 3, 3, 3), 1),
        "dense": ((2, 64, 20, 20), (64, 64, 3, 3), 1),
        "rgb_stem": ((2, 3, 64, 64), (16, 3, 7, 7), 1),
        "depthwise": ((2, 64, 20, 20), (64, 1, 3, 3), 64),
    }
    got = {}
    with pytest.MonkeyPatch.context() as mp:
        for name in ("_small_im2col", "_row_shift_matmul", "_cols_matmul", "_depthwise"):
            mp.setattr(strategies, name, spy(name, getattr(strategies, name)))
        for case, (xs, ws, groups) in cases.items():
            picked.clear()
            x, w = rng.standard_normal(xs), rng.standard_normal(ws)
            convlab.conv2d(x, w, padding=1, groups=groups)
            got[case] = picked[0]
    assert got == {
        "teaching": "_small_im2col",
        "dense": "_row_shift_matmul",
        "rgb_stem": "_cols_matmul",
        "depthwise": "_depthwise",
    }


TRANSPOSE_MORE = [
    # (N, C_in, C_out/groups, size, kernel, stride, padding, output_padding, groups, dilation)
    (2, 8, 4, (6, 7), (3, 3), (1, 1), (1, 1), (0, 0), 1, (1, 1)),  # one phase of 9 taps
    (2, 8, 3, (5, 5), (2, 2), (4, 3), (1, 0), (2, 1), 2, (1, 1)),  # cells no tap reaches
    (1, 6, 2, (4, 6), (4, 3), (2, 2), (3, 2), (1, 0), 1, (3, 2)),  # taps 1 phase apart
    (2, 4, 2, (3,), (5,), (3,), (6,), (2,), 1, (2,)),  # padding crops past the input
]
TRANSPOSE_FORCE = {"stamps": (1 << 30, 1 << 30), "phases": (0, 0)}


@pytest.mark.parametrize("strategy", TRANSPOSE_FORCE)
@pytest.mark.parametrize("case", TRANSPOSE_CASES + TRANSPOSE_MORE)
def test_forced_transpose_strategy_matches_oracle(case, strategy, monkeypatch):
    """Stamps summed per phase, and one ordinary convolution per phase (phaseconv)."""
    channels, taps = TRANSPOSE_FORCE[strategy]
    monkeypatch.setattr(transpose_module, "_STAMP_MAX_CHANNELS", channels)
    monkeypatch.setattr(transpose_module, "_PHASE_TAPS", taps)
    n, c_in, og, size, kernel, stride, padding, output_padding, groups, dilation = case
    rng = np.random.default_rng(sum(size))
    x = rng.standard_normal((n, c_in, *size))
    w = rng.standard_normal((c_in, og, *kernel))
    b = rng.standard_normal(og * groups)
    conv_t = getattr(convlab, f"conv_transpose{len(size)}d")
    y = conv_t(x, w, b, stride, padding, output_padding, groups, dilation)
    want = conv_transpose_oracle(x, w, b, stride, padding, output_padding, groups, dilation)
    assert y.flags.c_contiguous and y.shape == want.shape
    np.testing.assert_allclose(y, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())


def weight_grad_oracle(x, gy, kernel, stride, padding, dilation, groups):
    """``dw[o, c, t] = sum_{n, i} gy[n, o, i] xp[n, c, i*s + t*d]`` by sliding windows."""
    nd = len(kernel)
    xp = np.pad(x, ((0, 0), (0, 0), *((p, p) for p in padding)))
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    v = np.lib.stride_tricks.sliding_window_view(xp, extent, axis=tuple(range(2, 2 + nd)))
    v = v[(..., *(slice(None, None, s) for s in stride), *(slice(None, None, d) for d in dilation))]
    v = v[(..., *(slice(0, o) for o in gy.shape[2:]), *(slice(None),) * nd)]
    cg, og = x.shape[1] // groups, gy.shape[1] // groups
    spatial, taps = "xyz"[:nd], "ijk"[:nd]
    return np.concatenate(
        [
            np.einsum(
                f"no{spatial},nc{spatial}{taps}->oc{taps}",
                gy[:, g * og : (g + 1) * og],
                v[:, g * cg : (g + 1) * cg],
            )
            for g in range(groups)
        ]
    )


@pytest.mark.parametrize("strategy", ["row_shift", "flat_taps"])
@pytest.mark.parametrize("case", CONV_CASES + MORE_CASES)
def test_forced_weight_grad_strategy_matches_oracle(case, strategy, monkeypatch):
    """The weight gradient on the row-shift layout (in one or several layouts of a few
    images) and on the flat-tap layout."""
    monkeypatch.setattr(strategies, "_ROW_SHIFT_K", 0 if strategy == "row_shift" else 1 << 40)
    monkeypatch.setattr(strategies, "_CHUNK_BYTES", 4096)  # several layouts per batch
    n, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(sum(size))
    x = rng.standard_normal((n, c_in, *size))
    w = rng.standard_normal((c_out, c_in // groups, *kernel))
    y = getattr(convlab, f"conv{len(size)}d")(x, w, None, stride, padding, dilation, groups)
    gy = rng.standard_normal(y.shape)
    backward = getattr(convlab, f"conv{len(size)}d_backward")
    _, gw, _ = backward(gy, x, w, None, stride, padding, dilation, groups)
    want = weight_grad_oracle(x, gy, kernel, stride, padding, dilation, groups)
    np.testing.assert_allclose(gw, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
