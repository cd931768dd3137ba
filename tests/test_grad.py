"""Backward passes: the identities they are built on, numerical checks, errors, and
live comparisons with torch autograd on random configurations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convlab as cl
from convlab.padding import pad_spatial, pad_spatial_adjoint

rng = np.random.default_rng(7)


def normal(*shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


# ----------------------------------------------------------------------------- identities


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "groups"),
    [(1, 0, 1, 1), (2, 1, 1, 1), (3, 2, 2, 2), ((2, 1), (0, 2), (1, 2), 1)],
)
def test_conv_input_grad_is_a_transposed_conv(stride, padding, dilation, groups):
    x, w, gy_shape = normal(2, 4, 9, 8), normal(6, 4 // groups, 3, 2), None
    y = cl.conv2d(x, w, None, stride, padding, dilation, groups)
    gy = normal(*y.shape)
    gx, gw, gb = cl.conv2d_backward(gy, x, w, None, stride, padding, dilation, groups)
    # the output_padding that restores the input size: the rows a strided conv skipped
    s, p, d = (np.broadcast_to(v, 2) for v in (stride, padding, dilation))
    r = tuple(int(v) for v in (np.array(x.shape[2:]) + 2 * p - d * (np.array((3, 2)) - 1) - 1) % s)
    expected = cl.conv_transpose2d(gy, w, None, stride, padding, r, groups, dilation)
    np.testing.assert_allclose(gx, expected, rtol=1e-12, atol=1e-12)
    assert gb is None and gy_shape is None
    # and it is the adjoint: <conv(x), gy> == <x, grad_input>
    assert np.isclose((y * gy).sum(), (x * gx).sum())
    assert np.isclose((y * gy).sum(), (w * gw).sum())  # conv is linear in w as well


def test_conv_transpose_input_grad_is_a_conv():
    x, w = normal(2, 4, 5, 6), normal(4, 3, 3, 3)
    y = cl.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    gy = normal(*y.shape)
    gx, gw, _ = cl.conv_transpose2d_backward(gy, x, w, stride=2, padding=1, output_padding=1)
    np.testing.assert_allclose(gx, cl.conv2d(gy, w, stride=2, padding=1), atol=1e-12)
    assert np.isclose((y * gy).sum(), (w * gw).sum())


def test_weight_grad_is_a_correlation_of_input_with_grad_output():
    # stride 1, one channel: dL/dw = correlate(x, gy) in scipy's "valid" sense
    x, w = normal(1, 1, 7, 6), normal(1, 1, 3, 3)
    gy = normal(1, 1, 5, 4)
    _, gw, _ = cl.conv2d_backward(gy, x, w)
    expected = cl.conv2d(x, gy)  # the input correlated with grad_output as the kernel
    np.testing.assert_allclose(gw, expected, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    mode=st.sampled_from(["constant", "reflect", "replicate", "circular"]),
    shape=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    data=st.data(),
)
def test_pad_adjoint_is_the_transpose_of_padding(mode, shape, data):
    limit = {"reflect": -1, "replicate": 4, "circular": 0, "constant": 4}[mode]
    pairs = [
        (data.draw(st.integers(0, max(n + limit, 0))), data.draw(st.integers(0, max(n + limit, 0))))
        for n in shape
    ]
    x = normal(2, *shape)
    y = pad_spatial(x, pairs, mode)
    g = normal(*y.shape)
    np.testing.assert_allclose((y * g).sum(), (x * pad_spatial_adjoint(g, pairs, mode)).sum())


# ----------------------------------------------------------------------------- routing


def test_max_pool_ties_go_to_the_first_maximum_and_overlaps_add():
    x = np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 2.0], [0.0, 1.0, 3.0]]]])
    gy = np.array([[[[1.0, 10.0], [100.0, 1000.0]]]])
    gx, none1, none2 = cl.max_pool2d_backward(gy, x, 2, stride=1)
    # windows: top-left (3 at (0,1) first), top-right (3 at (0,1) first, again),
    # bottom-left (3 at (1,0)), bottom-right (3 at (2,2))
    expected = np.array([[[[0, 11.0, 0], [100.0, 0, 0], [0, 0, 1000.0]]]])
    np.testing.assert_array_equal(gx, expected)
    assert none1 is None and none2 is None


def test_max_pool_nan_wins():
    x = np.array([[[5.0, np.nan, 1.0, 2.0]]])
    gx, _, _ = cl.max_pool1d_backward(np.array([[[1.0, 1.0]]]), x, 2)
    np.testing.assert_array_equal(gx, [[[0.0, 1.0, 0.0, 1.0]]])


def test_avg_pool_count_include_pad_and_divisor_override():
    x, gy = np.zeros((1, 1, 2, 2)), np.ones((1, 1, 3, 3))  # 3×3 windows over the padded 4×4
    with_pad = cl.avg_pool2d_backward(gy, x, 2, stride=1, padding=1, count_include_pad=True)[0]
    without = cl.avg_pool2d_backward(gy, x, 2, stride=1, padding=1, count_include_pad=False)[0]
    override = cl.avg_pool2d_backward(gy, x, 2, 1, 1, divisor_override=2)[0]
    # each cell is in 4 windows; they divide by 4, by their 1, 2, 2, 4 real cells, or by 2
    np.testing.assert_allclose(with_pad, np.full((1, 1, 2, 2), 4 * 0.25))
    np.testing.assert_allclose(without, np.full((1, 1, 2, 2), 1 + 0.5 + 0.5 + 0.25))
    np.testing.assert_allclose(override, np.full((1, 1, 2, 2), 4 * 0.5))


def test_unbatched_and_dtype_are_preserved():
    x, w = normal(3, 6, 6, dtype=np.float32), normal(2, 3, 3, 3, dtype=np.float32)
    gy = np.ones((2, 4, 4), np.float32)
    gx, gw, gb = cl.conv2d_backward(gy, x, w, np.zeros(2, np.float32))
    assert gx.shape == x.shape and gx.dtype == gw.dtype == gb.dtype == np.float32
    gx, _, _ = cl.max_pool2d_backward(np.ones((3, 3, 3), np.float32), x, 2)
    assert gx.shape == x.shape and gx.dtype == np.float32
    gx, _, _ = cl.adaptive_avg_pool2d_backward(np.ones((3, 2, 5)), x.astype(np.float64))
    assert gx.shape == x.shape and np.isclose(gx.sum(), 3 * 2 * 5)


# ----------------------------------------------------------------------------- gradient_check

BACKWARDS = [
    ("conv1d", dict(stride=2, padding=1, dilation=2, groups=2, padding_mode="reflect"), 1),
    ("conv2d", dict(stride=(2, 1), padding="valid", groups=1, padding_mode="zeros"), 2),
    ("conv2d", dict(padding="same", dilation=2, padding_mode="circular"), 2),
    ("conv2d", dict(stride=2, padding=(1, 2), padding_mode="replicate"), 2),
    ("conv3d", dict(stride=(1, 2, 1), padding=1, groups=2, padding_mode="reflect"), 3),
    ("conv_transpose1d", dict(stride=3, padding=1, output_padding=2, groups=2), 1),
    ("conv_transpose2d", dict(stride=2, padding=1, output_padding=1, dilation=2), 2),
    ("conv_transpose3d", dict(stride=(2, 1, 1), padding=(0, 1, 0)), 3),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), 1),
    ("max_pool2d", dict(kernel_size=3, stride=1, padding=1, dilation=2), 2),
    ("max_pool3d", dict(kernel_size=2, stride=1), 3),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False), 1),
    ("avg_pool2d", dict(kernel_size=3, stride=2, ceil_mode=True, divisor_override=4), 2),
    ("avg_pool3d", dict(kernel_size=2, stride=1, padding=1), 3),
    ("adaptive_avg_pool1d", dict(output_size=4), 1),
    ("adaptive_avg_pool2d", dict(output_size=(3, 7)), 2),
    ("adaptive_avg_pool3d", dict(output_size=(2, 1, 3)), 3),
]


@pytest.mark.parametrize(("op", "kwargs", "nd"), BACKWARDS, ids=[b[0] for b in BACKWARDS])
def test_gradient_check_passes_on_every_backward(op, kwargs, nd):
    forward, backward = getattr(cl, op), getattr(cl, op + "_backward")
    # Own seeded generator: the module-level one is also drawn by hypothesis tests, so its
    # state here would vary from run to run. Distinct values (no ties) of order 1 keep
    # the outputs small, so rounding in the central differences stays far below rtol.
    local = np.random.default_rng(sum(map(ord, op)) + nd)
    size = 4 * 5**nd
    x = local.permutation(size).reshape(1, 4, *(5,) * nd) / size
    if "pool" in op:
        bkw = {k: v for k, v in kwargs.items() if k != "output_size"}
        check = cl.gradient_check(
            lambda x: forward(x, **kwargs), lambda g, x: backward(g, x, **bkw), x, max_checks=100
        )
    else:
        c_out = 4
        groups = kwargs.get("groups", 1)
        shape = (4, c_out // groups) if "transpose" in op else (c_out, 4 // groups)
        w, b = local.standard_normal((*shape, *(2,) * nd)), local.standard_normal(c_out)
        check = cl.gradient_check(
            lambda x, w, b: forward(x, w, b, **kwargs),
            lambda g, x, w, b: backward(g, x, w, b, **kwargs),
            x, w, b, max_checks=60,
        )  # fmt: skip
    assert check, check


def test_gradient_check_reports_a_wrong_gradient():
    x, w = normal(1, 1, 6, 6), normal(1, 1, 3, 3)
    bad = cl.gradient_check(
        lambda x, w: cl.conv2d(x, w, stride=2),
        lambda g, x, w: cl.conv2d_backward(g, x, w[:, :, ::-1, ::-1], stride=2),  # flipped
        x, w,
    )  # fmt: skip
    assert not bad and bad.max_rel_error > 0.01
    assert "passed=False" in repr(bad) and "at array" in repr(bad)
    worst = bad.where
    assert worst[0] in (0, 1) and len(worst[1]) == 4


def test_gradient_check_float32_and_scalar_function():
    x = normal(3, 4, dtype=np.float32)
    assert cl.gradient_check(lambda x: np.tanh(x).sum(), 1 - np.tanh(x) ** 2, x)
    assert cl.gradient_check(lambda x: (x**3).sum(), [3 * x**2], x, max_checks=5).checked == 5
    # f returning a view of its input (a reshape) must not fool the differences
    assert cl.gradient_check(lambda x: x.reshape(-1), lambda g, x: (g.reshape(x.shape),), x)


# ----------------------------------------------------------------------------- errors


def test_grad_output_shape_is_checked():
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    expected = (
        r"conv2d_backward: grad_output must have the shape of conv2d's output .* "
        r"\(1, 3, 2, 2\); got grad_output with shape \(1, 3, 3, 3\)"
    )
    with pytest.raises(ValueError, match=expected):
        cl.conv2d_backward(np.ones((1, 3, 3, 3)), x, w, stride=2)
    with pytest.raises(ValueError, match=r"max_pool2d_backward: grad_output .* \(1, 2, 2, 2\)"):
        cl.max_pool2d_backward(np.ones((1, 2, 5, 5)), x, 2)
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d_backward: grad_output"):
        cl.adaptive_avg_pool2d_backward(np.ones((2, 3, 3)), x)


def test_forward_argument_errors_name_the_backward():
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    with pytest.raises(ValueError, match="conv2d_backward: stride must be"):
        cl.conv2d_backward(np.ones((1, 3, 3, 3)), x, w, stride=0)
    with pytest.raises(ValueError, match="conv2d_backward: padding_mode='reflect' needs"):
        cl.conv2d_backward(np.ones((1, 3, 11, 11)), x, w, padding=5, padding_mode="reflect")
    with pytest.raises(TypeError, match="conv2d_backward: all arrays must have the same float"):
        cl.conv2d_backward(np.ones((1, 3, 3, 3), np.float32), x, w)
    with pytest.raises(ValueError, match="conv_transpose2d_backward: output_padding must be"):
        cl.conv_transpose2d_backward(
            np.ones((1, 2, 7, 7)), np.ones((1, 3, 5, 5)), w, output_padding=1
        )
    with pytest.raises(ValueError, match="avg_pool2d_backward: padding must be at most half"):
        cl.avg_pool2d_backward(np.ones((1, 2, 3, 3)), x, 2, padding=2)
    with pytest.raises(TypeError, match="max_pool2d_backward: ceil_mode must be True or False"):
        cl.max_pool2d_backward(np.ones((1, 2, 2, 2)), x, 2, ceil_mode="yes")
    with pytest.raises(TypeError, match="grad_output must be an array of real numbers"):
        cl.avg_pool1d_backward("oops", np.ones((1, 1, 4)), 2)


def test_gradient_check_errors():
    x = np.ones(3)
    with pytest.raises(TypeError, match="gradient_check: f must be a function"):
        cl.gradient_check(x, x, x)
    with pytest.raises(ValueError, match="gradient_check: with precomputed gradients, f must "
                       "return a scalar"):  # fmt: skip
        cl.gradient_check(lambda x: x * 2, x, x)
    with pytest.raises(ValueError, match=r"gradient_check: need one gradient per array \(2\)"):
        cl.gradient_check(lambda x, y: (x * y).sum(), [x], x, x)
    with pytest.raises(ValueError, match=r"the gradient for array 0 must have its shape \(3,\)"):
        cl.gradient_check(lambda x: x.sum(), np.ones(4), x)
    with pytest.raises(TypeError, match="the gradient for array 0 is None"):
        cl.gradient_check(lambda x: x * 2, lambda g, x: (None,), x)


# ----------------------------------------------------------------------------- live torch


def _torch_grads(torch, forward, arrays, gy, **kwargs):
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    forward(*tensors, **kwargs).backward(torch.tensor(gy))
    return [t.grad.numpy() for t in tensors]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_live_torch_random_convs(dtype):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    local = np.random.default_rng(11)
    for nd, trial in itertools.product((1, 2, 3), range(8)):
        size = tuple(local.integers(4, 9, nd))
        groups = int(local.choice([1, 2]))
        kernel = tuple(local.integers(1, 4, nd))
        stride, dilation = int(local.integers(1, 4)), int(local.integers(1, 3))
        padding = int(local.integers(0, 3))
        transposed = trial % 2 == 1
        x = local.standard_normal((2, 4, *size)).astype(dtype)
        if transposed:
            w = local.standard_normal((4, 6 // groups, *kernel)).astype(dtype)
            op = min(stride, dilation) - 1
            kw = dict(stride=stride, padding=padding, output_padding=op, groups=groups,
                      dilation=dilation)  # fmt: skip
            name = f"conv_transpose{nd}d"
        else:
            w = local.standard_normal((6, 4 // groups, *kernel)).astype(dtype)
            kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
            name = f"conv{nd}d"
        b = local.standard_normal(6).astype(dtype)
        try:
            y = getattr(cl, name)(x, w, b, **kw)
        except ValueError:
            continue  # convlab refuses (kernel larger than the padded input, ...)
        gy = local.standard_normal(y.shape).astype(dtype)
        ours = getattr(cl, name + "_backward")(gy, x, w, b, **kw)
        theirs = _torch_grads(torch, getattr(F, name), (x, w, b), gy, **kw)
        tol = 1e-12 if dtype == np.float64 else 1e-4
        for got, want in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=f"{name} {kw}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_live_torch_random_pools(dtype):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    local = np.random.default_rng(12)
    for nd, trial in itertools.product((1, 2, 3), range(10)):
        size = tuple(local.integers(3, 9, nd))
        x = local.integers(0, 4, (2, 3, *size)).astype(dtype)  # many ties
        k, s = int(local.integers(1, 4)), int(local.integers(1, 4))
        p = int(local.integers(0, k // 2 + 1))
        ceil = bool(local.integers(0, 2))
        pooling = dict(kernel_size=k, stride=s, padding=p, ceil_mode=ceil)
        cases = [
            (f"max_pool{nd}d", pooling),
            (f"avg_pool{nd}d", {**pooling, "count_include_pad": trial % 2 == 0}),
        ]
        for name, kw in cases:
            try:
                y = getattr(cl, name)(x, **kw)
            except ValueError:
                continue
            gy = local.standard_normal(y.shape).astype(dtype)
            (ours, *_), (theirs,) = (
                getattr(cl, name + "_backward")(gy, x, **kw),
                _torch_grads(torch, getattr(F, name), (x,), gy, **kw),
            )
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5, err_msg=f"{name} {kw}")
        out = tuple(int(v) for v in local.integers(1, 9, nd))
        gy = local.standard_normal((2, 3, *out)).astype(dtype)
        name = f"adaptive_avg_pool{nd}d"
        ours = getattr(cl, name + "_backward")(gy, x)[0]
        (theirs,) = _torch_grads(torch, getattr(F, name), (x,), gy, output_size=out)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_empty_batch():
    x, w = np.ones((0, 2, 5, 5)), np.ones((3, 2, 3, 3))
    gx, gw, gb = cl.conv2d_backward(np.ones((0, 3, 3, 3)), x, w, np.ones(3))
    assert gx.shape == x.shape and not gw.any() and not gb.any()
    for backward, gy in (
        (lambda g: cl.max_pool2d_backward(g, x, 2), np.ones((0, 2, 2, 2))),
        (lambda g: cl.avg_pool2d_backward(g, x, 2), np.ones((0, 2, 2, 2))),
        (lambda g: cl.adaptive_avg_pool2d_backward(g, x), np.ones((0, 2, 3, 3))),
    ):
        assert backward(gy)[0].shape == x.shape
