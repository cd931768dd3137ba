"""Live comparisons with PyTorch on random inputs, when torch is installed.

CI does not install torch (the golden fixtures cover it there); developers with
``pip install torch==2.13.0`` get thousands of extra random comparisons.
"""

import itertools

import numpy as np
import pytest

import convlab as cl

torch = pytest.importorskip("torch")
F = torch.nn.functional

# torch's own performance note for even kernels with padding="same", not about results
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel:UserWarning")

SIZES = {1: (9,), 2: (7, 6), 3: (5, 6, 4)}
KERNELS = {1: (3,), 2: (3, 2), 3: (2, 3, 1)}
GROUPINGS = [(2, 4, 6, 2), (1, 3, 8, 1), (2, 4, 4, 4), (1, 6, 12, 3)]  # N, C_in, C_out, groups


def T(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def close(got, expected, dtype=np.float64):
    expected = expected.detach().numpy()
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    tol = 1e-12 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def torch_or_none(f, *args):
    """torch's result, or None where torch refuses (convlab must refuse too).

    Also None for an empty output: torch's grouped 3-D transposed convolution returns
    a size-0 dim where every other path raises "Output size is too small"; convlab
    raises consistently.
    """
    try:
        out = f(*args)
    except RuntimeError:
        return None
    return None if isinstance(out, torch.Tensor) and out.numel() == 0 else out


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("grouping", GROUPINGS, ids=lambda g: "N{}-C{}-O{}-g{}".format(*g))
def test_conv(nd, grouping, rng):
    n, c, o, g = grouping
    for s, p, d, dtype in itertools.product(
        (1, 2, 3), (0, 1, 2, "same"), (1, 2), (np.float64, np.float32)
    ):
        x = rng.standard_normal((n, c, *SIZES[nd])).astype(dtype)
        w = rng.standard_normal((o, c // g, *KERNELS[nd])).astype(dtype)
        b = rng.standard_normal(o).astype(dtype)
        expected = torch_or_none(getattr(F, f"conv{nd}d"), T(x), T(w), T(b), s, p, d, g)
        f = getattr(cl, f"conv{nd}d")
        if expected is None:
            with pytest.raises(ValueError):
                f(x, w, b, s, p, d, g)
        else:
            close(f(x, w, b, s, p, d, g), expected, dtype)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv_padding_modes(nd, mode, rng):
    for s, p, d in itertools.product((1, 2), (1, 2, 3, "same"), (1, 2)):
        if p == "same" and s > 1:
            continue
        x, w = rng.standard_normal((2, 3, *SIZES[nd])), rng.standard_normal((4, 3, *KERNELS[nd]))
        layer = getattr(torch.nn, f"Conv{nd}d")(3, 4, KERNELS[nd], s, p, d, padding_mode=mode)
        layer = layer.double()
        with torch.no_grad():
            layer.weight.copy_(T(w))
            expected = torch_or_none(layer, T(x))
        args = (x, w, layer.bias.detach().numpy(), s, p, d, 1, mode)
        if expected is None:
            with pytest.raises(ValueError):
                getattr(cl, f"conv{nd}d")(*args)
        else:
            close(getattr(cl, f"conv{nd}d")(*args), expected)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("grouping", GROUPINGS, ids=lambda g: "N{}-C{}-O{}-g{}".format(*g))
def test_conv_transpose(nd, grouping, rng):
    n, c, o, g = grouping
    for s, p, d, dtype in itertools.product((1, 2, 3), (0, 1, 2), (1, 2), (np.float64, np.float32)):
        for op in range(max(s, d)):
            x = rng.standard_normal((n, c, *SIZES[nd])).astype(dtype)
            w = rng.standard_normal((c, o // g, *KERNELS[nd])).astype(dtype)
            b = rng.standard_normal(o).astype(dtype)
            args = (s, p, op, g, d)
            expected = torch_or_none(getattr(F, f"conv_transpose{nd}d"), T(x), T(w), T(b), *args)
            f = getattr(cl, f"conv_transpose{nd}d")
            if expected is None:
                with pytest.raises(ValueError):
                    f(x, w, b, *args)
            else:
                close(f(x, w, b, *args), expected, dtype)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_pools(nd, rng):
    for k, s, p, d, ceil in itertools.product(
        (2, 3), (None, 1, 2, 3), (0, 1), (1, 2), (False, True)
    ):
        x = np.round(rng.standard_normal((2, 3, *[9, 8, 7][:nd])), 1)  # rounding makes ties
        expected = torch_or_none(getattr(F, f"max_pool{nd}d"), T(x), k, s, p, d, ceil, True)
        if expected is None:
            with pytest.raises(ValueError):
                getattr(cl, f"max_pool{nd}d")(x, k, s, p, d, ceil, True)
            continue
        y, idx = getattr(cl, f"max_pool{nd}d")(x, k, s, p, d, ceil, True)
        close(y, expected[0])
        np.testing.assert_array_equal(idx, expected[1].numpy())
        if d == 1:
            for cip in (True, False):
                extra = (None,) if nd == 1 else (None, 3)
                for div in extra:
                    args = (k, s, p, ceil, cip) + (() if nd == 1 else (div,))
                    e = getattr(F, f"avg_pool{nd}d")(T(x), *args)
                    close(getattr(cl, f"avg_pool{nd}d")(x, *args), e)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_adaptive_and_unpool(nd, rng):
    size = [9, 8, 7][:nd]
    for out in (1, 2, 3, 5, 7):
        x = np.round(rng.standard_normal((2, 3, *size)), 1)
        close(
            getattr(cl, f"adaptive_avg_pool{nd}d")(x, out),
            getattr(F, f"adaptive_avg_pool{nd}d")(T(x), out),
        )
        y, idx = getattr(cl, f"adaptive_max_pool{nd}d")(x, out, True)
        ey, eidx = getattr(F, f"adaptive_max_pool{nd}d")(T(x), out, True)
        close(y, ey)
        np.testing.assert_array_equal(idx, eidx.numpy())
    x = rng.standard_normal((2, 3, *size))
    y, idx = getattr(cl, f"max_pool{nd}d")(x, 2, return_indices=True)
    got = getattr(cl, f"max_unpool{nd}d")(y, idx, 2, output_size=size)
    close(got, getattr(F, f"max_unpool{nd}d")(T(y), T(idx), 2, output_size=size))


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad(mode, rng):
    for shape, pad in itertools.product(
        [(2, 3, 6), (2, 3, 5, 6), (3, 5, 6), (1, 2, 4, 5, 6)],
        [(1, 2), (2, 1, 0, 3), (-1, 2, 1, -1), (3, 3, 4, 4), (1, 0, 2, 1, 1, 1), (-2, -1)],
    ):
        x = rng.standard_normal(shape)
        kw = {"value": 0.5} if mode == "constant" else {}
        try:
            expected = F.pad(T(x), pad, mode=mode, **kw)
        except (RuntimeError, NotImplementedError):
            with pytest.raises(ValueError):
                cl.pad(x, pad, mode, **kw)
            continue
        close(cl.pad(x, pad, mode, **kw), expected)


def test_unfold_fold(rng):
    for k, d, p, s in itertools.product((1, 2, 3, (2, 3)), (1, 2), (0, 1), (1, 2)):
        x = rng.standard_normal((2, 3, 7, 6))
        expected = torch_or_none(F.unfold, T(x), k, d, p, s)
        if expected is None:
            with pytest.raises(ValueError):
                cl.unfold(x, k, d, p, s)
            continue
        cols = cl.unfold(x, k, d, p, s)
        close(cols, expected)
        close(cl.fold(cols, (7, 6), k, d, p, s), F.fold(expected, (7, 6), k, d, p, s))
