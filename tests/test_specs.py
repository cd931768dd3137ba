"""The specs are built by name only, and the named constructors give true adjoints."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from convlab.conv import ConvSpec, conv_forward, parse_conv
from convlab.flattaps import FlatTaps, TapBlock
from convlab.padding import pad_spatial
from convlab.pool_windows import PoolSpec
from convlab.rowshift import RowShift
from convlab.stamps import PhasePlan
from convlab.transpose import TransposeSpec, conv_transpose_forward, parse_conv_transpose

SPECS = [ConvSpec, TransposeSpec, PoolSpec, FlatTaps, TapBlock, RowShift, PhasePlan]


@pytest.mark.parametrize("cls", SPECS, ids=lambda c: c.__name__)
def test_specs_are_keyword_only(cls):
    fields = dataclasses.fields(cls)
    assert all(f.kw_only for f in fields)
    with pytest.raises(TypeError, match="positional"):
        cls(*range(len(fields)))


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation", "groups"),
    [
        ((7, 6), (3, 2), (2, 3), (1, 0), (1, 2), 1),  # rows a strided forward never visits
        ((5,), (2,), (1,), (2,), (2,), 2),
        ((4, 5, 3), (2, 2, 2), (3, 1, 2), (0, 1, 1), (1, 1, 1), 1),
    ],
)
def test_adjoint_of_a_conv_is_its_transpose(size, kernel, stride, padding, dilation, groups):
    """<C x, gy> = <xp, Cᵀ gy>: the transposed spec carries gy back onto the padded input."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 2 * groups, *size))
    w = rng.standard_normal((3 * groups, 2, *kernel))
    spec = parse_conv(
        "conv", len(size), input=x, weight=w, bias=None, stride=stride, padding=padding,
        dilation=dilation, groups=groups,
    )  # fmt: skip
    gy = rng.standard_normal((2, 3 * groups, *spec.out))
    back = conv_transpose_forward(TransposeSpec.adjoint_of(spec, gy))
    xp = pad_spatial(x, spec.pads)
    assert back.shape == xp.shape
    np.testing.assert_allclose(np.vdot(conv_forward(spec), gy), np.vdot(xp, back), rtol=1e-10)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "output_padding", "dilation"),
    [
        ((3, 4), (3, 2), (2, 1), (1, 0), (1, 0), (1, 1)),
        ((4,), (3,), (2,), (0,), (2,), (3,)),  # output_padding >= stride: C crops to x
    ],
)
def test_adjoint_of_a_transpose_is_the_conv(
    size, kernel, stride, padding, output_padding, dilation
):
    """<Cᵀ x, gy> = <x, C gy> for the ConvSpec that TransposeSpec.adjoint builds."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, *size))
    w = rng.standard_normal((2, 3, *kernel))
    spec = parse_conv_transpose(
        "conv_transpose", len(size), input=x, weight=w, bias=None, stride=stride,
        padding=padding, output_padding=output_padding, groups=1, dilation=dilation,
    )  # fmt: skip
    gy = rng.standard_normal((2, 3, *spec.out))
    down = conv_forward(spec.adjoint(gy))
    assert down.shape == x.shape
    np.testing.assert_allclose(
        np.vdot(conv_transpose_forward(spec), gy), np.vdot(x, down), rtol=1e-10
    )
