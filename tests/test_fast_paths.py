"""The speed strategies (chunked im2col, depthwise, separable pooling) vs a plain oracle.

The chunk sizes are shrunk so that every branch runs on small arrays: several column
chunks per image, several images per chunk, partial last chunks, channel blocks, and
image batches in ``conv_forward``. The oracle is an independent ``sliding_window_view``
+ ``einsum`` formulation of PyTorch's definitions (zero padding, -inf for max pool).
"""

import itertools

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import convlab
from convlab import conv as conv_module
from convlab import pool_windows, strategies
from convlab import stamps as stamps_module


def windows(x, kernel, stride, padding, dilation, fill):
    """(N, C, *out, *kernel) windows of x padded with ``fill``."""
    nd = len(kernel)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding], constant_values=fill)
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    v = sliding_window_view(xp, extent, axis=tuple(range(2, 2 + nd)))
    v = v[(..., *(slice(None, None, d) for d in dilation))]
    return v[(slice(None), slice(None), *(slice(None, None, s) for s in stride))]


def conv_oracle(x, w, b, stride, padding, dilation, groups):
    nd = w.ndim - 2
    v = windows(x, w.shape[2:], stride, padding, dilation, 0.0)
    cg, og = w.shape[1], w.shape[0] // groups
    out = []
    letters = "hijkl"[:nd]
    for g in range(groups):
        vg = v[:, g * cg : (g + 1) * cg]
        wg = w[g * og : (g + 1) * og]
        spatial = "xyz"[:nd]
        out.append(np.einsum(f"nc{spatial}{letters},oc{letters}->no{spatial}", vg, wg))
    y = np.concatenate(out, axis=1)
    return y + b.reshape(-1, *([1] * nd))


@pytest.fixture(params=[64, 4096, 1 << 20], ids=["tiny-chunks", "small-chunks", "default"])
def chunks(request, monkeypatch):
    monkeypatch.setattr(strategies, "_CHUNK_BYTES", request.param)
    monkeypatch.setattr(strategies, "_DEPTHWISE_BYTES", request.param)
    monkeypatch.setattr(conv_module, "_IMAGES_BYTES", request.param)
    monkeypatch.setattr(pool_windows, "_CHUNK_BYTES", request.param)
    monkeypatch.setattr(stamps_module, "_CHUNK_BYTES", request.param)
    return request.param


CONV_CASES = [
    # (N, C_in, C_out, size, kernel, stride, padding, dilation, groups)
    (3, 8, 6, (23, 19), (3, 3), (1, 1), (1, 1), (1, 1), 1),
    (2, 6, 4, (21, 18), (3, 2), (2, 3), (2, 0), (1, 2), 2),
    (3, 4, 8, (17, 20), (3, 3), (1, 1), (1, 1), (1, 1), 4),  # depthwise x2
    (2, 5, 5, (19, 16), (5, 3), (2, 1), (2, 1), (2, 1), 5),  # depthwise
    (2, 3, 7, (30,), (4,), (3,), (1,), (2,), 1),
    (2, 4, 4, (7, 8, 9), (3, 2, 3), (2, 1, 2), (1, 1, 1), (1, 2, 1), 2),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv_strategies_match_oracle(case, dtype, chunks):
    n, c_in, c_out, size, kernel, stride, padding, dilation, groups = case
    rng = np.random.default_rng(sum(size) + chunks)
    x = rng.standard_normal((n, c_in, *size)).astype(dtype)
    w = rng.standard_normal((c_out, c_in // groups, *kernel)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype)
    conv = getattr(convlab, f"conv{len(size)}d")
    y = conv(x, w, b, stride, padding, dilation, groups)
    want = conv_oracle(x, w, b, stride, padding, dilation, groups)
    assert y.dtype == dtype and y.flags.c_contiguous
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, want, rtol=tol, atol=tol)


POOL_CASES = list(
    itertools.product(
        [
            ((2, 3, 13, 12), (3, 2), (2, 2), (1, 1), (1, 1)),
            ((2, 2, 11, 9), (2, 3), (2, 1), (1, 1), (2, 1)),
        ],
        [False, True],
    )
)


@pytest.mark.parametrize(("case", "ceil_mode"), POOL_CASES)
def test_separable_pooling_matches_oracle(case, ceil_mode, chunks):
    shape, kernel, stride, padding, dilation = case
    x = np.random.default_rng(1).standard_normal(shape)
    x[0, 0, :2, :2] = np.nan  # NaN wins a max, as in torch
    got = convlab.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)
    room = [
        (o - 1) * s + d * (k - 1) + 1 - n - 2 * p
        for o, s, d, k, n, p in zip(
            got.shape[2:], stride, dilation, kernel, shape[2:], padding, strict=True
        )
    ]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(0, max(0, r)) for r in room], constant_values=-np.inf)
    v = windows(xp, kernel, stride, padding, dilation, -np.inf)
    want = v.max(axis=(-2, -1))[:, :, : got.shape[2], : got.shape[3]]
    np.testing.assert_array_equal(got, want)
    if dilation == (1, 1):
        got = convlab.avg_pool2d(x, kernel, stride, padding, ceil_mode, divisor_override=1)
        xp = np.pad(x, [(0, 0), (0, 0)] + [(0, max(0, r)) for r in room])
        want = windows(xp, kernel, stride, padding, dilation, 0.0).sum(axis=(-2, -1))
        np.testing.assert_allclose(got, want[:, :, : got.shape[2], : got.shape[3]], rtol=1e-12)


def conv_transpose_oracle(x, w, b, stride, padding, output_padding, groups, dilation):
    """The scatter definition, one kernel tap at a time: full[i*s + t*d] += x[i] w[t]."""
    n, c_in, *size = x.shape
    kernel, og = w.shape[2:], w.shape[1]
    full_size = [
        (m - 1) * s + d * (k - 1) + 1 + op
        for m, s, d, k, op in zip(size, stride, dilation, kernel, output_padding, strict=True)
    ]
    full = np.zeros((n, og * groups, *full_size))
    cg = c_in // groups
    for tap in np.ndindex(*kernel):
        where = tuple(
            slice(t * d, t * d + s * (m - 1) + 1, s)
            for t, d, s, m in zip(tap, dilation, stride, size, strict=True)
        )
        for g in range(groups):
            stamp = np.einsum(
                "nc...,co->no...",
                x[:, g * cg : (g + 1) * cg],
                w[(slice(g * cg, (g + 1) * cg), slice(None), *tap)],
            )
            full[(slice(None), slice(g * og, (g + 1) * og), *where)] += stamp
    crop = tuple(slice(p, m - p) for p, m in zip(padding, full_size, strict=True))
    return full[(..., *crop)] + b.reshape(-1, *([1] * len(size)))


TRANSPOSE_CASES = [
    # (N, C_in, C_out/groups, size, kernel, stride, padding, output_padding, groups, dilation)
    (3, 6, 4, (9, 8), (3, 3), (2, 2), (1, 1), (1, 1), 1, (1, 1)),
    (2, 4, 3, (7, 6), (3, 2), (2, 3), (2, 0), (0, 2), 2, (2, 1)),
    (2, 3, 1, (10, 9), (4, 3), (3, 1), (1, 1), (2, 0), 3, (1, 1)),  # depthwise
    (2, 4, 5, (11,), (7,), (1,), (3,), (0,), 1, (1,)),
    (1, 2, 2, (4, 5, 3), (2, 3, 2), (2, 1, 3), (0, 1, 1), (1, 0, 2), 2, (1, 1, 1)),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", TRANSPOSE_CASES)
def test_conv_transpose_phases_match_oracle(case, dtype, chunks):
    n, c_in, og, size, kernel, stride, padding, output_padding, groups, dilation = case
    rng = np.random.default_rng(sum(size) + chunks)
    x = rng.standard_normal((n, c_in, *size)).astype(dtype)
    w = rng.standard_normal((c_in, og, *kernel)).astype(dtype)
    b = rng.standard_normal(og * groups).astype(dtype)
    conv_t = getattr(convlab, f"conv_transpose{len(size)}d")
    y = conv_t(x, w, b, stride, padding, output_padding, groups, dilation)
    want = conv_transpose_oracle(x, w, b, stride, padding, output_padding, groups, dilation)
    assert y.dtype == dtype and y.flags.c_contiguous
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, want, rtol=tol, atol=tol)
